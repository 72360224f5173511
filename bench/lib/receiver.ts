// The parent's handle on a receiver process (bench/lib/receiver-main.ts).
import { processTreeUsage, spawnScript, type BenchProcess, type Usage } from "./processes";

export type Arrival = { arrivedAt: number; webhookId: string | null; body?: string };

export type ReceiverProcess = {
  // One URL per origin (loopback address), same port order as asked.
  urls: string[];
  process: BenchProcess;
  respondWith(status: number): void;
  count(): Promise<number>;
  // Resolves once `count` requests have arrived in all; rejects after timeoutMs.
  waitForCount(count: number, timeoutMs: number): Promise<void>;
  records(options?: { clear?: boolean }): Promise<Arrival[]>;
  usage(): Usage;
  close(): Promise<void>;
};

type Reply = { type: string; [key: string]: unknown };

export async function startReceiverProcess(options: { origins?: number; status?: number; keepBodies?: boolean } = {}): Promise<ReceiverProcess> {
  const proc = spawnScript("receiver", "bench/lib/receiver-main.ts", [], {
    RECEIVER_ORIGINS: String(options.origins ?? 1),
    RECEIVER_STATUS: String(options.status ?? 200),
    RECEIVER_KEEP_BODIES: String(options.keepBodies ?? false),
  }, { ipc: true });
  const child = proc.child;
  const next = (type: string, timeoutMs = 30_000) =>
    new Promise<Reply>((resolve, reject) => {
      const timer = setTimeout(() => {
        child.off("message", onMessage);
        reject(new Error(`receiver: no "${type}" within ${timeoutMs} ms\n${proc.output()}`));
      }, timeoutMs);
      const onMessage = (message: Reply) => {
        if (message.type !== type) return;
        clearTimeout(timer);
        child.off("message", onMessage);
        resolve(message);
      };
      child.on("message", onMessage);
    });
  const ready = await next("ready");
  return {
    urls: ready.urls as string[],
    process: proc,
    respondWith: (status) => child.send({ type: "respond", status }),
    async count() {
      const reply = next("count");
      child.send({ type: "count" });
      return (await reply).count as number;
    },
    async waitForCount(count, timeoutMs) {
      const reply = next("reached", timeoutMs);
      child.send({ type: "notify-at", count });
      await reply;
    },
    async records(options = {}) {
      const reply = next("records");
      child.send({ type: "records", clear: options.clear ?? false });
      return (await reply).records as Arrival[];
    },
    usage: () => processTreeUsage(proc.pid),
    async close() {
      if (child.connected) child.send({ type: "close" });
      await Promise.race([proc.exited, new Promise((resolve) => setTimeout(resolve, 2000))]);
      await proc.stop("SIGKILL");
    },
  };
}
