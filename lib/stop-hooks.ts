// Work a server process finishes before it exits: it begins on SIGTERM, and scripts/serve.mjs (what
// `npm start` runs) awaits it once the requests it took have finished, within its grace period (on
// SIGINT too). Kept on globalThis under a registered symbol: serve.mjs is plain JavaScript, and
// Next.js may load this module more than once in one process.
const STOP_HOOKS = Symbol.for("compliance-webhooks.stop-hooks");
const globalForStop = globalThis as unknown as { [STOP_HOOKS]?: Set<() => Promise<void>> };

export function finishBeforeExit(stop: () => Promise<void>): void {
  let stopping: Promise<void> | undefined;
  const once = () => (stopping ??= stop());
  (globalForStop[STOP_HOOKS] ??= new Set()).add(once);
  process.once("SIGTERM", () => void once());
}
