/**
 * Per-client token buckets charged by operation cost: 100 aliased lookups in one request cost the
 * same as 100 requests of one lookup. The bucket holds a minute's allowance and refills
 * continuously.
 *
 * In memory, per API process: with N instances behind a balancer a client gets up to N times the
 * allowance. That bounds abuse well enough for a handful of instances; a shared store can implement
 * the same interface when the hub scales out further.
 */
export interface RateLimiter {
  /** Takes `cost` units from the client's bucket, or says how long until it could. */
  take(clientId: number, cost: number): { ok: true; remaining: number } | { ok: false; retryAfterMs: number };
}

export class TokenBucketRateLimiter implements RateLimiter {
  private readonly buckets = new Map<number, { tokens: number; at: number }>();
  private readonly perMs: number;

  constructor(
    private readonly perMinute: number,
    private readonly now: () => number = Date.now,
  ) {
    this.perMs = perMinute / 60_000;
  }

  take(clientId: number, cost: number): { ok: true; remaining: number } | { ok: false; retryAfterMs: number } {
    const t = this.now();
    const b = this.buckets.get(clientId) ?? { tokens: this.perMinute, at: t };
    b.tokens = Math.min(this.perMinute, b.tokens + (t - b.at) * this.perMs);
    b.at = t;
    this.buckets.set(clientId, b);
    if (cost <= b.tokens) {
      b.tokens -= cost;
      return { ok: true, remaining: Math.floor(b.tokens) };
    }
    const missing = Math.min(cost, this.perMinute) - b.tokens;
    return { ok: false, retryAfterMs: Math.ceil(Math.max(missing, 0) / this.perMs) || 1 };
  }
}
