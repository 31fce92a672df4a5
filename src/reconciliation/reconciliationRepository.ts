import { randomBytes } from 'node:crypto';
import { and, desc, eq, inArray, lt, sql, type SQL } from 'drizzle-orm';
import { UNFINISHED_RECONCILIATION_STATES, reconciliationRuns, type ReconciliationState } from '../../schema';
import type { SourceName } from '../kernel';
import { analyzeStaleSql, type Database, type Orm } from '../platform/db';
import { CopyBuffer, copyText } from '../platform/db/copyText';

/** Pseudo-random but data-determined order of records: a hash of (source, source key), ties by the key itself. */
const STABLE_ORDER = sql.raw(`md5(e.source::text || ':' || e.source_key), e.source, e.source_key`);

export type ReconciliationRunRow = typeof reconciliationRuns.$inferSelect;
export type { ReconciliationState };

export interface EntityRow {
  id: number;
  source: SourceName;
  personId: number | null;
  status: 'active' | 'vanished';
  docType: string | null;
  docNumber: string | null;
  firstName: string | null;
  secondName: string | null;
  firstSurname: string | null;
  secondSurname: string | null;
  birthDate: string | null;
  sex: string | null;
  municipalityCode: string | null;
  householdKey: string | null;
  /** Current version of the record (source_records id): changes whenever an import changes it. */
  recordId: number;
}

export interface LinkWrite {
  entityId: number;
  personId: number;
  linkType: string;
  reasons: string[];
  score: number | null;
  matchWeight: number | null;
  matchedEntityId: number | null;
  contributions: unknown;
  modelVersion: string | null;
}

export interface ReviewWrite {
  reason: string;
  entityId: number | null;
  personA: number;
  personB: number | null;
  candidateEntityId: number | null;
  householdId?: number | null;
  score: number | null;
  explanation: unknown;
}

export interface KeyWrite {
  entityId: number;
  rule: number;
  key: string;
}

/**
 * A batch's links and blocking keys, copied into two unlogged tables of their own (one pair per
 * attempt, in juntos_staging) before the batch's transaction, and applied and dropped inside it.
 */
export interface StagedBatch {
  readonly table: string;
  readonly links: number;
  readonly keys: number;
}

const STAGED_LINK_COLUMNS = ['entity_id', 'person_id', 'link_type', 'reasons', 'score', 'match_weight', 'matched_entity_id', 'model_version', 'contributions'];
const STAGED_KEY_COLUMNS = ['rule', 'key', 'source_entity_id'];
const stagePrefix = (runId: number) => {
  if (!Number.isSafeInteger(runId) || runId <= 0) throw new Error('invalid run id');
  return `reconcile_${runId}_`;
};
/** A real as COPY text; what JSON would send as null (NaN, ±Infinity) is null. */
const copyNumber = (x: number | null) => (x === null || !Number.isFinite(x) ? '\\N' : String(x));

async function* copyLines<T>(rows: readonly T[], line: (row: T) => string): AsyncGenerator<Buffer> {
  const out = new CopyBuffer();
  for (const r of rows) {
    const chunk = out.push(line(r));
    if (chunk) yield chunk;
  }
  const rest = out.take();
  if (rest) yield rest;
}

/** The tables a run reads and rewrites whose planner statistics it keeps fresh ({@link ReconciliationRepository.analyzeStale}). */
const RECONCILIATION_TABLES = [
  'source_entities',
  'entity_links',
  'entity_blocking_keys',
  'persons',
  'person_identifiers',
  'affiliations',
  'sisben_classifications',
  'victim_registrations',
  'household_memberships',
];

/** pg_advisory_xact_lock key serializing matching batches and steward decisions ("juntosrc"). */
export const RECONCILE_LOCK = 0x6a756e747263; // "juntrc" (48 bits: exact as a JS number)
/**
 * Second key, for the end-of-run derivation of golden records and facts: the engine's parallel
 * derivation workers hold it shared, steward decisions (through {@link ReconciliationRepository.lock})
 * exclusively, so a steward never interleaves with a rebuild of the persons they touch.
 */
export const DERIVE_LOCK = 0x6a756e746476; // "juntdv"

/** A source entity's identity columns (table alias `e`), as `entityFromRow` reads them. */
export const ENTITY_COLUMNS = sql`e.id::int8 as id, e.source, e.person_id, e.status, e.doc_type, e.doc_number, e.first_name, e.second_name,
  e.first_surname, e.second_surname, e.birth_date::text as birth_date, e.sex, e.municipality_code, e.household_key, e.current_record_id`;

export type RawEntity = {
  id: string | number;
  source: SourceName;
  person_id: string | number | null;
  status: 'active' | 'vanished';
  doc_type: string | null;
  doc_number: string | null;
  first_name: string | null;
  second_name: string | null;
  first_surname: string | null;
  second_surname: string | null;
  birth_date: string | null;
  sex: string | null;
  municipality_code: string | null;
  household_key: string | null;
  current_record_id: string | number;
};

export const entityFromRow = (r: RawEntity): EntityRow => ({
  id: Number(r.id),
  source: r.source,
  personId: r.person_id === null ? null : Number(r.person_id),
  status: r.status,
  docType: r.doc_type,
  docNumber: r.doc_number,
  firstName: r.first_name,
  secondName: r.second_name,
  firstSurname: r.first_surname,
  secondSurname: r.second_surname,
  birthDate: r.birth_date,
  sex: r.sex,
  municipalityCode: r.municipality_code,
  householdKey: r.household_key,
  recordId: Number(r.current_record_id),
});

const bigints = (ids: readonly number[]) => sql`${`{${ids.join(',')}}`}::bigint[]`;
const pgTextArray = (xs: readonly (string | null)[]) =>
  `{${xs.map((x) => (x === null ? 'NULL' : `"${x.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`)).join(',')}}`;
const texts = (xs: readonly (string | null)[]) => sql`${pgTextArray(xs)}::text[]`;

const byRuleAndKey = (a: { rule: number; key: string }, b: { rule: number; key: string }) => a.rule - b.rule || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0);

/** The reconciliation engine's database door. */
export class ReconciliationRepository {
  constructor(private readonly db: Database) {}

  private q<T = Record<string, unknown>>(s: SQL, orm: Orm = this.db.orm) {
    return this.db.rows<T>(s, orm);
  }

  transaction<T>(fn: (tx: Orm) => Promise<T>): Promise<T> {
    return this.db.orm.transaction(fn);
  }

  /** The connection pool, for reads outside any transaction (a batch planned outside the lock). */
  get pool(): Orm {
    return this.db.orm;
  }

  /** The engine lock as steward decisions and merges take it: excludes matching batches and derivation. */
  async lock(orm: Orm): Promise<void> {
    await this.q(sql`select pg_advisory_xact_lock(${RECONCILE_LOCK}), pg_advisory_xact_lock(${DERIVE_LOCK})`, orm);
  }

  /** The lock of one matching batch (batches are sequential; derivation may run beside them). */
  async lockBatch(orm: Orm): Promise<void> {
    await this.q(sql`select pg_advisory_xact_lock(${RECONCILE_LOCK})`, orm);
  }

  /** The lock of one derivation chunk (shared: chunks of disjoint persons run in parallel). */
  async lockDerive(orm: Orm): Promise<void> {
    await this.q(sql`select pg_advisory_xact_lock_shared(${DERIVE_LOCK})`, orm);
  }

  /** Records this run linked or re-examined (their facts must carry their person), in id order. */
  async runRecords(runId: number): Promise<number[]> {
    const rows = await this.q<{ id: string }>(sql`select source_entity_id as id from entity_links where reconciliation_run_id = ${runId} order by 1`);
    return rows.map((r) => Number(r.id));
  }

  /**
   * Active persons whose records this run changed after they existed (links to an existing person,
   * re-examined records — whatever their link type, a record first linked as a new person included):
   * their golden records are rebuilt at the end of the run. Only persons the run created from its own
   * records (a new_person link written by this run) were written with their golden values already.
   */
  async runTouchedPersons(runId: number): Promise<number[]> {
    const rows = await this.q<{ id: string }>(sql`select distinct e.person_id as id
      from entity_links l join source_entities e on e.id = l.source_entity_id join persons p on p.id = e.person_id
      join reconciliation_runs r on r.id = l.reconciliation_run_id
      where l.reconciliation_run_id = ${runId} and (l.link_type <> 'new_person' or l.created_at < r.created_at) and p.status = 'active' order by 1`);
    return rows.map((r) => Number(r.id));
  }

  /** Active persons created by this run from its own records (their identifiers are written at the end). */
  async runCreatedPersons(runId: number): Promise<number[]> {
    const rows = await this.q<{ id: string }>(sql`select distinct e.person_id as id
      from entity_links l join source_entities e on e.id = l.source_entity_id join persons p on p.id = e.person_id
      where l.reconciliation_run_id = ${runId} and l.link_type = 'new_person' and p.status = 'active' order by 1`);
    return rows.map((r) => Number(r.id));
  }

  /** Review items of this run still open take the persons' versions after the run's rebuilds. */
  async refreshReviewVersions(runId: number, orm: Orm = this.db.orm): Promise<void> {
    await this.q(
      sql`update review_items i set person_a_version = (select p.version from persons p where p.id = i.person_a_id),
          person_b_version = (select p.version from persons p where p.id = i.person_b_id)
        where i.reconciliation_run_id = ${runId} and i.status = 'open'`,
      orm,
    );
  }

  /**
   * Settings for a matching batch: no JIT (its statements are many short set-based ones, where JIT
   * compilation costs more than it saves) and room to sort a batch in memory.
   */
  async tuneTransaction(orm: Orm): Promise<void> {
    await this.q(sql`select set_config('jit', 'off', true), set_config('work_mem', '64MB', true)`, orm);
  }

  /** One run per import (the unique index makes a repeated trigger return the same run). */
  async createRun(trigger: string, importRunId: number | null, settings: unknown): Promise<ReconciliationRunRow> {
    const inserted = await this.db.orm
      .insert(reconciliationRuns)
      .values({ trigger, importRunId, settings: settings as never })
      .onConflictDoNothing()
      .returning();
    if (inserted.length) return inserted[0];
    const [existing] = await this.db.orm.select().from(reconciliationRuns).where(eq(reconciliationRuns.importRunId, importRunId!));
    return existing;
  }

  /** The run an import started (one per import), if it has one yet. */
  async findRunOfImport(importRunId: number): Promise<ReconciliationRunRow | null> {
    const [row] = await this.db.orm.select().from(reconciliationRuns).where(eq(reconciliationRuns.importRunId, importRunId));
    return row ?? null;
  }

  async findRun(id: number): Promise<ReconciliationRunRow | null> {
    const [row] = await this.db.orm.select().from(reconciliationRuns).where(eq(reconciliationRuns.id, id));
    return row ?? null;
  }

  async listRuns(opts: { states?: ReconciliationState[]; first: number; after?: number }): Promise<ReconciliationRunRow[]> {
    return this.db.orm
      .select()
      .from(reconciliationRuns)
      .where(
        and(
          opts.states?.length ? inArray(reconciliationRuns.state, opts.states) : undefined,
          opts.after !== undefined ? lt(reconciliationRuns.id, opts.after) : undefined,
        ),
      )
      .orderBy(desc(reconciliationRuns.id))
      .limit(opts.first + 1);
  }

  async unfinishedRuns(): Promise<ReconciliationRunRow[]> {
    return this.db.orm
      .select()
      .from(reconciliationRuns)
      .where(inArray(reconciliationRuns.state, UNFINISHED_RECONCILIATION_STATES))
      .orderBy(reconciliationRuns.id);
  }

  async transition(
    id: number,
    from: ReconciliationState[],
    to: ReconciliationState,
    values: Partial<typeof reconciliationRuns.$inferInsert> = {},
    orm: Orm = this.db.orm,
  ): Promise<boolean> {
    const rows = await orm
      .update(reconciliationRuns)
      .set({ ...values, state: to, updatedAt: new Date() })
      .where(and(eq(reconciliationRuns.id, id), inArray(reconciliationRuns.state, from)))
      .returning({ id: reconciliationRuns.id });
    return rows.length > 0;
  }

  async addCounters(
    orm: Orm,
    runId: number,
    c: { processed: number; pairs: number; autoLinked: number; newPersons: number; reviews: number; merges: number; blocking: Record<string, number> },
  ) {
    await this.q(
      sql`update reconciliation_runs set records_processed = records_processed + ${c.processed}, pairs_compared = pairs_compared + ${c.pairs},
        auto_linked = auto_linked + ${c.autoLinked}, new_persons = new_persons + ${c.newPersons}, review_items = review_items + ${c.reviews},
        merges_proposed = merges_proposed + ${c.merges},
        blocking_stats = (select coalesce(jsonb_object_agg(k, coalesce((blocking_stats->>k)::bigint, 0) + coalesce((${JSON.stringify(c.blocking)}::jsonb->>k)::bigint, 0)), '{}'::jsonb)
          from (select jsonb_object_keys(coalesce(blocking_stats, '{}'::jsonb) || ${JSON.stringify(c.blocking)}::jsonb) as k) ks),
        updated_at = now() where id = ${runId}`,
      orm,
    );
  }

  /**
   * Fresh planner statistics for the tables a run reads and rewrites, where they are stale (never
   * analyzed, or changed by a fifth since: analyzeStaleSql). Before the batches, so that they are not
   * planned on statistics of before an import's million rows; after them, for the next import's
   * joins (autovacuum lags behind millions of updates). Tables that need nothing cost a look at
   * pg_stat_user_tables.
   */
  async analyzeStale(): Promise<void> {
    await this.q(analyzeStaleSql(RECONCILIATION_TABLES));
  }

  /** Blocking rules the last finished run indexed records with (null: no run has finished yet). */
  async lastFinishedRules(): Promise<string[] | null> {
    const [r] = await this.q<{ rules: string[] | null }>(
      sql`select settings->'rules' as rules from reconciliation_runs where state in ('done', 'failed') and settings ? 'rules' order by id desc limit 1`,
    );
    return r ? (r.rules ?? []) : null;
  }

  /** Linked records after `afterId`, in id order (backfilling the keys of a new blocking rule). */
  async linkedAfter(afterId: number, limit: number): Promise<EntityRow[]> {
    const rows = await this.q<RawEntity>(
      sql`select ${ENTITY_COLUMNS} from source_entities e where e.person_id is not null and e.id > ${afterId} order by e.id limit ${limit}`,
    );
    return rows.map(entityFromRow);
  }

  /** Replaces these records' keys under these rules (idempotent: a resumed backfill writes the same rows). */
  async replaceRuleKeys(
    orm: Orm,
    entityIds: readonly number[],
    rules: readonly number[],
    keys: readonly { entityId: number; rule: number; key: string }[],
  ): Promise<void> {
    if (!entityIds.length) return;
    await this.q(
      sql`delete from entity_blocking_keys where source_entity_id = any(${bigints(entityIds)}) and rule = any(${`{${rules.join(',')}}`}::smallint[])`,
      orm,
    );
    await this.replaceBlockingKeys(orm, [], keys);
  }

  /** Adds one engine process's phase timings (ms) to the run's. */
  async addTimings(runId: number, timings: Record<string, number>): Promise<void> {
    const t = JSON.stringify(Object.fromEntries(Object.entries(timings).map(([k, v]) => [k, Math.round(v)])));
    await this.q(
      sql`update reconciliation_runs set timings = (select coalesce(jsonb_object_agg(k, coalesce((timings->>k)::bigint, 0) + coalesce((${t}::jsonb->>k)::bigint, 0)), '{}'::jsonb)
          from (select jsonb_object_keys(coalesce(timings, '{}'::jsonb) || ${t}::jsonb) as k) ks)
        where id = ${runId}`,
    );
  }

  async countPending(): Promise<number> {
    const [r] = await this.q<{ n: number }>(sql`select count(*)::int as n from source_entities where match_pending`);
    return r.n;
  }

  /** The next records to match, in id order (the engine lock makes batches sequential). */
  async pendingBatch(orm: Orm, limit: number): Promise<EntityRow[]> {
    const rows = await this.q<RawEntity>(
      sql`select ${ENTITY_COLUMNS} from source_entities e where e.match_pending and e.status = 'active' order by e.id limit ${limit}`,
      orm,
    );
    return rows.map(entityFromRow);
  }

  /**
   * Read-ahead of the batch after `afterId` (outside the engine lock): the engine prepares it while
   * the current batch writes, then keeps only what is still pending with the same record version.
   */
  async pendingAfter(afterId: number, limit: number, orm: Orm = this.db.orm): Promise<EntityRow[]> {
    const rows = await this.q<RawEntity>(
      sql`select ${ENTITY_COLUMNS} from source_entities e where e.match_pending and e.status = 'active' and e.id > ${afterId} order by e.id limit ${limit}`,
      orm,
    );
    return rows.map(entityFromRow);
  }

  /** Of these records, those still pending, active and unlinked, with their record version. */
  async pendingState(orm: Orm, ids: readonly number[]): Promise<Map<number, number>> {
    if (!ids.length) return new Map();
    const rows = await this.q<{ id: string; r: string }>(
      sql`select id, current_record_id as r from source_entities where id = any(${bigints(ids)}) and match_pending and status = 'active' and person_id is null`,
      orm,
    );
    return new Map(rows.map((x) => [Number(x.id), Number(x.r)]));
  }

  /** Current person and record version of these records. */
  async linkState(orm: Orm, ids: readonly number[]): Promise<Map<number, { personId: number | null; recordId: number }>> {
    if (!ids.length) return new Map();
    const rows = await this.q<{ id: string; p: string | null; r: string }>(
      sql`select id, person_id as p, current_record_id as r from source_entities where id = any(${bigints(ids)})`,
      orm,
    );
    return new Map(rows.map((x) => [Number(x.id), { personId: x.p === null ? null : Number(x.p), recordId: Number(x.r) }]));
  }

  /**
   * A fingerprint of steward activity (decisions, merges and their undoing, pins and their
   * revocation): a batch planned outside the engine lock is written only if it has not changed.
   */
  async stewardEpoch(orm: Orm): Promise<string> {
    const [r] = await this.q<{ e: string }>(
      sql`select concat_ws(':',
          (select max(id) from review_decisions), (select max(id) from person_merges), (select count(*) from person_merges where undone_at is not null),
          (select max(id) from link_constraints), (select count(*) from link_constraints where revoked_at is not null)) as e`,
      orm,
    );
    return r.e;
  }

  /** Vanished records still flagged: their persons only need a rebuild. */
  async pendingVanished(orm: Orm, limit: number): Promise<{ id: number; personId: number | null }[]> {
    const rows = await this.q<{ id: string; person_id: string | null }>(
      sql`select id, person_id from source_entities where match_pending and status = 'vanished' order by id limit ${limit}`,
      orm,
    );
    return rows.map((r) => ({ id: Number(r.id), personId: r.person_id === null ? null : Number(r.person_id) }));
  }

  /**
   * Blocking-index look-up: the records sharing each key. Each key returns at most maxBlock + 1
   * records; keys that hit the cap are reported as oversized (a name and year shared by hundreds of
   * people says nothing) and their records are left out.
   */
  async blockHits(
    orm: Orm,
    keys: readonly { rule: number; key: string }[],
    maxBlock: number,
  ): Promise<{ hits: { rule: number; key: string; entityId: number }[]; oversized: string[] }> {
    if (!keys.length) return { hits: [], oversized: [] };
    const rows = await this.q<{ rule: number; key: string; id: string }>(
      sql`with wanted as (select distinct rule, key from unnest(${`{${keys.map((k) => k.rule).join(',')}}`}::smallint[], ${texts(keys.map((k) => k.key))}) as w(rule, key))
        select w.rule, w.key, c.source_entity_id as id
        from wanted w
        cross join lateral (select k.source_entity_id from entity_blocking_keys k where k.rule = w.rule and k.key = w.key limit ${maxBlock + 1}) c`,
      orm,
    );
    const perKey = new Map<string, number>();
    for (const r of rows) {
      const k = `${r.rule}:${r.key}`;
      perKey.set(k, (perKey.get(k) ?? 0) + 1);
    }
    const oversized: string[] = [];
    for (const [k, n] of perKey) if (n > maxBlock) oversized.push(k);
    const big = new Set(oversized);
    const hits: { rule: number; key: string; entityId: number }[] = [];
    for (const r of rows) if (!big.has(`${r.rule}:${r.key}`)) hits.push({ rule: r.rule, key: r.key, entityId: Number(r.id) });
    return { hits, oversized };
  }

  /**
   * The linked records sharing a key with the batch, each once with the keys it shares, in one
   * statement ({@link blockHits} + {@link linkedEntities} without sending every hit to the engine).
   * `exclude`: records not to return (the batch's own, or records the engine already holds).
   */
  async candidates(
    orm: Orm,
    keys: readonly { rule: number; key: string }[],
    maxBlock: number,
  ): Promise<{ rows: (EntityRow & { keys: { rule: number; key: string }[] })[]; oversized: string[] }> {
    if (!keys.length) return { rows: [], oversized: [] };
    const rows = await this.q<RawEntity & { rules: number[] | null; keys: string[] | null; oversized: string[] | null }>(
      sql`with wanted as (select distinct rule, key from unnest(${`{${keys.map((k) => k.rule).join(',')}}`}::smallint[], ${texts(keys.map((k) => k.key))}) as w(rule, key)),
        -- Each key's records as one array (its size says whether the block is oversized): no sort
        -- of every hit by key, as a window count needed.
        hits as materialized (select w.rule, w.key, c.ids
          from wanted w cross join lateral (select array_agg(k.source_entity_id) as ids
            from (select k.source_entity_id from entity_blocking_keys k where k.rule = w.rule and k.key = w.key limit ${maxBlock + 1}) k) c
          where c.ids is not null),
        found as (select u.id, array_agg(h.rule) as rules, array_agg(h.key) as keys
          from hits h cross join lateral unnest(h.ids) as u(id) where cardinality(h.ids) <= ${maxBlock} group by u.id)
        select ${ENTITY_COLUMNS}, f.rules, f.keys, null::text[] as oversized
        from found f join source_entities e on e.id = f.id where e.person_id is not null
        union all
        select null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null,
          array_agg(distinct h.rule || ':' || h.key) from hits h where cardinality(h.ids) > ${maxBlock} having count(*) > 0`,
      orm,
    );
    const out: (EntityRow & { keys: { rule: number; key: string }[] })[] = [];
    let oversized: string[] = [];
    for (const r of rows) {
      if (r.oversized) {
        oversized = r.oversized;
        continue;
      }
      const ks: { rule: number; key: string }[] = [];
      for (let i = 0; i < r.rules!.length; i++) ks.push({ rule: r.rules![i], key: r.keys![i] });
      ks.sort(byRuleAndKey);
      out.push({ ...entityFromRow(r), keys: ks });
    }
    // The order the matcher meets candidates in decides ties: one that does not depend on how the
    // statement happened to aggregate (record ids, then each record's keys by rule and key).
    out.sort((a, b) => a.id - b.id);
    return { rows: out, oversized };
  }

  /** Linked records by id (the candidates the blocking index named). */
  async linkedEntities(orm: Orm, ids: readonly number[]): Promise<EntityRow[]> {
    if (!ids.length) return [];
    const rows = await this.q<RawEntity>(
      sql`select ${ENTITY_COLUMNS} from source_entities e where e.id = any(${bigints(ids)}) and e.person_id is not null`,
      orm,
    );
    return rows.map(entityFromRow);
  }

  async entitiesOfPersons(orm: Orm, personIds: readonly number[]): Promise<EntityRow[]> {
    if (!personIds.length) return [];
    const rows = await this.q<RawEntity>(sql`select ${ENTITY_COLUMNS} from source_entities e where e.person_id = any(${bigints(personIds)})`, orm);
    return rows.map(entityFromRow);
  }

  /** Active steward pins touching the records, with the current person of the other record. */
  async pins(
    orm: Orm,
    entityIds: readonly number[],
  ): Promise<{ kind: 'must_link' | 'cannot_link'; entityId: number; otherEntityId: number; otherPersonId: number | null }[]> {
    if (!entityIds.length) return [];
    const rows = await this.q<{ kind: 'must_link' | 'cannot_link'; entity_id: string; other_id: string; other_person: string | null }>(
      sql`select lc.kind, x.entity_id, x.other_id, e.person_id as other_person
        from link_constraints lc
        cross join lateral (values (lc.entity_a_id, lc.entity_b_id), (lc.entity_b_id, lc.entity_a_id)) as x(entity_id, other_id)
        left join source_entities e on e.id = x.other_id
        where lc.revoked_at is null and x.entity_id = any(${bigints(entityIds)})`,
      orm,
    );
    return rows.map((r) => ({
      kind: r.kind,
      entityId: Number(r.entity_id),
      otherEntityId: Number(r.other_id),
      otherPersonId: r.other_person === null ? null : Number(r.other_person),
    }));
  }

  /**
   * Of these persons, the pairs a steward's *different persons* pin keeps apart (an active cannot-link
   * between a record of each). The ids join as a set (hash semi-join), not as `= any(array)` per pin.
   */
  async personsPinnedApart(orm: Orm, personIds: readonly number[]): Promise<[number, number][]> {
    if (!personIds.length) return [];
    const rows = await this.q<{ a: string; b: string }>(
      sql`with ids as (select distinct unnest(${bigints(personIds)}) as id)
        select distinct a.person_id as a, b.person_id as b
        from link_constraints lc join source_entities a on a.id = lc.entity_a_id join source_entities b on b.id = lc.entity_b_id
        where lc.kind = 'cannot_link' and lc.revoked_at is null and a.person_id <> b.person_id
          and a.person_id in (select id from ids) and b.person_id in (select id from ids)`,
      orm,
    );
    return rows.map((r) => [Number(r.a), Number(r.b)]);
  }

  async maxPersonId(orm: Orm = this.db.orm): Promise<number> {
    const [r] = await this.q<{ m: string | null }>(sql`select max(id) as m from persons`, orm);
    return Number(r.m ?? 0);
  }

  /** Ids for new persons, from the persons sequence (the rows are written with their golden values). */
  async reservePersonIds(orm: Orm, n: number): Promise<number[]> {
    if (n <= 0) return [];
    const rows = await this.q<{ id: string }>(sql`select nextval(pg_get_serial_sequence('persons', 'id')) as id from generate_series(1, ${n})`, orm);
    return rows.map((r) => Number(r.id)).sort((a, b) => a - b);
  }

  /** Links records to persons, records how, and clears their pending flag. */
  async writeLinks(orm: Orm, runId: number, links: readonly LinkWrite[]): Promise<void> {
    if (!links.length) return;
    await this.q(
      sql`update source_entities e set person_id = l.person_id, match_pending = false, updated_at = now()
        from unnest(${bigints(links.map((l) => l.entityId))}, ${bigints(links.map((l) => l.personId))}) as l(entity_id, person_id)
        where e.id = any(${bigints(links.map((l) => l.entityId))}) and e.id = l.entity_id`,
      orm,
    );
    // One JSON document for the whole batch: cheaper to send and parse than per-column arrays of
    // escaped JSON strings.
    const payload = JSON.stringify(
      links.map((l) => ({
        e: l.entityId,
        t: l.linkType,
        r: l.reasons,
        s: l.score,
        w: l.matchWeight,
        m: l.matchedEntityId,
        v: l.modelVersion,
        c: l.contributions ?? null,
      })),
    );
    await this.q(
      sql`insert into entity_links (source_entity_id, link_type, reasons, score, match_weight, matched_entity_id, model_version, contributions, reconciliation_run_id)
        select l.e, l.t::link_type, coalesce(array(select jsonb_array_elements_text(l.r)), '{}'::text[]), l.s, l.w, l.m, l.v, nullif(l.c, 'null'::jsonb), ${runId}
        from jsonb_to_recordset(${payload}::jsonb) as l(e bigint, t text, r jsonb, s real, w real, m bigint, v text, c jsonb)
        on conflict (source_entity_id) do update set link_type = excluded.link_type, reasons = excluded.reasons, score = excluded.score,
          match_weight = excluded.match_weight, matched_entity_id = excluded.matched_entity_id, model_version = excluded.model_version,
          contributions = excluded.contributions, reconciliation_run_id = excluded.reconciliation_run_id, updated_at = now()`,
      orm,
    );
  }

  /**
   * Copies a batch's links and blocking keys into a pair of unlogged tables of their own, outside
   * any transaction (text COPY in ~1 MiB writes: cheaper to build, send and parse than one JSON
   * document and escaped arrays), for {@link applyStagedLinks} and {@link applyStagedKeys} to apply
   * with one statement each inside the batch's transaction. The pair is new for every attempt, so
   * two processes advancing one run never read each other's rows; an attempt that fails or
   * crashes leaves its pair behind, for {@link dropRunStaging}.
   */
  async stageBatch(runId: number, links: readonly LinkWrite[], keys: readonly KeyWrite[]): Promise<StagedBatch> {
    const table = `juntos_staging.${stagePrefix(runId)}${randomBytes(6).toString('hex')}`;
    await this.q(
      sql.raw(`create unlogged table ${table}_links (entity_id int8 not null, person_id int8 not null, link_type text not null, reasons text[] not null,
        score real, match_weight real, matched_entity_id int8, model_version text, contributions jsonb)`),
    );
    await this.q(sql.raw(`create unlogged table ${table}_keys (rule int2 not null, key text not null, source_entity_id int8 not null)`));
    await this.db.copyFrom(
      `${table}_links`,
      STAGED_LINK_COLUMNS,
      copyLines(
        links,
        (l) =>
          `${l.entityId}\t${l.personId}\t${copyText(l.linkType)}\t${copyText(pgTextArray(l.reasons))}\t${copyNumber(l.score)}\t${copyNumber(l.matchWeight)}\t` +
          `${l.matchedEntityId ?? '\\N'}\t${copyText(l.modelVersion)}\t${l.contributions == null ? '\\N' : copyText(JSON.stringify(l.contributions))}\n`,
      ),
    );
    await this.db.copyFrom(
      `${table}_keys`,
      STAGED_KEY_COLUMNS,
      copyLines(keys, (k) => `${k.rule}\t${copyText(k.key)}\t${k.entityId}\n`),
    );
    return { table, links: links.length, keys: keys.length };
  }

  /**
   * {@link writeLinks} from a staged batch (inside the batch's transaction). `entityIds`: the staged
   * links' records, so source_entities is reached through its primary key, never scanned.
   */
  async applyStagedLinks(orm: Orm, runId: number, staged: StagedBatch, entityIds: readonly number[]): Promise<void> {
    if (!staged.links) return;
    const t = sql.raw(`${staged.table}_links`);
    const [updated] = await this.q<{ n: number }>(
      sql`with u as (update source_entities e set person_id = s.person_id, match_pending = false, updated_at = now()
        from ${t} s where e.id = any(${bigints(entityIds)}) and e.id = s.entity_id returning 1) select count(*)::int as n from u`,
      orm,
    );
    // A staged table read before its COPY was visible would silently link nothing: the batch fails instead.
    if (updated.n !== staged.links) throw new Error(`internal: ${updated.n} of ${staged.links} staged links found`);
    await this.q(
      sql`insert into entity_links (source_entity_id, link_type, reasons, score, match_weight, matched_entity_id, model_version, contributions, reconciliation_run_id)
        select s.entity_id, s.link_type::link_type, s.reasons, s.score, s.match_weight, s.matched_entity_id, s.model_version, s.contributions, ${runId}
        from ${t} s
        on conflict (source_entity_id) do update set link_type = excluded.link_type, reasons = excluded.reasons, score = excluded.score,
          match_weight = excluded.match_weight, matched_entity_id = excluded.matched_entity_id, model_version = excluded.model_version,
          contributions = excluded.contributions, reconciliation_run_id = excluded.reconciliation_run_id, updated_at = now()`,
      orm,
    );
  }

  /** {@link replaceBlockingKeys} from a staged batch (inside the batch's transaction), then drops the pair. */
  async applyStagedKeys(orm: Orm, staged: StagedBatch, staleFor: readonly number[]): Promise<void> {
    if (staleFor.length) await this.q(sql`delete from entity_blocking_keys where source_entity_id = any(${bigints(staleFor)})`, orm);
    if (staged.keys) {
      const [inserted] = await this.q<{ n: number }>(
        sql`with i as (insert into entity_blocking_keys (rule, key, source_entity_id)
          select rule, key, source_entity_id from ${sql.raw(`${staged.table}_keys`)} returning 1) select count(*)::int as n from i`,
        orm,
      );
      if (inserted.n !== staged.keys) throw new Error(`internal: ${inserted.n} of ${staged.keys} staged blocking keys found`);
    }
    await this.dropStaged(orm, staged);
  }

  /** Drops a staged pair (inside the transaction that applied it, or that planned the batch again). */
  async dropStaged(orm: Orm, staged: StagedBatch): Promise<void> {
    await this.q(sql.raw(`drop table if exists ${staged.table}_links, ${staged.table}_keys`), orm);
  }

  /** Drops what failed or crashed attempts of a run staged (its batches are all written, or it gave up). */
  async dropRunStaging(runId: number): Promise<void> {
    const rows = await this.q<{ t: string }>(
      sql`select format('%I.%I', n.nspname, c.relname) as t from pg_class c join pg_namespace n on n.oid = c.relnamespace
        where n.nspname = 'juntos_staging' and c.relkind = 'r' and starts_with(c.relname, ${stagePrefix(runId)})`,
    );
    for (const r of rows) await this.q(sql.raw(`drop table if exists ${r.t}`));
  }

  /** Records that keep their person but were re-examined in this run. */
  async touchLinks(orm: Orm, runId: number, entityIds: readonly number[]): Promise<void> {
    if (!entityIds.length) return;
    await this.q(sql`update source_entities set match_pending = false, updated_at = now() where id = any(${bigints(entityIds)})`, orm);
    await this.q(sql`update entity_links set reconciliation_run_id = ${runId}, updated_at = now() where source_entity_id = any(${bigints(entityIds)})`, orm);
  }

  async clearPending(orm: Orm, entityIds: readonly number[]): Promise<void> {
    if (!entityIds.length) return;
    await this.q(sql`update source_entities set match_pending = false where id = any(${bigints(entityIds)})`, orm);
  }

  /** Deletes the keys of `staleFor` (records whose values changed), then stores `keys`. */
  async replaceBlockingKeys(orm: Orm, staleFor: readonly number[], keys: readonly KeyWrite[]): Promise<void> {
    if (staleFor.length) await this.q(sql`delete from entity_blocking_keys where source_entity_id = any(${bigints(staleFor)})`, orm);
    if (!keys.length) return;
    await this.q(
      sql`insert into entity_blocking_keys (rule, key, source_entity_id)
        select * from unnest(${`{${keys.map((k) => k.rule).join(',')}}`}::smallint[], ${texts(keys.map((k) => k.key))}, ${bigints(keys.map((k) => k.entityId))})
        on conflict do nothing`,
      orm,
    );
  }

  /** Review items (one open item per reason, persons and record: repeats are ignored). Returns how many were new. */
  async insertReviewItems(orm: Orm, runId: number, items: readonly ReviewWrite[]): Promise<number> {
    if (!items.length) return 0;
    const ordered = items.map((it) => {
      const [a, b] = it.personB !== null && it.personB < it.personA ? [it.personB, it.personA] : [it.personA, it.personB];
      return { ...it, a, b };
    });
    const nums = (xs: readonly (number | null | undefined)[], type: 'bigint' | 'real') =>
      sql`${`{${xs.map((x) => (x === null || x === undefined ? 'NULL' : String(x))).join(',')}}`}::${sql.raw(type)}[]`;
    const rows = await this.q(
      sql`insert into review_items (reason, source_entity_id, person_a_id, person_b_id, candidate_entity_id, household_id, score, explanation,
          municipality_code, reconciliation_run_id, person_a_version, person_b_version)
        select i.reason::review_reason, i.entity_id, pa.id, pb.id, i.candidate_id, i.household_id, i.score, i.explanation::jsonb,
          coalesce(pa.municipality_code, pb.municipality_code), ${runId}, pa.version, pb.version
        from unnest(${texts(ordered.map((i) => i.reason))}, ${nums(
          ordered.map((i) => i.entityId),
          'bigint',
        )}, ${nums(
          ordered.map((i) => i.a),
          'bigint',
        )},
                    ${nums(
                      ordered.map((i) => i.b),
                      'bigint',
                    )}, ${nums(
                      ordered.map((i) => i.candidateEntityId),
                      'bigint',
                    )},
                    ${nums(
                      ordered.map((i) => i.householdId ?? null),
                      'bigint',
                    )}, ${nums(
                      ordered.map((i) => i.score),
                      'real',
                    )},
                    ${texts(ordered.map((i) => JSON.stringify(i.explanation ?? null)))}) with ordinality
          as i(reason, entity_id, a, b, candidate_id, household_id, score, explanation, ord)
        join persons pa on pa.id = i.a left join persons pb on pb.id = i.b
        order by i.ord
        on conflict do nothing returning id`,
      orm,
    );
    return rows.length;
  }

  async insertMergeProposals(
    orm: Orm,
    runId: number,
    proposals: readonly { personA: number; personB: number; entityId: number; score: number; explanation: unknown }[],
  ): Promise<void> {
    if (!proposals.length) return;
    await this.q(
      sql`insert into merge_proposals (reconciliation_run_id, person_a_id, person_b_id, source_entity_id, score, explanation)
        select ${runId}, p.a, p.b, p.entity_id, p.score, p.explanation::jsonb
        from unnest(${bigints(proposals.map((p) => p.personA))}, ${bigints(proposals.map((p) => p.personB))}, ${bigints(proposals.map((p) => p.entityId))},
                    ${`{${proposals.map((p) => p.score).join(',')}}`}::real[], ${texts(proposals.map((p) => JSON.stringify(p.explanation)))}) with ordinality
          as p(a, b, entity_id, score, explanation, ord)
        order by p.ord`,
      orm,
    );
  }

  async proposals(
    runId: number,
    status = 'proposed',
  ): Promise<{ id: number; personA: number; personB: number; entityId: number; score: number | null; explanation: unknown }[]> {
    const rows = await this.q<{ id: string; person_a_id: string; person_b_id: string; source_entity_id: string; score: number | null; explanation: unknown }>(
      sql`select id, person_a_id, person_b_id, source_entity_id, score, explanation from merge_proposals where reconciliation_run_id = ${runId} and status = ${status} order by id`,
    );
    return rows.map((r) => ({
      id: Number(r.id),
      personA: Number(r.person_a_id),
      personB: Number(r.person_b_id),
      entityId: Number(r.source_entity_id),
      score: r.score,
      explanation: r.explanation,
    }));
  }

  async setProposalStatus(orm: Orm, ids: readonly number[], status: string): Promise<void> {
    if (ids.length) await this.q(sql`update merge_proposals set status = ${status} where id = any(${bigints(ids)})`, orm);
  }

  /** Persons of records re-examined in this run that now hold current memberships in two households. */
  async householdConflicts(runId: number): Promise<{ personId: number; householdId: number; households: number[] }[]> {
    const rows = await this.q<{ person_id: string; households: string[] }>(
      sql`select m.person_id, array_agg(distinct m.household_id order by m.household_id) as households
        from household_memberships m
        where m.valid_to is null and m.person_id in (
          select e.person_id from entity_links l join source_entities e on e.id = l.source_entity_id where l.reconciliation_run_id = ${runId})
        group by m.person_id having count(distinct m.household_id) > 1`,
    );
    return rows.map((r) => ({
      personId: Number(r.person_id),
      households: r.households.map(Number),
      householdId: Number(r.households[r.households.length - 1]),
    }));
  }

  /**
   * A random sample of this run's automatic links, for stewards to audit (measured precision): a hash
   * of the records' stable keys salted with the run, not of their ids (see STABLE_ORDER).
   */
  async autoLinkSample(runId: number, n: number): Promise<{ entityId: number; personId: number; matchedEntityId: number; score: number | null }[]> {
    if (n <= 0) return [];
    const rows = await this.q<{ entity_id: string; person_id: string; matched: string; score: number | null }>(
      sql`select l.source_entity_id as entity_id, e.person_id, l.matched_entity_id as matched, l.score
        from entity_links l join source_entities e on e.id = l.source_entity_id
        where l.reconciliation_run_id = ${runId} and l.link_type in ('deterministic', 'phonetic', 'probabilistic') and l.matched_entity_id is not null
        order by md5(e.source::text || ':' || e.source_key || ':' || ${String(runId)}), e.source, e.source_key limit ${n}`,
    );
    return rows.map((r) => ({ entityId: Number(r.entity_id), personId: Number(r.person_id), matchedEntityId: Number(r.matched), score: r.score }));
  }

  /** Stewards' verdicts on the audit sample of a run: precision = confirmed / (confirmed + rejected). */
  async auditVerdicts(runId: number): Promise<{ confirmed: number; rejected: number }> {
    const [r] = await this.q<{ confirmed: number; rejected: number }>(
      sql`select count(*) filter (where d.decision = 'SAME_PERSON')::int as confirmed, count(*) filter (where d.decision = 'DIFFERENT_PERSONS')::int as rejected
        from review_items i join review_decisions d on d.review_item_id = i.id
        where i.reconciliation_run_id = ${runId} and i.reason = 'AUTO_LINK_AUDIT'`,
    );
    return r;
  }

  /**
   * A deterministic pseudo-random sample of the records a run is about to match (training). The
   * order is a hash of the record's stable key (source and source key), never of its id: ids depend
   * on attempt history (an import retried after a crash takes a new id block), the key only on the
   * data, so the sample — and the model, and the review queue — is the same after any retry.
   */
  async samplePending(limit: number): Promise<EntityRow[]> {
    const rows = await this.q<RawEntity>(
      sql`select ${ENTITY_COLUMNS} from source_entities e where e.match_pending and e.status = 'active' order by ${STABLE_ORDER} limit ${limit}`,
    );
    return rows.map(entityFromRow);
  }

  /** A pseudo-random sample of linked records (u probabilities, term frequencies), in the same stable order. */
  async sampleLinked(limit: number): Promise<EntityRow[]> {
    const rows = await this.q<RawEntity>(
      sql`select ${ENTITY_COLUMNS} from source_entities e where e.person_id is not null and e.status = 'active' order by ${STABLE_ORDER} limit ${limit}`,
    );
    return rows.map(entityFromRow);
  }

  /** Active records, and how many of them are linked. */
  async recordCounts(): Promise<{ active: number; linked: number }> {
    const [r] = await this.q<{ active: string; linked: string }>(
      sql`select count(*) as active, count(*) filter (where person_id is not null) as linked from source_entities where status = 'active'`,
    );
    return { active: Number(r.active), linked: Number(r.linked) };
  }
}
