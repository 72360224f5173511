// The console users' side of the console-load scenario: one autocannon run per target (dashboard,
// event log list, push detail, API), all at once, each request built afresh by the target. Every
// response's status and time is kept per target, so percentiles are exact (autocannon's own summary
// has no p95 and times only 2xx answers).
import type { EventEmitter } from "node:events";
import { createRequire } from "node:module";
import { request } from "undici";
import { percentile, round } from "../lib/stats";

// The part of autocannon's programmatic API used here (the package ships no types).
type CannonRequest = { method?: string; path?: string; headers?: Record<string, string>; setupRequest?: (request: CannonRequest) => CannonRequest };
type CannonOptions = { url: string; connections: number; duration: number; timeout: number; requests: CannonRequest[]; verifyBody?: (body: string) => boolean };
type CannonResult = { errors: number; timeouts: number; mismatches: number; non2xx: number; statusCodeStats: Record<string, { count: number }> };
type Autocannon = (options: CannonOptions, done: (error: Error | null, result: CannonResult) => void) => EventEmitter & { stop(): void };
const autocannon = createRequire(import.meta.url)("autocannon") as Autocannon;

// A request of a target: the path and the headers that carry the user's session or API token.
export type TargetRequest = { path: string; headers: Record<string, string> };
export type LoadTarget = {
  name: string;
  connections: number;
  // Called for every request: the next user and the next page of this target.
  next(): TargetRequest;
  // Text a complete, right answer contains: a streamed page that failed or found nothing still says 200.
  expectText: string;
};

export type TargetResult = {
  name: string;
  connections: number;
  responses: number;
  non2xx: number;
  statusCodes: Record<string, number>;
  errors: number;
  timeouts: number;
  mismatches: number;
  p50Ms: number;
  p95Ms: number;
  p99Ms: number;
  maxMs: number;
  responsesPerSecond: number;
  // Every response's time, for percentiles over several targets.
  samplesMs: number[];
};

// Pages render on the server; a console under this much load may take seconds, but not this long.
const TIMEOUT_SECONDS = 10;
// A few "wrong" bodies are kept to say what went wrong (never a session cookie: bodies only).
const KEEP_MISMATCHES = 2;

function runTarget(consoleUrl: string, target: LoadTarget, durationSeconds: number, sampleMismatch: (text: string) => void): Promise<TargetResult> {
  const times: number[] = [];
  let answered = 0;
  return new Promise((resolve, reject) => {
    const tracker = autocannon(
      {
        url: consoleUrl,
        connections: target.connections,
        duration: durationSeconds,
        timeout: TIMEOUT_SECONDS,
        requests: [{ method: "GET", setupRequest: (request) => ({ ...request, ...target.next() }) }],
        verifyBody: (body) => {
          const right = body.includes(target.expectText);
          if (!right) sampleMismatch(`${target.name}: ${body.slice(0, 300).replace(/\s+/g, " ")}`);
          return right;
        },
      },
      (error, result) => {
        if (error) return reject(error);
        const statusCodes = Object.fromEntries(Object.entries(result.statusCodeStats).map(([code, { count }]) => [code, count]));
        resolve({
          name: target.name,
          connections: target.connections,
          responses: answered,
          non2xx: result.non2xx,
          statusCodes,
          errors: result.errors,
          timeouts: result.timeouts,
          mismatches: result.mismatches,
          p50Ms: round(percentile(times, 50)),
          p95Ms: round(percentile(times, 95)),
          p99Ms: round(percentile(times, 99)),
          maxMs: round(percentile(times, 100)),
          responsesPerSecond: round(answered / durationSeconds),
          samplesMs: times,
        });
      },
    );
    tracker.on("response", (_client: unknown, _status: number, _bytes: number, responseTimeMs: number) => {
      answered++;
      times.push(responseTimeMs);
    });
    // A request that timed out took at least the timeout: counted at that, so a console too slow to
    // answer anything still has percentiles (as lower bounds) besides its timeout count.
    tracker.on("reqError", (error: Error) => error.message === "request timed out" && times.push(TIMEOUT_SECONDS * 1000));
  });
}

// One request of each target before the load, as each user's first visit: a target that answers
// wrongly stops the run with a clear message, and the first render's one-off costs stay out of the figures.
export async function firstVisits(consoleUrl: string, targets: LoadTarget[]): Promise<void> {
  for (const target of targets) {
    const { path, headers } = target.next();
    const response = await request(`${consoleUrl}${path}`, { headers });
    const body = await response.body.text();
    if (response.statusCode !== 200 || !body.includes(target.expectText)) {
      throw new Error(`${target.name}: GET ${path} answered ${response.statusCode}${response.statusCode === 200 ? ` without "${target.expectText}"` : ""}`);
    }
  }
}

// All targets at once for durationSeconds; the results in the targets' order.
export async function runLoad(consoleUrl: string, targets: LoadTarget[], durationSeconds: number): Promise<{ results: TargetResult[]; mismatchSamples: string[] }> {
  const mismatchSamples: string[] = [];
  const sample = (text: string) => void (mismatchSamples.length < KEEP_MISMATCHES && mismatchSamples.push(text));
  const results = await Promise.all(targets.map((target) => runTarget(consoleUrl, target, durationSeconds, sample)));
  return { results, mismatchSamples };
}
