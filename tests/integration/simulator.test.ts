// The device simulator against a real database: paced changes through the device-events service,
// the notifications they enqueue and their delivery by a real dispatcher to a real receiver, and
// `npm run simulate` run as a process (bad flags, a timed run, a stop by SIGTERM).
import { spawn, spawnSync } from "node:child_process";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { db } from "@/lib/db";
import { simulatedDeviceProfile } from "@/lib/simulator/fleet";
import type { SimulationProgress } from "@/lib/simulator/progress";
import { RunNotificationCounter } from "@/lib/simulator/queries";
import { runSimulation, SIMULATOR_ACTOR } from "@/lib/simulator/runner";
import { createUserWithAccount } from "@/lib/users";
import { eventually } from "../support/receiver";
import { accountWithWebhook, useDeliveryHarness } from "../support/webhook-fixtures";

const root = path.resolve(import.meta.dirname, "../..");
const harness = useDeliveryHarness();

const eventsOf = (accountId: string) =>
  db.deviceEvent.findMany({ where: { accountId, actor: SIMULATOR_ACTOR }, orderBy: [{ occurredAt: "asc" }, { id: "asc" }] });

// Each device's statuses in the order they were set.
async function historyByDevice(accountId: string): Promise<Map<string, string[]>> {
  const history = new Map<string, string[]>();
  for (const event of await eventsOf(accountId)) history.set(event.deviceId, [...(history.get(event.deviceId) ?? []), event.status]);
  return history;
}

describe("a simulation run", () => {
  it("enrolls the devices and records one device event and one notification per change, picking up where it left off", async () => {
    const { accountId } = await accountWithWebhook("https://receiver.example.test/hooks");
    const summary = await runSimulation({ accountId, devices: 4, ratePerSecond: 10, durationMs: 2000, seed: 2 });

    // 20 slots in two seconds; a slot is missed only when the machine is too busy to keep up.
    expect(summary.changes + summary.slotsMissed).toBe(20);
    expect(summary.changes).toBeGreaterThanOrEqual(8);
    expect(summary).toMatchObject({ errors: 0, unchanged: 0, interrupted: false, queued: summary.changes });
    expect(summary.byKind.enroll).toBe(4);
    expect(summary.elapsedMs).toBeGreaterThanOrEqual(2000);

    const devices = await db.device.findMany({ where: { accountId }, orderBy: { deviceId: "asc" } });
    expect(devices.map(({ deviceId, name, platform }) => ({ deviceId, name, platform }))).toEqual(
      [1, 2, 3, 4].map((number) => ({ deviceId: `SIM-000${number}`, ...simulatedDeviceProfile(number) })),
    );
    expect(await db.deviceEvent.count({ where: { accountId, actor: SIMULATOR_ACTOR } })).toBe(summary.changes);
    // No dispatcher runs here: every notification is still waiting, the first in the push its change
    // formed, the rest gathered behind it for the dispatcher to batch.
    expect(await db.notification.count({ where: { accountId, state: "queued" } })).toBe(1);
    expect(await db.notification.count({ where: { accountId, state: "pending" } })).toBe(summary.changes - 1);
    expect(summary.notifications).toEqual({ waiting: summary.changes, delivered: 0, failed: 0, held: 0 });

    const second = await runSimulation({ accountId, devices: 4, ratePerSecond: 20, durationMs: 500, seed: 1 });
    expect(second.byKind.enroll).toBe(0);
    expect(second.changes).toBeGreaterThan(0);
    expect(second.notifications.waiting).toBe(second.changes);

    // Each device's history is one unbroken chain across both runs, ending at its current status.
    const events = await eventsOf(accountId);
    expect(events).toHaveLength(summary.changes + second.changes);
    for (const device of devices) {
      const chain = events.filter((event) => event.deviceId === device.deviceId);
      expect(chain[0]).toMatchObject({ previousStatus: null, status: "installed" });
      chain.slice(1).forEach((event, index) => expect(event.previousStatus).toBe(chain[index]!.status));
      const current = await db.device.findUniqueOrThrow({ where: { id: device.id } });
      expect(current.status).toBe(chain.at(-1)!.status);
    }
  });

  it("repeats the same changes for the same seed", async () => {
    const runs = [];
    for (let i = 0; i < 2; i++) {
      const { accountId } = await createUserWithAccount({ accountName: `Seeded ${i}`, email: `seeded${i}@sim.test`, role: "owner" }, "test");
      await runSimulation({ accountId, devices: 5, ratePerSecond: 25, durationMs: 800, seed: 2024 });
      runs.push(await historyByDevice(accountId));
    }
    // A slot missed on a busy machine shortens a run; what was done is the same sequence.
    const [first, second] = runs as [Map<string, string[]>, Map<string, string[]>];
    expect([...first.keys()].sort()).toEqual([...second.keys()].sort());
    for (const [deviceId, statuses] of first) {
      const other = second.get(deviceId)!;
      const shorter = Math.min(statuses.length, other.length);
      expect(other.slice(0, shorter)).toEqual(statuses.slice(0, shorter));
    }
  });

  it("queues no notifications for an account without a webhook", async () => {
    const { accountId } = await createUserWithAccount({ accountName: "No Webhook", email: "nohook@sim.test", role: "owner" }, "test");
    const summary = await runSimulation({ accountId, devices: 3, ratePerSecond: 20, durationMs: 400, seed: 3 });
    expect(summary.changes).toBeGreaterThan(0);
    expect(summary.queued).toBe(0);
    expect(await db.notification.count({ where: { accountId } })).toBe(0);
  });

  it("is delivered by the dispatcher to the receiver, and counts what was delivered", async () => {
    const { accountId } = await accountWithWebhook(harness.receiver.url);
    harness.start();
    const startedAt = new Date();
    const ticks: SimulationProgress[] = [];
    const summary = await runSimulation({ accountId, devices: 3, ratePerSecond: 20, durationMs: 1500, seed: 7 }, { onProgress: (progress) => ticks.push(progress) });
    expect(summary.queued).toBe(summary.changes);
    expect(ticks.length).toBeGreaterThanOrEqual(1);
    expect(ticks[0]!.changes).toBeGreaterThan(0);

    const counter = new RunNotificationCounter(accountId, startedAt, SIMULATOR_ACTOR);
    const counts = await eventually(() => counter.read(), (value) => value.delivered === summary.changes, 15_000, "every notification delivered");
    expect(counts).toEqual({ waiting: 0, delivered: summary.changes, failed: 0, held: 0 });
    // A minute later every event has settled: counted once, then kept without reading them again.
    const later = new Date(Date.now() + 60_000);
    const settledCounter = new RunNotificationCounter(accountId, startedAt, SIMULATOR_ACTOR);
    expect(await settledCounter.read(later)).toEqual(counts);
    expect(await settledCounter.read(later)).toEqual(counts);

    const received = harness.receiver.requests.flatMap((request) => JSON.parse(request.body) as { device_id: string; status: string; timestamp: number }[]);
    const events = await eventsOf(accountId);
    const key = (item: { deviceId: string; status: string; at: number }) => `${item.deviceId} ${item.status} ${item.at}`;
    expect(received.map((item) => key({ deviceId: item.device_id, status: item.status, at: item.timestamp })).sort()).toEqual(
      events.map((event) => key({ deviceId: event.deviceId, status: event.status, at: event.occurredAt.getTime() })).sort(),
    );
  });
});

// As package.json runs it: one node process, so signals reach the simulator itself.
const NODE_ARGS = ["--import", "tsx", "--conditions=react-server", "scripts/simulate.ts"];

function simulate(...args: string[]) {
  return spawnSync(process.execPath, [...NODE_ARGS, ...args], { cwd: root, env: process.env, encoding: "utf8", timeout: 60_000 });
}

const printedChanges = (stdout: string) => Number(/^Changes:\s+(\d+)/m.exec(stdout)?.[1]);

describe("npm run simulate", () => {
  it("rejects bad flags with exit code 2, naming each flag, and the usage line", () => {
    const bad = simulate("--devices", "0", "--rate", "fast", "--duration=-5");
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain("--devices: Enter a whole number of devices from 1 to 100000.");
    expect(bad.stderr).toContain("--rate: Enter the changes per second");
    expect(bad.stderr).toContain("--duration: Enter the duration in seconds");
    expect(bad.stderr).toContain("Usage: npm run simulate --");
    expect(bad.stderr).not.toMatch(/\bat .*\.ts:\d+/); // no stack trace

    const unknown = simulate("--devcies", "5");
    expect(unknown.status).toBe(2);
    expect(unknown.stderr).toContain("Unknown option '--devcies'");
  });

  it("says so when the demo account or the named account does not exist", () => {
    const demo = simulate("--duration", "1");
    expect(demo.status).toBe(2);
    expect(demo.stderr).toContain('The demo account "Demo Enterprise" does not exist');
    const named = simulate("--account", "Nobody Inc", "--duration", "1");
    expect(named.status).toBe(2);
    expect(named.stderr).toContain('No account is named "Nobody Inc"');
  });

  it("runs for the duration and prints a summary that matches the database", async () => {
    const { accountId } = await accountWithWebhook("https://receiver.example.test/hooks");
    const { name } = await db.account.findUniqueOrThrow({ where: { id: accountId } });
    const result = simulate("--account", name, "--devices", "3", "--rate", "10", "--duration", "1", "--seed", "9");
    expect(result.stderr).toBe("");
    expect(result.status).toBe(0);
    expect(result.stdout).toContain(`Simulating 3 devices (SIM-0001..SIM-0003) of "${name}" at 10 changes/s for 1 s`);
    expect(result.stdout).toContain("Webhook: on for installed, compliant, non_compliant, deleted");
    expect(result.stdout).toContain("Finished after");
    const changes = printedChanges(result.stdout);
    expect(changes).toBeGreaterThan(0);
    expect(await db.deviceEvent.count({ where: { accountId, actor: SIMULATOR_ACTOR } })).toBe(changes);
    expect(result.stdout).toContain(`Notifications: ${changes} queued, 0 delivered; ${changes} still waiting for delivery`);
    expect(result.stdout).toContain("Seed:          9");
  });

  it("stops cleanly on SIGTERM and prints the summary", async () => {
    const { accountId } = await createUserWithAccount({ accountName: "Stopped Run", email: "stopped@sim.test", role: "owner" }, "test");
    const child = spawn(process.execPath, [...NODE_ARGS, "--account", "Stopped Run", "--devices", "2", "--rate", "20"], { cwd: root, env: process.env });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString("utf8")));
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString("utf8")));
    const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));

    await eventually(async () => db.deviceEvent.count({ where: { accountId } }), (count) => count >= 5, 30_000, "the run's first changes");
    child.kill("SIGTERM");
    expect(await exited).toBe(0);
    expect(stderr).toBe("");
    expect(stdout).toContain("until Ctrl-C");
    expect(stdout).toContain("Stopped after");
    expect(stdout).toContain("Webhook: not configured, so the changes queue no notifications.");
    const changes = printedChanges(stdout);
    expect(await db.deviceEvent.count({ where: { accountId, actor: SIMULATOR_ACTOR } })).toBe(changes);
    expect(changes).toBeGreaterThanOrEqual(5);
  });
});
