import { sql, type SQL } from 'drizzle-orm';
import type { Database } from '../../platform/db';
import { stagingColumns, stagingDdl, type TableSourceSpec } from './tableSpecs';

export interface TableDiff {
  added: number;
  changed: number;
  unchanged: number;
  disappeared: number;
  keptRejected: number;
  /** Current active records of the source before this cut. */
  active: number;
}

type Q = <T = Record<string, unknown>>(s: SQL) => Promise<T[]>;

/**
 * The SQL of the table sources' snapshot: staging, in-file duplicates, the diff against the current
 * versions and the apply (one transaction with the run's move to `applied`). Runs and row errors
 * are the import pipeline's (ImportRepository).
 */
export class TableImportRepository {
  constructor(private readonly db: Database) {}

  async createStaging(table: string, spec: TableSourceSpec): Promise<void> {
    await this.db.rows(sql`drop table if exists ${sql.raw(table)}`);
    await this.db.rows(sql`create unlogged table ${sql.raw(table)} (${sql.raw(stagingDdl(spec))})`);
  }

  /** Row errors an interrupted attempt left (a run is staged again from its file). */
  async clearRowErrors(runId: number): Promise<void> {
    await this.db.rows(sql`delete from import_row_errors where import_run_id = ${runId}`);
  }

  copyStaging(table: string, spec: TableSourceSpec, data: AsyncIterable<string | Uint8Array>): Promise<void> {
    return this.db.copyFrom(table, stagingColumns(spec), data);
  }

  /**
   * Marks every repetition of a key inside the file (the first line wins) and records it as a
   * DUPLICATE_KEY row error for a real run (`runId`), or only counts it (dry run).
   */
  async markDuplicates(table: string, runId: number | null): Promise<{ duplicates: number; duplicateLines: number }> {
    const t = sql.raw(table);
    return this.db.orm.transaction(async (tx) => {
      const q: Q = (s) => this.db.rows(s, tx);
      const [row] = await q<{ n: number; lines: number }>(sql`
        with d as (
          select ord, first_value(line) over w as first_line, row_number() over w as rn
          from ${t} where ord is not null
          window w as (partition by source_key order by line)
        ), marked as (
          update ${t} s set dup = true from d where d.rn > 1 and s.ord = d.ord returning s.line, s.lines, d.first_line
        )${
          runId === null
            ? sql` select count(*)::int as n, coalesce(sum(lines), 0)::int as lines from marked`
            : sql`, errs as (
          insert into import_row_errors (import_run_id, line, field, code, message, severity)
          select ${runId}, line, '(row)', 'DUPLICATE_KEY',
                 'The record key of this row repeats line ' || first_line || ' of the same file; only the first is loaded.', 'error'
          from marked returning 1
        )
        select (select count(*)::int from errs) as n, coalesce((select sum(lines) from marked), 0)::int as lines`
        }`);
      await q(sql`analyze ${t}`);
      return { duplicates: row.n, duplicateLines: row.lines };
    });
  }

  /** Diff counts of a staged file against the current versions, without writing (dry runs and the guard). */
  async preview(table: string, spec: TableSourceSpec): Promise<TableDiff> {
    return this.db.orm.transaction(async (tx) => this.diff((s) => this.db.rows(s, tx), sql.raw(table), sql.raw(spec.table)));
  }

  private async diff(q: Q, t: SQL, target: SQL): Promise<TableDiff> {
    await q(sql`set local work_mem = '128MB'`);
    const [row] = await q<TableDiff>(sql`
      select
        count(*) filter (where c.id is null or c.status = 'vanished')::int as added,
        count(*) filter (where c.status = 'active' and c.content_hash <> s.content_hash)::int as changed,
        count(*) filter (where c.status = 'active' and c.content_hash = s.content_hash)::int as unchanged,
        (select count(*)::int from ${target} c where c.is_current and c.status = 'active'
           and not exists (select 1 from ${t} s where s.source_key = c.source_key)) as disappeared,
        (select count(distinct r.source_key)::int from ${t} r
           join ${target} c on c.source_key = r.source_key and c.is_current and c.status = 'active'
           where r.ord is null and not exists (select 1 from ${t} s where s.source_key = r.source_key and s.ord is not null)) as "keptRejected",
        (select count(*)::int from ${target} c where c.is_current and c.status = 'active') as active
      from ${t} s left join ${target} c on c.source_key = s.source_key and c.is_current
      where s.ord is not null and not s.dup`);
    return row;
  }

  /**
   * Applies a staged cut in one transaction, together with the run's move from `staged` to
   * `applied`: new versions for added, changed and reappeared keys (the versions they replace are
   * closed), the current versions of absent keys marked vanished. `refuse` is asked first with the
   * diff and may throw (the disappearance guard): then nothing is written. Returns null when the
   * run is no longer `staged` (another worker applied it).
   */
  async apply(runId: number, table: string, spec: TableSourceSpec, refuse: (d: TableDiff) => void): Promise<TableDiff | null> {
    return this.db.orm.transaction(async (tx) => {
      const q: Q = (s) => this.db.rows(s, tx);
      const [state] = await q<{ state: string }>(sql`select state::text from import_runs where id = ${runId} for update`);
      if (state?.state !== 'staged') return null;
      // One cut of a source at a time (runs of a source are applied in order; this is the lock).
      await q(sql`select pg_advisory_xact_lock(hashtext(${`table-source:${spec.source}`}))`);
      const t = sql.raw(table);
      const target = sql.raw(spec.table);
      const d = await this.diff(q, t, target);
      refuse(d);
      const cols = sql.raw(spec.columns.map((c) => c.column).join(', '));
      const sCols = sql.raw(spec.columns.map((c) => `s.${c.column}`).join(', '));
      await q(sql`create temp table ch on commit drop as
        select s.ord, c.id as cur_id from ${t} s left join ${target} c on c.source_key = s.source_key and c.is_current
        where s.ord is not null and not s.dup and (c.id is null or c.status = 'vanished' or c.content_hash <> s.content_hash)`);
      await q(sql`create temp table gone on commit drop as
        select c.id from ${target} c where c.is_current and c.status = 'active'
          and not exists (select 1 from ${t} s where s.source_key = c.source_key)`);
      await q(sql`update ${target} c set is_current = false, superseded_run_id = ${runId}, updated_at = now()
        from ch where ch.cur_id = c.id`);
      await q(sql`insert into ${target} (import_run_id, line_no, source_key, content_hash, raw, is_current, status, ${cols})
        select ${runId}, s.line, s.source_key, s.content_hash, s.raw, true, 'active', ${sCols}
        from ${t} s join ch using (ord) order by s.ord`);
      await q(sql`update ${target} c set status = 'vanished', vanished_run_id = ${runId}, updated_at = now() from gone g where g.id = c.id`);
      // ANALYZE needs ownership: the owner's function (migration 0018) does it for the runtime role.
      await q(sql`select juntos_analyze(array[${spec.table}]::regclass[])`);
      await q(sql`update import_runs set state = 'applied', applied_at = now(), updated_at = now(),
          added = ${d.added}, changed = ${d.changed}, unchanged = ${d.unchanged}, disappeared = ${d.disappeared},
          chunks_total = 1, chunks_done = 1,
          summary = coalesce(summary, '{}'::jsonb) || jsonb_build_object('keptRejected', ${d.keptRejected}::int,
            'heldBack', jsonb_build_object('records', 0, 'reasons', '[]'::jsonb))
        where id = ${runId} and state = 'staged'`);
      return d;
    });
  }
}
