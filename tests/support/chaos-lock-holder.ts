// A second process that keeps the SQLite database busy for the chaos suite: again and again it takes
// the write lock (BEGIN IMMEDIATE) and holds it for a while, as a long migration, a backup or a
// runaway script would. Own process, because better-sqlite3 waits for a lock synchronously.
// Usage: node --import tsx tests/support/chaos-lock-holder.ts <sqlite file> <holdMinMs> <holdMaxMs> <gapMinMs> <gapMaxMs>
// On SIGTERM it releases the lock and prints one JSON line: {"locks":n,"heldMs":total,"longestMs":m}.
import Database from "better-sqlite3";

const [file, holdMin, holdMax, gapMin, gapMax] = process.argv.slice(2);
const between = (low: string | undefined, high: string | undefined) => Number(low) + Math.random() * (Number(high) - Number(low));
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const database = new Database(file!, { timeout: 10_000 });
let locks = 0;
let heldMs = 0;
let longestMs = 0;
let stopping = false;

process.on("SIGTERM", () => {
  stopping = true;
  if (database.inTransaction) database.exec("ROLLBACK");
  database.close();
  console.log(JSON.stringify({ locks, heldMs: Math.round(heldMs), longestMs: Math.round(longestMs) }));
  process.exit(0);
});

console.log("holding");
while (!stopping) {
  await sleep(between(gapMin, gapMax));
  if (stopping) break;
  database.exec("BEGIN IMMEDIATE");
  const taken = performance.now();
  locks++;
  await sleep(between(holdMin, holdMax));
  if (stopping) break;
  database.exec("COMMIT");
  const held = performance.now() - taken;
  heldMs += held;
  longestMs = Math.max(longestMs, held);
}
