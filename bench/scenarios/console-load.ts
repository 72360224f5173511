// Issue #8 item 5: the console under 200 concurrent users while deliveries run. `npm start` (production
// build, SQLite) serves signed-in console users and API clients driven by autocannon
// (bench/agents/console-load-cannon.ts): the dashboard, Event Log > Webhook with filters, a push's
// page, and API GETs with a token, first at 20 connections, then at 200. Meanwhile the latency writer
// changes device statuses at 1,000/s asked and a worker process (`npm run worker`) delivers them to a
// loopback receiver. Reported per level and target: responses, failed requests (non-2xx, errors,
// timeouts; target 0) and p95 with p50/p99; and what was delivered meanwhile.
import { readFileSync } from "node:fs";
import { availableParallelism, loadavg } from "node:os";
import { createServer, type AddressInfo } from "node:net";
import path from "node:path";
import pLimit from "p-limit";
import { request } from "undici";
import { buildIfNeeded } from "@/scripts/lib/build";
import { firstVisits, runLoad, type LoadTarget, type TargetResult } from "../agents/console-load-cannon";
import type { ConsoleLoadSeedPlan, SeededConsoleAccount } from "../agents/console-load-seed";
import { signInForCookie } from "../agents/console-load-session";
import { notificationsIn, startChangeWriter, type ChangeWriter } from "../agents/latency-writer-handle";
import { queryCounts } from "../lib/database-counts";
import { sqliteDatabase } from "../lib/databases";
import { appEnvironment, runScript, sampleUsage, spawnScript, startWorker, type BenchProcess } from "../lib/processes";
import { startReceiverProcess, type Arrival, type ReceiverProcess } from "../lib/receiver";
import { defineScenario, type Measure } from "../lib/scenario";
import { percentile, round } from "../lib/stats";

type Connections = { dashboard: number; eventLog: number; pushPage: number; api: number };
// One load level: this many connections per target, for this long, one after the other.
type Phase = { connections: Connections; seconds: number };
type Size = { accounts: number; usersPerAccount: number; devicesPerAccount: number; ratePerSecond: number; warmupMs: number; phases: Phase[] };

const perTarget = (count: number): Connections => ({ dashboard: count, eventLog: count, pushPage: count, api: count });
// Full: 10 accounts × 20 users = 200 signed-in users. First 20 connections, a load one web process
// serves, then the issue's 200 (one per user).
const FULL: Size = {
  accounts: 10,
  usersPerAccount: 20,
  devicesPerAccount: 50,
  ratePerSecond: 1000,
  warmupMs: 10_000,
  phases: [
    { connections: perTarget(5), seconds: 20 },
    { connections: perTarget(50), seconds: 30 },
  ],
};
const SMOKE: Size = { accounts: 2, usersPerAccount: 4, devicesPerAccount: 10, ratePerSecond: 50, warmupMs: 3_000, phases: [{ connections: perTarget(1), seconds: 2 }, { connections: perTarget(2), seconds: 3 }] };
// Every API GET of the load counts against its token's per-minute budget; the default would answer 429 within seconds.
const API_RATE_LIMIT_PER_MINUTE = 1_000_000;
const SIGN_INS_AT_ONCE = 8;
const PUSH_IDS_PER_ACCOUNT = 20;
const DEVICE_IDS_PER_ACCOUNT = 10;
const READY_TIMEOUT_MS = 60_000;

// The accounts the latency writer (bench/agents/latency-writer.ts) creates for its callback URLs, in
// order: the seed creates them first, with the console users, and the writer adds its devices to them.
const writerAccountName = (index: number) => `Latency bench ${String(index + 1).padStart(2, "0")}`;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)));

async function freePort(): Promise<number> {
  const server = createServer().listen(0, "127.0.0.1");
  await new Promise((resolve) => server.once("listening", resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

// `npm start` on a loopback port, as an operator runs it; ready once /api/health answers.
async function startConsole(env: Record<string, string>): Promise<{ url: string; process: BenchProcess }> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const proc = spawnScript("console", "scripts/start.ts", [], { ...env, PORT: String(port), HOST: "127.0.0.1", NEXTAUTH_URL: url });
  for (const deadline = Date.now() + READY_TIMEOUT_MS; ; await sleep(100)) {
    if (proc.child.exitCode !== null || Date.now() > deadline) {
      await proc.stop();
      throw new Error(`the console did not start:\n${proc.output()}`);
    }
    if (await fetch(`${url}/api/health`).then((response) => response.ok, () => false)) return { url, process: proc };
  }
}

async function apiGet<T>(consoleUrl: string, token: string, pathAndQuery: string): Promise<T> {
  const response = await request(`${consoleUrl}${pathAndQuery}`, { headers: { authorization: `Bearer ${token}` } });
  if (response.statusCode !== 200) throw new Error(`GET ${pathAndQuery} answered ${response.statusCode}: ${await response.body.text()}`);
  return (await response.body.json()) as T;
}

// What a user of an account opens: its pushes and devices, found through the API as a script would.
type AccountPages = { apiToken: string; pushIds: string[]; deviceIds: string[] };

async function accountPages(consoleUrl: string, account: SeededConsoleAccount): Promise<AccountPages> {
  for (const deadline = Date.now() + READY_TIMEOUT_MS; ; await sleep(200)) {
    const pushes = await apiGet<{ data: { push_id: string }[] }>(consoleUrl, account.apiToken, `/api/v1/logs/webhook?limit=${PUSH_IDS_PER_ACCOUNT}`);
    if (pushes.data.length > 0) {
      const devices = await apiGet<{ data: { device_id: string }[] }>(consoleUrl, account.apiToken, `/api/v1/devices?limit=${DEVICE_IDS_PER_ACCOUNT}`);
      return { apiToken: account.apiToken, pushIds: pushes.data.map((push) => push.push_id), deviceIds: devices.data.map((device) => device.device_id) };
    }
    if (Date.now() > deadline) throw new Error(`no push of ${account.name} was logged within ${READY_TIMEOUT_MS / 1000} s`);
  }
}

type Session = { cookie: string; account: AccountPages };

// A counter per target: each request takes the next session and the next of the target's pages.
function rotating<T>(items: T[]): () => T {
  let index = 0;
  return () => items[index++ % items.length]!;
}

function loadTargets(connections: Connections, sessions: Session[], accounts: AccountPages[]): LoadTarget[] {
  const hourAgo = new Date(Date.now() - 60 * 60 * 1000).toISOString().slice(0, 16);
  const eventLogQueries = (account: AccountPages, index: number) => {
    const device = account.deviceIds[index % account.deviceIds.length]!;
    return ["", "?result=succeeded", "?status=2xx", `?device=${encodeURIComponent(device)}`, `?from=${hourAgo}`, `?result=succeeded&device=${encodeURIComponent(device)}`];
  };
  const page = (next: () => Session, pathOf: (session: Session, turn: number) => string) => {
    let turn = 0;
    return () => {
      const session = next();
      return { path: pathOf(session, turn++), headers: { cookie: session.cookie } };
    };
  };
  const pick = <T>(list: T[], turn: number) => list[turn % list.length]!;
  const apiPaths = (account: AccountPages) => ["/api/v1/logs/webhook?limit=50", "/api/v1/logs/webhook?result=succeeded", `/api/v1/logs/webhook?device_id=${encodeURIComponent(account.deviceIds[0]!)}`, "/api/v1/devices?limit=50", "/api/v1/logs/devices"];
  const nextAccount = rotating(accounts);
  let apiTurn = 0;
  return [
    { name: "Dashboard", connections: connections.dashboard, next: page(rotating(sessions), () => "/dashboard"), expectText: "Pushes per hour" },
    {
      name: "Event Log › Webhook (filters)",
      connections: connections.eventLog,
      next: page(rotating(sessions), (session, turn) => `/event-log/webhook${pick(eventLogQueries(session.account, turn), turn)}`),
      expectText: "Pushes to your callback URL",
    },
    { name: "Push detail page", connections: connections.pushPage, next: page(rotating(sessions), (session, turn) => `/event-log/webhook/${pick(session.account.pushIds, turn)}`), expectText: "Request body" },
    {
      name: "API GETs (token)",
      connections: connections.api,
      next: () => {
        const account = nextAccount();
        return { path: pick(apiPaths(account), apiTurn++), headers: { authorization: `Bearer ${account.apiToken}` } };
      },
      expectText: '"next_cursor":',
    },
  ];
}

function targetMeasures(label: string, result: TargetResult, seconds: number): Measure[] {
  const statuses = Object.entries(result.statusCodes).map(([code, count]) => `${count}× ${code}`).join(", ");
  const timedOut = result.timeouts ? `, and ${result.timeouts} timeouts counted as 10,000 ms (so a lower bound)` : "";
  return [
    { name: `${label} ${result.name}: responses`, value: result.responses, unit: "responses", note: `${result.connections} connections for ${seconds} s: ${result.responsesPerSecond}/s (${statuses || "none"})` },
    {
      name: `${label} ${result.name}: non-2xx, errors, timeouts`,
      value: result.non2xx + result.errors + result.mismatches,
      unit: "requests",
      target: { op: "<=", value: 0 },
      note: `${result.non2xx} non-2xx; ${result.errors} connection errors and timeouts (${result.timeouts} timeouts at 10 s); ${result.mismatches} 2xx bodies without the page's content`,
    },
    {
      name: `${label} ${result.name}: p95`,
      value: result.p95Ms,
      unit: "ms",
      note: `p50 ${result.p50Ms} ms, p99 ${result.p99Ms} ms, max ${result.maxMs} ms; request written to response complete, ${result.responses} responses${timedOut}`,
    },
  ];
}

// Notifications that reached the receiver during the load, and each one's delay from its change's timestamp.
function deliveryDuring(arrivals: Arrival[]): { notifications: number; delaysMs: number[] } {
  const delaysMs = arrivals.flatMap((arrival) => notificationsIn(arrival).map((notification) => arrival.arrivedAt - notification.timestamp));
  return { notifications: delaysMs.length, delaysMs };
}

type PhaseContext = {
  consoleServer: { url: string; process: BenchProcess };
  receiver: ReceiverProcess;
  sessions: Session[];
  pages: AccountPages[];
  users: number;
  accounts: number;
  log(message: string): void;
};

// One load level: the targets at once, and what the console used and the worker delivered meanwhile.
async function runPhase(phase: Phase, { consoleServer, receiver, sessions, pages, users, accounts, log }: PhaseContext): Promise<Measure[]> {
  const connections = Object.values(phase.connections).reduce((sum, count) => sum + count, 0);
  const label = `${connections} connections ·`;
  log(`load: ${connections} connections for ${phase.seconds} s`);
  await receiver.records({ clear: true });
  const usage = sampleUsage(consoleServer.process.pid);
  const started = performance.now();
  const { results, mismatchSamples } = await runLoad(consoleServer.url, loadTargets(phase.connections, sessions, pages), phase.seconds);
  const seconds = (performance.now() - started) / 1000;
  const consoleUsage = usage.stop();
  const delivery = deliveryDuring(await receiver.records({ clear: true }));
  for (const sample of mismatchSamples) log(`wrong body: ${sample}`);
  const pageTimes = results.filter((result) => !result.name.startsWith("API")).flatMap((result) => result.samplesMs);
  return [
    ...results.flatMap((result) => targetMeasures(label, result, phase.seconds)),
    {
      name: `${label} console pages: p95`,
      value: round(percentile(pageTimes, 95)),
      unit: "ms",
      note: `dashboard, event log and push pages together: p50 ${round(percentile(pageTimes, 50))} ms, p99 ${round(percentile(pageTimes, 99))} ms; ${pageTimes.length} pages; each request carries the next of ${users} signed-in users' sessions`,
    },
    {
      name: `${label} notifications delivered`,
      value: round(delivery.notifications / seconds, 0),
      unit: "notifications/s",
      note: `${delivery.notifications} notifications arrived at the receiver in ${round(seconds, 1)} s (1 worker process, ${accounts} accounts); change timestamp → arrival p50 ${round(percentile(delivery.delaysMs, 50))} ms, p99 ${round(percentile(delivery.delaysMs, 99))} ms`,
    },
    { name: `${label} delivery delay p95`, value: round(percentile(delivery.delaysMs, 95)), unit: "ms", note: "from each change's timestamp to its arrival at the receiver" },
    {
      name: `${label} console CPU`,
      value: round(consoleUsage.cpuSeconds, 1),
      unit: "s",
      note: `npm start process tree over ${round(seconds, 1)} s, peak RSS ${round(consoleUsage.peakRssBytes / 2 ** 20, 0)} MB; the machine's ${availableParallelism()} cores also run the load generator, writer, worker and receiver (load average ${loadavg()[0]!.toFixed(1)} at the end)`,
    },
  ];
}

export default defineScenario({
  id: "console-load",
  title: "Console load: 20, then 200 connections of signed-in users and API clients while 1,000 changes/s are asked and delivered",
  async run({ smoke, workDir, log }) {
    const size = smoke ? SMOKE : FULL;
    buildIfNeeded();
    const database = sqliteDatabase(workDir, "console-load");
    // The console only serves; the worker process delivers, as on a site that runs `npm run worker`.
    const env = appEnvironment(workDir, database.url, { API_RATE_LIMIT_PER_MINUTE: String(API_RATE_LIMIT_PER_MINUTE) });
    const cleanup: (() => Promise<unknown>)[] = [];
    try {
      const receiver = await startReceiverProcess({ origins: size.accounts, keepBodies: true });
      cleanup.push(() => receiver.close());
      const seedFile = path.join(workDir, "console-users.json");
      const plan: ConsoleLoadSeedPlan = { accountNames: Array.from({ length: size.accounts }, (_, index) => writerAccountName(index)), usersPerAccount: size.usersPerAccount, out: seedFile };
      log(`seeding ${size.accounts} accounts × ${size.usersPerAccount} users; starting the console and a worker`);
      const [seeded, started, worker] = await Promise.allSettled([
        runScript("console-load seed", "bench/agents/console-load-seed.ts", [JSON.stringify(plan)], env),
        startConsole({ ...env, DISPATCHER_IN_PROCESS: "false" }),
        startWorker("worker", env),
      ]);
      if (started.status === "fulfilled") cleanup.push(() => started.value.process.stop());
      if (worker.status === "fulfilled") cleanup.push(() => worker.value.stop());
      for (const step of [seeded, started, worker]) if (step.status === "rejected") throw step.reason;
      const consoleServer = (started as PromiseFulfilledResult<Awaited<ReturnType<typeof startConsole>>>).value;
      const accounts = JSON.parse(readFileSync(seedFile, "utf8")) as SeededConsoleAccount[];

      const signInLimit = pLimit(SIGN_INS_AT_ONCE);
      const signedIn = await Promise.all(accounts.flatMap((account, index) => account.users.map((user) => signInLimit(async () => ({ index, cookie: await signInForCookie(consoleServer.url, user) })))));
      log(`${signedIn.length} users signed in; the writer starts at ${size.ratePerSecond} changes/s asked`);

      const writer: ChangeWriter = startChangeWriter(
        "console-load writer",
        { callbackUrls: receiver.urls, devicesPerAccount: size.devicesPerAccount, ratePerSecond: size.ratePerSecond, warmupMs: size.warmupMs, durationMs: size.phases.reduce((sum, phase) => sum + phase.seconds * 1000, 0), deliver: false },
        env,
        workDir,
      );
      cleanup.push(() => writer.stop());
      // The writer's set-up ends with its last device; its warm-up changes start right after.
      const devices = size.accounts * size.devicesPerAccount;
      for (const deadline = Date.now() + READY_TIMEOUT_MS; (await queryCounts(database.url, { devices: "SELECT COUNT(*) FROM devices" })).devices! < devices; await sleep(50)) {
        if (Date.now() > deadline || writer.process.child.exitCode !== null) throw new Error(`the writer did not set up its ${devices} devices:\n${writer.process.output()}`);
      }
      const warmupEnds = Date.now() + size.warmupMs;
      const pages = await Promise.all(accounts.map((account) => accountPages(consoleServer.url, account)));
      const sessions = signedIn.map(({ index, cookie }) => ({ cookie, account: pages[index]! }));
      await firstVisits(consoleServer.url, loadTargets(perTarget(1), sessions, pages));
      if (Date.now() > warmupEnds) log(`the load starts ${Date.now() - warmupEnds} ms into the writer's measured window`);
      await sleep(warmupEnds - Date.now());

      const measures: Measure[] = [];
      for (const phase of size.phases) measures.push(...(await runPhase(phase, { consoleServer, receiver, sessions, pages, users: signedIn.length, accounts: size.accounts, log })));
      const run = await writer.ran;
      measures.push({
        name: "Writer: achieved change rate",
        value: round(run.measuredChanges / run.measuredSeconds, 0),
        unit: "changes/s",
        note: `asked ${size.ratePerSecond}/s over both load phases (${round(run.measuredSeconds, 1)} s); ${run.slotsMissed} slots missed; ${run.errors} failed changes${run.firstError ? ` (${run.firstError})` : ""}`,
      });
      return measures;
    } finally {
      for (const stop of cleanup.reverse()) await stop();
      await database.drop();
    }
  },
});
