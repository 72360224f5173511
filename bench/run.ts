// `npm run bench`: runs the benchmark scenarios, each in a process of its own, and writes
// bench/results/<date>.json and <date>.md (see the README's Performance section).
//   npm run bench                              every scenario at full size
//   npm run bench -- --only throughput,latency  some of them
//   npm run bench -- --smoke                   reduced sizes, results to a temporary directory
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { exitWithUsage, parseCommandLine } from "@/scripts/lib/cli";
import { describeMachine } from "./lib/machine";
import { spawnScript, root } from "./lib/processes";
import { markdownReport, type BenchRun, type ScenarioResult } from "./lib/report";
import { SCENARIOS } from "./scenarios/index";

const USAGE = `Usage: npm run bench -- [--smoke] [--only ${SCENARIOS.map((scenario) => scenario.id).join(",")}] [--out <dir>] [--postgres <url> | --no-postgres]`;
const flags = parseCommandLine<string | boolean>(USAGE, {
  smoke: { type: "boolean" },
  only: { type: "string" },
  out: { type: "string" },
  postgres: { type: "string" },
  "no-postgres": { type: "boolean" },
});
const smoke = flags.smoke === true;
const only = typeof flags.only === "string" ? flags.only.split(",") : null;
const unknown = only?.filter((id) => !SCENARIOS.some((scenario) => scenario.id === id)) ?? [];
if (unknown.length) exitWithUsage(`Unknown scenario: ${unknown.join(", ")}`, USAGE);
const postgres = flags["no-postgres"] ? null : ((flags.postgres as string | undefined) ?? process.env.BENCH_DATABASE_URL ?? "postgresql://postgres@127.0.0.1:5432/postgres");
const outDir = path.resolve((flags.out as string | undefined) ?? (smoke ? mkdtempSync(path.join(tmpdir(), "cwc-bench-smoke-")) : path.join(root, "bench/results")));

async function runScenario(id: string, resultFile: string): Promise<ScenarioResult> {
  const proc = spawnScript(id, "bench/lib/scenario-process.ts", [id], {
    BENCH_SMOKE: String(smoke),
    BENCH_RESULT_FILE: resultFile,
    BENCH_POSTGRES_URL: postgres ?? "",
  });
  proc.child.stderr!.pipe(process.stderr);
  const { code, signal } = await proc.exited;
  if (code !== 0) throw new Error(`scenario "${id}" failed (exit ${code ?? signal}):\n${proc.output().slice(-4000)}`);
  const result = JSON.parse(readFileSync(resultFile, "utf8")) as ScenarioResult;
  const broken = result.measures.filter((measure) => !Number.isFinite(measure.value));
  if (result.measures.length === 0 || broken.length) throw new Error(`scenario "${id}" measured nothing usable: ${broken.map((measure) => measure.name).join(", ") || "no measures"}`);
  return result;
}

const machine = await describeMachine(postgres);
const scratch = mkdtempSync(path.join(tmpdir(), "cwc-bench-run-"));
const run: BenchRun = { date: new Date().toISOString().slice(0, 10), smoke, machine, scenarios: [] };
let failed = false;
try {
  for (const { id } of SCENARIOS.filter((scenario) => !only || only.includes(scenario.id))) {
    console.error(`\n▶ ${id}${smoke ? " (smoke)" : ""}`);
    try {
      run.scenarios.push(await runScenario(id, path.join(scratch, `${id}.json`)));
    } catch (error) {
      failed = true;
      console.error((error as Error).message);
    }
  }
} finally {
  rmSync(scratch, { recursive: true, force: true });
}
mkdirSync(outDir, { recursive: true });
const report = markdownReport(run);
writeFileSync(path.join(outDir, `${run.date}.json`), `${JSON.stringify(run, null, 2)}\n`);
writeFileSync(path.join(outDir, `${run.date}.md`), report);
console.log(report);
console.log(`Results: ${path.relative(process.cwd(), path.join(outDir, `${run.date}.json`))} and .md`);
process.exit(failed ? 1 : 0);
