// Items 1 and 2 of the benchmark: the HTTP ceiling of this machine, and the dispatcher draining a
// backlog of notifications into the same receiver on SQLite (one worker) and PostgreSQL (one and
// three workers), with every attempt logged. Measured twice: one notification per push (every
// notification costs a request and a logged attempt: the engine's own cost) and the default batching.
import { writeFileSync } from "node:fs";
import path from "node:path";
import { queryCounts } from "../lib/database-counts";
import { postgresDatabase, sqliteDatabase, type BenchDatabase } from "../lib/databases";
import { appEnvironment, runScript, sampleUsage, startWorker, type BenchProcess } from "../lib/processes";
import { startReceiverProcess, type ReceiverProcess } from "../lib/receiver";
import { defineScenario, type Measure, type ScenarioContext } from "../lib/scenario";
import { median, round } from "../lib/stats";

const CONCURRENCY = 64; // the dispatcher's defaults (WEBHOOK_CONCURRENCY, _PER_ENDPOINT)
const PER_ENDPOINT = 8;
const ORIGINS = 8; // vendors' hosts: loopback addresses 127.0.0.1-8
const STATUSES = ["installed", "compliant", "non_compliant", "deleted"];

type Run = { label: string; provider: "sqlite" | "postgres"; workers: number };

function lastLine(output: string): string {
  return output.trim().split("\n").at(-1)!;
}

// Bodies shaped as the dispatcher builds them, for the ceiling to send.
function bodiesFile(workDir: string, batch: number): string {
  const bodies = Array.from({ length: 200 }, (_, body) =>
    JSON.stringify(Array.from({ length: batch }, (_, index) => ({ device_id: `DEV-${String((body * batch + index) % 500).padStart(4, "0")}`, status: STATUSES[index % 4], timestamp: Date.now() }))),
  );
  const file = path.join(workDir, `bodies-${batch}.json`);
  writeFileSync(file, JSON.stringify(bodies));
  return file;
}

// Medians of 3 runs: requests/s, and the client's CPU per request in µs.
async function ceiling(context: ScenarioContext, receiver: ReceiverProcess, batch: number, requests: number): Promise<{ rate: number; cpuMicrosPerRequest: number }> {
  const file = bodiesFile(context.workDir, batch);
  const runs: { requestsPerSecond: number; failures: number; cpuMicrosPerRequest: number }[] = [];
  for (let run = 0; run < 3; run++) {
    const output = await runScript("ceiling", "bench/agents/http-ceiling.ts", [String(requests), file, receiver.urls.join(","), String(CONCURRENCY), String(PER_ENDPOINT)], {});
    const result = JSON.parse(lastLine(output)) as (typeof runs)[number];
    if (result.failures > 0) throw new Error(`ceiling: ${result.failures} requests failed`);
    runs.push(result);
  }
  return { rate: median(runs.map((run) => run.requestsPerSecond)), cpuMicrosPerRequest: median(runs.map((run) => run.cpuMicrosPerRequest)) };
}

async function dispatch(context: ScenarioContext, receiver: ReceiverProcess, run: Run, sizes: { accounts: number; notifications: number; batch: number }) {
  const name = `${run.provider}_${run.workers}w_b${sizes.batch}`;
  const database: BenchDatabase = run.provider === "sqlite" ? sqliteDatabase(context.workDir, name) : await postgresDatabase(context.postgresServerUrl!, name);
  const workers: BenchProcess[] = [];
  try {
    const env = appEnvironment(context.workDir, database.url, { WEBHOOK_MAX_BATCH: String(sizes.batch) });
    const accountIds = JSON.parse(lastLine(await runScript("seed accounts", "bench/agents/seed-accounts.ts", [String(sizes.accounts), receiver.urls.join(",")], env))) as string[];
    workers.push(...(await Promise.all(Array.from({ length: run.workers }, (_, index) => startWorker(`worker ${index + 1}`, env)))));
    const usage = workers.map((worker) => sampleUsage(worker.pid));

    const perAccount = sizes.notifications / sizes.accounts;
    const pushes = sizes.accounts * Math.ceil(perAccount / sizes.batch);
    await receiver.records({ clear: true });
    const before = await receiver.count();
    const { committedAt } = JSON.parse(lastLine(await runScript("seed notifications", "bench/agents/seed-notifications.ts", [String(perAccount), accountIds.join(",")], env))) as { committedAt: number };
    await receiver.waitForCount(before + pushes, 30 * 60_000);
    const seconds = (performance.timeOrigin + performance.now() - committedAt) / 1000;
    const cpuSeconds = usage.reduce((sum, sampler) => sum + sampler.stop().cpuSeconds, 0);
    // Every push is sent once in a run without crashes; a webhook-id that arrives twice was claimed twice.
    const webhookIds = (await receiver.records({ clear: true })).map((arrival) => arrival.webhookId);
    const repeatedWebhookIds = webhookIds.length - new Set(webhookIds).size;

    // The last answers' settles may still be committing (a group commit on a loaded machine): the
    // event log is counted once it holds every notification as delivered, or after 30 s.
    const readCounts = () =>
      queryCounts(database.url, {
        attempts: "SELECT COUNT(*) FROM push_attempts",
        succeeded: "SELECT COUNT(*) FROM pushes WHERE state = 'succeeded'",
        delivered: "SELECT COUNT(*) FROM notifications WHERE state = 'delivered'",
      });
    let counts = await readCounts();
    for (const deadline = Date.now() + 30_000; counts.delivered !== sizes.notifications && Date.now() < deadline; counts = await readCounts()) {
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    context.log(`${run.label}, batch ${sizes.batch}: ${pushes} pushes in ${seconds.toFixed(1)} s; ${JSON.stringify(counts)}`);
    if (counts.delivered !== sizes.notifications) throw new Error(`${run.label}: ${counts.delivered} of ${sizes.notifications} notifications recorded as delivered`);
    return { pushesPerSecond: pushes / seconds, notificationsPerSecond: sizes.notifications / seconds, pushes, attempts: counts.attempts!, cpuSeconds, repeatedWebhookIds };
  } finally {
    await Promise.all(workers.map((worker) => worker.stop()));
    await database.drop();
  }
}

export default defineScenario({
  id: "throughput",
  title: "Delivery throughput against the HTTP ceiling",
  async run(context) {
    const accounts = context.smoke ? 10 : 100;
    const notifications = context.smoke ? 1_000 : 50_000;
    const runs: Run[] = [
      { label: "SQLite, 1 worker", provider: "sqlite", workers: 1 },
      ...(context.postgresServerUrl
        ? [
            { label: "PostgreSQL, 1 worker", provider: "postgres", workers: 1 } as const,
            { label: "PostgreSQL, 3 workers", provider: "postgres", workers: 3 } as const,
          ]
        : []),
    ];
    const receiver = await startReceiverProcess({ origins: ORIGINS });
    const measures: Measure[] = [];
    try {
      // The smoke run checks the scenario works; batches of 100 take the same code path.
      for (const batch of context.smoke ? [1] : [1, 100]) {
        const bodyLabel = batch === 1 ? "1 notification per push" : `${batch} notifications per push`;
        const requests = context.smoke ? 2_000 : 20_000;
        const { rate: ceilingRate, cpuMicrosPerRequest } = await ceiling(context, receiver, batch, requests);
        measures.push({ name: `Ceiling, ${bodyLabel}: undici, no database`, value: round(ceilingRate, 0), unit: "requests/s", note: `median of 3 runs of ${requests} POSTs, ${CONCURRENCY} concurrent, ${PER_ENDPOINT} connections to each of ${ORIGINS} origins` });
        measures.push({ name: `Ceiling, ${bodyLabel}: the client's CPU per request`, value: round(cpuMicrosPerRequest, 0), unit: "µs", note: "undici alone, median of the 3 runs: the least a dispatcher's thread spends on a request" });
        for (const run of runs) {
          const result = await dispatch(context, receiver, run, { accounts, notifications, batch });
          const note = `${notifications} notifications of ${accounts} accounts in ${result.pushes} pushes; ${result.attempts} attempts logged; worker CPU ${round(result.cpuSeconds)} s`;
          measures.push({ name: `${run.label}, ${bodyLabel}: pushes`, value: round(result.pushesPerSecond, 0), unit: "pushes/s", note });
          measures.push({ name: `${run.label}, ${bodyLabel}: notifications`, value: round(result.notificationsPerSecond, 0), unit: "notifications/s" });
          measures.push({ name: `${run.label}, ${bodyLabel}: worker CPU per push`, value: round((1e6 * result.cpuSeconds) / result.pushes, 0), unit: "µs", note: `all its workers' CPU over the ${result.pushes} pushes, against the ceiling client's ${round(cpuMicrosPerRequest, 0)} µs a request` });
          measures.push({
            name: `${run.label}, ${bodyLabel}: webhook-ids that arrived more than once`,
            value: result.repeatedWebhookIds,
            unit: "requests",
            target: { op: "<=", value: 0 },
            note: "requests beyond the first with the same webhook-id: a push claimed twice (no worker crashes in this run)",
          });
          measures.push({
            name: `${run.label}, ${bodyLabel}: share of the ceiling`,
            value: round((100 * result.pushesPerSecond) / ceilingRate),
            unit: "%",
            // The target is the engine's cost a push, so one notification a push: a push of 100 costs
            // forming and logging a hundred, and its share of the ceiling is no measure of the engine.
            ...(run.provider === "sqlite" && batch === 1 ? { target: { op: ">=", value: 50 } as const } : {}),
          });
        }
      }
    } finally {
      await receiver.close();
    }
    return measures;
  },
});
