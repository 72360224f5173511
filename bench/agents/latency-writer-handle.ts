// The parent's side of the latency writer (latency-writer.ts), and of what its changes make arrive at
// a receiver: shared by the latency and retry-accuracy scenarios.
import { readFileSync } from "node:fs";
import path from "node:path";
import { spawnScript, type BenchProcess } from "../lib/processes";
import type { Arrival, ReceiverProcess } from "../lib/receiver";
import type { RecordedChange, WriterConfig, WriterRun } from "./latency-writer";

export type ChangeWriter = {
  process: BenchProcess;
  // Resolves once the paced changes are all made (delivery goes on).
  ran: Promise<WriterRun>;
  // The changes that queued a notification, with their timestamps; ask once deliveries are over.
  changes(): Promise<RecordedChange[]>;
  stop(): Promise<void>;
};

const SETUP_ALLOWANCE_MS = 60_000;

function nextMessage<T>(proc: BenchProcess, type: string, timeoutMs: number): Promise<T> {
  return new Promise((resolve, reject) => {
    const onMessage = (message: { type: string }) => {
      if (message.type !== type) return;
      settle();
      resolve(message as T);
    };
    const onExit = () => {
      settle();
      reject(new Error(`${proc.name} exited before "${type}":\n${proc.output()}`));
    };
    const timer = setTimeout(() => {
      settle();
      reject(new Error(`${proc.name}: no "${type}" within ${timeoutMs} ms:\n${proc.output()}`));
    }, timeoutMs);
    function settle() {
      clearTimeout(timer);
      proc.child.off("message", onMessage);
      proc.child.off("exit", onExit);
    }
    proc.child.on("message", onMessage);
    proc.child.once("exit", onExit);
  });
}

export function startChangeWriter(name: string, config: Omit<WriterConfig, "out">, env: Record<string, string>, workDir: string): ChangeWriter {
  const out = path.join(workDir, `${name.replace(/\W+/g, "-")}-changes.json`);
  const proc = spawnScript(name, "bench/agents/latency-writer.ts", [JSON.stringify({ ...config, out } satisfies WriterConfig)], env, { ipc: true });
  const ran = nextMessage<WriterRun>(proc, "ran", SETUP_ALLOWANCE_MS + config.warmupMs + config.durationMs);
  ran.catch(() => undefined); // awaited by the caller; a failure must not also be unhandled
  return {
    process: proc,
    ran,
    async changes() {
      const reported = nextMessage(proc, "reported", SETUP_ALLOWANCE_MS);
      proc.child.send({ type: "report" });
      await reported;
      return JSON.parse(readFileSync(out, "utf8")) as RecordedChange[];
    },
    async stop() {
      await proc.stop();
    },
  };
}

export type Notification = { device_id: string; status: string; timestamp: number };

export function notificationsIn(arrival: Arrival): Notification[] {
  return JSON.parse(arrival.body!) as Notification[];
}

const POLL_MS = 200;

// Every arrival at the receiver (taken from it as they come) until `enough` says so or the time is up.
export async function collectArrivals(receiver: ReceiverProcess, enough: (arrivals: Arrival[]) => boolean, timeoutMs: number): Promise<Arrival[]> {
  const arrivals: Arrival[] = [];
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    arrivals.push(...(await receiver.records({ clear: true })));
    if (enough(arrivals) || Date.now() > deadline) return arrivals;
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
}
