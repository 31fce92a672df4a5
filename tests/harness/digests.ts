/**
 * Measurements of the state the pipeline leaves, for exact comparisons: row counts, and ordered
 * hashes of business columns free of surrogate ids and timestamps (ids legitimately differ after a
 * crash: sequences skip the values a rolled-back transaction took).
 */
import { createHash } from 'node:crypto';
import { sql } from 'drizzle-orm';
import type { SourceName } from '../../src/kernel';
import type { Database } from '../../src/platform/db';

/** Tables an import writes. */
export const CANONICAL_TABLES = [
  'source_entities',
  'source_records',
  'households',
  'household_memberships',
  'sisben_classifications',
  'affiliations',
  'victim_registrations',
] as const;

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

/**
 * An ordered hash of the business columns of every table an import and a reconciliation write,
 * free of surrogate ids (sequences skip values when a transaction is cut short by a crash, so ids
 * legitimately differ): records are named by (source, source_key), persons by their smallest
 * member record. Two runs of the same files leave the same digest exactly when they leave the
 * same registry.
 */
export async function stateDigest(db: Database): Promise<{ digest: string; parts: Record<string, string>; counts: Record<string, number> }> {
  const ek = (alias: string) => sql.raw(`(${alias}.source::text || ':' || ${alias}.source_key)`);
  const person = (col: string) =>
    sql.raw(
      `(select min(pe.source::text || ':' || pe.source_key) from source_entities pe where pe.person_id = coalesce((select pm.merged_into_id from persons pm where pm.id = ${col}), ${col}))`,
    );
  const queries: Record<string, ReturnType<typeof sql>> = {
    importRuns: sql`select id, source, state, rows_total, rows_loaded, rows_rejected, rows_with_warnings, added, changed, unchanged, disappeared,
      chunks_total, chunks_done, failure_code from import_runs order by id`,
    importChunks: sql`select import_run_id, chunk_no, added, changed, unchanged from import_chunks order by 1, 2`,
    rowErrors: sql`select import_run_id, line, field, code, severity from import_row_errors order by 1, 2, 3, 4`,
    sourceRecords: sql`select source, source_key, encode(content_hash, 'hex'), import_run_id, line_no, raw from source_records order by 1, 2, 4, 5`,
    sourceEntities: sql`select e.source, e.source_key, encode(e.content_hash, 'hex'), e.status, e.first_seen_run_id, e.changed_run_id, e.vanished_run_id,
      e.doc_type, e.doc_number, e.first_name, e.second_name, e.first_surname, e.second_surname, e.birth_date, e.sex, e.municipality_code,
      e.household_key, e.match_pending, ${person('e.person_id')} as person
      from source_entities e order by 1, 2`,
    households: sql`select source, source_key, municipality_code, zone, sisben_ficha, sisben_group, sisben_subgroup, status from households order by 1, 2`,
    memberships: sql`select h.source, h.source_key, ${ek('e')}, m.role, m.member_order, m.valid_from, m.valid_to, ${person('m.person_id')}
      from household_memberships m join households h on h.id = m.household_id join source_entities e on e.id = m.source_entity_id order by 1, 2, 3`,
    sisben: sql`select ${ek('e')}, f."group", f.subgroup, f.cut_date, f.status from sisben_classifications f join source_entities e on e.id = f.source_entity_id order by 1`,
    affiliations: sql`select ${ek('e')}, f.subsystem, f.administrator_code, f.regime, f.state, f.start_date, f.status from affiliations f join source_entities e on e.id = f.source_entity_id order by 1`,
    victims: sql`select ${ek('e')}, f.event_code, f.victim_type, f.occurrence_date, f.status from victim_registrations f join source_entities e on e.id = f.source_entity_id order by 1`,
    persons: sql`select ${person('p.id')} as k, p.status, p.first_name, p.second_name, p.first_surname, p.second_surname, p.birth_date, p.sex,
      p.municipality_code, p.sisben_group, p.sisben_subgroup, p.is_victim, p.is_displaced, p.health_state
      from persons p where p.status <> 'merged' and exists (select 1 from source_entities e where e.person_id = p.id) order by 1`,
    links: sql`select ${ek('e')}, l.link_type, l.reasons, round(l.score::numeric, 6), (select ${ek('m')} from source_entities m where m.id = l.matched_entity_id), l.model_version
      from entity_links l join source_entities e on e.id = l.source_entity_id order by 1`,
    reviewItems: sql`select r.reason, r.status, ${person('r.person_a_id')} as a, ${person('r.person_b_id')} as b,
      (select ${ek('e')} from source_entities e where e.id = r.source_entity_id) as ent,
      (select ${ek('c')} from source_entities c where c.id = r.candidate_entity_id) as cand, round(r.score::numeric, 6)
      from review_items r order by 1, 3, 4, 5, 6`,
    reconciliationRuns: sql`select id, state, import_run_id, records_processed, auto_linked, new_persons, merges_applied, breaker_tripped from reconciliation_runs order by id`,
  };
  const parts: Record<string, string> = {};
  const counts: Record<string, number> = {};
  const all = createHash('sha256');
  for (const [name, q] of Object.entries(queries)) {
    const rows = await db.rows<Record<string, unknown>>(q);
    const h = createHash('sha256');
    for (const r of rows) h.update(JSON.stringify(Object.values(r)) + '\n');
    parts[name] = h.digest('hex').slice(0, 16);
    counts[name] = rows.length;
    all.update(`${name}:${parts[name]}\n`);
  }
  return { digest: all.digest('hex'), parts, counts };
}
