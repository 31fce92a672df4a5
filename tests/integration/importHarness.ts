/**
 * Shared set-up of the import tests: a private PostgreSQL database (cloned from the migrated
 * template), the app with the in-process job driver, a temp directory for generated files, and the
 * measurements the tests compare (row counts of every table, an ordered hash of the canonical
 * tables' business columns).
 *
 * The runtime runs without workers: `submit` records and enqueues a run like the API does, and
 * `importFile` then advances it with ImportService.process, as the job would. The reconciliation
 * an applied import requests stays queued, so the canonical tables hold exactly what imports wrote.
 */
import { createHash } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'drizzle-orm';
import { startRuntime, type Runtime } from '../../jobs/runtime';
import type { SourceName } from '../../src/kernel';
import type { Database } from '../../src/platform/db';
import { createLogger } from '../../src/platform/logger';
import type { ImportRunRow } from '../../src/imports';
import { generateFile, type Expected, type GenerateOptions } from '../../src/synthetic';
import { testConfig } from '../helpers/api';
import { createTestDatabase, type TestDatabase } from '../helpers/db';

export interface ImportHarness {
  t: TestDatabase;
  db: Database;
  rt: Runtime;
  imports: Runtime['app']['services']['imports'];
  dir: string;
  /** Writes a generated file into the temp directory; returns its path and expected outcome. */
  generate(name: string, opts: GenerateOptions): Promise<{ path: string; expected: Expected }>;
  /** Writes bytes into the temp directory. */
  file(name: string, bytes: Buffer | string): Promise<string>;
  /** Submits a file and advances its run to the end (done or failed); returns the run. */
  importFile(path: string, source?: SourceName): Promise<ImportRunRow>;
  close(): Promise<void>;
}

export async function importHarness(overrides: Record<string, string> = {}): Promise<ImportHarness> {
  const t = await createTestDatabase();
  const config = testConfig({ DATABASE_URL: t.url, ...overrides });
  const rt = await startRuntime({ config, db: t.db, logger: createLogger({ level: 'silent' }), workers: false });
  const dir = await mkdtemp(join(tmpdir(), 'juntos-import-test-'));
  const imports = rt.app.services.imports;
  return {
    t,
    db: t.db,
    rt,
    imports,
    dir,
    async generate(name, opts) {
      const path = join(dir, name);
      const expected = await generateFile({ ...opts, out: path });
      return { path, expected };
    },
    async file(name, bytes) {
      const path = join(dir, name);
      await writeFile(path, bytes);
      return path;
    },
    async importFile(path, source) {
      const { run } = await imports.submit(path, { source });
      return processRun(imports, run.id);
    },
    async close() {
      await rt.close(0);
      await t.drop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** Advances a run like the job does; a file-level failure is stored in the run (returned, not thrown). */
export async function processRun(imports: ImportHarness['imports'], runId: number): Promise<ImportRunRow> {
  await imports.process(runId).catch((e: Error) => {
    if (e.name !== 'FileFormatError' && e.name !== 'AppError') throw e;
  });
  return (await imports.getRun(runId))!;
}

/**
 * Advances a run the way a worker does: under the per-run lock the job processors hold (one worker
 * per run at a time); a worker that finds the run busy waits and tries again, as a deferred job would.
 */
export async function processAsWorker(rt: Runtime, runId: number): Promise<ImportRunRow> {
  const imports = rt.app.services.imports;
  for (;;) {
    const r = await rt.app.repositories.ops.withRunLock('import', runId, () => processRun(imports, runId));
    if (r.acquired) return r.value;
    await new Promise((res) => setTimeout(res, 50));
  }
}

/** Tables an import writes. */
export const CANONICAL_TABLES = ['source_entities', 'source_records', 'households', 'household_memberships', 'sisben_classifications', 'affiliations', 'victim_registrations'] as const;

/** Exact row counts of the canonical tables and the import bookkeeping tables. */
export async function importCounts(db: Database): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const table of [...CANONICAL_TABLES, 'import_runs', 'import_row_errors', 'import_chunks']) {
    const [r] = await db.rows<{ n: number }>(sql`select count(*)::int as n from ${sql.raw(table)}`);
    out[table] = r.n;
  }
  return out;
}

/** Exact row counts of every table of the database (public schema), and the tables themselves. */
export async function allTableCounts(db: Database): Promise<Record<string, number>> {
  const tables = await db.rows<{ name: string }>(sql`select tablename as name from pg_tables where schemaname = 'public' order by 1`);
  const out: Record<string, number> = {};
  for (const { name } of tables) {
    const [r] = await db.rows<{ n: number }>(sql`select count(*)::int as n from ${sql.identifier(name)}`);
    out[name] = r.n;
  }
  return out;
}

/**
 * An ordered hash of the business columns of the canonical tables and of the runs' bookkeeping,
 * free of surrogate ids and timestamps (ids legitimately differ after a crash: sequences skip the
 * values a rolled-back transaction took). Records are named by (source, source_key), record
 * versions by (run, line).
 */
export async function canonicalDigest(db: Database): Promise<{ digest: string; parts: Record<string, string> }> {
  const ent = (alias: string) => sql.raw(`(select x.source::text || ':' || x.source_key from source_entities x where x.id = ${alias})`);
  const rec = (alias: string) => sql.raw(`(select r.import_run_id || ':' || r.line_no from source_records r where r.id = ${alias})`);
  const queries: Record<string, ReturnType<typeof sql>> = {
    importRuns: sql`select id, source, state, rows_total, rows_loaded, rows_rejected, rows_with_warnings, added, changed, unchanged, disappeared,
      chunks_total, chunks_done, failure_code, previous_run_id, summary->'keptRejected', summary->'lines' from import_runs order by id`,
    importChunks: sql`select import_run_id, chunk_no, added, changed, unchanged from import_chunks order by 1, 2`,
    rowErrors: sql`select import_run_id, line, field, code, severity, message from import_row_errors order by 1, 2, 3, 4, 6`,
    sourceRecords: sql`select r.source, r.source_key, r.import_run_id, r.line_no, encode(r.content_hash, 'hex'), r.raw, r.normalized::text, ${ent('r.source_entity_id')}
      from source_records r order by 1, 2, 3, 4`,
    sourceEntities: sql`select e.source, e.source_key, encode(e.content_hash, 'hex'), e.status, e.first_seen_run_id, e.changed_run_id, e.vanished_run_id,
      e.doc_type, e.doc_number, e.first_name, e.second_name, e.first_surname, e.second_surname, e.birth_date, e.sex, e.municipality_code,
      e.household_key, e.match_pending, e.person_id, ${rec('e.current_record_id')}
      from source_entities e order by 1, 2`,
    households: sql`select h.source, h.source_key, h.municipality_code, h.zone, h.sisben_ficha, h.sisben_group, h.sisben_subgroup, h.status, ${rec('h.source_record_id')}
      from households h order by 1, 2`,
    memberships: sql`select h.source, h.source_key, ${ent('m.source_entity_id')}, m.role, m.member_order, m.valid_from, m.valid_to, m.person_id, ${rec('m.source_record_id')}
      from household_memberships m join households h on h.id = m.household_id order by 1, 2, 3`,
    sisben: sql`select ${ent('f.source_entity_id')}, f."group", f.subgroup, f.cut_date, f.survey_date, f.status, f.person_id,
      (select h.source_key from households h where h.id = f.household_id), ${rec('f.source_record_id')} from sisben_classifications f order by 1`,
    affiliations: sql`select ${ent('f.source_entity_id')}, f.source, f.subsystem, f.administrator_code, f.administrator_name, f.regime, f.affiliate_type,
      f.state, f.state_code, f.start_date, f.end_date, f.municipality_code, f.program, f.status, f.person_id, ${rec('f.source_record_id')}
      from affiliations f order by 1`,
    victims: sql`select ${ent('f.source_entity_id')}, f.event_code, f.victim_type, f.occurrence_date, f.declaration_date, f.inclusion_date,
      f.occurrence_municipality, f.declaration_municipality, f.arrival_municipality, f.inclusion_state, f.status, f.person_id, ${rec('f.source_record_id')}
      from victim_registrations f order by 1`,
  };
  const parts: Record<string, string> = {};
  const all = createHash('sha256');
  for (const [name, q] of Object.entries(queries)) {
    // Each row as the database writes it in JSON (the same on PostgreSQL and PGlite, whatever the
    // driver makes of bigint and date values), in a canonical order.
    const rows = (await db.rows<{ j: string }>(sql`select row_to_json(x)::text as j from (${q}) x`)).map((r) => r.j).sort();
    const h = createHash('sha256');
    for (const r of rows) h.update(r + '\n');
    parts[name] = `${rows.length}:${h.digest('hex').slice(0, 16)}`;
    all.update(`${name}:${parts[name]}\n`);
  }
  return { digest: all.digest('hex'), parts };
}

/** Row counts of the canonical tables grouped by status, for one source. */
export async function statusCounts(db: Database, source: SourceName) {
  const [r] = await db.rows<Record<string, number>>(sql`select
    (select count(*)::int from source_entities where source = ${source} and status = 'active') as active,
    (select count(*)::int from source_entities where source = ${source} and status = 'vanished') as vanished,
    (select count(*)::int from source_records where source = ${source}) as records`);
  return r;
}
