// Wakes dispatchers when new work is committed, instead of polling the database: in this process
// through an event, and on PostgreSQL in every other process through NOTIFY (see pg-notify.ts).
// Kept on globalThis: Next.js may load this module more than once in one process.
import { EventEmitter } from "node:events";
import { isPostgresUrl } from "@/lib/database-url";
import { env } from "@/lib/env";
import { coalescedNotifier, NOTIFY_NEW_WORK_SQL } from "@/lib/webhooks/pg-notify";

const globalForWake = globalThis as unknown as { webhookWake?: EventEmitter; webhookNotifyOthers?: () => void };
const emitter = (globalForWake.webhookWake ??= new EventEmitter());

// Through the process's own pool (lib/sql is loaded only when first needed), never inside a transaction.
let sql: Promise<typeof import("@/lib/sql")> | undefined;
const notifyOtherProcesses = isPostgresUrl(env.DATABASE_URL)
  ? (globalForWake.webhookNotifyOthers ??= coalescedNotifier(async () => (await (await (sql ??= import("@/lib/sql"))).directSql()).run(NOTIFY_NEW_WORK_SQL)))
  : null;

// Call after the transaction that wrote the work has committed.
export function signalNewWork(): void {
  emitter.emit("work");
  notifyOtherProcesses?.();
}

// After this process formed pushes from the outbox: idle dispatchers of other processes share the sending.
export function signalOtherProcesses(): void {
  notifyOtherProcesses?.();
}

export function onNewWork(listener: () => void): () => void {
  emitter.on("work", listener);
  return () => emitter.off("work", listener);
}
