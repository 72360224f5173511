// Several standalone workers (`npm run worker`) on one PostgreSQL database: they split the work with
// SKIP LOCKED claims, wake each other with NOTIFY, take over the leases of a worker killed with
// SIGKILL, and count failures exactly once. The test process writes the outbox and runs the
// receiver; the three workers are real child processes. Runs with `npm run test:integration:pg`.
import { randomUUID } from "node:crypto";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { isPostgresUrl } from "@/lib/database-url";
import { db } from "@/lib/db";
import { OPEN_PUSH_STATES } from "@/lib/webhooks/pushes";
import { signalNewWork } from "@/lib/webhooks/wake";
import { eventually, startReceiver, type ReceivedRequest, type Receiver } from "../support/receiver";
import { accountWithWebhook } from "../support/webhook-fixtures";
import { explainedBy, isRunning, killAll, killGroup, spawnWorker, withinMs, type WorkerProcess } from "../support/worker-processes";

const NOTIFICATIONS = 10_000;
const MAX_BATCH = 25; // 400 pushes per run: enough contention, under a minute on two shared cores
const CONCURRENCY_PER_ENDPOINT = 8;
const WORKER_ENV = {
  LOG_LEVEL: "debug", // one "push attempt settled" line per push tells which worker sent it
  WEBHOOK_MAX_BATCH: String(MAX_BATCH),
  WEBHOOK_TIMEOUT_MS: "5000", // the lease is timeout + 5 s
  WEBHOOK_CONCURRENCY: "16",
  WEBHOOK_CONCURRENCY_PER_ENDPOINT: String(CONCURRENCY_PER_ENDPOINT),
  WEBHOOK_RETRY_DELAYS_MS: "4000,60000",
};
const INSERT_CHUNK = 1000;

const onPostgres = isPostgresUrl(process.env.DATABASE_URL ?? "");
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const workers: WorkerProcess[] = [];
let receiver: Receiver;
const unanswered = new Map<string, number>(); // webhook-id -> requests whose response is not written yet
let stalled: Promise<void> | null = null; // while set, answers wait (so that requests pile up in flight)

function startWorkers(run: string, env: Record<string, string> = {}): WorkerProcess[] {
  const started = [1, 2, 3].map((n) => spawnWorker(`${run} worker ${n}`, { ...WORKER_ENV, ...env }));
  workers.push(...started);
  return started;
}

// All three LISTEN before the outbox is written, so that only a notification can wake them in time.
async function untilListening(group: WorkerProcess[]): Promise<void> {
  const listening = async () =>
    (await db.$queryRawUnsafe<{ n: number }[]>("SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND application_name = 'cwc-dispatcher-listen'"))[0]!.n;
  await explainedBy(group, eventually(listening, (n) => n === group.length, 60_000, `${group.length} listening workers`));
}

async function stopCleanly(group: WorkerProcess[]): Promise<void> {
  for (const worker of group) if (isRunning(worker)) killGroup(worker, "SIGTERM");
  for (const worker of group) {
    if (worker.child.signalCode === "SIGKILL") continue;
    expect(await explainedBy(group, withinMs(worker.exited, 10_000, `${worker.name} stops on SIGTERM`))).toEqual({ code: 0, signal: null });
  }
}

// The outbox rows a status change writes (device event and pending notification), in chunks of one
// transaction each, every chunk followed by the signal that status changes send after commit.
async function enqueueInstalls(accountId: string, prefix: string, count: number): Promise<string[]> {
  const deviceIds: string[] = [];
  for (let start = 0; start < count; start += INSERT_CHUNK) {
    const events = Array.from({ length: Math.min(INSERT_CHUNK, count - start) }, (_, i) => ({
      id: randomUUID(),
      accountId,
      deviceId: `${prefix}-${String(start + i).padStart(5, "0")}`,
      status: "installed",
      actor: "pg-workers-test",
      occurredAt: new Date(),
    }));
    await db.$transaction(async (tx) => {
      await tx.deviceEvent.createMany({ data: events });
      await tx.notification.createMany({
        data: events.map((event) => ({ accountId, deviceEventId: event.id, deviceId: event.deviceId, status: event.status, occurredAt: event.occurredAt, state: "pending" })),
      });
    }, { timeout: 60_000 }); // a thousand rows, on a machine the three workers keep busy
    signalNewWork();
    deviceIds.push(...events.map((event) => event.deviceId));
  }
  return deviceIds;
}

const allDelivered = (accountId: string) => async () => ({
  undelivered: await db.notification.count({ where: { accountId, state: { not: "delivered" } } }),
  open: await db.push.count({ where: { accountId, state: { in: [...OPEN_PUSH_STATES] } } }),
});

const requestsOf = (run: string) => receiver.requests.filter((request) => request.path.endsWith(`run=${run}`));

// webhook-id -> its arrivals; and device -> the ids it arrived under.
function byWebhookId(requests: ReceivedRequest[]) {
  const byId = new Map<string, ReceivedRequest[]>();
  for (const request of requests) {
    const id = String(request.headers["webhook-id"]);
    byId.set(id, [...(byId.get(id) ?? []), request]);
  }
  const idsOfDevice = new Map<string, Set<string>>();
  const arrivalsOfDevice = new Map<string, number>();
  for (const [id, repeats] of byId) {
    expect(new Set(repeats.map((request) => request.body)).size, `bodies sent as ${id}`).toBe(1);
    for (const item of JSON.parse(repeats[0]!.body) as { device_id: string }[]) {
      idsOfDevice.set(item.device_id, (idsOfDevice.get(item.device_id) ?? new Set()).add(id));
      arrivalsOfDevice.set(item.device_id, (arrivalsOfDevice.get(item.device_id) ?? 0) + repeats.length);
    }
  }
  return { byId, idsOfDevice, arrivalsOfDevice };
}

const settledBy = (worker: WorkerProcess) => worker.output().split("\n").filter((line) => line.includes('"msg":"push attempt settled"')).length;

// Every push of the account succeeded once (a success is never followed by another send).
async function expectOneSuccessPerPush(accountId: string, ids: Set<string>): Promise<void> {
  const pushes = await db.push.findMany({ where: { accountId }, include: { attempts: true } });
  expect(new Set(pushes.map((push) => push.id))).toEqual(ids);
  for (const push of pushes) {
    expect(push.state).toBe("succeeded");
    expect(push.itemCount).toBeLessThanOrEqual(MAX_BATCH);
    expect(push.attempts.filter((attempt) => attempt.statusCode === 200), `successful attempts of ${push.id}`).toHaveLength(1);
  }
}

describe.skipIf(!onPostgres)("three workers on PostgreSQL (needs PostgreSQL: several workers; npm run test:integration:pg)", () => {
  beforeAll(async () => {
    receiver = await startReceiver();
    receiver.handle(async (request, response) => {
      const id = String(request.headers["webhook-id"]);
      unanswered.set(id, (unanswered.get(id) ?? 0) + 1);
      try {
        if (request.path.includes("fail")) return void response.writeHead(500, { "content-type": "text/plain" }).end("unavailable");
        await sleep(5 + Math.random() * 20);
        await stalled;
        if (!response.destroyed) response.writeHead(200, { "content-type": "application/json" }).end('{"ok":true}');
      } finally {
        const left = unanswered.get(id)! - 1;
        if (left > 0) unanswered.set(id, left);
        else unanswered.delete(id);
      }
    });
  });

  // A test that fails leaves its workers running: they must not take part in the next one.
  afterEach(() => killAll(workers));

  afterAll(async () => {
    await killAll(workers);
    await receiver?.close();
  });

  it("10,000 notifications: each delivered, none twice, the work split across all three", async () => {
    const group = startWorkers("run 1");
    await untilListening(group);
    const { accountId } = await accountWithWebhook(`${receiver.url}?run=1`);
    const started = Date.now();
    const deviceIds = await enqueueInstalls(accountId, "R1", NOTIFICATIONS);
    await explainedBy(group, eventually(allDelivered(accountId), (work) => work.undelivered === 0 && work.open === 0, 150_000, "every notification delivered"));
    const seconds = (Date.now() - started) / 1000;

    const requests = requestsOf("1");
    const { byId, idsOfDevice, arrivalsOfDevice } = byWebhookId(requests);
    expect(requests.length, "requests, one per webhook-id").toBe(byId.size);
    expect([...idsOfDevice.keys()].sort()).toEqual(deviceIds);
    expect([...arrivalsOfDevice.values()].every((count) => count === 1), "every device arrived exactly once").toBe(true);
    await expectOneSuccessPerPush(accountId, new Set(byId.keys()));
    const shares = group.map(settledBy);
    for (const [i, share] of shares.entries()) expect(share, `pushes sent by worker ${i + 1}`).toBeGreaterThan(0);
    expect(shares.reduce((a, b) => a + b, 0)).toBe(byId.size);
    console.info(`pg-workers: ${NOTIFICATIONS} notifications in ${byId.size} pushes in ${seconds.toFixed(1)} s (${Math.round(NOTIFICATIONS / seconds)}/s); pushes per worker ${shares.join("/")}`);
    await stopCleanly(group);
  }, 240_000);

  it("one worker killed with SIGKILL mid-way: nothing lost, repeats only of its pushes and under the same webhook-id", async () => {
    // Answers are held from the start: a longer timeout keeps the first requests from timing out
    // (and being retried) while the others arrive.
    const group = startWorkers("run 2", { WEBHOOK_TIMEOUT_MS: "15000" });
    await untilListening(group);
    const { accountId } = await accountWithWebhook(`${receiver.url}?run=2`);
    // Hold every answer until more requests are in flight than the two others may have at once
    // (their per-endpoint limit each): then the first worker certainly has some too, and nearly all
    // of the work is still to do when it dies.
    let release!: () => void;
    stalled = new Promise((resolve) => (release = resolve));
    const deviceIds = await enqueueInstalls(accountId, "R2", NOTIFICATIONS);
    const victim = group[0]!;
    const survivorsAtMost = 2 * CONCURRENCY_PER_ENDPOINT;
    await explainedBy(group, eventually(async () => unanswered.size, (size) => size > survivorsAtMost, 10_000, "requests in flight from all three"));
    // No await between reading what is unanswered and the kill.
    const inFlightAtKill = [...unanswered.keys()];
    const receivedBeforeKill = requestsOf("2").length;
    killGroup(victim, "SIGKILL");
    expect(await withinMs(victim.exited, 5000, "the killed worker dies")).toMatchObject({ signal: "SIGKILL" });
    stalled = null;
    release();
    const killedAt = Date.now();
    expect(receivedBeforeKill, "far from done at the kill").toBeLessThan(NOTIFICATIONS / MAX_BATCH / 2);

    await explainedBy(group, eventually(allDelivered(accountId), (work) => work.undelivered === 0 && work.open === 0, 150_000, "every notification delivered"));
    const requests = requestsOf("2");
    const { byId, idsOfDevice } = byWebhookId(requests);
    expect([...idsOfDevice.keys()].sort()).toEqual(deviceIds);
    const underSeveralIds = [...idsOfDevice].filter(([, ids]) => ids.size > 1).map(([device]) => device);
    expect(underSeveralIds, "devices sent under more than one webhook-id").toEqual([]);
    await expectOneSuccessPerPush(accountId, new Set(byId.keys()));

    // Before the kill no id arrived twice; after it, only pushes the dead worker held arrive again:
    // at most its per-endpoint limit, each once more, the first time before the kill.
    const beforeKill = requests.slice(0, receivedBeforeKill).map((request) => String(request.headers["webhook-id"]));
    expect(new Set(beforeKill).size).toBe(beforeKill.length);
    const repeated = [...byId].filter(([, arrivals]) => arrivals.length > 1);
    expect(repeated.length, `repeated ids ${repeated.map(([id]) => id).join(", ")}`).toBeLessThanOrEqual(CONCURRENCY_PER_ENDPOINT);
    for (const [id, arrivals] of repeated) {
      expect(arrivals, `arrivals of ${id}`).toHaveLength(2);
      expect(arrivals[0]!.receivedAt).toBeLessThan(killedAt);
      expect(arrivals[1]!.receivedAt).toBeGreaterThan(killedAt);
    }
    // What was unanswered beyond the others' share was the dead worker's, and arrives again.
    expect(repeated.length, "pushes of the dead worker sent again").toBeGreaterThanOrEqual(inFlightAtKill.length - survivorsAtMost);
    console.info(`pg-workers: killed worker after ${receivedBeforeKill} requests; ${repeated.length} pushes sent again (${inFlightAtKill.length} unanswered at the kill)`);
    await stopCleanly(group.slice(1));
  }, 240_000);

  it("auto-disable with three workers: the 100th consecutive failed push disables once, with one audit entry", async () => {
    const PUSHES = 150;
    const group = startWorkers("run 3", { WEBHOOK_MAX_BATCH: "1", WEBHOOK_RETRY_DELAYS_MS: "0" });
    await untilListening(group);
    const { accountId } = await accountWithWebhook(`${receiver.url}?run=3&fail`);
    await enqueueInstalls(accountId, "R3", PUSHES);
    await explainedBy(
      group,
      eventually(
        async () => ({ ...(await allDelivered(accountId)()), pending: await db.notification.count({ where: { accountId, state: { in: ["pending", "queued"] } } }) }),
        (work) => work.open === 0 && work.pending === 0,
        120_000,
        "every push settled",
      ),
    );

    const integration = await db.webhookIntegration.findUniqueOrThrow({ where: { accountId } });
    expect(integration).toMatchObject({ enabled: false, disabledReason: "Disabled automatically after 100 consecutive failed pushes." });
    const audits = await db.auditLog.findMany({ where: { accountId, action: "webhook.auto_disabled" } });
    expect(audits).toHaveLength(1);
    expect(JSON.parse(String(audits[0]!.details))).toMatchObject({ failures: 100 });
    // Pushes whose last attempt failed after the disable (in flight in any worker) are held, not
    // counted: exactly 100 failed pushes, the rest kept as held for redelivery after re-enabling.
    const failedPushes = await db.push.count({ where: { accountId, state: "failed" } });
    expect(failedPushes).toBe(100);
    expect(integration.consecutiveFailures).toBe(100);
    const states = await db.notification.groupBy({ by: ["state"], where: { accountId }, _count: { _all: true } });
    expect(Object.fromEntries(states.map((group) => [group.state, group._count._all]))).toEqual({ failed: 100, held: PUSHES - 100 });
    // Failures settle fast: the workers race for them, and at least two must have taken part.
    expect(group.filter((worker) => settledBy(worker) > 0).length, `pushes settled per worker ${group.map(settledBy).join("/")}`).toBeGreaterThanOrEqual(2);
    const disablers = group.filter((worker) => worker.output().includes("webhook integration disabled after consecutive failures"));
    expect(disablers.map((worker) => worker.name)).toHaveLength(1);
    console.info(`pg-workers: auto-disable after ${failedPushes} failed pushes; settled per worker ${group.map(settledBy).join("/")}`);
    await stopCleanly(group);
  }, 180_000);
});
