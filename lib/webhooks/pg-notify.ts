// Cross-process wake-ups on PostgreSQL: a process that commits new work sends a payload-free NOTIFY
// (PostgreSQL folds duplicates within one transaction, so it costs next to nothing), and every
// dispatcher LISTENs on one dedicated connection. SQLite processes use the WAL watch in process.ts.
import "server-only";
import pg from "pg";
import { logger } from "@/lib/logger";
import { coalesced } from "@/lib/webhooks/coalesced";

// The channel dispatchers listen on; a constant identifier, so it is safe inside NOTIFY/LISTEN.
export const NEW_WORK_CHANNEL = "cwc_new_work";
export const NOTIFY_NEW_WORK_SQL = `NOTIFY ${NEW_WORK_CHANNEL}`;

const MIN_BACKOFF_MS = 200;
const MAX_BACKOFF_MS = 10_000;

export type NewWorkListener = {
  // Resolves once the first LISTEN is in place (notifications from then on wake the dispatcher).
  ready: Promise<void>;
  stop(): Promise<void>;
};

export type ListenOptions = { channel?: string; minBackoffMs?: number; maxBackoffMs?: number };

// Calls `wake` on every notification. A dropped connection is replaced with exponential backoff,
// and `wake` runs once after each (re)connect, because notifications sent before it are lost.
export function listenForNewWork(connectionString: string, wake: () => void, options: ListenOptions = {}): NewWorkListener {
  const channel = options.channel ?? NEW_WORK_CHANNEL;
  const minBackoffMs = options.minBackoffMs ?? MIN_BACKOFF_MS;
  const maxBackoffMs = options.maxBackoffMs ?? MAX_BACKOFF_MS;
  const log = logger.child({ component: "pg-listen", channel });
  let current: pg.Client | null = null;
  let stopped = false;
  let failures = 0;
  let connectedBefore = false;
  let retry: NodeJS.Timeout | null = null;
  let markReady!: () => void;
  const ready = new Promise<void>((resolve) => (markReady = resolve));

  function reconnectLater(): void {
    if (stopped || retry) return;
    const delay = Math.min(maxBackoffMs, minBackoffMs * 2 ** failures) * (0.75 + Math.random() * 0.5);
    failures++;
    retry = setTimeout(() => {
      retry = null;
      void connect();
    }, delay);
    retry.unref?.();
  }

  async function connect(): Promise<void> {
    const client = new pg.Client({ connectionString, keepAlive: true, application_name: "cwc-dispatcher-listen" });
    let lost = false;
    const onLost = (error?: Error) => {
      if (lost) return;
      lost = true;
      if (current === client) current = null;
      if (!stopped) log.warn({ err: error?.message }, "notification connection lost; reconnecting");
      client.end().catch(() => undefined);
      reconnectLater();
    };
    client.on("error", onLost);
    client.on("end", () => onLost());
    client.on("notification", (message) => {
      if (message.channel === channel) wake();
    });
    try {
      await client.connect();
      await client.query(`LISTEN ${pg.escapeIdentifier(channel)}`);
    } catch (error) {
      onLost(error as Error);
      return;
    }
    if (stopped || lost) {
      await client.end().catch(() => undefined);
      return;
    }
    current = client;
    failures = 0;
    if (connectedBefore) log.info("notification connection restored");
    connectedBefore = true;
    markReady();
    // Work committed before this LISTEN (or while the connection was down) sent no notification here.
    wake();
  }

  void connect();
  return {
    ready,
    async stop() {
      stopped = true;
      if (retry) clearTimeout(retry);
      retry = null;
      const client = current;
      current = null;
      await client?.end().catch(() => undefined);
    },
  };
}

// Folds calls into as few NOTIFYs as keep the promise "a call after a commit is followed by a
// notification sent after that commit".
export function coalescedNotifier(send: () => Promise<unknown>): () => void {
  const log = logger.child({ component: "pg-notify" });
  // Other processes then find the work at their next due time or safety sweep.
  return coalesced(send, (error) => log.warn({ err: (error as Error).message }, "could not notify other processes of new work"));
}
