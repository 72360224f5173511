// Delivery inside a long-running process: the dispatcher, the retention job, and a clean stop.
import { appendFileSync, watch } from "node:fs";
import path from "node:path";
import { env } from "@/lib/env";
import { logger } from "@/lib/logger";
import { isPostgresUrl, sqliteFilePath } from "@/lib/database-url";
import { checkpointInBackground } from "@/lib/sqlite-checkpoints";
import { finishBeforeExit } from "@/lib/stop-hooks";
import { coalesced } from "@/lib/webhooks/coalesced";
import { startProcessDispatcher, type Dispatcher } from "@/lib/webhooks/dispatcher";
import { listenForNewWork } from "@/lib/webhooks/pg-notify";
import { startRetentionJob } from "@/lib/webhooks/retention";

// On SQLite, a commit by any process (a worker, the simulator, a CLI) appends to the write-ahead
// log: watching it wakes the dispatcher without polling. SQLite's data_version, which only moves
// when another connection commits, tells those commits from the dispatcher's own, so a busy
// dispatcher does not wake itself once per commit. A commit's append can be seen before the commit is
// (one synced inside COMMIT becomes visible after its fsync), so each append is followed by a few later looks.
const RECHECK_AFTER_MS = [25, 100, 400, 1600];

// Checkpoints of this process's SQLite database on a thread of their own (lib/sqlite-checkpoints.ts),
// for a process that commits often: one that delivers, or a web process taking the API's writes.
export async function startSqliteCheckpoints(): Promise<() => Promise<void>> {
  if (isPostgresUrl(env.DATABASE_URL)) return async () => undefined;
  try {
    const { db, sqliteConnectionOf } = await import("@/lib/db");
    return checkpointInBackground((await sqliteConnectionOf(db)).connection);
  } catch (error) {
    logger.warn({ err: error }, "could not start the checkpoint thread; checkpoints run on commit");
    return async () => undefined;
  }
}

function wakeOnSqliteCommits(dispatcher: Dispatcher): () => Promise<void> {
  const file = sqliteFilePath(env.DATABASE_URL);
  if (!file) return async () => undefined;
  const walName = `${path.basename(file)}-wal`;
  const sql = import("@/lib/sql").then(({ directSql }) => directSql()); // once: each dynamic import goes through the module loader
  // The dispatcher commits hundreds of times a second: its checkpoints run on a thread of their own.
  const stopCheckpoints = startSqliteCheckpoints();
  let lastVersion = Number.NaN;
  let recheck: { step: number; timer?: NodeJS.Timeout } = { step: 0 };
  const check = coalesced(
    async () => {
      // A prepared statement: this runs after every commit of every process, the dispatcher's own too.
      const [row] = await (await sql).all<{ data_version: number }>("PRAGMA data_version");
      const version = Number(row?.data_version);
      if (version !== lastVersion) dispatcher.wake();
      lastVersion = version;
      const delay = RECHECK_AFTER_MS[recheck.step++];
      if (delay !== undefined) {
        clearTimeout(recheck.timer);
        recheck.timer = setTimeout(check, delay).unref();
      }
    },
    (error) => logger.error({ err: error }, "could not read the database's change counter"),
  );
  const watcher = watch(path.dirname(file), (_event, name) => {
    if (name !== walName) return;
    recheck = { step: 0, timer: recheck.timer };
    check();
  });
  watcher.unref();
  return async () => {
    clearTimeout(recheck.timer);
    watcher.close();
    await (await stopCheckpoints)();
  };
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

// For the web process: starts unless turned off. On SIGTERM it stops claiming at once and finishes
// the attempts under way; the server awaits that before it exits (lib/stop-hooks.ts), so they are
// recorded rather than sent again after their lease.
export function startInProcessDelivery(): void {
  if (!env.DISPATCHER_IN_PROCESS) {
    logger.info("in-process dispatcher is off (DISPATCHER_IN_PROCESS=false); run `npm run worker`");
    // The status changes of the console and the API are still written here.
    const stopCheckpoints = startSqliteCheckpoints();
    finishBeforeExit(() => stopCheckpoints.then((stop) => stop()));
    return;
  }
  const delivery = startDelivery();
  finishBeforeExit(() => delivery.stop());
}
