// Pushes: one request body with a stable webhook-id, its retries and its attempts. Owns the pushes,
// push_items and push_attempts tables. The dispatcher drives these functions; see dispatcher.ts.
import "server-only";
import { recordAudit } from "@/lib/audit";
import { db, type Prisma } from "@/lib/db";
import type { DeliveryConfig } from "@/lib/webhooks/config";
import { buildPushBody } from "@/lib/webhooks/contract";
import { countFailedPush, resetFailureCount } from "@/lib/webhooks/failures";
import { publishingPushChange, publishPushChange } from "@/lib/webhooks/live";
import { claimsNeedRowLocks, lockDuePushIds, lockPendingNotificationIds } from "@/lib/webhooks/pg-claims";
import {
  accountsWithPendingNotifications,
  holdPendingNotifications,
  setNotificationsState,
  setPushNotificationsState,
  takePendingNotifications,
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

// Turns pending notifications into pushes of at most maxBatch each, one account per push.
export async function formPushes(config: Pick<DeliveryConfig, "maxBatch">, now = new Date()): Promise<number> {
  let created = 0;
  const accounts = await db.$transaction((tx) => accountsWithPendingNotifications(tx, 1000));
  for (const accountId of accounts) {
    for (;;) {
      const size = await db.$transaction(async (tx) => {
        const integration = await tx.webhookIntegration.findUnique({ where: { accountId }, select: { enabled: true } });
        if (!integration?.enabled) {
          await holdPendingNotifications(tx, accountId);
          return 0;
        }
        const batch = await pendingNotificationsToPush(tx, accountId, config.maxBatch);
        if (batch.length > 0) await createPush(tx, { accountId, kind: "delivery", notifications: batch, body: buildPushBody(batch), now });
        return batch.length;
      });
      if (size > 0) created++;
      if (size > 0) publishPushChange(accountId);
      if (size < config.maxBatch) break;
    }
  }
  return created;
}

// On PostgreSQL the batch is row-locked (SKIP LOCKED): other dispatchers take the next ones.
async function pendingNotificationsToPush(tx: Tx, accountId: string, limit: number) {
  if (!claimsNeedRowLocks) return takePendingNotifications(tx, accountId, limit);
  const ids = await lockPendingNotificationIds(tx, accountId, limit);
  if (ids.length === 0) return [];
  return tx.notification.findMany({ where: { id: { in: ids } }, orderBy: [{ createdAt: "asc" }, { id: "asc" }] });
}

async function createPush(
  tx: Tx,
  push: { accountId: string; kind: string; notifications: { id: string; deviceId: string; status: string }[]; body: string; now: Date; redeliveryOfId?: string },
): Promise<string> {
  const id = newMessageId();
  await tx.push.create({
    data: {
      id,
      accountId: push.accountId,
      kind: push.kind,
      redeliveryOfId: push.redeliveryOfId,
      body: push.body,
      itemCount: push.notifications.length,
      nextAttemptAt: push.now,
      items: { create: push.notifications.map((n) => ({ notificationId: n.id, deviceId: n.deviceId, status: n.status })) },
    },
  });
  await setNotificationsState(tx, push.notifications.map((n) => n.id), "queued", id);
  return id;
}

// Leases up to `limit` due pushes (new, due for retry, or abandoned by a crashed sender) for sending,
// at most `perAccountLimit` per account counting those already `active` in this process. The lease's
// expiry doubles as the holder's token: settleAttempt only settles a push still leased with it.
export async function claimDuePushes(
  limit: number,
  leaseMs: number,
  perAccount: { limit: number; active: ReadonlyMap<string, number> },
  now = new Date(),
): Promise<PushRecord[]> {
  if (limit <= 0) return [];
  const saturated = [...perAccount.active].filter(([, count]) => count >= perAccount.limit).map(([account]) => account);
  const orderBy: Prisma.PushOrderByWithRelationInput[] = [{ nextAttemptAt: "asc" }, { id: "asc" }];
  return db.$transaction(async (tx) => {
    // On PostgreSQL the due rows are locked first (SKIP LOCKED), so concurrent workers split them.
    const due = claimsNeedRowLocks
      ? await tx.push.findMany({ where: { id: { in: await lockDuePushIds(tx, now, limit, saturated) } }, orderBy })
      : await tx.push.findMany({
          where: {
            accountId: saturated.length ? { notIn: saturated } : undefined,
            OR: [
              { state: { in: ["queued", "retrying"] }, nextAttemptAt: { lte: now } },
              { state: "sending", leaseExpiresAt: { lt: now } },
            ],
          },
          orderBy,
          take: limit,
        });
    const claimedPerAccount = new Map(perAccount.active);
    const claimed: PushRecord[] = [];
    for (const push of due) {
      const active = claimedPerAccount.get(push.accountId) ?? 0;
      if (active >= perAccount.limit) continue;
      const lease = new Date(now.getTime() + leaseMs);
      const { count } = await tx.push.updateMany({
        where: { id: push.id, state: push.state, leaseExpiresAt: push.leaseExpiresAt },
        data: { state: "sending", leaseExpiresAt: lease },
      });
      if (count === 1) {
        claimed.push({ ...push, state: "sending", leaseExpiresAt: lease });
        claimedPerAccount.set(push.accountId, active + 1);
      }
    }
    return claimed;
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

// Records an attempt and what follows from it, in one transaction: success (and the failure count
// reset), a retry after the configured delay, a failed push (counted, maybe disabling), or held.
export async function settleAttempt(push: PushRecord, attempt: AttemptRecord | null, config: Pick<DeliveryConfig, "retryDelaysMs" | "disableAfterFailures">, now = new Date()): Promise<PushOutcome> {
  return db.$transaction(async (tx): Promise<PushOutcome> => {
    // Still ours? The same update takes the row lock (PostgreSQL) that keeps it ours until commit.
    const { count: held } = await tx.push.updateMany({
      where: { id: push.id, state: "sending", leaseExpiresAt: push.leaseExpiresAt },
      data: { leaseExpiresAt: push.leaseExpiresAt },
    });
    if (held === 0) return { state: "superseded", disabledIntegration: false };
    const integration = await tx.webhookIntegration.findUnique({ where: { accountId: push.accountId }, select: { enabled: true } });
    if (attempt) {
      await tx.pushAttempt.create({ data: { pushId: push.id, ...attemptData(attempt, push.accountId) } });
    }
    let state: Exclude<PushOutcome["state"], "superseded">;
    let disabledIntegration = false;
    if (attempt?.ok) {
      state = "succeeded";
      await resetFailureCount(tx, push.accountId);
    } else if (!integration?.enabled) {
      state = "held";
    } else if (attempt && attempt.number <= config.retryDelaysMs.length) {
      state = "retrying";
    } else {
      const counted = await countFailedPush(tx, push.accountId, config.disableAfterFailures, now);
      state = counted.counted ? "failed" : "held";
      disabledIntegration = counted.disabled;
    }
    const retryAt = state === "retrying" ? new Date(now.getTime() + config.retryDelaysMs[attempt!.number - 1]!) : null;
    await tx.push.update({
      where: { id: push.id },
      data: {
        state,
        attemptCount: attempt?.number ?? push.attemptCount,
        nextAttemptAt: retryAt,
        leaseExpiresAt: null,
        ...(attempt ? { lastStatusCode: attempt.statusCode, lastErrorClass: attempt.errorClass, lastDurationMs: attempt.durationMs } : {}),
        completedAt: state === "retrying" ? null : now,
      },
    });
    if (state !== "retrying") await setPushNotificationsState(tx, push.id, state === "succeeded" ? "delivered" : state);
    if (disabledIntegration) await holdOpenPushes(tx, push.accountId, push.id, now);
    return { state, disabledIntegration };
  }).then(publishingPushChange(push.accountId));
}

// Pushes waiting to be sent when the integration is disabled are kept as held, never dropped.
async function holdOpenPushes(tx: Tx, accountId: string, exceptPushId: string, now: Date): Promise<void> {
  const open = await tx.push.findMany({ where: { accountId, state: { in: ["queued", "retrying"] }, id: { not: exceptPushId } }, select: { id: true } });
  for (const { id } of open) {
    await tx.push.update({ where: { id }, data: { state: "held", nextAttemptAt: null, completedAt: now } });
    await setPushNotificationsState(tx, id, "held");
  }
}

// The earliest time a push becomes due (a retry, or the lease of an abandoned send), if any.
export async function nextDueAt(): Promise<Date | null> {
  const [waiting, leased] = await Promise.all([
    db.push.aggregate({ where: { state: { in: ["queued", "retrying"] } }, _min: { nextAttemptAt: true } }),
    db.push.aggregate({ where: { state: "sending" }, _min: { leaseExpiresAt: true } }),
  ]);
  const times = [waiting._min.nextAttemptAt, leased._min.leaseExpiresAt].filter((time): time is Date => time !== null);
  return times.length ? new Date(Math.min(...times.map((time) => time.getTime()))) : null;
}

async function redeliverInTx(tx: Tx, original: PushRecord & { items: { notificationId: string; deviceId: string; status: string }[] }, now: Date): Promise<string> {
  if ((OPEN_PUSH_STATES as readonly string[]).includes(original.state)) {
    throw new PushNotRedeliverableError("This push is still being delivered.");
  }
  return createPush(tx, {
    accountId: original.accountId,
    kind: "redelivery",
    redeliveryOfId: original.id,
    body: original.body,
    notifications: original.items.map((item) => ({ id: item.notificationId, deviceId: item.deviceId, status: item.status })),
    now,
  });
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
