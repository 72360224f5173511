// Event log rows as the API shows them: snake_case fields, ISO timestamps, the push body as sent.
import "server-only";
import { z } from "zod";
import { decodeCursor, encodeCursor } from "@/lib/api/cursor";
import { ApiProblem } from "@/lib/api/problem";
import { pushBodySchema } from "@/lib/webhooks/contract";
import type { getPush, listAuditPage, listPushes, PUSH_KINDS, PUSH_RESULTS, PushFilter } from "@/lib/webhooks/event-log";

type ListedPush = Awaited<ReturnType<typeof listPushes>>["pushes"][number];
type PushDetail = NonNullable<Awaited<ReturnType<typeof getPush>>>;
type AuditEntry = Awaited<ReturnType<typeof listAuditPage>>["entries"][number];

const LISTED_NOTIFICATIONS = 5;

// The log's page key a cursor carries (newest first: the rows before it); a cursor of another list is a 400.
export function pageKeyOf(cursor: string | undefined, isKey: (key: string) => boolean): string | undefined {
  return cursor === undefined ? undefined : decodeCursor(cursor, z.object({ before: z.string().refine(isKey) })).before;
}

// A page of a log: its rows as JSON and the cursor of the next (older) page, null on the last.
export function logPageJson<T, J>(rows: T[], toJson: (row: T) => J, older: string | null) {
  return { data: rows.map(toJson), next_cursor: older ? encodeCursor({ before: older }) : null };
}

type PushLogQuery = { result?: PushFilter["result"]; http_status?: string; device_id?: string; from?: string; to?: string };

// The webhook log's query as the event log's filter; an empty time range is a 400 on `to`.
export function pushFilterOf(query: PushLogQuery): PushFilter {
  const from = query.from === undefined ? undefined : new Date(query.from);
  const to = query.to === undefined ? undefined : new Date(query.to);
  if (from && to && from > to) throw new ApiProblem(400, "invalid_query", "The time range is empty; see errors.", [{ parameter: "to", detail: "Pick an end at or after from." }]);
  return { result: query.result, httpStatus: query.http_status, deviceId: query.device_id, from, to };
}

const iso = (time: Date | null) => time?.toISOString() ?? null;

function pushSummaryFields(push: ListedPush | PushDetail) {
  return {
    push_id: push.id,
    kind: push.kind as (typeof PUSH_KINDS)[number],
    result: push.state as (typeof PUSH_RESULTS)[number],
    redelivery_of: push.redeliveryOfId,
    notification_count: push.itemCount,
    attempt_count: push.attemptCount,
    last_http_status: push.lastStatusCode,
    last_error_class: push.lastErrorClass,
    last_duration_ms: push.lastDurationMs,
    next_attempt_at: iso(push.nextAttemptAt),
    created_at: push.createdAt.toISOString(),
    completed_at: iso(push.completedAt),
  };
}

// The notifications as the receiver got them (test pushes carry a sample and no stored items).
const notificationsOf = (push: { body: string }) => pushBodySchema.parse(JSON.parse(push.body));

export function pushSummaryJson(push: ListedPush) {
  return { ...pushSummaryFields(push), notifications: notificationsOf(push).slice(0, LISTED_NOTIFICATIONS) };
}

export function pushDetailJson(push: PushDetail) {
  return {
    ...pushSummaryFields(push),
    notifications: notificationsOf(push),
    request_body: push.body,
    attempts: push.attempts.map((attempt) => ({
      number: attempt.number,
      started_at: attempt.startedAt.toISOString(),
      url: attempt.url,
      duration_ms: attempt.durationMs,
      succeeded: attempt.errorClass === null && attempt.statusCode !== null && attempt.statusCode >= 200 && attempt.statusCode < 300,
      http_status: attempt.statusCode,
      error_class: attempt.errorClass,
      error_message: attempt.errorMessage,
      request_headers: attempt.requestHeaders,
      response_body: attempt.responseBody,
    })),
    redeliveries: push.redeliveries.map((redelivery) => ({
      push_id: redelivery.id,
      result: redelivery.state as (typeof PUSH_RESULTS)[number],
      created_at: redelivery.createdAt.toISOString(),
    })),
  };
}

const snakeCase = (name: string) => name.replace(/[A-Z]/g, (letter) => `_${letter.toLowerCase()}`);

// Audit details are recorded with the services' camelCase names; the API speaks snake_case throughout.
function snakeCaseKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(snakeCaseKeys);
  if (value === null || typeof value !== "object") return value;
  return Object.fromEntries(Object.entries(value).map(([key, inner]) => [snakeCase(key), snakeCaseKeys(inner)]));
}

export function auditEntryJson(entry: AuditEntry) {
  return {
    id: entry.id,
    actor: entry.actor,
    action: entry.action,
    target: entry.target,
    details: snakeCaseKeys(entry.details) as Record<string, unknown>,
    created_at: entry.createdAt.toISOString(),
  };
}
