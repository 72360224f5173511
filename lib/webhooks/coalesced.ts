// Folds calls of an asynchronous task into as few runs as keep the promise "a call is followed by a
// run that starts after it": one run in flight, at most one more queued behind it.
export function coalesced(task: () => Promise<unknown>, onError: (error: unknown) => void): () => void {
  let running = false;
  let again = false;
  async function run(): Promise<void> {
    running = true;
    do {
      again = false;
      await task().catch(onError);
    } while (again);
    running = false;
  }
  return () => {
    if (running) again = true;
    else void run();
  };
}
