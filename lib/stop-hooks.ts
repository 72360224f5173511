// Work a server process finishes before it exits on SIGTERM or SIGINT: scripts/serve.mjs (what
// `npm start` runs) awaits every hook once the requests it took have finished, within its grace
// period. Kept on globalThis under a registered symbol: serve.mjs is plain JavaScript, and Next.js
// may load this module more than once in one process.
const STOP_HOOKS = Symbol.for("compliance-webhooks.stop-hooks");
const globalForStop = globalThis as unknown as { [STOP_HOOKS]?: Set<() => Promise<void>> };

// `stop` may be called more than once (a signal handler of its own, then the server): it runs once.
export function onServerStop(stop: () => Promise<void>): () => Promise<void> {
  let stopping: Promise<void> | undefined;
  const once = () => (stopping ??= stop());
  (globalForStop[STOP_HOOKS] ??= new Set()).add(once);
  return once;
}
