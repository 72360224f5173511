// WAL checkpoints off a busy process's thread. SQLite copies the write-ahead log back into the
// database file (a checkpoint, with two fsyncs) from inside whichever COMMIT grows the log past 1,000
// pages, and better-sqlite3 runs that COMMIT on the event loop. A process that commits hundreds of
// times a second (the dispatcher) hands checkpoints to a thread of its own with a connection of its
// own instead; PASSIVE checkpoints never block the writer, and a log unchanged since it was last
// copied whole is left alone. Its own connection only steps in if the log grows past FALLBACK_PAGES
// (the thread stuck or gone).
import "server-only";
import { createRequire } from "node:module";
import path from "node:path";
import { Worker } from "node:worker_threads";
import type BetterSqlite3 from "better-sqlite3";
import { logger } from "@/lib/logger";

const EVERY_MS = 200;
const FALLBACK_PAGES = 10_000;

// Plain CommonJS, run as the thread's whole program: no bundler or loader sees it.
const THREAD = `
const { parentPort, workerData } = require("node:worker_threads");
const Database = require(workerData.driver);
const { statSync } = require("node:fs");
const database = new Database(workerData.file, { timeout: 0 });
// The log as last copied whole: while it is unchanged, an idle process spends nothing here.
let copied = "";
const logState = () => { try { const s = statSync(workerData.file + "-wal", { bigint: true }); return s.size + ":" + s.mtimeNs; } catch { return ""; } };
const checkpoint = () => {
  const state = logState();
  if (state === copied) return;
  try {
    const [result] = database.pragma("wal_checkpoint(PASSIVE)");
    if (result && result.busy === 0 && result.checkpointed === result.log) copied = state;
  } catch {}
};
const timer = setInterval(checkpoint, workerData.everyMs);
parentPort.once("message", () => { clearInterval(timer); database.close(); parentPort.close(); });
`;

// Starts the thread for the database file under `connection`; returns how to stop it.
export function checkpointInBackground(connection: BetterSqlite3.Database): () => Promise<void> {
  if (connection.memory) return async () => undefined;
  // Resolved from the app's root at run time: inside a Next.js server bundle a module's own
  // require.resolve does not name a file.
  const driver = createRequire(path.join(process.cwd(), "package.json")).resolve("better-sqlite3");
  const thread = new Worker(THREAD, { eval: true, workerData: { driver, file: connection.name, everyMs: EVERY_MS } });
  const exited = new Promise<void>((resolve) => thread.once("exit", () => resolve()));
  thread.unref();
  connection.pragma(`wal_autocheckpoint = ${FALLBACK_PAGES}`);
  const checkpointHere = () => {
    if (connection.open) connection.pragma("wal_autocheckpoint = 1000");
  };
  thread.once("error", (error) => {
    logger.warn({ err: error }, "the checkpoint thread stopped; checkpoints run on commit again");
    checkpointHere();
  });
  return async () => {
    checkpointHere();
    // Held open until the thread has closed its connection: else a process with nothing else left to
    // do would exit before this resolves, skipping whatever its caller does after the stop.
    thread.ref();
    thread.postMessage("stop");
    await exited;
  };
}
