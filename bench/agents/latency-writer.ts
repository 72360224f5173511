// Agent: the embedded default's one process (`npm start`), as far as delivery goes: it changes device
// statuses through the app's service (lib/device-events.ts, the path the console and the API take)
// at a steady rate, paced like the simulator (lib/simulator/pacer.ts: no drift, no bursts), and runs
// the app's delivery beside them (startDelivery) unless a separate worker delivers. It first creates
// one enterprise account per callback URL (owner and webhook through the app's services) and its
// devices. For every change that queued a notification it records the wall clock when the change's
// caller was answered (the change durable). Controlled over IPC by latency-writer-handle.ts:
//   → {type: "ran", ...WriterRun} when the changes are made (delivery goes on)
//   ← {type: "report"}  → {type: "reported"} once the changes are in config.out (joined with their
//   device events' timestamps, read only now so the read never competes with the measured deliveries)
//   SIGTERM: delivery finishes the attempts under way, then the process exits.
//   latency-writer.ts '<WriterConfig as JSON>'
import { writeFileSync } from "node:fs";
import { changeDeviceStatus, createDevice } from "@/lib/device-events";
import { db } from "@/lib/db";
import { Pacer } from "@/lib/simulator/pacer";
import { createUserWithAccount } from "@/lib/users";
import { startDelivery, startSqliteCheckpoints } from "@/lib/webhooks/process";
import { saveWebhookSettings } from "@/lib/webhooks/settings";

export type WriterConfig = {
  // One account per URL, its webhook pointing there.
  callbackUrls: string[];
  devicesPerAccount: number;
  ratePerSecond: number;
  // Changes made first, at the same rate, and flagged as warm-up (connections, JIT, caches).
  warmupMs: number;
  durationMs: number;
  // Run the app's delivery in this process (SQLite's embedded default) or leave it to a worker.
  deliver: boolean;
  out: string;
};

// One change that queued a notification: the (device_id, timestamp) its notification carries, and
// from the event log its first push (webhook-id, when it was formed, and its attempts so far; whole
// milliseconds), to tell where the time between commit and arrival goes.
export type LoggedAttempt = { startedAt: number; durationMs: number };
export type RecordedChange = {
  deviceId: string;
  timestamp: number;
  answeredAt: number;
  warmup: boolean;
  push: { id: string; formedAt: number; attempts: LoggedAttempt[] } | null;
};

// slotsMissed: over the whole run, warm-up included (lib/simulator/pacer.ts).
export type WriterRun = { notified: number; measuredChanges: number; measuredSeconds: number; slotsMissed: number; errors: number; firstError: string | null };

const ACTOR = "bench-latency";
// Changes waiting for their answer at once, as from that many clients: a thousand a second at a
// commit's latency (a few ms, a group's log sync included) keep a few dozen open. Fewer than the
// devices, so a device's changes never overlap.
const MAX_IN_FLIGHT = 64;
const SUBSCRIBED = ["compliant", "non_compliant"] as const;

const config = JSON.parse(process.argv[2]!) as WriterConfig;
const now = () => performance.timeOrigin + performance.now();

type Device = { accountId: string; deviceId: string; compliant: boolean };

// Devices interleaved by account, so that round robin spreads the rate evenly over the accounts.
async function setUp(): Promise<Device[]> {
  const devices: Device[] = [];
  for (const [index, callbackUrl] of config.callbackUrls.entries()) {
    const tag = String(index + 1).padStart(2, "0");
    const { accountId, accountPlan } = await createUserWithAccount({ accountName: `Latency bench ${tag}`, plan: "enterprise", email: `owner@latency-${tag}.example`, role: "owner" }, ACTOR);
    await saveWebhookSettings({ id: accountId, plan: accountPlan }, { callbackUrl, apiKey: `bench-key-${tag}`, events: [...SUBSCRIBED], enabled: true }, ACTOR);
    for (let number = 1; number <= config.devicesPerAccount; number++) {
      const deviceId = `LAT-${tag}-${String(number).padStart(4, "0")}`;
      // Enrolled as `installed`, which the webhook is not subscribed to: no notification yet.
      await createDevice(accountId, { deviceId, name: `Latency bench device ${deviceId}`, platform: "Windows 11" }, ACTOR);
      devices[(number - 1) * config.callbackUrls.length + index] = { accountId, deviceId, compliant: false };
    }
  }
  return devices;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)));
}

const devices = await setUp();
const delivery = config.deliver ? startDelivery() : null;
// Without delivery, as the web process with DISPATCHER_IN_PROCESS=false: checkpoints on their own thread.
const stopCheckpoints = config.deliver ? null : await startSqliteCheckpoints();

const committed: { deviceId: string; eventId: string; answeredAt: number; warmup: boolean }[] = [];
const inFlight = new Set<Promise<void>>();
let errors = 0;
let firstError: string | null = null;

function change(device: Device, warmup: boolean): void {
  device.compliant = !device.compliant;
  const run: Promise<void> = changeDeviceStatus(device.accountId, device.deviceId, device.compliant ? "compliant" : "non_compliant", ACTOR)
    .then((result) => {
      const answeredAt = now();
      if (result.notified) committed.push({ deviceId: device.deviceId, eventId: result.eventId!, answeredAt, warmup });
    })
    .catch((error: Error) => {
      errors++;
      firstError ??= error.message.split("\n")[0]!;
    })
    .finally(() => inFlight.delete(run));
  inFlight.add(run);
}

// The simulator's loop (lib/simulator/runner.ts), one device after another in round robin, except
// that slots missed while this process was busy are all made at once, as independent clients would
// send them: the achieved rate is the app's, not how often a timer of this loop fires.
const startMs = performance.now();
const measuredFromMs = startMs + config.warmupMs;
const endMs = measuredFromMs + config.durationMs;
const pacer = new Pacer(config.ratePerSecond, startMs, { catchUpSpeed: Infinity });
while (pacer.nextDueMs() < endMs) {
  if (inFlight.size >= MAX_IN_FLIGHT) {
    await Promise.race(inFlight);
    continue;
  }
  const at = performance.now();
  if (pacer.take(at)) change(devices[(pacer.slotsTaken - 1) % devices.length]!, at < measuredFromMs);
  else await sleep(Math.min(pacer.nextDueMs(), endMs) - at);
}
const stoppedMs = Math.min(performance.now(), endMs);
await Promise.all(inFlight);

const measured = committed.filter((entry) => !entry.warmup);
const run: WriterRun = {
  notified: committed.length,
  measuredChanges: measured.length,
  measuredSeconds: (stoppedMs - measuredFromMs) / 1000,
  slotsMissed: pacer.slotsMissed(stoppedMs),
  errors,
  firstError,
};
process.send!({ type: "ran", ...run });

// Bounded reads: Prisma loads the nested pushes with one parameter per parent row.
const REPORT_CHUNK = 500;

async function report(): Promise<void> {
  const attempts = { select: { startedAt: true, durationMs: true }, orderBy: { number: "asc" } } as const;
  const ids = committed.map((entry) => entry.eventId);
  const events = [];
  for (let start = 0; start < ids.length; start += REPORT_CHUNK) {
    events.push(
      ...(await db.deviceEvent.findMany({
        where: { id: { in: ids.slice(start, start + REPORT_CHUNK) } },
        select: { id: true, occurredAt: true, notification: { select: { items: { select: { push: { select: { id: true, createdAt: true, attempts } } } } } } },
      })),
    );
  }
  const byId = new Map(events.map((event) => [event.id, event]));
  const changes: RecordedChange[] = committed.map(({ deviceId, eventId, answeredAt, warmup }) => {
    const event = byId.get(eventId)!;
    const push = event.notification?.items.map((item) => item.push).sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime())[0];
    return {
      deviceId,
      timestamp: event.occurredAt.getTime(),
      answeredAt,
      warmup,
      push: push ? { id: push.id, formedAt: push.createdAt.getTime(), attempts: push.attempts.map((attempt) => ({ startedAt: attempt.startedAt.getTime(), durationMs: attempt.durationMs })) } : null,
    };
  });
  writeFileSync(config.out, JSON.stringify(changes));
  process.send!({ type: "reported" });
}

process.on("message", (message: { type: string }) => {
  if (message.type === "report") void report();
});

// The IPC channel keeps the process alive while it delivers; SIGTERM ends it cleanly.
process.once("SIGTERM", async () => {
  await delivery?.stop();
  await stopCheckpoints?.();
  await db.$disconnect();
  process.exit(0);
});
