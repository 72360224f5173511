// Types for build-worker.mjs (the project compiles TypeScript only).
export function preparedWorkerNodeArgs(): string[];
