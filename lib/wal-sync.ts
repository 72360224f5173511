// Durable SQLite commits without blocking the event loop. With synchronous = FULL, SQLite fsyncs the
// write-ahead log inside COMMIT, and better-sqlite3 runs COMMIT on the process's one thread: at
// hundreds of commits a second the thread spends most of its time waiting for the disk. Instead a
// durable commit runs with synchronous = NORMAL (no sync), and its caller is answered once
// fdatasync of the log has returned, on libuv's thread pool, while the next transaction goes on.
// Commits made while a sync is under way share the next one. (fsync flushes the file, whoever wrote
// it; SQLite itself still syncs the log before every checkpoint and the header when the log restarts.)
import { close, fdatasync, openSync } from "node:fs";
import { logger } from "@/lib/logger";

export type WalSync = {
  // Resolves once everything committed to the log before the call, by any connection, is on disk.
  afterCommit(): Promise<void>;
  // Resolves once the syncs asked for so far have finished (failed ones too).
  settled(): Promise<void>;
};

type OpenLog = { fd: number | null };

// The descriptor of a WalSync dropped with its connection is closed too.
const openLogs = new FinalizationRegistry<OpenLog>((log) => {
  if (log.fd !== null) close(log.fd, () => undefined);
});

// fdatasync on a descriptor kept open: a sync is one trip to libuv's thread pool, not three (open,
// sync, close), each of which waits for a turn of a busy event loop. SQLite keeps the log file while a
// connection to the database is open, as the one whose commits this syncs is. A failed sync closes
// it, and the next opens the file afresh.
function fdatasyncKeepingOpen(log: OpenLog): (file: string) => Promise<void> {
  return (file) =>
    new Promise((resolve, reject) => {
      let fd: number;
      try {
        fd = log.fd ??= openSync(file, "r");
      } catch (error) {
        return reject(error);
      }
      fdatasync(fd, (error) => {
        if (!error) return resolve();
        if (log.fd === fd) log.fd = null;
        close(fd, () => reject(error));
      });
    });
}

export function walSync(walFile: string, customSync?: (file: string) => Promise<void>): WalSync {
  const log: OpenLog = { fd: null };
  const sync = customSync ?? fdatasyncKeepingOpen(log);
  let running: Promise<void> | null = null;
  let queued: Promise<void> | null = null;
  const start = (): Promise<void> => {
    const run = sync(walFile).catch((error: unknown) => {
      logger.error({ err: error, file: walFile }, "could not sync the SQLite write-ahead log; the commits waiting for it fail");
      throw error;
    });
    running = run.finally(() => {
      running = null;
    });
    return running;
  };
  const quietly = (promise: Promise<void>) => promise.then(
    () => undefined,
    () => undefined,
  );
  const logSync: WalSync = {
    afterCommit() {
      if (!running) return start();
      // The sync under way may have started before the caller's commit: it takes the next one.
      queued ??= quietly(running).then(() => {
        queued = null;
        return start();
      });
      return queued;
    },
    settled: () => quietly(queued ?? running ?? Promise.resolve()),
  };
  openLogs.register(logSync, log);
  return logSync;
}
