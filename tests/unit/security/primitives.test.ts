import { describe, expect, it } from 'vitest';
import { bearerToken, generateToken, hashToken, isWellFormedToken, sameDigest } from '../../../src/access';
import { maskValue } from '../../../src/graphql/security/policy';
import { TokenBucketRateLimiter } from '../../../src/graphql/security/rateLimiter';
import { summarizeOutcome } from '../../../src/graphql/security/secureSchema';

describe('tokens', () => {
  it('are 256-bit random secrets with a recognizable prefix, stored as SHA-256', () => {
    const a = generateToken();
    const b = generateToken();
    expect(a.token).toMatch(/^jh_[A-Za-z0-9_-]{43}$/);
    expect(Buffer.from(a.token.slice(3), 'base64url')).toHaveLength(32);
    expect(a.token).not.toBe(b.token);
    expect(a.hash).toBe(hashToken(a.token));
    expect(a.hash).toMatch(/^[0-9a-f]{64}$/);
    expect(a.visiblePrefix).toBe(a.token.slice(0, 9));
    expect(isWellFormedToken(a.token)).toBe(true);
    expect(isWellFormedToken(a.token + 'x')).toBe(false);
    expect(sameDigest(a.hash, hashToken(a.token))).toBe(true);
    expect(sameDigest(a.hash, b.hash)).toBe(false);
    expect(sameDigest(a.hash, '')).toBe(false);
  });

  it('come from a Bearer header only', () => {
    expect(bearerToken('Bearer abc')).toBe('abc');
    expect(bearerToken('bearer   abc ')).toBe('abc');
    expect(bearerToken('Basic abc')).toBeNull();
    expect(bearerToken('Bearer a b')).toBeNull();
    expect(bearerToken(undefined)).toBeNull();
  });
});

describe('masking', () => {
  it('keeps the last four characters behind a fixed-width mask', () => {
    expect(maskValue('1023456789')).toBe('******6789');
    expect(maskValue('43123456')).toBe('******3456');
    expect(maskValue('1234')).toBe('******');
  });
});

describe('rate limiter', () => {
  it('charges cost, refills continuously and keeps clients apart', () => {
    let now = 0;
    const rl = new TokenBucketRateLimiter(120, () => now);
    expect(rl.take(1, 100)).toEqual({ ok: true, remaining: 20 });
    const refused = rl.take(1, 100);
    expect(refused.ok).toBe(false);
    if (!refused.ok) expect(refused.retryAfterMs).toBe(40_000); // 80 missing units at 2 per second
    expect(rl.take(2, 120).ok).toBe(true);
    now += 40_000;
    expect(rl.take(1, 100)).toEqual({ ok: true, remaining: 0 });
    now += 600_000;
    expect(rl.take(1, 1)).toEqual({ ok: true, remaining: 119 }); // capped at one minute's allowance
  });
});

describe('mutation outcomes in the audit log', () => {
  it('keep ids and states, not payloads', () => {
    expect(summarizeOutcome({ run: { id: '7', state: 'received', fileName: 'x.csv', summary: { rows: 3 } }, created: true })).toEqual({
      run: { id: '7', state: 'received' },
      created: true,
    });
    expect(summarizeOutcome({ client: { id: 'c', name: 'N' }, token: 'jh_secret' })).toEqual({ client: { id: 'c' } });
    expect(summarizeOutcome(true)).toBe(true);
  });
});
