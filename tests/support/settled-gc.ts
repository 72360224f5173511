// A full GC, then another once the event loop has turned: V8 frees the memory behind dead
// ArrayBuffers (driver and socket buffers) on a thread of its own, so right after one GC
// `arrayBuffers` can still count some of it. For memory measurements (the CSV export's test and
// benchmark), with `gc` from --expose-gc.
export async function settledGc(gc: () => void): Promise<void> {
  gc();
  await new Promise((resolve) => setImmediate(resolve));
  gc();
}
