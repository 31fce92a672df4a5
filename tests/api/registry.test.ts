import { readFile } from 'node:fs/promises';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApiSchema, printApiSchema } from '../../src/graphql/schema';
import { SDL_PATH } from '../../src/cli/commands/schema';
import { seedRegistry, type SeededHousehold, type SeededPerson, type SeededRegistry } from '../harness/factories/registry';
import { createTestDatabase, testHub, waitFor, type ApiHub, type GqlResponse, type TestDatabase } from '../harness';

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

const PERSON_FIELDS = `id firstName secondName firstSurname secondSurname fullName birthDate sex sisbenGroup isDisplaced healthState
  municipality { code name department { code name } }`;

async function allPages(query: string, root: string, variables: Record<string, unknown> = {}, first = 7) {
  const ids: string[] = [];
  let after: string | null = null;
  for (;;) {
    const res: GqlResponse = await api.gql(query, { ...variables, first, after });
    expect(res.errors).toBeUndefined();
    const conn: any = res.data[root];
    ids.push(...conn.edges.map((e: any) => e.node.id));
    if (!conn.pageInfo.hasNextPage) return ids;
    after = conn.pageInfo.endCursor;
  }
}

describe('person lookups', () => {
  it('finds a person by public id with golden values and nested facts', async () => {
    const p = seed.persons[0];
    const res = await api.gql(
      `query($id: ID!) { person(id: $id) { ${PERSON_FIELDS}
        identifiers { type number seenCount sourceRecord { source line } }
        affiliations { subsystem administratorCode state stateCode regime source status }
        sisbenClassification { group subgroup cutDate household { id sisbenGroup } }
        victimRegistrations { event { code label } victimType occurrenceMunicipality { name } arrivalMunicipality { code } }
        sourceRecords { source fileName line status }
        households { role { code label } order validTo household { id municipality { code } } }
        provenance { field value sourceRecord { source line } } } }`,
      { id: p.publicId },
    );
    expect(res.errors).toBeUndefined();
    const person = res.data.person;
    expect(person.id).toBe(p.publicId);
    expect(person.fullName).toBe('MARÍA RODRÍGUEZ');
    expect(person.municipality).toEqual({ code: '05001', name: 'Medellín', department: { code: '05', name: 'Antioquia' } });
    expect(person.identifiers).toEqual([{ type: 'CC', number: p.docNumber, seenCount: 1, sourceRecord: { source: 'SISBEN', line: expect.any(Number) } }]);
    expect(person.affiliations).toEqual([
      { subsystem: 'SALUD', administratorCode: 'EPS037', state: 'RETIRADO', stateCode: 'RE', regime: 'SUBSIDIADO', source: 'BDUA', status: 'ACTIVE' },
    ]);
    expect(person.sisbenClassification).toMatchObject({ group: 'A', subgroup: 'A1', cutDate: '2024-06-30' });
    expect(person.victimRegistrations).toEqual([
      {
        event: { code: 5, label: 'Desplazamiento forzado' },
        victimType: 'DIRECTA',
        occurrenceMunicipality: { name: 'Quibdó' },
        arrivalMunicipality: { code: '05001' },
      },
    ]);
    expect(person.sourceRecords.map((r: any) => r.source).sort()).toEqual(['BDUA', 'RUV', 'SISBEN']);
    expect(person.households).toEqual([
      {
        role: { code: 1, label: 'Jefe(a) del hogar' },
        order: 1,
        validTo: null,
        household: { id: seed.households[0].publicId, municipality: { code: '05001' } },
      },
    ]);
    expect(person.provenance.map((v: any) => [v.field, v.sourceRecord?.source])).toEqual([
      ['name', 'SISBEN'],
      ['birthDate', 'SISBEN'],
      ['sex', 'SISBEN'],
      ['municipality', 'SISBEN'],
    ]);
  });

  it('returns null for unknown or malformed ids', async () => {
    const res = await api.gql(`{ a: person(id: "00000000-0000-7000-8000-000000000000") { id } b: person(id: "nope") { id } }`);
    expect(res.errors).toBeUndefined();
    expect(res.data).toEqual({ a: null, b: null });
  });

  it('normalizes document numbers: "1.000.000.004" finds 1000000004', async () => {
    const res = await api.gql(`{ personByDocument(type: CC, number: "1.000.000.004") { id } }`);
    expect(res.errors).toBeUndefined();
    expect(res.data.personByDocument.id).toBe(seed.persons.find((p) => p.docNumber === '1000000004')!.publicId);
    const spaced = await api.gql(`{ personByDocument(type: CC, number: " 1 000 000 004 ") { id } }`);
    expect(spaced.data.personByDocument.id).toBe(res.data.personByDocument.id);
  });

  it('finds a TI holder when asked for the CC of the same NUIP (document life cycle)', async () => {
    const child = seed.persons.find((p) => p.docType === 'TI')!;
    const res = await api.gql(`query($n: String!) { personByDocument(type: CC, number: $n) { id } }`, { n: child.docNumber });
    expect(res.data.personByDocument.id).toBe(child.publicId);
    const foreign = await api.gql(`query($n: String!) { personByDocument(type: CE, number: $n) { id } }`, { n: child.docNumber });
    expect(foreign.data.personByDocument).toBeNull();
  });

  it('rejects a malformed document number with a typed error', async () => {
    const res = await api.gql(`{ personByDocument(type: CC, number: "12AB") { id } }`);
    expect(res.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
    expect(res.errors?.[0].message).not.toContain('12AB');
  });
});

describe('personsByDocuments (batch lookup)', () => {
  const LOOKUP = `query($docs: [DocumentInput!]!) { personsByDocuments(documents: $docs) {
    index status person { id identifiers { type number } } persons { id } } }`;

  it('answers each document in request order, with life cycle, invalid numbers and absences per entry, in one SQL statement', async () => {
    const adult = seed.persons.find((p) => p.docType === 'CC')!;
    const child = seed.persons.find((p) => p.docType === 'TI')!;
    const docs = [
      { type: 'CC', number: 'not-a-number' },
      { type: 'CC', number: child.docNumber }, // the TI of the same NUIP
      { type: 'CC', number: '999999999' },
      { type: 'CC', number: adult.docNumber.replace(/(\d)(?=(\d{3})+$)/g, '$1.') }, // formatted
      { type: 'CE', number: child.docNumber }, // CE is outside the NUIP life cycle
    ];
    const before = t.db.stats.queries;
    const res = await api.gql(LOOKUP, { docs });
    const statements = t.db.stats.queries - before;
    expect(res.errors).toBeUndefined();
    const out = res.data.personsByDocuments;
    expect(out.map((r: any) => [r.index, r.status])).toEqual([
      [0, 'INVALID_NUMBER'],
      [1, 'FOUND'],
      [2, 'NOT_FOUND'],
      [3, 'FOUND'],
      [4, 'NOT_FOUND'],
    ]);
    expect(out[1].person.id).toBe(child.publicId);
    expect(out[3].person.id).toBe(adult.publicId);
    expect(out[3].persons.map((p: any) => p.id)).toEqual([adult.publicId]);
    expect(out[0].person).toBeNull();
    // The lookup itself is one statement; the rest are the selected identifiers (one batched
    // loader query) and the client's audit of identifier reads.
    expect(statements).toBeLessThanOrEqual(3);
  });

  it('flags a document several persons hold as AMBIGUOUS, with every holder', async () => {
    const [a, b] = seed.persons.filter((p) => p.docType === 'CC');
    // A second person carrying a's number (shared or mistyped in a source).
    await t.db.rows(sql`insert into person_identifiers (person_id, doc_type, doc_number, source_record_id)
      select ${b!.id}, doc_type, doc_number, source_record_id from person_identifiers where person_id = ${a!.id} and doc_type = 'CC'`);
    try {
      const res = await api.gql(LOOKUP, { docs: [{ type: 'CC', number: a!.docNumber }] });
      expect(res.data.personsByDocuments[0].status).toBe('AMBIGUOUS');
      expect(res.data.personsByDocuments[0].person).toBeNull();
      expect(res.data.personsByDocuments[0].persons.map((p: any) => p.id).sort()).toEqual([a!.publicId, b!.publicId].sort());
    } finally {
      await t.db.rows(sql`delete from person_identifiers where person_id = ${b!.id} and doc_number = ${a!.docNumber}`);
    }
  });

  it('keeps scope and masking: outside the territory is NOT_FOUND, a reader sees masked numbers', async () => {
    const inside = seed.persons.find((p) => p.docType === 'CC')!;
    const outside = seed.persons.find((p) => p.docType === 'CC' && p.municipalityCode.slice(0, 2) !== inside.municipalityCode.slice(0, 2))!;
    const reader = await api.token('reader', [inside.municipalityCode]);
    const res = await api.gql(
      LOOKUP,
      {
        docs: [
          { type: 'CC', number: inside.docNumber },
          { type: 'CC', number: outside.docNumber },
        ],
      },
      { authorization: `Bearer ${reader}` },
    );
    expect(res.errors).toBeUndefined();
    const [a, b] = res.data.personsByDocuments;
    expect(a.status).toBe('FOUND');
    expect(a.person.identifiers[0].number).toMatch(/^\*{6}\d{4}$/);
    expect(b).toEqual({ index: 1, status: 'NOT_FOUND', person: null, persons: [] });
  });

  it('caps the batch at the page size, without echoing the numbers', async () => {
    const docs = Array.from({ length: 101 }, (_, i) => ({ type: 'CC', number: String(1_000_000_000 + i) }));
    const res = await api.gql(LOOKUP, { docs });
    expect(res.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
    expect(JSON.stringify(res.errors)).not.toContain('1000000000');
  });
});

describe('persons connection', () => {
  const Q = `query($first: Int, $after: String, $filter: PersonFilter) {
    persons(first: $first, after: $after, filter: $filter) { edges { cursor node { id municipality { code } sisbenGroup isDisplaced } } pageInfo { hasNextPage endCursor } } }`;

  it('pages through everyone once, in a stable order', async () => {
    const ids = await allPages(Q, 'persons');
    expect(ids).toHaveLength(seed.persons.length);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it.each<[Record<string, unknown>, (p: SeededPerson) => boolean]>([
    [{ department: '05' }, (p) => ['05001', '05088'].includes(p.municipalityCode)],
    [{ municipality: '11001' }, (p) => p.municipalityCode === '11001'],
    [{ municipality: '5001' }, (p) => p.municipalityCode === '05001'],
    [{ sisbenGroup: 'C' }, (p) => p.sisbenGroup === 'C'],
    [{ displaced: true }, (p) => p.displaced],
    [{ victim: false }, (p) => !p.displaced],
    [{ affiliationState: 'RETIRADO' }, (p) => p.healthState === 'RETIRADO'],
    [{ affiliationState: 'ACTIVO', subsystem: 'SALUD' }, (p) => p.healthState === 'ACTIVO'],
    [{ affiliationState: 'ACTIVO', subsystem: 'PENSIONES' }, () => false],
    [{ department: '05', sisbenGroup: 'A', displaced: true }, (p) => p.municipalityCode === '05001' && p.sisbenGroup === 'A' && p.displaced],
  ])('filters by %o', async (filter, predicate) => {
    const expected = seed.persons.filter(predicate).map((p) => p.publicId);
    const ids = await allPages(Q, 'persons', { filter });
    expect(ids.sort()).toEqual(expected.sort());
  });

  it('stays free of duplicates and gaps while rows are inserted between pages', async () => {
    const seen: string[] = [];
    let after: string | null = null;
    let inserted = false;
    const before = new Set(seed.persons.map((p) => p.publicId));
    for (;;) {
      const res: any = await api.gql(Q, { first: 10, after });
      seen.push(...res.data.persons.edges.map((e: any) => e.node.id));
      if (!inserted) {
        const more = await seedRegistry(t.db, { households: 3, membersPerHousehold: 2, offset: 1000 });
        seed.persons.push(...more.persons);
        seed.households.push(...more.households);
        inserted = true;
      }
      if (!res.data.persons.pageInfo.hasNextPage) break;
      after = res.data.persons.pageInfo.endCursor;
    }
    expect(new Set(seen).size).toBe(seen.length);
    for (const id of before) expect(seen).toContain(id);
    expect(seen.length).toBe(before.size + 6);
    expect(new Set(seen)).toEqual(new Set(seed.persons.map((p) => p.publicId)));
  });

  it('caps `first` and rejects malformed cursors and codes with typed errors', async () => {
    const big = await api.gql(`{ persons(first: 99999999) { edges { cursor } } }`);
    expect(big.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
    expect(big.data ?? null).toBeNull(); // refused before execution: no data entry at all
    const neg = await api.gql(`{ persons(first: -1) { edges { cursor } } }`);
    expect(neg.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
    const cursor = await api.gql(`{ persons(after: "not-a-cursor") { edges { cursor } } }`);
    expect(cursor.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
    const dept = await api.gql(`{ persons(filter: { department: "Antioquia" }) { edges { cursor } } }`);
    expect(dept.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
    const enumErr = await api.gql(`{ persons(filter: { sisbenGroup: E }) { edges { cursor } } }`);
    expect(enumErr.errors?.[0].extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
  });
});

describe('households connection', () => {
  const Q = `query($first: Int, $after: String, $filter: HouseholdFilter) {
    households(first: $first, after: $after, filter: $filter) { edges { node { id } } pageInfo { hasNextPage endCursor } } }`;

  it.each<[Record<string, unknown>, (h: SeededHousehold) => boolean]>([
    [{}, () => true],
    [{ department: '76' }, (h) => h.municipalityCode.startsWith('76')],
    [{ municipality: '05088' }, (h) => h.municipalityCode === '05088'],
    [{ sisbenGroup: 'B' }, (h) => h.sisbenGroup === 'B'],
    [{ zone: 'RURAL_DISPERSO' }, (h) => h.zone === 'rural_disperso'],
    [{ displaced: true }, (h) => h.hasDisplaced],
    [{ displaced: false, department: '11' }, (h) => !h.hasDisplaced && h.municipalityCode === '11001'],
  ])('filters by %o', async (filter, predicate) => {
    const expected = seed.households.filter(predicate).map((h) => h.publicId);
    expect(expected.length).toBeGreaterThan(0);
    const ids = await allPages(Q, 'households', { filter }, 5);
    expect(ids.sort()).toEqual(expected.sort());
  });

  it('resolves a page of 100 households with members, persons and affiliations in a constant number of queries', async () => {
    const extra = await createTestDatabase();
    try {
      await seedRegistry(extra.db, { households: 100, membersPerHousehold: 4 });
      const api2 = await testHub().database(extra.db).http().start();
      try {
        const q = `query($first: Int) { households(first: $first) { edges { node { id municipality { name }
          members { role { label } person { id fullName identifiers { type number } affiliations { state administratorCode } } } } } } }`;
        // Reference data is read once per process and then served from memory, and so is the
        // client's verified token (src/access/principalCache.ts): wait until neither costs a statement.
        await waitFor(
          'reference data and the token to be cached',
          async () => {
            const before = extra.db.stats.queries;
            await api2.gql('{ departments { code } }');
            return extra.db.stats.queries === before;
          },
          10_000,
          20,
        );
        const counts: number[] = [];
        for (const first of [10, 100]) {
          const before = extra.db.stats.queries;
          const res = await api2.gql(q, { first });
          expect(res.errors).toBeUndefined();
          expect(res.data.households.edges).toHaveLength(first);
          expect(res.data.households.edges[first - 1].node.members).toHaveLength(4);
          counts.push(extra.db.stats.queries - before);
        }
        // households page + memberships + persons + identifiers + affiliations (municipalities are
        // cached in memory) + one INSERT of every audited identifier read.
        expect(counts).toEqual([6, 6]);
      } finally {
        await api2.close();
      }
    } finally {
      await extra.drop();
    }
  });
});

describe('reference data', () => {
  it('lists departments, municipalities of a department and the code lists', async () => {
    const res = await api.gql(`{ departments { code } municipalities(department: "91") { code name kind }
      documentTypes { code lifeCycleRank } sisbenSubgroups { code } victimizingEvents { code label } kinshipRoles { code }
      logroDimensions { id name logros { id registryAnswerable } } }`);
    expect(res.errors).toBeUndefined();
    expect(res.data.departments).toHaveLength(33);
    expect(res.data.municipalities.filter((m: any) => m.kind === 'Área no municipalizada')).toHaveLength(9);
    expect(res.data.sisbenSubgroups).toHaveLength(51);
    expect(res.data.documentTypes.find((d: any) => d.code === 'TI').lifeCycleRank).toBe(2);
    expect(res.data.logroDimensions.flatMap((d: any) => d.logros)).toHaveLength(45);
    expect(
      res.data.logroDimensions
        .flatMap((d: any) => d.logros)
        .filter((l: any) => l.registryAnswerable)
        .map((l: any) => l.id),
    ).toEqual([1, 3, 13, 24, 26, 28, 29, 32, 45]);
  });
});

describe('schema', () => {
  it('schema/api.graphql matches the schema built from the code (run `npm run schema:emit`)', async () => {
    expect(await readFile(SDL_PATH, 'utf8')).toBe(printApiSchema(await buildApiSchema()));
  });
});

describe('HTTP endpoints', () => {
  it('serves health and readiness', async () => {
    expect(await (await fetch(`${api.http.url}/healthz`)).json()).toEqual({ status: 'ok' });
    expect(await (await fetch(`${api.http.url}/readyz`)).json()).toMatchObject({
      status: 'ready',
      database: 'postgres',
      db: 'ok',
      jobs: { mode: 'embedded', status: 'ok' },
    });
  });

  it('serves GraphiQL from the hub itself in development', async () => {
    const page = await fetch(`${api.http.url}/graphql`, { headers: { accept: 'text/html' } });
    const html = await page.text();
    expect(html).toContain('/graphiql/graphiql.min.js');
    expect(html).not.toMatch(/https?:\/\/(?!127\.0\.0\.1)[^"']*\.js/);
    const js = await fetch(`${api.http.url}/graphiql/graphiql.min.js`);
    expect(js.status).toBe(200);
  });
});
