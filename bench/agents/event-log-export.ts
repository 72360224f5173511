// Drives the CSV export of Event Log > Webhook (the stream app/api/event-log/webhook.csv/route.ts
// answers with) for one account, reading it as fast as it comes, twice: plain, with memory sampled
// after every chunk as it is (garbage included: what RSS shows); then with a full GC before a sample
// every other chunk, so a sample is what the export holds on to. Each stops after <rows> data rows,
// as a client that has enough would.
//   event-log-export.ts <accountId> <rows> <result.json>
import { writeFileSync } from "node:fs";
import v8 from "node:v8";
import vm from "node:vm";
import { db } from "@/lib/db";
import { pushesCsvStream } from "@/lib/webhooks/event-log";
import { settledGc } from "@/tests/support/settled-gc";

export type MemorySample = { rows: number; rssBytes: number; heapUsedBytes: number; arrayBuffersBytes: number };
export type ExportRun = { rows: number; bytes: number; seconds: number; baseline: MemorySample; samples: MemorySample[] };
export type ExportRuns = { plain: ExportRun; retained: ExportRun };

const RETAINED_EVERY_CHUNKS = 2;
const WARM_UP_ROWS = 20_000;

function sample(rows: number): MemorySample {
  const usage = process.memoryUsage();
  return { rows, rssBytes: usage.rss, heapUsedBytes: usage.heapUsed, arrayBuffersBytes: usage.arrayBuffers };
}

// Reads up to `wanted` rows of the account's export, calling `onChunk` with the rows read so far.
async function readExport(accountId: string, wanted: number, onChunk: (rows: number, chunk: number) => void | Promise<void>) {
  const reader = pushesCsvStream(accountId, {}).getReader();
  let lines = 0;
  let bytes = 0;
  for (let chunk = 1; lines - 1 < wanted; chunk++) {
    const { done, value } = await reader.read();
    if (done) break;
    bytes += value.byteLength;
    for (const byte of value) if (byte === 0x0a) lines++;
    await onChunk(lines - 1, chunk);
  }
  await reader.cancel();
  return { rows: lines - 1, bytes };
}

async function measuredExport(accountId: string, rows: number, retained: boolean, gc: () => void): Promise<ExportRun> {
  await settledGc(gc);
  const baseline = sample(0);
  const samples: MemorySample[] = [];
  const started = performance.now();
  const read = await readExport(accountId, rows, async (rowsRead, chunk) => {
    if (!retained) return void samples.push(sample(rowsRead));
    if (chunk % RETAINED_EVERY_CHUNKS !== 0) return;
    await settledGc(gc);
    samples.push(sample(rowsRead));
  });
  return { ...read, seconds: (performance.now() - started) / 1000, baseline, samples };
}

const [accountId, rowsArg, resultFile] = process.argv.slice(2);
const rows = Number(rowsArg);
v8.setFlagsFromString("--expose-gc");
const gc = vm.runInNewContext("gc") as () => void;
// Warm: the client, the driver, Prisma's caches and the optimized code settle over the first export's
// rows (a few MB, whatever the row count), so the baselines are taken after a shorter export.
await readExport(accountId!, Math.min(WARM_UP_ROWS, rows / 5), () => undefined);
const runs: ExportRuns = { plain: await measuredExport(accountId!, rows, false, gc), retained: await measuredExport(accountId!, rows, true, gc) };
await db.$disconnect();
writeFileSync(resultFile!, JSON.stringify(runs));
