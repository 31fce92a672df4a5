import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bduaFile, sisbenFile, type HouseholdSpec, type PersonSpec } from '../harness/factories/files';
import { createTestDatabase, testHub, waitFor, type TestDatabase, type TestHub } from '../harness';

/**
 * Through the real pipeline with in-process jobs: every reconciliation run is followed by a logro run
 * (the first from scratch, later ones incremental over what the run touched), and a BDUA cut that
 * drops a person's affiliation is in that person's LB 13 history with the run that caused it.
 */
const people: PersonSpec[] = [
  { serial: 1, docType: 'CC', doc: '10101010', first: 'PEDRO', second: 'LUIS', surname1: 'ARANGO', surname2: 'BETANCUR', birth: '1961-02-03', sex: 'M' },
  { serial: 2, docType: 'CC', doc: '20202020', first: 'LUZ', second: 'MARINA', surname1: 'CARDONA', surname2: 'DUQUE', birth: '1963-04-05', sex: 'F', role: 2 },
  { serial: 3, docType: 'TI', doc: '1030303030', first: 'KEVIN', second: 'ANDRÉS', surname1: 'ARANGO', surname2: 'CARDONA', birth: '2012-06-07', sex: 'M' },
  { serial: 4, docType: 'CC', doc: '40404040', first: 'GLORIA', second: 'INÉS', surname1: 'ECHEVERRI', surname2: 'FRANCO', birth: '1950-08-09', sex: 'F' },
];
const H1: HouseholdSpec = { ficha: '500010000300', municipality: '05001', members: people.slice(0, 3) };
const H2: HouseholdSpec = { ficha: '500010000400', municipality: '05001', members: [people[3]] };
const all = [...H1.members.map((p) => ({ person: p, household: H1 })), { person: people[3], household: H2 }];

let t: TestDatabase;
let hub: TestHub;

const logroRuns = () => t.db.rows<any>(sql`select id, state, mode, reconciliation_run_id, persons_evaluated from logro_runs order by id`);
const doneRuns = async (n: number) => waitFor(`${n} logro runs done`, async () => (await logroRuns()).filter((r) => r.state === 'done').length >= n, 120_000);

async function lb13(doc: string) {
  const [r] = await t.db.rows<any>(sql`select pl.state, pl.decided_run_id from person_logros pl join person_identifiers i on i.person_id = pl.person_id
    where i.doc_number = ${doc} and pl.logro = 13`);
  return r;
}

beforeAll(async () => {
  t = await createTestDatabase();
  hub = await testHub().database(t.db).pipelineDefaults().workers().start();
  await hub.importContent('sisben_iv_personas_1.csv', sisbenFile([H1, H2]), 'sisben');
  await hub.importContent('10001-MS0031122024.TXT', bduaFile(all), 'bdua');
});
afterAll(async () => {
  await hub?.close();
  await t?.drop();
});

describe('logros after reconciliation', () => {
  it('every reconciliation run is followed by a logro run; the first is full, the next incremental', async () => {
    await doneRuns(2);
    const runs = await logroRuns();
    const recs = await t.db.rows<any>(sql`select id from reconciliation_runs where state = 'done' order by id`);
    expect(runs.map((r) => Number(r.reconciliation_run_id))).toEqual(recs.map((r) => Number(r.id)));
    // The BDUA run is full too: with a health source loaded, absences from it mean POR ALCANZAR for everyone.
    expect(runs.map((r) => r.mode)).toEqual(['full', 'full']);
    expect((await lb13('40404040')).state).toBe('ALCANZADO');
    // Every member has states; the household combines them.
    const [hh] = await t.db.rows<any>(sql`select count(*)::int as n from household_logros where logro = 13 and state = 'ALCANZADO'`);
    expect(hh.n).toBe(2);
  });

  it('a cut that drops an affiliation changes that person’s LB 13, with the run that caused it', async () => {
    await hub.importContent('10001-MS0031012025.TXT', bduaFile(all.slice(0, 3)), 'bdua');
    await doneRuns(3);
    const runs = await logroRuns();
    const last = runs[runs.length - 1];
    expect(last.mode).toBe('incremental');
    const gloria = await lb13('40404040');
    expect(gloria.state).toBe('POR_ALCANZAR');
    expect(Number(gloria.decided_run_id)).toBe(Number(last.id));
    const hist = await t.db
      .rows<any>(sql`select h.previous_state, h.state, r.reconciliation_run_id from person_logro_history h join logro_runs r on r.id = h.logro_run_id
      join person_identifiers i on i.person_id = h.person_id where i.doc_number = '40404040' and h.logro = 13 order by h.id`);
    expect(hist.map((h) => [h.previous_state, h.state])).toEqual([
      [null, 'SIN_DATO'],
      ['SIN_DATO', 'ALCANZADO'],
      ['ALCANZADO', 'POR_ALCANZAR'],
    ]);
    expect(Number(hist[2].reconciliation_run_id)).toBe(Number(last.reconciliation_run_id));
    expect((await lb13('10101010')).state).toBe('ALCANZADO');
  });

  it('the sweeper creates the logro run a lost hook never requested', async () => {
    const [rec] = await t.db.rows<any>(sql`insert into reconciliation_runs (state, trigger, finished_at) values ('done', 'manual', now()) returning id`);
    const report = await hub.app.services.ops.sweeper.sweep();
    expect(report.unfinished.logros).toBeGreaterThanOrEqual(1);
    await waitFor(
      'the swept logro run',
      async () => (await logroRuns()).some((r) => Number(r.reconciliation_run_id) === Number(rec.id) && r.state === 'done'),
      120_000,
    );
  });

  it('a Sisbén IV hogares cut is followed by a logro run of its households: the dwelling decides the habitability logros', async () => {
    const csv = [
      'cod_mpio;cod_clase;ide_ficha_origen;ide_hogar;tip_mat_paredes;tip_mat_pisos;ind_tiene_energia;ind_tiene_alcantarillado;ind_tiene_acueducto;num_cuartos_dormir;tip_sanitario;tip_origen_agua',
      // H1: 3 members in 1 bedroom of a cabecera (overcrowded), dirt floor; the rest adequate.
      `05001;1;${H1.ficha};1;1;5;1;1;1;1;1;1`,
    ].join('\n');
    await hub.importContent('sisben_iv_hogares_1.csv', csv + '\n', 'sisben_hogares');
    const [imp] = await t.db.rows<any>(sql`select id from import_runs where source = 'sisben_hogares' order by id desc limit 1`);
    const run = await waitFor(
      'the logro run of the hogares cut',
      async () => (await t.db.rows<any>(sql`select * from logro_runs where import_run_id = ${imp.id} and state = 'done'`))[0],
      120_000,
    );
    // The first cut of the source: absences now mean "no dwelling record" for everyone, so from scratch.
    expect([run.trigger, run.mode]).toEqual(['import', 'full']);
    const states = await t.db
      .rows<any>(sql`select h.sisben_ficha as ficha, hl.logro, hl.state, hl.reason from household_logros hl join households h on h.id = hl.household_id
      where hl.logro = any(${'{24,26,28,29,32}'}::smallint[]) order by h.sisben_ficha, hl.logro`);
    expect(states.map((r) => [r.ficha, Number(r.logro), r.state, r.reason])).toEqual([
      [H1.ficha, 24, 'ALCANZADO', 'WATER_AND_SANITATION'],
      [H1.ficha, 26, 'ALCANZADO', 'HAS_ENERGY'],
      [H1.ficha, 28, 'POR_ALCANZAR', 'OVERCROWDED'],
      [H1.ficha, 29, 'POR_ALCANZAR', 'DIRT_FLOOR'],
      [H1.ficha, 32, 'ALCANZADO', 'ADEQUATE_WALLS'],
      ...[24, 26, 28, 29, 32].map((l) => [H2.ficha, l, 'SIN_DATO', 'NO_DWELLING_RECORD']),
    ]);
    const kevin = await t.db.rows<any>(sql`select pl.state from person_logros pl join person_identifiers i on i.person_id = pl.person_id
      where i.doc_number = '1030303030' and pl.logro = 29`);
    expect(kevin).toEqual([{ state: 'POR_ALCANZAR' }]);
  });
});
