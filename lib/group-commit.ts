// Group commit: results that arrive together are written in one transaction (one commit, one
// fsync). A flush starts on the event loop's next check phase, after the I/O callbacks of the same
// turn (other receivers' answers) have queued their results too; results that arrive while a flush
// is being written go into the next one. A lone result is written within the same turn.
export function groupCommit<Item, Result>(flush: (items: Item[]) => Promise<Result[]>, maxGroup = 256): (item: Item) => Promise<Result> {
  let waiting: { item: Item; resolve: (result: Result) => void; reject: (error: unknown) => void }[] = [];
  let busy = false;

  async function drain(): Promise<void> {
    while (waiting.length > 0) {
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
      if (busy) return;
      busy = true;
      setImmediate(() => void drain());
    });
}
