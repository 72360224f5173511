// Child processes of a benchmark (workers, agents that write through the app's services, the
// console) and what they cost: CPU seconds and resident memory, read from /proc for a whole
// process tree, so a process that forks helpers is charged for them too.
import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { preparedWorkerNodeArgs } from "../../scripts/build-worker.mjs";

export const root = path.resolve(import.meta.dirname, "../..");

type Exit = { code: number | null; signal: NodeJS.Signals | null };
export type BenchProcess = { name: string; child: ChildProcess; pid: number; output: () => string; exited: Promise<Exit>; stop(signal?: NodeJS.Signals): Promise<Exit> };

// The environment every app process of one scenario shares: one encryption key (a secret written
// by one process must be readable by the others), loopback receivers allowed, quiet logs.
export function appEnvironment(workDir: string, databaseUrl: string, extra: Record<string, string> = {}): Record<string, string> {
  return {
    NODE_ENV: "production",
    DATA_DIR: workDir,
    DATABASE_URL: databaseUrl,
    ENCRYPTION_KEY: sharedKey(workDir),
    AUTH_SECRET: sharedKey(workDir) + sharedKey(workDir),
    LOG_LEVEL: "warn",
    SEED_DEMO: "false",
    WEBHOOK_ALLOW_HTTP: "true",
    WEBHOOK_ALLOW_PRIVATE_NETWORKS: "true",
    ...extra,
  };
}

const keys = new Map<string, string>();
function sharedKey(workDir: string): string {
  if (!keys.has(workDir)) keys.set(workDir, randomBytes(32).toString("base64url"));
  return keys.get(workDir)!;
}

// BENCH_CPU_PROF=<dir>: every process of the run writes a V8 CPU profile there (open it in Chrome DevTools).
const profiling = process.env.BENCH_CPU_PROF ? ["--cpu-prof", `--cpu-prof-dir=${path.resolve(process.env.BENCH_CPU_PROF)}`] : [];

// Runs a TypeScript entry point of this repository as the npm scripts do (tsx, react-server).
export function spawnScript(name: string, script: string, args: string[], env: Record<string, string>, options: { ipc?: boolean } = {}): BenchProcess {
  return spawnNode(name, ["--import", "tsx", "--conditions=react-server", path.join(root, script), ...args], env, options);
}

function spawnNode(name: string, nodeArgs: string[], env: Record<string, string>, options: { ipc?: boolean } = {}): BenchProcess {
  const child = spawn(process.execPath, [...profiling, ...nodeArgs], {
    cwd: root,
    env: { ...process.env, ...env },
    stdio: options.ipc ? ["ignore", "pipe", "pipe", "ipc"] : ["ignore", "pipe", "pipe"],
  });
  let output = "";
  const keep = (chunk: Buffer) => {
    output = (output + chunk.toString("utf8")).slice(-20_000);
  };
  child.stdout!.on("data", keep);
  child.stderr!.on("data", keep);
  const exited = new Promise<Exit>((resolve) => child.once("exit", (code, signal) => resolve({ code, signal })));
  return {
    name,
    child,
    pid: child.pid!,
    output: () => output,
    exited,
    async stop(signal = "SIGTERM") {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      return exited;
    },
  };
}

// A webhook worker started as `npm run worker` starts it. `ready` waits for its "running" line.
export async function startWorker(name: string, env: Record<string, string>, options: { ready?: boolean } = { ready: true }): Promise<BenchProcess> {
  const worker = spawnNode(name, preparedWorkerNodeArgs(), { ...env, LOG_LEVEL: options.ready ? "info" : (env.LOG_LEVEL ?? "warn") });
  const deadline = Date.now() + 60_000;
  while (options.ready && !worker.output().includes("webhook worker running")) {
    if (worker.child.exitCode !== null || Date.now() > deadline) throw new Error(`${name} did not start:\n${worker.output()}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return worker;
}

// Runs a script to completion; a failure carries the script's output.
export async function runScript(name: string, script: string, args: string[], env: Record<string, string>): Promise<string> {
  const proc = spawnScript(name, script, args, env);
  const { code, signal } = await proc.exited;
  if (code !== 0) throw new Error(`${name} exited with ${code ?? signal}:\n${proc.output()}`);
  return proc.output();
}

const CLOCK_TICKS_PER_SECOND = 100; // USER_HZ on Linux
const PAGE_SIZE = 4096;

type ProcStat = { pid: number; ppid: number; cpuTicks: number; rssPages: number };

function readStat(pid: number): ProcStat | null {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, "utf8");
    // The command name may hold spaces and parentheses: fields start after the last ")".
    const fields = text.slice(text.lastIndexOf(")") + 2).split(" ");
    return { pid, ppid: Number(fields[1]), cpuTicks: Number(fields[11]) + Number(fields[12]), rssPages: Number(fields[21]) };
  } catch {
    return null;
  }
}

function processTree(pid: number): ProcStat[] {
  const all = readdirSync("/proc").filter((name) => /^\d+$/.test(name)).map((name) => readStat(Number(name))).filter((stat): stat is ProcStat => stat !== null);
  const tree: ProcStat[] = [];
  const wanted = new Set([pid]);
  for (let grew = true; grew; ) {
    grew = false;
    for (const stat of all) {
      if (!tree.includes(stat) && (wanted.has(stat.pid) || wanted.has(stat.ppid))) {
        tree.push(stat);
        wanted.add(stat.pid);
        grew = true;
      }
    }
  }
  return tree;
}

export type Usage = { cpuSeconds: number; rssBytes: number };

// CPU seconds used so far and resident memory now, of a process and its descendants.
export function processTreeUsage(pid: number): Usage {
  const tree = processTree(pid);
  return {
    cpuSeconds: tree.reduce((sum, stat) => sum + stat.cpuTicks, 0) / CLOCK_TICKS_PER_SECOND,
    rssBytes: tree.reduce((sum, stat) => sum + stat.rssPages, 0) * PAGE_SIZE,
  };
}

// Samples a process tree's memory every `everyMs` until stopped: the peak, and CPU used meanwhile.
export function sampleUsage(pid: number, everyMs = 250): { stop(): { peakRssBytes: number; cpuSeconds: number } } {
  const start = processTreeUsage(pid);
  let peak = start.rssBytes;
  let last = start;
  const timer = setInterval(() => {
    last = processTreeUsage(pid);
    peak = Math.max(peak, last.rssBytes);
  }, everyMs);
  return {
    stop() {
      clearInterval(timer);
      last = processTreeUsage(pid);
      return { peakRssBytes: Math.max(peak, last.rssBytes), cpuSeconds: last.cpuSeconds - start.cpuSeconds };
    },
  };
}
