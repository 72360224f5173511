// Live updates of Event Log > Webhook: the delivery code publishes "this account's pushes changed"
// after each commit, and the event-log stream (a server-sent events route) passes it on to the browsers
// of that account. In-process only; changes made by another process (a separate worker) are found by
// the stream's slow check of the newest push (see app/api/event-log/webhook/stream).
// Kept on globalThis: Next.js may load this module more than once in one process.
import "server-only";
import { EventEmitter } from "node:events";

type Listener = () => void;

const globalForLive = globalThis as unknown as { webhookPushChanges?: EventEmitter };
const emitter = (globalForLive.webhookPushChanges ??= new EventEmitter());
// One listener per open browser tab: there is no fixed maximum.
emitter.setMaxListeners(0);

const channel = (accountId: string) => `account:${accountId}`;

// Tells the account's open event-log pages that a push was created or changed; call after the commit.
export function publishPushChange(accountId: string): void {
  emitter.emit(channel(accountId), accountId);
}

// Calls `listener` on each change of the account's pushes; returns the unsubscribe function.
export function subscribePushChanges(accountId: string, listener: Listener): () => void {
  const handler = () => listener();
  emitter.on(channel(accountId), handler);
  return () => {
    emitter.off(channel(accountId), handler);
  };
}

// For tests and diagnostics: how many subscribers an account has in this process.
export function pushChangeSubscriberCount(accountId: string): number {
  return emitter.listenerCount(channel(accountId));
}

const HEARTBEAT_MS = 25_000;
const CHECK_MS = 5_000;

export type PushChangeStreamOptions = {
  // Reads a value that changes whenever the account's pushes change (see latestPushMarker).
  readMarker: () => Promise<string>;
  signal: AbortSignal;
  heartbeatMs?: number;
  checkMs?: number;
};

// A server-sent events stream for one browser: an event "change" whenever the account's pushes change,
// whether this process published it or the periodic check of readMarker noticed another process's
// work; a comment every 25 s keeps proxies from closing it. Everything is released when the client goes.
export function pushChangeStream(accountId: string, options: PushChangeStreamOptions): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  let release: () => void = () => {};
  return new ReadableStream<Uint8Array>({
    async start(controller) {
      let closed = false;
      let marker = await options.readMarker().catch(() => "");
      let checking = false;
      const send = (text: string) => {
        if (closed) return;
        try {
          controller.enqueue(encoder.encode(text));
        } catch {
          release();
        }
      };
      const remember = () => options.readMarker().then((value) => void (marker = value), () => undefined);
      const changed = () => send("event: change\ndata: {}\n\n");
      const unsubscribe = subscribePushChanges(accountId, () => {
        changed();
        void remember();
      });
      const heartbeat = setInterval(() => send(": heartbeat\n\n"), options.heartbeatMs ?? HEARTBEAT_MS);
      const check = setInterval(async () => {
        if (checking) return;
        checking = true;
        const next = await options.readMarker().catch(() => marker);
        checking = false;
        if (next !== marker) {
          marker = next;
          changed();
        }
      }, options.checkMs ?? CHECK_MS);
      release = () => {
        if (closed) return;
        closed = true;
        clearInterval(heartbeat);
        clearInterval(check);
        unsubscribe();
        options.signal.removeEventListener("abort", release);
        try {
          controller.close();
        } catch {
          // Already closed by the client.
        }
      };
      options.signal.addEventListener("abort", release);
      if (options.signal.aborted) return release();
      // Reconnect after 5 s if the connection drops; the comment opens the stream at once.
      send("retry: 5000\n: connected\n\n");
    },
    cancel() {
      release();
    },
  });
}
