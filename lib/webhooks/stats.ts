// Delivery health over the last 24 hours for the dashboard: success rate, pushes per hour,
// attempt latency percentiles and the last error. Test pushes are left out.
// Three statements in plain SQL (lib/sql.ts) whatever the traffic: the dashboard is the console's
// most visited page, and one Prisma query per hour and result cost more CPU than the reads themselves.
import "server-only";
import { directSql, timeOf } from "@/lib/sql";
import { messageIdLowerBound } from "@/lib/webhooks/signing";

const HOUR_MS = 60 * 60 * 1000;
const HOURS = 24;
const LATENCY_SAMPLE = 5000;

export type HourBucket = { start: Date; succeeded: number; failed: number };

export type DeliveryStats = {
  succeeded: number;
  failed: number;
  successRate: number | null;
  hours: HourBucket[];
  latencyP50Ms: number | null;
  latencyP95Ms: number | null;
  // The newest failed attempt of the same 24 hours.
  lastError: { pushId: string; at: Date; statusCode: number | null; errorClass: string | null; message: string | null } | null;
};

export function percentile(sorted: number[], fraction: number): number | null {
  if (sorted.length === 0) return null;
  return sorted[Math.min(sorted.length - 1, Math.ceil(fraction * sorted.length) - 1)]!;
}

// Push ids are time-ordered, so an hour is an id range: one range count per hour on the (account,
// state, id) index. Reading the day's pushes once and working out each one's hour cost twice as much.
const SETTLED_PER_HOUR = Array.from(
  { length: HOURS },
  (_, hour) => `SELECT ${hour} AS hour, state, COUNT(*) AS pushes FROM pushes
    WHERE account_id = ? AND state IN ('succeeded', 'failed') AND id >= ? AND id < ? AND kind <> 'test' GROUP BY state`,
).join("\nUNION ALL ");
const RECENT_SUCCESS_DURATIONS = `SELECT duration_ms FROM push_attempts
  WHERE account_id = ? AND started_at >= ? AND status_code >= 200 AND status_code < 300
  ORDER BY started_at DESC LIMIT ${LATENCY_SAMPLE}`;
const LAST_ERROR = `SELECT a.push_id, a.started_at, a.status_code, a.error_class, a.error_message
  FROM push_attempts a JOIN pushes p ON p.id = a.push_id
  WHERE a.account_id = ? AND a.started_at >= ? AND p.kind <> 'test' AND (a.error_class IS NOT NULL OR a.status_code >= 300)
  ORDER BY a.started_at DESC LIMIT 1`;

type HourRow = { hour: number | bigint; state: string; pushes: number | bigint };
type LastErrorRow = { push_id: string; started_at: unknown; status_code: number | null; error_class: string | null; error_message: string | null };

export async function getDeliveryStats(accountId: string, now = new Date()): Promise<DeliveryStats> {
  const firstHour = Math.floor(now.getTime() / HOUR_MS) * HOUR_MS - (HOURS - 1) * HOUR_MS;
  const hours: HourBucket[] = Array.from({ length: HOURS }, (_, i) => ({ start: new Date(firstHour + i * HOUR_MS), succeeded: 0, failed: 0 }));
  const bound = (hour: number) => messageIdLowerBound(new Date(firstHour + hour * HOUR_MS));
  const since = new Date(now.getTime() - HOURS * HOUR_MS);
  const sql = await directSql();

  const hourRanges = hours.flatMap((_, hour) => [accountId, bound(hour), bound(hour + 1)]);
  const [perHour, durations, [lastError]] = await Promise.all([
    sql.all<HourRow>(SETTLED_PER_HOUR, hourRanges),
    sql.all<{ duration_ms: number }>(RECENT_SUCCESS_DURATIONS, [accountId, since]),
    sql.all<LastErrorRow>(LAST_ERROR, [accountId, since]),
  ]);
  for (const row of perHour) {
    const hour = hours[Number(row.hour)];
    if (hour && (row.state === "succeeded" || row.state === "failed")) hour[row.state] = Number(row.pushes);
  }
  const succeeded = hours.reduce((sum, hour) => sum + hour.succeeded, 0);
  const failed = hours.reduce((sum, hour) => sum + hour.failed, 0);
  const sorted = durations.map((attempt) => Number(attempt.duration_ms)).sort((a, b) => a - b);
  return {
    succeeded,
    failed,
    successRate: succeeded + failed === 0 ? null : succeeded / (succeeded + failed),
    hours,
    latencyP50Ms: percentile(sorted, 0.5),
    latencyP95Ms: percentile(sorted, 0.95),
    lastError: lastError
      ? {
          pushId: lastError.push_id,
          at: timeOf(lastError.started_at)!,
          statusCode: lastError.status_code === null ? null : Number(lastError.status_code),
          errorClass: lastError.error_class,
          message: lastError.error_message,
        }
      : null,
  };
}
