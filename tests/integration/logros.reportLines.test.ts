import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedLogroFixtures, type LogroPersonSpec, type SeededLogros } from '../harness/factories/logros';
import { testHub, type TestHub } from '../harness';

/**
 * The territorial report reads household_logro_report (one line per municipality × logro), which every
 * run derives from household_logro_counts for the municipalities it touched. After a full run and
 * after an incremental one that moves a household's state, the lines must equal what the household
 * states say, and the report must show them.
 */
const clock = { now: () => new Date('2026-12-02T12:00:00Z') };
const SPECS: LogroPersonSpec[] = [
  {
    key: 'a',
    names: { first: 'MARIA', surname1: 'PEREZ', surname2: 'GOMEZ' },
    birthDate: '1980-05-10',
    sisben: [{ household: 'H1', docType: 'CC', docNumber: '2001' }],
    bdua: { docType: 'CC', docNumber: '2001', state: 'ACTIVO' },
  },
  {
    key: 'b',
    names: { first: 'JOSE', surname1: 'DIAZ', surname2: 'ROJAS' },
    birthDate: '1975-03-01',
    sisben: [{ household: 'H2', docType: 'CC', docNumber: '2002' }],
    bdua: { docType: 'CC', docNumber: '2002', state: 'ACTIVO' },
    ruv: { docType: 'CC', docNumber: '2002', eventCode: 5 },
  },
  {
    key: 'c',
    names: { first: 'LUZ', surname1: 'MORA', surname2: 'SOTO' },
    birthDate: '2015-07-20',
    sisben: [{ household: 'H2', docType: 'TI', docNumber: '2003' }],
  },
];

let hub: TestHub;
let seeded: SeededLogros;

/** The lines as the household states say they should be (households POR ALCANZAR, by group and displaced). */
async function expectedLines() {
  return hub.db.rows(sql`select municipality_code::text as m, logro,
      count(*) filter (where state = 'POR_ALCANZAR')::int as demand, count(*) filter (where state = 'ALCANZADO')::int as reached,
      count(*) filter (where state = 'SIN_DATO')::int as without_data,
      count(*) filter (where state = 'POR_ALCANZAR' and sisben_group = 'A')::int as a, count(*) filter (where state = 'POR_ALCANZAR' and sisben_group = 'B')::int as b,
      count(*) filter (where state = 'POR_ALCANZAR' and sisben_group = 'C')::int as c, count(*) filter (where state = 'POR_ALCANZAR' and sisben_group = 'D')::int as d,
      count(*) filter (where state = 'POR_ALCANZAR' and sisben_group is null)::int as none, count(*) filter (where state = 'POR_ALCANZAR' and displaced)::int as displaced
    from household_logros group by 1, 2 order by 1, 2`);
}

async function keptLines() {
  return hub.db.rows(sql`select municipality_code as m, logro, demand, reached, without_data, demand_a as a, demand_b as b, demand_c as c, demand_d as d,
      demand_no_group as none, demand_displaced as displaced
    from household_logro_report order by 1, 2`);
}

beforeAll(async () => {
  hub = await testHub().clock(clock).start();
  seeded = await seedLogroFixtures(hub.db, SPECS, { householdMunicipality: { H1: '05001', H2: '11001' } });
});
afterAll(async () => {
  await hub?.close();
});

describe('the report lines kept per municipality × logro', () => {
  it('a full run derives them from the household states; the report reads them', async () => {
    const run = await hub.app.services.logros.requestFull('manual');
    expect((await hub.app.services.logros.process(run.id))!.state).toBe('done');
    const expected = await expectedLines();
    expect(expected.length).toBeGreaterThan(0);
    expect(await keptLines()).toEqual(expected);

    const report = await hub.app.services.logroReports.territorialReport({ level: 'municipality' }, { role: 'steward', scope: null }, '2026-12-02');
    const lb13 = report.lines.filter((l) => l.logro === 13).map((l) => [l.municipality?.code, l.demand.value]);
    // H2 has a member without any BDUA affiliation (c): POR ALCANZAR; H1's only member is active.
    expect(lb13).toEqual([
      ['05001', 0],
      ['11001', 1],
    ]);
  });

  it('an incremental run that moves a household re-derives the lines of its municipality', async () => {
    const a = seeded.persons.get('a')!.id;
    const [imp] = await hub.db.rows<{ id: number }>(sql`insert into import_runs (source, file_name, file_path, sha256, file_bytes, state)
      values ('bdua', 'bdua-2.txt', '/fixtures/bdua-2.txt', md5('report-lines') || md5('report-lines-2'), 1, 'done') returning id`);
    await hub.db.rows(sql`update affiliations set state = 'SUSPENDIDO' where person_id = ${a}`);
    await hub.db.rows(sql`update source_entities set changed_run_id = ${imp.id} where person_id = ${a} and source = 'bdua'`);
    const [rec] = await hub.db.rows<{ id: number }>(
      sql`insert into reconciliation_runs (state, trigger, import_run_id, finished_at) values ('done', 'import', ${imp.id}, now()) returning id`,
    );
    const run = await hub.app.services.logros.requestAfterReconciliation(Number(rec.id));
    const done = (await hub.app.services.logros.process(run.id))!;
    expect([done.state, done.mode]).toEqual(['done', 'incremental']);
    expect(await keptLines()).toEqual(await expectedLines());

    const report = await hub.app.services.logroReports.territorialReport({ level: 'national', logros: [13] }, { role: 'steward', scope: null }, '2026-12-02');
    expect(report.lines.map((l) => [l.logro, l.demand.value, l.reached.value])).toEqual([[13, 2, 0]]);
  });
});
