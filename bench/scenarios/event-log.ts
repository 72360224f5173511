// Issue #7 item 5: the event log at 1,000,000 attempts across 100 accounts. Server time of what
// Event Log > Webhook and GET /api/v1/logs/webhook run (first page, each filter, deep pages; target
// p95 <= 100 ms), and the CSV export of 100,000 rows: rows/s and whether memory stays flat.
// App code runs in agents (bench/agents/event-log-*.ts), one process per database and job.
import { readFileSync } from "node:fs";
import path from "node:path";
import type { ExportRun, ExportRuns, MemorySample } from "../agents/event-log-export";
import type { QueryTimings } from "../agents/event-log-queries";
import type { RetentionRun } from "../agents/event-log-retention";
import type { SeedResult } from "../agents/event-log-seed";
import { postgresDatabase, sqliteDatabase, type BenchDatabase } from "../lib/databases";
import { appEnvironment, runScript } from "../lib/processes";
import { defineScenario, type Measure, type ScenarioContext } from "../lib/scenario";
import { percentile, round } from "../lib/stats";

type Size = { accounts: number; attempts: number; repetitions: number; exportRows: number };

const FULL: Size = { accounts: 100, attempts: 1_000_000, repetitions: 30, exportRows: 100_000 };
const SMOKE: Size = { accounts: 10, attempts: 20_000, repetitions: 3, exportRows: 5_000 };
const P95_TARGET_MS = 100;
// The retention runs as if this many days had passed since the seeded month ended: the month's first
// third expires at once (the log keeps 30 days), as after a worker stopped for that long.
const RETENTION_DAYS_LATER = 10;
// Flat: what the export holds on to (after a full GC) grows by no more than this in its second half.
const RETAINED_GROWTH_TARGET_MB = 1;
const MB = 1024 * 1024;

const count = (value: number) => value.toLocaleString("en-US");
const readJson = <T>(file: string) => JSON.parse(readFileSync(file, "utf8")) as T;

function queryMeasures(provider: string, timings: QueryTimings): Measure[] {
  const sizes = timings.accounts.map((account) => count(account.pushes)).join(" / ");
  return Object.entries(timings.samples).map(([query, byAccount]) => {
    const all = Object.values(byAccount).flat();
    const perAccount = timings.accounts.map((account) => `${round(percentile(byAccount[account.name]!, 95))}`).join(" / ");
    const rows = timings.accounts.map((account) => timings.rows[query]![account.name]).join(" / ");
    return {
      name: `${provider}: ${query}, p95`,
      value: round(percentile(all, 95)),
      unit: "ms",
      target: { op: "<=", value: P95_TARGET_MS },
      note: `p50 ${round(percentile(all, 50))} ms; p95 by account (${sizes} pushes): ${perAccount} ms; rows on the page ${rows}; ${all.length} samples`,
    };
  });
}

const megabytes = (bytes: number, digits = 1) => round(bytes / MB, digits);
const signedMegabytes = (bytes: number, digits = 1) => `${bytes < 0 ? "−" : "+"}${Math.abs(megabytes(bytes, digits))}`;
const retainedBytes = (sample: MemorySample) => sample.heapUsedBytes + sample.arrayBuffersBytes;
const peak = (samples: MemorySample[], of: (sample: MemorySample) => number) => Math.max(...samples.map(of));
const halves = (run: ExportRun) => [run.samples.filter((sample) => sample.rows <= run.rows / 2), run.samples.filter((sample) => sample.rows > run.rows / 2)] as const;

// `plain`: read as it comes (rate, RSS); `retained`: the same export with a full GC before each sample.
function exportMeasures(provider: string, { plain, retained }: ExportRuns): Measure[] {
  const rss = (sample: MemorySample) => sample.rssBytes - plain.baseline.rssBytes;
  const [rssFirst, rssSecond] = halves(plain);
  const held = (sample: MemorySample) => retainedBytes(sample) - retainedBytes(retained.baseline);
  const [heldFirst, heldSecond] = halves(retained);
  const half = count(retained.rows / 2);
  return [
    {
      name: `${provider}: CSV export rate`,
      value: Math.round(plain.rows / plain.seconds),
      unit: "rows/s",
      note: `${count(plain.rows)} rows, ${megabytes(plain.bytes)} MB in ${round(plain.seconds, 2)} s, read as fast as the stream gives them`,
    },
    {
      name: `${provider}: CSV export peak RSS growth, ${count(plain.rows)} rows`,
      value: megabytes(peak(plain.samples, rss)),
      unit: "MB",
      note:
        `over ${megabytes(plain.baseline.rssBytes)} MB before it; at most ${signedMegabytes(peak(rssFirst, rss))} MB in the first half, ${signedMegabytes(peak(rssSecond, rss))} MB in the second; ` +
        `heap used ${signedMegabytes(peak(plain.samples, (sample) => sample.heapUsedBytes - plain.baseline.heapUsedBytes))} MB at most (garbage not yet collected)`,
    },
    {
      name: `${provider}: CSV export retained memory, second half over first`,
      value: megabytes(peak(heldSecond, held) - peak(heldFirst, held), 2),
      unit: "MB",
      target: { op: "<=", value: RETAINED_GROWTH_TARGET_MB },
      note:
        `heap + buffers after a full GC every other page of 500 rows: at most ${signedMegabytes(peak(heldFirst, held), 2)} MB over rows 1–${half}, ${signedMegabytes(peak(heldSecond, held), 2)} MB over ${half}–${count(retained.rows)} ` +
        `(${retained.samples.length} samples); a buffered export would add the second half's CSV, ${megabytes(retained.bytes / 2)} MB`,
    },
  ];
}

function retentionMeasures(provider: string, run: RetentionRun): Measure[] {
  return [
    {
      name: `${provider}: retention of ${RETENTION_DAYS_LATER} days of the log`,
      value: round(run.seconds, 2),
      unit: "s",
      note: `${count(run.pushes)} pushes (with their attempts and items) and ${count(run.notifications)} notifications deleted, a batch a transaction`,
    },
    {
      name: `${provider}: a write's longest wait during the retention`,
      value: round(Math.max(...run.writeWaitsMs)),
      unit: "ms",
      note: `an empty write transaction due every ${run.writeEveryMs} ms in the same process, timed from when it was due to its commit (on SQLite it waits for the event loop and the write lock), as a status change or a settle would: p50 ${round(percentile(run.writeWaitsMs, 50))} ms, p99 ${round(percentile(run.writeWaitsMs, 99))} ms over ${count(run.writes)} writes`,
    },
  ];
}

async function measureOn(provider: string, database: BenchDatabase, context: ScenarioContext, size: Size): Promise<Measure[]> {
  const env = appEnvironment(context.workDir, database.url);
  const file = (name: string) => path.join(context.workDir, `${provider.toLowerCase()}-${name}.json`);
  try {
    context.log(`${provider}: seeding ${count(size.attempts)} attempts across ${size.accounts} accounts`);
    await runScript("event-log seed", "bench/agents/event-log-seed.ts", [String(size.accounts), String(size.attempts), file("seed")], env);
    const seed = readJson<SeedResult>(file("seed"));
    context.log(`${provider}: seeded in ${round(seed.seconds)} s; timing the page and API queries`);
    await runScript("event-log queries", "bench/agents/event-log-queries.ts", [file("seed"), String(size.repetitions), file("queries")], env);
    const largest = seed.accounts.reduce((a, b) => (b.pushes > a.pushes ? b : a));
    context.log(`${provider}: CSV export of ${count(size.exportRows)} rows, plain and with a GC before each memory sample`);
    await runScript("event-log export", "bench/agents/event-log-export.ts", [largest.id, String(size.exportRows), file("export")], env);
    const exports = readJson<ExportRuns>(file("export"));
    context.log(`${provider}: retention of the month's first ${RETENTION_DAYS_LATER} days, a write due at short intervals meanwhile`);
    await runScript("event-log retention", "bench/agents/event-log-retention.ts", [String(RETENTION_DAYS_LATER), file("retention")], env);
    return [
      {
        name: `${provider}: attempts in the log`,
        value: seed.totals.attempts,
        unit: "attempts",
        note: `${count(seed.totals.pushes)} pushes, ${count(seed.totals.notifications)} notifications, ${seed.accounts.length} accounts (largest ${count(largest.pushes)} pushes); seeded in ${round(seed.seconds)} s`,
      },
      ...queryMeasures(provider, readJson<QueryTimings>(file("queries"))),
      ...exportMeasures(provider, exports),
      ...retentionMeasures(provider, readJson<RetentionRun>(file("retention"))),
    ];
  } finally {
    await database.drop();
  }
}

export default defineScenario({
  id: "event-log",
  title: "Event log at 1,000,000 attempts: page and filter server time, CSV export memory, retention",
  async run(context) {
    const size = context.smoke ? SMOKE : FULL;
    const measures = await measureOn("SQLite", sqliteDatabase(context.workDir, "event-log"), context, size);
    if (context.postgresServerUrl) {
      measures.push(...(await measureOn("PostgreSQL", await postgresDatabase(context.postgresServerUrl, "event_log"), context, size)));
    }
    return measures;
  },
});
