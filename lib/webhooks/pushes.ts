// Pushes: one request body with a stable webhook-id, its retries and its attempts. Owns the pushes,
// push_items and push_attempts tables. The dispatcher drives these functions; see dispatcher.ts.
import "server-only";
import { recordAudit } from "@/lib/audit";
import type { Prisma } from "@/lib/db";
import { newTimeOrderedId } from "@/lib/ids";
import { directSql, IN_LIST, LIST_ROWS, listParam, NOT_IN_LIST, sqlOnPostgres, sqlTransaction, sqlTransactionWithPrisma, timeOf, type RowUpdate, type Sql, type SqlParam, type SqlScalar } from "@/lib/sql";
import type { DeliveryConfig } from "@/lib/webhooks/config";
import { buildPushBody } from "@/lib/webhooks/contract";
import { countFailedPush, resetFailureCounts } from "@/lib/webhooks/failures";
import { publishPushChange } from "@/lib/webhooks/live";
import { SKIP_LOCKED } from "@/lib/webhooks/pg-claims";
import {
  accountsWithPendingNotifications,
  holdPendingNotifications,
  queueNotificationsInPushes,
  setPushNotificationsState,
  takePendingNotifications,
  insertNotifications,
  type NewNotification,
  type NotificationState,
  type PendingNotification,
} from "@/lib/webhooks/outbox";
import { newMessageId } from "@/lib/webhooks/signing";
import { signalNewWork } from "@/lib/webhooks/wake";

type Tx = Prisma.TransactionClient;

export const OPEN_PUSH_STATES = ["queued", "sending", "retrying"] as const;

export class PushNotFoundError extends Error {
  constructor() {
    super("No such push in this account.");
  }
}

export class PushNotRedeliverableError extends Error {}

// One transaction forms the pushes of at most about this many notifications (of one account or of
// several), and one call at most FORM_BUDGET in all: a backlog is formed a slice at a time between
// sends, and the garbage of a slice is collected before the next (a whole backlog at once grew the
// worker's heap by hundreds of MB). Each transaction is one durable commit (an fsync).
const FORM_CHUNK = 1000;
const FORM_BUDGET = 5000;
// Where the last call ran out of budget: the next call starts after it, so every account has its turn.
let formingResumesAfter = "";

// Turns pending notifications into pushes of at most maxBatch each, one account per push, a slice of
// accounts per transaction, so a large backlog is formed a slice at a time (`more`) while the pushes
// already formed are sent. With a `leaser` (the dispatcher forming them), a push of an account with
// a free sending slot and no older push queued is written leased to it: `leased`, for it to send
// without a claim of its own.
export async function formPushes(config: Pick<DeliveryConfig, "maxBatch">, now = new Date(), leaser?: FormingLeaser): Promise<{ pushes: number; more: boolean; leased: LeasedPush[] }> {
  const take = Math.max(config.maxBatch, FORM_CHUNK - (FORM_CHUNK % config.maxBatch));
  const waiting = await accountsWithPendingNotifications(await directSql(), 1000);
  const inTurn = [...waiting.filter(({ accountId }) => accountId > formingResumesAfter), ...waiting.filter(({ accountId }) => accountId <= formingResumesAfter)];
  let pushes = 0;
  let formedNotifications = 0;
  let more = false;
  const leased: LeasedPush[] = [];
  for (let next = 0; next < inTurn.length; ) {
    if (formedNotifications >= FORM_BUDGET) {
      more = true;
      break;
    }
    // The slice: accounts in turn until about FORM_CHUNK of their notifications (or the rest of the budget).
    const slice: string[] = [];
    for (let planned = 0; next < inTurn.length && planned < Math.min(FORM_CHUNK, FORM_BUDGET - formedNotifications); next++) {
      slice.push(inTurn[next]!.accountId);
      planned += Math.min(inTurn[next]!.pending, take);
    }
    formingResumesAfter = slice.at(-1)!;
    // The slice's pushes, by account.
    const formed = new Map<string, AccountPush[]>();
    const leasedInSlice: LeasedPush[] = [];
    await sqlTransaction(async (sql) => {
      const enabled = await enabledAccounts(sql, slice);
      // Kept, as held, while the integration is off.
      for (const accountId of slice.filter((id) => !enabled.has(id))) await holdPendingNotifications(sql, accountId);
      const pending = await takePendingNotifications(sql, slice.filter((id) => enabled.has(id)), take);
      for (const [accountId, ofAccount] of pending) {
        const accountPushes = deliveryPushes(ofAccount, config.maxBatch).map((push) => ({ ...push, accountId }));
        formed.set(accountId, accountPushes);
        formedNotifications += ofAccount.length;
        pushes += accountPushes.length;
        if (ofAccount.length === take) more = true;
      }
      // Leased to `leaser` where it has a free slot, unless an older push of the account waits queued.
      // Added to leasedInSlice before they are written, so that their slots are released if the
      // transaction fails.
      if (leaser && formed.size > 0) {
        const queued = await accountsWithWorkWaiting(sql, [...formed.keys()], { pending: false });
        for (const [accountId, ofAccount] of formed) if (!queued.has(accountId)) leasedInSlice.push(...leaseAtForming(ofAccount, accountId, now, leaser));
      }
      await createPushes(sql, [...formed.values()].flat(), now);
    }, { durability: "durable-before-visible" }).catch((error: unknown) => {
      leaser?.releaseSlots(leasedInSlice);
      throw error;
    });
    leased.push(...leasedInSlice);
    for (const accountId of formed.keys()) publishPushChange(accountId);
    // SQLite calls are synchronous: let answers, timers and the garbage collector in between slices.
    await new Promise((resolve) => setImmediate(resolve));
  }
  return { pushes, more, leased };
}

// A dispatcher of this process that takes pushes as they are formed: a push leased to it in the
// forming transaction goes out without a claim transaction of its own.
export type FormingLeaser = {
  leaseMs: number;
  // Holds a sending slot for a push of the account, if one is free; false when there is none.
  reserveSlot(accountId: string): boolean;
  releaseSlots(pushes: Pick<LeasedPush, "accountId">[]): void;
};

// Writes the notifications of a group of status changes in its transaction `sql`. Those of an
// account with nothing else waiting (no push waiting to be sent, no older pending notification) go
// straight into pushes: a notification and its push commit together, in one durable commit instead
// of two, and the dispatcher goes straight to sending. The others wait as pending (or held), and the
// dispatcher batches what gathers meanwhile (forming older notifications with a commit synced before
// any process can send them: formed again after a loss, they would go out under a second
// webhook-id). With a `leaser` that has a free slot for the account, a push is written leased to it:
// `leased`, for it to send once the transaction has committed (or to release if it did not).
// `waiting`: something is left for a dispatcher to form or claim. Call publishPushChange for the
// accounts after the commit.
export async function writeNotificationsOfChanges(
  sql: Sql,
  notifications: NewNotification[],
  maxBatch: number,
  now: Date,
  leaser?: FormingLeaser,
): Promise<{ leased: LeasedPush[]; waiting: boolean }> {
  const pendingByAccount = new Map<string, NewNotification[]>();
  for (const notification of notifications.filter(({ state }) => state === "pending")) {
    const ofAccount = pendingByAccount.get(notification.accountId);
    if (ofAccount) ofAccount.push(notification);
    else pendingByAccount.set(notification.accountId, [notification]);
  }
  const formed: { accountId: string; pushes: NewPush[] }[] = [];
  const waitingAccounts = await accountsWithWorkWaiting(sql, [...pendingByAccount.keys()], { pending: true });
  for (const [accountId, pending] of pendingByAccount) {
    if (waitingAccounts.has(accountId)) continue;
    const pushes = deliveryPushes(pending, maxBatch);
    for (const push of pushes) {
      for (const notification of push.notifications) {
        notification.state = "queued";
        notification.pushId = push.id;
      }
    }
    formed.push({ accountId, pushes });
  }
  const leased = formed.flatMap(({ accountId, pushes }) => leaseAtForming(pushes, accountId, now, leaser));
  try {
    await insertNotifications(sql, notifications);
    await insertPushes(sql, formed.flatMap(({ accountId, pushes }) => pushes.map((push) => ({ ...push, accountId }))), now);
  } catch (error) {
    leaser?.releaseSlots(leased);
    throw error;
  }
  const waiting = notifications.some(({ state }) => state === "pending") || formed.some(({ pushes }) => pushes.some((push) => !push.leaseExpiresAt));
  return { leased, waiting };
}

// Of these accounts, those with a push waiting to be sent or (`pending`) a notification waiting to
// be formed: an index entry read or two each, in one statement.
async function accountsWithWorkWaiting(sql: Sql, accountIds: string[], { pending }: { pending: boolean }): Promise<Set<string>> {
  if (accountIds.length === 0) return new Set();
  const rows = await sql.all<{ account_id: string }>(
    `SELECT list.value AS account_id FROM ${LIST_ROWS}
      WHERE EXISTS (SELECT 1 FROM pushes WHERE account_id = list.value AND state = 'queued')${
        pending ? " OR EXISTS (SELECT 1 FROM notifications WHERE account_id = list.value AND state = 'pending')" : ""
      }`,
    [listParam(accountIds)],
  );
  return new Set(rows.map((row) => row.account_id));
}

// Of these accounts, those whose integration is enabled.
async function enabledAccounts(sql: Sql, accountIds: string[]): Promise<Set<string>> {
  const rows = await sql.all<{ account_id: string }>(`SELECT account_id FROM webhook_integrations WHERE enabled = ? AND account_id ${IN_LIST}`, [true, listParam(accountIds)]);
  return new Set(rows.map((row) => row.account_id));
}

// Marks as leased to `leaser` (to write as sending) the pushes of an account it has a free slot for.
function leaseAtForming(pushes: NewPush[], accountId: string, now: Date, leaser?: FormingLeaser): LeasedPush[] {
  if (!leaser) return [];
  const lease = new Date(now.getTime() + leaser.leaseMs);
  const leased: LeasedPush[] = [];
  for (const push of pushes) {
    if (!leaser.reserveSlot(accountId)) break;
    push.leaseExpiresAt = lease;
    leased.push({ id: push.id, accountId, body: push.body, attemptCount: 0, leaseExpiresAt: lease });
  }
  return leased;
}

// Pushes of at most maxBatch notifications each, in the order given.
function deliveryPushes<N extends PendingNotification>(pending: N[], maxBatch: number): NewPush<N>[] {
  return Array.from({ length: Math.ceil(pending.length / maxBatch) }, (_, index) => {
    const notifications = pending.slice(index * maxBatch, (index + 1) * maxBatch);
    return { id: newMessageId(), kind: "delivery", notifications, body: buildPushBody(notifications) };
  });
}

type PushedNotification = { id: string; deviceId: string; status: string };
// leaseExpiresAt: written leased for sending (see FormingLeaser), not queued.
type NewPush<N extends PushedNotification = PushedNotification> = { id: string; kind: string; notifications: N[]; body: string; redeliveryOfId?: string; leaseExpiresAt?: Date };
type AccountPush = NewPush & { accountId: string };

// Writes pushes and which notifications each carries.
async function insertPushes(sql: Sql, pushes: AccountPush[], now: Date): Promise<void> {
  if (pushes.length === 0) return;
  const createdAt = new Date();
  await sql.insert(
    "pushes",
    ["id", "account_id", "kind", "redelivery_of_id", "state", "body", "item_count", "attempt_count", "next_attempt_at", "lease_expires_at", "created_at"],
    pushes.map((push) => {
      // A sending push's next_attempt_at is its lease's expiry (see claimIn).
      const leased = push.leaseExpiresAt ?? null;
      return [push.id, push.accountId, push.kind, push.redeliveryOfId ?? null, leased ? "sending" : "queued", push.body, push.notifications.length, 0, leased ?? now, leased, createdAt];
    }),
  );
  await sql.insert(
    "push_items",
    ["push_id", "notification_id", "device_id", "status"],
    pushes.flatMap((push) => push.notifications.map((n) => [push.id, n.id, n.deviceId, n.status])),
  );
}

// Creates pushes of notifications already written, and queues the notifications in them.
async function createPushes(sql: Sql, pushes: AccountPush[], now: Date): Promise<void> {
  await insertPushes(sql, pushes, now);
  await queueNotificationsInPushes(sql, pushes.flatMap((push) => push.notifications.map((n) => ({ notificationId: n.id, pushId: push.id }))));
}

// What the dispatcher holds of a push it leased. The lease's expiry doubles as the holder's token.
export type LeasedPush = { id: string; accountId: string; body: string; attemptCount: number; leaseExpiresAt: Date };
type DueRow = { id: string; account_id: string; next_attempt_at: SqlParam };
type ClaimedRow = { id: string; account_id: string; body: string; attempt_count: number };

// What makes a push due, most overdue kind first: a send abandoned by a crashed worker (a sending
// push's next_attempt_at is its lease's expiry), a retry, a new push. Each is read on its own, in the
// order of the (state, next_attempt_at, account_id) index, stopping at the limit; one query with OR
// would read and sort every queued row on every claim. On PostgreSQL the rows are locked (SKIP
// LOCKED), so that concurrent dispatchers split them.
const DUE_STATES = ["sending", "retrying", "queued"] as const;

// An account's due pushes lie together in the index (formed at one time), so a read can run into
// hundreds of pushes of an account already at its sending limit. A claim then resumes after that
// account's pushes due at that time (`sameTime`, then `later`: SQLite seeks on these, but scans a
// row-value bound), and leaves the accounts it stopped at out of its further reads.
function dueReads(state: string, leavingOut: boolean, columns = "id, account_id, next_attempt_at") {
  const read = (where: string, order: string) =>
    `SELECT ${columns} FROM pushes
      WHERE state = '${state}' AND ${where}${leavingOut ? ` AND account_id ${NOT_IN_LIST}` : ""}
      ORDER BY ${order} LIMIT ?${SKIP_LOCKED}`;
  return {
    fromStart: read("next_attempt_at <= ?", "next_attempt_at, account_id"),
    sameTime: read("next_attempt_at = ? AND account_id > ?", "account_id"),
    later: read("next_attempt_at > ? AND next_attempt_at <= ?", "next_attempt_at, account_id"),
  };
}
// Without accounts to leave out, the statements without the list (which costs SQLite a temporary table per run).
const DUE_READS = DUE_STATES.map((state) => dueReads(state, false));
const DUE_READS_LEAVING_OUT = DUE_STATES.map((state) => dueReads(state, true));
// On PostgreSQL, each state's first read in one statement: a round trip each would cost more than the
// reads (a claim seldom reads further). SQLite runs them in-process, microseconds each.
const FIRST_DUE_READS = `WITH ${DUE_STATES.map((state, index) => `s${index} AS (${dueReads(state, false, `${index} AS state_index, id, account_id, next_attempt_at`).fromStart})`).join(", ")}
  ${DUE_STATES.map((_, index) => `SELECT * FROM s${index}`).join(" UNION ALL ")} ORDER BY state_index, next_attempt_at, account_id`;

// Each state's first read (from the first due push, nothing left out), by state.
async function readFirstDue(sql: Sql, now: Date, limit: number): Promise<DueRow[][]> {
  const byState: DueRow[][] = DUE_STATES.map(() => []);
  const rows = await sql.all<DueRow & { state_index: number }>(FIRST_DUE_READS, DUE_STATES.flatMap(() => [now, limit]));
  for (const row of rows) byState[Number(row.state_index)]!.push(row);
  return byState;
}

// Where a read resumes: after the pushes of `accountId` due at `dueAt` (the value as the database returned it).
type ReadPosition = { dueAt: SqlParam; accountId: string };

async function readDue(sql: Sql, stateIndex: number, from: ReadPosition | null, now: Date, limit: number, leftOut: string[]): Promise<DueRow[]> {
  const reads = (leftOut.length ? DUE_READS_LEAVING_OUT : DUE_READS)[stateIndex]!;
  const list = leftOut.length ? [listParam(leftOut)] : [];
  if (!from) return sql.all<DueRow>(reads.fromStart, [now, ...list, limit]);
  const rows = await sql.all<DueRow>(reads.sameTime, [from.dueAt, from.accountId, ...list, limit]);
  if (rows.length === limit) return rows;
  return rows.concat(await sql.all<DueRow>(reads.later, [from.dueAt, now, ...list, limit - rows.length]));
}

// What a dispatcher asks to lease: at most `limit` pushes due at `now`, at most `perAccount.limit`
// per account counting those already `active` in it.
export type ClaimRequest = { limit: number; leaseMs: number; perAccount: { limit: number; active: ReadonlyMap<string, number> }; now: Date };

// Leases due pushes (new, due for retry, or abandoned by a crashed sender) for sending.
// settleAttempts only settles a push still leased with the lease set here.
export async function claimDuePushes(request: ClaimRequest): Promise<LeasedPush[]> {
  if (request.limit <= 0) return [];
  return sqlTransaction((sql) => claimIn(sql, request), { durability: "replayable" });
}

async function claimIn(sql: Sql, { limit, leaseMs, perAccount, now }: ClaimRequest): Promise<LeasedPush[]> {
  const active = new Map(perAccount.active);
  const isFull = (accountId: string) => (active.get(accountId) ?? 0) >= perAccount.limit;
  const taken: string[] = [];
  // Accounts a read stopped at, full: the claim's further reads leave them out.
  const leftOut: string[] = [];
  const firstReads = sqlOnPostgres ? await readFirstDue(sql, now, limit) : null;
  for (const stateIndex of DUE_STATES.keys()) {
    let from: ReadPosition | null = null;
    while (taken.length < limit) {
      const wanted = limit - taken.length;
      const due = !from && firstReads ? firstReads[stateIndex]! : await readDue(sql, stateIndex, from, now, wanted, leftOut);
      let stoppedAt: DueRow | undefined;
      for (const push of due) {
        if (taken.length === limit) break;
        if (isFull(push.account_id)) {
          stoppedAt = push;
          break;
        }
        active.set(push.account_id, (active.get(push.account_id) ?? 0) + 1);
        taken.push(push.id);
      }
      // Taken to the end of the read: nothing more is due in this state, or the limit is reached.
      if (!stoppedAt) break;
      from = { dueAt: stoppedAt.next_attempt_at, accountId: stoppedAt.account_id };
      leftOut.push(stoppedAt.account_id);
    }
  }
  if (taken.length === 0) return [];
  // One lease for the batch: its expiry is the holder's token. Nobody can have changed these rows
  // since they were read: SQLite's transaction holds the write lock, PostgreSQL's the row locks.
  const lease = new Date(now.getTime() + leaseMs);
  const leased = await sql.all<ClaimedRow>(
    `UPDATE pushes SET state = 'sending', lease_expires_at = ?, next_attempt_at = ? WHERE id ${IN_LIST} RETURNING id, account_id, body, attempt_count`,
    [lease, lease, listParam(taken)],
  );
  const byId = new Map(leased.map((push) => [push.id, push]));
  return taken.map((id) => {
    const push = byId.get(id)!;
    return { id, accountId: push.account_id, body: push.body, attemptCount: Number(push.attempt_count), leaseExpiresAt: lease };
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

// A "Send test" push and its one attempt, logged for the administrator; no notifications, no retries.
export async function recordTestPush(accountId: string, push: { id: string; body: string }, attempt: AttemptRecord): Promise<void> {
  const completedAt = new Date(attempt.startedAt.getTime() + attempt.durationMs);
  await sqlTransaction(async (sql) => {
    await sql.run(
      `INSERT INTO pushes (id, account_id, kind, state, body, item_count, attempt_count, last_status_code, last_error_class, last_duration_ms, created_at, completed_at)
        VALUES (?, ?, 'test', ?, ?, 1, 1, ?, ?, ?, ?, ?)`,
      [push.id, accountId, attempt.ok ? "succeeded" : "failed", push.body, attempt.statusCode, attempt.errorClass, attempt.durationMs, attempt.startedAt, completedAt],
    );
    await sql.insert("push_attempts", ATTEMPT_COLUMNS, [attemptRow(push.id, accountId, attempt)]);
  });
  publishPushChange(accountId);
}

// "superseded": this worker's lease expired and another worker claimed the push; nothing is recorded
// (the new holder's attempt is the push's), so a late result never overwrites the new holder's.
export type PushOutcome = { state: "succeeded" | "retrying" | "failed" | "held" | "superseded"; disabledIntegration: boolean };

// One push's attempt to record (null: not sent because the integration was off).
export type Settlement = { push: LeasedPush; attempt: AttemptRecord | null };

type SettleConfig = Pick<DeliveryConfig, "retryDelaysMs" | "disableAfterFailures">;

// Still ours? Only under the lease this worker set (on PostgreSQL the update also locks the row).
const LEASED_TO_US = { keys: { id: "text", lease_expires_at: "timestamp" }, where: "pushes.state = 'sending'" } as const;
const SETTLE_SENT: RowUpdate = {
  ...LEASED_TO_US,
  set: { state: "text", attempt_count: "integer", next_attempt_at: "timestamp", lease_expires_at: "timestamp", completed_at: "timestamp", last_status_code: "integer", last_error_class: "text", last_duration_ms: "integer" },
};
// Not sent (the integration was off): the last attempt's figures stay.
const SETTLE_UNSENT: RowUpdate = { ...LEASED_TO_US, set: { state: "text", next_attempt_at: "timestamp", lease_expires_at: "timestamp", completed_at: "timestamp" } };
const ATTEMPT_COLUMNS = ["id", "push_id", "account_id", "number", "url", "started_at", "duration_ms", "status_code", "error_class", "error_message", "request_headers", "response_body"];

function attemptRow(pushId: string, accountId: string, attempt: AttemptRecord): SqlParam[] {
  return [
    newTimeOrderedId(),
    pushId,
    accountId,
    attempt.number,
    attempt.url,
    attempt.startedAt,
    attempt.durationMs,
    attempt.statusCode,
    attempt.errorClass,
    attempt.errorMessage,
    JSON.stringify(attempt.requestHeaders),
    attempt.responseBody,
  ];
}

// Records attempts and what follows from each, in one transaction: success (and the failure count
// reset), a retry after the configured delay, a failed push (counted, maybe disabling), or held.
// Settlements of one account are applied in the order given; accounts in id order, so that two
// workers' transactions take the integrations' row locks in the same order (no deadlock).
// `claim`: the pushes to lease next, in the same transaction (one commit for both, not two).
export async function settleAttempts(
  settlements: Settlement[],
  config: SettleConfig,
  claim?: ClaimRequest,
  now = new Date(),
): Promise<{ outcomes: PushOutcome[]; claimed: LeasedPush[] }> {
  const order = settlements.map((_, index) => index).sort((a, b) => settlements[a]!.push.accountId.localeCompare(settlements[b]!.push.accountId));
  const accountIds = [...new Set(settlements.map(({ push }) => push.accountId))];
  const settled = await sqlTransaction(
    async (sql) => {
      const enabled = await enabledAccounts(sql, accountIds);
      // Accounts with a success to reset the failure count of: written in one statement at the end,
      // or before a failure is counted (in account order, as resetFailureCounts locks the rows).
      const resetDue = new Set<string>();
      const attempts: SqlParam[][] = [];
      const notificationStates = { delivered: [] as string[], failed: [] as string[], held: [] as string[] };
      const outcomes: PushOutcome[] = new Array(settlements.length);
      const stateOf = ({ push, attempt }: Settlement): SettledState => {
        if (attempt?.ok) return "succeeded";
        if (!enabled.has(push.accountId)) return "held";
        if (attempt && attempt.number <= config.retryDelaysMs.length) return "retrying";
        return "failed";
      };
      // A push that fails for good may disable its integration, and the states of the pushes after it
      // depend on that: each run up to and including such a push is written in one statement.
      for (let next = 0; next < order.length; ) {
        const run: { index: number; state: SettledState }[] = [];
        do {
          const index = order[next++]!;
          run.push({ index, state: stateOf(settlements[index]!) });
        } while (next < order.length && run.at(-1)!.state !== "failed");
        const stillOurs = await writeSettledPushes(sql, run.map(({ index, state }) => ({ ...settlements[index]!, state })), config, now);
        for (const { index, state: settledState } of run) {
          const { push, attempt } = settlements[index]!;
          let state = settledState;
          if (!stillOurs.has(push.id)) {
            outcomes[index] = { state: "superseded", disabledIntegration: false };
            continue;
          }
          if (attempt) attempts.push(attemptRow(push.id, push.accountId, attempt));
          let disabledIntegration = false;
          if (state === "succeeded") resetDue.add(push.accountId);
          else if (state === "failed") {
            await resetFailureCounts(sql, resetDue);
            resetDue.clear();
            const counted = await countFailedPush(sql, push.accountId, config.disableAfterFailures, now);
            if (!counted.counted) {
              state = "held";
              await sql.run("UPDATE pushes SET state = ? WHERE id = ?", [state, push.id]);
            }
            if (counted.disabled || !counted.counted) enabled.delete(push.accountId);
            if (counted.disabled) await holdOpenPushes(sql, push.accountId, push.id, now);
            disabledIntegration = counted.disabled;
          }
          if (state !== "retrying") notificationStates[state === "succeeded" ? "delivered" : state].push(push.id);
          outcomes[index] = { state, disabledIntegration };
        }
      }
      await resetFailureCounts(sql, resetDue);
      await sql.insert("push_attempts", ATTEMPT_COLUMNS, attempts);
      for (const [state, pushIds] of Object.entries(notificationStates)) await setPushNotificationsState(sql, pushIds, state as NotificationState);
      return { outcomes, claimed: claim ? await claimIn(sql, claim) : [] };
    },
    { durability: "replayable", timeout: 30_000 },
  );
  for (const accountId of accountIds) publishPushChange(accountId);
  return settled;
}

type SettledState = Exclude<PushOutcome["state"], "superseded">;

// Writes what became of pushes this worker leased; returns the ids of those it still held.
async function writeSettledPushes(sql: Sql, settled: (Settlement & { state: SettledState })[], config: SettleConfig, now: Date): Promise<Set<SqlParam>> {
  const sent: SqlScalar[][] = [];
  const unsent: SqlScalar[][] = [];
  for (const { push, attempt, state } of settled) {
    // A retry is counted from the answer, not from when the group commit got to it.
    const retryAt = state === "retrying" ? new Date(attempt!.startedAt.getTime() + attempt!.durationMs + config.retryDelaysMs[attempt!.number - 1]!) : null;
    const completedAt = state === "retrying" ? null : now;
    if (attempt) sent.push([push.id, push.leaseExpiresAt, state, attempt.number, retryAt, null, completedAt, attempt.statusCode, attempt.errorClass, attempt.durationMs]);
    else unsent.push([push.id, push.leaseExpiresAt, state, null, null, completedAt]);
  }
  return new Set([...(await sql.update("pushes", SETTLE_SENT, sent)), ...(await sql.update("pushes", SETTLE_UNSENT, unsent))]);
}

// Pushes waiting to be sent when the integration is disabled are kept as held, never dropped.
async function holdOpenPushes(sql: Sql, accountId: string, exceptPushId: string, now: Date): Promise<void> {
  const open = await sql.all<{ id: string }>("SELECT id FROM pushes WHERE account_id = ? AND state IN ('queued', 'retrying') AND id <> ?", [accountId, exceptPushId]);
  const ids = open.map((push) => push.id);
  await sql.run(`UPDATE pushes SET state = 'held', next_attempt_at = NULL, completed_at = ? WHERE id ${IN_LIST}`, [now, listParam(ids)]);
  await setPushNotificationsState(sql, ids, "held");
}

// The earliest time a push becomes due (a retry, or the lease of an abandoned send), if any: the
// first entry of each state's ordered index scan, in one statement.
const NEXT_DUE = `SELECT ${DUE_STATES.map(
  (state) => `(SELECT next_attempt_at FROM pushes WHERE state = '${state}' AND next_attempt_at IS NOT NULL ORDER BY next_attempt_at LIMIT 1) AS ${state}`,
).join(", ")}`;

export async function nextDueAt(): Promise<Date | null> {
  const [row] = await (await directSql()).all<Record<(typeof DUE_STATES)[number], unknown>>(NEXT_DUE);
  const times = DUE_STATES.flatMap((state) => (row?.[state] == null ? [] : [timeOf(row[state])!.getTime()]));
  return times.length ? new Date(Math.min(...times)) : null;
}

type RedeliveredPush = { id: string; accountId: string; state: string; body: string; items: { notificationId: string; deviceId: string; status: string }[] };

async function redeliverInTx(sql: Sql, original: RedeliveredPush, now: Date): Promise<string> {
  if ((OPEN_PUSH_STATES as readonly string[]).includes(original.state)) {
    throw new PushNotRedeliverableError("This push is still being delivered.");
  }
  const id = newMessageId();
  const notifications = original.items.map((item) => ({ id: item.notificationId, deviceId: item.deviceId, status: item.status }));
  await createPushes(sql, [{ id, accountId: original.accountId, kind: "redelivery", redeliveryOfId: original.id, body: original.body, notifications }], now);
  return id;
}

// Sends a push's notifications again as a new push with a new webhook-id, linked to the original.
export async function redeliverPush(accountId: string, pushId: string, actor: string, now = new Date()): Promise<string> {
  const id = await sqlTransactionWithPrisma(async (sql, tx) => {
    const original = await tx.push.findFirst({ where: { id: pushId, accountId }, include: { items: true } });
    if (!original) throw new PushNotFoundError();
    if (original.kind === "test") throw new PushNotRedeliverableError("Test pushes are not redelivered; send a new test instead.");
    const newId = await redeliverInTx(sql, original, now);
    await recordAudit({ accountId, actor, action: "push.redelivered", target: `push:${original.id}`, details: { redeliveryId: newId } }, tx);
    return newId;
  });
  signalNewWork();
  publishPushChange(accountId);
  return id;
}

// Redelivers every held or failed push created since a time that has not been redelivered yet.
export async function redeliverSince(accountId: string, since: Date, actor: string, now = new Date()): Promise<number> {
  const count = await sqlTransactionWithPrisma(async (sql, tx) => {
    const redelivered = await redeliverWhere(sql, tx, { accountId, state: { in: ["held", "failed"] }, createdAt: { gte: since } }, now);
    if (redelivered > 0) await recordAudit({ accountId, actor, action: "push.redelivered_since", target: "webhook", details: { since: since.toISOString(), pushes: redelivered } }, tx);
    return redelivered;
  });
  if (count > 0) signalNewWork();
  if (count > 0) publishPushChange(accountId);
  return count;
}

// Used on re-enable: every held push goes out again.
export async function redeliverHeldPushes(sql: Sql, tx: Tx, accountId: string, now = new Date()): Promise<number> {
  return redeliverWhere(sql, tx, { accountId, state: "held" }, now);
}

async function redeliverWhere(sql: Sql, tx: Tx, where: Prisma.PushWhereInput, now: Date): Promise<number> {
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
    await redeliverInTx(sql, push, now);
    count++;
  }
  return count;
}
