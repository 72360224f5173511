// The markdown table of a run, as the README's Performance section quotes it.
import type { Machine } from "./machine";
import { meetsTarget, type Measure } from "./scenario";

export type ScenarioResult = { id: string; title: string; seconds: number; measures: Measure[] };
export type BenchRun = { date: string; smoke: boolean; machine: Machine; scenarios: ScenarioResult[] };

const formatNumber = (value: number) => (Number.isInteger(value) ? value.toLocaleString("en-US") : String(value));

function targetCell(measure: Measure): string {
  if (!measure.target) return "";
  const met = meetsTarget(measure);
  return `${measure.target.op === "<=" ? "≤" : "≥"} ${formatNumber(measure.target.value)} ${met ? "✅" : "❌"}`;
}

export function markdownReport(run: BenchRun): string {
  const { machine } = run;
  const lines = [
    `# Benchmarks ${run.date}${run.smoke ? " (smoke run: reduced sizes, not for quoting)" : ""}`,
    "",
    `Machine: ${machine.cpu}, ${machine.cores} cores, ${machine.memoryGiB} GiB, ${machine.os}; Node ${machine.node}` +
      `${machine.postgres ? `; PostgreSQL ${machine.postgres}` : ""}; load average at start ${machine.loadAverageAtStart.join(" / ")}.`,
    "",
  ];
  for (const scenario of run.scenarios) {
    lines.push(`## ${scenario.title}`, "", "| Measure | Value | Target | Notes |", "|---|---:|---|---|");
    for (const measure of scenario.measures) {
      lines.push(`| ${measure.name} | ${formatNumber(measure.value)} ${measure.unit} | ${targetCell(measure)} | ${measure.note ?? ""} |`);
    }
    lines.push("", `_${scenario.seconds} s_`, "");
  }
  return lines.join("\n");
}
