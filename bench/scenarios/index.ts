// The scenarios of `npm run bench`, in the order they run and appear in the report.
export const SCENARIOS = [
  { id: "throughput", module: "./throughput.ts" },
  { id: "latency", module: "./latency.ts" },
  { id: "retry-accuracy", module: "./retry-accuracy.ts" },
  { id: "event-log", module: "./event-log.ts" },
  { id: "backlog", module: "./backlog.ts" },
  { id: "push-vs-poll", module: "./push-vs-poll.ts" },
  { id: "console-load", module: "./console-load.ts" },
] as const;

export type ScenarioId = (typeof SCENARIOS)[number]["id"];
