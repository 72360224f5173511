// Runs a simulation: paced, realistic status changes of the simulated devices of one account,
// applied through the same service as the console and the API (lib/device-events.ts), so that each
// change writes its device event and its notification in one transaction and the dispatcher (in the
// console or a worker, another process) delivers them.
import "server-only";
import { changeDeviceStatus, createDevice, deleteDevice, type StatusChange } from "@/lib/device-events";
import { getDevice } from "@/lib/devices";
import { Fleet, simulatedDeviceProfile, type SimulatedChange } from "@/lib/simulator/fleet";
import { Pacer } from "@/lib/simulator/pacer";
import type { SimulationProgress, SimulationSummary } from "@/lib/simulator/progress";
import { loadSimulatedDeviceStatuses, RunNotificationCounter } from "@/lib/simulator/queries";
import { seededRandom } from "@/lib/simulator/random";
import { CHANGE_KINDS, type SimulatedState } from "@/lib/simulator/transitions";

// The actor recorded on every device event the simulator writes.
export const SIMULATOR_ACTOR = "simulator";

// Changes in flight at once. On SQLite they are written one after another anyway; on PostgreSQL a
// few at once let a high rate keep up. Changes of one device are always applied in order.
const MAX_IN_FLIGHT = 8;
const PROGRESS_INTERVAL_MS = 1000;
const MAX_ERROR_MESSAGES = 3;

export type SimulationOptions = {
  accountId: string;
  devices: number;
  ratePerSecond: number;
  // null: until the signal aborts.
  durationMs: number | null;
  seed: number;
};

export type SimulationHooks = {
  // Stops the run: no new changes; those in flight finish; then the summary.
  signal?: AbortSignal;
  // Called about once a second with fresh notification counts.
  onProgress?: (progress: SimulationProgress) => void;
};

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const done = () => {
      clearTimeout(timer);
      signal?.removeEventListener("abort", done);
      resolve();
    };
    const timer = setTimeout(done, Math.max(0, ms));
    signal?.addEventListener("abort", done, { once: true });
  });
}

// The service stamps each event when its transaction starts, as for a change in the console.
function applyChange(accountId: string, change: SimulatedChange): Promise<StatusChange> {
  if (change.kind === "enroll") return createDevice(accountId, { deviceId: change.deviceId, ...simulatedDeviceProfile(change.number) }, SIMULATOR_ACTOR);
  if (change.kind === "delete") return deleteDevice(accountId, change.deviceId, SIMULATOR_ACTOR);
  return changeDeviceStatus(accountId, change.deviceId, change.to, SIMULATOR_ACTOR);
}

function firstLine(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).trim().split("\n")[0]!.slice(0, 200);
}

export async function runSimulation(options: SimulationOptions, hooks: SimulationHooks = {}): Promise<SimulationSummary> {
  const { accountId } = options;
  const fleet = new Fleet(options.devices, await loadSimulatedDeviceStatuses(accountId, options.devices));
  const random = seededRandom(options.seed);
  const startedAt = new Date();
  const startMs = performance.now();
  const endMs = options.durationMs === null ? Infinity : startMs + options.durationMs;
  const pacer = new Pacer(options.ratePerSecond, startMs);

  const progress: SimulationProgress = {
    elapsedMs: 0,
    changes: 0,
    byKind: Object.fromEntries(CHANGE_KINDS.map((kind) => [kind, 0])) as SimulationProgress["byKind"],
    unchanged: 0,
    errors: 0,
    queued: 0,
    notifications: { waiting: 0, delivered: 0, failed: 0, held: 0 },
  };
  const errorMessages = new Set<string>();

  // The last change queued per device: the next change of that device waits for it.
  const deviceTails = new Map<string, Promise<void>>();
  const inFlight = new Set<Promise<void>>();

  async function resync(deviceId: string): Promise<void> {
    const device = await getDevice(accountId, deviceId).catch(() => undefined);
    if (device !== undefined) fleet.set(deviceId, (device?.status as SimulatedState | undefined) ?? "unenrolled");
  }

  function issue(change: SimulatedChange): void {
    const previous = deviceTails.get(change.deviceId) ?? Promise.resolve();
    const run: Promise<void> = previous.then(async () => {
      try {
        const result = await applyChange(accountId, change);
        if (result.changed) {
          progress.changes++;
          progress.byKind[change.kind]++;
        } else progress.unchanged++;
        if (result.notified) progress.queued++;
      } catch (error) {
        progress.errors++;
        if (errorMessages.size < MAX_ERROR_MESSAGES) errorMessages.add(firstLine(error));
        // The view now differs from the database: read the device back unless more changes of it wait.
        if (deviceTails.get(change.deviceId) === run) await resync(change.deviceId);
      } finally {
        if (deviceTails.get(change.deviceId) === run) deviceTails.delete(change.deviceId);
        inFlight.delete(run);
      }
    });
    deviceTails.set(change.deviceId, run);
    inFlight.add(run);
  }

  const counter = new RunNotificationCounter(accountId, startedAt, SIMULATOR_ACTOR);
  let reading: Promise<void> | null = null;
  // A read that fails (the database busy for longer than its timeout) keeps the last counts: the
  // counts are for display, the changes themselves are what the run must not lose.
  async function refreshProgress(): Promise<void> {
    progress.elapsedMs = performance.now() - startMs;
    progress.notifications = await counter.read().catch(() => progress.notifications);
  }
  const ticker = setInterval(() => {
    if (reading) return; // at most one read at a time, and at most one a second
    reading = refreshProgress()
      .then(() => hooks.onProgress?.({ ...progress, byKind: { ...progress.byKind }, notifications: { ...progress.notifications } }))
      .finally(() => (reading = null));
  }, PROGRESS_INTERVAL_MS);

  let stoppedMs = endMs;
  try {
    while (!hooks.signal?.aborted && pacer.nextDueMs() < endMs) {
      if (inFlight.size >= MAX_IN_FLIGHT) {
        await Promise.race(inFlight);
        continue;
      }
      const now = performance.now();
      if (pacer.take(now)) issue(fleet.nextChange(random));
      else await sleep(Math.min(pacer.nextDueMs(), endMs) - now, hooks.signal);
    }
    stoppedMs = Math.min(performance.now(), endMs);
    await Promise.all(inFlight);
    // The last slot is one interval before the end: the run lasts its full duration, like its rate.
    // (A timer may fire a fraction of a millisecond early: wait until the end has passed.)
    while (Number.isFinite(endMs) && !hooks.signal?.aborted && performance.now() < endMs) await sleep(endMs - performance.now(), hooks.signal);
  } finally {
    clearInterval(ticker);
    await reading;
  }

  await refreshProgress();
  return {
    ...progress,
    ratePerSecond: options.ratePerSecond,
    slotsMissed: pacer.slotsMissed(stoppedMs),
    errorMessages: [...errorMessages],
    interrupted: hooks.signal?.aborted ?? false,
  };
}
