import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedRegistry, type SeededRegistry } from '../harness/factories/registry';
import { bearer, createTestDatabase, testHub, type ApiHub, type GqlResponse, type TestDatabase } from '../harness';

/**
 * `totalCount` on the registry connections (exact, same filter and scope as the pages, computed only
 * when selected) and Relay's `node(id:)` over the global ids of persons and households.
 */
let t: TestDatabase;
let api: ApiHub;
let seed: SeededRegistry;

beforeAll(async () => {
  t = await createTestDatabase();
  seed = await seedRegistry(t.db, { households: 24, membersPerHousehold: 3 });
  api = await testHub().database(t.db).http().start();
});
afterAll(async () => {
  await api?.close();
  await t?.drop();
});

const ok = (res: GqlResponse) => {
  expect(res.errors, JSON.stringify(res.errors)).toBeUndefined();
  return res.data;
};

async function pagedIds(
  root: 'persons' | 'households',
  filter: Record<string, unknown>,
  headers?: Record<string, string>,
): Promise<{ ids: string[]; totals: number[] }> {
  const ids: string[] = [];
  const totals: number[] = [];
  let after: string | null = null;
  for (;;) {
    const data: any = ok(
      await api.gql(
        `query($f: ${root === 'persons' ? 'PersonFilter' : 'HouseholdFilter'}, $after: String) { c: ${root}(filter: $f, first: 7, after: $after) { totalCount edges { node { id } } pageInfo { hasNextPage endCursor } } }`,
        { f: filter, after },
        headers,
      ),
    );
    ids.push(...data.c.edges.map((e: any) => e.node.id));
    totals.push(data.c.totalCount);
    if (!data.c.pageInfo.hasNextPage) return { ids, totals };
    after = data.c.pageInfo.endCursor;
  }
}

describe('totalCount', () => {
  it.each([
    ['persons', {}],
    ['persons', { department: '05' }],
    ['persons', { municipality: '76001' }],
    ['persons', { displaced: true }],
    ['persons', { affiliationState: 'RETIRADO', subsystem: 'SALUD' }],
    ['persons', { department: '05', sisbenGroup: 'A' }],
    ['households', {}],
    ['households', { municipality: '05001', zone: 'RURAL_DISPERSO' }],
    ['households', { displaced: true }],
  ] as const)('%s %j: equals the items paged through, on every page', async (root, filter) => {
    const { ids, totals } = await pagedIds(root, filter);
    expect(new Set(totals)).toEqual(new Set([ids.length]));
  });

  it('follows the client’s territorial scope', async () => {
    const scoped = await api.token('reader', ['05001']);
    const { ids, totals } = await pagedIds('persons', {}, bearer(scoped));
    expect(totals[0]).toBe(ids.length);
    expect(ids.length).toBe(seed.persons.filter((p) => p.municipalityCode === '05001').length);
    // A filter outside the scope counts nothing.
    const outside = ok(await api.gql('{ persons(filter: { municipality: "76001" }) { totalCount } }', {}, bearer(scoped)));
    expect(outside.persons.totalCount).toBe(0);
  });

  it('costs one statement when selected and none when not', async () => {
    const statements = async (q: string) => {
      const before = t.db.stats.queries;
      ok(await api.gql(q));
      return t.db.stats.queries - before;
    };
    const without = await statements('{ persons(first: 5, filter: { department: "05" }) { edges { node { id } } } }');
    const withCount = await statements('{ persons(first: 5, filter: { department: "05" }) { totalCount edges { node { id } } } }');
    expect(withCount - without).toBe(1);
  });

  it('is charged by the cost limiter', async () => {
    const small = await testHub().database(t.db).config({ API_MAX_COST: '150' }).http().start();
    try {
      expect(ok(await small.gql('{ persons(first: 5) { edges { node { id } } } }')).persons.edges).toHaveLength(5);
      const refused = await small.gql('{ a: persons(first: 1) { totalCount } b: households(first: 1) { totalCount } }');
      // Two counts (100 units each) exceed 150; the same query without them is cheap.
      expect(refused.errors?.[0]?.message).toMatch(/cost/i);
      expect(refused.data).toBeUndefined();
      expect(ok(await small.gql('{ a: persons(first: 1) { edges { node { id } } } b: households(first: 1) { edges { node { id } } } }')).a.edges).toHaveLength(
        1,
      );
    } finally {
      await small.close();
    }
  });
});

describe('node(id:)', () => {
  const NODE = `query($id: ID!) { node(id: $id) { __typename id ... on Person { fullName } ... on Household { zone members { order } } } }`;

  it('fetches a person and a household again by their global ids', async () => {
    const person = seed.persons[4];
    const a = ok(await api.gql(NODE, { id: person.publicId }));
    expect(a.node).toMatchObject({ __typename: 'Person', id: person.publicId });
    expect(a.node.fullName).toBeTruthy();
    const household = seed.households[2];
    const b = ok(await api.gql(NODE, { id: household.publicId }));
    expect(b.node).toMatchObject({ __typename: 'Household', id: household.publicId });
    expect(b.node.members.length).toBeGreaterThan(0);
    // The id a node returns is the one it is fetched by (Relay's refetch contract).
    const list = ok(await api.gql('{ persons(first: 3) { edges { node { id } } } households(first: 2) { edges { node { id } } } }'));
    for (const e of [...list.persons.edges, ...list.households.edges]) expect(ok(await api.gql(NODE, { id: e.node.id })).node.id).toBe(e.node.id);
  });

  it('resolves a merged-away person to its survivor, like person(id:)', async () => {
    const [gone, survivor] = [seed.persons[0], seed.persons[1]];
    await t.db.rows(sql`update persons set status = 'merged', merged_into_id = ${survivor.id} where id = ${gone.id}`);
    try {
      const res = ok(await api.gql(NODE, { id: gone.publicId }));
      expect(res.node).toMatchObject({ __typename: 'Person', id: survivor.publicId });
    } finally {
      await t.db.rows(sql`update persons set status = 'active', merged_into_id = null where id = ${gone.id}`);
    }
  });

  it('answers null outside the scope, for unknown and malformed ids; masks for readers', async () => {
    const scoped = await api.token('reader', ['05001']);
    const inside = seed.persons.find((p) => p.municipalityCode === '05001')!;
    const outside = seed.persons.find((p) => p.municipalityCode === '76001')!;
    const outsideHousehold = seed.households.find((h) => h.municipalityCode === '76001')!;
    expect(ok(await api.gql(NODE, { id: outside.publicId }, bearer(scoped))).node).toBeNull();
    expect(ok(await api.gql(NODE, { id: outsideHousehold.publicId }, bearer(scoped))).node).toBeNull();
    expect(ok(await api.gql(NODE, { id: inside.publicId }, bearer(scoped))).node.id).toBe(inside.publicId);
    expect(ok(await api.gql(NODE, { id: '0190a3a5-0000-7000-8000-000000000000' })).node).toBeNull();
    expect(ok(await api.gql(NODE, { id: 'not-an-id' })).node).toBeNull();
    const masked = ok(await api.gql(`query($id: ID!) { node(id: $id) { ... on Person { identifiers { number } } } }`, { id: inside.publicId }, bearer(scoped)));
    expect(masked.node.identifiers[0].number).not.toBe(inside.docNumber);
  });
});
