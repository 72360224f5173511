// The status model of a simulated fleet. Pure (no database). Devices enroll as `installed`, mostly
// pass their first check, drift to `non_compliant` now and then and are mostly remediated; a few are
// deleted and enrolled again later. Weights are relative, so the fleet settles mostly compliant.
import { DEVICE_STATUSES, type DeviceStatus } from "@/lib/contract/statuses";
import { pickWeighted, type Random } from "@/lib/simulator/random";

// A simulated device is either not enrolled yet (no row in the account) or has a contract status.
export type SimulatedState = DeviceStatus | "unenrolled";

export const SIMULATED_STATES: readonly SimulatedState[] = ["unenrolled", ...DEVICE_STATUSES];

// How soon a device in each state changes next, relative to the others: new enrollments and fresh
// installs move fast, non-compliance is fixed within a while, compliant devices stay so longest.
export const STATE_CHANGE_WEIGHTS: Record<SimulatedState, number> = {
  unenrolled: 8,
  installed: 6,
  non_compliant: 4,
  compliant: 1,
  deleted: 0.5,
};

// Where a device in each state goes next, with the odds of each.
export const NEXT_STATUSES: Record<SimulatedState, ReadonlyArray<readonly [DeviceStatus, number]>> = {
  unenrolled: [["installed", 1]],
  installed: [
    ["compliant", 0.88],
    ["non_compliant", 0.11],
    ["deleted", 0.01],
  ],
  compliant: [
    ["non_compliant", 0.995],
    ["deleted", 0.005],
  ],
  non_compliant: [
    ["compliant", 0.98],
    ["deleted", 0.02],
  ],
  deleted: [["installed", 1]],
};

export function nextStatus(state: SimulatedState, random: Random): DeviceStatus {
  return pickWeighted(NEXT_STATUSES[state], random);
}

// Which service call a change is: enrolling a new device, re-enrolling a deleted one, deleting, or a
// compliance change.
export type ChangeKind = "enroll" | "re_enroll" | "delete" | "compliance";

export const CHANGE_KINDS = ["enroll", "re_enroll", "delete", "compliance"] as const satisfies readonly ChangeKind[];

export function changeKind(from: SimulatedState, to: DeviceStatus): ChangeKind {
  if (from === "unenrolled") return "enroll";
  if (from === "deleted") return "re_enroll";
  return to === "deleted" ? "delete" : "compliance";
}
