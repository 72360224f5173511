// Spreads `rate` changes per second evenly over time. Pure (the caller passes the clock). Slot n is
// due at start + n / rate, computed from the start and never by adding intervals, so long runs do not
// drift. When changes fall behind (a slow commit, a busy machine), the missed slots are made up at
// no more than twice the rate (catchUpSpeed), never in a burst; a backlog beyond a second's worth is
// given up.
export const CATCH_UP_SPEED = 2;

export class Pacer {
  readonly intervalMs: number;
  private readonly maxBacklogMs: number;
  private readonly catchUpSpeed: number;
  private anchorMs: number;
  private anchorSlot = 0;
  private taken = 0;
  private given = 0;
  private lastTakenMs = -Infinity;

  // catchUpSpeed: Infinity makes every missed slot due at once, as independent clients' requests
  // would be (the benchmark's load: its rate must not depend on how often its timers fire).
  constructor(ratePerSecond: number, startMs: number, options: { maxBacklogMs?: number; catchUpSpeed?: number } = {}) {
    this.intervalMs = 1000 / ratePerSecond;
    this.maxBacklogMs = options.maxBacklogMs ?? 1000;
    this.catchUpSpeed = options.catchUpSpeed ?? CATCH_UP_SPEED;
    this.anchorMs = startMs;
  }

  // The grid time of the next slot not taken yet.
  private scheduledMs(): number {
    return this.anchorMs + (this.taken - this.anchorSlot) * this.intervalMs;
  }

  // When the next change may be made: its slot, or later while catching up on missed ones.
  nextDueMs(): number {
    return Math.max(this.scheduledMs(), this.lastTakenMs + this.intervalMs / this.catchUpSpeed);
  }

  // Takes the next slot when it is due at `nowMs`.
  take(nowMs: number): boolean {
    if (nowMs < this.nextDueMs()) return false;
    const excess = Math.floor((nowMs - this.scheduledMs() - this.maxBacklogMs) / this.intervalMs);
    if (excess > 0) {
      this.given += excess;
      this.anchorMs = this.scheduledMs() + excess * this.intervalMs;
      this.anchorSlot = this.taken;
    }
    this.taken++;
    this.lastTakenMs = nowMs;
    return true;
  }

  get slotsTaken(): number {
    return this.taken;
  }

  // Slots due before `nowMs` that no change was made for: given up, or still owed.
  slotsMissed(nowMs: number): number {
    const owed = Math.max(0, Math.ceil((nowMs - this.scheduledMs()) / this.intervalMs));
    return this.given + owed;
  }
}
