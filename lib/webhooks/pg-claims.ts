// Claims that several processes make at once on PostgreSQL: row locks (FOR UPDATE SKIP LOCKED in the
// claims of pushes.ts and outbox.ts), so concurrent dispatchers split the rows instead of waiting for
// (or double-taking) each other's. On SQLite, BEGIN IMMEDIATE already serializes these transactions.
import "server-only";
import type { Prisma } from "@/lib/db";
import { sqlOnPostgres } from "@/lib/sql";

type Tx = Prisma.TransactionClient;

// Whether this process's database needs row-locking claims.
export const claimsNeedRowLocks = sqlOnPostgres;

// Appended to a claim's SELECT: on PostgreSQL, lock the rows and skip those another dispatcher holds.
export const SKIP_LOCKED = claimsNeedRowLocks ? " FOR UPDATE SKIP LOCKED" : "";

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
