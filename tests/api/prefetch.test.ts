import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import type { DocumentTypeCode } from '../../src/domain/reference/documentTypes';
import { seedRegistry, type SeededRegistry } from '../harness/factories/registry';
import { bearer, createTestDatabase, testHub, waitFor, type ApiHub, type TestDatabase } from '../harness';

/**
 * personByDocument and the persons page read the person's documents, affiliations and memberships
 * in the statement that finds the person when the operation selects them (src/registry/personFacts.ts).
 * The rows must be the loaders' rows, and the answers those of the paths that use the loaders.
 */
let t: TestDatabase;
let api: ApiHub;
let seed: SeededRegistry;
let reader: string;

const FACTS = `id fullName identifiers { type number seenCount }
  affiliations { subsystem source administratorCode regime state stateCode startDate endDate status }
  households { role { code label } order validFrom validTo household { id } }`;

beforeAll(async () => {
  t = await createTestDatabase();
  seed = await seedRegistry(t.db, { households: 6, membersPerHousehold: 3 });
  api = await testHub().database(t).http().start();
  reader = await api.token('reader', ['05', '11', '76']);
  // Reference data and verified tokens are served from memory once cached: wait until a request costs no statement.
  await waitFor(
    'reference data and the tokens to be cached',
    async () => {
      const before = t.db.stats.queries;
      await api.gql('{ departments { code } }', undefined, bearer(reader));
      await api.gql('{ departments { code } }');
      return t.db.stats.queries === before;
    },
    10_000,
    20,
  );
});
afterAll(async () => {
  await api?.close();
  await t?.drop();
});

const statementsOf = async (query: string, variables: Record<string, unknown>, headers: Record<string, string>) => {
  const before = t.db.stats.queries;
  const res = await api.gql(query, variables, headers);
  expect(res.errors).toBeUndefined();
  return { data: res.data, statements: t.db.stats.queries - before };
};

describe('facts read with the person', () => {
  it('are the rows the loaders read, column for column', async () => {
    const { persons, facts, households } = api.app.repositories;
    const page = await persons.list({}, { first: 50 }, null, { identifiers: true, affiliations: true, memberships: true });
    expect(page.items.length).toBe(seed.persons.length);
    const ids = page.items.map((p) => p.id);
    const [identifiers, affiliations, memberships] = await Promise.all([
      facts.identifiersByPersonIds(ids),
      facts.affiliationsByPersonIds(ids),
      households.membershipsByPersonIds(ids),
    ]);
    expect(identifiers.length).toBeGreaterThan(0);
    expect(affiliations.length).toBeGreaterThan(0);
    expect(memberships.length).toBeGreaterThan(0);
    for (const id of ids) {
      expect(page.facts?.get(id)).toEqual({
        identifiers: identifiers.filter((r) => r.personId === id),
        affiliations: affiliations.filter((r) => r.personId === id),
        memberships: memberships.filter((r) => r.personId === id),
      });
    }
    const p = seed.persons[0]!;
    const lookup = await persons.findByDocuments([{ type: p.docType as DocumentTypeCode, number: p.docNumber, family: [] }], null, {
      identifiers: true,
      memberships: true,
    });
    expect(lookup[0]!.map((r) => r.publicId)).toEqual([p.publicId]);
    const id = lookup[0]![0]!.id;
    expect(lookup.facts?.get(id)).toEqual({
      identifiers: identifiers.filter((r) => r.personId === id),
      memberships: memberships.filter((r) => r.personId === id),
    });
  });

  it.each([
    ['a reader (masked numbers)', () => bearer(reader)],
    ['an admin (full numbers, audited)', () => ({})],
  ])('answer as person(id:) does, for %s; one statement for the person and its facts', async (_who, headers) => {
    // Besides: the households themselves (`household { id }`, their loader) and, for the admin, the
    // audit INSERT of its identifier reads.
    const audited = Object.keys(headers()).length === 0 ? 1 : 0;
    const page = await statementsOf(
      `query($dept: String!) { persons(first: 10, filter: { department: $dept }) { edges { node { ${FACTS} } } } }`,
      { dept: '05' },
      headers(),
    );
    expect(page.statements).toBe(2 + audited);
    const nodes = page.data.persons.edges.map((e: any) => e.node);
    expect(nodes.length).toBeGreaterThan(0);
    for (const node of nodes) {
      const direct = await api.gql(`query($id: ID!) { person(id: $id) { ${FACTS} } }`, { id: node.id }, headers());
      expect(node).toEqual(direct.data.person);
      const p = seed.persons.find((s) => s.publicId === node.id)!;
      const byDoc = await statementsOf(
        `query($type: DocumentType!, $n: String!) { personByDocument(type: $type, number: $n) { ...F } } fragment F on Person { ${FACTS} }`,
        { type: p.docType, n: p.docNumber },
        headers(),
      );
      expect(byDoc.data.personByDocument).toEqual(direct.data.person);
      expect(byDoc.statements).toBe(2 + audited);
    }
  });

  it('the bench selections: one statement', async () => {
    const p = seed.persons.find((s) => s.docType === 'CC')!;
    const byDoc = await statementsOf(
      `query($n: String!) { personByDocument(type: CC, number: $n) { id fullName birthDate identifiers { type number } isDisplaced
        affiliations { subsystem state } households { role { label } } } }`,
      { n: p.docNumber },
      bearer(reader),
    );
    expect(byDoc.data.personByDocument.identifiers.length).toBeGreaterThan(0);
    expect(byDoc.data.personByDocument.affiliations.length).toBeGreaterThan(0);
    expect(byDoc.data.personByDocument.households.length).toBeGreaterThan(0);
    expect(byDoc.statements).toBe(1);
    const page = await statementsOf(
      `{ persons(first: 20, filter: { department: "05" }) { edges { node { id fullName sisbenGroup healthState identifiers { type number } } } pageInfo { hasNextPage } } }`,
      {},
      bearer(reader),
    );
    expect(page.data.persons.edges.length).toBeGreaterThan(0);
    expect(page.statements).toBe(1);
  });

  it('are not read when not selected', async () => {
    const p = seed.persons[0]!;
    const res = await statementsOf(
      `query($n: String!) { personByDocument(type: ${p.docType}, number: $n) { id fullName } }`,
      { n: p.docNumber },
      bearer(reader),
    );
    expect(res.statements).toBe(1);
    expect(res.data.personByDocument.id).toBe(p.publicId);
  });
});

describe('a households page reads its members ahead', () => {
  // The members' persons, documents and affiliations are read by the page's resolver and carried on
  // the objects (src/registry/graphql/prefetch.ts); household(id:) reads the same through the loaders.
  const HOUSEHOLD = `id sisbenFicha members { role { code label } order validFrom validTo person { ${FACTS}
    all: affiliations(includeVanished: true) { subsystem status } health: affiliations(subsystem: SALUD) { state } } }`;

  beforeAll(async () => {
    // One member of a household in Antioquia moves to Amazonas, outside the reader's scope: the
    // reader's page leaves that member out, as the loaders' path does.
    const [moved] = await t.db.rows<{ household_id: number }>(sql`
          update persons p set municipality_code = '91001' from household_memberships m join households h on h.id = m.household_id
          where m.person_id = p.id and m.valid_to is null and h.department_code = '05' and p.municipality_code <> '91001'
              and p.id = (select min(m2.person_id) from household_memberships m2 where m2.household_id = h.id)
              and h.id = (select min(h2.id) from households h2 where h2.department_code = '05')
          returning m.household_id`);
    expect(moved).toBeDefined();
  });

  it.each([
    ['a reader (masked numbers, a member outside its scope)', () => bearer(reader)],
    ['an admin (full numbers, audited)', () => ({})],
  ])('answers as household(id:) does, for %s', async (_who, headers) => {
    const page = await statementsOf(`{ households(first: 50) { edges { node { ${HOUSEHOLD} } } } }`, {}, headers());
    const nodes = page.data.households.edges.map((e: any) => e.node);
    expect(nodes.length).toBeGreaterThan(0);
    const sizes = new Set<number>();
    for (const node of nodes) {
      const direct = await api.gql(`query($id: ID!) { household(id: $id) { ${HOUSEHOLD} } }`, { id: node.id }, headers());
      expect(direct.errors).toBeUndefined();
      expect(node).toEqual(direct.data.household);
      sizes.add(node.members.length);
      for (const m of node.members) expect(m.person.identifiers.length).toBeGreaterThan(0);
    }
    // The reader's moved member is left out (2 of 3); the admin sees all three.
    expect([...sizes].sort()).toEqual(Object.keys(headers()).length ? [2, 3] : [3]);
  });

  it('the bench selection: households, memberships, then persons, documents and affiliations at once', async () => {
    const page = await statementsOf(
      `{ households(first: 100) { edges { node { id zone sisbenGroup municipality { name }
        members { role { label } person { id fullName birthDate identifiers { type number } affiliations { subsystem administratorCode regime state } } } } }
        pageInfo { hasNextPage endCursor } } }`,
      {},
      bearer(reader),
    );
    expect(page.data.households.edges.length).toBeGreaterThan(0);
    expect(page.statements).toBe(5);
    const onlyMembers = await statementsOf(`{ households(first: 100) { edges { node { id members { order } } } } }`, {}, bearer(reader));
    // The scope still needs the persons (a member outside it is left out).
    expect(onlyMembers.statements).toBe(3);
  });

  it('reads whole rows when a selected field is not in the column maps, with the same answers', async () => {
    // provenance and sourceRecord read columns the maps do not list: every column is read.
    const MEMBER = `members { person { id provenance { field value } affiliations { state municipality { name } sourceRecord { id } } } }`;
    const page = await statementsOf(`{ households(first: 50) { edges { node { id ${MEMBER} } } } }`, {}, bearer(reader));
    for (const node of page.data.households.edges.map((e: any) => e.node)) {
      const direct = await api.gql(`query($id: ID!) { household(id: $id) { id ${MEMBER} } }`, { id: node.id }, bearer(reader));
      expect(node).toEqual(direct.data.household);
      for (const m of node.members) expect(m.person.provenance.find((v: any) => v.field === 'name').value).toBeTruthy();
    }
  });
});
