// Claims that several processes make at once on PostgreSQL: row locks taken with
// FOR UPDATE SKIP LOCKED, so concurrent dispatchers split the rows instead of waiting for (or
// double-taking) each other's. On SQLite, BEGIN IMMEDIATE already serializes these transactions.
import "server-only";
import { isPostgresUrl } from "@/lib/database-url";
import { env } from "@/lib/env";
import type { Prisma } from "@/lib/db";

type Tx = Prisma.TransactionClient;

// Whether this process's database needs the row-locking claims below.
export const claimsNeedRowLocks = isPostgresUrl(env.DATABASE_URL);

const placeholders = (values: unknown[], from: number) => values.map((_, i) => `$${from + i}`).join(", ");

// What makes a push due, most overdue kind first: a send abandoned by a crashed worker, a retry, a
// new push. Asked one at a time, each is an ordered scan of the (state, next_attempt_at) index that
// stops at the limit; one query with OR would read and sort every queued row on every claim.
const DUE_PUSHES = [
  "state = 'sending' AND lease_expires_at < $1 ORDER BY lease_expires_at",
  "state = 'retrying' AND next_attempt_at <= $1 ORDER BY next_attempt_at",
  "state = 'queued' AND next_attempt_at <= $1 ORDER BY next_attempt_at",
];

// Locks up to `limit` due pushes for the caller's transaction, skipping rows another dispatcher
// holds and accounts already saturated. The ids come in claiming order.
export async function lockDuePushIds(tx: Tx, now: Date, limit: number, skipAccounts: string[]): Promise<string[]> {
  const skip = skipAccounts.length ? `AND account_id NOT IN (${placeholders(skipAccounts, 3)})` : "";
  const ids: string[] = [];
  for (const due of DUE_PUSHES) {
    if (ids.length >= limit) break;
    const [condition, order] = due.split(" ORDER BY ");
    const rows = await tx.$queryRawUnsafe<{ id: string }[]>(
      `SELECT id FROM pushes WHERE ${condition} ${skip} ORDER BY ${order} LIMIT $2 FOR UPDATE SKIP LOCKED`,
      now,
      limit - ids.length,
      ...skipAccounts,
    );
    ids.push(...rows.map((row) => row.id));
  }
  return ids;
}

// Locks up to `limit` of an account's pending notifications, oldest first, so that two dispatchers
// forming pushes at once never put one notification into two pushes.
export async function lockPendingNotificationIds(tx: Tx, accountId: string, limit: number): Promise<string[]> {
  const rows = await tx.$queryRawUnsafe<{ id: string }[]>(
    `SELECT id FROM notifications
      WHERE account_id = $1 AND state = 'pending'
      ORDER BY created_at, id
      LIMIT $2
      FOR UPDATE SKIP LOCKED`,
    accountId,
    limit,
  );
  return rows.map((row) => row.id);
}

// One atomic increment while the integration is enabled, returning the new count (null: disabled or
// gone). The row stays locked until the caller commits, so concurrent failed pushes of one account
// are counted one after the other and each sees whether an earlier one disabled it.
export async function incrementFailureCount(tx: Tx, accountId: string, now: Date): Promise<number | null> {
  const rows = await tx.$queryRawUnsafe<{ consecutive_failures: number }[]>(
    `UPDATE webhook_integrations SET consecutive_failures = consecutive_failures + 1, updated_at = $2
      WHERE account_id = $1 AND enabled
      RETURNING consecutive_failures`,
    accountId,
    now,
  );
  return rows.length === 1 ? Number(rows[0]!.consecutive_failures) : null;
}
