import { createHash } from 'node:crypto';
import type { ApolloServerPlugin } from '@apollo/server';
import { sql } from 'drizzle-orm';
import { getIntrospectionQuery } from 'graphql';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { GraphQLContext } from '../../src/graphql/context';
import { createLogger } from '../../src/platform/logger';
import { seedRegistry, type SeededRegistry } from '../harness/factories/registry';
import { bearer, createTestDatabase, testHub, type ApiHub, type GqlResponse, type TestDatabase } from '../harness';

/**
 * The hardened endpoint: every abusive document is refused before any resolver runs. A plugin
 * counts resolver calls (Apollo's willResolveField fires for every field, default resolvers too).
 */
let t: TestDatabase;
let seed: SeededRegistry;
let resolverCalls = 0;
const counter: ApolloServerPlugin<GraphQLContext> = {
  async requestDidStart() {
    return {
      async executionDidStart() {
        return {
          willResolveField() {
            resolverCalls++;
          },
        };
      },
    };
  },
};
const logLines: string[] = [];
const logger = createLogger({ level: 'debug', destination: { write: (s: string) => void logLines.push(s) } as never });

let dev: ApiHub; // development settings, tightened limits
let prod: ApiHub; // NODE_ENV=production
const LIMITS = {
  API_MAX_DEPTH: '12',
  API_MAX_ALIASES: '100',
  API_MAX_DIRECTIVES: '20',
  API_MAX_TOKENS: '3000',
  API_MAX_COST: '200',
  API_RATE_LIMIT_PER_MINUTE: '1000000',
};

beforeAll(async () => {
  t = await createTestDatabase();
  seed = await seedRegistry(t.db, { households: 4, membersPerHousehold: 3 });
  dev = await testHub()
    .database(t.db)
    .config(LIMITS)
    .logger(logger)
    .http({ plugins: [counter] })
    .start();
  prod = await testHub()
    .database(t.db)
    .config({ ...LIMITS, NODE_ENV: 'production' })
    .logger(logger)
    .http({ plugins: [counter] })
    .start();
});
afterAll(async () => {
  await dev?.close();
  await prod?.close();
  await t?.drop();
});
beforeEach(() => {
  resolverCalls = 0;
});

async function post(api: ApiHub, body: unknown, headers: Record<string, string> = { 'content-type': 'application/json' }) {
  const res = await fetch(`${api.http.url}/graphql`, {
    method: 'POST',
    headers: { ...bearer(api.adminToken), ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await res.text();
  return {
    status: res.status,
    text,
    json: (() => {
      try {
        return JSON.parse(text) as GqlResponse;
      } catch {
        return undefined;
      }
    })(),
  };
}

const nest = (levels: number, inner = 'id') => {
  let q = inner;
  for (let i = 0; i < levels; i++) q = `households { household { members { person { ${q} } } } }`;
  return q;
};

describe('refused before any resolver runs', () => {
  const cases: [string, () => Promise<{ status: number; json?: GqlResponse; text: string }>, number, string, RegExp?][] = [
    [
      'depth bomb',
      () => post(dev, { query: `{ persons(first: 1) { edges { node { ${nest(4)} } } } }` }),
      400,
      'GRAPHQL_VALIDATION_FAILED',
      /depth limit of 12/,
    ],
    [
      'depth bomb through fragments (flattened)',
      () =>
        post(dev, {
          query: `{ persons(first: 1) { edges { node { ...A } } } }
            fragment A on Person { households { household { members { person { ...B } } } } }
            fragment B on Person { households { household { members { person { ...C } } } } }
            fragment C on Person { households { household { members { person { id } } } } }`,
        }),
      400,
      'GRAPHQL_VALIDATION_FAILED',
      /depth limit/,
    ],
    [
      'alias bomb',
      () => post(dev, { query: `{ ${Array.from({ length: 101 }, (_, i) => `a${i}: departments { code }`).join(' ')} }` }),
      400,
      'GRAPHQL_VALIDATION_FAILED',
      /Aliases limit of 100/,
    ],
    [
      'fragment cycle',
      () =>
        post(dev, {
          query: `{ persons(first: 1) { edges { node { ...A } } } }
            fragment A on Person { households { household { members { person { ...B } } } } }
            fragment B on Person { ...A }`,
        }),
      400,
      'GRAPHQL_VALIDATION_FAILED',
      /Cannot spread fragment/,
    ],
    [
      'directive bomb',
      () => post(dev, { query: `{ ${Array.from({ length: 21 }, (_, i) => `a${i}: departments @skip(if: false) { code }`).join(' ')} }` }),
      400,
      'GRAPHQL_VALIDATION_FAILED',
      /Directives limit of 20/,
    ],
    ['token bomb', () => post(dev, { query: `{ departments { ${'code '.repeat(3000)} } }` }), 400, 'GRAPHQL_PARSE_FAILED', /3000 tokens/],
    [
      'cost over the limit',
      () => post(dev, { query: `{ persons(first: 100) { edges { node { id identifiers { number } } } } }` }),
      400,
      'GRAPHQL_VALIDATION_FAILED',
      /cost limit of 200 exceeded, found 301/,
    ],
    [
      'cost counted with variable values',
      () => post(dev, { query: `query($n: Int) { persons(first: $n) { edges { node { id identifiers { number } } } } }`, variables: { n: 100 } }),
      400,
      'GRAPHQL_VALIDATION_FAILED',
      /cost limit of 200 exceeded/,
    ],
    [
      '__schema fragments count toward the cost',
      () =>
        post(dev, {
          query: `{ ${Array.from({ length: 70 }, (_, i) => `s${i}: __schema { ...S }`).join(' ')} } fragment S on __Schema { types { name } queryType { name } }`,
        }),
      400,
      'GRAPHQL_VALIDATION_FAILED',
      /cost limit of 200 exceeded, found 210/,
    ],
    ['huge first', () => post(dev, { query: `{ persons(first: 99999999) { edges { cursor } } }` }), 400, 'BAD_USER_INPUT'],
    [
      'huge first in a variable',
      () => post(dev, { query: `query($n: Int) { persons(first: $n) { edges { cursor } } }`, variables: { n: 99999999 } }),
      400,
      'BAD_USER_INPUT',
    ],
    [
      'huge first on a nested list',
      () => post(dev, { query: `{ importRuns(first: 1) { nodes { errors(first: 5000) { nodes { line } } } } }` }),
      400,
      'BAD_USER_INPUT',
    ],
    ['negative first', () => post(dev, { query: `{ households(first: -1) { edges { cursor } } }` }), 400, 'BAD_USER_INPUT'],
    ['batched (array) body', () => post(dev, [{ query: '{ departments { code } }' }, { query: '{ departments { code } }' }]), 400, 'BAD_REQUEST'],
    ['introspection in production', () => post(prod, { query: '{ __schema { types { name } } }' }), 400, 'GRAPHQL_VALIDATION_FAILED', /introspection/i],
    [
      '__type in production',
      () => post(prod, { query: '{ __type(name: "Person") { name fields { name } } }' }),
      400,
      'GRAPHQL_VALIDATION_FAILED',
      /introspection/i,
    ],
  ];

  it.each(cases)('%s', async (_name, send, status, code, message) => {
    const res = await send();
    expect(res.status).toBe(status);
    if (code === 'BAD_REQUEST') expect(res.text).toMatch(/batch/i);
    else {
      expect(res.json?.errors?.[0].extensions?.code).toBe(code);
      if (message) expect(res.json?.errors?.map((e) => e.message).join(' ')).toMatch(message);
      expect(res.json?.data).toBeUndefined();
    }
    expect(resolverCalls).toBe(0);
  });

  it('a GET mutation, a GET without a preflight header, text/plain and form POSTs are refused (CSRF)', async () => {
    const q = encodeURIComponent('mutation { retryImportRun(id: "1") { id } }');
    const getMutation = await fetch(`${dev.http.url}/graphql?query=${q}`, { headers: { ...bearer(dev.adminToken), 'apollo-require-preflight': 'true' } });
    expect(getMutation.status).toBe(405);
    const getQuery = await fetch(`${dev.http.url}/graphql?query=${encodeURIComponent('{ departments { code } }')}`, { headers: bearer(dev.adminToken) });
    expect(getQuery.status).toBe(400);
    expect(await getQuery.text()).toMatch(/CSRF/);
    const plain = await post(dev, JSON.stringify({ query: '{ departments { code } }' }), { 'content-type': 'text/plain' });
    expect(plain.status).toBe(400);
    expect(plain.text).toMatch(/CSRF/);
    const form = await post(dev, 'query=%7Bdepartments%7Bcode%7D%7D', { 'content-type': 'application/x-www-form-urlencoded' });
    expect(form.status).toBe(400);
    expect(resolverCalls).toBe(0);
  });

  it('the same documents under the limits do run (the limits are not refusing everything)', async () => {
    const ok = [
      `{ persons(first: 1) { edges { node { ${nest(2)} } } } }`,
      `{ ${Array.from({ length: 100 }, (_, i) => `a${i}: documentTypes { code }`).join(' ')} }`,
      `{ persons(first: 60) { edges { node { id identifiers { number } } } } }`,
      `{ ${Array.from({ length: 60 }, (_, i) => `s${i}: __schema { ...S }`).join(' ')} } fragment S on __Schema { types { name } queryType { name } }`,
    ];
    for (const query of ok) {
      const res = await post(dev, { query });
      expect(res.json?.errors, query.slice(0, 60)).toBeUndefined();
    }
    expect(resolverCalls).toBeGreaterThan(0);
  });

  it('GraphiQL’s introspection query fits the default limits in development', async () => {
    const api = await testHub().database(t.db).http().start();
    try {
      const res = await api.gql(getIntrospectionQuery({ descriptions: true, specifiedByUrl: true, inputValueDeprecation: true }));
      expect(res.errors).toBeUndefined();
      expect(res.data.__schema.types.length).toBeGreaterThan(50);
    } finally {
      await api.close();
    }
  });

  it('production answers a misspelled field without suggestions', async () => {
    const res = await post(prod, { query: '{ departmens { code } }' });
    expect(res.status).toBe(400);
    expect(res.text).not.toMatch(/Did you mean/i);
    const devRes = await post(dev, { query: '{ departmens { code } }' });
    expect(devRes.text).toMatch(/Did you mean/);
    expect(resolverCalls).toBe(0);
  });
});

describe('rate limiting by cost', () => {
  it('charges 100 aliased lookups 100 units', async () => {
    const api = await testHub()
      .database(t.db)
      .config({ API_RATE_LIMIT_PER_MINUTE: '150', API_RATE_BURST: '150', API_MAX_ALIASES: '100' })
      .http({ plugins: [counter] })
      .start();
    try {
      const lookups = (n: number) =>
        `{ ${Array.from({ length: n }, (_, i) => `p${i}: person(id: "${seed.persons[i % seed.persons.length].publicId}") { id fullName }`).join(' ')} }`;
      const first = await api.gql(lookups(100));
      expect(first.errors).toBeUndefined();
      expect(Object.keys(first.data)).toHaveLength(100);
      resolverCalls = 0;
      const second = await api.gql(lookups(100));
      expect(second.status).toBe(429);
      expect(second.errors?.[0].extensions).toMatchObject({ code: 'RATE_LIMITED', cost: 100 });
      expect(second.errors?.[0].extensions?.retryAfterSeconds).toBeGreaterThan(0);
      expect(resolverCalls).toBe(0);
      // 50 units are left: a 40-lookup request still fits, a one-lookup request after it too.
      expect((await api.gql(lookups(40))).errors).toBeUndefined();
      expect((await api.gql(lookups(1))).errors).toBeUndefined();
      expect((await api.gql(lookups(20))).status).toBe(429);
      // Another client has its own bucket.
      const other = await api.token('reader');
      expect((await api.gql(lookups(100), undefined, bearer(other))).errors).toBeUndefined();
    } finally {
      await api.close();
    }
  });
});

describe('time limit', () => {
  it('a request stuck past API_REQUEST_TIMEOUT_MS answers TIMEOUT', async () => {
    const api = await testHub().database(t.db).config({ API_REQUEST_TIMEOUT_MS: '300' }).http().start();
    const blocker = await t.db.client.reserve();
    try {
      await blocker`begin`;
      await blocker`lock table persons in access exclusive mode`;
      const started = Date.now();
      const res = await api.gql('{ persons(first: 5) { edges { node { id } } } }');
      expect(Date.now() - started).toBeLessThan(3000);
      expect(res.errors?.[0].extensions?.code).toBe('TIMEOUT');
      expect(res.data ?? null).toBeNull();
    } finally {
      await blocker`rollback`;
      blocker.release();
      await api.close();
    }
  });
});

describe('errors reach clients masked', () => {
  it.each([
    ['a genuine unique violation (the value is in the detail)', `insert into canary_docs values ('1098765432')`],
    [
      'a unique violation whose message quotes the number',
      `raise unique_violation using message = 'duplicate document 1098765432 for CC', detail = 'Key (doc_number)=(1098765432) already exists.'`,
    ],
  ])('%s', async (_name, body) => {
    const doc = '1098765432';
    // DDL as the owner (the hub's runtime role cannot create tables or triggers).
    await t.owner().rows(
      sql.raw(`create table if not exists canary_docs (doc_number text primary key);
      insert into canary_docs values ('${doc}') on conflict do nothing;`),
    );
    await t.owner().rows(sql.raw(`create or replace function canary_dup() returns trigger language plpgsql as $$ begin ${body}; return new; end $$;`));
    await t
      .owner()
      .rows(
        sql.raw(
          `drop trigger if exists canary_dup on import_runs; create trigger canary_dup before update on import_runs for each row execute function canary_dup();`,
        ),
      );
    const [run] = await t.db.rows<{ id: string }>(
      sql`insert into import_runs (source, file_name, file_path, sha256, file_bytes, state)
          values ('sisben', 'x.txt', '/x.txt', ${createHash('sha256').update(body).digest('hex')}, 1, 'failed') returning id`,
    );
    try {
      logLines.length = 0;
      const res = await post(dev, { query: `mutation { retryImportRun(id: "${run.id}") { id state } }` });
      expect(res.status).toBe(200);
      const err = res.json!.errors![0];
      expect(err.extensions).toEqual({ code: 'INTERNAL_SERVER_ERROR', correlationId: expect.stringMatching(/^[0-9a-f-]{36}$/) });
      expect(err.message).toBe('Internal server error. Quote the correlation id when reporting it.');
      for (const leak of [doc, 'duplicate', 'canary', 'import_runs', 'update ', 'params', '    at ', 'stack']) expect(res.text).not.toContain(leak);
      // The log has the error (code, constraint) and the correlation id, not the value.
      const log = logLines.join('');
      expect(log).toContain(err.extensions!.correlationId);
      expect(log).toContain('23505');
      expect(log).not.toContain(doc);
      // The failed mutation is audited with its outcome code.
      const [audit] = await t.db.rows<{ after: unknown }>(sql`select after from audit_events where field = 'Mutation.retryImportRun' order by id desc limit 1`);
      expect(audit.after).toEqual({ error: 'INTERNAL_SERVER_ERROR' });
    } finally {
      await t.owner().rows(sql.raw(`drop trigger if exists canary_dup on import_runs`));
    }
  });
});
