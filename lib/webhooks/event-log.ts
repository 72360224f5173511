// Event Log > Webhook: pushes newest first with filters and keyset pagination, one push with all
// its attempts, and the CSV export. Push ids are time-ordered, so the id is the
// page key and a time range is an id range. Also the keyset pages of Event Log > Devices and > Admin.
import "server-only";
import { z } from "zod";
import { db, type Prisma } from "@/lib/db";
import { directSql, IN_LIST, listParam, timeOf, type Sql, type SqlParam } from "@/lib/sql";
import { isVisibleDeviceId, VISIBLE_DEVICE_ID_MESSAGE } from "@/lib/device-events";
import { messageIdLowerBound } from "@/lib/webhooks/signing";

export const PUSH_RESULTS = ["succeeded", "failed", "retrying", "held", "queued", "sending"] as const;
// What a push is (pushes.ts writes these): device changes, an administrator's redelivery, a "Send test".
export const PUSH_KINDS = ["delivery", "redelivery", "test"] as const;

const HTTP_STATUS_MESSAGE = "Use a code like 404, a class like 5xx, or none.";
export const pushFilterSchema = z.object({
  result: z.enum(PUSH_RESULTS).optional(),
  // An exact code (404), a class (2xx, 4xx, 5xx), or "none" (no HTTP answer: timeout, refused...).
  httpStatus: z.string().regex(/^([1-5]\d\d|[1-5]xx|none)$/, HTTP_STATUS_MESSAGE).optional(),
  deviceId: z.string().trim().min(1).max(128, "Use at most 128 characters.").refine(isVisibleDeviceId, VISIBLE_DEVICE_ID_MESSAGE).optional(),
  from: z.coerce.date().optional(),
  to: z.coerce.date().optional(),
});
export type PushFilter = z.infer<typeof pushFilterSchema>;

export const PUSH_PAGE_SIZE = 50;
export const LOG_PAGE_SIZE = 50;

// A condition of a push list's WHERE, on the pushes table as `p`, with its parameters.
type Condition = [text: string, params: SqlParam[]];

function statusCondition(httpStatus: string | undefined): Condition[] {
  if (!httpStatus) return [];
  if (httpStatus === "none") return [["p.last_status_code IS NULL AND p.attempt_count > 0", []]];
  if (httpStatus.endsWith("xx")) {
    const base = Number(httpStatus[0]) * 100;
    return [["p.last_status_code >= ? AND p.last_status_code < ?", [base, base + 100]]];
  }
  return [["p.last_status_code = ?", [Number(httpStatus)]]];
}

// How far a push's id time may be from its created_at (both are taken as the push is written).
const ID_TIME_MARGIN_MS = 60_000;

// The time range on created_at, as shown (to is inclusive). A slightly wider id range lets the
// (account, id) index narrow the rows first, since push ids are time-ordered.
function timeRangeConditions(from: Date | undefined, to: Date | undefined, id: string): Condition[] {
  const conditions: Condition[] = [];
  if (from) conditions.push([`${id} >= ? AND p.created_at >= ?`, [messageIdLowerBound(new Date(from.getTime() - ID_TIME_MARGIN_MS)), from]]);
  if (to) conditions.push([`${id} < ? AND p.created_at <= ?`, [messageIdLowerBound(new Date(to.getTime() + ID_TIME_MARGIN_MS)), to]]);
  return conditions;
}

// Every filter but the device, and the page's bound. `id`: the column the id ranges bound (an index's
// leading push id: the pushes' own, or a device's push items').
function pushConditions(accountId: string, filter: PushFilter, bound: PageRequest, id = "p.id"): Condition[] {
  return [
    ["p.account_id = ?", [accountId]],
    ...(filter.result ? [["p.state = ?", [filter.result]] as Condition] : []),
    ...statusCondition(filter.httpStatus),
    ...timeRangeConditions(filter.from, filter.to, id),
    ...(bound.before ? [[`${id} < ?`, [bound.before]] as Condition] : []),
    ...(bound.after ? [[`${id} > ?`, [bound.after]] as Condition] : []),
  ];
}

const whereOf = (conditions: Condition[]) => conditions.map(([text]) => text).join(" AND ");
const paramsOf = (conditions: Condition[]) => conditions.flatMap(([, params]) => params);

const PUSH_COLUMNS = ["id", "account_id", "kind", "redelivery_of_id", "state", "body", "item_count", "attempt_count", "next_attempt_at", "lease_expires_at", "last_status_code", "last_error_class", "last_duration_ms", "created_at", "completed_at"];
const SELECT_PUSH = `SELECT ${PUSH_COLUMNS.map((column) => `p.${column}`).join(", ")} FROM pushes p`;
type PushRow = {
  id: string;
  account_id: string;
  kind: string;
  redelivery_of_id: string | null;
  state: string;
  body: string;
  item_count: number;
  attempt_count: number;
  next_attempt_at: unknown;
  lease_expires_at: unknown;
  last_status_code: number | null;
  last_error_class: string | null;
  last_duration_ms: number | null;
  created_at: unknown;
  completed_at: unknown;
};
const numberOrNull = (value: number | null) => (value === null ? null : Number(value));

// A push as the console and the API show it (the fields Prisma's Push model names).
function pushOf(row: PushRow) {
  return {
    id: row.id,
    accountId: row.account_id,
    kind: row.kind,
    redeliveryOfId: row.redelivery_of_id,
    state: row.state,
    body: row.body,
    itemCount: Number(row.item_count),
    attemptCount: Number(row.attempt_count),
    nextAttemptAt: timeOf(row.next_attempt_at),
    leaseExpiresAt: timeOf(row.lease_expires_at),
    lastStatusCode: numberOrNull(row.last_status_code),
    lastErrorClass: row.last_error_class,
    lastDurationMs: numberOrNull(row.last_duration_ms),
    createdAt: timeOf(row.created_at)!,
    completedAt: timeOf(row.completed_at),
  };
}

// Which page of a newest-first list: `before` a key continues to older rows, `after` one goes back
// to newer ones; neither is the newest page. Pages are index range reads, never OFFSET.
export type PageRequest = { before?: string; after?: string };
export type KeysetPage<T> = { rows: T[]; older: string | null; newer: string | null };
type ReadRows<T> = (bound: PageRequest, take: number) => Promise<T[]>;

// `read` returns rows newest first for `before` (or no bound) and oldest first for `after`.
async function readKeysetPage<T>(request: PageRequest, limit: number, read: ReadRows<T>, keyOf: (row: T) => string): Promise<KeysetPage<T>> {
  if (request.after) {
    const rows = await read({ after: request.after }, limit + 1);
    if (rows.length > limit) {
      const page = rows.slice(0, limit).reverse();
      return { rows: page, newer: keyOf(page[0]!), older: keyOf(page[page.length - 1]!) };
    }
    // Back at the newest rows: show the newest page whole.
    return readKeysetPage({}, limit, read, keyOf);
  }
  const rows = await read({ before: request.before }, limit + 1);
  const page = rows.slice(0, limit);
  return {
    rows: page,
    older: rows.length > limit ? keyOf(page[page.length - 1]!) : null,
    newer: request.before ? (page[0] ? keyOf(page[0]) : request.before) : null,
  };
}

const PUSH_ID = /^msg_[0-9A-HJKMNP-TV-Z]{26}$/;

// Whether a string can be a push id (webhook-id); anything else is answered as not found.
export function isPushId(value: string): boolean {
  return PUSH_ID.test(value);
}

// The pushes one keyset read returns: the filter's, older than `before` (newest first) or newer than
// `after` (oldest first). With a device filter, the device's push items lead (an index range by
// device and push id) and only their pushes are checked against the other filters, for at most
// `take` of them: an EXISTS per push would read a large account's whole log to find a device with few
// pushes. Plain SQL: the log is read on every page view and API call, and Prisma cost several times
// the reads themselves.
async function readPushes(sql: Sql, accountId: string, filter: PushFilter, bound: PageRequest, take: number): Promise<PushRow[]> {
  const order = bound.after ? "ASC" : "DESC";
  if (!filter.deviceId) {
    const conditions = pushConditions(accountId, filter, bound);
    return sql.all<PushRow>(`${SELECT_PUSH} WHERE ${whereOf(conditions)} ORDER BY p.id ${order} LIMIT ?`, [...paramsOf(conditions), take]);
  }
  const conditions = pushConditions(accountId, filter, bound, "i.push_id");
  const ids = await sql.all<{ push_id: string }>(
    `SELECT i.push_id FROM push_items i JOIN pushes p ON p.id = i.push_id
      WHERE i.device_id = ? AND ${whereOf(conditions)} GROUP BY i.push_id ORDER BY i.push_id ${order} LIMIT ?`,
    [filter.deviceId, ...paramsOf(conditions), take],
  );
  if (ids.length === 0) return [];
  return sql.all<PushRow>(`${SELECT_PUSH} WHERE p.id ${IN_LIST} ORDER BY p.id ${order}`, [listParam(ids.map((row) => row.push_id))]);
}

// The devices and statuses a push carried, in the order of its notifications: all of them, or the
// first few of each push (what a list shows).
const ITEMS_OF_PUSHES = `SELECT push_id, device_id, status FROM push_items WHERE push_id ${IN_LIST} ORDER BY push_id, notification_id`;
const LISTED_ITEMS = 5;
const FIRST_ITEMS_OF_PUSHES = `SELECT push_id, device_id, status FROM (
    SELECT push_id, device_id, status, notification_id, ROW_NUMBER() OVER (PARTITION BY push_id ORDER BY notification_id) AS n
    FROM push_items WHERE push_id ${IN_LIST}) first_items
  WHERE n <= ${LISTED_ITEMS} ORDER BY push_id, notification_id`;
type PushItemRow = { push_id: string; device_id: string; status: string };

async function withItems(sql: Sql, rows: PushRow[], statement: string) {
  const items = new Map<string, { deviceId: string; status: string }[]>(rows.map((row) => [row.id, []]));
  if (rows.length > 0) {
    for (const item of await sql.all<PushItemRow>(statement, [listParam([...items.keys()])])) items.get(item.push_id)?.push({ deviceId: item.device_id, status: item.status });
  }
  return rows.map((row) => ({ ...pushOf(row), items: items.get(row.id)! }));
}

// One page of pushes, newest first, with up to 5 devices each (itemCount says how many in all).
export async function listPushPage(accountId: string, filter: PushFilter, request: PageRequest = {}, limit = PUSH_PAGE_SIZE) {
  const bounded = { before: request.before && isPushId(request.before) ? request.before : undefined, after: request.after && isPushId(request.after) ? request.after : undefined };
  const sql = await directSql({ planEachTime: true });
  const page = await readKeysetPage(bounded, limit, (bound, take) => readPushes(sql, accountId, filter, bound, take), (push) => push.id);
  return { pushes: await withItems(sql, page.rows, FIRST_ITEMS_OF_PUSHES), older: page.older, newer: page.newer };
}

// One page of pushes, newest first; pass the previous page's nextCursor to continue.
export async function listPushes(accountId: string, filter: PushFilter, cursor?: string, limit = PUSH_PAGE_SIZE) {
  const page = await listPushPage(accountId, filter, { before: cursor }, limit);
  return { pushes: page.pushes, nextCursor: page.older };
}

type AttemptRow = {
  id: string;
  number: number;
  url: string;
  started_at: unknown;
  duration_ms: number;
  status_code: number | null;
  error_class: string | null;
  error_message: string | null;
  request_headers: string;
  response_body: string | null;
};
const ATTEMPTS_OF_PUSH = `SELECT id, number, url, started_at, duration_ms, status_code, error_class, error_message, request_headers, response_body
  FROM push_attempts WHERE push_id = ? ORDER BY number`;
const REDELIVERIES_OF_PUSH = "SELECT id, state, created_at FROM pushes WHERE redelivery_of_id = ? AND account_id = ? ORDER BY id";

// One push with every attempt; null when it does not exist in this account.
export async function getPush(accountId: string, pushId: string) {
  const sql = await directSql();
  const [row] = await sql.all<PushRow>(`${SELECT_PUSH} WHERE p.id = ? AND p.account_id = ?`, [pushId, accountId]);
  if (!row) return null;
  const [attempts, items, redeliveries] = await Promise.all([
    sql.all<AttemptRow>(ATTEMPTS_OF_PUSH, [row.id]),
    sql.all<PushItemRow & { notification_id: string }>("SELECT device_id, status, notification_id FROM push_items WHERE push_id = ? ORDER BY notification_id", [row.id]),
    sql.all<{ id: string; state: string; created_at: unknown }>(REDELIVERIES_OF_PUSH, [row.id, accountId]),
  ]);
  return {
    ...pushOf(row),
    items: items.map((item) => ({ deviceId: item.device_id, status: item.status, notificationId: item.notification_id })),
    redeliveries: redeliveries.map((redelivery) => ({ id: redelivery.id, state: redelivery.state, createdAt: timeOf(redelivery.created_at)! })),
    attempts: attempts.map((attempt) => ({
      id: attempt.id,
      number: Number(attempt.number),
      url: attempt.url,
      startedAt: timeOf(attempt.started_at)!,
      durationMs: Number(attempt.duration_ms),
      statusCode: numberOrNull(attempt.status_code),
      errorClass: attempt.error_class,
      errorMessage: attempt.error_message,
      requestHeaders: JSON.parse(attempt.request_headers) as Record<string, string>,
      responseBody: attempt.response_body,
    })),
  };
}

// What the live stream compares every few seconds to notice pushes written by another process:
// the newest push of the account and how far it has got.
export async function latestPushMarker(accountId: string): Promise<string> {
  const newest = await db.push.findFirst({ where: { accountId }, orderBy: { id: "desc" }, select: { id: true, state: true, attemptCount: true } });
  return newest ? `${newest.id}:${newest.state}:${newest.attemptCount}` : "";
}

// ---- Filters from a URL (the list page and the CSV export read the same query) ----

export const PUSH_FILTER_PARAMS = { result: "result", httpStatus: "status", deviceId: "device", from: "from", to: "to" } as const;
export type PushFilterField = keyof typeof PUSH_FILTER_PARAMS;
export type PushFilterForm = {
  filter: PushFilter;
  values: Partial<Record<PushFilterField, string>>;
  errors: Partial<Record<PushFilterField, string>>;
};

const FORM_TIME = /^(\d{4}-\d{2}-\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,3}))?)?)?$/;
const ZONED_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/;
export const TIME_FORMAT_MESSAGE = "Use a date and time like 2026-11-29T10:00 (UTC).";

// A time from the filter form. A time without a zone (what datetime-local sends) is UTC, like every
// time the console shows. An end time covers its whole day, minute or second: "to 10:05" includes 10:05:30.
export function parseFilterTime(value: string, edge: "start" | "end"): Date | null {
  const local = FORM_TIME.exec(value);
  if (!local) {
    const zoned = ZONED_TIME.test(value) ? new Date(value) : null;
    return zoned && !Number.isNaN(zoned.getTime()) ? zoned : null;
  }
  const [, day, hours, minutes, seconds, millis] = local;
  const start = new Date(`${day}T${hours ?? "00"}:${minutes ?? "00"}:${seconds ?? "00"}.${(millis ?? "0").padEnd(3, "0")}Z`);
  if (Number.isNaN(start.getTime()) || start.toISOString().slice(0, 10) !== day) return null;
  if (edge === "start" || millis) return start;
  const unit = seconds ? 1000 : hours ? 60_000 : 86_400_000;
  return new Date(start.getTime() + unit - 1);
}

// The filters of a query. A bad value becomes a field error and is left out of the filter, so the
// page still renders (and says what to fix) instead of failing.
export function readPushFilter(query: URLSearchParams): PushFilterForm {
  const values: PushFilterForm["values"] = {};
  const errors: PushFilterForm["errors"] = {};
  const filter: PushFilter = {};
  for (const [field, param] of Object.entries(PUSH_FILTER_PARAMS) as [PushFilterField, string][]) {
    const raw = query.get(param)?.trim();
    if (raw) values[field] = raw.slice(0, 200);
  }
  const check = <K extends "result" | "httpStatus" | "deviceId">(field: K, value: string | undefined, message?: string) => {
    if (value === undefined) return;
    const parsed = pushFilterSchema.shape[field].safeParse(value);
    if (parsed.success) filter[field] = parsed.data as PushFilter[K];
    else errors[field] = message ?? parsed.error.issues[0]?.message ?? "Check this value.";
  };
  check("result", values.result, "Pick a result from the list.");
  check("httpStatus", values.httpStatus?.toLowerCase(), HTTP_STATUS_MESSAGE);
  check("deviceId", values.deviceId);
  for (const field of ["from", "to"] as const) {
    if (!values[field]) continue;
    const time = parseFilterTime(values[field], field === "from" ? "start" : "end");
    if (time) filter[field] = time;
    else errors[field] = TIME_FORMAT_MESSAGE;
  }
  if (filter.from && filter.to && filter.from > filter.to) {
    errors.to = "Pick an end after the start.";
    delete filter.to;
  }
  return { filter, values, errors };
}

// The query string of the valid filters, for links that keep them (pages, export, live view).
export function pushFilterQuery(form: Pick<PushFilterForm, "values" | "errors">): URLSearchParams {
  const query = new URLSearchParams();
  for (const [field, param] of Object.entries(PUSH_FILTER_PARAMS) as [PushFilterField, string][]) {
    const value = form.values[field];
    if (value && !form.errors[field]) query.set(param, value);
  }
  return query;
}

// ---- CSV export ----

export const PUSH_CSV_COLUMNS = ["time", "webhook_id", "kind", "result", "http_status", "error_class", "attempts", "duration_ms", "device_ids", "statuses"] as const;
const CSV_PAGE_SIZE = 500;

// One CSV cell (RFC 4180). A cell a spreadsheet would run as a formula (= + - @, tab, CR) gets a
// leading single quote, so an exported hostile device id stays text.
export function csvCell(value: string | number | null | undefined): string {
  if (value === null || value === undefined) return "";
  let text = String(value);
  if (/^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

export function csvLine(cells: readonly (string | number | null | undefined)[]): string {
  return `${cells.map(csvCell).join(",")}\r\n`;
}

// device_ids and statuses list every notification of the push in the same order, separated by "; ".
function pushCsvLine(push: Awaited<ReturnType<typeof withItems>>[number]): string {
  return csvLine([
    push.createdAt.toISOString(),
    push.id,
    push.kind,
    push.state,
    push.lastStatusCode,
    push.lastErrorClass,
    push.attemptCount,
    push.lastDurationMs,
    push.items.map((item) => item.deviceId).join("; "),
    push.items.map((item) => item.status).join("; "),
  ]);
}

// The filtered pushes of an account as a CSV byte stream, newest first. Rows are read in keyset pages
// only when the reader asks for more (pull), so memory stays flat however many rows there are.
export function pushesCsvStream(accountId: string, filter: PushFilter, pageSize = CSV_PAGE_SIZE): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  let cursor: string | undefined;
  return new ReadableStream<Uint8Array>({
    start(controller) {
      controller.enqueue(encoder.encode(csvLine(PUSH_CSV_COLUMNS)));
    },
    async pull(controller) {
      const sql = await directSql({ planEachTime: true });
      const rows = await withItems(sql, await readPushes(sql, accountId, filter, { before: cursor }, pageSize), ITEMS_OF_PUSHES);
      if (rows.length > 0) controller.enqueue(encoder.encode(rows.map(pushCsvLine).join("")));
      cursor = rows.at(-1)?.id;
      if (rows.length < pageSize) controller.close();
    },
  });
}

// ---- Event Log > Devices and > Admin: lists ordered by a time, keyed by "<epoch ms>_<id>" ----
// (device events and audit entries have random ids, so the key pairs the time with the id).

const TIME_KEY = /^(\d{1,15})_([A-Za-z0-9]{1,64})$/;

function timeKey(time: Date, id: string): string {
  return `${time.getTime()}_${id}`;
}

// Whether a string is a page key of the device or admin log (an API cursor is checked with it).
export function isTimeKey(key: string): boolean {
  return TIME_KEY.test(key);
}

function parseTimeKey(key: string | undefined): { time: Date; id: string } | null {
  const match = key ? TIME_KEY.exec(key) : null;
  return match ? { time: new Date(Number(match[1])), id: match[2]! } : null;
}

// Rows strictly older (before) or newer (after) than a key, for a (time, id) ordering.
function timeKeyWhere(field: string, bound: PageRequest): Record<string, unknown> {
  const before = parseTimeKey(bound.before);
  const after = parseTimeKey(bound.after);
  const key = before ?? after;
  if (!key) return {};
  const op = before ? "lt" : "gt";
  return { OR: [{ [field]: { [op]: key.time } }, { [field]: key.time, id: { [op]: key.id } }] };
}

function validTimeKeys(request: PageRequest): PageRequest {
  return { before: parseTimeKey(request.before) ? request.before : undefined, after: parseTimeKey(request.after) ? request.after : undefined };
}

export const deviceLogFilterSchema = z.object({
  deviceId: z.string().trim().min(1).max(128, "Use at most 128 characters.").refine(isVisibleDeviceId, VISIBLE_DEVICE_ID_MESSAGE).optional(),
});

// One page of device status changes, newest first, optionally of one device, each with the state of
// the notification it queued (if any).
export async function listDeviceEventPage(accountId: string, filter: z.infer<typeof deviceLogFilterSchema>, request: PageRequest = {}, limit = LOG_PAGE_SIZE) {
  const page = await readKeysetPage(validTimeKeys(request), limit, (bound, take) => {
    const direction = bound.after ? "asc" : "desc";
    return db.deviceEvent.findMany({
      where: { accountId, deviceId: filter.deviceId, ...(timeKeyWhere("occurredAt", bound) as Prisma.DeviceEventWhereInput) },
      orderBy: [{ occurredAt: direction }, { id: direction }],
      take,
      include: { notification: { select: { state: true } } },
    });
  }, (event) => timeKey(event.occurredAt, event.id));
  return { events: page.rows, older: page.older, newer: page.newer };
}

// One page of the audit log, newest first, with each entry's details parsed.
export async function listAuditPage(accountId: string, request: PageRequest = {}, limit = LOG_PAGE_SIZE) {
  const page = await readKeysetPage(validTimeKeys(request), limit, (bound, take) => {
    const direction = bound.after ? "asc" : "desc";
    return db.auditLog.findMany({
      where: { accountId, ...(timeKeyWhere("createdAt", bound) as Prisma.AuditLogWhereInput) },
      orderBy: [{ createdAt: direction }, { id: direction }],
      take,
    });
  }, (entry) => timeKey(entry.createdAt, entry.id));
  return {
    entries: page.rows.map((row) => ({ ...row, details: JSON.parse(row.details) as Record<string, unknown> })),
    older: page.older,
    newer: page.newer,
  };
}
