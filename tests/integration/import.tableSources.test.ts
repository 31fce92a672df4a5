/**
 * The table sources (Sisbén IV hogares/viviendas, Mapa de Oferta Local) through the import pipeline
 * on PostgreSQL: typed columns, row errors with line/field/code while good rows load, snapshot
 * semantics (a new cut adds versions for new and changed keys, closes the versions they replace,
 * marks absent keys vanished; a rejected row with a usable key keeps its previous version), the
 * disappearance guard, the same bytes never imported twice, dry runs equal to runs, and keys that
 * join the households of the Sisbén person file.
 */
import { fileURLToPath } from 'node:url';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testHub, type TestHub } from '../harness';

const sample = (p: string) => fileURLToPath(new URL(`../../connectors/${p}`, import.meta.url));

type Version = {
  source_key: string;
  import_run_id: number;
  line_no: number;
  is_current: boolean;
  status: string;
  superseded_run_id: number | null;
  vanished_run_id: number | null;
};
const versions = (h: TestHub, table: 'sisben_hogares' | 'local_offers') =>
  h.db.rows<Version>(sql`select source_key, import_run_id::int, line_no, is_current, status::text as status, superseded_run_id::int, vanished_run_id::int
    from ${sql.raw(table)} order by source_key, id`);
const errors = (h: TestHub, runId: number) =>
  h.db.rows<{ line: number; field: string; code: string; severity: string }>(
    sql`select line, field, code, severity::text as severity from import_row_errors where import_run_id = ${runId} order by line, field, code`,
  );

describe('Sisbén IV hogares: samples, row errors and typed columns', () => {
  let h: TestHub;
  beforeAll(async () => {
    h = await testHub().config({ IMPORT_MAX_ERROR_RATE: '0.9' }).start();
  });
  afterAll(async () => h.close());

  it('loads the clean sample with every variable in its typed column, keyed like the person file', async () => {
    const run = await h.importFile(sample('sisben-hogares/samples/sisben_iv_hogares_muestra.csv'));
    expect(run).toMatchObject({ source: 'sisben_hogares', state: 'done', rowsTotal: 7, rowsLoaded: 7, rowsRejected: 0, added: 7, changed: 0, disappeared: 0 });
    const [choco] = await h.db.rows<Record<string, unknown>>(sql`select * from sisben_hogares where source_key = '270010000987-1'`);
    expect(choco).toMatchObject({
      ficha: '270010000987',
      household_no: 1,
      municipality_code: '27001',
      zone: 'rural_disperso',
      cut_date: '2024-12-31',
      wall_material: 6,
      floor_material: 5,
      has_energy: false,
      has_sewer: false,
      has_aqueduct: false,
      tenure: 5,
      rooms: 2,
      bedrooms: 1,
      toilet_type: 5,
      toilet_location: null,
      toilet_shared: null,
      water_source: 5,
      water_all_week: null, // 9 = no aplica por flujo
      persons: 6,
      is_current: true,
      status: 'active',
      line_no: 6,
    });
    // No person, no source record, no reconciliation: table sources stay out of the identity pipeline.
    const [{ n }] = await h.db.rows<{ n: number }>(
      sql`select (select count(*) from source_entities)::int + (select count(*) from reconciliation_runs)::int as n`,
    );
    expect(n).toBe(0);
  });

  it('joins the households the Sisbén person sample creates', async () => {
    await h.importFile(sample('sisben/samples/sisben_iv_personas_muestra.csv'));
    const rows = await h.db.rows<{ n: number; joined: number }>(sql`
      select count(*)::int as n, count(h.id)::int as joined from sisben_hogares sh
      left join households h on h.source = 'sisben' and h.source_key = sh.source_key where sh.is_current`);
    expect(rows[0]).toEqual({ n: 7, joined: 7 });
  });

  it('reports each bad row with line, field and code and loads the others', async () => {
    const run = await h.importFile(sample('sisben-hogares/samples/sisben_iv_hogares_muestra_con_errores.csv'));
    expect(run.state).toBe('done');
    expect(await errors(h, run.id)).toEqual([
      { line: 3, field: 'ide_hogar', code: 'MISSING_REQUIRED', severity: 'error' },
      { line: 4, field: 'cod_mpio', code: 'UNKNOWN_MUNICIPALITY', severity: 'error' },
      { line: 5, field: 'tip_mat_pisos', code: 'INVALID_CODE', severity: 'error' },
      { line: 6, field: 'ind_tiene_energia', code: 'INVALID_CODE', severity: 'error' },
      { line: 7, field: 'num_cuartos_dormir', code: 'ROOMS_INCONSISTENT', severity: 'warning' },
      { line: 7, field: 'tip_sanitario', code: 'INCONSISTENT_SERVICES', severity: 'warning' },
      { line: 8, field: 'num_personas_hogar', code: 'INVALID_CODE', severity: 'error' },
      { line: 8, field: 'tip_ocupa_vivienda', code: 'INVALID_CODE', severity: 'warning' },
    ]);
    // Line 9 repeats line 8's key: line 8 was rejected, so line 9 is the first loaded row of it.
    expect(run).toMatchObject({ rowsTotal: 8, rowsLoaded: 3, rowsRejected: 5 });
    const v = await versions(h, 'sisben_hogares');
    const current = v.filter((x) => x.is_current);
    const by = (k: string) => current.find((x) => x.source_key === k)!;
    // Rejected with a usable key: the previous version stays active (not vanished, not replaced).
    for (const k of ['110010000789-1', '110010000789-2', '270010000987-1']) expect(by(k)).toMatchObject({ status: 'active', superseded_run_id: null });
    // ide_hogar missing (no key): 800010000456-1 is absent from this cut and vanishes.
    expect(by('800010000456-1')).toMatchObject({ status: 'vanished', vanished_run_id: run.id });
    // Changed: 520010000654-1 (rooms/bedrooms) and 760010000321-1 (walls 0 = sin paredes → 8) got new versions.
    expect(by('520010000654-1')).toMatchObject({ status: 'active', import_run_id: run.id, line_no: 7 });
    expect(v.filter((x) => x.source_key === '520010000654-1')).toHaveLength(2);
    const [walls] = await h.db.rows<{ wall_material: number; tenure: number | null }>(
      sql`select wall_material, tenure from sisben_hogares where source_key = '760010000321-1' and is_current`,
    );
    expect(walls).toEqual({ wall_material: 8, tenure: 2 });
    expect(run).toMatchObject({ added: 0, changed: 2, unchanged: 1, disappeared: 1 });
    expect((run.summary as { keptRejected?: number }).keptRejected).toBe(3);
  });
});

describe('snapshots of a synthetic hogares file', () => {
  const ROWS = 900; // persons of the Sisbén file; hogares = its households
  const SEED = 11;
  let h: TestHub;
  beforeAll(async () => {
    h = await testHub().config({ IMPORT_MAX_DISAPPEARED_RATE: '0.2' }).start();
  });
  afterAll(async () => h.close());

  it('a later cut adds, changes and removes exactly what the generator planned; history is kept', async () => {
    const base = await h.generate('hogares_base.csv', { source: 'sisben_hogares', rows: ROWS, seed: SEED });
    const r1 = await h.importFile(base.path);
    expect(r1).toMatchObject({ state: 'done', rowsLoaded: base.expected.okRows, added: base.expected.okRows });
    const c = await h.generate('hogares_changed.csv', { source: 'sisben_hogares', rows: ROWS, seed: SEED, changes: { added: 5, changed: 9, removed: 4 } });
    const dry = await h.imports.dryRun(c.path);
    const r2 = await h.importFile(c.path);
    const ch = c.expected.changes!;
    expect(r2).toMatchObject({ state: 'done', added: 5, changed: 9, disappeared: 4, unchanged: base.expected.okRows - 9 - 4 });
    expect(dry).toMatchObject({ state: 'done', added: 5, changed: 9, disappeared: 4, unchanged: r2.unchanged, rowsLoaded: r2.rowsLoaded, wouldFail: false });
    const v = await versions(h, 'sisben_hogares');
    const current = new Map(v.filter((x) => x.is_current).map((x) => [x.source_key, x]));
    for (const k of ch.removed) expect(current.get(k)).toMatchObject({ status: 'vanished', vanished_run_id: r2.id });
    for (const k of ch.changed) {
      expect(current.get(k)).toMatchObject({ status: 'active', import_run_id: r2.id });
      expect(v.find((x) => x.source_key === k && !x.is_current)).toMatchObject({ import_run_id: r1.id, superseded_run_id: r2.id, status: 'active' });
    }
    for (const k of ch.added) expect(current.get(k)).toMatchObject({ status: 'active', import_run_id: r2.id });
    // One current version per key, every earlier version kept.
    expect(v.length).toBe(base.expected.okRows + 5 + 9);
    // The same bytes again: the same run, nothing new.
    const again = await h.imports.submit(c.path);
    expect(again).toMatchObject({ created: false, run: { id: r2.id } });
    // The first cut again: the removed households come back (new versions), the added ones vanish.
    const back = await h.importFile(
      await h.file('hogares_base_again.csv', Buffer.concat([await import('node:fs/promises').then((f) => f.readFile(base.path)), Buffer.from('\n')])),
    );
    expect(back).toMatchObject({ state: 'done', added: 4, changed: 9, disappeared: 5 });
  });

  it('refuses a cut that would make too many households vanish, and changes nothing', async () => {
    const before = await versions(h, 'sisben_hogares');
    const small = await h.generate('hogares_small.csv', { source: 'sisben_hogares', rows: 300, seed: SEED });
    const run = await h.importFile(small.path);
    expect(run).toMatchObject({ state: 'failed', failureCode: 'DISAPPEARANCE_LIMIT_EXCEEDED', added: 0, disappeared: 0 });
    expect(await versions(h, 'sisben_hogares')).toEqual(before);
    const [{ n }] = await h.db.rows<{ n: number }>(sql`select count(*)::int as n from pg_class where relname = ${`import_staging_${run.id}`}`);
    expect(n).toBe(0);
  });
});

describe('Mapa de Oferta Local', () => {
  let h: TestHub;
  beforeAll(async () => {
    h = await testHub().config({ IMPORT_MAX_ERROR_RATE: '0.9', IMPORT_MAX_DISAPPEARED_RATE: '1' }).start();
  });
  afterAll(async () => h.close());

  it('loads programs with their logros, cupos, period and zone', async () => {
    const run = await h.importFile(sample('oferta/samples/mapa_oferta_local_muestra.csv'));
    expect(run).toMatchObject({ source: 'oferta', state: 'done', rowsLoaded: 7, rowsRejected: 0, added: 7 });
    const rows = await h.db.rows<Record<string, unknown>>(sql`select source_key, offer_code, municipality_code, entity_nit, logros, places,
      period_start, period_end, zone from local_offers where is_current order by source_key`);
    expect(rows.find((r) => r.offer_code === 'DPS-MEJ-2025')).toMatchObject({
      source_key: 'DPS-MEJ-2025-11001-2025-01-01',
      municipality_code: '11001',
      logros: [28, 29, 32],
      places: 1200,
      zone: 'cabecera',
    });
    expect(rows.find((r) => r.offer_code === 'DPS-PISO-2025')).toMatchObject({ entity_nit: '9000396802', logros: [29], places: 120 });
    expect(rows.find((r) => r.offer_code === 'IPSE-ENE-2025')).toMatchObject({ period_start: '2025-03-01', zone: 'rural_disperso', logros: [26] });
    // Supply for one municipality and logro, as the territorial report reads it.
    const [supply] = await h.db.rows<{ cupos: number }>(sql`select coalesce(sum(places), 0)::int as cupos from local_offers, unnest(logros) l
      where is_current and status = 'active' and municipality_code = '05001' and l = 29 and date '2025-06-30' between period_start and period_end`);
    expect(supply.cupos).toBe(120);
  });

  it('reports bad rows (line, field, code), keeps offers whose row was rejected, vanishes the absent ones', async () => {
    const run = await h.importFile(sample('oferta/samples/mapa_oferta_local_muestra_con_errores.csv'));
    expect(run.state).toBe('done');
    expect((await errors(h, run.id)).filter((e) => e.severity === 'error')).toEqual([
      { line: 3, field: 'id_oferta', code: 'MISSING_REQUIRED', severity: 'error' },
      { line: 4, field: 'cod_mpio', code: 'UNKNOWN_MUNICIPALITY', severity: 'error' },
      { line: 5, field: 'logros', code: 'INVALID_CODE', severity: 'error' },
      { line: 6, field: 'cupos', code: 'INVALID_CODE', severity: 'error' },
      { line: 7, field: 'fecha_fin', code: 'DATE_ORDER', severity: 'error' },
      { line: 8, field: 'entidad', code: 'MISSING_REQUIRED', severity: 'error' },
      { line: 8, field: 'fecha_inicio', code: 'INVALID_DATE', severity: 'error' },
      { line: 9, field: '(row)', code: 'DUPLICATE_KEY', severity: 'error' },
    ]);
    const current = (await versions(h, 'local_offers')).filter((v) => v.is_current);
    const state = (k: string) => current.find((v) => v.source_key === k)?.status;
    expect(state('RNEC-ID-2025-05001-2025-01-01')).toBe('active'); // unchanged (loaded)
    expect(state('SSM-AFI-2025-27001-2025-01-01')).toBe('active'); // rejected with its key: kept
    expect(state('IPSE-ENE-2025-27001-2025-03-01')).toBe('active'); // rejected with its key: kept
    expect(state('DPS-PISO-2025-05001-2025-02-01')).toBe('vanished'); // its row had no key
    expect(state('MVCT-AGUA-2025-52001-2025-01-01')).toBe('vanished'); // its row now starts on another date
    // RNEC's row changed (program name, no target population): a new version.
    expect(run).toMatchObject({ rowsTotal: 8, rowsLoaded: 1, rowsRejected: 7, added: 0, changed: 1, unchanged: 0, disappeared: 4 });
  });
});
