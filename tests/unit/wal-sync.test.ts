import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { walSync } from "@/lib/wal-sync";

// A sync whose runs the test finishes by hand, in order.
function controlledSync() {
  const runs: { file: string; finish: (error?: Error) => void }[] = [];
  const sync = (file: string) =>
    new Promise<void>((resolve, reject) => {
      runs.push({ file, finish: (error) => (error ? reject(error) : resolve()) });
    });
  return { runs, sync };
}

const state = (promise: Promise<unknown>) => {
  const seen = { settled: false, failed: false };
  promise.then(
    () => (seen.settled = true),
    () => (seen.settled = seen.failed = true),
  );
  return seen;
};
const turn = () => new Promise((resolve) => setImmediate(resolve));

describe("the write-ahead log's sync", () => {
  let directory: string | null = null;
  afterEach(() => {
    if (directory) rmSync(directory, { recursive: true, force: true });
    directory = null;
  });

  it("answers a commit once a sync that started after it has finished", async () => {
    const { runs, sync } = controlledSync();
    const log = walSync("/data/app.db-wal", sync);
    const first = state(log.afterCommit());
    expect(runs.map((run) => run.file)).toEqual(["/data/app.db-wal"]);

    // Committed while the first sync runs: that sync may have missed it, so it waits for the next.
    const second = state(log.afterCommit());
    const third = state(log.afterCommit());
    runs[0]!.finish();
    await turn();
    expect(first.settled).toBe(true);
    expect([second.settled, third.settled]).toEqual([false, false]);
    expect(runs).toHaveLength(2);

    runs[1]!.finish();
    await turn();
    expect([second.settled, third.settled]).toEqual([true, true]);
    expect(runs).toHaveLength(2);
  });

  it("fails the commits waiting for a sync that failed, and syncs again for the next", async () => {
    const { runs, sync } = controlledSync();
    const log = walSync("/data/app.db-wal", sync);
    const failed = state(log.afterCommit());
    runs[0]!.finish(new Error("EIO"));
    await turn();
    expect(failed).toEqual({ settled: true, failed: true });

    const next = state(log.afterCommit());
    expect(runs).toHaveLength(2);
    runs[1]!.finish();
    await turn();
    expect(next).toEqual({ settled: true, failed: false });
  });

  it("tells when the syncs asked for so far are done, without starting one", async () => {
    const { runs, sync } = controlledSync();
    const log = walSync("/data/app.db-wal", sync);
    await log.settled();
    expect(runs).toHaveLength(0);

    void log.afterCommit();
    void log.afterCommit();
    const settled = state(log.settled());
    runs[0]!.finish();
    await turn();
    expect(settled.settled).toBe(false);
    runs[1]!.finish(new Error("EIO"));
    await turn();
    // A failed sync has been reported to its commits; the barrier only waits for it.
    expect(settled).toEqual({ settled: true, failed: false });
  });

  it("syncs a real file with fdatasync by default", async () => {
    directory = mkdtempSync(path.join(tmpdir(), "wal-sync-"));
    const file = path.join(directory, "app.db-wal");
    writeFileSync(file, "frames");
    await expect(walSync(file).afterCommit()).resolves.toBeUndefined();
    await expect(walSync(path.join(directory, "missing-wal")).afterCommit()).rejects.toThrow(/ENOENT/);
  });
});
