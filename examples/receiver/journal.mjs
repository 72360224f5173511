// The receiver's durable inbox: one append-only file of JSON lines.
// An accepted push (its webhook-id and body) is written and fsynced BEFORE the receiver answers 2xx,
// so a push the console saw acknowledged is never lost, and an id already on file is never processed
// twice, across restarts too. A "processed" line follows once the push was handled; a push accepted
// but not yet processed when the process stopped is handed back by `unprocessed()` at the next start.
// In production, use a table with a unique webhook_id column instead (see README.md).
import { mkdirSync, readFileSync, truncateSync } from "node:fs";
import { open } from "node:fs/promises";
import path from "node:path";

export async function openJournal(dataDir) {
  mkdirSync(dataDir, { recursive: true });
  const file = path.join(dataDir, "journal.ndjson");
  const { accepted, processed } = load(file);
  const handle = await open(file, "a", 0o600);
  // webhook-id → the promise of its durable write: a duplicate that arrives while the first copy
  // is still being written waits for that write before it is acknowledged.
  const known = new Map([...accepted.keys()].map((id) => [id, Promise.resolve()]));
  let queue = Promise.resolve();

  // One line at a time, each followed by fsync, so lines never interleave and a 2xx means "on disk".
  function append(entry) {
    const written = queue.then(async () => {
      await handle.appendFile(`${JSON.stringify(entry)}\n`);
      await handle.datasync();
    });
    queue = written.catch(() => {});
    return written;
  }

  return {
    file,
    // Records a push durably; resolves to false when its webhook-id was recorded before.
    async accept(id, body) {
      const earlier = known.get(id);
      if (earlier) return earlier.then(() => false);
      const written = append({ type: "accepted", id, received_at: new Date().toISOString(), body });
      known.set(id, written);
      try {
        await written;
        return true;
      } catch (error) {
        known.delete(id); // not on disk: the request fails and the console retries it
        throw error;
      }
    },
    markProcessed: (id) => append({ type: "processed", id }),
    // Pushes that were acknowledged but not processed before the last stop, oldest first.
    unprocessed: () => [...accepted].filter(([id]) => !processed.has(id)).map(([id, body]) => ({ id, body })),
    async close() {
      await queue;
      await handle.close();
    },
  };
}

// Reads the journal. A last line without its newline was cut off by a crash mid-write; it was never
// acknowledged (the answer waits for the fsync), so it is dropped and the console sends it again.
function load(file) {
  let text = "";
  try {
    text = readFileSync(file, "utf8");
  } catch (error) {
    if (error.code !== "ENOENT") throw error;
  }
  const complete = text.slice(0, text.lastIndexOf("\n") + 1);
  if (complete.length < text.length) truncateSync(file, Buffer.byteLength(complete));
  const accepted = new Map();
  const processed = new Set();
  for (const line of complete.split("\n").filter(Boolean)) {
    const entry = JSON.parse(line);
    if (entry.type === "accepted") accepted.set(entry.id, entry.body);
    else if (entry.type === "processed") processed.add(entry.id);
  }
  return { accepted, processed };
}
