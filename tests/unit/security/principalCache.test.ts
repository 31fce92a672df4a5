import { describe, expect, it } from 'vitest';
import { PrincipalCache } from '../../../src/access';
import type { Principal } from '../../../src/kernel';

const principal = (clientId: number): Principal => ({
  clientId,
  publicId: `00000000-0000-7000-8000-00000000000${clientId}`,
  name: `c${clientId}`,
  role: 'reader',
  scope: null,
  actor: `client:${clientId}`,
});

function cache(ttlMs = 10_000, maxEntries = 100) {
  let t = 1_000;
  const c = new PrincipalCache({ ttlMs, maxEntries, now: () => t });
  return { c, advance: (ms: number) => (t += ms) };
}

describe('the verified-token cache', () => {
  it('trusts an entry for its time to live, then asks again', () => {
    const { c, advance } = cache(10_000);
    c.set('h1', principal(1), c.generation);
    expect(c.get('h1')?.clientId).toBe(1);
    advance(9_999);
    expect(c.get('h1')?.clientId).toBe(1);
    advance(1);
    expect(c.get('h1')).toBeUndefined();
  });

  it('forgets every token of an evicted client, and everything on clear', () => {
    const { c } = cache();
    c.set('a', principal(1), c.generation);
    c.set('b', principal(1), c.generation);
    c.set('c', principal(2), c.generation);
    c.evictClient(1);
    expect([c.get('a'), c.get('b'), c.get('c')?.clientId]).toEqual([undefined, undefined, 2]);
    c.clear();
    expect(c.get('c')).toBeUndefined();
  });

  it('does not store an answer read before a change arrived (the revocation race)', () => {
    const { c } = cache();
    const before = c.generation; // a lookup starts…
    c.evictClient(7); // …a revocation is notified meanwhile…
    c.set('h', principal(7), before); // …and its stale answer is dropped
    expect(c.get('h')).toBeUndefined();
    c.set('h', principal(7), c.generation);
    expect(c.get('h')?.clientId).toBe(7);
  });

  it('holds at most maxEntries, dropping the least recently verified', () => {
    const { c } = cache(10_000, 2);
    c.set('a', principal(1), c.generation);
    c.set('b', principal(2), c.generation);
    c.set('a', principal(1), c.generation); // verified again: now the newest
    c.set('c', principal(3), c.generation);
    expect([c.get('a')?.clientId, c.get('b'), c.get('c')?.clientId]).toEqual([1, undefined, 3]);
    expect(c.size).toBe(2);
  });

  it('stores nothing when its time to live is 0', () => {
    const { c } = cache(0);
    expect(c.enabled).toBe(false);
    c.set('a', principal(1), c.generation);
    expect(c.get('a')).toBeUndefined();
  });
});
