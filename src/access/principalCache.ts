import type { Principal } from '../kernel';

export interface PrincipalCacheOptions {
  /** How long a verified token is trusted without asking the database again (0: never cached). */
  ttlMs: number;
  /** Live tokens remembered at most; the least recently verified go first. */
  maxEntries: number;
  now: () => number;
}

/**
 * Tokens verified recently, by their SHA-256, so that a request does not pay a database round trip
 * to authenticate. Revocation stays prompt: the revoking process evicts at once, every other process
 * when PostgreSQL notifies it (a trigger on `api_clients`), and should a notification be lost an
 * entry is trusted for `ttlMs` at most. Unknown tokens are never cached, so a flood of random tokens
 * cannot fill it.
 *
 * `generation` closes the race between a database read and a notification: a lookup that started
 * before a change arrived does not store its (possibly stale) answer.
 */
export class PrincipalCache {
  private readonly entries = new Map<string, { principal: Principal; expiresAt: number }>();
  private gen = 0;

  constructor(private readonly opts: PrincipalCacheOptions) {}

  get enabled(): boolean {
    return this.opts.ttlMs > 0 && this.opts.maxEntries > 0;
  }

  /** Changes every time something is evicted; pass the value read before a lookup to `set`. */
  get generation(): number {
    return this.gen;
  }

  get(tokenHash: string): Principal | undefined {
    const e = this.entries.get(tokenHash);
    if (!e) return undefined;
    if (e.expiresAt <= this.opts.now()) {
      this.entries.delete(tokenHash);
      return undefined;
    }
    return e.principal;
  }

  /** Remembers a token verified by a lookup that started at `generation` (ignored if anything was evicted since). */
  set(tokenHash: string, principal: Principal, generation: number): void {
    if (!this.enabled || generation !== this.gen) return;
    this.entries.delete(tokenHash);
    this.entries.set(tokenHash, { principal, expiresAt: this.opts.now() + this.opts.ttlMs });
    // A Map iterates in insertion order: the first key is the least recently verified.
    while (this.entries.size > this.opts.maxEntries) this.entries.delete(this.entries.keys().next().value!);
  }

  /** Forgets every token of a client (revoked or changed). */
  evictClient(clientId: number): void {
    this.gen++;
    for (const [hash, e] of this.entries) if (e.principal.clientId === clientId) this.entries.delete(hash);
  }

  /** Forgets everything (the notification channel was interrupted: changes may have been missed). */
  clear(): void {
    this.gen++;
    this.entries.clear();
  }

  get size(): number {
    return this.entries.size;
  }
}
