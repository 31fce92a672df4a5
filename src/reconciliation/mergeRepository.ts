import { sql, type SQL } from 'drizzle-orm';
import type { Database, Orm } from '../platform/db';
import { GoldenRecordRepository, type Survivorship } from './goldenRecordRepository';

export interface AuditEntry {
  actor: string;
  actorRole?: string | null;
  action: string;
  subjectType: string;
  subjectId?: string | null;
  personId?: number | null;
  reason?: string | null;
  requestId?: string | null;
  before?: unknown;
  after?: unknown;
}

export class MergeConflictError extends Error {
  constructor(
    readonly code: 'PERSON_NOT_ACTIVE' | 'MERGE_NOT_FOUND' | 'ALREADY_UNDONE' | 'SUPERSEDED' | 'PINNED_APART',
    message: string,
    /** For SUPERSEDED: the later merge to undo first. */
    readonly laterMergeId: number | null = null,
  ) {
    super(message);
  }
}

/** Who acts, for the audit rows a merge, unmerge or detach writes in its own transaction. */
export interface Actor {
  actor: string;
  actorRole?: string | null;
  requestId?: string | null;
}

const FACT_TABLES = ['affiliations', 'sisben_classifications', 'victim_registrations', 'household_memberships'] as const;
const idArray = (ids: readonly number[]) => sql`${`{${ids.join(',')}}`}::bigint[]`;

/**
 * Merges and unmerges persons. Nothing is deleted: the merged person stays as a redirect to its
 * survivor, and the merge row remembers exactly which records and redirects moved, so `unmerge`
 * puts them back and both golden records are rebuilt from their links.
 */
export class MergeRepository {
  private readonly golden: GoldenRecordRepository;

  constructor(private readonly db: Database) {
    this.golden = new GoldenRecordRepository(db);
  }

  private q<T = Record<string, unknown>>(orm: Orm, s: SQL) {
    return this.db.rows<T>(s, orm);
  }

  async audit(orm: Orm, e: AuditEntry): Promise<void> {
    await this.q(
      orm,
      sql`insert into audit_events (actor, actor_role, action, subject_type, subject_id, person_id, reason, request_id, before, after)
        values (${e.actor}, ${e.actorRole ?? null}, ${e.action}, ${e.subjectType}, ${e.subjectId ?? null}, ${e.personId ?? null},
          ${e.reason ?? null}, ${e.requestId ?? null}, ${e.before === undefined ? null : JSON.stringify(e.before)}::jsonb,
          ${e.after === undefined ? null : JSON.stringify(e.after)}::jsonb)`,
    );
  }

  /** Locks persons in id order (no deadlocks between concurrent decisions) and returns their state. */
  async lockPersons(orm: Orm, ids: readonly number[]): Promise<Map<number, { id: number; status: string; version: number; mergedIntoId: number | null }>> {
    const rows = await this.q<{ id: string; status: string; version: number; merged_into_id: string | null }>(
      orm,
      sql`select id, status, version, merged_into_id from persons where id = any(${idArray(ids)}) order by id for update`,
    );
    return new Map(rows.map((r) => [Number(r.id), { id: Number(r.id), status: r.status, version: r.version, mergedIntoId: r.merged_into_id === null ? null : Number(r.merged_into_id) }]));
  }

  async merge(
    orm: Orm,
    m: { survivorId: number; mergedId: number; kind: 'automatic' | 'steward'; reason: string; runId?: number | null; decisionId?: number | null } & Actor,
    rules: Survivorship,
  ): Promise<number> {
    const locked = await this.lockPersons(orm, [m.survivorId, m.mergedId]);
    for (const id of [m.survivorId, m.mergedId]) {
      if (locked.get(id)?.status !== 'active') throw new MergeConflictError('PERSON_NOT_ACTIVE', 'A person of this merge is no longer active (merged meanwhile).');
    }
    // A steward's "different persons" pin between any records of the two wins over any automatic
    // evidence; a steward merging them anyway revokes those pins first (in the same transaction).
    if (await this.pinnedApart(orm, m.survivorId, m.mergedId)) {
      throw new MergeConflictError('PINNED_APART', 'A steward decided that records of these two persons are different persons.');
    }
    const moved = await this.q<{ id: string }>(orm, sql`update source_entities set person_id = ${m.survivorId}, updated_at = now() where person_id = ${m.mergedId} returning id`);
    const redirected = await this.q<{ id: string }>(orm, sql`update persons set merged_into_id = ${m.survivorId}, updated_at = now() where merged_into_id = ${m.mergedId} returning id`);
    await this.q(orm, sql`update persons set status = 'merged', merged_into_id = ${m.survivorId}, version = version + 1, updated_at = now() where id = ${m.mergedId}`);
    for (const t of FACT_TABLES) await this.q(orm, sql`update ${sql.raw(t)} set person_id = ${m.survivorId} where person_id = ${m.mergedId}`);
    await this.q(orm, sql`delete from person_identifiers where person_id = ${m.mergedId}`);
    // Open review items about the merged person now concern the survivor's situation: mark them stale.
    await this.q(orm, sql`update review_items set status = 'stale', updated_at = now(), version = version + 1
      where status in ('open', 'deferred') and (person_a_id = ${m.mergedId} or person_b_id = ${m.mergedId})`);
    const [row] = await this.q<{ id: string }>(
      orm,
      sql`insert into person_merges (survivor_id, merged_id, kind, moved_entity_ids, redirected_person_ids, reconciliation_run_id, decision_id, actor, reason)
        values (${m.survivorId}, ${m.mergedId}, ${m.kind}, ${idArray(moved.map((r) => Number(r.id)))}, ${idArray(redirected.map((r) => Number(r.id)))},
          ${m.runId ?? null}, ${m.decisionId ?? null}, ${m.actor}, ${m.reason}) returning id`,
    );
    await this.golden.rebuild(orm, [m.survivorId], rules);
    const mergeId = Number(row.id);
    await this.audit(orm, {
      actor: m.actor,
      actorRole: m.actorRole,
      requestId: m.requestId,
      action: m.kind === 'automatic' ? 'person.merge.automatic' : 'person.merge',
      subjectType: 'person_merge',
      subjectId: String(mergeId),
      personId: m.survivorId,
      reason: m.reason,
      before: { survivorId: m.survivorId, mergedId: m.mergedId },
      after: { mergeId, decisionId: m.decisionId ?? null, movedRecords: moved.map((r) => Number(r.id)), redirectedPersons: redirected.map((r) => Number(r.id)) },
    });
    return mergeId;
  }

  /** Whether an active cannot-link pin joins a record of one person to a record of the other. */
  async pinnedApart(orm: Orm, personA: number, personB: number): Promise<boolean> {
    const [row] = await this.q(
      orm,
      sql`select 1 from link_constraints lc
        join source_entities a on a.id = lc.entity_a_id
        join source_entities b on b.id = lc.entity_b_id
        where lc.kind = 'cannot_link' and lc.revoked_at is null
          and ((a.person_id = ${personA} and b.person_id = ${personB}) or (a.person_id = ${personB} and b.person_id = ${personA}))
        limit 1`,
    );
    return Boolean(row);
  }

  /**
   * Moves records out of their person into a new person (a steward said they are someone else):
   * a new person row, the records' facts and memberships follow, both golden records are rebuilt,
   * and the records' links say a steward placed them. Returns the new person's id.
   */
  async detach(orm: Orm, d: { personId: number; entityIds: readonly number[]; reason: string; decisionId?: number | null } & Actor, rules: Survivorship): Promise<number> {
    const locked = await this.lockPersons(orm, [d.personId]);
    if (locked.get(d.personId)?.status !== 'active') throw new MergeConflictError('PERSON_NOT_ACTIVE', 'The person is no longer active (merged meanwhile).');
    const [created] = await this.q<{ id: string }>(orm, sql`insert into persons default values returning id`);
    const newId = Number(created.id);
    const moved = await this.q<{ id: string }>(
      orm,
      sql`update source_entities set person_id = ${newId}, updated_at = now() where id = any(${idArray(d.entityIds)}) and person_id = ${d.personId} returning id`,
    );
    const movedIds = moved.map((r) => Number(r.id));
    await this.q(
      orm,
      sql`update entity_links set link_type = 'steward', reasons = '{STEWARD_DETACHED}', score = null, match_weight = null, matched_entity_id = null,
        contributions = null, model_version = null, updated_at = now() where source_entity_id = any(${idArray(movedIds)})`,
    );
    await this.golden.propagateLinks(orm, movedIds);
    await this.golden.rebuild(orm, [d.personId, newId], rules);
    await this.audit(orm, {
      actor: d.actor,
      actorRole: d.actorRole,
      requestId: d.requestId,
      action: 'person.detach',
      subjectType: 'person',
      subjectId: String(d.personId),
      personId: d.personId,
      reason: d.reason,
      before: { personId: d.personId, records: movedIds },
      after: { newPersonId: newId, decisionId: d.decisionId ?? null },
    });
    return newId;
  }

  /**
   * Undoes a merge: its records and redirects go back, the merged person is active again with the
   * same public id, both golden records are rebuilt. Pins the separation (cannot-link between the
   * two persons' records) so no later run merges them again.
   */
  async unmerge(orm: Orm, mergeId: number, who: Actor | string, reason: string, rules: Survivorship): Promise<{ survivorId: number; mergedId: number }> {
    const { actor, actorRole = null, requestId = null } = typeof who === 'string' ? { actor: who } : who;
    const [m] = await this.q<{ survivor_id: string; merged_id: string; moved_entity_ids: string[]; redirected_person_ids: string[]; undone_at: Date | null }>(
      orm,
      sql`select survivor_id, merged_id, moved_entity_ids, redirected_person_ids, undone_at from person_merges where id = ${mergeId} for update`,
    );
    if (!m) throw new MergeConflictError('MERGE_NOT_FOUND', 'No such merge.');
    if (m.undone_at) throw new MergeConflictError('ALREADY_UNDONE', 'This merge was already undone.');
    const survivorId = Number(m.survivor_id);
    const mergedId = Number(m.merged_id);
    const locked = await this.lockPersons(orm, [survivorId, mergedId]);
    if (locked.get(survivorId)?.status !== 'active' || locked.get(mergedId)?.mergedIntoId !== survivorId) {
      const [later] = await this.q<{ id: string }>(
        orm,
        sql`select id from person_merges where merged_id = ${survivorId} and undone_at is null order by id desc limit 1`,
      );
      throw new MergeConflictError('SUPERSEDED', 'The survivor was merged again since; undo the later merge first.', later ? Number(later.id) : null);
    }
    const moved = (m.moved_entity_ids ?? []).map(Number);
    const redirected = (m.redirected_person_ids ?? []).map(Number);
    await this.q(orm, sql`update source_entities set person_id = ${mergedId}, updated_at = now() where id = any(${idArray(moved)}) and person_id = ${survivorId}`);
    await this.q(orm, sql`update persons set merged_into_id = ${mergedId}, updated_at = now() where id = any(${idArray(redirected)}) and merged_into_id = ${survivorId}`);
    await this.q(orm, sql`update persons set status = 'active', merged_into_id = null, version = version + 1, updated_at = now() where id = ${mergedId}`);
    await this.golden.propagateLinks(orm, moved);
    await this.golden.rebuild(orm, [survivorId, mergedId], rules);
    await this.q(orm, sql`update person_merges set undone_at = now(), undone_by = ${actor}, undo_reason = ${reason} where id = ${mergeId}`);
    // The separation replaces any "same person" pin between the two sides (e.g. the decision that merged them).
    await this.q(
      orm,
      sql`update link_constraints lc set revoked_at = now()
        from source_entities a, source_entities b
        where lc.kind = 'must_link' and lc.revoked_at is null and a.id = lc.entity_a_id and b.id = lc.entity_b_id
          and ((a.person_id = ${mergedId} and b.person_id = ${survivorId}) or (a.person_id = ${survivorId} and b.person_id = ${mergedId}))`,
    );
    await this.q(
      orm,
      sql`insert into link_constraints (kind, entity_a_id, entity_b_id, actor, reason)
        select 'cannot_link', least(a.id, b.id), greatest(a.id, b.id), ${actor}, ${reason}
        from source_entities a, source_entities b
        where a.person_id = ${mergedId} and b.person_id = ${survivorId}
        on conflict do nothing`,
    );
    await this.audit(orm, {
      actor,
      actorRole,
      requestId,
      action: 'person.unmerge',
      subjectType: 'person_merge',
      subjectId: String(mergeId),
      personId: survivorId,
      reason,
      before: { survivorId, mergedId },
      after: { restoredRecords: moved.length, restoredRedirects: redirected.length },
    });
    return { survivorId, mergedId };
  }
}
