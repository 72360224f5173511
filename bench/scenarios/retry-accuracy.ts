// Item 4 of the benchmark: how closely the retries keep their delays (the contract's 4 s and 60 s).
// A receiver answers 500 to everything; ~20 status changes in 4 accounts each make a push of their
// own, which the dispatcher (in the writing process, as `npm start` runs it on SQLite) sends 3 times.
// Measured as the vendor sees it: between the receiver's arrivals of consecutive attempts, minus the
// configured delay. The contract counts the delay from the failure, i.e. from the failed attempt's
// answer; on loopback that answer comes well under a millisecond after the arrival, so the error
// measured here is the dispatcher's lateness (timer, claim, send) plus that round trip.
import type { LoggedAttempt } from "../agents/latency-writer";
import { collectArrivals, notificationsIn, startChangeWriter, type ChangeWriter } from "../agents/latency-writer-handle";
import { sqliteDatabase } from "../lib/databases";
import { appEnvironment } from "../lib/processes";
import { startReceiverProcess, type Arrival } from "../lib/receiver";
import { defineScenario, type Measure } from "../lib/scenario";
import { percentile, round } from "../lib/stats";

const CONTRACT_DELAYS_MS = [4000, 60_000];
// Smoke mode shortens the delays (WEBHOOK_RETRY_DELAYS_MS) to stay within seconds; same code path.
const SMOKE_DELAYS_MS = [400, 1000];
const ACCOUNTS = 4;
const DEVICES_PER_ACCOUNT = 5;
// One change per device, spread over this time: each account changes every ~0.6 s, so every change
// makes a push of its own.
const CHANGES_MS = 3000;
const ARRIVAL_ALLOWANCE_MS = 30_000;

// The attempts of each push (webhook-id), in order of arrival.
function attemptsByPush(arrivals: Arrival[]): Arrival[][] {
  const pushes = new Map<string, Arrival[]>();
  for (const arrival of arrivals) pushes.set(arrival.webhookId!, [...(pushes.get(arrival.webhookId!) ?? []), arrival]);
  return [...pushes.values()].map((attempts) => attempts.sort((a, b) => a.arrivedAt - b.arrivedAt));
}

// Done when every notification is in a push that has made all its attempts.
function allAttemptsMade(notified: number, attempts: number): (arrivals: Arrival[]) => boolean {
  return (arrivals) =>
    attemptsByPush(arrivals)
      .filter((push) => push.length >= attempts)
      .reduce((sum, push) => sum + notificationsIn(push[0]!).length, 0) >= notified;
}

// A push's attempts as the receiver saw them arrive, and as the event log recorded them.
type PushTimes = { arrivals: number[]; logged: LoggedAttempt[] };

function retryMeasures(pushes: PushTimes[], delaysMs: number[], smoke: boolean): Measure[] {
  return delaysMs.flatMap((delayMs, index) => {
    const retried = pushes.filter((push) => push.arrivals.length > index + 1);
    const errors = retried.map(({ arrivals }) => arrivals[index + 1]! - arrivals[index]! - delayMs);
    const absolute = errors.map(Math.abs);
    const meanSigned = errors.reduce((sum, error) => sum + error, 0) / errors.length;
    // The dispatcher's own view: from the failed attempt's answer to the retry's start.
    const lateness = retried
      .filter(({ logged }) => logged.length > index + 1)
      .map(({ logged }) => logged[index + 1]!.startedAt - (logged[index]!.startedAt + logged[index]!.durationMs) - delayMs);
    const label = `Retry ${index + 1} (${delayMs / 1000} s after attempt ${index + 1})`;
    const note = `${errors.length} pushes of ${ACCOUNTS} accounts; between the receiver's arrivals; mean signed error ${round(meanSigned, 1)} ms (positive: late)${smoke ? "; smoke mode's shortened delays" : ""}`;
    return [
      { name: `${label}: p50 absolute error`, value: round(percentile(absolute, 50), 1), unit: "ms", target: { op: "<=", value: 100 }, note },
      { name: `${label}: max absolute error`, value: round(percentile(absolute, 100), 1), unit: "ms", target: { op: "<=", value: 100 } },
      {
        name: `${label}: max start after the recorded failure + delay`,
        value: round(percentile(lateness, 100), 0),
        unit: "ms",
        note: `event log (whole ms): retry's start − (failed attempt's start + duration) − delay; p50 ${round(percentile(lateness, 50), 0)} ms`,
      },
    ] satisfies Measure[];
  });
}

export default defineScenario({
  id: "retry-accuracy",
  title: "Accuracy of the retry delays",
  async run(context) {
    const delaysMs = context.smoke ? SMOKE_DELAYS_MS : CONTRACT_DELAYS_MS;
    const receiver = await startReceiverProcess({ origins: ACCOUNTS, status: 500, keepBodies: true });
    const database = sqliteDatabase(context.workDir, "retry");
    let writer: ChangeWriter | null = null;
    try {
      const env = appEnvironment(context.workDir, database.url, { WEBHOOK_RETRY_DELAYS_MS: delaysMs.join(",") });
      const changes = ACCOUNTS * DEVICES_PER_ACCOUNT;
      const config = { callbackUrls: receiver.urls, devicesPerAccount: DEVICES_PER_ACCOUNT, ratePerSecond: (1000 * changes) / CHANGES_MS, warmupMs: 0, durationMs: CHANGES_MS, deliver: true };
      writer = startChangeWriter("retry writer", config, env, context.workDir);
      const run = await writer.ran;
      const attempts = delaysMs.length + 1;
      const waitMs = delaysMs.reduce((sum, delay) => sum + delay, ARRIVAL_ALLOWANCE_MS);
      const arrived = attemptsByPush(await collectArrivals(receiver, allAttemptsMade(run.notified, attempts), waitMs));
      const logged = new Map((await writer.changes()).flatMap(({ push }) => (push ? [[push.id, push.attempts] as const] : [])));
      const pushes = arrived.map((push) => ({ arrivals: push.map((arrival) => arrival.arrivedAt), logged: logged.get(push[0]!.webhookId!) ?? [] }));
      const incomplete = pushes.filter((push) => push.arrivals.length !== attempts).length;
      context.log(`${run.notified} changes notified; ${pushes.length} pushes, ${incomplete} without exactly ${attempts} attempts`);
      return [
        ...retryMeasures(pushes, delaysMs, context.smoke),
        { name: `Pushes without exactly ${attempts} attempts`, value: incomplete, unit: "pushes", target: { op: "<=", value: 0 }, note: `of ${pushes.length}; the receiver answered 500 to every attempt` },
      ];
    } finally {
      await writer?.stop();
      await database.drop();
      await receiver.close();
    }
  },
});
