// Group commit: results that arrive together are written in one transaction (one commit, one
// fsync). A flush starts on the event loop's next check phase, after the I/O callbacks of the same
// turn (other receivers' answers) have queued their results too; results that arrive while a flush
// is being written go into the next one. A lone result is written within the same turn.
//
// `gather`: before a flush, wait (at most maxWaitMs, without blocking the event loop) until
// `size()` results are waiting. A commit's cost grows with the pages it writes, and concurrent sends
// touch the same few pages of each index (one per account sending), so one commit of 48 results
// costs about what one of 20 does.
export type GroupCommitOptions = { maxGroup?: number; gather?: { size: () => number; maxWaitMs: number } };

export function groupCommit<Item, Result>(flush: (items: Item[]) => Promise<Result[]>, { maxGroup = 256, gather }: GroupCommitOptions = {}): (item: Item) => Promise<Result> {
  let waiting: { item: Item; resolve: (result: Result) => void; reject: (error: unknown) => void }[] = [];
  let busy = false;
  // While a flush waits for its group to fill: how many it waits for, and how to stop waiting.
  let gathering: { size: number; done: () => void } | null = null;

  function gathered(size: number, maxWaitMs: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => done(), maxWaitMs);
      const done = () => {
        clearTimeout(timer);
        gathering = null;
        resolve();
      };
      gathering = { size, done };
    });
  }

  async function drain(): Promise<void> {
    while (waiting.length > 0) {
      const size = gather ? Math.min(maxGroup, gather.size()) : 0;
      if (waiting.length < size) await gathered(size, gather!.maxWaitMs);
      const group = waiting.slice(0, maxGroup);
      waiting = waiting.slice(maxGroup);
      try {
        const results = await flush(group.map((entry) => entry.item));
        group.forEach((entry, index) => entry.resolve(results[index]!));
      } catch (error) {
        for (const entry of group) entry.reject(error);
      }
      // Let the answers that arrived meanwhile queue up before the next group is taken.
      await new Promise((resolve) => setImmediate(resolve));
    }
    busy = false;
  }

  return (item) =>
    new Promise<Result>((resolve, reject) => {
      waiting.push({ item, resolve, reject });
      if (gathering && waiting.length >= gathering.size) gathering.done();
      if (busy) return;
      busy = true;
      setImmediate(() => void drain());
    });
}
