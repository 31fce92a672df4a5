import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RULE_SET, combineHousehold, evaluatePerson, type Coverage, type LogroState } from '../../src/logros';
import { seedLogroFixtures, type LogroPersonSpec, type SeededLogros } from '../harness/factories/logros';
import { testHub, type TestHub } from '../harness';

/**
 * The SQL rules against hand-written expected states and against the TypeScript specification, on the
 * same fixtures: ages on the birthday, a person in two households, no document, no data, deceased,
 * foreigners; then an incremental run (only what changed, history of the change, aggregates kept by
 * deltas equal to a recount) and a run on the next day (a 7th birthday changes LB 1 with no new data).
 */
let today = '2026-12-02';
const clock = { now: () => new Date(`${today}T12:00:00Z`) };

const N = (first: string, surname1: string, surname2: string | null = 'GOMEZ') => ({ first, surname1, surname2 });
const SPECS: LogroPersonSpec[] = [
  {
    key: 'adult',
    names: N('MARIA', 'PEREZ'),
    birthDate: '1980-05-10',
    sisben: [{ household: 'H1', docType: 'CC', docNumber: '1001' }],
    bdua: { docType: 'CC', docNumber: '1001', state: 'ACTIVO' },
  },
  {
    key: 'seven-today',
    names: N('JUAN', 'PEREZ'),
    birthDate: '2019-12-02',
    sisben: [{ household: 'H1', docType: 'RC', docNumber: '2002' }],
    bdua: { docType: 'RC', docNumber: '2002', state: 'ACTIVO' },
  },
  {
    key: 'six',
    names: N('ANA', 'PEREZ'),
    birthDate: '2019-12-03',
    sisben: [{ household: 'H1', docType: 'RC', docNumber: '3003' }],
    bdua: { docType: 'RC', docNumber: '3003', state: 'ACTIVO' },
  },
  {
    key: 'eighteen-today',
    names: N('LUIS', 'PEREZ'),
    birthDate: '2008-12-02',
    sisben: [{ household: 'H1', docType: 'TI', docNumber: '4004' }],
    bdua: { docType: 'TI', docNumber: '4004', state: 'RETIRADO' },
  },
  {
    key: 'two-households',
    names: N('ROSA', 'DIAZ'),
    birthDate: '1970-01-20',
    sisben: [
      { household: 'H1', docType: 'CC', docNumber: '5005' },
      { household: 'H2', docType: 'CC', docNumber: '5005', surname1: 'DIAS' },
    ],
    bdua: { docType: 'CC', docNumber: '5005', state: 'SUSPENDIDO' },
    ruv: { docType: 'CC', docNumber: '5005', eventCode: 5 },
  },
  { key: 'no-document', names: N('PEDRO', 'RUIZ'), birthDate: '1990-01-01', sisben: [{ household: 'H2', docType: 'SI', docNumber: null }] },
  {
    key: 'deceased',
    names: N('CARLOS', 'MORA'),
    birthDate: '1950-03-03',
    sisben: [{ household: 'H3', docType: 'CC', docNumber: '7007' }],
    bdua: { docType: 'CC', docNumber: '7007', state: 'FALLECIDO' },
  },
  {
    key: 'victim',
    names: N('ELENA', 'MORA'),
    birthDate: '1955-04-04',
    sisben: [{ household: 'H3', docType: 'CC', docNumber: '8008' }],
    ruv: { docType: 'CC', docNumber: '8008', eventCode: 2 },
  },
  {
    key: 'foreigner',
    names: N('JOSE', 'MORA'),
    birthDate: '1995-06-06',
    sisben: [{ household: 'H3', docType: 'PT', docNumber: 'X9009' }],
    bdua: { docType: 'PT', docNumber: 'X9009', state: 'ACTIVO' },
  },
  {
    key: 'no-birth',
    names: N('SARA', 'LOPEZ'),
    birthDate: null,
    sisben: [{ household: 'H4', docType: 'CC', docNumber: '1010' }],
    bdua: { docType: 'CC', docNumber: '1010', state: 'ACTIVO' },
  },
  {
    key: 'h4-adult',
    names: N('TOMAS', 'LOPEZ'),
    birthDate: '1985-07-07',
    sisben: [{ household: 'H4', docType: 'CC', docNumber: '1111' }],
    bdua: { docType: 'CC', docNumber: '1111', state: 'ACTIVO' },
  },
  { key: 'bdua-only', names: N('IVAN', 'SOTO'), birthDate: '1975-08-08', bdua: { docType: 'CC', docNumber: '1212', state: 'ACTIVO' } },
];

type Row = [LogroState, LogroState, LogroState, LogroState];
/** Expected states by hand: LB 1, LB 3, LB 13, LB 45. */
const EXPECTED_PERSONS: Record<string, Row> = {
  adult: ['ALCANZADO', 'ALCANZADO', 'ALCANZADO', 'NO_APLICA'],
  'seven-today': ['POR_ALCANZAR', 'ALCANZADO', 'ALCANZADO', 'NO_APLICA'],
  six: ['ALCANZADO', 'ALCANZADO', 'ALCANZADO', 'NO_APLICA'],
  'eighteen-today': ['POR_ALCANZAR', 'ALCANZADO', 'POR_ALCANZAR', 'NO_APLICA'],
  'two-households': ['ALCANZADO', 'POR_ALCANZAR', 'POR_ALCANZAR', 'POR_ALCANZAR'],
  'no-document': ['POR_ALCANZAR', 'SIN_DATO', 'POR_ALCANZAR', 'NO_APLICA'],
  deceased: ['ALCANZADO', 'ALCANZADO', 'NO_APLICA', 'NO_APLICA'],
  victim: ['ALCANZADO', 'ALCANZADO', 'POR_ALCANZAR', 'NO_APLICA'],
  foreigner: ['ALCANZADO', 'ALCANZADO', 'ALCANZADO', 'NO_APLICA'],
  'no-birth': ['SIN_DATO', 'ALCANZADO', 'ALCANZADO', 'NO_APLICA'],
  'h4-adult': ['ALCANZADO', 'ALCANZADO', 'ALCANZADO', 'NO_APLICA'],
  'bdua-only': ['ALCANZADO', 'POR_ALCANZAR', 'ALCANZADO', 'NO_APLICA'],
};
const EXPECTED_HOUSEHOLDS: Record<string, Row> = {
  H1: ['POR_ALCANZAR', 'POR_ALCANZAR', 'POR_ALCANZAR', 'POR_ALCANZAR'],
  H2: ['POR_ALCANZAR', 'POR_ALCANZAR', 'POR_ALCANZAR', 'POR_ALCANZAR'],
  H3: ['ALCANZADO', 'ALCANZADO', 'POR_ALCANZAR', 'NO_APLICA'],
  H4: ['SIN_DATO', 'ALCANZADO', 'ALCANZADO', 'NO_APLICA'],
};
const LOGROS = [1, 3, 13, 45] as const;

let hub: TestHub;
let seeded: SeededLogros;

async function states(table: 'person_logros' | 'household_logros', id: number): Promise<Row> {
  const col = table === 'person_logros' ? sql`person_id` : sql`household_id`;
  const rows = await hub.db.rows<{ logro: number; state: LogroState }>(sql`select logro, state from ${sql.raw(table)} where ${col} = ${id} order by logro`);
  return LOGROS.map((l) => rows.find((r) => Number(r.logro) === l)?.state) as Row;
}

async function runFull() {
  const run = await hub.app.services.logros.requestFull('manual');
  return (await hub.app.services.logros.process(run.id))!;
}

beforeAll(async () => {
  hub = await testHub().clock(clock).start();
  seeded = await seedLogroFixtures(hub.db, SPECS);
  const done = await runFull();
  expect(done.state).toBe('done');
});
afterAll(async () => {
  await hub?.close();
});

describe('logros from scratch', () => {
  it('every person gets the states written by hand', async () => {
    for (const [key, expected] of Object.entries(EXPECTED_PERSONS)) {
      expect([key, await states('person_logros', seeded.persons.get(key)!.id)]).toEqual([key, expected]);
    }
  });

  it('the SQL and the TypeScript specification agree on every state, reason and evidence record', async () => {
    const coverage: Coverage = { health: true, sisben: true, victims: true, dwellings: false };
    for (const p of seeded.persons.values()) {
      const ts = evaluatePerson(p.facts, today, coverage, RULE_SET);
      const rows = await hub.db.rows<any>(sql`select logro, state, reason, details, evidence_record_id from person_logros where person_id = ${p.id}`);
      for (const l of LOGROS) {
        const r = rows.find((x) => Number(x.logro) === l);
        const d = ts[l];
        expect([p.spec.key, l, r.state, r.reason, r.details ?? undefined, r.evidence_record_id == null ? null : Number(r.evidence_record_id)]).toEqual([
          p.spec.key,
          l,
          d.state,
          d.reason,
          d.details,
          d.evidenceRecordId,
        ]);
      }
    }
  });

  it('households: every member to whom it applies has reached it (a person in two households counts in both)', async () => {
    for (const [key, expected] of Object.entries(EXPECTED_HOUSEHOLDS)) {
      expect([key, await states('household_logros', seeded.households.get(key)!)]).toEqual([key, expected]);
    }
    // The same through the TypeScript combination of the members' SQL states.
    const h2Members = ['two-households', 'no-document'].map((k) => seeded.persons.get(k)!.id);
    const lb13 = await hub.db.rows<{ state: LogroState }>(
      sql`select state from person_logros where logro = 13 and person_id = any(${`{${h2Members.join(',')}}`}::bigint[])`,
    );
    expect(combineHousehold(lb13.map((r) => r.state)).state).toBe(EXPECTED_HOUSEHOLDS.H2[2]);
    const [h1] = await hub.db.rows<any>(sql`select * from household_logros where household_id = ${seeded.households.get('H1')!} and logro = 13`);
    expect([h1.members_applicable, h1.members_reached, h1.members_pending]).toEqual([5, 3, 2]);
  });

  it('every state names the rule set and the run; the first computation is history too', async () => {
    const [r] = await hub.db.rows<any>(sql`select count(*)::int as n, count(distinct rule_version)::int as v, min(rule_version) as version from person_logros`);
    expect(r).toEqual({ n: SPECS.length * 9, v: 1, version: RULE_SET.version });
    const [h] = await hub.db.rows<any>(sql`select count(*)::int as n from person_logro_history where previous_state is null`);
    expect(h.n).toBe(SPECS.length * 9);
  });
});

describe('incremental runs', () => {
  it('recompute only what the reconciliation run touched, keep the change in history and the aggregates equal to a recount', async () => {
    const teen = seeded.persons.get('eighteen-today')!;
    // A new BDUA cut: the teenager's affiliation is active again.
    const [imp] = await hub.db.rows<any>(
      sql`insert into import_runs (source, file_name, file_path, sha256, file_bytes, state) values ('bdua', 'cut-2.txt', '/f/cut-2.txt', md5('cut2') || md5('cut2b'), 1, 'done') returning id`,
    );
    await hub.db.rows(sql`update affiliations set state = 'ACTIVO' where person_id = ${teen.id}`);
    await hub.db.rows(sql`update source_entities set changed_run_id = ${imp.id} where person_id = ${teen.id} and source = 'bdua'`);
    const [rec] = await hub.db.rows<any>(
      sql`insert into reconciliation_runs (state, trigger, import_run_id, finished_at) values ('done', 'import', ${imp.id}, now()) returning id`,
    );
    const requested = await hub.app.services.logros.requestAfterReconciliation(Number(rec.id));
    expect((await hub.app.services.logros.requestAfterReconciliation(Number(rec.id))).id).toBe(requested.id);
    const run = (await hub.app.services.logros.process(requested.id))!;
    expect([run.state, run.mode, run.personsEvaluated, run.householdsEvaluated]).toEqual(['done', 'incremental', 1, 1]);

    expect((await states('person_logros', teen.id))[2]).toBe('ALCANZADO');
    const history = await hub.db.rows<any>(
      sql`select previous_state, state, logro_run_id from person_logro_history where person_id = ${teen.id} and logro = 13 order by id`,
    );
    expect(history.map((h) => [h.previous_state, h.state, Number(h.logro_run_id)])).toEqual([
      [null, 'POR_ALCANZAR', expect.any(Number)],
      ['POR_ALCANZAR', 'ALCANZADO', run.id],
    ]);
    // H1 still waits for the suspended member; only state changes were written.
    expect((await states('household_logros', seeded.households.get('H1')!))[2]).toBe('POR_ALCANZAR');
    expect(run.changes).toBe(1);
    const [{ decided }] = await hub.db.rows<any>(sql`select decided_run_id as decided from person_logros where person_id = ${teen.id} and logro = 13`);
    expect(Number(decided)).toBe(run.id);

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

  it('the next day, a 7th birthday changes LB 1 with no new data', async () => {
    today = '2026-12-03';
    const run = await hub.app.services.logros.requestAfterReconciliation(999_999);
    const done = (await hub.app.services.logros.process(run.id))!;
    expect([done.state, done.mode, done.personsEvaluated]).toEqual(['done', 'incremental', 1]);
    expect((await states('person_logros', seeded.persons.get('six')!.id))[0]).toBe('POR_ALCANZAR');
  });

  it('a rule set of another version recomputes everything', async () => {
    await hub.db.rows(sql`update logro_runs set rule_version = 'older-v0' where state = 'done'`);
    const run = await hub.app.services.logros.requestAfterReconciliation(999_998);
    const done = (await hub.app.services.logros.process(run.id))!;
    expect([done.mode, done.personsEvaluated, done.changes]).toEqual(['full', SPECS.length, 0]);
  });
});
