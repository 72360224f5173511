// Seeded randomness for the simulator: the same --seed replays the same sequence of changes.
// Pure (no database); mulberry32 is small and fast, and never used for anything secret.
import { randomInt } from "node:crypto";

// A number in [0, 1), like Math.random.
export type Random = () => number;

export const MAX_SEED = 2 ** 32 - 1;

export function seededRandom(seed: number): Random {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
}

// A seed for a run without --seed; printed so that the run can be repeated.
export function freshSeed(): number {
  return randomInt(0, MAX_SEED);
}

// One of the weighted options, with probability proportional to its weight.
export function pickWeighted<T>(options: ReadonlyArray<readonly [T, number]>, random: Random): T {
  const total = options.reduce((sum, [, weight]) => sum + weight, 0);
  let roll = random() * total;
  for (const [option, weight] of options) {
    roll -= weight;
    if (roll < 0) return option;
  }
  return options[options.length - 1]![0];
}
