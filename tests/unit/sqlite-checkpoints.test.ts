import { mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import Database from "better-sqlite3";
import { afterEach, describe, expect, it } from "vitest";
import { checkpointInBackground } from "@/lib/sqlite-checkpoints";

const sizeOf = (file: string) => statSync(file).size;

async function waitFor(condition: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error("timed out");
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe("WAL checkpoints on a thread of their own", () => {
  let directory: string | null = null;
  afterEach(() => {
    if (directory) rmSync(directory, { recursive: true, force: true });
    directory = null;
  });

  it("copies what commits write back into the database file, again after an idle spell in which the log was reset", async () => {
    directory = mkdtempSync(path.join(tmpdir(), "checkpoints-"));
    const file = path.join(directory, "app.db");
    const connection = new Database(file);
    connection.pragma("journal_mode = WAL");
    connection.exec("CREATE TABLE rows (body TEXT NOT NULL)");
    connection.pragma("wal_checkpoint(TRUNCATE)");
    const stop = checkpointInBackground(connection);
    try {
      const insert = connection.prepare("INSERT INTO rows (body) VALUES (?)");
      const writeBurst = () => connection.transaction(() => {
        for (let i = 0; i < 200; i++) insert.run("x".repeat(1000));
      })();

      const empty = sizeOf(file);
      writeBurst();
      // Commits no longer checkpoint on their own below FALLBACK_PAGES: only the thread grows the file.
      await waitFor(() => sizeOf(file) > empty);
      const afterFirst = sizeOf(file);
      const logSize = sizeOf(`${file}-wal`);

      // Idle: several of the thread's turns with the log unchanged.
      await new Promise((resolve) => setTimeout(resolve, 600));
      expect(sizeOf(file)).toBe(afterFirst);

      // The next commit starts the log over from its beginning (it was copied whole): same size, new content.
      writeBurst();
      expect(sizeOf(`${file}-wal`)).toBe(logSize);
      await waitFor(() => sizeOf(file) > afterFirst);
      expect(connection.prepare("SELECT COUNT(*) AS n FROM rows").get()).toEqual({ n: 400 });
    } finally {
      await stop();
      connection.close();
    }
  });
});
