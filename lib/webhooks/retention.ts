// The retention job: hourly, deletes webhook log entries older than WEBHOOK_LOG_RETENTION_DAYS, in
// small batches of a transaction each, so that deliveries and status changes wait for the write lock
// (and, on SQLite, the event loop) at most one batch, however much expired since the last run.
import "server-only";
import { logger } from "@/lib/logger";
import { IN_LIST, listParam, sqlTransaction, timeOf, type Sql } from "@/lib/sql";
import { messageIdLowerBound } from "@/lib/webhooks/signing";

const HOUR_MS = 60 * 60 * 1000;
const DAY_MS = 24 * HOUR_MS;
// Rows of a table deleted per transaction (a push takes its attempts and items with it). In a log of a
// million attempts on SQLite, a write waited p99 16 ms behind these batches, 98 ms behind 200-row ones
// (npm run bench -- --only event-log).
const BATCH_SIZE = 50;
// Between batches: the job is background work, and deleting flat out keeps the disk so busy that
// other commits stall on it (the log's checkpoints copy every page a batch changed back).
const PAUSE_MS = 10;

export function startRetentionJob(retentionDays: number): () => void {
  // A run still deleting a large expiry when the next is due goes on alone.
  let running = false;
  const run = () => {
    if (running) return;
    running = true;
    deleteExpiredLogs(retentionDays)
      .then((deleted) => {
        if (deleted.pushes || deleted.notifications) logger.info({ ...deleted, retentionDays }, "deleted expired webhook log entries");
      })
      .catch((error) => logger.error({ err: error }, "webhook log retention failed"))
      .finally(() => (running = false));
  };
  const timer = setInterval(run, HOUR_MS);
  timer.unref();
  void run();
  return () => clearInterval(timer);
}

// Deletes what is older than the retention: succeeded pushes, test pushes, and delivered
// notifications no kept push shows. Failed and held pushes are never deleted by retention, so what
// did not arrive stays visible and can be redelivered (nothing is lost silently). Plain SQL, like
// delivery: the worker that runs this never loads Prisma's engine.
export async function deleteExpiredLogs(retentionDays: number, now = new Date(), batchSize = BATCH_SIZE): Promise<{ pushes: number; notifications: number }> {
  const before = new Date(now.getTime() - retentionDays * DAY_MS);
  // First the pushes (their attempts and items go with them: ON DELETE CASCADE), then the
  // notifications they showed. Push ids are time-ordered: those created before the cutoff are an id
  // range of the primary key, read on from the last batch (a push completed just before the cutoff
  // but given an id a moment after it goes in the next run).
  let afterPush = "";
  const pushes = await deleteInBatches("pushes", batchSize, async (sql) => {
    const rows = await sql.all<{ id: string }>(
      "SELECT id FROM pushes WHERE id > ? AND id < ? AND completed_at < ? AND (state = 'succeeded' OR kind = 'test') ORDER BY id LIMIT ?",
      [afterPush, messageIdLowerBound(before), before, batchSize],
    );
    afterPush = rows.at(-1)?.id ?? afterPush;
    return rows.map((row) => row.id);
  });
  // Read by notifications(created_at), from the last batch's time on: what an earlier batch kept
  // (not delivered, or still shown by a kept push) is not read again.
  let fromTime = new Date(0);
  const notifications = await deleteInBatches("notifications", batchSize, async (sql) => {
    const rows = await sql.all<{ id: string; created_at: unknown }>(
      `SELECT id, created_at FROM notifications WHERE created_at >= ? AND created_at < ? AND state = 'delivered'
        AND NOT EXISTS (SELECT 1 FROM push_items WHERE push_items.notification_id = notifications.id) ORDER BY created_at LIMIT ?`,
      [fromTime, before, batchSize],
    );
    fromTime = timeOf(rows.at(-1)?.created_at) ?? fromTime;
    return rows.map((row) => row.id);
  });
  return { pushes, notifications };
}

// Deletes the rows of `table` whose ids `nextBatch` reads, a transaction a batch, until a batch
// comes back short, with a pause after each.
async function deleteInBatches(table: "pushes" | "notifications", batchSize: number, nextBatch: (sql: Sql) => Promise<string[]>): Promise<number> {
  let deleted = 0;
  for (;;) {
    const ids = await sqlTransaction(
      async (sql) => {
        const batch = await nextBatch(sql);
        if (batch.length > 0) await sql.run(`DELETE FROM ${table} WHERE id ${IN_LIST}`, [listParam(batch)]);
        return batch;
      },
      { durability: "replayable" },
    );
    deleted += ids.length;
    if (ids.length < batchSize) return deleted;
    await new Promise((resolve) => setTimeout(resolve, PAUSE_MS));
  }
}
