import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Principal, Role } from '../../src/kernel';
import { seedRegistry, type SeededHousehold, type SeededPerson, type SeededRegistry } from '../harness/factories/registry';
import { bearer, createTestDatabase, testHub, type ApiHub, type GqlResponse, type TestDatabase } from '../harness';

/**
 * Role × field × entry point. Households i live in ['05001','11001','76001','05088'][i % 4]; the
 * head of household 0 (05001) is displaced, so it has Sisbén, BDUA and RUV records.
 */
let t: TestDatabase;
let api: ApiHub;
let seed: SeededRegistry;
type Caller = 'reader' | 'steward' | 'operator' | 'admin' | 'scopedReader' | 'scopedSteward';
const tokens = {} as Record<Caller, string>;
const principals = {} as Record<Caller, Principal>;
let target: SeededPerson; // 05001, displaced
let outside: SeededPerson; // 11001
let targetHousehold: SeededHousehold;
let outsideHousehold: SeededHousehold;

let seq = 0;
async function call(caller: Caller, query: string, variables?: Record<string, unknown>) {
  const requestId = `matrix-${caller}-${++seq}`;
  const res = await api.gql(query, variables, { ...bearer(tokens[caller]), 'x-request-id': requestId });
  return { ...res, requestId };
}
const auditRows = (requestId: string) =>
  t.db.rows<{ actor: string; actor_role: string; action: string; person_id: string | null; field: string; subject_type: string; xmin: string }>(
    sql`select actor, actor_role, action, person_id, field, subject_type, xmin::text from audit_events where request_id = ${requestId} order by id`,
  );

beforeAll(async () => {
  t = await createTestDatabase();
  seed = await seedRegistry(t.db, { households: 8, membersPerHousehold: 3 });
  api = await testHub().database(t.db).http().start();
  const scopes: Record<Caller, [Role, string[]]> = {
    reader: ['reader', []],
    steward: ['steward', []],
    operator: ['operator', []],
    admin: ['admin', []],
    scopedReader: ['reader', ['05']],
    scopedSteward: ['steward', ['05001', '76001']],
  };
  for (const [caller, [role, scope]] of Object.entries(scopes) as [Caller, [Role, string[]]][]) {
    tokens[caller] = await api.token(role, scope);
    principals[caller] = (await api.app.services.clients.authenticate(`Bearer ${tokens[caller]}`))!;
  }
  target = seed.persons[0];
  outside = seed.persons[3];
  targetHousehold = seed.households[0];
  outsideHousehold = seed.households[1];
  expect(target.displaced && target.municipalityCode === '05001' && outside.municipalityCode === '11001').toBe(true);
  // One open review item about each of the two persons (the review-queue entry points).
  await t.db.rows(sql`insert into review_items (reason, person_a_id, person_a_version, municipality_code)
    select 'HOUSEHOLD_CHANGE', id, version, municipality_code from persons where id in (${target.id}, ${outside.id})`);
});
afterAll(async () => {
  await api?.close();
  await t?.drop();
});

const FIELD_SETS = {
  identity: 'fullName isDisplaced isVictim',
  identifiers: 'identifiers { type number }',
  sourceKey: 'sourceRecords { source sourceKey }',
  raw: 'sourceRecords { source raw normalized }',
  victim: 'victimRegistrations { victimType event { code } }',
} as const;
type FieldSet = keyof typeof FIELD_SETS;

/** Every way to reach a person; each returns the Person objects found in the response. */
const ENTRY_POINTS: Record<string, { query: (p: SeededPerson, h: SeededHousehold) => string; find: (data: any) => any[]; roles?: Role[] }> = {
  'root person(id)': {
    query: (p) => `{ x: person(id: "${p.publicId}") { ...F } }`,
    find: (d) => [d.x].filter(Boolean),
  },
  'root node(id) on Person': {
    query: (p) => `{ x: node(id: "${p.publicId}") { ... on Person { ...F } } }`,
    find: (d) => [d.x].filter(Boolean),
  },
  'nested node(id) on Household .members.person': {
    query: (_p, h) => `{ x: node(id: "${h.publicId}") { ... on Household { members { person { ...F } } } } }`,
    find: (d) => (d.x?.members ?? []).map((m: any) => m.person).filter(Boolean),
  },
  'search personByDocument': {
    query: (p) => `{ x: personByDocument(type: ${p.docType}, number: "${p.docNumber}") { ...F } }`,
    find: (d) => [d.x].filter(Boolean),
  },
  'search personsByDocument': {
    query: (p) => `{ x: personsByDocument(type: ${p.docType}, number: "${p.docNumber}") { ...F } }`,
    find: (d) => d.x,
  },
  'list persons': {
    query: () => `{ x: persons(first: 100) { edges { node { ...F } } } }`,
    find: (d) => d.x.edges.map((e: any) => e.node),
  },
  'nested household(id).members.person': {
    query: (_p, h) => `{ x: household(id: "${h.publicId}") { members { person { ...F } } } }`,
    find: (d) => (d.x?.members ?? []).map((m: any) => m.person).filter(Boolean),
  },
  'nested households.members.person': {
    query: () => `{ x: households(first: 100) { edges { node { members { person { ...F } } } } } }`,
    find: (d) => d.x.edges.flatMap((e: any) => e.node.members.map((m: any) => m.person)).filter(Boolean),
  },
  // The review queue (stewards and admins): the persons of an item are in scope or left out.
  'review reviewItems.personA': {
    query: () => `{ x: reviewItems(first: 100) { nodes { personA { ...F } } } }`,
    find: (d) => d.x.nodes.map((n: any) => n.personA).filter(Boolean),
    roles: ['steward', 'admin'],
  },
  'nested person.reviewItems.personA': {
    query: (p) => `{ x: personsByDocument(type: ${p.docType}, number: "${p.docNumber}") { reviewItems { personA { ...F } } } }`,
    find: (d) => d.x.flatMap((p: any) => p.reviewItems.map((i: any) => i.personA)).filter(Boolean),
    roles: ['steward', 'admin'],
  },
  'nested person.households.household.members.person': {
    query: (p) => `{ x: personsByDocument(type: ${p.docType}, number: "${p.docNumber}") { households { household { members { person { ...F } } } } } }`,
    find: (d) => d.x.flatMap((p: any) => p.households.flatMap((m: any) => (m.household?.members ?? []).map((mm: any) => mm.person))).filter(Boolean),
  },
};

const ROLE_OF: Record<Caller, Role> = {
  reader: 'reader',
  steward: 'steward',
  operator: 'operator',
  admin: 'admin',
  scopedReader: 'reader',
  scopedSteward: 'steward',
};

/** The policy under test (docs/security.md): what each role gets of each field set. */
function expected(role: Role, set: FieldSet): 'forbidden' | 'masked' | 'full' {
  if (role === 'operator') return 'forbidden';
  if (role === 'reader') return set === 'raw' || set === 'victim' ? 'forbidden' : set === 'identifiers' || set === 'sourceKey' ? 'masked' : 'full';
  return 'full';
}

const MASK = /^\*{6}.{0,4}$/;

describe.each(Object.keys(FIELD_SETS) as FieldSet[])('field set %s', (set) => {
  describe.each(Object.keys(ENTRY_POINTS))('entry point %s', (entry) => {
    it.each(['reader', 'steward', 'operator', 'admin', 'scopedReader', 'scopedSteward'] as Caller[])('as %s', async (caller) => {
      const role = ROLE_OF[caller];
      const ep = ENTRY_POINTS[entry];
      const outcome = ep.roles && !ep.roles.includes(role) ? 'forbidden' : expected(role, set);
      for (const [person, household, inScope] of [
        [target, targetHousehold, true],
        [outside, outsideHousehold, caller !== 'scopedReader' && caller !== 'scopedSteward'],
      ] as const) {
        const res = await call(caller, `${ep.query(person, household)} fragment F on Person { id ${FIELD_SETS[set]} }`);
        if (outcome === 'forbidden') {
          expect(res.status).toBe(403);
          expect(res.errors?.[0].extensions?.code).toBe('FORBIDDEN');
          expect(res.data).toBeUndefined();
          expect(await auditRows(res.requestId)).toEqual([]);
          continue;
        }
        expect(res.errors, JSON.stringify(res.errors)).toBeUndefined();
        const found = ep.find(res.data).filter((p: any) => p.id === person.publicId);
        if (!inScope) {
          // A scoped client never receives a person outside its territory, whatever the path.
          expect(ep.find(res.data).map((p: any) => p.id)).not.toContain(person.publicId);
          expect(JSON.stringify(res.data)).not.toContain(person.docNumber);
          continue;
        }
        expect(found.length).toBeGreaterThan(0);
        const p = found[0];
        const rows = await auditRows(res.requestId);
        if (set === 'identifiers') {
          expect(p.identifiers).toEqual([{ type: person.docType, number: outcome === 'masked' ? `******${person.docNumber.slice(-4)}` : person.docNumber }]);
          if (outcome === 'full') {
            // One audit row per identifier disclosed, written in the same request, about that person.
            const mine = rows.filter((r) => Number(r.person_id) === person.id && r.field === 'Identifier.number');
            expect(mine).toHaveLength(1);
            expect(mine[0]).toMatchObject({ actor: principals[caller].actor, actor_role: role, action: 'read', subject_type: 'identifier' });
            expect(new Set(rows.map((r) => r.xmin)).size).toBe(1); // one INSERT for the whole request
          } else {
            expect(rows).toEqual([]);
          }
          expect(JSON.stringify(res.data).includes(person.docNumber)).toBe(outcome === 'full');
        }
        if (set === 'sourceKey') {
          for (const r of p.sourceRecords) {
            if (outcome === 'masked') expect(r.sourceKey).toMatch(MASK);
            else expect(r.sourceKey).not.toMatch(MASK);
          }
          expect(rows.filter((r) => r.field === 'SourceRecord.sourceKey' && Number(r.person_id) === person.id)).toHaveLength(
            outcome === 'full' ? p.sourceRecords.length : 0,
          );
        }
        if (set === 'raw') {
          expect(p.sourceRecords.map((r: any) => r.raw).every((raw: string) => raw.startsWith('raw line '))).toBe(true);
          expect(rows.filter((r) => r.field === 'SourceRecord.raw' && Number(r.person_id) === person.id)).toHaveLength(p.sourceRecords.length);
          expect(rows.filter((r) => r.field === 'SourceRecord.normalized' && Number(r.person_id) === person.id)).toHaveLength(p.sourceRecords.length);
        }
        if (set === 'victim') {
          expect(p.victimRegistrations).toEqual(person.displaced ? [{ victimType: 'DIRECTA', event: { code: 5 } }] : []);
        }
        if (set === 'identity') {
          expect(p.isDisplaced).toBe(person.displaced);
          expect(p.fullName).toBeTruthy();
        }
      }
    });
  });
});

describe('territorial scope on the remaining paths', () => {
  it('a merged-away id resolves to its survivor only when the survivor is in scope', async () => {
    // seed.persons[4] (11001) merged into target (05001); seed.persons[13] (05001) merged into outside (11001).
    const intoInside = seed.persons[4];
    const intoOutside = seed.persons[13];
    expect(intoOutside.municipalityCode).toBe('05001');
    await t.db.rows(sql`update persons set status = 'merged', merged_into_id = ${target.id} where id = ${intoInside.id}`);
    await t.db.rows(sql`update persons set status = 'merged', merged_into_id = ${outside.id} where id = ${intoOutside.id}`);
    try {
      const q = `query($a: ID!, $b: ID!) { a: person(id: $a) { id } b: person(id: $b) { id } }`;
      const vars = { a: intoInside.publicId, b: intoOutside.publicId };
      const scoped = await call('scopedReader', q, vars);
      expect(scoped.data).toEqual({ a: { id: target.publicId }, b: null });
      const national = await call('reader', q, vars);
      expect(national.data).toEqual({ a: { id: target.publicId }, b: { id: outside.publicId } });
    } finally {
      await t.db.rows(sql`update persons set status = 'active', merged_into_id = null where id in (${intoInside.id}, ${intoOutside.id})`);
    }
  });

  it('a member of an in-scope household who lives outside is left out, not just nulled', async () => {
    const mover = seed.persons[2]; // household 0 (05001)
    await t.db.rows(sql`update persons set municipality_code = '11001' where id = ${mover.id}`);
    try {
      const q = `query($h: ID!) { household(id: $h) { members { order person { id } } } }`;
      const scoped = await call('scopedReader', q, { h: targetHousehold.publicId });
      expect(scoped.data.household.members.map((m: any) => m.person.id)).toEqual([seed.persons[0].publicId, seed.persons[1].publicId]);
      const national = await call('reader', q, { h: targetHousehold.publicId });
      expect(national.data.household.members).toHaveLength(3);
    } finally {
      await t.db.rows(sql`update persons set municipality_code = '05001' where id = ${mover.id}`);
    }
  });

  it('a source record of a person outside the scope is hidden on every edge', async () => {
    // Make household 0's own record (its Sisbén head row) belong to the out-of-scope person.
    await t.db.rows(sql`update source_entities set person_id = ${outside.id}
      where id = (select source_entity_id from source_records where id = (select source_record_id from households where id = ${targetHousehold.id}))`);
    const q = `query($h: ID!) { household(id: $h) { id sourceRecord { id raw } } }`;
    const scoped = await call('scopedSteward', q, { h: targetHousehold.publicId });
    expect(scoped.errors).toBeUndefined();
    expect(scoped.data.household).toEqual({ id: targetHousehold.publicId, sourceRecord: null });
    const national = await call('steward', q, { h: targetHousehold.publicId });
    expect(national.data.household.sourceRecord.raw).toMatch(/^raw line /);
  });

  it('lists and searches stay inside the scope', async () => {
    const res = await call(
      'scopedSteward',
      `{ persons(first: 100) { edges { node { id municipality { code } } } } households(first: 100) { edges { node { municipality { code } } } } }`,
    );
    const codes = new Set([...res.data.persons.edges, ...res.data.households.edges].map((e: any) => e.node.municipality.code));
    expect([...codes].sort()).toEqual(['05001', '76001']);
    expect(res.data.persons.edges).toHaveLength(seed.persons.filter((p) => ['05001', '76001'].includes(p.municipalityCode)).length);
  });
});

describe('roles on operations', () => {
  const OPS: [string, string, Role[]][] = [
    ['departments', '{ departments { code } }', ['reader', 'steward', 'operator', 'admin']],
    ['importRuns', '{ importRuns(first: 5) { nodes { id state } } }', ['steward', 'operator', 'admin']],
    ['persons', '{ persons(first: 1) { edges { cursor } } }', ['reader', 'steward', 'admin']],
    ['retryImportRun', 'mutation { retryImportRun(id: "999999") { id } }', ['operator', 'admin']],
    ['apiClients', '{ apiClients { id } }', ['admin']],
    ['reviewItems', '{ reviewItems(first: 1) { nodes { id } } }', ['steward', 'admin']],
    ['decideReviewItem', 'mutation { decideReviewItem(id: "999999", decision: DEFER, reason: "x", expectedVersion: 1) { __typename } }', ['steward', 'admin']],
    ['undoRecordMove', 'mutation { undoRecordMove(moveId: "999999", reason: "x") { __typename } }', ['steward', 'admin']],
    ['Person.recordMoves.undoReason', '{ persons(first: 1) { edges { node { recordMoves { id undoneAt undoReason undoneBy } } } } }', ['steward', 'admin']],
    ['reviewCounts', '{ reviewCounts { total } }', ['steward', 'admin']],
    ['reconciliationRuns', '{ reconciliationRuns(first: 1) { nodes { id } } }', ['steward', 'operator', 'admin']],
    ['schedules', '{ schedules { id } }', ['operator', 'admin']],
    ['runScheduleNow', 'mutation { runScheduleNow(id: "no-such-schedule") { __typename } }', ['operator', 'admin']],
    ['linksExport', '{ linksExport(id: "999999") { id } }', ['operator', 'admin']],
    ['auditEvents', '{ auditEvents(first: 1) { nodes { id } } }', ['admin']],
    ['personDossier', '{ personDossier(id: "00000000-0000-7000-8000-000000000000") { mergedIds } }', ['admin']],
    ['createApiClient', 'mutation { createApiClient(name: "x-matrix", role: READER) { token } }', ['admin']],
  ];
  it.each(OPS)('%s is open to exactly its roles', async (_name, query, allowed) => {
    for (const caller of ['reader', 'steward', 'operator', 'admin'] as Caller[]) {
      const res = await call(caller, query);
      if (allowed.includes(ROLE_OF[caller])) expect(res.errors?.[0]?.extensions?.code, `${caller}`).not.toBe('FORBIDDEN');
      else {
        expect(res.status, caller).toBe(403);
        expect(res.errors?.[0].extensions?.code).toBe('FORBIDDEN');
      }
    }
  });
});

describe('authentication', () => {
  it('refuses requests without a live token with 401, and keeps health endpoints open', async () => {
    const url = `${api.http.url}/graphql`;
    const post = (headers: Record<string, string>) =>
      fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify({ query: '{ departments { code } }' }) });
    for (const headers of [
      {} as Record<string, string>,
      { authorization: 'Bearer nope' },
      { authorization: `Basic ${tokens.admin}` },
      { authorization: `Bearer jh_${'A'.repeat(43)}` },
    ]) {
      const res = await post(headers);
      expect(res.status).toBe(401);
      expect(res.headers.get('www-authenticate')).toMatch(/^Bearer/);
      const body = (await res.json()) as GqlResponse;
      expect(body.errors?.[0].extensions?.code).toBe('UNAUTHENTICATED');
      expect(body.data).toBeUndefined();
    }
    expect((await fetch(`${api.http.url}/healthz`)).status).toBe(200);
    expect((await fetch(`${api.http.url}/readyz`)).status).toBe(200);
  });

  it('revocation takes effect on the very next request, and last use is recorded', async () => {
    const token = await api.token('reader');
    const ok = await api.gql('{ departments { code } }', undefined, bearer(token));
    expect(ok.status).toBe(200);
    const principal = (await api.app.services.clients.authenticate(`Bearer ${token}`))!;
    const [row] = await t.db.rows<{ last_used_at: Date | null; token_hash: string }>(
      sql`select last_used_at, token_hash from api_clients where public_id = ${principal.publicId}`,
    );
    expect(row.last_used_at).not.toBeNull();
    expect(row.token_hash).toMatch(/^[0-9a-f]{64}$/);
    expect(JSON.stringify(await t.db.rows(sql`select * from api_clients`))).not.toContain(token);
    await api.app.services.clients.revoke(principal.publicId, { actor: 'test' });
    const after = await api.gql('{ departments { code } }', undefined, bearer(token));
    expect(after.status).toBe(401);
  });
});
