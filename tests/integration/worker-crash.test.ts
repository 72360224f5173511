// Crash safety of the standalone worker (`npm run worker`): a worker killed with SIGKILL in the
// middle of a batch loses nothing. Its leased pushes are taken over by a later worker once the lease
// (timeout + 5 s) expires and are sent again under the same webhook-id, the receiver's idempotency
// key. The test process only writes the outbox and runs the receiver; the workers are real child
// processes on the same SQLite file.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db } from "@/lib/db";
import { createDevice } from "@/lib/device-events";
import { OPEN_PUSH_STATES } from "@/lib/webhooks/pushes";
import { eventually, startReceiver, type Receiver } from "../support/receiver";
import { accountWithWebhook } from "../support/webhook-fixtures";
import { describeWorkers, explainedBy, isRunning, killAll, killGroup, spawnWorker, withinMs, type WorkerProcess } from "../support/worker-processes";

const DEVICES = 300;
const MAX_BATCH = 5; // 61 pushes: the first enrollment's alone, then the rest 5 at a time
const CONCURRENCY_PER_ENDPOINT = 8;
const TIMEOUT_MS = 2000; // the lease is timeout + 5 s
const KILL_AFTER = [8, 15]; // requests received from worker 1, then from worker 2, before it is killed

const WORKER_ENV = {
  LOG_LEVEL: "info", // start and stop lines only; shown when the test fails
  WEBHOOK_MAX_BATCH: String(MAX_BATCH),
  WEBHOOK_TIMEOUT_MS: String(TIMEOUT_MS),
  WEBHOOK_CONCURRENCY: "16",
  WEBHOOK_CONCURRENCY_PER_ENDPOINT: String(CONCURRENCY_PER_ENDPOINT),
  WEBHOOK_RETRY_DELAYS_MS: "4000,60000",
};

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

// Every worker spawned, in order: the one spawned in life n is workers[n - 1].
const workers: WorkerProcess[] = [];

function spawnWorkerLife(life: number): WorkerProcess {
  const worker = spawnWorker(`worker ${life}`, WORKER_ENV);
  workers.push(worker);
  return worker;
}

type Arrival = { id: string; body: string; life: number };

let receiver: Receiver;
let life = 0; // which worker's life a request arrives in; bumped when the next worker is spawned
const arrivals: Arrival[] = [];
const unanswered = new Map<string, number>(); // webhook-id -> requests whose 200 is not written yet

beforeAll(async () => {
  receiver = await startReceiver();
  // 200 after 30-80 ms, so that several pushes are in flight at any moment. `connection: close`: no
  // idle keep-alive socket holds the worker's event loop open, so a worker that would exit when
  // idle does so at once (checked below).
  receiver.handle(async (request, response) => {
    const id = String(request.headers["webhook-id"]);
    arrivals.push({ id, body: request.body, life });
    unanswered.set(id, (unanswered.get(id) ?? 0) + 1);
    try {
      await sleep(30 + Math.random() * 50);
      if (!response.destroyed) response.writeHead(200, { "content-type": "application/json", connection: "close" }).end('{"ok":true}');
    } finally {
      const left = unanswered.get(id)! - 1;
      if (left > 0) unanswered.set(id, left);
      else unanswered.delete(id);
    }
  });
});

afterAll(async () => {
  await killAll(workers);
  await receiver?.close();
});

describe("the standalone worker", () => {
  it("A worker killed with SIGKILL mid-batch and restarted: every notification is delivered at least once, repeats carry the same webhook-id", async () => {
    const { accountId } = await accountWithWebhook(receiver.url);
    const deviceIds = Array.from({ length: DEVICES }, (_, i) => `CRASH-${String(i).padStart(3, "0")}`);
    for (const deviceId of deviceIds) await createDevice(accountId, { deviceId, name: "Laptop", platform: "Windows" }, "api");
    expect(await db.notification.count({ where: { accountId, state: { in: ["pending", "queued"] } } })).toBe(DEVICES);

    // Ids whose request had arrived but was not answered yet when a worker was killed: that worker
    // cannot have recorded them as delivered, so a later worker must send them again.
    const inFlightAtKill: { life: number; ids: string[] }[] = [];
    for (const count of KILL_AFTER) {
      const worker = spawnWorkerLife(++life);
      await explainedBy(workers, receiver.waitForRequests(receiver.requests.length + count, 30_000));
      // No await between the receiver's count and the kill: the last request is still unanswered.
      inFlightAtKill.push({ life, ids: [...unanswered.keys()] });
      killGroup(worker, "SIGKILL");
      expect(await withinMs(worker.exited, 5000, `${worker.name} dies`)).toMatchObject({ signal: "SIGKILL" });
      await sleep(200); // bytes the dead worker had written reach the receiver before the next life
    }
    const receivedBeforeLastKill = arrivals.length;
    expect(receivedBeforeLastKill).toBeLessThan(DEVICES / MAX_BATCH / 2); // far from done
    for (const kill of inFlightAtKill) expect(kill.ids.length, `pushes in flight when worker ${kill.life} was killed`).toBeGreaterThan(0);
    expect(await db.push.count({ where: { accountId, state: "sending" } }), "leases left by the dead workers").toBeGreaterThan(0);

    const last = spawnWorkerLife(++life);
    const openWork = async () => ({
      undelivered: await db.notification.count({ where: { accountId, state: { not: "delivered" } } }),
      open: await db.push.groupBy({ by: ["state"], where: { accountId, state: { in: [...OPEN_PUSH_STATES] } }, _count: true }),
    });
    await explainedBy(workers, eventually(openWork, (work) => work.undelivered === 0 && work.open.length === 0, 45_000, "every notification delivered and no push open"));

    // Idle, the worker stays up (it wakes on new work and due retries), and SIGTERM stops it cleanly
    // with exit code 0 (the spawned process is the worker itself: `node --import tsx`, no CLI in front).
    await sleep(1000);
    expect(isRunning(last), `the worker exited on its own once idle\n${describeWorkers(workers)}`).toBe(true);
    last.child.kill("SIGTERM");
    expect(await explainedBy(workers, withinMs(last.exited, 5000, "worker stops on SIGTERM")), describeWorkers(workers)).toEqual({ code: 0, signal: null });
    expect(last.output()).toContain("webhook worker stopping");
    // …and it finishes its stop (nothing idle may let the process end half-way through it).
    expect(last.output()).toContain("dispatcher stopped");

    // Every device was received, under exactly one webhook-id, and each id always with the same body.
    const byId = new Map<string, Arrival[]>();
    for (const arrival of arrivals) byId.set(arrival.id, [...(byId.get(arrival.id) ?? []), arrival]);
    const idsOfDevice = new Map<string, Set<string>>();
    for (const [id, repeats] of byId) {
      expect(new Set(repeats.map((arrival) => arrival.body)).size, `bodies sent as ${id}`).toBe(1);
      for (const item of JSON.parse(repeats[0]!.body) as { device_id: string; status: string }[]) {
        expect(item.status).toBe("installed");
        idsOfDevice.set(item.device_id, (idsOfDevice.get(item.device_id) ?? new Set()).add(id));
      }
    }
    expect([...idsOfDevice.keys()].sort()).toEqual(deviceIds);
    const underSeveralIds = [...idsOfDevice].filter(([, ids]) => ids.size > 1).map(([device, ids]) => `${device}: ${[...ids].join(", ")}`);
    expect(underSeveralIds, "devices sent under more than one webhook-id").toEqual([]);

    // The database agrees: one push per notification, the push whose id its device came under, and
    // one recorded success per push (a success is never followed by another send).
    const notifications = await db.notification.findMany({ where: { accountId }, include: { items: { include: { push: true } } } });
    expect(notifications).toHaveLength(DEVICES);
    for (const notification of notifications) {
      expect(notification.items, `pushes of ${notification.deviceId}`).toHaveLength(1);
      const [item] = notification.items;
      expect(item!.push).toMatchObject({ id: notification.pushId, kind: "delivery", state: "succeeded", redeliveryOfId: null });
      expect([...idsOfDevice.get(notification.deviceId)!]).toEqual([item!.pushId]);
    }
    const pushes = await db.push.findMany({ where: { accountId }, include: { attempts: { orderBy: { number: "asc" } } } });
    // The first enrollment formed its push as it committed; the others gathered behind it, for the workers to batch.
    expect(pushes).toHaveLength(1 + Math.ceil((DEVICES - 1) / MAX_BATCH));
    expect(new Set(pushes.map((push) => push.id))).toEqual(new Set(byId.keys()));
    const failedAttempts = new Map<string, number>();
    const failures = new Map<string, number>(); // error class (or status) -> count, for the summary
    for (const push of pushes) {
      for (const attempt of push.attempts) {
        if (attempt.statusCode === 200) continue;
        const reason = attempt.errorClass ?? String(attempt.statusCode);
        failures.set(reason, (failures.get(reason) ?? 0) + 1);
      }
      const summary = JSON.stringify(push.attempts.map((attempt) => [attempt.number, attempt.statusCode ?? attempt.errorClass]));
      expect(push.attempts.filter((attempt) => attempt.statusCode === 200), `successful attempts of ${push.id}: ${summary}`).toHaveLength(1);
      failedAttempts.set(push.id, push.attempts.filter((attempt) => attempt.statusCode !== 200).length);
    }

    // Repeats come from crashes: within one worker's life an id arrives once (more only as the retry
    // of a recorded failed attempt), and every push in flight at a kill arrives again in a later life.
    for (const [id, repeats] of byId) {
      const lives = repeats.map((arrival) => arrival.life);
      expect(lives.length - new Set(lives).size, `lives in which ${id} arrived: ${lives.join(",")}; failed attempts: ${failedAttempts.get(id)}`).toBeLessThanOrEqual(
        failedAttempts.get(id)!,
      );
    }
    for (const kill of inFlightAtKill) {
      for (const id of kill.ids) {
        expect(byId.get(id)!.some((arrival) => arrival.life > kill.life), `${id}, in flight when worker ${kill.life} died, sent again`).toBe(true);
      }
    }
    const duplicates = arrivals.length - byId.size;
    const retries = [...failedAttempts.values()].reduce((sum, count) => sum + count, 0);
    expect(duplicates).toBeGreaterThanOrEqual(new Set(inFlightAtKill.flatMap((kill) => kill.ids)).size);
    // At most the pushes one worker has under way (per endpoint) are lost per kill.
    expect(duplicates).toBeLessThanOrEqual(KILL_AFTER.length * CONCURRENCY_PER_ENDPOINT + retries);
    console.info(
      `worker-crash: ${arrivals.length} requests for ${byId.size} pushes, ${duplicates} repeats, ${retries} retries ${JSON.stringify(Object.fromEntries(failures))} ` +
        `(${inFlightAtKill.map((kill) => `${kill.ids.length} unanswered at kill ${kill.life}`).join(", ")}); ${receivedBeforeLastKill} received before the last kill`,
    );
  }, 120_000);
});
