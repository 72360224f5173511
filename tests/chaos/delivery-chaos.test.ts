// Fault injection and crash recovery, measured (issue #8). Each run gives six accounts a receiver
// with its own kind of outage (hang, reset, 500/503, 302, a body dripped past the timeout, a broken
// TLS handshake), writes CHAOS_NOTIFICATIONS status changes spread over a few seconds, and has real
// `npm run worker` processes deliver them while the test SIGKILLs the worker at random moments and
// starts a new one. Every other run (on SQLite) a second process also holds the database's write
// lock again and again. Then: every notification was accepted by its receiver (0 lost), a repeat
// came only under the webhook-id it first came under with the same body, no redirect was followed,
// and the database agrees (every push succeeded, no integration disabled). Per fault kind and
// overall, the figures are printed: runs, notifications, lost, duplicates, delays from commit to
// first acceptance.
//   npm run test:chaos                                       50 runs x 1,000 notifications
//   npx vitest run --config vitest.chaos.config.ts           reduced: 2 runs x 300 (the defaults)
// CHAOS_WRITE_MS (default 6000) is how long a run's changes take to write.
import { spawn, type ChildProcess } from "node:child_process";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sqliteFilePath } from "@/lib/database-url";
import { db } from "@/lib/db";
import { changeDeviceStatus, createDevice } from "@/lib/device-events";
import { OPEN_PUSH_STATES } from "@/lib/webhooks/pushes";
import { addToTally, auditRun, describeTally, emptyTally, notificationKey, type Committed, type RunAudit, type Tally } from "../support/chaos-ledger";
import { FAULT_KINDS, startChaosReceiver, type ChaosReceiver, type FaultKind } from "../support/chaos-receivers";
import { makeChaosCertificates, type ChaosCertificates } from "../support/chaos-tls";
import { eventually } from "../support/receiver";
import { accountWithWebhook } from "../support/webhook-fixtures";
import { explainedBy, killAll, killGroup, spawnWorker, withinMs, type WorkerProcess } from "../support/worker-processes";

const root = path.resolve(import.meta.dirname, "../..");
function positiveInteger(name: string, fallback: number): number {
  const value = Number(process.env[name] ?? fallback);
  if (!Number.isInteger(value) || value < 1) throw new Error(`${name} must be a positive integer, not ${JSON.stringify(process.env[name])}`);
  return value;
}
const RUNS = positiveInteger("CHAOS_RUNS", 2);
const NOTIFICATIONS = positiveInteger("CHAOS_NOTIFICATIONS", 300);
const WRITE_MS = positiveInteger("CHAOS_WRITE_MS", 6000); // a run's changes are spread evenly over this
const TIMEOUT_MS = 1200; // a crashed worker's pushes are taken over when its lease (timeout + 5 s) expires
const RETRY_DELAYS_MS = [500, 1500];
// Outages of 500 ms every 4 s. An attempt's retry comes 0.5-1.5 s after a quick failure and
// 1.7-2.7 s after a timeout: past the end of the outage it met and, unless 0.8 s late, before the
// next one; so no push should fail all three attempts (a period near a retry spacing would make it).
const OUTAGE = { badMs: 500, periodMs: 4000 };
const LOCK_HOLD_MS = [100, 500];
const LOCK_GAP_MS = [200, 1200];
const sqliteFile = sqliteFilePath(process.env.DATABASE_URL!);

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const between = (low: number, high: number) => low + Math.random() * (high - low);

let certificates: ChaosCertificates;
let workerEnv: Record<string, string>;
const tallies = new Map<string, Tally>([...FAULT_KINDS, "db-locked", "overall"].map((label) => [label, emptyTally()]));
let kills = 0;
const lockStats = { locks: 0, heldMs: 0, longestMs: 0 };
const failedRuns: number[] = [];

beforeAll(() => {
  certificates = makeChaosCertificates();
  workerEnv = {
    LOG_LEVEL: "info", // start and stop lines, and warnings; shown when a run fails
    WEBHOOK_TIMEOUT_MS: String(TIMEOUT_MS),
    WEBHOOK_RETRY_DELAYS_MS: RETRY_DELAYS_MS.join(","),
    WEBHOOK_MAX_BATCH: "10",
    NODE_EXTRA_CA_CERTS: certificates.caFile, // the https receivers' CA; the "rogue" certificate stays untrusted
  };
});

afterAll(() => {
  certificates?.remove();
  const lines = [...FAULT_KINDS].map((kind) => describeTally(kind, tallies.get(kind)!));
  if (tallies.get("db-locked")!.runs > 0) {
    lines.push(describeTally("db-locked", tallies.get("db-locked")!, `(write lock taken ${lockStats.locks} times, ${(lockStats.heldMs / 1000).toFixed(1)} s in all, longest ${lockStats.longestMs} ms)`));
  }
  lines.push(describeTally("overall", tallies.get("overall")!, `worker SIGKILLs=${kills}${failedRuns.length ? ` FAILED RUNS: ${failedRuns.join(",")}` : ""}`));
  console.log(`chaos summary (${RUNS} runs x ${NOTIFICATIONS} notifications, ${sqliteFile ? "SQLite" : "PostgreSQL"}):\n${lines.join("\n")}`);
});

type Change = { accountId: string; deviceId: string; status: "installed" | "compliant" | "non_compliant" };

// Per account: half the devices are enrolled (installed), then each of them changes status once.
function planChanges(run: number, accounts: { kind: FaultKind; accountId: string }[]): Change[] {
  const perAccount = accounts.map(({ kind, accountId }, index) => {
    const count = Math.floor(NOTIFICATIONS / accounts.length) + (index < NOTIFICATIONS % accounts.length ? 1 : 0);
    const devices = Math.ceil(count / 2);
    const deviceId = (i: number) => `R${run}-${kind}-${String(i).padStart(4, "0")}`;
    return Array.from({ length: count }, (_, i): Change => (i < devices ? { accountId, deviceId: deviceId(i), status: "installed" } : { accountId, deviceId: deviceId(i - devices), status: i % 2 ? "compliant" : "non_compliant" }));
  });
  const longest = Math.max(...perAccount.map((changes) => changes.length));
  return Array.from({ length: longest }, (_, i) => perAccount.flatMap((changes) => (i < changes.length ? [changes[i]!] : []))).flat();
}

// Writes the changes at an even pace, each in its own transaction, noting when each one committed.
async function writeChanges(changes: Change[]): Promise<Map<string, Committed>> {
  const committed = new Map<string, Committed>();
  const started = Date.now();
  for (const [index, change] of changes.entries()) {
    const wait = started + (index * WRITE_MS) / changes.length - Date.now();
    if (wait > 0) await sleep(wait);
    if (change.status === "installed") await createDevice(change.accountId, { deviceId: change.deviceId, name: "Chaos laptop", platform: "Linux" }, "chaos");
    else await changeDeviceStatus(change.accountId, change.deviceId, change.status, "chaos");
    committed.set(notificationKey(change.deviceId, change.status), { committedAt: Date.now(), occurredAtMs: Number.NaN });
  }
  return committed;
}

function startLockHolder(file: string): { child: ChildProcess; ready: Promise<void>; stop(): Promise<typeof lockStats> } {
  const child = spawn(process.execPath, ["--import", "tsx", "tests/support/chaos-lock-holder.ts", file, ...[...LOCK_HOLD_MS, ...LOCK_GAP_MS].map(String)], { cwd: root, stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  child.stdout!.on("data", (chunk: Buffer) => (output += chunk.toString("utf8")));
  child.stderr!.on("data", (chunk: Buffer) => (output += chunk.toString("utf8")));
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const ready = eventually(async () => output, (text) => text.includes("holding") || child.exitCode !== null, 20_000, "the lock holder to start").then((text) => {
    if (!text.includes("holding")) throw new Error(`lock holder did not start: ${text}`);
  });
  return {
    child,
    ready,
    async stop() {
      child.kill("SIGTERM");
      await withinMs(exited, 15_000, "lock holder exit");
      const line = output.split("\n").find((text) => text.startsWith("{"));
      if (!line) throw new Error(`lock holder printed no statistics: ${output}`);
      return JSON.parse(line) as typeof lockStats;
    },
  };
}

describe(`delivery under chaos: ${RUNS} runs x ${NOTIFICATIONS} notifications`, () => {
  for (let run = 1; run <= RUNS; run++) {
    const locked = run % 2 === 0 && sqliteFile !== null;
    it(`run ${run}: SIGKILLed workers, receivers with outages (${FAULT_KINDS.join(", ")})${locked ? ", the database write-locked by another process" : ""}: nothing lost`, async () => {
      const receivers: ChaosReceiver[] = [];
      const workers: WorkerProcess[] = [];
      let lockHolder: ReturnType<typeof startLockHolder> | null = null;
      try {
        for (const kind of FAULT_KINDS) receivers.push(await startChaosReceiver(kind, OUTAGE, certificates));
        const accounts = await Promise.all(receivers.map(async ({ kind, url }) => ({ kind, accountId: (await accountWithWebhook(url)).accountId })));
        const accountIds = accounts.map((account) => account.accountId);
        const changes = planChanges(run, accounts);

        if (locked) {
          lockHolder = startLockHolder(sqliteFile!);
          await lockHolder.ready;
        }
        let life = 0;
        const startWorker = () => {
          const worker = spawnWorker(`run ${run} worker ${++life}`, workerEnv);
          workers.push(worker);
          return worker;
        };
        let current = startWorker();
        // Changes start once a worker delivers (its start-up is not what is measured).
        await explainedBy(workers, eventually(async () => current.output(), (output) => output.includes("webhook worker running"), 30_000, "the first worker to start"));
        // One or two SIGKILLs at random moments while changes are written and delivered; the next
        // worker starts at once and takes over the dead one's pushes when their leases expire.
        const killAt = Array.from({ length: Math.random() < 0.5 ? 1 : 2 }, () => between(300, WRITE_MS)).sort((a, b) => a - b);
        const started = Date.now();
        const killer = (async () => {
          for (const at of killAt) {
            await sleep(started + at - Date.now());
            killGroup(current, "SIGKILL");
            expect(await withinMs(current.exited, 5000, `${current.name} dies`)).toMatchObject({ signal: "SIGKILL" });
            kills++;
            current = startWorker();
          }
        })();
        const [committed] = await Promise.all([writeChanges(changes), killer]);

        // Done when nothing is left to send: every notification delivered, or given up on (failed).
        const openWork = async () => ({
          unsent: await db.notification.count({ where: { accountId: { in: accountIds }, state: { in: ["pending", "queued"] } } }),
          open: await db.push.count({ where: { accountId: { in: accountIds }, state: { in: [...OPEN_PUSH_STATES] } } }),
        });
        await explainedBy(workers, eventually(openWork, (work) => work.unsent === 0 && work.open === 0, 120_000, "no notification or push left to send"));
        await killAll(workers);
        if (lockHolder) {
          const stats = await lockHolder.stop();
          lockHolder = null;
          lockStats.locks += stats.locks;
          lockStats.heldMs += stats.heldMs;
          lockStats.longestMs = Math.max(lockStats.longestMs, stats.longestMs);
        }

        const stored = await db.notification.findMany({ where: { accountId: { in: accountIds } }, select: { deviceId: true, status: true, occurredAt: true } });
        expect(stored).toHaveLength(committed.size);
        for (const notification of stored) committed.get(notificationKey(notification.deviceId, notification.status))!.occurredAtMs = notification.occurredAt.getTime();

        const audits: { kind: FaultKind; audit: RunAudit; faults: number; redirectsFollowed: number }[] = receivers.map((receiver) => {
          const prefix = `R${run}-${receiver.kind}-`;
          const own = new Map([...committed].filter(([key]) => key.startsWith(prefix)));
          return { kind: receiver.kind, audit: auditRun(own, receiver.arrivals), faults: receiver.faultsInjected(), redirectsFollowed: receiver.redirectsFollowed() };
        });
        const attemptErrors = await db.pushAttempt.groupBy({ by: ["accountId", "errorClass", "statusCode"], where: { accountId: { in: accountIds }, errorClass: { not: null } }, _count: true });
        const failedAttemptsOf = (accountId: string) => {
          const counts = new Map<string, number>();
          for (const group of attemptErrors.filter((row) => row.accountId === accountId)) {
            const label = group.errorClass === "http_status" ? String(group.statusCode) : group.errorClass!;
            counts.set(label, (counts.get(label) ?? 0) + group._count);
          }
          return counts;
        };
        const runTallies = [tallies.get("overall")!, ...(locked ? [tallies.get("db-locked")!] : [])];
        for (const tally of runTallies) tally.runs++;
        for (const [index, { kind, audit, faults }] of audits.entries()) {
          tallies.get(kind)!.runs++;
          for (const tally of [tallies.get(kind)!, ...runTallies]) addToTally(tally, audit, faults, failedAttemptsOf(accountIds[index]!));
        }

        // A push that failed for good, with the attempts that explain why.
        const kindOf = new Map(accounts.map(({ kind, accountId }) => [accountId, kind]));
        const unsuccessful = await db.push.findMany({
          where: { accountId: { in: accountIds }, state: { not: "succeeded" } },
          select: { id: true, accountId: true, state: true, attempts: { select: { startedAt: true, durationMs: true, statusCode: true, errorClass: true }, orderBy: { number: "asc" } } },
        });
        const described = unsuccessful.map((push) => `${kindOf.get(push.accountId)} ${push.id} ${push.state}: ${push.attempts.map((a) => `${a.startedAt.toISOString().slice(11, 23)} ${a.statusCode ?? "-"} ${a.errorClass ?? "ok"} ${a.durationMs} ms`).join("; ")}`);
        expect(described, "pushes that did not succeed").toEqual([]);
        for (const { kind, audit, faults, redirectsFollowed } of audits) {
          expect(faults, `${kind}: faults injected`).toBeGreaterThan(0);
          expect(audit.lost, `${kind}: notifications no receiver accepted`).toEqual([]);
          expect(audit.unexpected, `${kind}: accepted but never committed`).toEqual([]);
          expect(audit.bodyChanged, `${kind}: webhook-ids sent with different bodies`).toEqual([]);
          expect(audit.underSeveralIds, `${kind}: notifications sent under more than one webhook-id`).toEqual([]);
          expect(audit.wrongTimestamp, `${kind}: timestamps differing from the stored change`).toEqual([]);
          expect(redirectsFollowed, `${kind}: redirects followed`).toBe(0);
        }
        const integrations = await db.webhookIntegration.findMany({ where: { accountId: { in: accountIds } }, select: { enabled: true, disabledReason: true } });
        expect(integrations).toEqual(accountIds.map(() => ({ enabled: true, disabledReason: null })));
      } catch (error) {
        failedRuns.push(run);
        throw error;
      } finally {
        await killAll(workers);
        if (lockHolder) lockHolder.child.kill("SIGKILL");
        await Promise.all(receivers.map((receiver) => receiver.close()));
      }
    });
  }
});
