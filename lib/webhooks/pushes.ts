// Pushes: one request body with a stable webhook-id, its retries and its attempts. Owns the pushes,
// push_items and push_attempts tables. The dispatcher drives these functions; see dispatcher.ts.
import "server-only";
import { recordAudit } from "@/lib/audit";
import { db, type Prisma } from "@/lib/db";
import type { DeliveryConfig } from "@/lib/webhooks/config";
import { buildPushBody } from "@/lib/webhooks/contract";
import { countFailedPush, resetFailureCount } from "@/lib/webhooks/failures";
import { publishPushChange } from "@/lib/webhooks/live";
import { claimsNeedRowLocks, lockDuePushIds, lockPendingNotificationIds } from "@/lib/webhooks/pg-claims";
import {
  accountsWithPendingNotifications,
  holdPendingNotifications,
  queueNotificationsInPushes,
  setPushNotificationsState,
  PUSHED_FIELDS,
  takePendingNotifications,
  type NotificationState,
} from "@/lib/webhooks/outbox";
import { newMessageId } from "@/lib/webhooks/signing";
import { signalNewWork } from "@/lib/webhooks/wake";

type Tx = Prisma.TransactionClient;
export type PushRecord = Awaited<ReturnType<typeof db.push.findFirstOrThrow>>;

export const OPEN_PUSH_STATES = ["queued", "sending", "retrying"] as const;

export class PushNotFoundError extends Error {
  constructor() {
    super("No such push in this account.");
  }
}

export class PushNotRedeliverableError extends Error {}

// One transaction forms the pushes of at most this many notifications of one account, and one call
// at most FORM_BUDGET in all: a backlog is formed a slice at a time between sends, and the garbage of
// a slice is collected before the next (a whole backlog at once grew the worker's heap by hundreds of MB).
const FORM_CHUNK = 1000;
const FORM_BUDGET = 5000;
// Where the last call ran out of budget: the next call starts after it, so every account has its turn.
let formingResumesAfter = "";

// Turns pending notifications into pushes of at most maxBatch each, one account per push: one
// transaction per account with pending notifications, each taking at most FORM_CHUNK of them, so a
// large backlog is formed a slice at a time (`more`) while the pushes already formed are sent.
export async function formPushes(config: Pick<DeliveryConfig, "maxBatch">, now = new Date()): Promise<{ pushes: number; more: boolean }> {
  let pushes = 0;
  let more = false;
  const take = Math.max(config.maxBatch, FORM_CHUNK - (FORM_CHUNK % config.maxBatch));
  let formedNotifications = 0;
  const accounts = await accountsWithPendingNotifications(db, 1000);
  const inTurn = [...accounts.filter((id) => id > formingResumesAfter), ...accounts.filter((id) => id <= formingResumesAfter)];
  for (const accountId of inTurn) {
    if (formedNotifications >= FORM_BUDGET) {
      more = true;
      break;
    }
    formingResumesAfter = accountId;
    const formed = await db.$transaction(async (tx) => {
      const integration = await tx.webhookIntegration.findUnique({ where: { accountId }, select: { enabled: true } });
      if (!integration?.enabled) {
        await holdPendingNotifications(tx, accountId);
        return { pushes: 0, notifications: 0 };
      }
      const pending = await pendingNotificationsToPush(tx, accountId, take);
      const batches = Array.from({ length: Math.ceil(pending.length / config.maxBatch) }, (_, index) => pending.slice(index * config.maxBatch, (index + 1) * config.maxBatch));
      await createPushes(tx, accountId, batches.map((notifications) => ({ kind: "delivery", notifications, body: buildPushBody(notifications) })), now);
      return { pushes: batches.length, notifications: pending.length };
    });
    pushes += formed.pushes;
    formedNotifications += formed.notifications;
    if (formed.pushes > 0) publishPushChange(accountId);
    if (formed.notifications === take) more = true;
    // SQLite calls are synchronous: let answers, timers and the garbage collector in between accounts.
    await new Promise((resolve) => setImmediate(resolve));
  }
  return { pushes, more };
}

// On PostgreSQL the batch is row-locked (SKIP LOCKED): other dispatchers take the next ones.
async function pendingNotificationsToPush(tx: Tx, accountId: string, limit: number) {
  if (!claimsNeedRowLocks) return takePendingNotifications(tx, accountId, limit);
  const ids = await lockPendingNotificationIds(tx, accountId, limit);
  if (ids.length === 0) return [];
  return tx.notification.findMany({ where: { id: { in: ids } }, orderBy: [{ createdAt: "asc" }, { id: "asc" }], select: PUSHED_FIELDS });
}

type NewPush = { kind: string; notifications: { id: string; deviceId: string; status: string }[]; body: string; redeliveryOfId?: string };

// Creates pushes of one account and queues their notifications in them, in a few statements.
async function createPushes(tx: Tx, accountId: string, pushes: NewPush[], now: Date): Promise<string[]> {
  if (pushes.length === 0) return [];
  const ids = pushes.map(() => newMessageId());
  await tx.push.createMany({
    data: pushes.map((push, index) => ({ id: ids[index]!, accountId, kind: push.kind, redeliveryOfId: push.redeliveryOfId, body: push.body, itemCount: push.notifications.length, nextAttemptAt: now })),
  });
  await tx.pushItem.createMany({
    data: pushes.flatMap((push, index) => push.notifications.map((n) => ({ pushId: ids[index]!, notificationId: n.id, deviceId: n.deviceId, status: n.status }))),
  });
  await queueNotificationsInPushes(tx, pushes.flatMap((push) => push.notifications.map((n) => n.id)), ids);
  return ids;
}

// Due pushes, most overdue kind first (see DUE_PUSHES in pg-claims.ts, the same on PostgreSQL):
// each an ordered index scan that stops at the limit.
async function duePushes(tx: Tx, now: Date, limit: number, saturated: string[]): Promise<PushRecord[]> {
  const accountId = saturated.length ? { notIn: saturated } : undefined;
  const kinds: Pick<Prisma.PushFindManyArgs, "where" | "orderBy">[] = [
    { where: { state: "sending", leaseExpiresAt: { lt: now } }, orderBy: { leaseExpiresAt: "asc" } },
    { where: { state: "retrying", nextAttemptAt: { lte: now } }, orderBy: { nextAttemptAt: "asc" } },
    { where: { state: "queued", nextAttemptAt: { lte: now } }, orderBy: { nextAttemptAt: "asc" } },
  ];
  const due: PushRecord[] = [];
  for (const kind of kinds) {
    if (due.length >= limit) break;
    due.push(...(await tx.push.findMany({ where: { ...kind.where, accountId }, orderBy: kind.orderBy, take: limit - due.length })));
  }
  return due;
}

async function lockedDuePushes(tx: Tx, now: Date, limit: number, saturated: string[]): Promise<PushRecord[]> {
  const ids = await lockDuePushIds(tx, now, limit, saturated);
  const rows = new Map((await tx.push.findMany({ where: { id: { in: ids } } })).map((push) => [push.id, push]));
  return ids.map((id) => rows.get(id)!);
}

// Leases up to `limit` due pushes (new, due for retry, or abandoned by a crashed sender) for sending,
// at most `perAccountLimit` per account counting those already `active` in this process. The lease's
// expiry doubles as the holder's token: settleAttempts only settles a push still leased with it.
export async function claimDuePushes(
  limit: number,
  leaseMs: number,
  perAccount: { limit: number; active: ReadonlyMap<string, number> },
  now = new Date(),
): Promise<PushRecord[]> {
  if (limit <= 0) return [];
  const saturated = [...perAccount.active].filter(([, count]) => count >= perAccount.limit).map(([account]) => account);
  return db.$transaction(async (tx) => {
    // On PostgreSQL the due rows are locked first (SKIP LOCKED), so concurrent workers split them.
    const due = claimsNeedRowLocks ? await lockedDuePushes(tx, now, limit, saturated) : await duePushes(tx, now, limit, saturated);
    const claimedPerAccount = new Map(perAccount.active);
    const claimed = due.filter((push) => {
      const active = claimedPerAccount.get(push.accountId) ?? 0;
      if (active >= perAccount.limit) return false;
      claimedPerAccount.set(push.accountId, active + 1);
      return true;
    });
    if (claimed.length === 0) return [];
    // Nobody can have changed these rows since they were read: SQLite's transaction holds the write
    // lock, PostgreSQL's holds the row locks. One lease for the batch: its expiry is the holder's token.
    const lease = new Date(now.getTime() + leaseMs);
    await tx.push.updateMany({ where: { id: { in: claimed.map((push) => push.id) } }, data: { state: "sending", leaseExpiresAt: lease } });
    return claimed.map((push) => ({ ...push, state: "sending", leaseExpiresAt: lease }));
  });
}

export type AttemptRecord = {
  number: number;
  url: string;
  startedAt: Date;
  durationMs: number;
  ok: boolean;
  statusCode: number | null;
  errorClass: string | null;
  errorMessage: string | null;
  requestHeaders: Record<string, string>;
  responseBody: string | null;
};

function attemptData(attempt: AttemptRecord, accountId: string) {
  return {
    accountId,
    number: attempt.number,
    url: attempt.url,
    startedAt: attempt.startedAt,
    durationMs: attempt.durationMs,
    statusCode: attempt.statusCode,
    errorClass: attempt.errorClass,
    errorMessage: attempt.errorMessage,
    requestHeaders: JSON.stringify(attempt.requestHeaders),
    responseBody: attempt.responseBody,
  };
}

// A "Send test" push and its one attempt, logged for the administrator; no notifications, no retries.
export async function recordTestPush(accountId: string, push: { id: string; body: string }, attempt: AttemptRecord): Promise<void> {
  await db.push.create({
    data: {
      id: push.id,
      accountId,
      kind: "test",
      state: attempt.ok ? "succeeded" : "failed",
      body: push.body,
      itemCount: 1,
      attemptCount: 1,
      lastStatusCode: attempt.statusCode,
      lastErrorClass: attempt.errorClass,
      lastDurationMs: attempt.durationMs,
      createdAt: attempt.startedAt,
      completedAt: new Date(attempt.startedAt.getTime() + attempt.durationMs),
      attempts: { create: attemptData(attempt, accountId) },
    },
  });
  publishPushChange(accountId);
}

// "superseded": this worker's lease expired and another worker claimed the push; nothing is recorded
// (the new holder's attempt is the push's), so a late result never overwrites the new holder's.
export type PushOutcome = { state: "succeeded" | "retrying" | "failed" | "held" | "superseded"; disabledIntegration: boolean };

// One push's attempt to record (null: not sent because the integration was off).
export type Settlement = { push: PushRecord; attempt: AttemptRecord | null };

type SettleConfig = Pick<DeliveryConfig, "retryDelaysMs" | "disableAfterFailures">;

// Records attempts and what follows from each, in one transaction: success (and the failure count
// reset), a retry after the configured delay, a failed push (counted, maybe disabling), or held.
// Settlements of one account are applied in the order given; accounts in id order, so that two
// workers' transactions take the integrations' row locks in the same order (no deadlock).
export async function settleAttempts(settlements: Settlement[], config: SettleConfig, now = new Date()): Promise<PushOutcome[]> {
  const order = settlements.map((_, index) => index).sort((a, b) => settlements[a]!.push.accountId.localeCompare(settlements[b]!.push.accountId));
  const accountIds = [...new Set(settlements.map(({ push }) => push.accountId))];
  const outcomes = await db.$transaction(
    async (tx) => {
      const enabled = new Set(
        (await tx.webhookIntegration.findMany({ where: { accountId: { in: accountIds }, enabled: true }, select: { accountId: true } })).map((row) => row.accountId),
      );
      const failuresReset = new Set<string>();
      const attempts: Prisma.PushAttemptCreateManyInput[] = [];
      const notificationStates = { delivered: [] as string[], failed: [] as string[], held: [] as string[] };
      const outcomes: PushOutcome[] = new Array(settlements.length);
      for (const index of order) {
        const { push, attempt } = settlements[index]!;
        let state: Exclude<PushOutcome["state"], "superseded">;
        if (attempt?.ok) state = "succeeded";
        else if (!enabled.has(push.accountId)) state = "held";
        else if (attempt && attempt.number <= config.retryDelaysMs.length) state = "retrying";
        else state = "failed";
        const retryAt = state === "retrying" ? new Date(now.getTime() + config.retryDelaysMs[attempt!.number - 1]!) : null;
        // Still ours? Only under the lease this worker set (on PostgreSQL the update also locks the row).
        const { count: held } = await tx.push.updateMany({
          where: { id: push.id, state: "sending", leaseExpiresAt: push.leaseExpiresAt },
          data: {
            state,
            attemptCount: attempt?.number ?? push.attemptCount,
            nextAttemptAt: retryAt,
            leaseExpiresAt: null,
            ...(attempt ? { lastStatusCode: attempt.statusCode, lastErrorClass: attempt.errorClass, lastDurationMs: attempt.durationMs } : {}),
            completedAt: state === "retrying" ? null : now,
          },
        });
        if (held === 0) {
          outcomes[index] = { state: "superseded", disabledIntegration: false };
          continue;
        }
        if (attempt) attempts.push({ pushId: push.id, ...attemptData(attempt, push.accountId) });
        let disabledIntegration = false;
        if (state === "succeeded" && !failuresReset.has(push.accountId)) {
          await resetFailureCount(tx, push.accountId);
          failuresReset.add(push.accountId);
        } else if (state === "failed") {
          failuresReset.delete(push.accountId);
          const counted = await countFailedPush(tx, push.accountId, config.disableAfterFailures, now);
          if (!counted.counted) {
            state = "held";
            await tx.push.update({ where: { id: push.id }, data: { state } });
          }
          if (counted.disabled || !counted.counted) enabled.delete(push.accountId);
          if (counted.disabled) await holdOpenPushes(tx, push.accountId, push.id, now);
          disabledIntegration = counted.disabled;
        }
        if (state !== "retrying") notificationStates[state === "succeeded" ? "delivered" : state].push(push.id);
        outcomes[index] = { state, disabledIntegration };
      }
      await tx.pushAttempt.createMany({ data: attempts });
      for (const [state, pushIds] of Object.entries(notificationStates)) await setPushNotificationsState(tx, pushIds, state as NotificationState);
      return outcomes;
    },
    { timeout: 30_000, maxWait: 15_000 },
  );
  for (const accountId of accountIds) publishPushChange(accountId);
  return outcomes;
}

// Pushes waiting to be sent when the integration is disabled are kept as held, never dropped.
async function holdOpenPushes(tx: Tx, accountId: string, exceptPushId: string, now: Date): Promise<void> {
  const open = await tx.push.findMany({ where: { accountId, state: { in: ["queued", "retrying"] }, id: { not: exceptPushId } }, select: { id: true } });
  const ids = open.map((push) => push.id);
  await tx.push.updateMany({ where: { id: { in: ids } }, data: { state: "held", nextAttemptAt: null, completedAt: now } });
  await setPushNotificationsState(tx, ids, "held");
}

// The earliest time a push becomes due (a retry, or the lease of an abandoned send), if any: the
// first entry of each state's ordered index scan.
export async function nextDueAt(): Promise<Date | null> {
  const [queued, retrying, leased] = await Promise.all([
    db.push.findFirst({ where: { state: "queued", nextAttemptAt: { not: null } }, orderBy: { nextAttemptAt: "asc" }, select: { nextAttemptAt: true } }),
    db.push.findFirst({ where: { state: "retrying", nextAttemptAt: { not: null } }, orderBy: { nextAttemptAt: "asc" }, select: { nextAttemptAt: true } }),
    db.push.findFirst({ where: { state: "sending", leaseExpiresAt: { not: null } }, orderBy: { leaseExpiresAt: "asc" }, select: { leaseExpiresAt: true } }),
  ]);
  const times = [queued?.nextAttemptAt, retrying?.nextAttemptAt, leased?.leaseExpiresAt].filter((time): time is Date => time instanceof Date);
  return times.length ? new Date(Math.min(...times.map((time) => time.getTime()))) : null;
}

async function redeliverInTx(tx: Tx, original: PushRecord & { items: { notificationId: string; deviceId: string; status: string }[] }, now: Date): Promise<string> {
  if ((OPEN_PUSH_STATES as readonly string[]).includes(original.state)) {
    throw new PushNotRedeliverableError("This push is still being delivered.");
  }
  const [id] = await createPushes(
    tx,
    original.accountId,
    [{ kind: "redelivery", redeliveryOfId: original.id, body: original.body, notifications: original.items.map((item) => ({ id: item.notificationId, deviceId: item.deviceId, status: item.status })) }],
    now,
  );
  return id!;
}

// Sends a push's notifications again as a new push with a new webhook-id, linked to the original.
export async function redeliverPush(accountId: string, pushId: string, actor: string, now = new Date()): Promise<string> {
  const id = await db.$transaction(async (tx) => {
    const original = await tx.push.findFirst({ where: { id: pushId, accountId }, include: { items: true } });
    if (!original) throw new PushNotFoundError();
    if (original.kind === "test") throw new PushNotRedeliverableError("Test pushes are not redelivered; send a new test instead.");
    const newId = await redeliverInTx(tx, original, now);
    await recordAudit({ accountId, actor, action: "push.redelivered", target: `push:${original.id}`, details: { redeliveryId: newId } }, tx);
    return newId;
  });
  signalNewWork();
  publishPushChange(accountId);
  return id;
}

// Redelivers every held or failed push created since a time that has not been redelivered yet.
export async function redeliverSince(accountId: string, since: Date, actor: string, now = new Date()): Promise<number> {
  const count = await db.$transaction(async (tx) => {
    const redelivered = await redeliverWhere(tx, { accountId, state: { in: ["held", "failed"] }, createdAt: { gte: since } }, now);
    if (redelivered > 0) await recordAudit({ accountId, actor, action: "push.redelivered_since", target: "webhook", details: { since: since.toISOString(), pushes: redelivered } }, tx);
    return redelivered;
  });
  if (count > 0) signalNewWork();
  if (count > 0) publishPushChange(accountId);
  return count;
}

// Used on re-enable: every held push goes out again.
export async function redeliverHeldPushes(tx: Tx, accountId: string, now = new Date()): Promise<number> {
  return redeliverWhere(tx, { accountId, state: "held" }, now);
}

async function redeliverWhere(tx: Tx, where: Prisma.PushWhereInput, now: Date): Promise<number> {
  const pushes = await tx.push.findMany({
    where: { ...where, kind: { not: "test" } },
    include: { items: { include: { notification: { select: { state: true } } } } },
    orderBy: { createdAt: "asc" },
  });
  const already = new Set(
    (await tx.push.findMany({ where: { redeliveryOfId: { in: pushes.map((push) => push.id) } }, select: { redeliveryOfId: true } })).map((push) => push.redeliveryOfId),
  );
  let count = 0;
  for (const push of pushes) {
    // Everything it carried has arrived since (e.g. through a redelivery the retention job deleted).
    const delivered = push.items.every((item) => item.notification.state === "delivered");
    if (already.has(push.id) || delivered) continue;
    await redeliverInTx(tx, push, now);
    count++;
  }
  return count;
}
