// Wakes the in-process dispatcher when new work is committed, instead of polling the database.
// Kept on globalThis: Next.js may load this module more than once in one process.
import { EventEmitter } from "node:events";

const globalForWake = globalThis as unknown as { webhookWake?: EventEmitter };
const emitter = (globalForWake.webhookWake ??= new EventEmitter());

export function signalNewWork(): void {
  emitter.emit("work");
}

export function onNewWork(listener: () => void): () => void {
  emitter.on("work", listener);
  return () => emitter.off("work", listener);
}
