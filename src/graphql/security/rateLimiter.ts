/**
 * Token buckets charged by operation cost: 100 aliased lookups in one request cost the same as 100
 * requests of one lookup. A bucket refills continuously at `perMinute` and holds at most `burst`
 * units, so a client spreads its minute instead of spending it in one volley (with burst = the
 * minute's allowance, 29 of the most expensive queries could start in the same second).
 *
 * In memory, per API process: with N instances behind a balancer a client gets up to N times the
 * allowance. That bounds abuse well enough for a handful of instances; a shared store can implement
 * the same interface when the hub scales out further.
 */
export interface RateLimiter<K = number> {
  /** Takes `cost` units from the key's bucket, or says how long until it could. */
  take(key: K, cost: number): { ok: true; remaining: number } | { ok: false; retryAfterMs: number };
}

export class TokenBucketRateLimiter<K = number> implements RateLimiter<K> {
  private readonly buckets = new Map<K, { tokens: number; at: number }>();
  private readonly perMs: number;
  private readonly burst: number;

  constructor(perMinute: number, opts: { burst?: number; now?: () => number; maxKeys?: number } | (() => number) = {}) {
    const o = typeof opts === 'function' ? { now: opts } : opts;
    this.perMs = perMinute / 60_000;
    this.burst = Math.max(1, Math.min(o.burst ?? perMinute, perMinute));
    this.now = o.now ?? Date.now;
    this.maxKeys = o.maxKeys ?? 100_000;
  }

  private readonly now: () => number;
  private readonly maxKeys: number;

  take(key: K, cost: number): { ok: true; remaining: number } | { ok: false; retryAfterMs: number } {
    const b = this.refilled(key);
    if (cost <= b.tokens) {
      b.tokens -= cost;
      return { ok: true, remaining: Math.floor(b.tokens) };
    }
    // A cost above the burst can never be admitted whole: the wait shown is for a full bucket.
    const missing = Math.min(cost, this.burst) - b.tokens;
    return { ok: false, retryAfterMs: Math.ceil(Math.max(missing, 0) / this.perMs) || 1 };
  }

  /** Whether the key has at least `cost` units now (nothing is taken). */
  has(key: K, cost = 1): boolean {
    return this.refilled(key).tokens >= cost;
  }

  private refilled(key: K): { tokens: number; at: number } {
    const t = this.now();
    let b = this.buckets.get(key);
    if (!b) {
      // Keys are client ids or addresses: a flood of new addresses must not grow the map forever.
      // Full buckets carry no state worth keeping, so the oldest entries go first.
      if (this.buckets.size >= this.maxKeys) this.buckets.delete(this.buckets.keys().next().value!);
      b = { tokens: this.burst, at: t };
      this.buckets.set(key, b);
    }
    b.tokens = Math.min(this.burst, b.tokens + (t - b.at) * this.perMs);
    b.at = t;
    return b;
  }
}

/**
 * At most `max` GraphQL requests in flight in this process, whoever sends them: the per-client
 * buckets bound each client, this bounds their sum (memory and database connections), so many
 * clients — or one with many tokens — cannot pile expensive queries up at once.
 */
export class ConcurrencyGate {
  private inFlight = 0;
  constructor(readonly max: number) {}

  /** A release function, or null when the cap is reached. */
  tryEnter(): (() => void) | null {
    if (this.inFlight >= this.max) return null;
    this.inFlight++;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.inFlight--;
    };
  }

  get active(): number {
    return this.inFlight;
  }
}
