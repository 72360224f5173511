// Runs the log retention (lib/webhooks/retention.ts) over the seeded month as if `<days>` more days
// had passed, while a write transaction is due every few milliseconds in the same process, as a
// status change or a settled delivery would be: how long those writes waited while the expired log
// was deleted.
//   event-log-retention.ts <days> <result.json>
import { writeFileSync } from "node:fs";
import { sqlTransaction } from "@/lib/sql";
import { startSqliteCheckpoints } from "@/lib/webhooks/process";
import { deleteExpiredLogs } from "@/lib/webhooks/retention";

export type RetentionRun = { pushes: number; notifications: number; seconds: number; writeEveryMs: number; writes: number; writeWaitsMs: number[] };

const RETENTION_DAYS = 30;
const DAY_MS = 24 * 60 * 60 * 1000;
const WRITE_EVERY_MS = 5;

const [daysArg, resultFile] = process.argv.slice(2);
const days = Number(daysArg);
if (!resultFile || !(days > 0)) throw new Error("usage: event-log-retention.ts <days> <result.json>");

// As in a process that delivers, where the job runs: SQLite's checkpoints on a thread of their own.
const stopCheckpoints = await startSqliteCheckpoints();
// An empty write transaction: on SQLite it waits for the write lock like any other.
const write = () => sqlTransaction(async () => undefined, { durability: "replayable" });
await write();

// From when a write was due to its commit: SQLite's statements run on the event loop, so a write
// waits for the loop as well as for the lock, as a request arriving then would.
const writeWaitsMs: number[] = [];
let deleting = true;
const writer = (async () => {
  while (deleting) {
    const due = performance.now() + WRITE_EVERY_MS;
    await new Promise((resolve) => setTimeout(resolve, WRITE_EVERY_MS));
    await write();
    writeWaitsMs.push(performance.now() - due);
  }
})();

const started = performance.now();
const deleted = await deleteExpiredLogs(RETENTION_DAYS, new Date(Date.now() + days * DAY_MS));
const seconds = (performance.now() - started) / 1000;
deleting = false;
await writer;
await stopCheckpoints();

const result: RetentionRun = { ...deleted, seconds, writeEveryMs: WRITE_EVERY_MS, writes: writeWaitsMs.length, writeWaitsMs };
writeFileSync(resultFile, JSON.stringify(result));
process.exit(0);
