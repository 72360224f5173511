// Item 3 of the benchmark: at a steady 1,000 status changes per second, the time from each change to
// its notification's arrival at the vendor's receiver: from the change's `timestamp` (stamped when
// its transaction applies it, before the commit, so an upper bound of commit → arrival; what a vendor
// can compute from the body) to the arrival. Measured on the embedded default
// (SQLite, one process that writes the changes and delivers them, as `npm start` does) and, when a
// PostgreSQL server is given, on PostgreSQL with a separate worker woken by LISTEN/NOTIFY.
import path from "node:path";
import { collectArrivals, notificationsIn, startChangeWriter, type ChangeWriter, type Notification } from "../agents/latency-writer-handle";
import type { RecordedChange, WriterRun } from "../agents/latency-writer";
import { postgresDatabase, sqliteDatabase } from "../lib/databases";
import { appEnvironment, runScript, startWorker, type BenchProcess } from "../lib/processes";
import { startReceiverProcess, type Arrival, type ReceiverProcess } from "../lib/receiver";
import { defineScenario, type Measure, type ScenarioContext } from "../lib/scenario";
import { percentile, round } from "../lib/stats";

// history: the settled webhook history of other accounts written first (bench/agents/event-log-seed.ts),
// so that the run measures a database in service, its statistics gathered, rather than one whose tables
// start empty (on PostgreSQL, plans made for empty tables scan them as they grow, until autovacuum's
// first ANALYZE a minute later).
type Sizes = { accounts: number; devicesPerAccount: number; ratePerSecond: number; warmupMs: number; durationMs: number; history: { accounts: number; attempts: number } };

const FULL: Sizes = { accounts: 10, devicesPerAccount: 50, ratePerSecond: 1000, warmupMs: 2000, durationMs: 20_000, history: { accounts: 20, attempts: 100_000 } };
const SMOKE: Sizes = { accounts: 4, devicesPerAccount: 25, ratePerSecond: 200, warmupMs: 500, durationMs: 2000, history: { accounts: 2, attempts: 2_000 } };
// After the last change: how long its notifications may take to arrive before they count as lost.
const ARRIVAL_TIMEOUT_MS = 30_000;

// The embedded default (one process writes and delivers, as `npm start`), the same database with the
// dispatcher in its own process (`npm run worker`), and PostgreSQL; then the one-process setup again at
// a rate this machine sustains, to show where the targets hold.
type Setup = { name: string; label: string; provider: "sqlite" | "postgres"; separateWorker: boolean; ratePerSecond?: number };
const SETUPS: Setup[] = [
  { name: "sqlite_one", label: "SQLite, one process writing and delivering", provider: "sqlite", separateWorker: false },
  { name: "sqlite_worker", label: "SQLite, writer + 1 worker process", provider: "sqlite", separateWorker: true },
  { name: "postgres_worker", label: "PostgreSQL, writer + 1 worker (LISTEN/NOTIFY)", provider: "postgres", separateWorker: true },
  { name: "sqlite_one_150", label: "SQLite, one process, at 150 changes/s", provider: "sqlite", separateWorker: false, ratePerSecond: 150 },
];

const key = (deviceId: string, timestamp: number) => `${deviceId}|${timestamp}`;

// Arrivals until `expected` notifications have come (a push may carry several).
function notificationCount(expected: number): (arrivals: Arrival[]) => boolean {
  let counted = 0;
  let received = 0;
  return (arrivals) => {
    for (; counted < arrivals.length; counted++) received += notificationsIn(arrivals[counted]!).length;
    return received >= expected;
  };
}

type Push = { arrivedAt: number; notifications: Notification[] };

// At-least-once: a notification that came twice counts from its first arrival.
function firstArrivals(pushes: Push[]): Map<string, number> {
  const first = new Map<string, number>();
  for (const { arrivedAt, notifications } of pushes) {
    for (const { device_id, timestamp } of notifications) {
      const at = first.get(key(device_id, timestamp));
      if (at === undefined || arrivedAt < at) first.set(key(device_id, timestamp), arrivedAt);
    }
  }
  return first;
}

type Moment = (change: RecordedChange) => number | null | undefined;

// Where the time goes, from the event log's times of each change's first push and first attempt,
// and when the change's caller was answered (after its commit was synced).
function stageMeasures(label: string, measured: RecordedChange[], arrivedAt: Moment): Measure[] {
  const changedAt: Moment = (change) => change.timestamp;
  const formedAt: Moment = (change) => change.push?.formedAt;
  const startedAt: Moment = (change) => change.push?.attempts[0]?.startedAt;
  const stages: [string, Moment, Moment][] = [
    ["change → caller answered", changedAt, (change) => change.answeredAt],
    ["change → push formed", changedAt, formedAt],
    ["push formed → first attempt started", formedAt, startedAt],
    ["first attempt started → arrival", startedAt, arrivedAt],
  ];
  return stages.map(([name, from, to]) => {
    const samples = measured.flatMap((change) => {
      const [start, end] = [from(change), to(change)];
      return start == null || end == null ? [] : [end - start];
    });
    return { name: `${label}: p99 ${name}`, value: round(percentile(samples, 99), 0), unit: "ms", note: `p50 ${round(percentile(samples, 50), 0)} ms; from whole-millisecond times` };
  });
}

function latencyMeasures(label: string, sizes: Sizes, run: WriterRun, changes: RecordedChange[], arrivals: Arrival[]): Measure[] {
  const pushes: Push[] = arrivals.map((arrival) => ({ arrivedAt: arrival.arrivedAt, notifications: notificationsIn(arrival) }));
  const firstArrival = firstArrivals(pushes);
  const arrivedAt = (change: RecordedChange) => firstArrival.get(key(change.deviceId, change.timestamp));
  const measured = changes.filter((change) => !change.warmup);
  const latencies = measured.flatMap((change) => {
    const at = arrivedAt(change);
    return at === undefined ? [] : [at - change.timestamp];
  });
  // The pushes that carried the measured changes, for how much the dispatcher batched them.
  const measuredKeys = new Set(measured.map((change) => key(change.deviceId, change.timestamp)));
  const carried = pushes.filter((push) => push.notifications.some(({ device_id, timestamp }) => measuredKeys.has(key(device_id, timestamp)))).map((push) => push.notifications.length);

  const sample = `${latencies.length} notifications of ${sizes.accounts} accounts (${sizes.accounts * sizes.devicesPerAccount} devices) over ${sizes.durationMs / 1000} s, after a ${sizes.warmupMs / 1000} s warm-up at the same rate, in a database holding the settled history of ${sizes.history.accounts} other accounts (${sizes.history.attempts} attempts)`;
  const ms = (p: number) => round(percentile(latencies, p), 1);
  return [
    { name: `${label}: achieved change rate`, value: round(run.measuredChanges / run.measuredSeconds, 0), unit: "changes/s", note: `asked ${sizes.ratePerSecond}/s; ${run.slotsMissed} slots missed; ${run.errors} failed changes${run.firstError ? ` (${run.firstError})` : ""}` },
    { name: `${label}: p50 change → arrival`, value: ms(50), unit: "ms", target: { op: "<=", value: 10 }, note: sample },
    { name: `${label}: p95 change → arrival`, value: ms(95), unit: "ms" },
    { name: `${label}: p99 change → arrival`, value: ms(99), unit: "ms", target: { op: "<=", value: 50 } },
    { name: `${label}: max change → arrival`, value: ms(100), unit: "ms" },
    {
      name: `${label}: notifications per push`,
      value: round(carried.reduce((sum, size) => sum + size, 0) / carried.length, 1),
      unit: "notifications",
      note: `mean over the ${carried.length} pushes that carried them; largest ${Math.max(...carried)}`,
    },
    ...stageMeasures(label, measured, arrivedAt),
    { name: `${label}: notifications lost`, value: measured.length - latencies.length, unit: "notifications", target: { op: "<=", value: 0 }, note: `not arrived ${ARRIVAL_TIMEOUT_MS / 1000} s after the last change` },
  ];
}

async function measureLatency(context: ScenarioContext, receiver: ReceiverProcess, setup: Setup, fullSizes: Sizes): Promise<Measure[]> {
  const sizes = { ...fullSizes, ratePerSecond: setup.ratePerSecond ?? fullSizes.ratePerSecond };
  const database = setup.provider === "sqlite" ? sqliteDatabase(context.workDir, setup.name) : await postgresDatabase(context.postgresServerUrl!, setup.name);
  const env = appEnvironment(context.workDir, database.url);
  let worker: BenchProcess | null = null;
  let writer: ChangeWriter | null = null;
  try {
    const { accounts, attempts } = sizes.history;
    context.log(`${setup.label}: seeding the history of ${accounts} other accounts (${attempts} attempts)`);
    await runScript("history seed", "bench/agents/event-log-seed.ts", [String(accounts), String(attempts), path.join(context.workDir, `${setup.name}-history.json`), "settled"], env);
    if (setup.separateWorker) worker = await startWorker("worker", env);
    await receiver.records({ clear: true });
    const { devicesPerAccount, ratePerSecond, warmupMs, durationMs } = sizes;
    const config = { callbackUrls: receiver.urls, devicesPerAccount, ratePerSecond, warmupMs, durationMs, deliver: worker === null };
    writer = startChangeWriter(`${setup.provider} writer`, config, env, context.workDir);
    const run = await writer.ran;
    context.log(`${setup.label}: ${run.measuredChanges} changes in ${round(run.measuredSeconds, 1)} s after the warm-up`);
    const arrivals = await collectArrivals(receiver, notificationCount(run.notified), ARRIVAL_TIMEOUT_MS);
    const changes = await writer.changes();
    context.log(`${setup.label}: ${changes.length} changes notified, ${arrivals.length} pushes arrived`);
    return latencyMeasures(setup.label, sizes, run, changes, arrivals);
  } finally {
    await writer?.stop();
    await worker?.stop();
    await database.drop();
  }
}

export default defineScenario({
  id: "latency",
  title: "Latency from a status change to the receiver",
  async run(context) {
    const sizes = context.smoke ? SMOKE : FULL;
    // One loopback origin per account, as separate vendors' hosts.
    const receiver = await startReceiverProcess({ origins: sizes.accounts, keepBodies: true });
    try {
      const measures: Measure[] = [];
      for (const setup of SETUPS.filter((setup) => (setup.provider === "sqlite" || context.postgresServerUrl) && !(context.smoke && setup.ratePerSecond))) {
        measures.push(...(await measureLatency(context, receiver, setup, sizes)));
      }
      return measures;
    } finally {
      await receiver.close();
    }
  },
});
