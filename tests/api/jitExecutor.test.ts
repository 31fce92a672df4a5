import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedRegistry, type SeededRegistry } from '../harness/factories/registry';
import { bearer, createTestDatabase, testHub, type ApiHub, type GqlResponse, type TestDatabase } from '../harness';

/**
 * The compiled executor (src/graphql/jitExecutor.ts) against graphql-js: two API servers on one
 * database, one with API_EXECUTOR=jit and one with graphql-js, asked the same operations by the same
 * clients. Every answer (status, data, errors), and the audit rows each request wrote, must be equal;
 * the jit server must have served the repeats compiled, and the cases it does not take on graphql-js.
 */
let t: TestDatabase;
let seed: SeededRegistry;
let jit: ApiHub;
let plain: ApiHub;
const tokens: Record<'reader' | 'steward' | 'scopedReader', string> = {} as never;

beforeAll(async () => {
  t = await createTestDatabase();
  seed = await seedRegistry(t.db, { households: 6, membersPerHousehold: 3 });
  jit = await testHub().database(t.db).config({ API_EXECUTOR: 'jit' }).http().start();
  plain = await testHub().database(t.db).config({ API_EXECUTOR: 'graphql-js' }).http().start();
  tokens.reader = await jit.token('reader');
  tokens.steward = await jit.token('steward');
  tokens.scopedReader = await jit.token('reader', ['05']);
});

afterAll(async () => {
  await jit?.close();
  await plain?.close();
  await t?.drop();
});

let seq = 0;
const auditOf = (requestId: string) =>
  t.db.rows<{ action: string; field: string; subject_type: string; person_id: string | null; actor_role: string }>(
    sql`select action, field, subject_type, person_id::text, actor_role from audit_events where request_id = ${requestId} order by field, person_id, action`,
  );
/** Correlation ids differ per request by design; everything else must not. */
const comparable = (r: GqlResponse) => JSON.parse(JSON.stringify(r).replace(/"correlationId":"[0-9a-f-]{36}"/g, '"correlationId":"…"'));

async function both(caller: keyof typeof tokens, query: string, variables?: Record<string, unknown>) {
  const send = async (hub: ApiHub) => {
    const requestId = `jit-${++seq}`;
    const res = await hub.gql(query, variables, { ...bearer(tokens[caller]), 'x-request-id': requestId });
    return { res: comparable(res), audit: await auditOf(requestId) };
  };
  const a = await send(plain);
  const b = await send(jit);
  expect(b.res).toEqual(a.res);
  expect(b.audit).toEqual(a.audit);
  return b.res as GqlResponse;
}

/** Three times: the first sighting of a query text runs on graphql-js, the later ones compiled. */
async function thrice(caller: keyof typeof tokens, query: string, variables?: Record<string, unknown>) {
  const before = jit.http.executor.jit;
  let last: GqlResponse | undefined;
  for (let i = 0; i < 3; i++) last = await both(caller, query, variables);
  return { res: last!, compiledRuns: jit.http.executor.jit - before };
}

const HOUSEHOLDS = `query HouseholdPage { households(first: 100) {
  edges { node { id zone sisbenGroup municipality { name }
    members { role { label } person { id fullName birthDate
      identifiers { type number }
      affiliations { subsystem administratorCode regime state } } } } }
  pageInfo { hasNextPage endCursor } } }`;
const PERSONS = `query Persons($dept: String!) { persons(first: 20, filter: { department: $dept }) {
  edges { node { id fullName sisbenGroup healthState identifiers { type number } } }
  pageInfo { hasNextPage endCursor } totalCount } }`;
const BY_DOCUMENT = `query ByDocument($n: String!) { personByDocument(type: CC, number: $n) {
  id fullName birthDate identifiers { type number } isDisplaced
  affiliations { subsystem state } households { role { label } } } }`;

describe('compiled queries answer as graphql-js does', () => {
  for (const caller of ['reader', 'steward', 'scopedReader'] as const) {
    it(`households page with members, documents and affiliations (${caller}: masking, scope, audit)`, async () => {
      const { res, compiledRuns } = await thrice(caller, HOUSEHOLDS);
      expect(res.errors).toBeUndefined();
      expect(res.data.households.edges.length).toBeGreaterThan(0);
      expect(compiledRuns).toBeGreaterThanOrEqual(2);
    });

    it(`persons page with totalCount, and personByDocument (${caller})`, async () => {
      const p = seed.persons[0];
      const persons = await thrice(caller, PERSONS, { dept: p.municipalityCode.slice(0, 2) });
      expect(persons.res.errors).toBeUndefined();
      expect(typeof persons.res.data.persons.totalCount).toBe('number');
      expect(persons.compiledRuns).toBeGreaterThanOrEqual(2);
      const byDoc = await thrice(caller, BY_DOCUMENT, { n: p.docNumber });
      expect(byDoc.compiledRuns).toBeGreaterThanOrEqual(2);
    });
  }

  it('an interface (node) resolves to the same object types', async () => {
    const h = seed.households[1];
    const p = seed.persons[4];
    const { res, compiledRuns } = await thrice(
      'steward',
      `{ h: node(id: "${h.publicId}") { __typename id ... on Household { members { person { id identifiers { number } } } } }
         p: node(id: "${p.publicId}") { __typename ... on Person { fullName } } }`,
    );
    expect(res.data.h.__typename).toBe('Household');
    expect(res.data.p.__typename).toBe('Person');
    expect(compiledRuns).toBe(2);
  });

  it('resolver errors keep their message, code, path and locations, beside the data that resolved', async () => {
    const { res, compiledRuns } = await thrice(
      'reader',
      `{ ok: persons(first: 1) { edges { node { id } } }
         bad: personByDocument(type: CC, number: "12x") { id } }`,
    );
    expect(res.data.ok.edges).toHaveLength(1);
    expect(res.data.bad).toBeNull();
    expect(res.errors!.map((e) => [e.path, e.extensions?.code])).toEqual([[['bad'], 'BAD_USER_INPUT']]);
    expect((res.errors![0] as { locations?: unknown }).locations).toEqual([{ line: 2, column: 10 }]);
    expect(compiledRuns).toBe(2);

    // An error in a non-null field nulls its parent, here the whole data, alike.
    const nonNull = await thrice(
      'reader',
      `{ ok: persons(first: 1) { edges { node { id } } } cursor: persons(first: 1, after: "garbage") { edges { node { id } } } }`,
    );
    expect(nonNull.res.data).toBeNull();
    expect(nonNull.res.errors!.map((e) => [e.path, e.extensions?.code])).toEqual([[['cursor'], 'BAD_USER_INPUT']]);
    expect(nonNull.compiledRuns).toBe(2);
  });

  it('a field the role may not read is refused before execution, on both', async () => {
    const { res, compiledRuns } = await thrice('reader', `{ persons(first: 1) { edges { node { sourceRecords { raw } } } } }`);
    expect(res.status).toBe(403);
    expect(res.errors![0].extensions?.code).toBe('FORBIDDEN');
    expect(compiledRuns).toBe(0);
  });
});

describe('what stays on graphql-js', () => {
  it('mutations, @skip/@include, introspection and variables that do not coerce', async () => {
    const s = jit.http.executor.fallback;
    const was = { ...s };
    await thrice('reader', `query($x: Boolean!) { persons(first: 2) { edges { node { id fullName @include(if: $x) } } } }`, { x: false });
    expect(s.directives - was.directives).toBe(2);

    const wrong = await thrice('reader', BY_DOCUMENT, { n: 42 });
    expect(wrong.res.errors![0].extensions?.code).toBe('BAD_USER_INPUT');
    expect(s.variables - was.variables).toBeGreaterThanOrEqual(2);

    await thrice('steward', `{ __type(name: "Person") { name } }`);
    expect(s.introspection - was.introspection).toBe(2);

    const before = s['not-query'];
    for (let i = 0; i < 2; i++) await jit.gql(`mutation { revokeApiClient(id: "00000000-0000-7000-8000-000000000000") { id } }`);
    expect(s['not-query'] - before).toBe(2);
  });

  it('API_EXECUTOR=graphql-js compiles nothing', () => {
    expect(plain.http.executor.jit).toBe(0);
    expect(plain.http.executor.compiled).toBe(0);
  });
});
