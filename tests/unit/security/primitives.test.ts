import { describe, expect, it } from 'vitest';
import { bearerToken, generateToken, hashToken, isWellFormedToken, sameDigest } from '../../../src/access';
import { maskValue } from '../../../src/graphql/security/policy';
import { ConcurrencyGate, TokenBucketRateLimiter } from '../../../src/graphql/security/rateLimiter';
import { findForbiddenText } from '../../../src/graphql/security/inputText';
import { serializeError } from '../../../src/platform/logger';
import { buildSchema, parse, type OperationDefinitionNode } from 'graphql';
import { analyzeOperation } from '../../../src/graphql/security/operationAnalysis';
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

describe('rate limiter burst and global cap (issue 17.6)', () => {
  it('a bucket holds at most `burst`: a minute cannot be spent in one volley', () => {
    let now = 0;
    const rl = new TokenBucketRateLimiter(600, { burst: 100, now: () => now });
    expect(rl.take(1, 100)).toEqual({ ok: true, remaining: 0 });
    const refused = rl.take(1, 50);
    expect(refused.ok).toBe(false);
    if (!refused.ok) expect(refused.retryAfterMs).toBe(5_000); // 50 units at 10 per second
    now += 600_000; // a long idle time refills to the burst only
    expect(rl.take(1, 1)).toEqual({ ok: true, remaining: 99 });
    expect(rl.take(1, 101).ok).toBe(false);
    // Over a minute a client still gets its allowance: 100 now, then 10 per second.
    now += 10_000;
    let spent = 0;
    for (let s = 0; s < 60; s++, now += 1000) if (rl.take(2, 10).ok) spent += 10;
    expect(spent).toBeGreaterThanOrEqual(600);
    expect(spent).toBeLessThanOrEqual(700);
  });

  it('keys may be addresses; has() takes nothing; the key table is bounded', () => {
    const rl = new TokenBucketRateLimiter<string>(60, { burst: 2, now: () => 0, maxKeys: 3 });
    expect(rl.has('10.0.0.1')).toBe(true);
    rl.take('10.0.0.1', 1);
    rl.take('10.0.0.1', 1);
    expect(rl.has('10.0.0.1')).toBe(false);
    for (const ip of ['a', 'b', 'c']) rl.take(ip, 1);
    // The oldest key was forgotten (a flood of new addresses cannot grow the table).
    expect(rl.has('10.0.0.1')).toBe(true);
  });

  it('the concurrency gate admits up to max at once and releases once', () => {
    const gate = new ConcurrencyGate(2);
    const a = gate.tryEnter()!;
    const b = gate.tryEnter()!;
    expect(gate.tryEnter()).toBeNull();
    a();
    a();
    expect(gate.active).toBe(1);
    expect(gate.tryEnter()).not.toBeNull();
    b();
  });
});

describe('input text (issue 17.2)', () => {
  const doc = parse('query($a: String) { x(s: "ok\\tline") }');
  it('finds NUL, other C0/C1 controls, DEL and lone surrogates in variables and literals; keeps tab, LF, CR and astral text', () => {
    for (const bad of ['\u0000', 'a\u0001', '\u001f', '\u007f', '\u0085', '\ud800x', 'x\udc00']) {
      expect(findForbiddenText(doc, { a: bad }), JSON.stringify(bad)).not.toBeNull();
    }
    expect(findForbiddenText(doc, { a: { deep: [{ k: 'x\u0000' }] } })).toEqual({ where: '$a.deep[0].k', codePoint: 'U+0000' });
    expect(findForbiddenText(doc, { a: 'tab\there\nline\r\nñandú 😀' })).toBeNull();
    expect(findForbiddenText(parse('{ x(s: "a\\u0000") }'), {})).toEqual({ where: 'literal', codePoint: 'U+0000' });
  });

  it('a document seen before (its literals checked once) still has each request’s variables checked', () => {
    const bad = parse('query($a: String) { x(s: "a\\u0001", t: $a) }');
    expect(findForbiddenText(bad, { a: 'fine' })).toEqual({ where: 'literal', codePoint: 'U+0001' });
    expect(findForbiddenText(bad, { a: 'fine' })).toEqual({ where: 'literal', codePoint: 'U+0001' });
    expect(findForbiddenText(doc, { a: 'fine' })).toBeNull();
    expect(findForbiddenText(doc, { a: 'x\u0000' })).toEqual({ where: '$a', codePoint: 'U+0000' });
  });
});

describe('operation analysis per document', () => {
  const schema = buildSchema('type Item { id: ID child: Item } type Query { items(first: Int): [Item] }');
  const limits = { maxPageSize: 100, defaultPageSize: 20, maxVisits: 1000 };
  const opOf = (d: ReturnType<typeof parse>) => d.definitions[0] as OperationDefinitionNode;

  it('is reused for a document that reads no variable, and worked out again for one that does', () => {
    const literal = parse('{ items(first: 5) { child { id } } }');
    const a = analyzeOperation(schema, literal, opOf(literal), {}, limits);
    expect(a.cost).toBe(6);
    expect(analyzeOperation(schema, literal, opOf(literal), {}, limits)).toBe(a);
    const variable = parse('query($n: Int) { items(first: $n) { child { id } } }');
    expect(analyzeOperation(schema, variable, opOf(variable), { n: 5 }, limits).cost).toBe(6);
    expect(analyzeOperation(schema, variable, opOf(variable), { n: 50 }, limits).cost).toBe(51);
    expect(analyzeOperation(schema, variable, opOf(variable), { n: 500 }, limits).invalidFirst).toBe(true);
  });
});

describe('error serialization (issue 17.6)', () => {
  it('a plain object logged as an error keeps its message and code, never "[object Object]"', () => {
    expect(serializeError({ message: 'connect ECONNREFUSED 127.0.0.1:1', code: 'ECONNREFUSED', row: { name: 'x' } })).toEqual({
      message: 'connect ECONNREFUSED 127.0.0.1:1',
      code: 'ECONNREFUSED',
    });
    const agg = Object.assign(new AggregateError([new Error('connect ECONNREFUSED ::1:1'), new Error('connect ECONNREFUSED 127.0.0.1:1')], ''), {
      code: 'ECONNREFUSED',
    });
    expect(serializeError(agg)).toMatchObject({
      type: 'AggregateError',
      message: 'connect ECONNREFUSED ::1:1; connect ECONNREFUSED 127.0.0.1:1',
      code: 'ECONNREFUSED',
    });
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
