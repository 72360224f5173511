// Real `npm run worker` processes for multi-process delivery tests, each in its own process group,
// with their output kept to explain a failure.
import { spawn, type ChildProcess } from "node:child_process";
import path from "node:path";
import { preparedWorkerNodeArgs } from "../../scripts/build-worker.mjs";

const root = path.resolve(import.meta.dirname, "../..");

type Exit = { code: number | null; signal: NodeJS.Signals | null };
export type WorkerProcess = { name: string; child: ChildProcess; output: () => string; exited: Promise<Exit> };

export function spawnWorker(name: string, env: Record<string, string>): WorkerProcess {
  // The built worker, as `npm run worker` runs it: one process, so signals reach the worker itself.
  const child = spawn(process.execPath, preparedWorkerNodeArgs(), {
    cwd: root,
    env: { ...process.env, ...env },
    stdio: ["ignore", "pipe", "pipe"],
    detached: true,
  });
  let output = "";
  child.stdout!.on("data", (chunk: Buffer) => (output += chunk.toString("utf8")));
  child.stderr!.on("data", (chunk: Buffer) => (output += chunk.toString("utf8")));
  const exited = new Promise<Exit>((resolve) => child.once("exit", (code, signal) => resolve({ code, signal })));
  return { name, child, output: () => output, exited };
}

export function isRunning(worker: WorkerProcess): boolean {
  return worker.child.exitCode === null && worker.child.signalCode === null;
}

export function killGroup(worker: WorkerProcess, signal: NodeJS.Signals): void {
  try {
    process.kill(-worker.child.pid!, signal);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ESRCH") throw error;
  }
}

export async function withinMs<T>(promise: Promise<T>, ms: number, label: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`${label}: not within ${ms} ms`)), ms)));
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

// Kills whatever is still running and waits for the exits.
export async function killAll(workers: WorkerProcess[]): Promise<void> {
  for (const worker of workers) if (isRunning(worker)) killGroup(worker, "SIGKILL");
  await Promise.all(workers.map((worker) => withinMs(worker.exited, 5000, "worker exit").catch(() => undefined)));
}

// What each worker printed last, and whether it still runs: the text that explains a failure.
export function describeWorkers(workers: WorkerProcess[]): string {
  return workers
    .map((worker) => `--- ${worker.name} (pid ${worker.child.pid}, ${isRunning(worker) ? "running" : `exited ${worker.child.exitCode ?? worker.child.signalCode}`}) ---\n${worker.output().slice(-4000)}`)
    .join("\n");
}

// Adds what the workers printed to a failure that may come from them.
export async function explainedBy<T>(workers: WorkerProcess[], work: Promise<T>): Promise<T> {
  try {
    return await work;
  } catch (error) {
    throw new Error(`${(error as Error).message}\n${describeWorkers(workers)}`, { cause: error });
  }
}
