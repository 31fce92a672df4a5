import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedDwellingCut, seedLogroFixtures, type SeededLogros } from '../harness/factories/logros';
import { bearer, createTestDatabase, testHub, type ApiHub, type GqlResponse, type TestDatabase } from '../harness';

/** person.logros and household.logros over HTTP: evidence, history, roles and territorial scopes. */
let t: TestDatabase;
let api: ApiHub;
let seeded: SeededLogros;
let dwellings: Awaited<ReturnType<typeof seedDwellingCut>>;
const ids: Record<string, string> = {};

beforeAll(async () => {
  t = await createTestDatabase();
  seeded = await seedLogroFixtures(t.db, [
    {
      key: 'medellin',
      names: { first: 'MARIA', surname1: 'PEREZ', surname2: 'GOMEZ' },
      birthDate: '1980-05-10',
      sisben: [{ household: 'HM', docType: 'CC', docNumber: '1001', second: 'DEL CARMEN' }],
      bdua: { docType: 'CC', docNumber: '1001', state: 'RETIRADO' },
    },
    {
      key: 'bogota',
      municipality: '11001',
      names: { first: 'JUAN', surname1: 'DIAZ' },
      birthDate: '1990-01-01',
      sisben: [{ household: 'HB', docType: 'CC', docNumber: '2002' }],
      bdua: { docType: 'CC', docNumber: '2002', state: 'ACTIVO' },
    },
  ]);
  // HM lives on a dirt floor; HB has no dwelling record.
  dwellings = await seedDwellingCut(t.db, [
    {
      household: 'HM',
      zone: 'cabecera',
      wallMaterial: 1,
      floorMaterial: 5,
      hasEnergy: true,
      hasSewer: true,
      hasAqueduct: true,
      bedrooms: 1,
      toiletType: 1,
      waterSource: 1,
    },
  ]);
  api = await testHub().database(t.db).http().start();
  const run = await api.app.services.logros.requestFull('manual');
  await api.app.services.logros.process(run.id);
  for (const [key, p] of seeded.persons) {
    const [r] = await t.db.rows<{ id: string }>(sql`select public_id::text as id from persons where id = ${p.id}`);
    ids[key] = r.id;
  }
  for (const [key, h] of seeded.households) {
    const [r] = await t.db.rows<{ id: string }>(sql`select public_id::text as id from households where id = ${h}`);
    ids[key] = r.id;
  }
});
afterAll(async () => {
  await api?.close();
  await t?.drop();
});

const ok = (res: GqlResponse) => {
  expect(res.errors, JSON.stringify(res.errors)).toBeUndefined();
  return res.data;
};

const PERSON = `query($id: ID!) { person(id: $id) { logros {
  logroId state ruleVersion logro { id text }
  evidence { reason details sourceRecord { source } run { id mode ruleVersion } }
  history { previousState state ruleVersion run { id } }
} } }`;

describe('person.logros', () => {
  it('answers each logro with its state, evidence (source record and run) and history', async () => {
    const data = ok(await api.gql(PERSON, { id: ids.medellin }));
    const byId = Object.fromEntries(data.person.logros.map((l: any) => [l.logroId, l]));
    expect(Object.keys(byId).map(Number)).toEqual([1, 3, 13, 24, 26, 28, 29, 32, 45]);
    expect(byId[13]).toMatchObject({
      state: 'POR_ALCANZAR',
      ruleVersion: 'unidos2020-v2',
      evidence: { reason: 'AFFILIATION_NOT_ACTIVE', details: [], sourceRecord: { source: 'BDUA' }, run: { mode: 'full', ruleVersion: 'unidos2020-v2' } },
      history: [{ previousState: null, state: 'POR_ALCANZAR' }],
    });
    expect(byId[3]).toMatchObject({ state: 'POR_ALCANZAR', evidence: { reason: 'SISBEN_DIFFERS', details: ['name'], sourceRecord: { source: 'SISBEN' } } });
    expect(byId[1].logro.text).toMatch(/registro civil/);
  });

  it('habitability: the household’s dwelling record and its cut are the evidence, shared by the member', async () => {
    const q = `query($id: ID!) { person(id: $id) { logros(logro: 29) { state evidence { reason sourceRecord { source } dwellingRecord { id importRunId lineNo current }
      run { trigger } } history { state dwellingRecord { id } } } } }`;
    const [lb29] = ok(await api.gql(q, { id: ids.medellin })).person.logros;
    expect(lb29).toEqual({
      state: 'POR_ALCANZAR',
      evidence: {
        reason: 'DIRT_FLOOR',
        sourceRecord: null,
        dwellingRecord: { id: String(dwellings.ids.get('HM')), importRunId: String(dwellings.runId), lineNo: 2, current: true },
        run: { trigger: 'manual' },
      },
      history: [{ state: 'POR_ALCANZAR', dwellingRecord: { id: String(dwellings.ids.get('HM')) } }],
    });
    const hb = ok(
      await api.gql(`query($id: ID!) { household(id: $id) { logros(logro: 24) { state evidence { reason dwellingRecord { id } } } } }`, { id: ids.HB }),
    );
    expect(hb.household.logros).toEqual([{ state: 'SIN_DATO', evidence: { reason: 'NO_DWELLING_RECORD', dwellingRecord: null } }]);
  });

  it('household.logros: the household state with its members’ counts', async () => {
    const data = ok(
      await api.gql(
        `query($id: ID!) { household(id: $id) { logros(logro: 13) { logroId state membersApplicable membersReached membersPending evidence { reason } } } }`,
        {
          id: ids.HM,
        },
      ),
    );
    expect(data.household.logros).toEqual([
      { logroId: 13, state: 'POR_ALCANZAR', membersApplicable: 1, membersReached: 0, membersPending: 1, evidence: { reason: 'MEMBERS_PENDING' } },
    ]);
  });

  it('follows territorial scopes and roles', async () => {
    const bogotaReader = await api.token('reader', ['11001']);
    const outside = ok(await api.gql(PERSON, { id: ids.medellin }, bearer(bogotaReader)));
    expect(outside.person).toBeNull();
    const inside = ok(await api.gql(PERSON, { id: ids.bogota }, bearer(bogotaReader)));
    expect(inside.person.logros.find((l: any) => l.logroId === 13).state).toBe('ALCANZADO');
    const hh = ok(await api.gql(`query($id: ID!) { household(id: $id) { logros { state } } }`, { id: ids.HM }, bearer(bogotaReader)));
    expect(hh.household).toBeNull();

    const operator = await api.token('operator');
    const refused = await api.gql(PERSON, { id: ids.bogota }, bearer(operator));
    expect(refused.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  });

  it('operators recompute from scratch and follow the run', async () => {
    const operator = await api.token('operator');
    const data = ok(await api.gql('mutation { recomputeLogros { id state trigger } }', undefined, bearer(operator)));
    expect(data.recomputeLogros).toMatchObject({ trigger: 'manual' });
    const run = ok(await api.gql('query($id: ID!) { logroRun(id: $id) { id trigger } }', { id: data.recomputeLogros.id }, bearer(operator)));
    expect(run.logroRun.id).toBe(data.recomputeLogros.id);
  });
});
