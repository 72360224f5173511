import { describe, expect, it } from "vitest";
import { groupCommit } from "@/lib/group-commit";

const turn = () => new Promise((resolve) => setImmediate(resolve));
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

// A flush that records each group it was given and answers every item with its double.
function recordingFlush() {
  const groups: number[][] = [];
  const flush = async (items: number[]) => {
    groups.push(items);
    return items.map((item) => item * 2);
  };
  return { groups, flush };
}

describe("group commit", () => {
  it("writes the results of one turn in one flush, and those arriving during it in the next", async () => {
    const { groups, flush } = recordingFlush();
    let release!: () => void;
    const slowFirst = async (items: number[]) => {
      if (groups.length === 0) await new Promise<void>((resolve) => (release = resolve));
      return flush(items);
    };
    const record = groupCommit(slowFirst);
    const first = [record(1), record(2)];
    await turn();
    const later = [record(3), record(4), record(5)];
    release();
    expect(await Promise.all([...first, ...later])).toEqual([2, 4, 6, 8, 10]);
    expect(groups).toEqual([
      [1, 2],
      [3, 4, 5],
    ]);
  });

  it("waits for the group to gather as many results as asked, and flushes as soon as they are there", async () => {
    const { groups, flush } = recordingFlush();
    const record = groupCommit(flush, { gather: { size: () => 3, maxWaitMs: 10_000 } });
    const results = [record(1)];
    await sleep(20);
    expect(groups).toEqual([]);
    results.push(record(2));
    await sleep(20);
    expect(groups).toEqual([]);
    results.push(record(3));
    expect(await Promise.all(results)).toEqual([2, 4, 6]);
    expect(groups).toEqual([[1, 2, 3]]);
  });

  it("flushes a group that does not fill once the longest wait has passed", async () => {
    const { groups, flush } = recordingFlush();
    const record = groupCommit(flush, { gather: { size: () => 10, maxWaitMs: 30 } });
    const startedAt = performance.now();
    expect(await record(7)).toBe(14);
    expect(performance.now() - startedAt).toBeGreaterThanOrEqual(25);
    expect(groups).toEqual([[7]]);
  });

  it("does not wait when fewer results are expected than are already waiting", async () => {
    const { groups, flush } = recordingFlush();
    const record = groupCommit(flush, { gather: { size: () => 1, maxWaitMs: 10_000 } });
    const startedAt = performance.now();
    expect(await record(1)).toBe(2);
    expect(performance.now() - startedAt).toBeLessThan(1_000);
    expect(groups).toEqual([[1]]);
  });

  it("fails every result of a group whose flush fails, and goes on with the next group", async () => {
    let calls = 0;
    const record = groupCommit(async (items: number[]) => {
      if (calls++ === 0) throw new Error("disk full");
      return items;
    });
    const failed = [record(1), record(2)].map((result) => result.catch((error: Error) => error.message));
    expect(await Promise.all(failed)).toEqual(["disk full", "disk full"]);
    expect(await record(3)).toBe(3);
  });
});
