// Event Log > Webhook: pushes newest first with filters and keyset pagination, one push with all
// its attempts, the CSV export, and the retention cleanup. Push ids are time-ordered, so the id is the
// page key and a time range is an id range. Also the keyset pages of Event Log > Devices and > Admin.
import "server-only";
import { z } from "zod";
import { db, type Prisma } from "@/lib/db";
import { isVisibleDeviceId, VISIBLE_DEVICE_ID_MESSAGE } from "@/lib/device-events";
import { deleteDeliveredNotificationsBefore } from "@/lib/webhooks/outbox";
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

function statusWhere(httpStatus: string | undefined): Prisma.PushWhereInput {
  if (!httpStatus) return {};
  if (httpStatus === "none") return { lastStatusCode: null, attemptCount: { gt: 0 } };
  if (httpStatus.endsWith("xx")) {
    const base = Number(httpStatus[0]) * 100;
    return { lastStatusCode: { gte: base, lt: base + 100 } };
  }
  return { lastStatusCode: Number(httpStatus) };
}

// How far a push's id time may be from its created_at (both are taken as the push is written).
const ID_TIME_MARGIN_MS = 60_000;

// The time range on created_at, as shown (to is inclusive). A slightly wider id range lets the
// (account, id) index narrow the rows first, since push ids are time-ordered.
function timeRangeWhere(from: Date | undefined, to: Date | undefined): Prisma.PushWhereInput {
  if (!from && !to) return {};
  const idFrom = from && messageIdLowerBound(new Date(from.getTime() - ID_TIME_MARGIN_MS));
  const idTo = to && messageIdLowerBound(new Date(to.getTime() + ID_TIME_MARGIN_MS));
  return { id: { gte: idFrom, lt: idTo }, createdAt: { gte: from, lte: to } };
}

// Every filter but the device, which keysetWhere applies.
function pushWhere(accountId: string, filter: PushFilter): Prisma.PushWhereInput {
  return { accountId, state: filter.result, ...statusWhere(filter.httpStatus), AND: [timeRangeWhere(filter.from, filter.to)] };
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

// Which pushes one keyset read returns: the filter's, older than `before` or newer than `after`.
// With a device filter, the device's push items lead (an index range by device and push id) and only
// their pushes are checked against the other filters, for at most `take` of them: an EXISTS per push
// would read a large account's whole log to find a device with few pushes.
async function keysetWhere(accountId: string, filter: PushFilter, bound: PageRequest, take: number): Promise<Prisma.PushWhereInput> {
  const where: Prisma.PushWhereInput = { AND: [pushWhere(accountId, filter), bound.before ? { id: { lt: bound.before } } : {}, bound.after ? { id: { gt: bound.after } } : {}] };
  if (!filter.deviceId) return where;
  const pushes = await db.pushItem.groupBy({ by: ["pushId"], where: { deviceId: filter.deviceId, push: { is: where } }, orderBy: { pushId: bound.after ? "asc" : "desc" }, take });
  return { id: { in: pushes.map((push) => push.pushId) } };
}

// One page of pushes, newest first, with up to 5 devices each (itemCount says how many in all).
export async function listPushPage(accountId: string, filter: PushFilter, request: PageRequest = {}, limit = PUSH_PAGE_SIZE) {
  const bounded = { before: request.before && isPushId(request.before) ? request.before : undefined, after: request.after && isPushId(request.after) ? request.after : undefined };
  const page = await readKeysetPage(bounded, limit, async (bound, take) =>
    db.push.findMany({
      where: await keysetWhere(accountId, filter, bound, take),
      orderBy: { id: bound.after ? "asc" : "desc" },
      take,
      include: { items: { select: { deviceId: true, status: true }, take: 5 } },
    }), (push) => push.id);
  return { pushes: page.rows, older: page.older, newer: page.newer };
}

// One page of pushes, newest first; pass the previous page's nextCursor to continue.
export async function listPushes(accountId: string, filter: PushFilter, cursor?: string, limit = PUSH_PAGE_SIZE) {
  const page = await listPushPage(accountId, filter, { before: cursor }, limit);
  return { pushes: page.pushes, nextCursor: page.older };
}

// One push with every attempt; null when it does not exist in this account.
export async function getPush(accountId: string, pushId: string) {
  const push = await db.push.findFirst({
    where: { id: pushId, accountId },
    include: { attempts: { orderBy: { number: "asc" } }, items: { select: { deviceId: true, status: true, notificationId: true } } },
  });
  if (!push) return null;
  const redeliveries = await db.push.findMany({ where: { redeliveryOfId: push.id, accountId }, select: { id: true, state: true, createdAt: true }, orderBy: { id: "asc" } });
  return {
    ...push,
    redeliveries,
    attempts: push.attempts.map((attempt) => ({ ...attempt, requestHeaders: JSON.parse(attempt.requestHeaders) as Record<string, string> })),
  };
}

// What the live stream compares every few seconds to notice pushes written by another process:
// the newest push of the account and how far it has got.
export async function latestPushMarker(accountId: string): Promise<string> {
  const newest = await db.push.findFirst({ where: { accountId }, orderBy: { id: "desc" }, select: { id: true, state: true, attemptCount: true } });
  return newest ? `${newest.id}:${newest.state}:${newest.attemptCount}` : "";
}

// Deletes what is older than the retention: succeeded pushes, test pushes, and delivered
// notifications no kept push shows. Failed and held pushes are never deleted by retention, so what
// did not arrive stays visible and can be redelivered (nothing is lost silently).
export async function deleteExpiredLogs(retentionDays: number, now = new Date()): Promise<{ pushes: number; notifications: number }> {
  const before = new Date(now.getTime() - retentionDays * 24 * 60 * 60 * 1000);
  const pushes = await db.push.deleteMany({ where: { completedAt: { lt: before }, OR: [{ state: "succeeded" }, { kind: "test" }] } });
  return { pushes: pushes.count, notifications: await deleteDeliveredNotificationsBefore(before) };
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

type CsvPush = Prisma.PushGetPayload<{ include: { items: { select: { deviceId: true; status: true } } } }>;

// device_ids and statuses list every notification of the push in the same order, separated by "; ".
function pushCsvLine(push: CsvPush): string {
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
      const rows = await db.push.findMany({
        where: await keysetWhere(accountId, filter, { before: cursor }, pageSize),
        orderBy: { id: "desc" },
        take: pageSize,
        include: { items: { select: { deviceId: true, status: true }, orderBy: { notificationId: "asc" } } },
      });
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
