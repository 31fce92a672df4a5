import http from 'node:http';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedRegistry } from '../harness/factories/registry';
import { createTestDatabase, testHub, type ApiHub, type TestDatabase } from '../harness';

/**
 * POST /graphql with a plain JSON body is served on node:http directly (src/http/graphqlRoute.ts);
 * a chunked body (no Content-Length) still goes through Express and body-parser. Both must answer
 * every body alike, and the fast path must see the client address Express would (trust proxy).
 */
let t: TestDatabase;
let api: ApiHub;

beforeAll(async () => {
  t = await createTestDatabase();
  await seedRegistry(t.db, { households: 2, membersPerHousehold: 2 });
  api = await testHub().database(t).http().start();
});
afterAll(async () => {
  await api?.close();
  await t?.drop();
});

/** One POST over node:http, with a Content-Length (fast path) or chunked (the Express route). */
function post(
  url: string,
  body: string,
  opts: { chunked: boolean; headers?: Record<string, string> },
): Promise<{ status: number; type: string; body: string }> {
  return new Promise((resolve, reject) => {
    const bytes = Buffer.from(body, 'utf8');
    const req = http.request(`${url}/graphql`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        ...(opts.chunked ? { 'transfer-encoding': 'chunked' } : { 'content-length': String(bytes.length) }),
        ...opts.headers,
      },
    });
    req.on('response', (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode!, type: String(res.headers['content-type']), body: Buffer.concat(chunks).toString('utf8') }));
    });
    req.on('error', reject);
    if (opts.chunked && bytes.length) {
      // Two chunks, so the body really arrives in pieces.
      req.write(bytes.subarray(0, 1));
      req.write(bytes.subarray(1));
    } else if (bytes.length) req.write(bytes);
    req.end();
  });
}

const QUERY = JSON.stringify({ query: '{ persons(first: 3) { edges { node { id fullName } } } }' });
const BODIES: [string, string][] = [
  ['a query', QUERY],
  ['a query after whitespace', ` \n\t${QUERY}`],
  ['a query after a byte-order mark', `\uFEFF${QUERY}`],
  ['malformed JSON', '{"query": "{ departments { code } }", oops'],
  ['a JSON string', '"{ departments { code } }"'],
  ['a number', '42'],
  ['an empty object', '{}'],
  ['an empty body', ''],
  ['a batch', `[${QUERY}]`],
  ['an unknown field', JSON.stringify({ query: '{ nothingHere }' })],
];

describe('POST /graphql on both paths', () => {
  it.each(BODIES)('%s: the same answer with a Content-Length and chunked', async (_name, body) => {
    const auth = { authorization: `Bearer ${api.adminToken}` };
    const fast = await post(api.http.url, body, { chunked: false, headers: auth });
    const express = await post(api.http.url, body, { chunked: true, headers: auth });
    expect(fast.type).toMatch(/^application\/json/);
    expect({ status: fast.status, body: JSON.parse(fast.body) }).toEqual({ status: express.status, body: JSON.parse(express.body) });
  });

  it('a query is answered with data on the fast path', async () => {
    const res = await post(api.http.url, QUERY, { chunked: false, headers: { authorization: `Bearer ${api.adminToken}` } });
    expect(res.status).toBe(200);
    expect(JSON.parse(res.body).data.persons.edges.length).toBeGreaterThan(0);
  });
});

describe('the client address behind a trusted proxy', () => {
  it('failed authentications are counted per forwarded address on the fast path', async () => {
    // A burst of one failure per address (a tenth of 10 per minute, at least one).
    const proxied = await testHub().database(t).config({ API_TRUST_PROXY: 'loopback', API_AUTH_FAILURES_PER_MINUTE: '10' }).http().start();
    try {
      const random = () => `Bearer jh_${randomBytes(32).toString('base64url')}`;
      const from = (ip: string) =>
        post(proxied.http.url, JSON.stringify({ query: '{ departments { code } }' }), {
          chunked: false,
          headers: { authorization: random(), 'x-forwarded-for': ip },
        });
      expect((await from('203.0.113.7')).status).toBe(401);
      expect((await from('203.0.113.7')).status).toBe(429);
      // Another client behind the same proxy has its own allowance.
      expect((await from('198.51.100.9')).status).toBe(401);
    } finally {
      await proxied.close();
    }
  });
});
