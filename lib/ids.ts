// Time-ordered ids: monotonic ULIDs (48-bit ms time, 80 random bits, Crockford base32). Within one
// millisecond, or if the clock steps back, the random part is incremented instead, so ids from one
// process are unique and sort strictly in creation order.
import { randomBytes } from "node:crypto";

const CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
const RANDOM_LIMIT = 1n << 80n;
let lastTime = 0;
let lastRandom = 0n;

function encodeCrockford(value: bigint, length: number): string {
  let out = "";
  for (let i = 0; i < length; i++) {
    out = CROCKFORD.charAt(Number(value & 31n)) + out;
    value >>= 5n;
  }
  return out;
}

export function newTimeOrderedId(): string {
  const now = Date.now();
  if (now > lastTime) {
    lastTime = now;
    lastRandom = BigInt(`0x${randomBytes(10).toString("hex")}`);
  } else if (++lastRandom >= RANDOM_LIMIT) {
    lastTime += 1;
    lastRandom = BigInt(`0x${randomBytes(10).toString("hex")}`);
  }
  return encodeCrockford(BigInt(lastTime), 10) + encodeCrockford(lastRandom, 16);
}

// The smallest id of a given time: a time range is an id range.
export function timeOrderedIdLowerBound(time: Date): string {
  return encodeCrockford(BigInt(Math.max(0, time.getTime())), 10) + "0".repeat(16);
}
