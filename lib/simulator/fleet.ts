// The simulator's view of its devices (SIM-0001 ...) and the choice of the next change. Pure (no
// database). Devices are kept in one bucket per state, so that choosing a device weighted by its
// state and moving it to the next state are O(1) however large the fleet.
import type { DeviceStatus } from "@/lib/contract/statuses";
import type { Random } from "@/lib/simulator/random";
import { changeKind, nextStatus, SIMULATED_STATES, STATE_CHANGE_WEIGHTS, type ChangeKind, type SimulatedState } from "@/lib/simulator/transitions";

export const SIMULATED_DEVICE_PREFIX = "SIM-";

// SIM-0001, SIM-0002, ... (more digits past 9999).
export function simulatedDeviceId(number: number): string {
  return `${SIMULATED_DEVICE_PREFIX}${String(number).padStart(4, "0")}`;
}

// The number of a simulated device id, or null for any other id.
export function simulatedDeviceNumber(deviceId: string): number | null {
  const match = /^SIM-(\d{4,})$/.exec(deviceId);
  return match ? Number(match[1]) : null;
}

const PROFILES = [
  { kind: "Windows laptop", platform: "Windows 11" },
  { kind: "MacBook", platform: "macOS 15" },
  { kind: "iPhone", platform: "iOS 18" },
  { kind: "Android phone", platform: "Android 15" },
  { kind: "iPad", platform: "iPadOS 18" },
  { kind: "Linux server", platform: "Ubuntu 24.04" },
] as const;

// The name and platform a simulated device is enrolled with: fixed per number, so reruns agree.
export function simulatedDeviceProfile(number: number): { name: string; platform: string } {
  const profile = PROFILES[(number - 1) % PROFILES.length]!;
  return { name: `Simulated ${profile.kind} ${String(number).padStart(4, "0")}`, platform: profile.platform };
}

export type SimulatedChange = { deviceId: string; number: number; from: SimulatedState; to: DeviceStatus; kind: ChangeKind };

export class Fleet {
  private readonly buckets = new Map<SimulatedState, string[]>(SIMULATED_STATES.map((state) => [state, []]));
  private readonly states = new Map<string, SimulatedState>();
  private readonly positions = new Map<string, number>();

  // `size` devices SIM-0001.. in their current states; a device missing from `current` is unenrolled.
  constructor(size: number, current: ReadonlyMap<string, DeviceStatus> = new Map()) {
    for (let number = 1; number <= size; number++) {
      const deviceId = simulatedDeviceId(number);
      this.place(deviceId, current.get(deviceId) ?? "unenrolled");
    }
  }

  count(state: SimulatedState): number {
    return this.buckets.get(state)!.length;
  }

  stateOf(deviceId: string): SimulatedState | undefined {
    return this.states.get(deviceId);
  }

  // Chooses the next change (a device weighted by how soon its state changes, then its next status)
  // and records it in this view; the caller applies it to the database.
  nextChange(random: Random): SimulatedChange {
    const total = SIMULATED_STATES.reduce((sum, state) => sum + STATE_CHANGE_WEIGHTS[state] * this.count(state), 0);
    let roll = random() * total;
    let from: SimulatedState = SIMULATED_STATES.find((state) => this.count(state) > 0)!;
    for (const state of SIMULATED_STATES) {
      const share = STATE_CHANGE_WEIGHTS[state] * this.count(state);
      if (roll < share) {
        from = state;
        break;
      }
      roll -= share;
    }
    const bucket = this.buckets.get(from)!;
    const deviceId = bucket[Math.floor(random() * bucket.length)]!;
    const to = nextStatus(from, random);
    this.set(deviceId, to);
    return { deviceId, number: simulatedDeviceNumber(deviceId)!, from, to, kind: changeKind(from, to) };
  }

  // Puts a device in the state the database says it has (after a change failed, for instance).
  set(deviceId: string, state: SimulatedState): void {
    this.remove(deviceId);
    this.place(deviceId, state);
  }

  private place(deviceId: string, state: SimulatedState): void {
    const bucket = this.buckets.get(state)!;
    this.positions.set(deviceId, bucket.length);
    bucket.push(deviceId);
    this.states.set(deviceId, state);
  }

  // Swap-remove: the last device of the bucket takes the removed one's place.
  private remove(deviceId: string): void {
    const state = this.states.get(deviceId);
    if (state === undefined) return;
    const bucket = this.buckets.get(state)!;
    const position = this.positions.get(deviceId)!;
    const last = bucket.pop()!;
    if (last !== deviceId) {
      bucket[position] = last;
      this.positions.set(last, position);
    }
    this.positions.delete(deviceId);
    this.states.delete(deviceId);
  }
}
