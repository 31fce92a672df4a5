import { and, asc, desc, eq, exists, gt, inArray, lt, notInArray, sql, type SQL } from 'drizzle-orm';
import {
  FINAL_RUN_STATES,
  UNFINISHED_IMPORT_STATES,
  importChunks,
  importRowErrors,
  importRuns,
  persons,
  sourceEntities,
  sourceRecords,
  type ImportState,
} from '../../schema';
import type { SourceName, TerritoryScope } from '../kernel';
import type { Database, Orm } from '../platform/db';
import { scopeCondition } from '../platform/db/territory';
import type { HeldBack, ImportRunSummary } from './runSummary';
import { POSSIBLE_KEY_MARK } from './stageRows';
import { SourceSnapshot, type SnapshotTally } from './sourceSnapshot';
import { copyText } from '../platform/db/copyText';
import { STAGING_COLUMNS, STAGING_DDL } from './stagingSpec';

export type ImportRunRow = typeof importRuns.$inferSelect;
export type { ImportState };
export type RowErrorRow = typeof importRowErrors.$inferSelect;

/** Another run of the same bytes and source is live (not failed): the idempotency rule forbids a second one. */
export class LiveRunExistsError extends Error {
  constructor(readonly runId: number) {
    super(`the same file with the same source is already run ${runId}`);
    this.name = 'LiveRunExistsError';
  }
}

export const FINISHED_STATES: readonly ImportState[] = FINAL_RUN_STATES;
export const UNFINISHED_STATES: readonly ImportState[] = UNFINISHED_IMPORT_STATES;

export interface ChunkCounts {
  added: number;
  changed: number;
  unchanged: number;
}

/** Staging tables are per run, unlogged (rebuilt from the file if PostgreSQL itself crashes). */
export const stagingTable = (runId: number) => {
  if (!Number.isSafeInteger(runId) || runId <= 0) throw new Error('invalid run id');
  // In juntos_staging (migration 0018): the runtime role may create tables there, never in public.
  return `juntos_staging.import_staging_${runId}`;
};

/**
 * The keys of the source's active records that no row of the file names (delta staging, see
 * SourceSnapshot): what may disappear. Holds one extra row with a null key, so that an emptied table
 * (PostgreSQL restarted after a crash) is told apart from an extract where nothing is absent.
 */
export const absentTable = (table: string) => `${table}_absent`;
/**
 * Next to a staging table: the clean one-line rows found unchanged, with their content and line digests
 * (stageRows' refreshLines), written to source_entities.line_hash with the run's apply (refreshLines).
 */
export const linesTable = (table: string) => `${table}_lines`;

/** One batch of COPY text as the stream copyFrom takes. */
async function* once<T extends string | Uint8Array>(copyText: T): AsyncGenerator<T, void, undefined> {
  yield copyText;
}

/** What delta staging learnt from the source's snapshot (kept in the run's summary, `staged.delta`). */
export interface DeltaStaged extends SnapshotTally {
  /** Loaded rows found unchanged (not staged), by chunk. */
  unchangedByChunk: number[];
  /** What the source's other runs had written when the snapshot was read. */
  fingerprint: string;
}

const sourceLiteral = (source: SourceName) => {
  if (!/^[a-z_]+$/.test(source)) throw new Error('invalid source');
  return `'${source}'`;
};
/** What the source's other runs have written: their applied chunks and how many reached `applied` (each write of a source's records moves one of them). */
const fingerprintSql = (source: SourceName, runId: number) =>
  `(select coalesce(sum(chunks_done), 0)::text || '/' || count(*) filter (where state in ('applied', 'done'))::text
    from import_runs where source = ${sourceLiteral(source)} and id <> ${runId})`;

/** Records held back (see ImportRepository.heldBack), from delta staging's counts. */
const heldBackOf = (d: DeltaStaged, all: boolean) => d.possibleHeld + (all ? d.absent : 0);

/** Dry runs stage into a throwaway table of their own and write nothing else. */
export const dryRunStagingTable = () => `juntos_staging.import_staging_dry_${process.pid}_${Math.floor(Math.random() * 1e9)}`;

export const ROW_ERROR_COLUMNS = ['import_run_id', 'line', 'field', 'code', 'message', 'severity'] as const;

/** One parameter holding a text[] literal (any number of values, one bind). */
const textArray = (xs: readonly string[]) => sql`${`{${xs.map((x) => `"${x.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`).join(',')}}`}::text[]`;

/** Tables an import writes (the bulk path locks them, in this order). */
const CANONICAL_TABLES = [
  'source_entities',
  'source_records',
  'households',
  'household_memberships',
  'sisben_classifications',
  'affiliations',
  'victim_registrations',
] as const;

export interface DiffPreview extends ChunkCounts {
  disappeared: number;
  /** Active records whose row in this extract was rejected: they keep their previous version. */
  keptRejected: number;
  /** Active records held back from disappearing (unreadable rows might be theirs). */
  heldBack: number;
}

/** What the bulk path needs to know of a staged file (from stageRows' counters). */
export interface BulkPlan {
  chunkSize: number;
  chunksTotal: number;
  /** Loaded rows staged, duplicates included (order numbers 0 … stagedRows - 1). */
  stagedRows: number;
  parts: { household: number; sisben: number; affiliation: number; victim: number };
}

/** The chunked apply's plan: rows per chunk, and the disappearance it implies. */
export interface ChangePlan {
  totals: number[];
  /** Active records of the source, and how many of them the file leaves absent. */
  active: number;
  /** Absent records that will disappear (none when they are held back). */
  disappeared: number;
  /** Absent records, held back or not (what the mass-disappearance guard weighs). */
  absent: number;
}

export interface StagingPrepared {
  duplicates: number;
  /** Physical lines of the duplicate rows (moved from loaded to rejected in the line accounting). */
  duplicateLines: number;
}

/**
 * Rebuilds the golden records of persons (inside the caller's transaction): golden values, derived
 * flags and the territory used for scopes. Given by the composition root (the reconciliation
 * feature's GoldenRecordRepository), so imports never import it.
 */
export type PersonRefresher = (tx: Orm, personIds: readonly number[]) => Promise<void>;

/** The import pipeline's database door: runs, row errors, staging and the set-based apply. */
export class ImportRepository {
  constructor(
    /** Public for the table sources' repository (tableSources/), which shares the runs and row errors. */
    readonly db: Database,
    /**
     * Every change, disappearance or reappearance of a linked record rebuilds its person in the same
     * transaction: a person's golden record is always a function of its current records.
     */
    private readonly refreshPersons: PersonRefresher,
  ) {}

  /** Persons linked to the given records (read after the records were written: a link a steward just moved counts). */
  private async linkedPersons(q: <T>(s: SQL) => Promise<T[]>, entities: SQL): Promise<number[]> {
    const rows = await q<{ id: string }>(sql`select distinct e.person_id as id from source_entities e
      where e.id in (${entities}) and e.person_id is not null order by 1`);
    return rows.map((r) => Number(r.id));
  }

  private get orm(): Orm {
    return this.db.orm;
  }

  /**
   * Creates the run for a file, or returns the live one (any state but failed) for the same bytes
   * and source: the partial unique index makes concurrent submissions of one file converge on a
   * single run, while a failed run never blocks its bytes.
   */
  async createOrGetRun(values: {
    source: SourceName;
    fileName: string;
    filePath: string;
    sha256: string;
    fileBytes: number;
    encoding: string;
    requestedBy: string | null;
    maxErrorRate?: number | null;
    maxDisappearedRate?: number | null;
    owner?: string | null;
    leaseExpiresAt?: Date | null;
  }): Promise<{ run: ImportRunRow; created: boolean }> {
    // A live run that fails between the insert and the read frees its bytes: try again (bounded).
    for (let attempt = 0; ; attempt++) {
      const inserted = await this.orm
        .insert(importRuns)
        .values({ ...values, heartbeatAt: values.owner ? new Date() : null })
        .onConflictDoNothing({ target: [importRuns.sha256, importRuns.source], where: sql`${importRuns.state} <> 'failed'` })
        .returning();
      if (inserted.length) return { run: inserted[0], created: true };
      const existing = await this.liveRunOf(values.sha256, values.source);
      if (existing || attempt >= 3) {
        if (!existing) throw new Error('could not create or find the import run of a file');
        return { run: existing, created: false };
      }
    }
  }

  /** The run of these bytes and source that did not fail, if any (at most one: partial unique index). */
  async liveRunOf(sha256: string, source: SourceName): Promise<ImportRunRow | null> {
    const [row] = await this.orm
      .select()
      .from(importRuns)
      .where(and(eq(importRuns.sha256, sha256), eq(importRuns.source, source), sql`${importRuns.state} <> 'failed'`));
    return row ?? null;
  }

  /** The failed runs of these bytes, newest first (what a new submission of them supersedes). */
  async failedRunsOf(sha256: string): Promise<ImportRunRow[]> {
    return this.orm
      .select()
      .from(importRuns)
      .where(and(eq(importRuns.sha256, sha256), eq(importRuns.state, 'failed')))
      .orderBy(desc(importRuns.id));
  }

  /**
   * A failed run back to `received` with its (possibly changed) source and limits, and the audit
   * event of the retry, in one transaction. Null when the run is not failed; throws
   * LiveRunExistsError when another run of the same bytes and the new source is live.
   */
  async retryRun(
    id: number,
    values: { source: SourceName; maxErrorRate: number; maxDisappearedRate: number; owner?: string | null; leaseExpiresAt?: Date | null },
    audit: (tx: Orm, before: ImportRunRow, after: ImportRunRow) => Promise<void>,
  ): Promise<ImportRunRow | null> {
    return this.orm.transaction(async (tx) => {
      const [before] = await tx.select().from(importRuns).where(eq(importRuns.id, id)).for('update');
      if (!before || before.state !== 'failed') return null;
      const [live] = await tx
        .select({ id: importRuns.id })
        .from(importRuns)
        .where(and(eq(importRuns.sha256, before.sha256), eq(importRuns.source, values.source), sql`${importRuns.state} <> 'failed'`));
      if (live) throw new LiveRunExistsError(live.id);
      const [after] = await tx
        .update(importRuns)
        .set({
          ...values,
          heartbeatAt: values.owner ? new Date() : null,
          state: 'received',
          failureCode: null,
          failureReason: null,
          finishedAt: null,
          updatedAt: new Date(),
        })
        .where(and(eq(importRuns.id, id), eq(importRuns.state, 'failed')))
        .returning();
      await audit(tx, before, after);
      return after;
    });
  }

  async findRun(id: number, scope?: TerritoryScope | null): Promise<ImportRunRow | null> {
    const [row] = await this.orm
      .select()
      .from(importRuns)
      .where(and(eq(importRuns.id, id), this.runInScope(scope)));
    return row ?? null;
  }

  /**
   * A territorially scoped client sees a run only if it brought a record now linked to a person of
   * its territory (agency files are national: the run of another region's people is not its business).
   */
  private runInScope(scope: TerritoryScope | null | undefined): SQL | undefined {
    if (!scope) return undefined;
    return exists(
      this.orm
        .select({ one: sql`1` })
        .from(sourceRecords)
        .innerJoin(sourceEntities, eq(sourceEntities.id, sourceRecords.sourceEntityId))
        .innerJoin(persons, eq(persons.id, sourceEntities.personId))
        .where(and(eq(sourceRecords.importRunId, importRuns.id), scopeCondition(scope, persons.departmentCode, persons.municipalityCode))),
    );
  }

  /**
   * A scoped client sees a row issue only when its line was loaded as a record now linked to a person
   * of its territory: a rejected line has no reliable territory, so it stays with the unscoped roles.
   */
  private rowErrorInScope(scope: TerritoryScope | null | undefined): SQL | undefined {
    if (!scope) return undefined;
    return exists(
      this.orm
        .select({ one: sql`1` })
        .from(sourceRecords)
        .innerJoin(sourceEntities, eq(sourceEntities.id, sourceRecords.sourceEntityId))
        .innerJoin(persons, eq(persons.id, sourceEntities.personId))
        .where(
          and(
            eq(sourceRecords.importRunId, importRowErrors.importRunId),
            eq(sourceRecords.lineNo, importRowErrors.line),
            scopeCondition(scope, persons.departmentCode, persons.municipalityCode),
          ),
        ),
    );
  }

  async findRunBySha(sha256: string): Promise<ImportRunRow | null> {
    const [row] = await this.orm.select().from(importRuns).where(eq(importRuns.sha256, sha256));
    return row ?? null;
  }

  async listRuns(opts: { source?: SourceName; states?: ImportState[]; first: number; after?: number; scope?: TerritoryScope | null }): Promise<ImportRunRow[]> {
    return this.orm
      .select()
      .from(importRuns)
      .where(
        and(
          opts.source ? eq(importRuns.source, opts.source) : undefined,
          opts.states?.length ? inArray(importRuns.state, opts.states) : undefined,
          opts.after !== undefined ? lt(importRuns.id, opts.after) : undefined,
          this.runInScope(opts.scope),
        ),
      )
      .orderBy(desc(importRuns.id))
      .limit(opts.first + 1);
  }

  async unfinishedRuns(): Promise<ImportRunRow[]> {
    return this.orm
      .select()
      .from(importRuns)
      .where(inArray(importRuns.state, [...UNFINISHED_STATES]))
      .orderBy(asc(importRuns.id));
  }

  /** An earlier unfinished run of the same source must apply first (snapshots are ordered). */
  async earlierUnfinishedRun(run: ImportRunRow): Promise<ImportRunRow | null> {
    const [row] = await this.orm
      .select()
      .from(importRuns)
      .where(and(eq(importRuns.source, run.source), lt(importRuns.id, run.id), inArray(importRuns.state, [...UNFINISHED_STATES])))
      .limit(1);
    return row ?? null;
  }

  /** The last accepted snapshot of a source before this run (the base of its diff). */
  async previousAcceptedRun(run: ImportRunRow): Promise<number | null> {
    const [row] = await this.orm
      .select({ id: importRuns.id })
      .from(importRuns)
      .where(and(eq(importRuns.source, run.source), lt(importRuns.id, run.id), inArray(importRuns.state, ['applied', 'done'])))
      .orderBy(desc(importRuns.id))
      .limit(1);
    return row?.id ?? null;
  }

  async update(id: number, values: Partial<typeof importRuns.$inferInsert>, orm: Orm = this.orm): Promise<void> {
    await orm
      .update(importRuns)
      .set({ ...values, updatedAt: new Date() })
      .where(eq(importRuns.id, id));
  }

  /** Moves a run to `to` only from one of `from`; false when another worker already moved it. */
  async transition(
    id: number,
    from: readonly ImportState[],
    to: ImportState,
    values: Partial<typeof importRuns.$inferInsert> = {},
    orm: Orm = this.orm,
  ): Promise<boolean> {
    const rows = await orm
      .update(importRuns)
      .set({ ...values, state: to, updatedAt: new Date() })
      .where(and(eq(importRuns.id, id), inArray(importRuns.state, [...from])))
      .returning({ id: importRuns.id });
    return rows.length > 0;
  }

  /** Adds (or replaces) top-level parts of a run's summary, keeping the others. */
  async mergeSummary(id: number, part: ImportRunSummary, orm: Orm = this.orm): Promise<void> {
    await this.db.rows(
      sql`update import_runs set summary = coalesce(summary, '{}'::jsonb) || ${JSON.stringify(part)}::jsonb, updated_at = now() where id = ${id}`,
      orm,
    );
  }

  /**
   * Claims a run for one attempt: moves it from one of `from` to `to` and bumps `attempts`, only if
   * `attempts` still has the value the caller read. False when another caller claimed it first.
   */
  async claim(
    id: number,
    attempts: number,
    from: readonly ImportState[],
    to: ImportState,
    values: Partial<typeof importRuns.$inferInsert> = {},
  ): Promise<boolean> {
    const rows = await this.orm
      .update(importRuns)
      .set({ ...values, state: to, attempts: attempts + 1, updatedAt: new Date() })
      .where(and(eq(importRuns.id, id), eq(importRuns.attempts, attempts), inArray(importRuns.state, [...from])))
      .returning({ id: importRuns.id });
    return rows.length > 0;
  }

  // --- staging -------------------------------------------------------------------------------

  /**
   * Creates an empty staging table and clears the row errors an interrupted attempt left. Chunk
   * done-marks are cleared too, except when a run that already applied chunks is re-staged (after
   * PostgreSQL itself crashed and emptied the unlogged table): those chunks stay applied and skipped.
   */
  async resetStaging(table: string, runId: number | null, opts: { keepChunks?: boolean } = {}): Promise<void> {
    const t = sql.raw(table);
    await this.dropStaging(table);
    await this.db.rows(sql`create unlogged table ${t} (${sql.raw(STAGING_DDL)})`);
    if (runId !== null) {
      await this.db.rows(sql`create unlogged table ${sql.raw(linesTable(table))} (source_key text, content_hash bytea, line_hash bytea)`);
      await this.orm.delete(importRowErrors).where(eq(importRowErrors.importRunId, runId));
      if (!opts.keepChunks) await this.orm.delete(importChunks).where(eq(importChunks.importRunId, runId));
    }
  }

  async stagingExists(runId: number): Promise<boolean> {
    const [row] = await this.db.rows<{ ok: boolean }>(sql`select to_regclass(${stagingTable(runId)}) is not null as ok`);
    return row.ok;
  }

  /**
   * Whether the staging table still holds the staged file. An unlogged table survives a crash of
   * the worker but is emptied when PostgreSQL itself restarts after a crash: the file is then staged
   * again (the same bytes give the same rows and order numbers).
   */
  async stagingIntact(runId: number): Promise<boolean> {
    if (!(await this.stagingExists(runId))) return false;
    const [row] = await this.db.rows<{ ok: boolean }>(sql`select exists (select 1 from ${sql.raw(stagingTable(runId))}) as ok`);
    if (row.ok) return true;
    // Delta staging may stage no row at all (nothing changed): its absent-keys table (never empty) tells.
    const absent = absentTable(stagingTable(runId));
    const [has] = await this.db.rows<{ ok: boolean }>(sql`select to_regclass(${absent}) is not null as ok`);
    if (!has.ok) return false;
    const [kept] = await this.db.rows<{ ok: boolean }>(sql`select exists (select 1 from ${sql.raw(absent)}) as ok`);
    return kept.ok;
  }

  /** Drops a staging table and its companions (the absent keys, the plan: see planChanges). */
  async dropStaging(table: string): Promise<void> {
    await this.db.rows(
      sql`drop table if exists ${sql.raw(table)}, ${sql.raw(`${table}_changes`)}, ${sql.raw(`${table}_gone`)}, ${sql.raw(absentTable(table))}, ${sql.raw(linesTable(table))}`,
    );
  }

  /**
   * The source's current key → content digest map, streamed out of PostgreSQL in one statement (one
   * snapshot) with the fingerprint of what its other runs had written. Records this run already
   * wrote (chunks applied before its staging table was lost) are flagged: their rows are staged again.
   */
  async readSnapshot(source: SourceName, runId: number | null): Promise<SourceSnapshot> {
    const r = runId ?? 0;
    if (!Number.isSafeInteger(r)) throw new Error('invalid run id');
    // The first row also says how many records to expect (the map is allocated once): the records the
    // source's runs added, an estimate (a record that reappeared counts twice; a short one only costs a growth).
    const query = `select null::text, convert_to(${fingerprintSql(source, r)}, 'UTF8'), 0::int2,
        convert_to((select coalesce(sum(added), 0) from import_runs where source = ${sourceLiteral(source)})::text, 'UTF8')
      union all
      select source_key, content_hash, ((status = 'active')::int + case when changed_run_id = ${r} then 16 else 0 end)::int2, line_hash
      from source_entities where source = ${sourceLiteral(source)}`;
    return SourceSnapshot.fromBinaryCopy(this.db.copyTo(query, 'format binary'));
  }

  /**
   * Whether the snapshot a run was staged against is out of date: its plan is not made yet and
   * another run of the source has written records since (an earlier run retried and applied first).
   */
  async snapshotStale(run: { id: number; source: SourceName }, delta: DeltaStaged): Promise<boolean> {
    const [row] = await this.db.rows<{ planned: boolean; fp: string }>(
      sql`select to_regclass(${`${stagingTable(run.id)}_gone`}) is not null as planned, ${sql.raw(fingerprintSql(run.source, run.id))} as fp`,
    );
    return !row.planned && row.fp !== delta.fingerprint;
  }

  /** Writes the keys the file does not name (SourceSnapshot.absentKeys) next to the staging table. */
  async copyAbsent(table: string, snapshot: SourceSnapshot): Promise<void> {
    const absent = absentTable(table);
    await this.db.rows(sql`drop table if exists ${sql.raw(absent)}`);
    await this.db.rows(sql`create unlogged table ${sql.raw(absent)} (source_key text)`);
    await this.db.copyFrom(
      absent,
      ['source_key'],
      (async function* () {
        yield '\\N\n';
        yield* snapshot.absentKeys(copyText);
      })(),
    );
  }

  copyStaging(table: string, data: AsyncIterable<string | Uint8Array>): Promise<void> {
    return this.db.copyFrom(table, STAGING_COLUMNS, data);
  }

  /** Appends one batch of COPY text (source_key, content digest, line digest) to the run's lines table (linesTable). */
  copyLineDigests(table: string, copyText: string | Uint8Array): Promise<void> {
    return this.db.copyFrom(linesTable(table), ['source_key', 'content_hash', 'line_hash'], once(copyText));
  }

  /** Appends one batch of COPY text of row errors (stageRows' and the table sources' CopyBatcher). */
  copyRowErrors(copyText: string): Promise<void> {
    return this.db.copyFrom('import_row_errors', ROW_ERROR_COLUMNS, once(copyText));
  }

  /**
   * After the COPY: marks every repetition of a record key inside the file as a row error (the
   * first occurrence wins; recorded for real runs, only counted for dry runs) and analyzes the
   * table. `candidates`: the keys that may repeat (stageRows' key filter), or null for all keys.
   */
  async prepareStaging(table: string, runId: number | null, candidates: string[] | null): Promise<StagingPrepared> {
    const t = sql.raw(table);
    if (candidates?.length === 0) {
      await this.analyzeStaging(t);
      return { duplicates: 0, duplicateLines: 0 };
    }
    const out = await this.orm.transaction(async (tx) => {
      const q = <T = Record<string, unknown>>(s: SQL) => this.db.rows<T>(s, tx);
      await q(sql`set local work_mem = '128MB'`);
      // Keys seen more than once, among the candidates the key filter flagged (or all keys).
      const repeated =
        candidates === null
          ? sql`select source_key from ${t} where ord is not null group by source_key having count(*) > 1`
          : sql`select s.source_key from ${t} s join unnest(${textArray(candidates)}) c(k) on c.k = s.source_key
              where s.ord is not null group by s.source_key having count(*) > 1`;
      const [row] = await q<{ n: number; lines: number }>(sql`
        with k as (${repeated}), d as (
          select s.ord, first_value(s.line) over w as first_line, row_number() over w as rn
          from ${t} s join k using (source_key) where s.ord is not null
          window w as (partition by s.source_key order by s.line)
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
      return { duplicates: row.n, duplicateLines: row.lines };
    });
    await this.analyzeStaging(t);
    return out;
  }

  /** Statistics only where the planner needs them (wide text columns cost most to sample). */
  private async analyzeStaging(t: SQL) {
    await this.db.rows(sql`analyze ${t} (ord, source_key, dup, household_key)`);
  }

  async errorSummary(runId: number): Promise<{ code: string; field: string; severity: string; count: number }[]> {
    return this.db.rows(sql`
      select code, field, severity::text as severity, count(*)::int as count from import_row_errors
      where import_run_id = ${runId} group by code, field, severity order by count(*) desc, code, field`);
  }

  async rowErrors(
    runId: number,
    opts: { first: number; afterId?: number; severity?: 'error' | 'warning'; scope?: TerritoryScope | null },
  ): Promise<RowErrorRow[]> {
    return this.orm
      .select()
      .from(importRowErrors)
      .where(
        and(
          eq(importRowErrors.importRunId, runId),
          opts.severity ? eq(importRowErrors.severity, opts.severity) : undefined,
          opts.afterId !== undefined ? gt(importRowErrors.id, opts.afterId) : undefined,
          this.rowErrorInScope(opts.scope),
        ),
      )
      .orderBy(asc(importRowErrors.id))
      .limit(opts.first + 1);
  }

  async appliedChunks(runId: number): Promise<Set<number>> {
    const rows = await this.orm.select({ n: importChunks.chunkNo }).from(importChunks).where(eq(importChunks.importRunId, runId));
    return new Set(rows.map((r) => r.n));
  }

  // --- apply ---------------------------------------------------------------------------------

  /**
   * Plans the chunked apply in one pass over the staged file: the rows that must be written (added,
   * reappeared or changed: their staged columns, their entity, the ids of their new record and
   * entity) go into `<staging>_changes`, and how many rows each chunk holds. A chunk rolled back by
   * a crash reuses its planned ids (never committed, so never taken). One hash join of the whole file with the source's records instead of one per chunk
   * (a chunk's join would scan every record of the source again). Valid for the rest of the run:
   * only the run's own chunks write this source's records, each its own keys; a chunk applied since
   * the plan was made is skipped by its done-mark. Kept across a worker crash (an unlogged table is
   * only emptied with its staging table, which is then staged and planned again).
   */
  async planChanges(runId: number, source: SourceName, chunkSize: number, holdAll = false, delta?: DeltaStaged): Promise<ChangePlan> {
    const table = stagingTable(runId);
    const t = sql.raw(table);
    const changes = sql.raw(`${table}_changes`);
    const gone = sql.raw(`${table}_gone`);
    // Absent from the file: named by no staged row — or, for delta staging (unchanged rows are not
    // staged), among the keys the snapshot left unmarked.
    const absent = delta
      ? sql`exists (select 1 from ${sql.raw(absentTable(table))} a where a.source_key = e.source_key)`
      : sql`not exists (select 1 from ${t} s where s.source_key = e.source_key)`;
    return this.orm.transaction(async (tx) => {
      const q = <T = Record<string, unknown>>(s: SQL) => this.db.rows<T>(s, tx);
      // One planner per run at a time (chunk locks use chunk numbers ≥ 0 with the same run id).
      await q(sql`select pg_advisory_xact_lock(${runId}, -1)`);
      await q(sql`set local work_mem = '128MB'`);
      const [exists] = await q<{ ok: boolean }>(sql`select to_regclass(${`${table}_gone`}) is not null as ok`);
      if (!exists.ok) {
        // A nightly file stages only its few added and changed rows (delta staging): then each of them,
        // and each absent key, looks its record up by the (source, source_key) index. Costed by default,
        // the planner read all the source's records instead (a hash join over a scan of source_entities:
        // ~0.5 s per million records for 15,000 staged rows, and as much for the absent keys). Plans only:
        // the rows are the same either way.
        const unchanged = delta?.unchangedByChunk.reduce((a, n) => a + n, 0) ?? 0;
        let byIndex = false;
        if (unchanged > 0) {
          const [staged] = await q<{ n: number }>(sql`select count(*)::int as n from ${t} where ord is not null`);
          byIndex = staged.n * 20 <= unchanged;
        }
        if (byIndex) {
          await q(sql`set local enable_hashjoin = off`);
          await q(sql`set local enable_mergejoin = off`);
        }
        await q(sql`drop table if exists ${changes}`);
        await q(sql`create unlogged table ${changes} as
          select s.*, e.id as entity_id, case when e.id is null or e.status = 'vanished' then 'added' else 'changed' end as kind,
            nextval(pg_get_serial_sequence('source_records', 'id')) as record_id,
            coalesce(e.id, nextval(pg_get_serial_sequence('source_entities', 'id'))) as new_entity_id
          from ${t} s left join source_entities e on e.source = ${source} and e.source_key = s.source_key
          where s.ord is not null and not s.dup and (e.id is null or e.status = 'vanished' or e.content_hash <> s.content_hash)`);
        await q(sql`create index on ${changes} (ord)`);
        // Statistics for what the chunks select and join by (the row count comes with any column list):
        // analyzing every staging column cost ~0.2 s for a nightly's 20,000 planned rows.
        await q(sql`analyze ${changes} (ord, entity_id)`);
        // Active records absent from the file (no row at all, not even a rejected one with its key).
        // Chunks never touch them, so the set holds until the disappearance step. Created last: its
        // presence means the plan is complete. Empty when unreadable rows might be any record's
        // (`holdAll`): they are held back, not vanished.
        // With delta staging, from the absent keys (each named once: the map's keys are unique).
        await q(
          sql`create unlogged table ${gone} as ${
            delta && !holdAll
              ? sql`select e.id from ${sql.raw(absentTable(table))} a join source_entities e on e.source = ${source} and e.source_key = a.source_key
                where e.status = 'active'`
              : sql`select e.id from source_entities e where e.source = ${source} and e.status = 'active'
                and ${absent} and ${holdAll ? sql`false` : sql`true`}`
          }`,
        );
        if (byIndex) {
          // The counts below scan the source's records anyway: back to the planner's own choice.
          await q(sql`set local enable_hashjoin = on`);
          await q(sql`set local enable_mergejoin = on`);
        }
      }
      const rows = await q<{ k: number; n: number }>(
        sql`select (ord / ${chunkSize})::int as k, count(*)::int as n from ${t} where ord is not null and not dup group by 1`,
      );
      // A chunk's rows: those staged, and those delta staging found unchanged.
      const totals: number[] = [...(delta?.unchangedByChunk ?? [])];
      for (const r of rows) totals[r.k] = (totals[r.k] ?? 0) + r.n;
      const [c] = await q<{ active: number; disappeared: number; absent: number }>(sql`select
        (select count(*)::int from source_entities where source = ${source} and status = 'active') as active,
        (select count(*)::int from ${gone}) as disappeared,
        ${holdAll ? sql`(select count(*)::int from source_entities e where e.source = ${source} and e.status = 'active' and ${absent})` : sql`(select count(*)::int from ${gone})`} as absent`);
      return { totals: Array.from(totals, (n) => n ?? 0), ...c };
    });
  }

  /**
   * Applies one chunk of staged rows to the canonical tables and records it as done, in one
   * transaction: a crash either loses the whole chunk (redone on resume) or none of it. Only the
   * chunk's planned changes (planChanges) are written; `total` is the chunk's row count, the rest
   * of which is unchanged.
   */
  async applyChunk(run: { id: number; source: SourceName }, chunkNo: number, lo: number, hi: number, total: number): Promise<ChunkCounts | null> {
    return this.orm.transaction(async (tx) => {
      const q = <T = Record<string, unknown>>(s: SQL) => this.db.rows<T>(s, tx);
      // Serializes concurrent workers on the same chunk: the loser sees the done-mark and skips.
      await q(sql`select pg_advisory_xact_lock(${run.id}, ${chunkNo})`);
      const [done] = await q(sql`select 1 from import_chunks where import_run_id = ${run.id} and chunk_no = ${chunkNo}`);
      if (done) return null;
      // The chunk and its done-mark are one transaction whatever this setting: a commit whose WAL a
      // server crash loses is lost whole, and the resumed run applies the chunk again. JIT compiling
      // costs more than these statements over a few thousand rows.
      await q(sql`set local synchronous_commit = off`);
      await q(sql`set local jit = off`);

      const table = stagingTable(run.id);
      const src = run.source;
      // The chunk's planned rows (person_id read now: reconciliation may have linked the record since the plan).
      await q(sql`create temp table chunk on commit drop as
        select c.*, e.person_id from ${sql.raw(`${table}_changes`)} c left join source_entities e on e.id = c.entity_id
        where c.ord >= ${lo} and c.ord < ${hi}`);
      // Its real size, so that joins with households and facts probe their indexes (no full scans).
      // The row count comes with any column list: only the columns the statements below join, filter
      // or group by: all ~55 staging columns took 8-12 ms a chunk of 750 rows, these six 0.7-2.5 ms (load 7-12).
      await q(sql`analyze chunk (household_key, entity_id, kind, sb_group, af_subsystem, vi_event)`);
      const [k] = await q<{ added: number; changed: number }>(sql`select
        count(*) filter (where kind = 'added')::int as added, count(*) filter (where kind = 'changed')::int as changed from chunk`);
      const c: ChunkCounts = { added: k.added, changed: k.changed, unchanged: total - k.added - k.changed };

      if (c.added + c.changed > 0) {
        await q(sql`insert into source_records (id, source, source_entity_id, import_run_id, line_no, source_key, content_hash, byte_offset, byte_length)
          overriding system value
          select record_id, ${src}, new_entity_id, ${run.id}, line, source_key, content_hash, byte_offset, byte_length from chunk order by ord`);
        await q(sql`insert into source_entities (id, source, source_key, current_record_id, content_hash, line_hash, status, first_seen_run_id,
            changed_run_id, doc_type, doc_number, first_name, second_name, first_surname, second_surname, birth_date, sex,
            municipality_code, household_key)
          overriding system value
          select new_entity_id, ${src}, source_key, record_id, content_hash, line_hash, 'active', ${run.id}, ${run.id}, doc_type, doc_number,
            first_name, second_name, first_surname, second_surname, birth_date, sex, municipality_code, household_key
          from chunk where entity_id is null order by ord`);
        await q(sql`update source_entities e set current_record_id = c.record_id, content_hash = c.content_hash, line_hash = c.line_hash, status = 'active',
            vanished_run_id = null, changed_run_id = ${run.id}, match_pending = true, updated_at = now(),
            doc_type = c.doc_type, doc_number = c.doc_number, first_name = c.first_name, second_name = c.second_name,
            first_surname = c.first_surname, second_surname = c.second_surname, birth_date = c.birth_date, sex = c.sex,
            municipality_code = c.municipality_code, household_key = c.household_key
          from chunk c where c.entity_id = e.id`);
        await this.applyFacts(q, src, sql`chunk`, false);
        // Changed and reappeared records already linked: their persons follow now, with the chunk.
        const persons = await this.linkedPersons(q, sql`select entity_id from chunk where entity_id is not null`);
        if (persons.length) await this.refreshPersons(tx, persons);
      }

      await q(sql`insert into import_chunks (import_run_id, chunk_no, added, changed, unchanged)
        values (${run.id}, ${chunkNo}, ${c.added}, ${c.changed}, ${c.unchanged})`);
      await q(sql`update import_runs set chunks_done = chunks_done + 1, added = added + ${c.added}, changed = changed + ${c.changed},
        unchanged = unchanged + ${c.unchanged}, updated_at = now() where id = ${run.id}`);
      return c;
    });
  }

  /**
   * Projects new record versions onto households, memberships and the fact tables. `rows` is a
   * relation (aliased `c` here) with the staging columns plus record_id, new_entity_id, entity_id
   * (null for a new record) and person_id. `fresh`: every record and household is new (bulk path), so plain inserts.
   */
  private async applyFacts(q: <T>(s: SQL) => Promise<T[]>, src: SourceName, rows: SQL, fresh: boolean): Promise<void> {
    const upsert = (s: SQL) => (fresh ? sql`` : s);
    // Households (Sisbén: ficha + hogar): the first row of the household (by line) defines the values.
    await q(sql`insert into households (source, source_key, municipality_code, zone, sisben_ficha, sisben_group, sisben_subgroup, source_record_id)
      select distinct on (c.household_key) ${src}, c.household_key, c.hh_municipality, c.hh_zone, c.hh_ficha, c.sb_group, c.sb_subgroup, c.record_id
      from ${rows} c where c.household_key is not null
      order by c.household_key, c.line
      ${upsert(sql`on conflict (source, source_key) do update set municipality_code = excluded.municipality_code, zone = excluded.zone,
        sisben_ficha = excluded.sisben_ficha, sisben_group = excluded.sisben_group, sisben_subgroup = excluded.sisben_subgroup,
        source_record_id = excluded.source_record_id, status = 'active', updated_at = now()`)}`);
    await q(sql`insert into household_memberships (household_id, source_entity_id, source_record_id, person_id, role, member_order, valid_from)
      select h.id, c.new_entity_id, c.record_id, c.person_id, c.hh_role, c.hh_order, coalesce(c.sb_cut_date, current_date)
      from ${rows} c join households h on h.source = ${src} and h.source_key = c.household_key
      ${upsert(sql`on conflict (source_entity_id, household_id) do update set source_record_id = excluded.source_record_id,
        role = excluded.role, member_order = excluded.member_order, valid_to = null, updated_at = now()`)}`);
    if (!fresh) {
      // A changed record that moved to another household (or lost it) ends its old membership.
      await q(sql`update household_memberships m set valid_to = current_date, updated_at = now()
        from ${rows} c left join households h on h.source = ${src} and h.source_key = c.household_key
        where c.entity_id is not null and m.source_entity_id = c.entity_id and m.valid_to is null and (h.id is null or m.household_id <> h.id)`);
    }

    await q(sql`insert into sisben_classifications (source_entity_id, source_record_id, person_id, household_id, "group", subgroup, cut_date, survey_date, status)
      select c.new_entity_id, c.record_id, c.person_id, h.id, c.sb_group, c.sb_subgroup, c.sb_cut_date, c.sb_survey_date, 'active'
      from ${rows} c left join households h on h.source = ${src} and h.source_key = c.household_key
      where c.sb_group is not null
      ${upsert(sql`on conflict (source_entity_id) do update set source_record_id = excluded.source_record_id, household_id = excluded.household_id,
        "group" = excluded."group", subgroup = excluded.subgroup, cut_date = excluded.cut_date, survey_date = excluded.survey_date,
        status = 'active', updated_at = now()`)}`);

    await q(sql`insert into affiliations (source_entity_id, source_record_id, person_id, status, source, subsystem, administrator_code,
        administrator_name, regime, affiliate_type, state, state_code, start_date, end_date, municipality_code, program)
      select c.new_entity_id, c.record_id, c.person_id, 'active', ${src}, c.af_subsystem, c.af_admin_code, c.af_admin_name, c.af_regime,
        c.af_type, c.af_state, c.af_state_code, c.af_start, c.af_end, c.af_municipality, c.af_program
      from ${rows} c where c.af_subsystem is not null
      ${upsert(sql`on conflict (source_entity_id) do update set source_record_id = excluded.source_record_id, status = 'active',
        subsystem = excluded.subsystem, administrator_code = excluded.administrator_code, administrator_name = excluded.administrator_name,
        regime = excluded.regime, affiliate_type = excluded.affiliate_type, state = excluded.state, state_code = excluded.state_code,
        start_date = excluded.start_date, end_date = excluded.end_date, municipality_code = excluded.municipality_code,
        program = excluded.program, updated_at = now()`)}`);

    await q(sql`insert into victim_registrations (source_entity_id, source_record_id, person_id, status, event_code, victim_type,
        occurrence_date, declaration_date, inclusion_date, occurrence_municipality, declaration_municipality, arrival_municipality, inclusion_state)
      select c.new_entity_id, c.record_id, c.person_id, 'active', c.vi_event, c.vi_type, c.vi_occ_date, c.vi_decl_date, c.vi_incl_date,
        c.vi_occ_mun, c.vi_decl_mun, c.vi_arr_mun, c.vi_incl_state
      from ${rows} c where c.vi_event is not null
      ${upsert(sql`on conflict (source_entity_id) do update set source_record_id = excluded.source_record_id, status = 'active',
        event_code = excluded.event_code, victim_type = excluded.victim_type, occurrence_date = excluded.occurrence_date,
        declaration_date = excluded.declaration_date, inclusion_date = excluded.inclusion_date,
        occurrence_municipality = excluded.occurrence_municipality, declaration_municipality = excluded.declaration_municipality,
        arrival_municipality = excluded.arrival_municipality, inclusion_state = excluded.inclusion_state, updated_at = now()`)}`);

    if (!fresh) {
      // A changed record that no longer carries a fact retires it (marked, never deleted).
      for (const [table, present] of [
        ['sisben_classifications', 'sb_group'],
        ['affiliations', 'af_subsystem'],
        ['victim_registrations', 'vi_event'],
      ] as const) {
        await q(sql`update ${sql.raw(table)} f set status = 'vanished', updated_at = now()
          from ${rows} c where c.entity_id is not null and f.source_entity_id = c.entity_id and c.${sql.raw(present)} is null and f.status = 'active'`);
      }
    }
  }

  /**
   * Whether a run may take the bulk path: the first snapshot of its source, at least `minRows`
   * rows, and a file at least as large as everything the hub already holds (the bulk path
   * re-validates foreign keys over whole tables, so it must not cost more than the load itself).
   */
  async canBulkLoad(run: { source: SourceName }, stagedRows: number, minRows: number): Promise<boolean> {
    if (stagedRows < minRows) return false;
    // Counted only for a source that holds no record yet: counting up to a nightly file's row count
    // read a million records of source_entities (~0.2 s) to answer a question `mine` had settled.
    const [row] = await this.db.rows<{ others: number | null }>(sql`select case when exists (select 1 from source_entities where source = ${run.source})
      then null else (select count(*)::int from (select 1 from source_entities limit ${stagedRows + 1}) x) end as others`);
    return row.others !== null && row.others <= stagedRows;
  }

  /**
   * The bulk path for a source's first snapshot: every staged record is new, so the whole file is
   * applied with one INSERT … SELECT per table, in one transaction that also writes every chunk's
   * done-mark and moves the run to `applied`. As for any large initial load, the written tables'
   * secondary indexes and foreign keys are dropped for the load and rebuilt before the commit: built
   * from sorted input (and by parallel workers) an index costs a fraction of row-by-row maintenance,
   * and a foreign key re-added is validated by one join instead of a check per row (~3 µs each).
   * Primary keys stay. A crash rolls everything back (DDL is transactional), including the dropped
   * indexes and keys, and the resumed run starts the bulk load again. The tables are locked
   * (ACCESS EXCLUSIVE) until the commit: reads of them wait for the load.
   */
  async bulkLoad(run: { id: number; source: SourceName }, plan: BulkPlan): Promise<ChunkCounts | null> {
    return this.orm.transaction(async (tx) => {
      const q = <T = Record<string, unknown>>(s: SQL) => this.db.rows<T>(s, tx);
      await q(sql`lock table ${sql.raw(CANONICAL_TABLES.join(', '))} in access exclusive mode`);
      const [state] = await q<{ state: string; mine: boolean }>(sql`select state::text,
        exists (select 1 from source_entities where source = ${run.source}) as mine from import_runs where id = ${run.id}`);
      if (state.state !== 'staged' || state.mine) return null;
      await q(sql`set local work_mem = '256MB'`);
      await q(sql`set local maintenance_work_mem = '256MB'`);
      const t = sql.raw(stagingTable(run.id));
      const src = run.source;
      const tables = sql.raw(`array[${CANONICAL_TABLES.map((n) => `'${n}'::regclass`).join(', ')}]`);

      // Owner-defined (migration 0018): the runtime role owns no table, so the drop and the rebuild of
      // secondary indexes and foreign keys run as SECURITY DEFINER functions that take their
      // definitions from the catalog themselves.
      await q(sql`select juntos_bulk_drop_secondary(${tables})`);

      // Ids: a block of each sequence reserved under the lock; record and entity of row `ord` get base + ord.
      const block = Math.max(plan.stagedRows, 1);
      const [ids] = await q<{ rb: string; eb: string }>(sql`
        with r as (select nextval(pg_get_serial_sequence('source_records', 'id')) as b),
        e as (select nextval(pg_get_serial_sequence('source_entities', 'id')) as b)
        select r.b::text as rb, e.b::text as eb,
          setval(pg_get_serial_sequence('source_records', 'id'), r.b + ${block} - 1),
          setval(pg_get_serial_sequence('source_entities', 'id'), e.b + ${block} - 1)
        from r, e`);
      const rb = sql.raw(`${BigInt(ids.rb)}::bigint`);
      const eb = sql.raw(`${BigInt(ids.eb)}::bigint`);
      const rows = sql`${t} where ord is not null and not dup`;

      // The per-chunk counts (for the done-marks) come back from the entity insert itself.
      const perChunk = await q<{ k: number; n: number }>(sql`
        with ins as (
          insert into source_entities (id, source, source_key, current_record_id, content_hash, line_hash, status, first_seen_run_id,
            changed_run_id, doc_type, doc_number, first_name, second_name, first_surname, second_surname, birth_date, sex,
            municipality_code, household_key)
          overriding system value
          select ${eb} + ord, ${src}, source_key, ${rb} + ord, content_hash, line_hash, 'active', ${run.id}, ${run.id}, doc_type, doc_number,
            first_name, second_name, first_surname, second_surname, birth_date, sex, municipality_code, household_key
          from ${rows}
          returning id)
        select ((id - ${eb}) / ${plan.chunkSize})::int as k, count(*)::int as n from ins group by 1`);
      await q(sql`insert into source_records (id, source, source_entity_id, import_run_id, line_no, source_key, content_hash, byte_offset, byte_length)
        overriding system value
        select ${rb} + ord, ${src}, ${eb} + ord, ${run.id}, line, source_key, content_hash, byte_offset, byte_length
        from ${rows}`);

      if (plan.parts.household) {
        await q(sql`insert into households (source, source_key, municipality_code, zone, sisben_ficha, sisben_group, sisben_subgroup, source_record_id)
          select distinct on (household_key) ${src}, household_key, hh_municipality, hh_zone, hh_ficha, sb_group, sb_subgroup, ${rb} + ord
          from ${rows} and household_key is not null
          order by household_key, line`);
      }
      if (plan.parts.household || plan.parts.sisben) {
        // Memberships and classifications from one pass over the staged rows and households.
        await q(sql`
          with c as materialized (
            select s.ord, s.hh_role, s.hh_order, s.sb_group, s.sb_subgroup, s.sb_cut_date, s.sb_survey_date, h.id as household_id
            from ${t} s left join households h on h.source = ${src} and h.source_key = s.household_key
            where s.ord is not null and not s.dup and (s.household_key is not null or s.sb_group is not null)
          ), m as (
            insert into household_memberships (household_id, source_entity_id, source_record_id, person_id, role, member_order, valid_from)
            select household_id, ${eb} + ord, ${rb} + ord, null, hh_role, hh_order, coalesce(sb_cut_date, current_date)
            from c where household_id is not null
          )
          insert into sisben_classifications (source_entity_id, source_record_id, person_id, household_id, "group", subgroup, cut_date, survey_date, status)
          select ${eb} + ord, ${rb} + ord, null, household_id, sb_group, sb_subgroup, sb_cut_date, sb_survey_date, 'active'
          from c where sb_group is not null`);
      }
      if (plan.parts.affiliation) {
        await q(sql`insert into affiliations (source_entity_id, source_record_id, person_id, status, source, subsystem, administrator_code,
            administrator_name, regime, affiliate_type, state, state_code, start_date, end_date, municipality_code, program)
          select ${eb} + ord, ${rb} + ord, null, 'active', ${src}, af_subsystem, af_admin_code, af_admin_name, af_regime, af_type,
            af_state, af_state_code, af_start, af_end, af_municipality, af_program
          from ${rows} and af_subsystem is not null`);
      }
      if (plan.parts.victim) {
        await q(sql`insert into victim_registrations (source_entity_id, source_record_id, person_id, status, event_code, victim_type,
            occurrence_date, declaration_date, inclusion_date, occurrence_municipality, declaration_municipality, arrival_municipality, inclusion_state)
          select ${eb} + ord, ${rb} + ord, null, 'active', vi_event, vi_type, vi_occ_date, vi_decl_date, vi_incl_date,
            vi_occ_mun, vi_decl_mun, vi_arr_mun, vi_incl_state
          from ${rows} and vi_event is not null`);
      }

      await q(sql`select juntos_bulk_restore_secondary()`);
      // Fresh statistics for what comes next (reconciliation reads these tables at once).
      const written = [
        'source_entities',
        'source_records',
        ...(plan.parts.household ? ['households', 'household_memberships'] : []),
        ...(plan.parts.sisben ? ['sisben_classifications'] : []),
        ...(plan.parts.affiliation ? ['affiliations'] : []),
        ...(plan.parts.victim ? ['victim_registrations'] : []),
      ];
      await q(sql`select juntos_analyze(${sql.raw(`array[${written.map((n) => `'${n}'::regclass`).join(', ')}]`)})`);

      const counts = new Map(perChunk.map((c) => [c.k, c.n]));
      const chunks = Array.from({ length: plan.chunksTotal }, (_, k) => counts.get(k) ?? 0);
      const added = chunks.reduce((a, n) => a + n, 0);
      await q(sql`insert into import_chunks (import_run_id, chunk_no, added, changed, unchanged)
        select ${run.id}, k - 1, n, 0, 0 from unnest(${`{${chunks.join(',')}}`}::int[]) with ordinality as c(n, k)`);
      await q(sql`update import_runs set chunks_done = ${chunks.length}, added = ${added}, changed = 0, unchanged = 0, disappeared = 0,
        state = 'applied', applied_at = now(), updated_at = now(),
        summary = coalesce(summary, '{}'::jsonb) || jsonb_build_object('keptRejected', 0, 'bulkLoad', true)
        where id = ${run.id} and state = 'staged'`);
      return { added, changed: 0, unchanged: 0 };
    });
  }

  /**
   * Marks every active record of the source that is absent from this extract as vanished (never
   * deleted), retires its facts and ends its memberships; households left without current members
   * vanish too. A record whose row was rejected but whose key parsed is not absent: it keeps its
   * previous version (counted as keptRejected). Commits together with the move to `applied`, so a
   * resumed run never marks twice. `rejectedKeys`: false when no rejected row was staged with its
   * key (nothing can be kept then). Returns the number of records that disappeared.
   */
  async markDisappeared(
    run: { id: number; source: SourceName },
    rejectedKeys = true,
    hold: { all: boolean; reasons: HeldBack['reasons'] } = { all: false, reasons: [] },
    /** Delta staging: the counts the snapshot gave (unchanged rows were not staged, so SQL cannot count them). */
    delta?: DeltaStaged,
  ): Promise<{ disappeared: number; keptRejected: number; heldBack: number; linesRefreshed: number }> {
    return this.orm.transaction(async (tx) => {
      const q = <T = Record<string, unknown>>(s: SQL) => this.db.rows<T>(s, tx);
      await q(sql`set local work_mem = '128MB'`);
      const t = sql.raw(stagingTable(run.id));
      const [state] = await q<{ state: string }>(sql`select state::text from import_runs where id = ${run.id} for update`);
      if (state.state !== 'staged') return { disappeared: 0, keptRejected: 0, heldBack: 0, linesRefreshed: 0 };
      // The plan's set of absent records (planChanges), or the same computed now.
      const [planned] = await q<{ ok: boolean }>(sql`select to_regclass(${`${stagingTable(run.id)}_gone`}) is not null as ok`);
      const absent = planned.ok
        ? sql`e.id in (select id from ${sql.raw(`${stagingTable(run.id)}_gone`)})`
        : hold.all
          ? sql`false`
          : delta
            ? sql`exists (select 1 from ${sql.raw(absentTable(stagingTable(run.id)))} a where a.source_key = e.source_key)`
            : sql`not exists (select 1 from ${t} s where s.source_key = e.source_key)`;
      await q(sql`create temp table gone on commit drop as
        with g as (
          update source_entities e set status = 'vanished', vanished_run_id = ${run.id}, match_pending = true, updated_at = now()
          where e.source = ${run.source} and e.status = 'active' and ${absent}
          returning e.id)
        select id from g`);
      for (const table of ['sisben_classifications', 'affiliations', 'victim_registrations']) {
        await q(
          sql`update ${sql.raw(table)} f set status = 'vanished', updated_at = now() from gone g where f.source_entity_id = g.id and f.status = 'active'`,
        );
      }
      await q(
        sql`update household_memberships m set valid_to = current_date, updated_at = now() from gone g where m.source_entity_id = g.id and m.valid_to is null`,
      );
      // Households left without a current member vanish. Only a household one of this run's records was
      // or is a member of can have become empty: memberships end only here and in this run's chunks (a
      // changed record that moved), both for records this run wrote or vanished; a steward's removal
      // sweeps the households it touches itself (recordRemoval.ts). So the sweep looks at those
      // households, by index, instead of every active household of the source.
      await q(sql`update households h set status = 'vanished', updated_at = now()
        where h.id in (select m.household_id from household_memberships m
            where m.source_entity_id in (select id from gone union all select e.id from source_entities e where e.changed_run_id = ${run.id}))
          and h.source = ${run.source} and h.status = 'active'
          and not exists (select 1 from household_memberships m where m.household_id = h.id and m.valid_to is null)`);
      // Their persons lose these records' values and facts in the same transaction.
      const persons = await this.linkedPersons(q, sql`select id from gone`);
      if (persons.length) await this.refreshPersons(tx, persons);
      const [{ n }] = await q<{ n: number }>(sql`select count(*)::int as n from gone`);
      const linesRefreshed = await this.refreshLines(q, run);
      const keptRejected = delta ? delta.keptRejected : rejectedKeys ? await this.keptRejected(q, t, run.source) : 0;
      const heldBack = !hold.reasons.length ? 0 : delta ? heldBackOf(delta, hold.all) : await this.heldBack(q, t, run.source, hold.all);
      const held: HeldBack = { records: heldBack, reasons: heldBack ? hold.reasons : [] };
      await q(sql`update import_runs set disappeared = ${n}, state = 'applied', applied_at = now(), updated_at = now(),
          summary = coalesce(summary, '{}'::jsonb) || jsonb_build_object('keptRejected', ${keptRejected}::int, 'heldBack', ${JSON.stringify(held)}::jsonb)
        where id = ${run.id} and state = 'staged'`);
      return { disappeared: n, keptRejected, heldBack, linesRefreshed };
    });
  }

  /**
   * Gives the records found unchanged the line digests of this run's reading (linesTable), in one
   * statement with the move to `applied`: a failed, refused or dry run writes none, and a resumed run
   * writes them once. A digest says "this text reads as this record", so it is written only where the
   * record still holds the content that text was read as (its content digest) and this run did not
   * write the record itself (its chunks wrote their own digests). Records whose digest is already this one are not touched.
   */
  private async refreshLines(q: <T>(s: SQL) => Promise<T[]>, run: { id: number; source: SourceName }): Promise<number> {
    const lines = linesTable(stagingTable(run.id));
    // A run staged before the lines table existed has none: nothing to refresh.
    const [has] = await q<{ ok: boolean }>(sql`select to_regclass(${lines}) is not null as ok`);
    if (!has.ok) return 0;
    const [row] = await q<{ n: number }>(sql`with u as (
        update source_entities e set line_hash = l.line_hash
        from ${sql.raw(lines)} l
        where e.source = ${run.source} and e.source_key = l.source_key and e.status = 'active'
          and e.content_hash = l.content_hash and e.changed_run_id is distinct from ${run.id}
          and e.line_hash is distinct from l.line_hash
        returning 1)
      select count(*)::int as n from u`);
    return row.n;
  }

  /** Active records whose only rows in the file were rejected (with a usable key; possible keys are held back, not kept). */
  private async keptRejected(q: <T>(s: SQL) => Promise<T[]>, t: SQL, source: SourceName): Promise<number> {
    const [row] = await q<{ n: number }>(sql`
      select count(distinct r.source_key)::int as n from ${t} r
      join source_entities e on e.source = ${source} and e.source_key = r.source_key and e.status = 'active'
      where r.ord is null and r.record is null and not exists (select 1 from ${t} s where s.source_key = r.source_key and s.ord is not null)`);
    return row.n;
  }

  /**
   * Active records held back from disappearing: those only present in rows read with another
   * delimiter (possible keys), and, when unreadable rows could be anyone's (`all`), every record
   * absent from the file.
   */
  private async heldBack(q: <T>(s: SQL) => Promise<T[]>, t: SQL, source: SourceName, all: boolean): Promise<number> {
    const [row] = await q<{ n: number }>(sql`select
      (select count(distinct r.source_key)::int from ${t} r
        join source_entities e on e.source = ${source} and e.source_key = r.source_key and e.status = 'active'
        where r.record = ${POSSIBLE_KEY_MARK} and not exists (select 1 from ${t} s where s.source_key = r.source_key and (s.ord is not null or s.record is null)))
      + ${
        all
          ? sql`(select count(*)::int from source_entities e where e.source = ${source} and e.status = 'active'
                and not exists (select 1 from ${t} s where s.source_key = e.source_key))`
          : sql`0`
      } as n`);
    return row.n;
  }

  /** How many active records of the source a staged file would make disappear (the mass-disappearance guard). */
  async disappearancePreview(table: string, source: SourceName, delta?: DeltaStaged): Promise<{ active: number; disappeared: number }> {
    // The records absent from the file, held back or not: what the mass-disappearance guard weighs.
    const found = await this.orm.transaction(async (tx) => this.disappearing((s) => this.db.rows(s, tx), sql.raw(table), source));
    return delta ? { active: found.active, disappeared: delta.absent } : found;
  }

  private async disappearing(q: <T>(s: SQL) => Promise<T[]>, t: SQL, source: SourceName): Promise<{ active: number; disappeared: number }> {
    await q(sql`set local work_mem = '128MB'`);
    // NOT EXISTS in a WHERE clause (an anti-join: one hash of the staged keys), never inside an
    // aggregate's FILTER, where it would run as a subquery per record.
    const [row] = await q<{ active: number; disappeared: number }>(
      sql`select
        (select count(*)::int from source_entities e where e.source = ${source} and e.status = 'active') as active,
        (select count(*)::int from source_entities e where e.source = ${source} and e.status = 'active'
           and not exists (select 1 from ${t} s where s.source_key = e.source_key)) as disappeared`,
    );
    return row;
  }

  /** Diff counts of a staged file against the current snapshot, without writing (dry runs). */
  async previewDiff(
    table: string,
    source: SourceName,
    hold: { all: boolean; reasons: HeldBack['reasons'] } = { all: false, reasons: [] },
    delta?: DeltaStaged,
  ): Promise<DiffPreview> {
    return this.orm.transaction(async (tx) => {
      const q = <T = Record<string, unknown>>(s: SQL) => this.db.rows<T>(s, tx);
      const t = sql.raw(table);
      await q(sql`set local work_mem = '128MB'`);
      const [row] = await q<ChunkCounts>(sql`
        select
          count(*) filter (where e.id is null or e.status = 'vanished')::int as added,
          count(*) filter (where e.status = 'active' and e.content_hash <> s.content_hash)::int as changed,
          count(*) filter (where e.status = 'active' and e.content_hash = s.content_hash)::int as unchanged
        from ${t} s left join source_entities e on e.source = ${source} and e.source_key = s.source_key
        where s.ord is not null and not s.dup`);
      if (delta) {
        const unchanged = row.unchanged + delta.unchangedByChunk.reduce((a, n) => a + n, 0);
        const heldBack = hold.reasons.length ? heldBackOf(delta, hold.all) : 0;
        return { ...row, unchanged, disappeared: hold.all ? 0 : delta.absent, keptRejected: delta.keptRejected, heldBack };
      }
      const { disappeared } = await this.disappearing(q, t, source);
      const heldBack = hold.reasons.length ? await this.heldBack(q, t, source, hold.all) : 0;
      return { ...row, disappeared: hold.all ? 0 : disappeared, keptRejected: await this.keptRejected(q, t, source), heldBack };
    });
  }

  /** Runs whose staging table is left behind (finished runs) — cleaned by the sweeper. */
  async orphanStagingTables(): Promise<number[]> {
    const rows = await this.db.rows<{ relname: string }>(
      sql`select relname from pg_class where relname like 'import\\_staging\\_%' and relkind = 'r' and relnamespace = 'juntos_staging'::regnamespace`,
    );
    const ids = rows.map((r) => Number(r.relname.slice('import_staging_'.length))).filter(Number.isSafeInteger);
    if (!ids.length) return [];
    const live = await this.orm
      .select({ id: importRuns.id })
      .from(importRuns)
      .where(and(inArray(importRuns.id, ids), notInArray(importRuns.state, [...FINISHED_STATES])));
    const liveIds = new Set(live.map((r) => r.id));
    return ids.filter((id) => !liveIds.has(id));
  }
}
