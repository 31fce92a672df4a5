import { inArray, sql, type SQL } from 'drizzle-orm';
import { reconciliationRuns, type ReviewReason, type ReviewStatus } from '../../schema';
import { ENTITY_COLUMNS, entityFromRow, type EntityRow, type RawEntity, type ReconciliationRunRow } from '../reconciliation';
import type { Database, Orm } from '../platform/db';
import type { TerritoryScope } from '../kernel';

export type { ReviewReason, ReviewStatus };
export type ReviewDecisionKind = 'SAME_PERSON' | 'DIFFERENT_PERSONS' | 'DEFER';

export interface ReviewItemRow {
  id: number;
  reason: ReviewReason;
  status: ReviewStatus;
  sourceEntityId: number | null;
  personAId: number;
  personBId: number | null;
  candidateEntityId: number | null;
  householdId: number | null;
  score: number | null;
  explanation: unknown;
  municipalityCode: string | null;
  reconciliationRunId: number | null;
  claimedBy: string | null;
  claimExpiresAt: Date | null;
  personAVersion: number;
  personBVersion: number | null;
  version: number;
  decidedAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
}

export interface ReviewDecisionRow {
  id: number;
  reviewItemId: number;
  decision: ReviewDecisionKind;
  reason: string;
  actor: string;
  mergeId: number | null;
  createdAt: Date;
}

/** A linked record's identity block (what reconciliation compares) and where it sits. */
export interface EntityIdentityRow extends Omit<EntityRow, 'recordId'> {
  currentRecordId: number;
}

/** How a record joined its person (entity_links), with the records as their current versions. */
export interface EntityLinkRow {
  entityId: number;
  personId: number;
  recordId: number;
  linkType: 'new_person' | 'deterministic' | 'phonetic' | 'probabilistic' | 'steward';
  reasons: string[];
  score: number | null;
  matchWeight: number | null;
  matchedEntityId: number | null;
  matchedRecordId: number | null;
  modelVersion: string | null;
  contributions: unknown;
  reconciliationRunId: number | null;
  updatedAt: Date;
}

/** A single record moved from one person to another (a relink), kept so a steward can undo it. */
export interface MoveRow {
  id: number;
  entityId: number;
  fromPersonId: number;
  toPersonId: number;
  fromPublicId: string;
  toPublicId: string;
  kind: 'automatic' | 'steward';
  /** The relink rule that accepted it (relink.deterministic_evidence); null for a steward's move. */
  rule: string | null;
  reconciliationRunId: number | null;
  createdAt: Date;
  undoneAt: Date | null;
  undoneBy: string | null;
  undoReason: string | null;
}

export interface MergeRow {
  id: number;
  survivorId: number;
  mergedId: number;
  mergedPublicId: string;
  survivorPublicId: string;
  kind: 'automatic' | 'steward';
  movedEntityIds: number[];
  reconciliationRunId: number | null;
  decisionId: number | null;
  actor: string;
  reason: string;
  createdAt: Date;
  undoneAt: Date | null;
  undoneBy: string | null;
  undoReason: string | null;
}

export interface ReviewFilter {
  statuses: readonly ReviewStatus[];
  reasons?: readonly ReviewReason[];
  municipality?: string;
  /** Score band (inclusive); items without a score are outside any band. */
  minScore?: number;
  maxScore?: number;
  /** true: only items with a score; false: only items without one (reason-code items). */
  hasScore?: boolean;
  /** Raised before this instant (the queue's age filter). */
  raisedBefore?: Date;
}

export interface ReviewCounts {
  byReason: { reason: ReviewReason; count: number }[];
  byStatus: { status: ReviewStatus; count: number }[];
}

// A hand-written query's row: every column is converted explicitly by the mapper below.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Raw = Record<string, any>;
const num = (v: unknown) => (v === null || v === undefined ? null : Number(v));
const ids = (xs: readonly number[]) => sql`${`{${xs.join(',')}}`}::bigint[]`;
const texts = (xs: readonly string[]) => sql`${`{${xs.map((x) => `"${x.replace(/["\\]/g, '')}"`).join(',')}}`}::text[]`;

const toItem = (r: Raw): ReviewItemRow => ({
  id: Number(r.id),
  reason: r.reason,
  status: r.status,
  sourceEntityId: num(r.source_entity_id),
  personAId: Number(r.person_a_id),
  personBId: num(r.person_b_id),
  candidateEntityId: num(r.candidate_entity_id),
  householdId: num(r.household_id),
  score: r.score === null ? null : Number(r.score),
  explanation: r.explanation,
  municipalityCode: r.municipality_code,
  reconciliationRunId: num(r.reconciliation_run_id),
  claimedBy: r.claimed_by,
  claimExpiresAt: r.claim_expires_at ? new Date(r.claim_expires_at) : null,
  personAVersion: Number(r.person_a_version),
  personBVersion: num(r.person_b_version),
  version: Number(r.version),
  decidedAt: r.decided_at ? new Date(r.decided_at) : null,
  createdAt: new Date(r.created_at),
  updatedAt: new Date(r.updated_at),
});

const toDecision = (r: Raw): ReviewDecisionRow => ({
  id: Number(r.id),
  reviewItemId: Number(r.review_item_id),
  decision: r.decision,
  reason: r.reason,
  actor: r.actor,
  mergeId: num(r.merge_id),
  createdAt: new Date(r.created_at),
});

const toEntity = (r: RawEntity): EntityIdentityRow => {
  const { recordId, ...entity } = entityFromRow(r);
  return { ...entity, currentRecordId: recordId };
};

const toMerge = (r: Raw): MergeRow => ({
  id: Number(r.id),
  survivorId: Number(r.survivor_id),
  mergedId: Number(r.merged_id),
  mergedPublicId: r.merged_public_id,
  survivorPublicId: r.survivor_public_id,
  kind: r.kind,
  movedEntityIds: (r.moved_entity_ids ?? []).map(Number),
  reconciliationRunId: num(r.reconciliation_run_id),
  decisionId: num(r.decision_id),
  actor: r.actor,
  reason: r.reason,
  createdAt: new Date(r.created_at),
  undoneAt: r.undone_at ? new Date(r.undone_at) : null,
  undoneBy: r.undone_by,
  undoReason: r.undo_reason,
});

const toMove = (r: Raw): MoveRow => ({
  id: Number(r.id),
  entityId: Number(r.source_entity_id),
  fromPersonId: Number(r.from_person_id),
  toPersonId: Number(r.to_person_id),
  fromPublicId: r.from_public_id,
  toPublicId: r.to_public_id,
  kind: r.kind,
  rule: r.rule ?? null,
  reconciliationRunId: num(r.reconciliation_run_id),
  createdAt: new Date(r.created_at),
  undoneAt: r.undone_at ? new Date(r.undone_at) : null,
  undoneBy: r.undone_by,
  undoReason: r.undo_reason,
});

/** A person row (alias) inside the caller's territory; `true` without a scope. */
function personInScope(alias: string, scope: TerritoryScope | null | undefined): SQL {
  if (!scope) return sql`true`;
  const a = sql.raw(alias);
  const parts: SQL[] = [];
  if (scope.departments.length) parts.push(sql`${a}.department_code = any(${texts(scope.departments)})`);
  if (scope.municipalities.length) parts.push(sql`${a}.municipality_code = any(${texts(scope.municipalities)})`);
  return parts.length ? sql`(${sql.join(parts, sql` or `)})` : sql`false`;
}

/**
 * The review queue, steward decisions and pins, and the read side of how persons were formed
 * (links, merges). Items are visible to a scoped caller only when every person they concern is in
 * the caller's territory (a steward never decides about someone outside it).
 */
export class ReviewRepository {
  constructor(private readonly db: Database) {}

  private q<T = Raw>(s: SQL, orm: Orm = this.db.orm) {
    return this.db.rows<T>(s, orm);
  }

  transaction<T>(fn: (tx: Orm) => Promise<T>): Promise<T> {
    return this.db.orm.transaction(fn);
  }

  private visible(scope: TerritoryScope | null | undefined): SQL {
    if (!scope) return sql`true`;
    return sql`exists (select 1 from persons pa where pa.id = i.person_a_id and ${personInScope('pa', scope)})
      and (i.person_b_id is null or exists (select 1 from persons pb where pb.id = i.person_b_id and ${personInScope('pb', scope)}))`;
  }

  private filterConditions(filter: ReviewFilter, scope: TerritoryScope | null): SQL[] {
    const conds: SQL[] = [sql`i.status = any(${texts(filter.statuses)}::review_status[])`];
    if (filter.reasons?.length) conds.push(sql`i.reason = any(${texts(filter.reasons)}::review_reason[])`);
    if (filter.municipality) conds.push(sql`i.municipality_code = ${filter.municipality}`);
    if (filter.minScore !== undefined) conds.push(sql`i.score >= ${filter.minScore}`);
    if (filter.maxScore !== undefined) conds.push(sql`i.score <= ${filter.maxScore}`);
    if (filter.hasScore !== undefined) conds.push(filter.hasScore ? sql`i.score is not null` : sql`i.score is null`);
    if (filter.raisedBefore) conds.push(sql`i.created_at < ${filter.raisedBefore.toISOString()}::timestamptz`);
    conds.push(this.visible(scope));
    return conds;
  }

  /** A page of the queue, oldest first (keyset on id). Fetches first + 1 rows. */
  async list(filter: ReviewFilter, page: { first: number; after?: number }, scope: TerritoryScope | null): Promise<ReviewItemRow[]> {
    const conds = this.filterConditions(filter, scope);
    if (page.after !== undefined) conds.push(sql`i.id > ${page.after}`);
    const rows = await this.q(sql`select i.* from review_items i where ${sql.join(conds, sql` and `)} order by i.id limit ${page.first + 1}`);
    return rows.map(toItem);
  }

  /** How many items the filter matches, whatever the page. */
  async count(filter: ReviewFilter, scope: TerritoryScope | null): Promise<number> {
    const [r] = await this.q<{ n: number }>(
      sql`select count(*)::int as n from review_items i where ${sql.join(this.filterConditions(filter, scope), sql` and `)}`,
    );
    return r.n;
  }

  /** The filter's items counted by reason and by status, in one statement (the queue's tabs). */
  async counts(filter: ReviewFilter, scope: TerritoryScope | null): Promise<ReviewCounts> {
    const rows = await this.q(
      sql`select i.reason::text as reason, i.status::text as status, count(*)::int as n from review_items i
        where ${sql.join(this.filterConditions(filter, scope), sql` and `)} group by grouping sets ((i.reason), (i.status))`,
    );
    return {
      byReason: rows
        .filter((r) => r.reason !== null)
        .map((r) => ({ reason: r.reason, count: r.n }))
        .sort((a, b) => b.count - a.count || a.reason.localeCompare(b.reason)),
      byStatus: rows
        .filter((r) => r.status !== null)
        .map((r) => ({ status: r.status, count: r.n }))
        .sort((a, b) => a.status.localeCompare(b.status)),
    };
  }

  async findByIds(itemIds: readonly number[], scope: TerritoryScope | null): Promise<ReviewItemRow[]> {
    if (!itemIds.length) return [];
    const rows = await this.q(sql`select i.* from review_items i where i.id = any(${ids(itemIds)}) and ${this.visible(scope)}`);
    return rows.map(toItem);
  }

  /** Items about the persons (either side), newest first; scoped like the queue. */
  async byPersonIds(personIds: readonly number[], scope: TerritoryScope | null): Promise<ReviewItemRow[]> {
    if (!personIds.length) return [];
    const rows = await this.q(
      sql`select i.* from review_items i where (i.person_a_id = any(${ids(personIds)}) or i.person_b_id = any(${ids(personIds)})) and ${this.visible(scope)}
        order by i.id desc`,
    );
    return rows.map(toItem);
  }

  async lockItem(tx: Orm, id: number): Promise<ReviewItemRow | null> {
    const [row] = await this.q(sql`select * from review_items where id = ${id} for update`, tx);
    return row ? toItem(row) : null;
  }

  /** Claims (or re-claims) an item and snapshots the persons' versions the steward is looking at. */
  async setClaim(tx: Orm, id: number, c: { actor: string; until: Date; personAVersion: number; personBVersion: number | null }): Promise<ReviewItemRow> {
    const [row] = await this.q(
      sql`update review_items set claimed_by = ${c.actor}, claim_expires_at = ${c.until.toISOString()}::timestamptz, person_a_version = ${c.personAVersion},
        person_b_version = ${c.personBVersion}, version = version + 1, updated_at = now() where id = ${id} returning *`,
      tx,
    );
    return toItem(row);
  }

  async releaseClaim(tx: Orm, id: number): Promise<ReviewItemRow> {
    const [row] = await this.q(
      sql`update review_items set claimed_by = null, claim_expires_at = null, version = version + 1, updated_at = now() where id = ${id} returning *`,
      tx,
    );
    return toItem(row);
  }

  /** Moves an item to a new status, releasing any claim. */
  async setStatus(tx: Orm, id: number, status: ReviewStatus): Promise<ReviewItemRow> {
    const [row] = await this.q(
      sql`update review_items set status = ${status}::review_status, claimed_by = null, claim_expires_at = null, version = version + 1,
        decided_at = case when ${status} = 'decided' then now() else decided_at end, updated_at = now() where id = ${id} returning *`,
      tx,
    );
    return toItem(row);
  }

  /** A decision changes what the engine may do with its persons: bump their versions (optimistic concurrency). */
  async touchPersons(tx: Orm, personIds: readonly number[]): Promise<void> {
    if (personIds.length) await this.q(sql`update persons set version = version + 1, updated_at = now() where id = any(${ids(personIds)})`, tx);
  }

  async insertDecision(tx: Orm, d: { itemId: number; decision: ReviewDecisionKind; reason: string; actor: string }): Promise<number> {
    const [row] = await this.q<{ id: string }>(
      sql`insert into review_decisions (review_item_id, decision, reason, actor) values (${d.itemId}, ${d.decision}::review_decision, ${d.reason}, ${d.actor}) returning id`,
      tx,
    );
    return Number(row.id);
  }

  async setDecisionMerge(tx: Orm, decisionId: number, mergeId: number): Promise<void> {
    await this.q(sql`update review_decisions set merge_id = ${mergeId} where id = ${decisionId}`, tx);
  }

  async decisionsByItemIds(itemIds: readonly number[]): Promise<ReviewDecisionRow[]> {
    if (!itemIds.length) return [];
    const rows = await this.q(sql`select * from review_decisions where review_item_id = any(${ids(itemIds)}) order by review_item_id, id`);
    return rows.map(toDecision);
  }

  async latestDecision(tx: Orm, itemId: number): Promise<ReviewDecisionRow | null> {
    const [row] = await this.q(sql`select * from review_decisions where review_item_id = ${itemId} order by id desc limit 1`, tx);
    return row ? toDecision(row) : null;
  }

  async personVersions(tx: Orm, personIds: readonly number[]): Promise<Map<number, { status: string; version: number }>> {
    const rows = await this.q(sql`select id, status, version from persons where id = any(${ids(personIds)})`, tx);
    return new Map(rows.map((r) => [Number(r.id), { status: r.status, version: Number(r.version) }]));
  }

  async entities(entityIds: readonly number[], orm: Orm = this.db.orm): Promise<EntityIdentityRow[]> {
    if (!entityIds.length) return [];
    const rows = await this.q<RawEntity>(sql`select ${ENTITY_COLUMNS} from source_entities e where e.id = any(${ids(entityIds)}) order by e.id`, orm);
    return rows.map(toEntity);
  }

  async entitiesOfPersons(personIds: readonly number[], orm: Orm = this.db.orm): Promise<EntityIdentityRow[]> {
    if (!personIds.length) return [];
    const rows = await this.q<RawEntity>(
      sql`select ${ENTITY_COLUMNS} from source_entities e where e.person_id = any(${ids(personIds)}) order by e.person_id, e.id`,
      orm,
    );
    return rows.map(toEntity);
  }

  /** Records of a person holding a current membership in a household. */
  async entitiesInHousehold(tx: Orm, personId: number, householdId: number): Promise<number[]> {
    const rows = await this.q(
      sql`select distinct m.source_entity_id as id from household_memberships m join source_entities e on e.id = m.source_entity_id
        where m.household_id = ${householdId} and m.valid_to is null and e.person_id = ${personId} order by 1`,
      tx,
    );
    return rows.map((r) => Number(r.id));
  }

  /** Pins record pairs (stored ordered); an identical active pin is kept. Returns how many were new. */
  async pin(
    tx: Orm,
    kind: 'must_link' | 'cannot_link',
    pairs: readonly (readonly [number, number])[],
    p: { decisionId: number | null; actor: string; reason: string },
  ): Promise<number> {
    const ordered = pairs.filter(([a, b]) => a !== b).map(([a, b]) => (a < b ? [a, b] : [b, a]));
    if (!ordered.length) return 0;
    const rows = await this.q(
      sql`insert into link_constraints (kind, entity_a_id, entity_b_id, decision_id, actor, reason)
        select ${kind}::link_constraint_kind, a, b, ${p.decisionId}, ${p.actor}, ${p.reason}
        from unnest(${ids(ordered.map((x) => x[0]))}, ${ids(ordered.map((x) => x[1]))}) as x(a, b)
        on conflict do nothing returning id`,
      tx,
    );
    return rows.length;
  }

  /** Revokes active pins of a kind between any record of one person and any record of the other. */
  async revokePinsBetween(tx: Orm, kind: 'must_link' | 'cannot_link', personA: number, personB: number): Promise<number> {
    const rows = await this.q(
      sql`update link_constraints lc set revoked_at = now()
        from source_entities a, source_entities b
        where lc.kind = ${kind}::link_constraint_kind and lc.revoked_at is null and a.id = lc.entity_a_id and b.id = lc.entity_b_id
          and ((a.person_id = ${personA} and b.person_id = ${personB}) or (a.person_id = ${personB} and b.person_id = ${personA}))
        returning lc.id`,
      tx,
    );
    return rows.length;
  }

  async activePins(
    entityIds: readonly number[],
  ): Promise<{ id: number; kind: 'must_link' | 'cannot_link'; entityAId: number; entityBId: number; decisionId: number | null }[]> {
    if (!entityIds.length) return [];
    const rows = await this.q(
      sql`select id, kind, entity_a_id, entity_b_id, decision_id from link_constraints
        where revoked_at is null and (entity_a_id = any(${ids(entityIds)}) or entity_b_id = any(${ids(entityIds)})) order by id`,
    );
    return rows.map((r) => ({
      id: Number(r.id),
      kind: r.kind,
      entityAId: Number(r.entity_a_id),
      entityBId: Number(r.entity_b_id),
      decisionId: num(r.decision_id),
    }));
  }

  // --- how persons were formed ----------------------------------------------------------------

  async linksByPersonIds(personIds: readonly number[]): Promise<EntityLinkRow[]> {
    if (!personIds.length) return [];
    const rows = await this.q(
      sql`select e.id as entity_id, e.person_id, e.current_record_id, l.link_type, l.reasons, l.score, l.match_weight, l.matched_entity_id,
          m.current_record_id as matched_record_id, l.model_version, l.contributions, l.reconciliation_run_id, l.updated_at
        from source_entities e
        join entity_links l on l.source_entity_id = e.id
        left join source_entities m on m.id = l.matched_entity_id
        where e.person_id = any(${ids(personIds)}) order by e.person_id, e.id`,
    );
    return rows.map((r) => ({
      entityId: Number(r.entity_id),
      personId: Number(r.person_id),
      recordId: Number(r.current_record_id),
      linkType: r.link_type,
      reasons: r.reasons ?? [],
      score: r.score === null ? null : Number(r.score),
      matchWeight: r.match_weight === null ? null : Number(r.match_weight),
      matchedEntityId: num(r.matched_entity_id),
      matchedRecordId: num(r.matched_record_id),
      modelVersion: r.model_version,
      contributions: r.contributions,
      reconciliationRunId: num(r.reconciliation_run_id),
      updatedAt: new Date(r.updated_at),
    }));
  }

  private mergeSelect(where: SQL, orm: Orm = this.db.orm) {
    return this.q(
      sql`select m.*, pm.public_id::text as merged_public_id, ps.public_id::text as survivor_public_id
        from person_merges m join persons pm on pm.id = m.merged_id join persons ps on ps.id = m.survivor_id
        where ${where} order by m.id desc`,
      orm,
    ).then((rows) => rows.map(toMerge));
  }

  /** Merges into these persons (undone ones included: the history). */
  mergesBySurvivorIds(personIds: readonly number[]): Promise<MergeRow[]> {
    if (!personIds.length) return Promise.resolve([]);
    return this.mergeSelect(sql`m.survivor_id = any(${ids(personIds)})`);
  }

  // The rule lives on the relink proposal the run applied (record_moves keeps only the kind).
  private moveSelect(where: SQL, orm: Orm = this.db.orm) {
    return this.q(
      sql`select m.*, pf.public_id::text as from_public_id, pt.public_id::text as to_public_id,
          (select rp.rule from relink_proposals rp where rp.reconciliation_run_id = m.reconciliation_run_id
             and rp.source_entity_id = m.source_entity_id and rp.status = 'applied' order by rp.id desc limit 1) as rule
        from record_moves m join persons pf on pf.id = m.from_person_id join persons pt on pt.id = m.to_person_id
        where ${where} order by m.id desc`,
      orm,
    ).then((rows) => rows.map(toMove));
  }

  /** Moves into or out of these persons (undone ones included: the history). */
  movesByPersonIds(personIds: readonly number[]): Promise<MoveRow[]> {
    if (!personIds.length) return Promise.resolve([]);
    return this.moveSelect(sql`(m.from_person_id = any(${ids(personIds)}) or m.to_person_id = any(${ids(personIds)}))`);
  }

  async findMove(tx: Orm, moveId: number): Promise<MoveRow | null> {
    return (await this.moveSelect(sql`m.id = ${moveId}`, tx))[0] ?? null;
  }

  async findMerge(tx: Orm, mergeId: number): Promise<MergeRow | null> {
    return (await this.mergeSelect(sql`m.id = ${mergeId}`, tx))[0] ?? null;
  }

  /** The merge that currently keeps a person merged away (by its public id, which never changes). */
  async activeMergeOfPublicId(tx: Orm, publicId: string): Promise<MergeRow | null> {
    return (
      (
        await this.mergeSelect(sql`pm.public_id = ${publicId}::uuid and m.undone_at is null and pm.status = 'merged' and pm.merged_into_id = m.survivor_id`, tx)
      )[0] ?? null
    );
  }

  /** Public ids of persons currently redirected to these persons. */
  async mergedIdsByPersonIds(personIds: readonly number[]): Promise<{ personId: number; publicId: string }[]> {
    if (!personIds.length) return [];
    const rows = await this.q(sql`select merged_into_id, public_id::text as public_id from persons where merged_into_id = any(${ids(personIds)}) order by id`);
    return rows.map((r) => ({ personId: Number(r.merged_into_id), publicId: r.public_id }));
  }

  /** Whether the persons are inside the scope (every one of them). */
  async personsInScope(personIds: readonly number[], scope: TerritoryScope | null, orm: Orm = this.db.orm): Promise<boolean> {
    if (!scope || !personIds.length) return true;
    const [r] = await this.q<{ n: number }>(
      sql`select count(*)::int as n from persons p where p.id = any(${ids(personIds)}) and ${personInScope('p', scope)}`,
      orm,
    );
    return r.n === new Set(personIds).size;
  }

  // --- measured precision -----------------------------------------------------------------------

  /**
   * Per run: AUTO_LINK_AUDIT items sampled, and stewards' latest verdicts on them (the same count
   * as ReconciliationRepository.auditVerdicts, batched for lists of runs).
   */
  async auditSamples(runIds: readonly number[]): Promise<{ runId: number; sampled: number; confirmed: number; rejected: number }[]> {
    if (!runIds.length) return [];
    const rows = await this.q(
      sql`select i.reconciliation_run_id as run_id, count(*)::int as sampled,
          count(*) filter (where d.decision = 'SAME_PERSON')::int as confirmed,
          count(*) filter (where d.decision = 'DIFFERENT_PERSONS')::int as rejected
        from review_items i
        left join lateral (select decision from review_decisions x where x.review_item_id = i.id and x.decision <> 'DEFER' order by x.id desc limit 1) d on true
        where i.reason = 'AUTO_LINK_AUDIT' and i.reconciliation_run_id = any(${ids(runIds)})
        group by i.reconciliation_run_id`,
    );
    return rows.map((r) => ({ runId: Number(r.run_id), sampled: r.sampled, confirmed: r.confirmed, rejected: r.rejected }));
  }

  async runsByIds(runIds: readonly number[]): Promise<ReconciliationRunRow[]> {
    if (!runIds.length) return [];
    return this.db.orm
      .select()
      .from(reconciliationRuns)
      .where(inArray(reconciliationRuns.id, [...runIds]));
  }

  async countActivePersons(): Promise<number> {
    const [r] = await this.q<{ n: number }>(sql`select count(*)::int as n from persons where status = 'active'`);
    return r.n;
  }
}
