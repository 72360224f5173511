// Delivery health over the last 24 hours for the dashboard: success rate, pushes per hour,
// attempt latency percentiles and the last error. Test pushes are left out.
import "server-only";
import { db } from "@/lib/db";
import { messageIdLowerBound } from "@/lib/webhooks/signing";

const HOUR_MS = 60 * 60 * 1000;
const LATENCY_SAMPLE = 5000;

export type HourBucket = { start: Date; succeeded: number; failed: number };

export type DeliveryStats = {
  succeeded: number;
  failed: number;
  successRate: number | null;
  hours: HourBucket[];
  latencyP50Ms: number | null;
  latencyP95Ms: number | null;
  lastError: { pushId: string; at: Date; statusCode: number | null; errorClass: string | null; message: string | null } | null;
};

export function percentile(sorted: number[], fraction: number): number | null {
  if (sorted.length === 0) return null;
  return sorted[Math.min(sorted.length - 1, Math.ceil(fraction * sorted.length) - 1)]!;
}

function countSettled(accountId: string, from: Date, to: Date, state: "succeeded" | "failed") {
  return db.push.count({
    where: { accountId, kind: { not: "test" }, state, id: { gte: messageIdLowerBound(from), lt: messageIdLowerBound(to) } },
  });
}

export async function getDeliveryStats(accountId: string, now = new Date()): Promise<DeliveryStats> {
  const firstHour = new Date(Math.floor(now.getTime() / HOUR_MS) * HOUR_MS - 23 * HOUR_MS);
  const starts = Array.from({ length: 24 }, (_, i) => new Date(firstHour.getTime() + i * HOUR_MS));
  const hours = await Promise.all(
    starts.map(async (start) => {
      const end = new Date(start.getTime() + HOUR_MS);
      const [succeeded, failed] = await Promise.all([countSettled(accountId, start, end, "succeeded"), countSettled(accountId, start, end, "failed")]);
      return { start, succeeded, failed };
    }),
  );
  const succeeded = hours.reduce((sum, hour) => sum + hour.succeeded, 0);
  const failed = hours.reduce((sum, hour) => sum + hour.failed, 0);

  const since = new Date(now.getTime() - 24 * HOUR_MS);
  const [durations, lastError] = await Promise.all([
    db.pushAttempt.findMany({
      where: { accountId, startedAt: { gte: since }, statusCode: { gte: 200, lt: 300 } },
      orderBy: { startedAt: "desc" },
      take: LATENCY_SAMPLE,
      select: { durationMs: true },
    }),
    db.pushAttempt.findFirst({
      where: { accountId, push: { kind: { not: "test" } }, OR: [{ errorClass: { not: null } }, { statusCode: { gte: 300 } }] },
      orderBy: { startedAt: "desc" },
      select: { pushId: true, startedAt: true, statusCode: true, errorClass: true, errorMessage: true },
    }),
  ]);
  const sorted = durations.map((attempt) => attempt.durationMs).sort((a, b) => a - b);
  return {
    succeeded,
    failed,
    successRate: succeeded + failed === 0 ? null : succeeded / (succeeded + failed),
    hours,
    latencyP50Ms: percentile(sorted, 0.5),
    latencyP95Ms: percentile(sorted, 0.95),
    lastError: lastError && {
      pushId: lastError.pushId,
      at: lastError.startedAt,
      statusCode: lastError.statusCode,
      errorClass: lastError.errorClass,
      message: lastError.errorMessage,
    },
  };
}
