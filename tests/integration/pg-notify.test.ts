// LISTEN/NOTIFY wake-ups between processes on PostgreSQL, against the local server with raw `pg`
// connections (a scratch database of its own, whichever provider the rest of the suite runs on).
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { coalescedNotifier, listenForNewWork, NOTIFY_NEW_WORK_SQL, type NewWorkListener } from "@/lib/webhooks/pg-notify";
import { eventually } from "../support/receiver";
import { adminQuery, postgresAnswers, scratchDatabase } from "../support/pg-scratch";

const available = await postgresAnswers();
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe.skipIf(!available)("dispatcher wake-ups through PostgreSQL notifications (needs PostgreSQL on 127.0.0.1:5432)", () => {
  let database: Awaited<ReturnType<typeof scratchDatabase>>;
  let sender: pg.Client;
  const listeners: NewWorkListener[] = [];

  async function listen(): Promise<{ wakes: number[]; listener: NewWorkListener }> {
    const wakes: number[] = [];
    const listener = listenForNewWork(database.url, () => wakes.push(performance.now()), { minBackoffMs: 50 });
    listeners.push(listener);
    await listener.ready;
    expect(wakes, "one wake-up once listening, for work committed before").toHaveLength(1);
    wakes.length = 0;
    return { wakes, listener };
  }

  const listenerBackends = async () =>
    (await sender.query<{ pid: number }>("SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND application_name = 'cwc-dispatcher-listen'")).rows.map((row) => row.pid);

  beforeAll(async () => {
    database = await scratchDatabase("cwc_notify");
    sender = new pg.Client({ connectionString: database.url });
    await sender.connect();
  });

  afterAll(async () => {
    await Promise.all(listeners.map((listener) => listener.stop()));
    await sender?.end();
    await database?.drop();
  });

  it("a NOTIFY from another connection wakes the listener within milliseconds, and only once it is committed", async () => {
    const { wakes, listener } = await listen();
    const sentAt = performance.now();
    await sender.query(NOTIFY_NEW_WORK_SQL);
    await eventually(async () => wakes.length, (count) => count === 1, 2_000, "the wake-up");
    const latencyMs = wakes[0]! - sentAt;
    expect(latencyMs).toBeLessThan(250);

    // Inside a transaction: nothing until COMMIT, then one wake-up for three NOTIFYs (folded).
    await sender.query("BEGIN");
    for (let i = 0; i < 3; i++) await sender.query(NOTIFY_NEW_WORK_SQL);
    await sleep(150);
    expect(wakes).toHaveLength(1);
    await sender.query("COMMIT");
    await eventually(async () => wakes.length, (count) => count === 2, 2_000, "the wake-up after commit");
    await sleep(150);
    expect(wakes).toHaveLength(2);
    console.info(`pg-notify: wake-up ${latencyMs.toFixed(1)} ms after NOTIFY`);
    await listener.stop();
  });

  it("a listener whose connection is terminated reconnects, wakes once for what it may have missed, and hears later notifications", async () => {
    const { wakes, listener } = await listen();
    const [pid] = await listenerBackends();
    expect(pid).toBeDefined();
    await sender.query("SELECT pg_terminate_backend($1)", [pid]);
    // Sent while the listener is away: lost, which is why it wakes after reconnecting.
    await sender.query(NOTIFY_NEW_WORK_SQL);
    await eventually(async () => wakes.length, (count) => count >= 1, 5_000, "the wake-up after reconnecting");
    const backends = await eventually(listenerBackends, (pids) => pids.length === 1, 5_000, "one listening connection again");
    expect(backends[0]).not.toBe(pid);

    const before = wakes.length;
    await sender.query(NOTIFY_NEW_WORK_SQL);
    await eventually(async () => wakes.length, (count) => count === before + 1, 2_000, "a wake-up on the new connection");
    await listener.stop();
  });

  it("keeps retrying with backoff while the database refuses connections, and wakes once it gets through", async () => {
    const { wakes, listener } = await listen();
    await adminQuery(`ALTER DATABASE ${pg.escapeIdentifier(database.name)} ALLOW_CONNECTIONS false`);
    try {
      const [pid] = await listenerBackends();
      await sender.query("SELECT pg_terminate_backend($1)", [pid]);
      await sleep(600); // several refused attempts (backoff from 50 ms)
      expect(await listenerBackends()).toEqual([]);
      expect(wakes).toHaveLength(0);
    } finally {
      await adminQuery(`ALTER DATABASE ${pg.escapeIdentifier(database.name)} ALLOW_CONNECTIONS true`);
    }
    await eventually(async () => wakes.length, (count) => count === 1, 5_000, "the wake-up once connections are allowed again");
    expect(await listenerBackends()).toHaveLength(1);
    await listener.stop();
  });

  it("stops cleanly: its connection closes and later notifications wake nothing", async () => {
    const { wakes, listener } = await listen();
    await listener.stop();
    await eventually(listenerBackends, (pids) => pids.length === 0, 5_000, "no listening connection");
    await sender.query(NOTIFY_NEW_WORK_SQL);
    await sleep(200);
    expect(wakes).toHaveLength(0);
  });

  it("folds a burst of signals into at most two NOTIFYs, the last one sent after the last signal", async () => {
    const { wakes, listener } = await listen();
    let sent = 0;
    let lastSendStartedAt = 0;
    const notify = coalescedNotifier(async () => {
      sent++;
      lastSendStartedAt = performance.now();
      await sender.query(NOTIFY_NEW_WORK_SQL);
    });
    let lastSignalAt = 0;
    for (let i = 0; i < 100; i++) {
      notify();
      lastSignalAt = performance.now();
    }
    await eventually(async () => wakes.length, (count) => count >= 1, 2_000, "a wake-up");
    await sleep(150);
    expect(sent).toBe(2);
    expect(lastSendStartedAt).toBeGreaterThanOrEqual(lastSignalAt);
    expect(wakes.length).toBeLessThanOrEqual(2);
    await listener.stop();
  });
});
