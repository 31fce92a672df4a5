import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HOUSEHOLD_LOGROS, RULE_SET, evaluateHabitat, personHabitat, type Coverage, type DwellingFact, type LogroState } from '../../src/logros';
import { seedDwellingCut, seedLogroFixtures, seedOffer, type DwellingSpec, type LogroPersonSpec, type SeededLogros } from '../harness/factories/logros';
import { testHub, type TestHub } from '../harness';

/**
 * The habitability logros (LB 24, 26, 28, 29, 32) from the Sisbén IV hogares/viviendas cut, on real
 * PostgreSQL: states written by hand per household and member (urban and rural rules, missing
 * variables, the overcrowding boundary, a household with no dwelling record, a person in two
 * households, a person in none), the SQL against the TypeScript specification, the territorial report
 * and counts with the offer that serves them, an incremental run after a later cut, and a rule-version
 * change recomputing everything.
 */
const today = '2026-12-02';
const clock = { now: () => new Date(`${today}T12:00:00Z`) };

let doc = 7000;
const member = (key: string, households: string[]): LogroPersonSpec => {
  const d = String(doc++);
  return {
    key,
    names: { first: 'ANA', surname1: `P${key.toUpperCase()}` },
    birthDate: '1980-01-01',
    sisben: households.map((household) => ({ household, docType: 'CC', docNumber: d })),
  };
};
const SPECS: LogroPersonSpec[] = [
  ...['u1', 'u2', 'u3', 'u4'].map((k) => member(k, ['UOK'])),
  ...['b1', 'b2'].map((k) => member(k, ['UBAD'])),
  member('two', ['UOK', 'UBAD']),
  ...['r1', 'r2', 'r3'].map((k) => member(k, ['RUR'])),
  member('c1', ['CP']),
  member('n1', ['NONE']),
  { key: 'nohh', names: { first: 'IVAN', surname1: 'SOTO' }, birthDate: '1975-08-08', bdua: { docType: 'CC', docNumber: '1212', state: 'ACTIVO' } },
];
const CUT1: DwellingSpec[] = [
  // 5 members in 2 bedrooms (2.5), aqueduct and sewer, brick walls, tiles: everything reached.
  {
    household: 'UOK',
    zone: 'cabecera',
    wallMaterial: 1,
    floorMaterial: 2,
    hasEnergy: true,
    hasSewer: true,
    hasAqueduct: true,
    bedrooms: 2,
    toiletType: 1,
    waterSource: 1,
  },
  // 3 members in 1 bedroom: exactly 3, overcrowded in a cabecera; no aqueduct, rough wood walls, dirt floor, no electricity.
  {
    household: 'UBAD',
    zone: 'cabecera',
    wallMaterial: 5,
    floorMaterial: 5,
    hasEnergy: false,
    hasSewer: true,
    hasAqueduct: false,
    bedrooms: 1,
    toiletType: 1,
    waterSource: 1,
  },
  // Rural: 3 in 1 bedroom is not above 3; pozo con bomba and a septic tank are enough; rough wood is adequate; energy not given.
  {
    household: 'RUR',
    zone: 'rural_disperso',
    wallMaterial: 5,
    floorMaterial: 3,
    hasEnergy: null,
    hasSewer: false,
    hasAqueduct: false,
    bedrooms: 1,
    toiletType: 2,
    waterSource: 2,
  },
  // Centro poblado with missing variables: water source, bedrooms, floors, walls.
  { household: 'CP', zone: 'centro_poblado', hasEnergy: true, toiletType: 1 },
];

type Row = [LogroState, LogroState, LogroState, LogroState, LogroState];
const A = 'ALCANZADO' as const;
const P = 'POR_ALCANZAR' as const;
const S = 'SIN_DATO' as const;
/** By hand: LB 24, 26, 28, 29, 32 per household. */
const EXPECTED_HOUSEHOLDS: Record<string, Row> = {
  UOK: [A, A, A, A, A],
  UBAD: [P, P, P, P, P],
  RUR: [A, S, A, A, A],
  CP: [S, A, S, S, S],
  NONE: [S, S, S, S, S],
};
const HOUSEHOLD_OF: Record<string, string> = { u1: 'UOK', b1: 'UBAD', r1: 'RUR', c1: 'CP', n1: 'NONE' };

let hub: TestHub;
let seeded: SeededLogros;
let cut1: Awaited<ReturnType<typeof seedDwellingCut>>;

async function states(table: 'person_logros' | 'household_logros', id: number): Promise<Row> {
  const col = table === 'person_logros' ? sql`person_id` : sql`household_id`;
  const rows = await hub.db.rows<{ logro: number; state: LogroState }>(sql`select logro, state from ${sql.raw(table)} where ${col} = ${id} order by logro`);
  return HOUSEHOLD_LOGROS.map((l) => rows.find((r) => Number(r.logro) === l)?.state) as Row;
}
const hh = (key: string) => seeded.households.get(key)!;
const person = (key: string) => seeded.persons.get(key)!.id;
const process = async (id: number) => (await hub.app.services.logros.process(id))!;

beforeAll(async () => {
  hub = await testHub().clock(clock).start();
  seeded = await seedLogroFixtures(hub.db, SPECS);
  const run = await hub.app.services.logros.requestFull('manual');
  expect((await process(run.id)).state).toBe('done');
});
afterAll(async () => {
  await hub?.close();
});

describe('habitability before any hogares cut', () => {
  it('is SIN DATO for every household and member: there is no dwelling source', async () => {
    const rows = await hub.db.rows<any>(sql`select distinct state, reason from household_logros where logro = any(${'{24,26,28,29,32}'}::smallint[])`);
    expect(rows).toEqual([{ state: 'SIN_DATO', reason: 'NO_DWELLING_SOURCE' }]);
    expect(await states('person_logros', person('u1'))).toEqual([S, S, S, S, S]);
  });
});

describe('habitability from the first hogares cut', () => {
  it('the cut requests a logro run; the first cut of the source recomputes from scratch', async () => {
    cut1 = await seedDwellingCut(hub.db, CUT1);
    const requested = await hub.app.services.logros.requestAfterImport(cut1.runId);
    expect((await hub.app.services.logros.requestAfterImport(cut1.runId)).id).toBe(requested.id);
    const run = await process(requested.id);
    expect([run.state, run.trigger, run.mode, run.importRunId, run.ruleVersion]).toEqual(['done', 'import', 'full', cut1.runId, 'unidos2020-v2']);
  });

  it('every household gets the states written by hand, with its dwelling record as evidence', async () => {
    for (const [key, expected] of Object.entries(EXPECTED_HOUSEHOLDS)) {
      expect([key, await states('household_logros', hh(key))]).toEqual([key, expected]);
    }
    const reasons = async (key: string) =>
      (
        await hub.db.rows<any>(sql`select logro, reason, details, evidence_record_id, evidence_dwelling_id from household_logros
        where household_id = ${hh(key)} and logro = any(${'{24,26,28,29,32}'}::smallint[]) order by logro`)
      ).map((r) => [Number(r.logro), r.reason, r.details, r.evidence_record_id, r.evidence_dwelling_id == null ? null : Number(r.evidence_dwelling_id)]);
    const ubad = cut1.ids.get('UBAD')!;
    expect(await reasons('UBAD')).toEqual([
      [24, 'INADEQUATE_SERVICES', ['water'], null, ubad],
      [26, 'NO_ENERGY', null, null, ubad],
      [28, 'OVERCROWDED', null, null, ubad],
      [29, 'DIRT_FLOOR', null, null, ubad],
      [32, 'INADEQUATE_WALLS', null, null, ubad],
    ]);
    const cp = cut1.ids.get('CP')!;
    expect(await reasons('CP')).toEqual([
      [24, 'MISSING_VARIABLES', ['waterSource'], null, cp],
      [26, 'HAS_ENERGY', null, null, cp],
      [28, 'MISSING_VARIABLES', ['bedrooms'], null, cp],
      [29, 'MISSING_VARIABLES', ['floorMaterial'], null, cp],
      [32, 'MISSING_VARIABLES', ['wallMaterial'], null, cp],
    ]);
    expect((await reasons('NONE')).map((r) => [r[1], r[4]])).toEqual(Array(5).fill(['NO_DWELLING_RECORD', null]));
    const [m] = await hub.db.rows<any>(sql`select members_applicable, members_pending from household_logros where household_id = ${hh('UBAD')} and logro = 28`);
    expect([m.members_applicable, m.members_pending]).toEqual([3, 3]);
  });

  it('every member shares its household; a person in two takes the worst; a person in none has no data', async () => {
    for (const [key, household] of Object.entries(HOUSEHOLD_OF)) {
      expect([key, await states('person_logros', person(key))]).toEqual([key, EXPECTED_HOUSEHOLDS[household]]);
    }
    expect(await states('person_logros', person('two'))).toEqual([P, P, P, P, P]);
    const [two] = await hub.db.rows<any>(sql`select evidence_dwelling_id from person_logros where person_id = ${person('two')} and logro = 29`);
    expect(Number(two.evidence_dwelling_id)).toBe(cut1.ids.get('UBAD'));
    const none = await hub.db.rows<any>(
      sql`select distinct state, reason from person_logros where person_id = ${person('nohh')} and logro = any(${'{24,26,28,29,32}'}::smallint[])`,
    );
    expect(none).toEqual([{ state: 'SIN_DATO', reason: 'NO_HOUSEHOLD' }]);
  });

  it('the SQL and the TypeScript specification agree on every household and member', async () => {
    const coverage: Coverage = { health: true, sisben: true, victims: true, dwellings: true };
    const members = new Map<string, number>();
    for (const s of SPECS) for (const x of s.sisben ?? []) members.set(x.household, (members.get(x.household) ?? 0) + 1);
    const decisions = new Map<string, ReturnType<typeof evaluateHabitat>>();
    for (const key of Object.keys(EXPECTED_HOUSEHOLDS)) {
      const ts = evaluateHabitat({ dwelling: (cut1.facts.get(key) as DwellingFact) ?? null, members: members.get(key) ?? 0 }, coverage, RULE_SET);
      decisions.set(key, ts);
      const rows = await hub.db.rows<any>(
        sql`select logro, state, reason, details, evidence_dwelling_id from household_logros where household_id = ${hh(key)}`,
      );
      for (const l of HOUSEHOLD_LOGROS) {
        const r = rows.find((x) => Number(x.logro) === l);
        const d = ts[l];
        expect([key, l, r.state, r.reason, r.details ?? undefined, r.evidence_dwelling_id == null ? null : Number(r.evidence_dwelling_id)]).toEqual([
          key,
          l,
          d.state,
          d.reason,
          d.details,
          d.evidenceDwellingId,
        ]);
      }
    }
    for (const s of SPECS) {
      const rows = await hub.db.rows<any>(sql`select logro, state, reason, evidence_dwelling_id from person_logros where person_id = ${person(s.key)}`);
      for (const l of HOUSEHOLD_LOGROS) {
        const d = personHabitat([...new Set((s.sisben ?? []).map((x) => x.household))].map((k) => ({ householdId: hh(k), decision: decisions.get(k)![l] })));
        const r = rows.find((x) => Number(x.logro) === l);
        expect([s.key, l, r.state, r.reason, r.evidence_dwelling_id == null ? null : Number(r.evidence_dwelling_id)]).toEqual([
          s.key,
          l,
          d.state,
          d.reason,
          d.evidenceDwellingId,
        ]);
      }
    }
  });

  it('the territorial report and the counts include them, with the offer that serves them', async () => {
    await seedOffer(hub.db, { code: 'MEJ-01', municipality: '05001', logros: [24, 28], places: 10, from: '2026-01-01', to: '2026-12-31' });
    const steward = { role: 'steward' as const, scope: null };
    const report = await hub.app.services.logroReports.territorialReport({ level: 'municipality', logros: [24, 26, 28, 29, 32] }, steward, today);
    const lines = report.lines.map((l) => [l.municipality?.code, l.logro, l.demand.value, l.supply, l.gap.value, l.reached.value, l.withoutData.value]);
    expect(lines).toEqual([
      ['05001', 24, 1, 10, -9, 2, 2],
      ['05001', 26, 1, 0, 1, 2, 2],
      ['05001', 28, 1, 10, -9, 2, 2],
      ['05001', 29, 1, 0, 1, 2, 2],
      ['05001', 32, 1, 0, 1, 2, 2],
    ]);
    const counts = await hub.app.services.logroReports.counts('persons', { logro: 29 }, ['state'], steward);
    expect(Object.fromEntries(counts.groups.map((g: any) => [g.state, g.count.value]))).toEqual({ ALCANZADO: 7, POR_ALCANZAR: 3, SIN_DATO: 3 });
  });
});

describe('a later hogares cut', () => {
  it('recomputes only the households whose dwelling changed or dropped, and their members', async () => {
    // UBAD is repaired (aqueduct, electricity, brick, tiles, a second bedroom); RUR is not in the cut; UOK and CP are unchanged.
    const cut2 = await seedDwellingCut(
      hub.db,
      [
        {
          household: 'UBAD',
          zone: 'cabecera',
          wallMaterial: 1,
          floorMaterial: 2,
          hasEnergy: true,
          hasSewer: true,
          hasAqueduct: true,
          bedrooms: 2,
          toiletType: 1,
          waterSource: 1,
        },
      ],
      { unchanged: ['UOK', 'CP'] },
    );
    const run = await process((await hub.app.services.logros.requestAfterImport(cut2.runId)).id);
    // UBAD's and RUR's members, and the other household of the person in two.
    expect([run.state, run.mode, run.personsEvaluated, run.householdsEvaluated]).toEqual(['done', 'incremental', 6, 3]);
    expect(await states('household_logros', hh('UBAD'))).toEqual([A, A, A, A, A]);
    expect(await states('household_logros', hh('RUR'))).toEqual([S, S, S, S, S]);
    expect(await states('person_logros', person('two'))).toEqual([A, A, A, A, A]);
    expect(await states('person_logros', person('r2'))).toEqual([S, S, S, S, S]);
    const history = await hub.db.rows<any>(sql`select previous_state, state, evidence_dwelling_id, logro_run_id from household_logro_history
      where household_id = ${hh('UBAD')} and logro = 24 order by id`);
    expect(history.map((h) => [h.previous_state, h.state, Number(h.logro_run_id) === run.id])).toEqual([
      [null, 'SIN_DATO', false],
      ['SIN_DATO', 'POR_ALCANZAR', false],
      ['POR_ALCANZAR', 'ALCANZADO', true],
    ]);
    expect(Number(history[2].evidence_dwelling_id)).toBe(cut2.ids.get('UBAD'));
    const [rur] = await hub.db.rows<any>(sql`select reason, evidence_dwelling_id from household_logros where household_id = ${hh('RUR')} and logro = 29`);
    expect(rur).toEqual({ reason: 'NO_DWELLING_RECORD', evidence_dwelling_id: null });

    const recount = await hub.db.rows<any>(
      sql`select municipality_code, logro, state, coalesce(sisben_group, '') as g, displaced, count(*)::int as n from household_logros group by 1, 2, 3, 4, 5 order by 1, 2, 3, 4, 5`,
    );
    const kept = await hub.db.rows<any>(
      sql`select municipality_code, logro, state, sisben_group as g, displaced, n from household_logro_counts order by 1, 2, 3, 4, 5`,
    );
    expect(kept).toEqual(recount);
    const personRecount = await hub.db.rows<any>(
      sql`select coalesce(municipality_code, '') as m, logro, state, count(*)::int as n from person_logros group by 1, 2, 3 order by 1, 2, 3`,
    );
    const personKept = await hub.db.rows<any>(
      sql`select municipality_code as m, logro, state, sum(n)::int as n from person_logro_counts group by 1, 2, 3 order by 1, 2, 3`,
    );
    expect(personKept).toEqual(personRecount);
  });
});

describe('a rule-version change', () => {
  it('recomputes everything: the states v1 never had appear, every state names the new version', async () => {
    // As the database was under unidos2020-v1 (no habitability logros).
    await hub.db.rows(sql`delete from person_logros where logro = any(${'{24,26,28,29,32}'}::smallint[])`);
    await hub.db.rows(sql`delete from household_logros where logro = any(${'{24,26,28,29,32}'}::smallint[])`);
    await hub.db.rows(sql`update person_logros set rule_version = 'unidos2020-v1'`);
    await hub.db.rows(sql`update household_logros set rule_version = 'unidos2020-v1'`);
    await hub.db.rows(sql`update logro_runs set rule_version = 'unidos2020-v1' where state = 'done'`);
    const [{ n: before }] = await hub.db.rows<any>(sql`select count(*)::int as n from person_logro_history where logro < 24`);
    const run = await process((await hub.app.services.logros.requestAfterReconciliation(999_990)).id);
    expect([run.mode, run.personsEvaluated]).toEqual(['full', SPECS.length]);
    const [v] = await hub.db.rows<any>(sql`select count(*)::int as n, array_agg(distinct rule_version) as versions from person_logros`);
    expect(v).toEqual({ n: SPECS.length * 9, versions: ['unidos2020-v2'] });
    expect(await states('household_logros', hh('UOK'))).toEqual([A, A, A, A, A]);
    const [h] = await hub.db.rows<any>(sql`select count(*)::int as n, array_agg(distinct rule_version) as versions from person_logro_history
      where logro_run_id = ${run.id} and previous_state is null`);
    expect(h).toEqual({ n: SPECS.length * 5, versions: ['unidos2020-v2'] });
    // States v2 decides like v1 are confirmed, not written to history again.
    const [{ n: after }] = await hub.db.rows<any>(sql`select count(*)::int as n from person_logro_history where logro < 24`);
    expect(after).toBe(before);
  });
});
describe('a full run', () => {
  it('drops the states of a logro the rule set no longer computes', async () => {
    await hub.db.rows(sql`insert into person_logros (person_id, logro, state, reason, rule_version, decided_run_id, evaluated_run_id, displaced)
      values (${person('u1')}, 7, 'SIN_DATO', 'OLD', 'older', 1, 1, false)`);
    await hub.db
      .rows(sql`insert into household_logros (household_id, logro, state, reason, rule_version, decided_run_id, evaluated_run_id, municipality_code, displaced)
      values (${hh('UOK')}, 7, 'SIN_DATO', 'OLD', 'older', 1, 1, '05001', false)`);
    const run = await process((await hub.app.services.logros.requestFull('manual')).id);
    expect(run.mode).toBe('full');
    const [left] = await hub.db.rows<any>(
      sql`select (select count(*)::int from person_logros where logro = 7) as p, (select count(*)::int from household_logros where logro = 7) as h`,
    );
    expect(left).toEqual({ p: 0, h: 0 });
    const [{ n }] = await hub.db.rows<any>(sql`select count(*)::int as n from person_logros`);
    expect(n).toBe(SPECS.length * 9);
  });
});
