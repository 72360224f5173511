// A month of one account's webhook history as the dispatcher writes it: device events, notifications,
// pushes, push items and attempts, with the product's states, status codes, error classes and
// messages, redacted headers and bodies. Deterministic for a seed, so runs compare.
//
// The mix: most pushes succeed at once; a base rate of failures (5xx, 429, timeouts, resets) is
// retried 4 s and 60 s later; outages (one error for minutes to hours) fail pushes in runs, and a run
// of 100 failed pushes disables the integration: the pushes in flight are held, changes wait as held
// notifications until an administrator re-enables, which redelivers the held pushes and sends the
// backlog in full batches. Administrators redeliver some failed pushes; a few "Send test" pushes; the
// newest pushes of some accounts are still queued, sending or retrying.
import { DEVICE_STATUSES } from "@/lib/contract/statuses";
import { pickWeighted, seededRandom } from "@/lib/simulator/random";
import { buildPushBody, sampleTestBody } from "@/lib/webhooks/contract";
import { redactedHeaders, REDACTED } from "@/lib/webhooks/delivery";
import { messageIdLowerBound } from "@/lib/webhooks/signing";

export type Value = string | number | Date | null;
export type ColumnType = "text" | "int" | "time";
export type Table = { name: string; columns: readonly (readonly [string, ColumnType])[] };

// In foreign-key order: a chunk is written table by table in this order.
export const TABLES = [
  { name: "device_events", columns: [["id", "text"], ["account_id", "text"], ["device_id", "text"], ["previous_status", "text"], ["status", "text"], ["actor", "text"], ["occurred_at", "time"]] },
  {
    name: "notifications",
    columns: [["id", "text"], ["account_id", "text"], ["device_event_id", "text"], ["device_id", "text"], ["status", "text"], ["occurred_at", "time"], ["state", "text"], ["push_id", "text"], ["created_at", "time"]],
  },
  {
    name: "pushes",
    columns: [
      ["id", "text"], ["account_id", "text"], ["kind", "text"], ["redelivery_of_id", "text"], ["state", "text"], ["body", "text"], ["item_count", "int"],
      ["attempt_count", "int"], ["next_attempt_at", "time"], ["lease_expires_at", "time"], ["last_status_code", "int"], ["last_error_class", "text"],
      ["last_duration_ms", "int"], ["created_at", "time"], ["completed_at", "time"],
    ],
  },
  { name: "push_items", columns: [["push_id", "text"], ["notification_id", "text"], ["device_id", "text"], ["status", "text"]] },
  {
    name: "push_attempts",
    columns: [
      ["id", "text"], ["push_id", "text"], ["account_id", "text"], ["number", "int"], ["url", "text"], ["started_at", "time"], ["duration_ms", "int"],
      ["status_code", "int"], ["error_class", "text"], ["error_message", "text"], ["request_headers", "text"], ["response_body", "text"],
    ],
  },
] as const satisfies readonly Table[];

export type TableName = (typeof TABLES)[number]["name"];
// Rows per table, each row its values in the table's column order.
export type HistoryChunk = Record<TableName, Value[][]>;

// `settled`: no push left open (queued, sending or retrying) at the end, for a database that other
// benchmarks run deliveries on.
export type AccountHistorySpec = { accountId: string; callbackUrl: string; attempts: number; start: Date; end: Date; seed: number; settled?: boolean };
export type HistoryTotals = { pushes: number; attempts: number; notifications: number };

// Expected attempts per push of this mix, to turn an account's attempt budget into a push rate.
const ATTEMPTS_PER_PUSH = 1.04;
const CHUNK_PUSHES = 2_000;
const RETRY_DELAYS_MS = [4_000, 60_000];
const DISABLE_AFTER_FAILURES = 100;
const MAX_BATCH = 100;
const USER_AGENT = "ComplianceWebhooks/0.1.0 (+webhook delivery)";
const MINUTE_MS = 60_000;
const HOUR_MS = 60 * MINUTE_MS;

type Failure = { statusCode: number | null; errorClass: string; errorMessage: string; durationMs: (random: () => number) => number; responseBody: string | null };
type Answer = Failure | null; // null: a 2xx

const httpFailure = (status: number, title: string): Failure => ({
  statusCode: status,
  errorClass: "http_status",
  errorMessage: `The receiver answered ${status}.`,
  durationMs: (random) => 20 + Math.round(random() * 200),
  responseBody: `<html><head><title>${status} ${title}</title></head><body><h1>${title}</h1></body></html>`,
});
const networkFailure = (errorClass: string, errorMessage: string, durationMs: Failure["durationMs"]): Failure => ({ statusCode: null, errorClass, errorMessage, durationMs, responseBody: null });

const FAILURES = {
  s500: httpFailure(500, "Internal Server Error"),
  s502: httpFailure(502, "Bad Gateway"),
  s503: httpFailure(503, "Service Unavailable"),
  s504: httpFailure(504, "Gateway Timeout"),
  s429: httpFailure(429, "Too Many Requests"),
  s401: httpFailure(401, "Unauthorized"),
  s404: httpFailure(404, "Not Found"),
  timeout: networkFailure("timeout", "The receiver did not answer within 10 s.", (random) => 10_000 + Math.round(random() * 5)),
  refused: networkFailure("connection_refused", "The receiver refused the connection (nothing listening on that port).", (random) => 1 + Math.round(random() * 3)),
  reset: networkFailure("connection_reset", "The receiver closed the connection before answering.", (random) => 5 + Math.round(random() * 300)),
  tls: networkFailure("tls", "The secure connection (TLS) to the receiver failed: CERT_HAS_EXPIRED.", (random) => 15 + Math.round(random() * 30)),
  dns: networkFailure("dns", "The receiver's host name could not be resolved (DNS).", (random) => 2 + Math.round(random() * 40)),
} as const;

// Occasional failures of a healthy receiver, and what an outage looks like.
const BASE_FAILURES: [Failure, number][] = [
  [FAILURES.s503, 30], [FAILURES.s500, 15], [FAILURES.s502, 10], [FAILURES.s504, 5], [FAILURES.s429, 10], [FAILURES.timeout, 15], [FAILURES.reset, 10], [FAILURES.refused, 5],
];
const OUTAGES: [Failure, number][] = [
  [FAILURES.s503, 25], [FAILURES.s502, 15], [FAILURES.s500, 10], [FAILURES.timeout, 15], [FAILURES.refused, 15], [FAILURES.s401, 8], [FAILURES.s404, 5], [FAILURES.tls, 4], [FAILURES.dns, 3],
];
const SUCCESS_STATUSES: [number, number][] = [[200, 85], [202, 10], [204, 5]];
const STATUS_WEIGHTS: [string, number][] = DEVICE_STATUSES.map((status) => [status, { installed: 8, compliant: 55, non_compliant: 32, deleted: 5 }[status] ?? 1]);
const ACTORS: [string, number][] = [["mdm-sync", 70], ["api", 20], ["simulator", 5], ["it@tenant.example", 5]];
const DEVICE_PREFIXES = ["LAPTOP", "DESKTOP", "MBP", "IPAD", "IPHONE", "PIXEL", "SURFACE"];

// Device ids repeat across accounts (every tenant has a LAPTOP-0001), as hostnames do.
export function deviceIdOf(index: number): string {
  return `${DEVICE_PREFIXES[index % DEVICE_PREFIXES.length]}-${String(index + 1).padStart(4, "0")}`;
}

export function devicesFor(attempts: number): number {
  return Math.max(20, Math.round(attempts / 25));
}

let sequence = 0;
const nextId = (prefix: string) => `${prefix}${(++sequence).toString(36).padStart(8, "0")}`;
// A push id at a time: the app's time prefix, and a counter for the part the app fills at random.
const pushIdAt = (time: Date) => `${messageIdLowerBound(time).slice(0, 14)}${(++sequence).toString(32).toUpperCase().padStart(16, "0")}`;

// A dead receiver (refused, 401, expired certificate...) fails every attempt; an overloaded one most.
type Outage = { from: number; to: number; failure: Failure; failureRate: number };
type Notice = { id: string; deviceId: string; status: string; occurredAt: Date; row: Value[] };
type Attempt = { failure: Answer; startedAt: Date; durationMs: number; statusCode: number | null };

export function* accountHistory(spec: AccountHistorySpec, totals: HistoryTotals): Generator<HistoryChunk> {
  const random = seededRandom(spec.seed);
  const pick = <T>(weighted: [T, number][]): T => pickWeighted(weighted, random);
  const start = spec.start.getTime();
  const span = spec.end.getTime() - start;
  const pushCount = Math.max(10, Math.round(spec.attempts / ATTEMPTS_PER_PUSH));
  const devices = devicesFor(spec.attempts);
  const deviceStatus = new Map<number, string>();
  const baseFailureRate = 0.005 + random() * 0.045;
  const outages: Outage[] = Array.from({ length: 1 + Math.floor(random() * 5) }, () => {
    const from = start + random() * span;
    const failure = pick(OUTAGES);
    const failureRate = failure.statusCode !== null && failure.statusCode >= 500 ? 0.85 : 1;
    return { from, to: Math.min(start + span, from + 10 * MINUTE_MS + random() * 8 * HOUR_MS), failure, failureRate };
  });
  const openTail = pick<string[]>([[[], 40], [["queued"], 20], [["sending"], 10], [["retrying"], 15], [["retrying", "queued", "queued"], 15]]).filter(() => !spec.settled);

  let chunk = emptyChunk();
  let consecutiveFailures = 0;
  let disabledUntil = 0;
  let held: { id: string; notices: Notice[] }[] = [];
  let backlog: Notice[] = [];

  const answerAt = (time: number): Answer => {
    const outage = outages.find((window) => time >= window.from && time < window.to);
    if (outage && random() < outage.failureRate) return outage.failure;
    return random() < baseFailureRate ? pick(BASE_FAILURES) : null;
  };

  // A device's next status change, written with its notification.
  const notice = (time: number): Notice => {
    const device = Math.floor(devices * random() ** 2); // some devices change far more often
    const previous = deviceStatus.get(device) ?? null;
    let status = pick(STATUS_WEIGHTS);
    if (status === previous) status = previous === "compliant" ? "non_compliant" : "compliant";
    deviceStatus.set(device, status);
    const occurredAt = new Date(time - 5 - Math.floor(random() * 400));
    const deviceId = deviceIdOf(device);
    const eventId = nextId("ev");
    chunk.device_events.push([eventId, spec.accountId, deviceId, previous, status, pick(ACTORS), occurredAt]);
    const id = nextId("nt");
    // state and push_id (indexes 6, 7) are settled by the push that delivers it.
    const row: Value[] = [id, spec.accountId, eventId, deviceId, status, occurredAt, "pending", null, occurredAt];
    chunk.notifications.push(row);
    totals.notifications++;
    return { id, deviceId, status, occurredAt, row };
  };

  // The attempts of a push sent at `time`, until one succeeds or the retries run out.
  const sendAttempts = (time: number, maxAttempts: number): Attempt[] => {
    const attempts: Attempt[] = [];
    let at = time + 2 + Math.floor(random() * 20);
    for (let number = 1; number <= maxAttempts; number++) {
      const failure = answerAt(at);
      const durationMs = failure ? failure.durationMs(random) : 8 + Math.round(random() ** 3 * 900);
      attempts.push({ failure, startedAt: new Date(at), durationMs, statusCode: failure ? failure.statusCode : pick(SUCCESS_STATUSES) });
      if (!failure) break;
      at += durationMs + (RETRY_DELAYS_MS[number - 1] ?? 0) + Math.floor(random() * 30);
    }
    return attempts;
  };

  const writePush = (push: { time: number; kind: string; state: string; notices: Notice[]; attempts: Attempt[]; redeliveryOf?: string; body?: string }): string => {
    const createdAt = new Date(push.time);
    const id = pushIdAt(createdAt);
    const last = push.attempts.at(-1);
    const open = push.state === "queued" || push.state === "sending" || push.state === "retrying";
    const nextAttemptAt = push.state === "queued" ? createdAt : push.state === "retrying" && last ? new Date(last.startedAt.getTime() + last.durationMs + RETRY_DELAYS_MS[push.attempts.length - 1]!) : null;
    const completedAt = open ? null : last ? new Date(last.startedAt.getTime() + last.durationMs) : createdAt;
    const body = push.body ?? buildPushBody(push.notices);
    chunk.pushes.push([
      id, spec.accountId, push.kind, push.redeliveryOf ?? null, push.state, body, push.body ? 1 : push.notices.length, push.attempts.length, nextAttemptAt,
      push.state === "sending" ? new Date(spec.end.getTime() + 15_000) : null, last?.statusCode ?? null, last?.failure?.errorClass ?? null, last?.durationMs ?? null, createdAt, completedAt,
    ]);
    for (const item of push.notices) chunk.push_items.push([id, item.id, item.deviceId, item.status]);
    const notificationState = { succeeded: "delivered", failed: "failed", held: "held" }[push.state] ?? "queued";
    for (const item of push.notices) {
      item.row[6] = notificationState;
      item.row[7] = id;
    }
    push.attempts.forEach((attempt, index) => {
      const headers = redactedHeaders({ authorization: REDACTED, "webhook-id": id, "webhook-timestamp": String(Math.floor(attempt.startedAt.getTime() / 1000)), "webhook-signature": REDACTED }, USER_AGENT);
      const failure = attempt.failure;
      chunk.push_attempts.push([
        nextId("at"), id, spec.accountId, index + 1, spec.callbackUrl, attempt.startedAt, attempt.durationMs, attempt.statusCode, failure?.errorClass ?? null,
        failure?.errorMessage ?? null, JSON.stringify(headers), failure ? failure.responseBody : '{"received":true}',
      ]);
    });
    totals.pushes++;
    totals.attempts += push.attempts.length;
    return id;
  };

  // A push sent with its retries, written as it ended: succeeded, or failed after the last retry.
  const sendPush = (push: { time: number; kind: string; notices: Notice[]; redeliveryOf?: string; body?: string }, maxAttempts = 1 + RETRY_DELAYS_MS.length) => {
    const attempts = sendAttempts(push.time, maxAttempts);
    const lastFailure = attempts.at(-1)!.failure;
    return { id: writePush({ ...push, state: lastFailure ? "failed" : "succeeded", attempts }), lastFailure };
  };

  // Re-enabled: held pushes go out again, the waiting changes in full batches.
  const reenable = (time: number) => {
    for (const push of held) sendPush({ time: time + Math.floor(random() * 1000), kind: "redelivery", notices: push.notices, redeliveryOf: push.id });
    for (let i = 0; i < backlog.length; i += MAX_BATCH) sendPush({ time: time + 1000 + i, kind: "delivery", notices: backlog.slice(i, i + MAX_BATCH) });
    held = [];
    backlog = [];
    consecutiveFailures = 0;
  };

  for (let index = 0; index < pushCount; index++) {
    const time = start + Math.floor(((index + random()) / pushCount) * span);
    if (disabledUntil && time >= disabledUntil) {
      reenable(disabledUntil);
      disabledUntil = 0;
    }
    const itemCount = pick([[1, 85], [2 + Math.floor(random() * 4), 12], [6 + Math.floor(random() * 15), 3]]);
    if (disabledUntil) {
      for (let i = 0; i < itemCount; i++) backlog.push(notice(time));
      continue;
    }
    if (random() < 0.001) {
      sendPush({ time, kind: "test", notices: [], body: sampleTestBody(new Date(time)) }, 1); // no retries
      continue;
    }
    const notices = Array.from({ length: itemCount }, () => notice(time));
    const tail = openTail[pushCount - 1 - index];
    if (tail) {
      const attempts = tail === "retrying" ? sendAttempts(time, 1 + Math.floor(random() * 2)).map((attempt) => ({ ...attempt, failure: FAILURES.s503, statusCode: 503 })) : [];
      writePush({ time, kind: "delivery", state: tail, notices, attempts });
      continue;
    }
    const { id, lastFailure } = sendPush({ time, kind: "delivery", notices });
    if (!lastFailure) {
      consecutiveFailures = 0;
    } else if (++consecutiveFailures < DISABLE_AFTER_FAILURES) {
      // An administrator sends some failed pushes again later, as new pushes.
      const redeliverAt = time + 10 * MINUTE_MS + random() * 24 * HOUR_MS;
      if (random() < 0.15 && redeliverAt < spec.end.getTime()) sendPush({ time: redeliverAt, kind: "redelivery", notices, redeliveryOf: id });
    } else {
      // The 100th failed push disables the integration; the pushes in flight, failed once, are held.
      for (let i = 1; i <= 1 + Math.floor(random() * 6) && index + i < pushCount; i++) {
        const heldTime = time + i * 50;
        const heldNotices = [notice(heldTime)];
        const heldAttempt = { failure: lastFailure, startedAt: new Date(heldTime + 5), durationMs: lastFailure.durationMs(random), statusCode: lastFailure.statusCode };
        held.push({ id: writePush({ time: heldTime, kind: "delivery", state: "held", notices: heldNotices, attempts: [heldAttempt] }), notices: heldNotices });
      }
      const outage = outages.find((window) => time >= window.from && time < window.to);
      disabledUntil = Math.min(spec.end.getTime() - MINUTE_MS, (outage?.to ?? time) + 5 * MINUTE_MS + random() * 2 * HOUR_MS);
    }
    if (chunk.pushes.length >= CHUNK_PUSHES) {
      yield chunk;
      chunk = emptyChunk();
    }
  }
  if (disabledUntil) reenable(disabledUntil);
  yield chunk;
}

function emptyChunk(): HistoryChunk {
  return { device_events: [], notifications: [], pushes: [], push_items: [], push_attempts: [] };
}
