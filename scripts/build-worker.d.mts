// Types for build-worker.mjs (the project compiles TypeScript only).
export const WORKER_BUNDLE: string;
export function buildWorker(): string;
export function workerNodeArgs(): string[];
export function preparedWorkerNodeArgs(): string[];
