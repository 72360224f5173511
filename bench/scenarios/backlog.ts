// Backlog: a real worker (`npm run worker`) on SQLite faces 100,000 pending notifications of 100
// accounts whose receivers are dead (half refuse connections, half answer 503). It forms the pushes,
// makes every attempt and retry, disables each integration at the failure threshold and holds what
// is left. Its peak RSS is sampled throughout; its CPU is read over a quiet window between the first
// retry and the second, when nothing is due: a dispatcher that sleeps until the next retry spends
// next to nothing there.
import { createServer, type AddressInfo } from "node:net";
import Database from "better-sqlite3";
import type { BacklogSeedPlan } from "../agents/backlog-seed";
import { sqliteDatabase } from "../lib/databases";
import { appEnvironment, runScript, sampleUsage, startWorker, type BenchProcess } from "../lib/processes";
import { startReceiverProcess } from "../lib/receiver";
import { defineScenario, type Measure } from "../lib/scenario";
import { round } from "../lib/stats";

const DISABLE_AFTER_FAILURES = 100; // the contract's default, which the worker runs with
const MAX_BATCH = 100; // WEBHOOK_MAX_BATCH's default: notifications per push
const MB = 1024 * 1024;

const SIZES = {
  full: { accounts: 100, perAccount: 1_000, retryDelaysMs: [4_000, 60_000], quietWindowMs: 20_000, settleMs: 25_000 },
  smoke: { accounts: 10, perAccount: 500, retryDelaysMs: [300, 4_000], quietWindowMs: 1_500, settleMs: 300 },
};

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

// A loopback port with nothing listening: connecting is refused at once.
async function refusingUrl(): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return `http://127.0.0.1:${port}/hooks/compliance`;
}

type PushProgress = { pushes: number; open: number; sending: number; belowSecondAttempt: number; nextDueAt: number | null };

// Read-only look at the worker's progress, from the scenario's own connection (never during the quiet window).
function progressReader(file: string) {
  const sqlite = new Database(file, { readonly: true });
  const statement = sqlite.prepare(`
    SELECT COUNT(*) AS pushes,
           SUM(state IN ('queued', 'sending', 'retrying')) AS open,
           SUM(state = 'sending') AS sending,
           SUM(state IN ('queued', 'sending', 'retrying') AND attempt_count < 2) AS belowSecondAttempt,
           MIN(CASE WHEN state IN ('queued', 'retrying') THEN next_attempt_at END) AS nextDueAt
    FROM pushes`);
  return {
    read(): PushProgress {
      const row = statement.get() as Record<keyof PushProgress, number | string | null>;
      const count = (value: number | string | null) => Number(value ?? 0);
      return { pushes: count(row.pushes), open: count(row.open), sending: count(row.sending), belowSecondAttempt: count(row.belowSecondAttempt), nextDueAt: row.nextDueAt === null ? null : new Date(row.nextDueAt).getTime() };
    },
    totals() {
      const attempts = (sqlite.prepare("SELECT COUNT(*) AS n FROM push_attempts").get() as { n: number }).n;
      const notifications = sqlite.prepare("SELECT state, COUNT(*) AS n FROM notifications GROUP BY state").all() as { state: string; n: number }[];
      return { attempts, notifications: Object.fromEntries(notifications.map((row) => [row.state, row.n])) as Record<string, number> };
    },
    close: () => sqlite.close(),
  };
}

async function waitFor(what: string, worker: BenchProcess, timeoutMs: number, done: () => boolean): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!done()) {
    if (worker.child.exitCode !== null) throw new Error(`the worker exited while waiting for ${what}:\n${worker.output()}`);
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}:\n${worker.output()}`);
    await sleep(100);
  }
}

export default defineScenario({
  id: "backlog",
  title: "Backlog: dead receivers, 100,000 notifications, one worker on SQLite",
  async run({ smoke, workDir, log }) {
    const size = smoke ? SIZES.smoke : SIZES.full;
    const total = size.accounts * size.perAccount;
    // The template change's push formed as it committed; the copies are batched by the worker.
    const pushesPerAccount = 1 + Math.ceil((size.perAccount - 1) / MAX_BATCH);
    const database = sqliteDatabase(workDir, "backlog");
    const receiver = await startReceiverProcess({ status: 503 });
    const env = appEnvironment(workDir, database.url, { WEBHOOK_RETRY_DELAYS_MS: size.retryDelaysMs.join(","), WEBHOOK_DISABLE_AFTER_FAILURES: String(DISABLE_AFTER_FAILURES), WEBHOOK_MAX_BATCH: String(MAX_BATCH) });
    let worker: BenchProcess | null = null;
    let progress: ReturnType<typeof progressReader> | null = null;
    try {
      // Each account is half-way to its last failed pushes before the disable: it is disabled mid-run.
      const plan: BacklogSeedPlan = { callbackUrls: [await refusingUrl(), receiver.urls[0]!], accounts: size.accounts, perAccount: size.perAccount, startFailures: DISABLE_AFTER_FAILURES - Math.ceil(pushesPerAccount / 2) };
      log(`seeding ${size.accounts} accounts × ${size.perAccount} pending notifications`);
      await runScript("backlog seed", "bench/agents/backlog-seed.ts", [JSON.stringify(plan)], env);

      const startedAt = Date.now();
      worker = await startWorker("worker", env, { ready: false });
      const usage = sampleUsage(worker.pid, 100);
      const reader = (progress = progressReader(database.url.slice("file:".length)));
      let state = reader.read();
      const refresh = () => (state = reader.read());

      log("waiting for every push's first retry");
      await waitFor("the first retries", worker, smoke ? 15_000 : 300_000, () => refresh().pushes === size.accounts * pushesPerAccount && state.belowSecondAttempt === 0 && state.sending === 0);
      const busy = usage.stop();
      log(`first retries done; the next retry is due in ${(state.nextDueAt ?? Infinity) - Date.now()} ms`);
      // Let the run-time finish what the burst left first: once allocation stops, V8 shrinks its heap
      // in up to three collections about 8 s apart (seen 9 s and 20 s after the burst). Measured on
      // its own, not hidden.
      const settling = sampleUsage(worker.pid, 1_000);
      await sleep(size.settleMs);
      const settled = settling.stop();
      const quietMs = Math.min(size.quietWindowMs, (state.nextDueAt ?? Infinity) - Date.now() - 500);
      if (!(quietMs > 0)) throw new Error(`no quiet window before the next retry (due ${state.nextDueAt})`);
      log(`quiet window of ${quietMs} ms`);
      const quiet = sampleUsage(worker.pid, 1_000);
      await sleep(quietMs);
      const quietUsage = quiet.stop();

      const afterQuiet = sampleUsage(worker.pid, 100);
      log("waiting for the last retries");
      await waitFor("the last retries", worker, smoke ? 15_000 : 300_000, () => refresh().open === 0);
      const finished = afterQuiet.stop();
      const elapsedSeconds = (Date.now() - startedAt) / 1000;
      const { attempts, notifications } = reader.totals();

      const peakRss = Math.max(busy.peakRssBytes, settled.peakRssBytes, quietUsage.peakRssBytes, finished.peakRssBytes);
      const sizeNote = `${total} notifications of ${size.accounts} accounts (${pushesPerAccount} pushes each; half refused, half 503), retries after ${size.retryDelaysMs.join(" and ")} ms`;
      return [
        { name: "worker peak RSS through the backlog", value: round(peakRss / MB), unit: "MB", target: { op: "<=", value: 300 }, note: `Process tree of npm run worker, sampled every 100 ms from start to the last retry; ${sizeNote}` },
        { name: "worker RSS in the quiet window", value: round(quietUsage.peakRssBytes / MB), unit: "MB", note: "What the worker keeps between retries, once the first two attempts of every push are done" },
        { name: "worker CPU in a quiet window between retries", value: round(quietUsage.cpuSeconds, 2), unit: "s", target: { op: "<=", value: 0.1 }, note: `${round(quietMs / 1000, 1)} s window starting ${size.settleMs / 1000} s after every push's first retry, before any second retry is due; ${state.pushes} pushes waiting` },
        { name: "worker CPU settling after the first retries", value: round(settled.cpuSeconds, 2), unit: "s", note: `The ${size.settleMs / 1000} s before the quiet window: the run-time's clean-up after the burst (V8 shrinking its heap)` },
        { name: "worker CPU through the backlog (excluding the quiet window)", value: round(busy.cpuSeconds + settled.cpuSeconds + finished.cpuSeconds, 1), unit: "s", note: `Forming ${state.pushes} pushes, ${attempts} attempts recorded, the disables and holds` },
        { name: "time to work through the backlog", value: round(elapsedSeconds, 1), unit: "s", note: "Worker start to the last push settled; bound by the retry delays" },
        { name: "notifications held after the disable", value: notifications.held ?? 0, unit: "notifications", note: `Each account started ${plan.startFailures} consecutive failures in, so it is disabled mid-run; failed: ${notifications.failed ?? 0}, still pending: ${notifications.pending ?? 0}` },
      ] satisfies Measure[];
    } finally {
      progress?.close();
      await worker?.stop();
      await receiver.close();
    }
  },
});
