// What a benchmark scenario is and what it reports. Each scenario runs in its own process
// (bench/lib/scenario-process.ts), so one scenario's heap, pools and timers never colour another's.
export type Target = { op: "<=" | ">="; value: number };

// One measured figure: "p95 first page", 8.4, "ms", target <= 100.
export type Measure = {
  name: string;
  value: number;
  unit: string;
  target?: Target;
  // Context a reader needs to interpret the figure (sample size, what was compared).
  note?: string;
};

export type ScenarioContext = {
  // A small, fast run for `npm test`: same code paths, smaller sizes, targets still reported.
  smoke: boolean;
  // A scratch directory of this scenario's own (SQLite files, key files), removed afterwards.
  workDir: string;
  // A PostgreSQL server URL on which databases may be created, or null when the run skips PostgreSQL.
  postgresServerUrl: string | null;
  // Progress for the person running the bench (stderr); never part of the results.
  log(message: string): void;
};

export type Scenario = {
  id: string;
  title: string;
  run(context: ScenarioContext): Promise<Measure[]>;
};

export function defineScenario(scenario: Scenario): Scenario {
  return scenario;
}

export function meetsTarget(measure: Measure): boolean | null {
  if (!measure.target || !Number.isFinite(measure.value)) return measure.target ? false : null;
  return measure.target.op === "<=" ? measure.value <= measure.target.value : measure.value >= measure.target.value;
}
