// Consecutive failed pushes per account, and the automatic disable at the threshold. Each function
// runs inside the caller's transaction, so the count and the decision are atomic in the database.
import "server-only";
import { recordAudit } from "@/lib/audit";
import type { Prisma } from "@/lib/db";

type Tx = Prisma.TransactionClient;

// Any successful attempt resets the count to 0.
export async function resetFailureCount(tx: Tx, accountId: string): Promise<void> {
  await tx.webhookIntegration.updateMany({ where: { accountId, consecutiveFailures: { not: 0 } }, data: { consecutiveFailures: 0 } });
}

// Counts one failed push; at the threshold disables the integration once (the first caller to reach
// it wins the conditional update). Returns whether this call disabled it.
export async function countFailedPush(tx: Tx, accountId: string, threshold: number, now: Date): Promise<{ failures: number; disabled: boolean }> {
  const { consecutiveFailures: failures } = await tx.webhookIntegration.update({
    where: { accountId },
    data: { consecutiveFailures: { increment: 1 } },
    select: { consecutiveFailures: true },
  });
  if (failures < threshold) return { failures, disabled: false };
  const reason = `Disabled automatically after ${threshold} consecutive failed pushes.`;
  const { count } = await tx.webhookIntegration.updateMany({
    where: { accountId, enabled: true },
    data: { enabled: false, disabledReason: reason, disabledAt: now },
  });
  if (count === 1) {
    await recordAudit({ accountId, actor: "system", action: "webhook.auto_disabled", target: "webhook", details: { reason, failures } }, tx);
  }
  return { failures, disabled: count === 1 };
}

// The level of warning the console shows as failures approach the threshold.
export function failureWarningLevel(failures: number, threshold: number): "none" | "warning" | "critical" {
  if (failures >= threshold * 0.9) return "critical";
  if (failures >= threshold * 0.5) return "warning";
  return "none";
}
