import { sql, type SQL } from 'drizzle-orm';
import { AppError, type SourceName } from '../kernel';
import type { AuditWriter, Database } from '../platform/db';
import type { PersonRefresher } from './importRepository';

/** What an operator removes: everything one import run brought, or every record of a source. */
export type RemovalScope = { kind: 'run'; runId: number } | { kind: 'source'; source: SourceName };

/** Counts only (no personal data): what a removal takes away, or would take away (dry run). */
export interface RemovalReport {
  scope: RemovalScope;
  dryRun: boolean;
  source: SourceName;
  fileName: string | null;
  /** Source records (entities) removed, and all their versions. */
  entities: number;
  recordVersions: number;
  facts: number;
  households: number;
  /** Rows of the typed tables (sisben_hogares, local_offers) for the table sources. */
  tableRows: number;
  links: number;
  /** Persons that had a removed record: rebuilt from what they still hold. */
  personsRebuilt: number;
  /** Of those, persons left with no record and nothing else pointing at them: deleted. */
  personsDeleted: number;
  /** Open or deferred review items about removed records: marked stale (never deleted). */
  reviewItemsStaled: number;
  /** Stewards' decisions and pins that mention the removed records: kept, untouched. */
  decisionsKept: number;
  runs: number[];
  auditId: string | null;
}

const TABLE_SOURCES: Partial<Record<SourceName, string>> = { sisben_hogares: 'sisben_hogares', oferta: 'local_offers' };
const FACT_TABLES = ['sisben_classifications', 'affiliations', 'victim_registrations'] as const;
const bigints = (xs: readonly number[]) => sql`${`{${xs.join(',')}}`}::bigint[]`;

/**
 * Removes source records an operator asks to take away (a shipped sample imported by mistake, a
 * source to load again from scratch). The only path that deletes source records: imports never do
 * (records vanish, with their history). Runs in one transaction with its audit event; the persons
 * of the removed records are rebuilt from what they still hold (the golden rebuild the import uses),
 * and stewards' decisions and pins stay as they were (open review items about removed records become
 * `stale`).
 */
export class RecordRemovalService {
  constructor(
    private readonly db: Database,
    private readonly refreshPersons: PersonRefresher,
    private readonly audit: AuditWriter,
  ) {}

  async remove(scope: RemovalScope, opts: { dryRun: boolean; actor: string }): Promise<RemovalReport> {
    return this.db.orm.transaction(async (tx) => {
      const q = <T = Record<string, unknown>>(s: SQL) => this.db.rows<T>(s, tx);
      const { source, fileName, runs, entitiesSql } = await this.resolve(q, scope);
      // Serialize with imports of the same source: no run of it may be under way.
      const busy = await q<{ id: number }>(
        sql`select id::int from import_runs where source = ${source} and state not in ('done', 'failed') ${scope.kind === 'run' ? sql`and id <> ${scope.runId}` : sql``} limit 1`,
      );
      if (busy.length) throw new AppError('CONFLICT', `Import run ${busy[0].id} of ${source} is under way: remove records once it has finished.`);
      const matching = await q<{ id: number }>(sql`select id::int from reconciliation_runs where state not in ('done', 'failed') limit 1`);
      if (matching.length) throw new AppError('CONFLICT', `Reconciliation run ${matching[0].id} is under way: remove records once it has finished.`);
      await q(sql`create temp table removal_entities on commit drop as ${entitiesSql}`);
      await q(sql`create unique index on removal_entities (id)`);
      const one = async (s: SQL) => (await q<{ n: number }>(s))[0]?.n ?? 0;
      const entities = await one(sql`select count(*)::int as n from removal_entities`);
      const recordVersions = await one(sql`select count(*)::int as n from source_records r where r.source_entity_id in (select id from removal_entities)`);
      let facts = 0;
      for (const t of FACT_TABLES)
        facts += await one(sql`select count(*)::int as n from ${sql.raw(t)} f where f.source_entity_id in (select id from removal_entities)`);
      const table = TABLE_SOURCES[source];
      const tableRows = table
        ? await one(sql`select count(*)::int as n from ${sql.raw(table)} where ${scope.kind === 'run' ? sql`import_run_id = ${scope.runId}` : sql`true`}`)
        : 0;
      const households = await one(
        sql`select count(distinct m.household_id)::int as n from household_memberships m where m.source_entity_id in (select id from removal_entities)`,
      );
      const links = await one(sql`select count(*)::int as n from entity_links l where l.source_entity_id in (select id from removal_entities)`);
      const persons = (
        await q<{ id: string }>(
          sql`select distinct person_id as id from source_entities where id in (select id from removal_entities) and person_id is not null order by 1`,
        )
      ).map((r) => Number(r.id));
      const decisionsKept = await one(sql`select count(*)::int as n from link_constraints c
        where c.entity_a_id in (select id from removal_entities) or c.entity_b_id in (select id from removal_entities)`);
      const openItems = sql`review_items i where i.status in ('open', 'deferred')
        and (i.source_entity_id in (select id from removal_entities) or i.candidate_entity_id in (select id from removal_entities))`;
      const reviewItemsStaled = await one(sql`select count(*)::int as n from ${openItems}`);
      const report: RemovalReport = {
        scope,
        dryRun: opts.dryRun,
        source,
        fileName,
        entities,
        recordVersions,
        facts,
        households,
        tableRows,
        links,
        personsRebuilt: persons.length,
        personsDeleted: 0,
        reviewItemsStaled,
        decisionsKept,
        runs,
        auditId: null,
      };
      if (opts.dryRun) {
        // Nothing written: the temp table goes with the transaction, rolled back to be sure.
        await q(sql`drop table removal_entities`);
        return report;
      }

      await q(sql`update review_items i set status = 'stale', updated_at = now() where i.status in ('open', 'deferred')
        and (i.source_entity_id in (select id from removal_entities) or i.candidate_entity_id in (select id from removal_entities))`);
      await q(sql`delete from merge_proposals p where p.source_entity_id in (select id from removal_entities)`);
      await q(
        sql`delete from relink_proposals p where p.source_entity_id in (select id from removal_entities) or p.newcomer_entity_id in (select id from removal_entities)`,
      );
      await q(sql`delete from record_moves m where m.source_entity_id in (select id from removal_entities)`);
      await q(sql`update entity_links l set matched_entity_id = null where l.matched_entity_id in (select id from removal_entities)`);
      await q(sql`delete from entity_links l where l.source_entity_id in (select id from removal_entities)`);
      await q(sql`delete from entity_blocking_keys k where k.source_entity_id in (select id from removal_entities)`);
      for (const t of FACT_TABLES) await q(sql`delete from ${sql.raw(t)} f where f.source_entity_id in (select id from removal_entities)`);
      const touchedHouseholds = (
        await q<{ id: string }>(
          sql`delete from household_memberships m where m.source_entity_id in (select id from removal_entities) returning m.household_id as id`,
        )
      ).map((r) => Number(r.id));
      if (touchedHouseholds.length) {
        // A household no member defines any more goes with its records (and its classifications' link to it).
        const empty = sql`select h.id from households h where h.id = any(${bigints([...new Set(touchedHouseholds)])})
          and not exists (select 1 from household_memberships m where m.household_id = h.id)`;
        await q(sql`update sisben_classifications c set household_id = null where c.household_id in (${empty})`);
        await q(sql`update review_items i set household_id = null where i.household_id in (${empty})`);
        await q(sql`delete from households h where h.id in (${empty})`);
        // One left with only ended memberships (its other members vanished earlier) vanishes, as an
        // import's disappearance step would: that step only sweeps the households its own records touch.
        await q(sql`update households h set status = 'vanished', updated_at = now()
          where h.id = any(${bigints([...new Set(touchedHouseholds)])}) and h.status = 'active'
            and not exists (select 1 from household_memberships m where m.household_id = h.id and m.valid_to is null)`);
      }
      if (table) await q(sql`delete from ${sql.raw(table)} where ${scope.kind === 'run' ? sql`import_run_id = ${scope.runId}` : sql`true`}`);
      await q(sql`delete from source_records r where r.source_entity_id in (select id from removal_entities)`);
      await q(sql`delete from source_entities e where e.id in (select id from removal_entities)`);
      if (persons.length) {
        await this.refreshPersons(tx, persons);
        report.personsDeleted = await this.deleteOrphans(q, persons);
      }
      // The runs stay (their history, row errors and archived file), marked as removed.
      await q(sql`update import_runs set summary = coalesce(summary, '{}'::jsonb) || jsonb_build_object('removed', jsonb_build_object('at', now(), 'by', ${opts.actor}::text)),
        updated_at = now() where id = any(${bigints(runs)})`);
      const auditId = `${scope.kind}:${scope.kind === 'run' ? scope.runId : scope.source}:${Date.now()}`;
      const { scope: _s, dryRun: _d, auditId: _a, ...counts } = report;
      await this.audit.write(tx, [
        {
          actor: opts.actor,
          actorRole: 'admin',
          action: scope.kind === 'run' ? 'records.remove_run' : 'records.reset_source',
          subjectType: scope.kind === 'run' ? 'ImportRun' : 'Source',
          subjectId: scope.kind === 'run' ? String(scope.runId) : scope.source,
          requestId: auditId,
          after: counts,
        },
      ]);
      report.auditId = auditId;
      return report;
    });
  }

  private async resolve(
    q: <T>(s: SQL) => Promise<T[]>,
    scope: RemovalScope,
  ): Promise<{ source: SourceName; fileName: string | null; runs: number[]; entitiesSql: SQL }> {
    if (scope.kind === 'source') {
      const runs = (await q<{ id: number }>(sql`select id::int from import_runs where source = ${scope.source} order by id`)).map((r) => r.id);
      return { source: scope.source, fileName: null, runs, entitiesSql: sql`select id from source_entities where source = ${scope.source}` };
    }
    const [run] = await q<{ id: number; source: SourceName; file_name: string; state: string; changed: number; disappeared: number }>(
      sql`select id::int, source::text as source, file_name, state::text as state, changed, disappeared from import_runs where id = ${scope.runId} for update`,
    );
    if (!run) throw new AppError('NOT_FOUND', `No import run ${scope.runId}.`);
    if (run.state !== 'done') throw new AppError('CONFLICT', `Run ${run.id} is ${run.state}: only a done run brought records (a failed run changed nothing).`);
    const later = await q<{ id: number }>(
      sql`select id::int from import_runs where source = ${run.source} and state = 'done' and id > ${run.id} order by id limit 1`,
    );
    if (later.length) {
      throw new AppError(
        'CONFLICT',
        `Run ${later[0].id} of ${run.source} was applied after run ${run.id}: its records build on this one. Reset the source (sources reset ${run.source}) instead.`,
      );
    }
    if (run.changed > 0 || run.disappeared > 0) {
      throw new AppError(
        'CONFLICT',
        `Run ${run.id} changed ${run.changed} and made ${run.disappeared} earlier records disappear: removing it would not restore them. Reset the source (sources reset ${run.source}) instead.`,
      );
    }
    return {
      source: run.source,
      fileName: run.file_name,
      runs: [run.id],
      entitiesSql: sql`select id from source_entities where first_seen_run_id = ${run.id}`,
    };
  }

  /**
   * Persons left without any source record and that nothing else refers to (review items, merges,
   * services delivered…: every foreign key to persons, read from the catalogue, except the person's
   * own derived rows) are deleted; any other stays, with its golden record emptied by the rebuild.
   */
  private async deleteOrphans(q: <T>(s: SQL) => Promise<T[]>, persons: number[]): Promise<number> {
    const derived = new Set(['person_identifiers', 'person_logros', 'person_logro_counts', 'person_logro_history', 'persons']);
    const refs = await q<{ tbl: string; col: string }>(sql`select c.conrelid::regclass::text as tbl, a.attname as col
      from pg_constraint c join pg_attribute a on a.attrelid = c.conrelid and a.attnum = any(c.conkey)
      where c.contype = 'f' and c.confrelid = 'persons'::regclass`);
    const blockers = refs.filter((r) => !derived.has(r.tbl.replace(/^public\./, '')));
    const notRef = blockers.map((r) => sql` and not exists (select 1 from ${sql.raw(r.tbl)} x where x.${sql.raw(`"${r.col}"`)} = p.id)`);
    const orphans = (
      await q<{ id: string }>(
        sql`select p.id from persons p where p.id = any(${bigints(persons)}) and p.status = 'active'
          and not exists (select 1 from persons m where m.merged_into_id = p.id)${sql.join(notRef, sql``)}`,
      )
    ).map((r) => Number(r.id));
    if (!orphans.length) return 0;
    const ids = bigints(orphans);
    for (const t of ['person_identifiers', 'person_logros', 'person_logro_counts', 'person_logro_history']) {
      // Only the tables keyed by person (some are counts by territory).
      const [exists] = await q<{ ok: boolean }>(
        sql`select exists (select 1 from information_schema.columns where table_schema = current_schema() and table_name = ${t} and column_name = 'person_id') as ok`,
      );
      if (exists?.ok) await q(sql`delete from ${sql.raw(t)} where person_id = any(${ids})`);
    }
    await q(sql`delete from persons where id = any(${ids})`);
    return orphans.length;
  }
}
