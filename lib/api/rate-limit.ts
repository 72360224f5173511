// A per-token request budget: a fixed one-minute window in this process's memory. Each web process
// counts on its own, so N processes allow up to N times the budget; the answer headers say so.
import "server-only";

export type RateLimitDecision = { allowed: boolean; limit: number; remaining: number; resetSeconds: number };

const WINDOW_MS = 60_000;
const POLICY = "per-token";

export class RateLimiter {
  private readonly windows = new Map<string, { start: number; count: number }>();

  constructor(private readonly limit: number) {}

  take(key: string, now = Date.now()): RateLimitDecision {
    let window = this.windows.get(key);
    if (!window || now - window.start >= WINDOW_MS) {
      if (this.windows.size > 10_000) this.evictExpired(now);
      window = { start: now, count: 0 };
      this.windows.set(key, window);
    }
    const allowed = window.count < this.limit;
    if (allowed) window.count += 1;
    return { allowed, limit: this.limit, remaining: this.limit - window.count, resetSeconds: Math.max(1, Math.ceil((window.start + WINDOW_MS - now) / 1000)) };
  }

  private evictExpired(now: number): void {
    for (const [key, window] of this.windows) if (now - window.start >= WINDOW_MS) this.windows.delete(key);
  }
}

// The IETF RateLimit header fields (draft-ietf-httpapi-ratelimit-headers), plus Retry-After when refused.
export function rateLimitHeaders(decision: RateLimitDecision): Record<string, string> {
  return {
    "ratelimit-policy": `"${POLICY}";q=${decision.limit};w=${WINDOW_MS / 1000}`,
    ratelimit: `"${POLICY}";r=${decision.remaining};t=${decision.resetSeconds}`,
    ...(decision.allowed ? {} : { "retry-after": String(decision.resetSeconds) }),
  };
}
