// The simulator's pure parts: the status model, its seeded determinism, the pacer, the flags.
import { describe, expect, it } from "vitest";
import { DEVICE_STATUSES } from "@/lib/contract/statuses";
import { Fleet, simulatedDeviceId, simulatedDeviceNumber, simulatedDeviceProfile, type SimulatedChange } from "@/lib/simulator/fleet";
import { flagErrors, simulateFlagsSchema } from "@/lib/simulator/options";
import { Pacer } from "@/lib/simulator/pacer";
import { formatProgressLine, formatSummary, type SimulationSummary } from "@/lib/simulator/progress";
import { seededRandom } from "@/lib/simulator/random";
import { SIMULATED_STATES } from "@/lib/simulator/transitions";

// What a device may do next, as the product defines it: enroll as installed, pass or fail checks,
// be deleted from any enrolled state, and come back only through a new installation.
const ALLOWED: Record<string, string[]> = {
  unenrolled: ["installed"],
  installed: ["compliant", "non_compliant", "deleted"],
  compliant: ["non_compliant", "deleted"],
  non_compliant: ["compliant", "deleted"],
  deleted: ["installed"],
};

function changes(fleet: Fleet, seed: number, count: number): SimulatedChange[] {
  const random = seededRandom(seed);
  return Array.from({ length: count }, () => fleet.nextChange(random));
}

describe("the status model", () => {
  it("only makes transitions a real device can make, and says which service call each is", () => {
    const seen = new Set<string>();
    const wrong: string[] = [];
    for (const change of changes(new Fleet(200), 7, 30_000)) {
      const kind = change.from === "unenrolled" ? "enroll" : change.from === "deleted" ? "re_enroll" : change.to === "deleted" ? "delete" : "compliance";
      if (!ALLOWED[change.from]?.includes(change.to) || change.kind !== kind) wrong.push(`${change.from} -> ${change.to} as ${change.kind}`);
      seen.add(`${change.from}->${change.to}`);
    }
    expect(wrong).toEqual([]);
    // Every allowed transition happens in a long run, so none of them is dead code in the model.
    expect([...seen].sort()).toEqual(Object.entries(ALLOWED).flatMap(([from, tos]) => tos.map((to) => `${from}->${to}`)).sort());
  });

  it("follows each device: a change starts from the status the previous change of that device set", () => {
    const fleet = new Fleet(30);
    const random = seededRandom(11);
    const last = new Map<string, string>();
    for (let step = 0; step < 5000; step++) {
      const change = fleet.nextChange(random);
      expect(change.from).toBe(last.get(change.deviceId) ?? "unenrolled");
      last.set(change.deviceId, change.to);
      expect(fleet.stateOf(change.deviceId)).toBe(change.to);
    }
  });

  it("enrolls new devices early, then settles into a mostly compliant fleet with few deletions", () => {
    const fleet = new Fleet(500);
    const run = changes(fleet, 3, 40_000);
    const firstEnrollments = run.slice(0, 1000).filter((change) => change.kind === "enroll").length;
    expect(firstEnrollments).toBeGreaterThan(400);
    expect(fleet.count("unenrolled")).toBe(0);
    expect(fleet.count("compliant") / 500).toBeGreaterThan(0.6);
    expect(fleet.count("non_compliant") / 500).toBeGreaterThan(0.05);
    expect(fleet.count("non_compliant") / 500).toBeLessThan(0.35);
    expect(fleet.count("deleted") / 500).toBeLessThan(0.1);
    const deletions = run.filter((change) => change.kind === "delete").length;
    expect(deletions / run.length).toBeLessThan(0.03);
    expect(deletions).toBeGreaterThan(0);
    // Non-compliant devices are mostly remediated rather than deleted.
    const fromNonCompliant = run.filter((change) => change.from === "non_compliant");
    expect(fromNonCompliant.filter((change) => change.to === "compliant").length / fromNonCompliant.length).toBeGreaterThan(0.9);
  });

  it("starts from the statuses the devices have in the database", () => {
    const current = new Map([
      [simulatedDeviceId(1), "deleted" as const],
      [simulatedDeviceId(2), "compliant" as const],
    ]);
    const fleet = new Fleet(3, current);
    expect(SIMULATED_STATES.map((state) => fleet.count(state))).toEqual([1, 0, 1, 0, 1]);
    const firstOf = new Map<string, SimulatedChange>();
    for (const change of changes(fleet, 5, 200)) if (!firstOf.has(change.deviceId)) firstOf.set(change.deviceId, change);
    expect(firstOf.get("SIM-0001")).toMatchObject({ from: "deleted", to: "installed", kind: "re_enroll" });
    expect(firstOf.get("SIM-0002")?.from).toBe("compliant");
    expect(firstOf.get("SIM-0003")).toMatchObject({ from: "unenrolled", to: "installed", kind: "enroll" });
  });

  it("replays the same changes for the same seed, and different ones for another seed", () => {
    const a = changes(new Fleet(100), 42, 2000);
    const b = changes(new Fleet(100), 42, 2000);
    const c = changes(new Fleet(100), 43, 2000);
    expect(b).toEqual(a);
    expect(c.map((change) => change.deviceId)).not.toEqual(a.map((change) => change.deviceId));
  });

  it("only uses the contract's statuses", () => {
    for (const change of changes(new Fleet(50), 1, 3000)) expect(DEVICE_STATUSES).toContain(change.to);
  });
});

describe("simulated devices", () => {
  it("are numbered SIM-0001 onwards with a stable name and platform", () => {
    expect(simulatedDeviceId(1)).toBe("SIM-0001");
    expect(simulatedDeviceId(12345)).toBe("SIM-12345");
    expect(simulatedDeviceNumber("SIM-0042")).toBe(42);
    expect(simulatedDeviceNumber("LAPTOP-0417")).toBeNull();
    expect(simulatedDeviceNumber("SIM-42")).toBeNull();
    expect(simulatedDeviceProfile(1)).toEqual({ name: "Simulated Windows laptop 0001", platform: "Windows 11" });
    expect(simulatedDeviceProfile(8)).toEqual({ name: "Simulated MacBook 0008", platform: "macOS 15" });
  });
});

// Drives a pacer the way the runner does: wake at the next due time plus some timer lateness.
function drive(pacer: Pacer, endMs: number, lateness: (slot: number) => number): number[] {
  const taken: number[] = [];
  let now = 0;
  while (pacer.nextDueMs() < endMs) {
    now = Math.max(now, pacer.nextDueMs() + lateness(taken.length));
    if (pacer.take(now)) taken.push(now);
  }
  return taken;
}

describe("the pacer", () => {
  it("gives exactly rate x duration slots, evenly spaced, with late timers and no drift over an hour", () => {
    const random = seededRandom(9);
    const pacer = new Pacer(50, 0);
    const taken = drive(pacer, 3_600_000, () => random() * 8);
    expect(taken).toHaveLength(180_000);
    expect(pacer.slotsMissed(3_600_000)).toBe(0);
    // Slot n is made close to n x 20 ms, however late the timers were before it.
    const worst = taken.reduce((most, time, slot) => Math.max(most, Math.abs(time - slot * 20)), 0);
    expect(worst).toBeLessThan(8 + 20);
  });

  it("spreads slots evenly inside each second instead of sending them at the start of it", () => {
    const pacer = new Pacer(10, 1000);
    const taken = drive(pacer, 2000, () => 0);
    expect(taken).toEqual([1000, 1100, 1200, 1300, 1400, 1500, 1600, 1700, 1800, 1900]);
  });

  it("handles fractional rates", () => {
    const pacer = new Pacer(0.5, 0);
    expect(drive(pacer, 10_000, () => 0)).toEqual([0, 2000, 4000, 6000, 8000]);
  });

  it("makes up a late slot at twice the rate at most, then returns to the grid", () => {
    const pacer = new Pacer(50, 0);
    expect(pacer.take(0)).toBe(true);
    // 30 ms late for the slot at 20 ms: it is made now, the one at 40 ms 10 ms later, not at once.
    expect(pacer.take(50)).toBe(true);
    expect(pacer.take(50)).toBe(false);
    expect(pacer.nextDueMs()).toBe(60);
    expect(pacer.take(60)).toBe(true);
    expect(pacer.take(70)).toBe(true);
    expect(pacer.nextDueMs()).toBe(80);
    expect(pacer.slotsMissed(80)).toBe(0);
  });

  it("with an unlimited catch-up speed, makes every missed slot at once, and keeps to the grid", () => {
    const pacer = new Pacer(1000, 0, { catchUpSpeed: Infinity });
    expect(pacer.take(0)).toBe(true);
    // At 4.5 ms the slots at 1, 2, 3 and 4 ms are all due at once; the one at 5 ms is not.
    expect([pacer.take(4.5), pacer.take(4.5), pacer.take(4.5), pacer.take(4.5)]).toEqual([true, true, true, true]);
    expect(pacer.take(4.5)).toBe(false);
    expect(pacer.nextDueMs()).toBe(5);
    expect(pacer.slotsMissed(5)).toBe(0);
  });

  it("after a stall, gives up what is beyond a second's backlog and makes up the rest without a burst", () => {
    const pacer = new Pacer(50, 0);
    // The timer for slot 1 (due at 20 ms) fires 3 s late: 2 s beyond the allowed backlog are 100 slots.
    const taken = drive(pacer, 10_000, (slot) => (slot === 1 ? 3000 : 0));
    const gaps = taken.slice(1).map((time, index) => time - taken[index]!);
    expect(Math.min(...gaps)).toBeGreaterThanOrEqual(10);
    expect(pacer.slotsMissed(10_000)).toBe(100);
    expect(taken.length + pacer.slotsMissed(10_000)).toBe(500);
    // Back on the 20 ms grid once the backlog is made up.
    expect(taken.at(-1)).toBe(9980);
  });

  it("counts the slots still owed when a run stops while behind", () => {
    const pacer = new Pacer(10, 0);
    expect(pacer.take(0)).toBe(true);
    expect(pacer.slotsMissed(350)).toBe(3);
  });
});

describe("the flags of npm run simulate", () => {
  it("has defaults for everything", () => {
    expect(simulateFlagsSchema.parse({})).toEqual({ devices: 100, rate: 10 });
    expect(simulateFlagsSchema.parse({ account: " Acme ", devices: "500", rate: "2.5", duration: "60", seed: "7" })).toEqual({
      account: "Acme",
      devices: 500,
      rate: 2.5,
      duration: 60,
      seed: 7,
    });
  });

  it("names every bad flag with what it expects", () => {
    const result = simulateFlagsSchema.safeParse({ account: " ", devices: "1.5", rate: "0", duration: "soon", seed: "-1" });
    expect(result.success).toBe(false);
    expect(flagErrors(result.error!).split("\n")).toEqual([
      "--account: Enter the account's name.",
      "--devices: Enter a whole number of devices from 1 to 100000.",
      "--rate: Enter the changes per second: more than 0, at most 10000.",
      "--duration: Enter the duration in seconds: more than 0 (leave it out to run until Ctrl-C).",
      "--seed: Enter a whole number from 0 to 4294967295.",
    ]);
    expect(simulateFlagsSchema.safeParse({ devices: "" }).success).toBe(false);
    expect(simulateFlagsSchema.safeParse({ rate: "Infinity" }).success).toBe(false);
  });
});

describe("what the simulator prints", () => {
  const summary: SimulationSummary = {
    elapsedMs: 60_040,
    changes: 2990,
    byKind: { enroll: 500, re_enroll: 3, delete: 4, compliance: 2483 },
    unchanged: 0,
    errors: 1,
    queued: 2990,
    notifications: { waiting: 12, delivered: 2975, failed: 3, held: 0 },
    ratePerSecond: 50,
    slotsMissed: 10,
    errorMessages: ["database is locked"],
    interrupted: false,
  };

  it("shows elapsed time, changes, achieved rate, notifications queued vs delivered and errors on one line", () => {
    expect(formatProgressLine(summary)).toBe("60.0 s | 2990 changes | 49.8/s | notifications: 2990 queued, 2975 delivered, 3 failed | 1 error");
  });

  it("sums up the run with the seed that repeats it", () => {
    const text = formatSummary(summary, 1234);
    expect(text).toContain("Finished after 60.0 s.");
    expect(text).toContain("Changes:       2990 (500 enrolled, 3 re-enrolled, 4 deleted, 2483 compliance changes)");
    expect(text).toContain("49.8/s achieved, 50/s asked; 10 changes missed because the service could not keep up");
    expect(text).toContain("Notifications: 2990 queued, 2975 delivered, 3 failed; 12 still waiting for delivery");
    expect(text).toContain("Errors:        1\n  database is locked");
    expect(text).toContain("--seed 1234");
    expect(formatSummary({ ...summary, interrupted: true }, 1)).toMatch(/^Stopped after/);
  });
});
