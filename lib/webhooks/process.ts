// Delivery inside a long-running process: the dispatcher, the retention job, and a clean stop.
import { watch } from "node:fs";
import path from "node:path";
import { env } from "@/lib/env";
import { logger } from "@/lib/logger";
import { isPostgresUrl, sqliteFilePath } from "@/lib/database-url";
import { startProcessDispatcher, type Dispatcher } from "@/lib/webhooks/dispatcher";
import { listenForNewWork } from "@/lib/webhooks/pg-notify";
import { startRetentionJob } from "@/lib/webhooks/retention";

// On SQLite, a commit by any process (a worker, the simulator, a CLI) appends to the write-ahead
// log: watching it wakes the dispatcher without polling. PostgreSQL uses its own notifications.
function wakeOnSqliteCommits(dispatcher: Dispatcher): () => void {
  const file = sqliteFilePath(env.DATABASE_URL);
  if (!file) return () => undefined;
  const walName = `${path.basename(file)}-wal`;
  const watcher = watch(path.dirname(file), (_event, name) => {
    if (name === walName) dispatcher.wake();
  });
  watcher.unref();
  return () => watcher.close();
}

// On PostgreSQL, other processes' commits arrive as notifications (signalNewWork sends them).
function wakeOnPostgresNotifications(dispatcher: Dispatcher): () => Promise<void> {
  const listener = listenForNewWork(env.DATABASE_URL, () => dispatcher.wake());
  return () => listener.stop();
}

export function startDelivery(): { dispatcher: Dispatcher; stop: () => Promise<void> } {
  const dispatcher = startProcessDispatcher();
  const stopRetention = startRetentionJob(env.WEBHOOK_LOG_RETENTION_DAYS);
  const stopWatching = isPostgresUrl(env.DATABASE_URL) ? wakeOnPostgresNotifications(dispatcher) : wakeOnSqliteCommits(dispatcher);
  return {
    dispatcher,
    async stop() {
      await stopWatching();
      stopRetention();
      await dispatcher.stop();
    },
  };
}

// For the web process: starts unless turned off, and finishes attempts under way on SIGTERM.
export function startInProcessDelivery(): void {
  if (!env.DISPATCHER_IN_PROCESS) {
    logger.info("in-process dispatcher is off (DISPATCHER_IN_PROCESS=false); run `npm run worker`");
    return;
  }
  const delivery = startDelivery();
  process.once("SIGTERM", () => void delivery.stop());
}
