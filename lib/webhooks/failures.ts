// Consecutive failed pushes per account, and the automatic disable at the threshold. Each function
// runs inside the caller's transaction, so the count and the decision are atomic in the database.
import "server-only";
import { recordAudit } from "@/lib/audit";
import type { Prisma } from "@/lib/db";
import type { Sql } from "@/lib/sql";
import { claimsNeedRowLocks, incrementFailureCount } from "@/lib/webhooks/pg-claims";

type Tx = Prisma.TransactionClient;

// Any successful attempt resets the count to 0.
export async function resetFailureCount(sql: Sql, accountId: string): Promise<void> {
  await sql.run("UPDATE webhook_integrations SET consecutive_failures = 0 WHERE account_id = ? AND consecutive_failures <> 0", [accountId]);
}

// Counts one failed push while the integration is enabled; at the threshold disables it once (the
// count and the decision are ordered by the row lock the increment takes). `counted: false`: another
// worker disabled it meanwhile, so the push is held like the others, not failed.
export async function countFailedPush(tx: Tx, accountId: string, threshold: number, now: Date): Promise<{ counted: boolean; failures: number; disabled: boolean }> {
  const failures = claimsNeedRowLocks ? await incrementFailureCount(tx, accountId, now) : await incrementWhileEnabled(tx, accountId);
  if (failures === null) return { counted: false, failures: 0, disabled: false };
  if (failures < threshold) return { counted: true, failures, disabled: false };
  const reason = `Disabled automatically after ${threshold} consecutive failed pushes.`;
  const { count } = await tx.webhookIntegration.updateMany({
    where: { accountId, enabled: true },
    data: { enabled: false, disabledReason: reason, disabledAt: now },
  });
  if (count === 1) {
    await recordAudit({ accountId, actor: "system", action: "webhook.auto_disabled", target: "webhook", details: { reason, failures } }, tx);
  }
  return { counted: true, failures, disabled: count === 1 };
}

// SQLite: the transaction already holds the database's write lock, so a read after the update is exact.
async function incrementWhileEnabled(tx: Tx, accountId: string): Promise<number | null> {
  const { count } = await tx.webhookIntegration.updateMany({ where: { accountId, enabled: true }, data: { consecutiveFailures: { increment: 1 } } });
  if (count === 0) return null;
  return (await tx.webhookIntegration.findUniqueOrThrow({ where: { accountId }, select: { consecutiveFailures: true } })).consecutiveFailures;
}

// The level of warning the console shows as failures approach the threshold.
export function failureWarningLevel(failures: number, threshold: number): "none" | "warning" | "critical" {
  if (failures >= threshold * 0.9) return "critical";
  if (failures >= threshold * 0.5) return "warning";
  return "none";
}
