import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../harness';
import { startServe, type ServeProcess } from '../integration/firsthour/cli';

/**
 * Reliability promise 27: a malformed or non-JSON request body gets a GraphQL-shaped JSON error
 * (BAD_REQUEST, 4xx), and no request body ever reaches a log — checked on a real `serve` process's
 * whole output, in development (where Express would print a stack page) and in production.
 */
const CANARY = '1023987654';
let t: TestDatabase;

beforeAll(async () => {
  t = await createTestDatabase();
});
afterAll(async () => {
  await t?.drop();
});

type Case = { name: string; headers: Record<string, string>; body: string; status: number };
const CASES: Case[] = [
  {
    name: 'malformed JSON',
    headers: { 'content-type': 'application/json' },
    body: `{"query": "{ personByDocument(type: CC, number: \\"${CANARY}\\") { id } }", oops`,
    status: 400,
  },
  { name: 'a JSON string, not an object', headers: { 'content-type': 'application/json' }, body: `"just a string ${CANARY}"`, status: 400 },
  { name: 'truncated JSON', headers: { 'content-type': 'application/json' }, body: `{"query": "${CANARY}`, status: 400 },
  {
    name: 'a body over the size limit',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query: `{ x }`, pad: `${CANARY} `.repeat(30_000) }),
    status: 413,
  },
  { name: 'a charset JSON is never sent in', headers: { 'content-type': 'application/json; charset=latin1' }, body: `{"query": "${CANARY}"}`, status: 415 },
  { name: 'text/plain (no preflight)', headers: { 'content-type': 'text/plain' }, body: `${CANARY}`, status: 400 },
  { name: 'XML', headers: { 'content-type': 'application/xml', 'apollo-require-preflight': '1' }, body: `<q>${CANARY}</q>`, status: 400 },
  { name: 'an empty JSON body', headers: { 'content-type': 'application/json' }, body: '', status: 400 },
];

describe.each(['development', 'production'])('request bodies the API cannot read (%s)', (mode) => {
  let serve: ServeProcess;
  beforeAll(async () => {
    serve = await startServe([], { env: { DATABASE_URL: t.url, NODE_ENV: mode, LOG_LEVEL: 'debug', DATA_DIR: '/nonexistent-firsthour' } });
  }, 120_000);
  afterAll(async () => {
    await serve?.stop();
  });

  it.each(CASES)('$name → JSON error BAD_REQUEST', async ({ headers, body, status }) => {
    const res = await fetch(`${serve.url}/graphql`, { method: 'POST', headers, body });
    expect(res.status).toBe(status);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    const json = (await res.json()) as { errors: { message: string; extensions: { code: string } }[] };
    expect(json.errors[0].extensions.code).toBe('BAD_REQUEST');
    expect(JSON.stringify(json)).not.toContain(CANARY);
    expect(JSON.stringify(json)).not.toMatch(/\bat \S+ \(|node_modules/);
  });

  it('never writes a request body to its output', async () => {
    // Give asynchronous log writes a moment, then read everything the process printed.
    await new Promise((r) => setTimeout(r, 300));
    expect(serve.output()).toContain('request body refused');
    expect(serve.output()).not.toContain(CANARY);
  });
});
