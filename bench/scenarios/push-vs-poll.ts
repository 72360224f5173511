// Push against poll: the console (`npm start` on a production build, dispatcher in-process, SQLite)
// while the simulator changes 200 devices' statuses for 30 s, twice with the same seeded schedule.
// Run 1: a vendor polls GET /api/v1/status-changes every 20 ms. Run 2: the webhook pushes to a
// vendor's receiver instead. Run 0, for reference: neither, the console only sees the commits. Side by
// side: vendor requests reaching the console, the console's CPU seconds over the same window, and
// the vendor's delay from each change's timestamp to seeing it.
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { createServer, type AddressInfo } from "node:net";
import path from "node:path";
import Database from "better-sqlite3";
import { buildIfNeeded } from "@/scripts/lib/build";
import type { PollReport } from "../agents/poll-vendor";
import type { PollSetupPlan } from "../agents/poll-setup";
import { sqliteDatabase } from "../lib/databases";
import { appEnvironment, processTreeUsage, root, runScript, spawnScript, type BenchProcess } from "../lib/processes";
import { startReceiverProcess, type ReceiverProcess } from "../lib/receiver";
import { defineScenario, type Measure } from "../lib/scenario";
import { percentile, round } from "../lib/stats";

// drainMs: how long both runs keep watching after the last change. The endpoint lists a change once
// it is EVENT_SETTLE_MS (lib/device-events.ts, 6 s) old, so the full run waits that long and a bit,
// and its poller sees every change; the smoke run sees only its first changes through the poll.
const SIZES = {
  full: { devices: 200, ratePerSecond: 20, durationSeconds: 30, drainMs: 6_000 + 1_500 },
  smoke: { devices: 20, ratePerSecond: 4, durationSeconds: 5, drainMs: 2_000 },
};
const SEED = 7;
const POLL_INTERVAL_MS = 20;
// The poller makes ~3,000 requests a minute; the default budget (600 a minute per token) would refuse most.
const RATE_LIMIT_PER_MINUTE = 100_000;
const ACCOUNT = "Push vs poll";

type Mode = "none" | "poll" | "push";
const MODES: readonly Mode[] = ["none", "poll", "push"];
const LABELS: Record<Mode, string> = { none: "no vendor", poll: `poll every ${POLL_INTERVAL_MS} ms`, push: "webhook push" };
type Change = { deviceId: string; status: string; timestamp: number };
type Size = (typeof SIZES)["full"];
type RunResult = { mode: Mode; simulator: string; windowSeconds: number; drainMs: number; consoleCpuSeconds: number; vendorRequests: number; requestNote: string; changes: number; delaysMs: number[] };

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const changeKey = (deviceId: string, status: string, timestamp: number) => `${deviceId}|${status}|${timestamp}`;

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

type Console = { url: string; pid: number; stop(): Promise<void> };

// The console as scripts/start.ts runs it, on a loopback port; ready once /api/health answers.
async function startConsole(env: Record<string, string>): Promise<Console> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const child = spawn(process.execPath, [path.join(root, "node_modules/next/dist/bin/next"), "start", "-p", String(port), "-H", "127.0.0.1"], {
    cwd: root,
    env: { ...process.env, ...env, NEXT_TELEMETRY_DISABLED: "1", NEXTAUTH_URL: url },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  for (const stream of [child.stdout, child.stderr]) stream.on("data", (chunk: Buffer) => (output = (output + chunk.toString("utf8")).slice(-10_000)));
  const exited = new Promise((resolve) => child.once("exit", resolve));
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill("SIGTERM");
    await Promise.race([exited, sleep(5_000)]);
    if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
  };
  for (const deadline = Date.now() + 60_000; ; await sleep(100)) {
    if (child.exitCode !== null || Date.now() > deadline) {
      await stop();
      throw new Error(`the console did not start:\n${output}`);
    }
    if ((await fetch(`${url}/api/health`).then((response) => response.ok, () => false))) break;
  }
  return { url, pid: child.pid!, stop };
}

// The polling vendor (bench/agents/poll-vendor.ts), caught up with what is there before the run.
type Poller = { process: BenchProcess; count(): void; stop(): Promise<PollReport> };

async function startPoller(consoleUrl: string, token: string): Promise<Poller> {
  const poller = spawnScript("poller", "bench/agents/poll-vendor.ts", [], { POLL_BASE_URL: consoleUrl, POLL_TOKEN: token, POLL_INTERVAL_MS: String(POLL_INTERVAL_MS) }, { ipc: true });
  const reply = (type: string) =>
    new Promise<{ report?: PollReport }>((resolve, reject) => {
      poller.child.on("message", (message: { type: string; report?: PollReport }) => message.type === type && resolve(message));
      void poller.exited.then(() => reject(new Error(`the poller exited before "${type}":\n${poller.output()}`)));
    });
  await reply("ready");
  return {
    process: poller,
    count: () => poller.child.send({ type: "count" }),
    async stop() {
      const report = reply("report");
      poller.child.send({ type: "stop" });
      return (await report).report!;
    },
  };
}

// What the simulator wrote in this run (the ground truth the vendor's view is matched against).
function simulatedChanges(databaseUrl: string): Change[] {
  const sqlite = new Database(databaseUrl.slice("file:".length), { readonly: true });
  try {
    const rows = sqlite.prepare("SELECT device_id AS deviceId, status, occurred_at AS occurredAt FROM device_events WHERE actor = 'simulator'").all() as { deviceId: string; status: string; occurredAt: string }[];
    return rows.map((row) => ({ deviceId: row.deviceId, status: row.status, timestamp: new Date(row.occurredAt).getTime() }));
  } finally {
    sqlite.close();
  }
}

// When the vendor first saw each change: polled pages or callback bodies.
async function vendorSightings(poller: Poller | null, receiver: ReceiverProcess | null) {
  const seen = new Map<string, number>();
  const see = (key: string, at: number) => seen.set(key, Math.min(at, seen.get(key) ?? Infinity));
  if (poller) {
    const report = await poller.stop();
    for (const change of report.seen) see(changeKey(change.device_id, change.status, change.timestamp), change.seenAt);
    const statuses = Object.entries(report.byStatus).map(([status, count]) => `${count}× ${status}`).join(", ");
    return { seen, vendorRequests: report.requests, requestNote: `polls every ${POLL_INTERVAL_MS} ms with If-None-Match (${statuses})` };
  }
  if (!receiver) return { seen, vendorRequests: 0, requestNote: "none: no vendor polls, no webhook is configured" };
  const arrivals = await receiver.records();
  for (const arrival of arrivals) {
    for (const item of JSON.parse(arrival.body!) as { device_id: string; status: string; timestamp: number }[]) see(changeKey(item.device_id, item.status, item.timestamp), arrival.arrivedAt);
  }
  return { seen, vendorRequests: 0, requestNote: `none: the console made ${arrivals.length} callbacks to the vendor instead` };
}

// What the simulator's summary says it did: same seed, but slots it could not keep up with are missed.
function simulatorSummary(output: string): string {
  const number = (pattern: RegExp) => Number(pattern.exec(output)?.[1] ?? 0);
  return `the simulator made ${number(/Changes:\s+(\d+)/)} changes (${number(/(\d+) changes missed/)} slots missed, ${number(/Errors:\s+(\d+)/)} failed)`;
}

// The simulator prints its webhook line just before its first change.
async function simulatorStarting(simulator: BenchProcess): Promise<void> {
  while (!simulator.output().includes("Webhook:")) {
    if (simulator.child.exitCode !== null) throw new Error(`the simulator exited early:\n${simulator.output()}`);
    await sleep(10);
  }
}

async function runOnce(mode: Mode, size: Size, workDir: string, log: (message: string) => void): Promise<RunResult> {
  const database = sqliteDatabase(workDir, `push-vs-poll-${mode}`);
  const env = appEnvironment(workDir, database.url, { API_RATE_LIMIT_PER_MINUTE: String(RATE_LIMIT_PER_MINUTE) });
  const tokenFile = path.join(workDir, `${mode}.token`);
  const cleanup: (() => Promise<unknown>)[] = [];
  try {
    const receiver = mode === "push" ? await startReceiverProcess({ keepBodies: true }) : null;
    if (receiver) cleanup.push(() => receiver.close());
    const plan: PollSetupPlan = { accountName: ACCOUNT, devices: size.devices, callbackUrl: receiver?.urls[0] ?? null, tokenFile };
    // The console starts while the setup writes (nothing it writes queues a notification).
    const [setup, started] = await Promise.allSettled([runScript("push-vs-poll setup", "bench/agents/poll-setup.ts", [JSON.stringify(plan)], env), startConsole(env)]);
    if (started.status === "fulfilled") cleanup.push(started.value.stop);
    if (setup.status === "rejected") throw setup.reason;
    if (started.status === "rejected") throw started.reason;
    const consoleServer = started.value;

    // The poller catches up while the simulator starts: its changes are listed only once settled.
    const args = ["--account", ACCOUNT, "--devices", String(size.devices), "--rate", String(size.ratePerSecond), "--duration", String(size.durationSeconds), "--seed", String(SEED)];
    const simulator = spawnScript("simulator", "scripts/simulate.ts", args, env);
    cleanup.push(() => simulator.stop("SIGKILL"));
    const poller = mode === "poll" ? await startPoller(consoleServer.url, readFileSync(tokenFile, "utf8")) : null;
    if (poller) cleanup.push(() => poller.process.stop("SIGKILL"));
    await simulatorStarting(simulator);
    log(`${mode}: ${size.devices} devices, ${size.ratePerSecond} changes/s for ${size.durationSeconds} s`);
    poller?.count();
    const before = processTreeUsage(consoleServer.pid);
    const windowStart = performance.now();
    const { code } = await simulator.exited;
    // 1: some changes failed (the database busy past their timeout); they were not written, so not counted.
    if (code !== 0 && code !== 1) throw new Error(`the simulator exited with ${code}:\n${simulator.output()}`);
    await sleep(size.drainMs);
    const consoleCpuSeconds = processTreeUsage(consoleServer.pid).cpuSeconds - before.cpuSeconds;
    const windowSeconds = (performance.now() - windowStart) / 1000;

    const { seen, vendorRequests, requestNote } = await vendorSightings(poller, receiver);
    const changes = simulatedChanges(database.url);
    const delaysMs = changes.flatMap((change) => {
      const at = seen.get(changeKey(change.deviceId, change.status, change.timestamp));
      return at === undefined ? [] : [at - change.timestamp];
    });
    return { mode, simulator: simulatorSummary(simulator.output()), windowSeconds, drainMs: size.drainMs, consoleCpuSeconds, vendorRequests, requestNote, changes: changes.length, delaysMs };
  } finally {
    for (const stop of cleanup.reverse()) await stop();
  }
}

function measuresOf(run: RunResult, overlapped: boolean): Measure[] {
  const label = LABELS[run.mode];
  const window = `over ${round(run.windowSeconds, 1)} s (the simulator's run and ${run.drainMs / 1000} s after)${overlapped ? "; smoke: both runs at once, so CPU is not comparable" : ""}`;
  const seenNote = `${run.delaysMs.length} of ${run.changes} changes seen`;
  const delayNote = run.mode === "poll" ? `${seenNote}; includes the endpoint's 6 s settle window (a change is listed once it is 6 s old)` : `${seenNote}; callback arrival − timestamp`;
  const cpu: Measure = { name: `${label}: console CPU`, value: round(run.consoleCpuSeconds, 2), unit: "s", note: `npm start process tree (dispatcher in-process), ${window}; ${run.simulator}` };
  if (run.mode === "none") return [{ ...cpu, note: `${cpu.note}; the reference: the console's share of the simulator's commits alone` }];
  return [
    { name: `${label}: vendor requests reaching the console`, value: run.vendorRequests, unit: "requests", note: `${run.requestNote}, ${window}` },
    cpu,
    ...[50, 95, 99].map((p) => ({ name: `${label}: vendor delay p${p}`, value: round(percentile(run.delaysMs, p)), unit: "ms", note: delayNote })),
  ];
}

export default defineScenario({
  id: "push-vs-poll",
  title: "Push against poll: 200 devices for 30 s, a vendor polling every 20 ms against webhooks",
  async run({ smoke, workDir, log }) {
    const size = smoke ? SIZES.smoke : SIZES.full;
    buildIfNeeded();
    // Smoke overlaps the vendor runs and leaves out the reference (its paths are the push run's
    // without a receiver) to stay short; each cleans up before a failure is thrown. The full run
    // keeps the runs apart so CPU compares.
    const runs: RunResult[] = [];
    if (smoke) {
      for (const run of await Promise.allSettled(MODES.filter((mode) => mode !== "none").map((mode) => runOnce(mode, size, workDir, log)))) {
        if (run.status === "rejected") throw run.reason;
        runs.push(run.value);
      }
    } else {
      for (const mode of MODES) runs.push(await runOnce(mode, size, workDir, log));
    }
    return runs.flatMap((run) => measuresOf(run, smoke));
  },
});
