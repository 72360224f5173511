// The retention job: hourly, deletes webhook log entries older than WEBHOOK_LOG_RETENTION_DAYS.
import { logger } from "@/lib/logger";
import { deleteExpiredLogs } from "@/lib/webhooks/event-log";

const HOUR_MS = 60 * 60 * 1000;

export function startRetentionJob(retentionDays: number): () => void {
  const run = () =>
    deleteExpiredLogs(retentionDays)
      .then((deleted) => {
        if (deleted.pushes || deleted.notifications) logger.info({ ...deleted, retentionDays }, "deleted expired webhook log entries");
      })
      .catch((error) => logger.error({ err: error }, "webhook log retention failed"));
  const timer = setInterval(run, HOUR_MS);
  timer.unref();
  void run();
  return () => clearInterval(timer);
}
