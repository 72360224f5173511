// Runs one scenario in this process and writes its measures as JSON to BENCH_RESULT_FILE.
// Started by bench/run.ts; run it alone to work on one scenario:
//   node --import tsx --conditions=react-server bench/lib/scenario-process.ts latency --smoke
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { SCENARIOS } from "../scenarios/index";
import type { Scenario } from "./scenario";

const id = process.argv[2];
const entry = SCENARIOS.find((scenario) => scenario.id === id);
if (!entry) {
  console.error(`Unknown scenario "${id}". Scenarios: ${SCENARIOS.map((scenario) => scenario.id).join(", ")}`);
  process.exit(2);
}
const scenario = ((await import(`../scenarios/${entry.module.slice(2)}`)) as { default: Scenario }).default;
const workDir = mkdtempSync(path.join(tmpdir(), `cwc-bench-${id}-`));
const started = Date.now();
try {
  const measures = await scenario.run({
    smoke: process.argv.includes("--smoke") || process.env.BENCH_SMOKE === "true",
    workDir,
    postgresServerUrl: process.env.BENCH_POSTGRES_URL || null,
    log: (message) => process.stderr.write(`[${id}] ${message}\n`),
  });
  const result = { id: scenario.id, title: scenario.title, seconds: Math.round((Date.now() - started) / 100) / 10, measures };
  if (process.env.BENCH_RESULT_FILE) writeFileSync(process.env.BENCH_RESULT_FILE, JSON.stringify(result));
  else console.log(JSON.stringify(result, null, 2));
} finally {
  rmSync(workDir, { recursive: true, force: true });
}
// Pools, timers and children a scenario forgot must not keep the run waiting.
process.exit(0);
