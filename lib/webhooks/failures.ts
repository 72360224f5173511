// Consecutive failed pushes per account, and the automatic disable at the threshold. Each function
// runs inside the caller's transaction, so the count and the decision are atomic in the database.
import "server-only";
import { recordAuditInSql } from "@/lib/audit";
import { IN_LIST, listParam, type Sql } from "@/lib/sql";
import { FOR_UPDATE } from "@/lib/webhooks/pg-claims";

// The rows are locked in account order, the order a settle takes every integration row in: two
// workers' settles never wait for each other in a cycle (a deadlock).
const RESET_FAILURES = `UPDATE webhook_integrations SET consecutive_failures = 0 WHERE account_id IN
  (SELECT account_id FROM webhook_integrations WHERE account_id ${IN_LIST} AND consecutive_failures <> 0 ORDER BY account_id${FOR_UPDATE})`;

// Any successful attempt resets the count to 0: one statement for the accounts of a settled group.
export async function resetFailureCounts(sql: Sql, accountIds: Iterable<string>): Promise<void> {
  const ids = [...accountIds];
  if (ids.length > 0) await sql.run(RESET_FAILURES, [listParam(ids)]);
}

// Counts one failed push while the integration is enabled; at the threshold disables it once (the
// count and the decision are ordered by the write lock on SQLite, the row lock the increment takes on
// PostgreSQL). `counted: false`: another worker disabled it meanwhile, so the push is held like the
// others, not failed.
export async function countFailedPush(sql: Sql, accountId: string, threshold: number, now: Date): Promise<{ counted: boolean; failures: number; disabled: boolean }> {
  const [row] = await sql.all<{ consecutive_failures: number | bigint }>(
    "UPDATE webhook_integrations SET consecutive_failures = consecutive_failures + 1, updated_at = ? WHERE account_id = ? AND enabled = ? RETURNING consecutive_failures",
    [now, accountId, true],
  );
  if (!row) return { counted: false, failures: 0, disabled: false };
  const failures = Number(row.consecutive_failures);
  if (failures < threshold) return { counted: true, failures, disabled: false };
  const reason = `Disabled automatically after ${threshold} consecutive failed pushes.`;
  const disabled = await sql.run("UPDATE webhook_integrations SET enabled = ?, disabled_reason = ?, disabled_at = ?, updated_at = ? WHERE account_id = ? AND enabled = ?", [false, reason, now, now, accountId, true]);
  if (disabled === 1) await recordAuditInSql(sql, { accountId, actor: "system", action: "webhook.auto_disabled", target: "webhook", details: { reason, failures } }, now);
  return { counted: true, failures, disabled: disabled === 1 };
}

// The level of warning the console shows as failures approach the threshold.
export function failureWarningLevel(failures: number, threshold: number): "none" | "warning" | "critical" {
  if (failures >= threshold * 0.9) return "critical";
  if (failures >= threshold * 0.5) return "warning";
  return "none";
}
