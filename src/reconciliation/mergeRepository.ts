import { sql, type SQL } from 'drizzle-orm';
import { QUEUED_REVIEW_STATUSES } from '../../schema';
import type { Database, Orm } from '../platform/db';

export interface LockedPerson {
  id: number;
  status: string;
  version: number;
  mergedIntoId: number | null;
}

export interface MoveRecord {
  entityId: number;
  fromPersonId: number;
  toPersonId: number;
  previousLink: Record<string, unknown>;
  undoneAt: Date | null;
}

/** A record's link as a move writes it (the explanation of why it now belongs to the other person). */
export interface MovedLink {
  linkType: 'deterministic' | 'phonetic' | 'probabilistic' | 'steward';
  reasons: readonly string[];
  score: number | null;
  matchWeight: number | null;
  matchedEntityId: number | null;
  contributions: unknown;
  modelVersion: string | null;
  runId: number | null;
}

export interface MergeRecord {
  survivorId: number;
  mergedId: number;
  movedEntityIds: number[];
  redirectedPersonIds: number[];
  undoneAt: Date | null;
}

const FACT_TABLES = ['affiliations', 'sisben_classifications', 'victim_registrations', 'household_memberships'] as const;
const idArray = (ids: readonly number[]) => sql`${`{${ids.join(',')}}`}::bigint[]`;
const QUEUED = `{${QUEUED_REVIEW_STATUSES.join(',')}}`;

/**
 * The rows a merge, an unmerge or a detach reads and writes: persons, their records and facts, merge
 * rows, pins. No rules here (which merges are allowed, what else must follow): see MergeService.
 */
export class MergeRepository {
  constructor(private readonly db: Database) {}

  private q<T = Record<string, unknown>>(orm: Orm, s: SQL) {
    return this.db.rows<T>(s, orm);
  }

  /** Locks persons in id order (no deadlocks between concurrent decisions) and returns their state. */
  async lockPersons(orm: Orm, ids: readonly number[]): Promise<Map<number, LockedPerson>> {
    const rows = await this.q<{ id: string; status: string; version: number; merged_into_id: string | null }>(
      orm,
      sql`select id, status, version, merged_into_id from persons where id = any(${idArray(ids)}) order by id for update`,
    );
    return new Map(
      rows.map((r) => [
        Number(r.id),
        { id: Number(r.id), status: r.status, version: r.version, mergedIntoId: r.merged_into_id === null ? null : Number(r.merged_into_id) },
      ]),
    );
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
   * Moves everything of `mergedId` to `survivorId` — its records, the persons redirected to it, its
   * facts — and leaves it as a redirect; returns what moved, for the merge row.
   */
  async moveIntoSurvivor(orm: Orm, survivorId: number, mergedId: number): Promise<{ moved: number[]; redirected: number[] }> {
    const moved = await this.q<{ id: string }>(
      orm,
      sql`update source_entities set person_id = ${survivorId}, updated_at = now() where person_id = ${mergedId} returning id`,
    );
    const redirected = await this.q<{ id: string }>(
      orm,
      sql`update persons set merged_into_id = ${survivorId}, updated_at = now() where merged_into_id = ${mergedId} returning id`,
    );
    await this.q(
      orm,
      sql`update persons set status = 'merged', merged_into_id = ${survivorId}, version = version + 1, updated_at = now() where id = ${mergedId}`,
    );
    for (const t of FACT_TABLES) await this.q(orm, sql`update ${sql.raw(t)} set person_id = ${survivorId} where person_id = ${mergedId}`);
    await this.q(orm, sql`delete from person_identifiers where person_id = ${mergedId}`);
    return { moved: moved.map((r) => Number(r.id)), redirected: redirected.map((r) => Number(r.id)) };
  }

  /** Open and deferred review items about any of these persons are marked stale (their situation changed). */
  async markReviewItemsStale(orm: Orm, personIds: readonly number[]): Promise<void> {
    await this.q(
      orm,
      sql`update review_items set status = 'stale', updated_at = now(), version = version + 1
        where status = any(${QUEUED}::review_status[]) and (person_a_id = any(${idArray(personIds)}) or person_b_id = any(${idArray(personIds)}))`,
    );
  }

  async insertMerge(
    orm: Orm,
    m: {
      survivorId: number;
      mergedId: number;
      kind: 'automatic' | 'steward';
      moved: number[];
      redirected: number[];
      runId: number | null;
      decisionId: number | null;
      actor: string;
      reason: string;
    },
  ): Promise<number> {
    const [row] = await this.q<{ id: string }>(
      orm,
      sql`insert into person_merges (survivor_id, merged_id, kind, moved_entity_ids, redirected_person_ids, reconciliation_run_id, decision_id, actor, reason)
        values (${m.survivorId}, ${m.mergedId}, ${m.kind}, ${idArray(m.moved)}, ${idArray(m.redirected)}, ${m.runId}, ${m.decisionId}, ${m.actor}, ${m.reason}) returning id`,
    );
    return Number(row.id);
  }

  async createPerson(orm: Orm): Promise<number> {
    const [created] = await this.q<{ id: string }>(orm, sql`insert into persons default values returning id`);
    return Number(created.id);
  }

  /** Moves the given records of `fromPersonId` to `toPersonId`; returns the ones that moved. */
  async moveEntities(orm: Orm, entityIds: readonly number[], fromPersonId: number, toPersonId: number): Promise<number[]> {
    const moved = await this.q<{ id: string }>(
      orm,
      sql`update source_entities set person_id = ${toPersonId}, updated_at = now() where id = any(${idArray(entityIds)}) and person_id = ${fromPersonId} returning id`,
    );
    return moved.map((r) => Number(r.id));
  }

  /** The records' links now say a steward placed them (no score, no model). */
  async markLinksPlacedBySteward(orm: Orm, entityIds: readonly number[]): Promise<void> {
    await this.q(
      orm,
      sql`update entity_links set link_type = 'steward', reasons = '{STEWARD_DETACHED}', score = null, match_weight = null, matched_entity_id = null,
        contributions = null, model_version = null, updated_at = now() where source_entity_id = any(${idArray(entityIds)})`,
    );
  }

  /** A record's entity_links row as JSON (what a move keeps to put it back). */
  async linkRow(orm: Orm, entityId: number): Promise<Record<string, unknown> | null> {
    const [row] = await this.q<{ link: Record<string, unknown> }>(
      orm,
      sql`select to_jsonb(l) as link from entity_links l where l.source_entity_id = ${entityId}`,
    );
    return row?.link ?? null;
  }

  async writeLink(orm: Orm, entityId: number, l: MovedLink): Promise<void> {
    await this.q(
      orm,
      sql`update entity_links set link_type = ${l.linkType}::link_type, reasons = ${`{${l.reasons.join(',')}}`}::text[], score = ${l.score},
        match_weight = ${l.matchWeight}, matched_entity_id = ${l.matchedEntityId}, contributions = ${l.contributions === null ? null : JSON.stringify(l.contributions)}::jsonb,
        model_version = ${l.modelVersion}, reconciliation_run_id = coalesce(${l.runId}, reconciliation_run_id), updated_at = now()
        where source_entity_id = ${entityId}`,
    );
  }

  /** Puts back a link row kept by a move (its columns as `linkRow` read them). */
  async restoreLink(orm: Orm, entityId: number, previous: Record<string, unknown>): Promise<void> {
    await this.q(
      orm,
      sql`update entity_links l set (link_type, reasons, score, match_weight, matched_entity_id, model_version, contributions, reconciliation_run_id) =
          (select p.link_type, p.reasons, p.score, p.match_weight, p.matched_entity_id, p.model_version, p.contributions, p.reconciliation_run_id
           from jsonb_populate_record(null::entity_links, ${JSON.stringify(previous)}::jsonb) p), updated_at = now()
        where l.source_entity_id = ${entityId}`,
    );
  }

  /** Whether a steward pinned the record apart from a record of the person. */
  async entityPinnedApartFrom(orm: Orm, entityId: number, personId: number): Promise<boolean> {
    const [row] = await this.q(
      orm,
      sql`select 1 from link_constraints lc join source_entities o on o.id = case when lc.entity_a_id = ${entityId} then lc.entity_b_id else lc.entity_a_id end
        where lc.kind = 'cannot_link' and lc.revoked_at is null and (lc.entity_a_id = ${entityId} or lc.entity_b_id = ${entityId}) and o.person_id = ${personId}
        limit 1`,
    );
    return Boolean(row);
  }

  async insertMove(
    orm: Orm,
    m: {
      entityId: number;
      fromPersonId: number;
      toPersonId: number;
      kind: 'automatic' | 'steward';
      previousLink: unknown;
      runId: number | null;
      actor: string;
      reason: string;
    },
  ): Promise<number> {
    const [row] = await this.q<{ id: string }>(
      orm,
      sql`insert into record_moves (source_entity_id, from_person_id, to_person_id, kind, previous_link, reconciliation_run_id, actor, reason)
        values (${m.entityId}, ${m.fromPersonId}, ${m.toPersonId}, ${m.kind}, ${JSON.stringify(m.previousLink)}::jsonb, ${m.runId}, ${m.actor}, ${m.reason}) returning id`,
    );
    return Number(row.id);
  }

  async lockMove(orm: Orm, moveId: number): Promise<MoveRecord | null> {
    const [m] = await this.q<{
      source_entity_id: string;
      from_person_id: string;
      to_person_id: string;
      previous_link: Record<string, unknown>;
      undone_at: Date | null;
    }>(orm, sql`select source_entity_id, from_person_id, to_person_id, previous_link, undone_at from record_moves where id = ${moveId} for update`);
    if (!m) return null;
    return {
      entityId: Number(m.source_entity_id),
      fromPersonId: Number(m.from_person_id),
      toPersonId: Number(m.to_person_id),
      previousLink: m.previous_link,
      undoneAt: m.undone_at,
    };
  }

  async markMoveUndone(orm: Orm, moveId: number, actor: string, reason: string): Promise<void> {
    await this.q(orm, sql`update record_moves set undone_at = now(), undone_by = ${actor}, undo_reason = ${reason} where id = ${moveId}`);
  }

  /** Open and deferred review items about the record (as the record in question or the candidate) are stale. */
  async markEntityReviewItemsStale(orm: Orm, entityId: number): Promise<void> {
    await this.q(
      orm,
      sql`update review_items set status = 'stale', updated_at = now(), version = version + 1
        where status = any(${QUEUED}::review_status[]) and (source_entity_id = ${entityId} or candidate_entity_id = ${entityId})`,
    );
  }

  /** Pins one record apart from every record of a person (a move undone: no run moves it there again). */
  async pinEntityApart(orm: Orm, entityId: number, personId: number, actor: string, reason: string): Promise<void> {
    await this.q(
      orm,
      sql`update link_constraints lc set revoked_at = now() from source_entities o
        where lc.kind = 'must_link' and lc.revoked_at is null and o.person_id = ${personId}
          and ((lc.entity_a_id = ${entityId} and lc.entity_b_id = o.id) or (lc.entity_b_id = ${entityId} and lc.entity_a_id = o.id))`,
    );
    await this.q(
      orm,
      sql`insert into link_constraints (kind, entity_a_id, entity_b_id, actor, reason)
        select 'cannot_link', least(${entityId}::bigint, o.id), greatest(${entityId}::bigint, o.id), ${actor}, ${reason}
        from source_entities o where o.person_id = ${personId} and o.id <> ${entityId}
        on conflict do nothing`,
    );
  }

  async lockMerge(orm: Orm, mergeId: number): Promise<MergeRecord | null> {
    const [m] = await this.q<{ survivor_id: string; merged_id: string; moved_entity_ids: string[]; redirected_person_ids: string[]; undone_at: Date | null }>(
      orm,
      sql`select survivor_id, merged_id, moved_entity_ids, redirected_person_ids, undone_at from person_merges where id = ${mergeId} for update`,
    );
    if (!m) return null;
    return {
      survivorId: Number(m.survivor_id),
      mergedId: Number(m.merged_id),
      movedEntityIds: (m.moved_entity_ids ?? []).map(Number),
      redirectedPersonIds: (m.redirected_person_ids ?? []).map(Number),
      undoneAt: m.undone_at,
    };
  }

  /** The latest merge, not undone, that merged this person away. */
  async activeMergeOf(orm: Orm, mergedId: number): Promise<number | null> {
    const [later] = await this.q<{ id: string }>(
      orm,
      sql`select id from person_merges where merged_id = ${mergedId} and undone_at is null order by id desc limit 1`,
    );
    return later ? Number(later.id) : null;
  }

  /** Puts a merge's records and redirects back with the merged person, active again under its own id. */
  async restoreMerged(orm: Orm, m: MergeRecord): Promise<void> {
    await this.q(
      orm,
      sql`update source_entities set person_id = ${m.mergedId}, updated_at = now() where id = any(${idArray(m.movedEntityIds)}) and person_id = ${m.survivorId}`,
    );
    await this.q(
      orm,
      sql`update persons set merged_into_id = ${m.mergedId}, updated_at = now() where id = any(${idArray(m.redirectedPersonIds)}) and merged_into_id = ${m.survivorId}`,
    );
    await this.q(orm, sql`update persons set status = 'active', merged_into_id = null, version = version + 1, updated_at = now() where id = ${m.mergedId}`);
  }

  async markUndone(orm: Orm, mergeId: number, actor: string, reason: string): Promise<void> {
    await this.q(orm, sql`update person_merges set undone_at = now(), undone_by = ${actor}, undo_reason = ${reason} where id = ${mergeId}`);
  }

  /** Revokes the active pins of a kind between the records of two persons. */
  async revokePinsBetween(orm: Orm, kind: 'must_link' | 'cannot_link', personA: number, personB: number): Promise<void> {
    await this.q(
      orm,
      sql`update link_constraints lc set revoked_at = now()
        from source_entities a, source_entities b
        where lc.kind = ${kind} and lc.revoked_at is null and a.id = lc.entity_a_id and b.id = lc.entity_b_id
          and ((a.person_id = ${personA} and b.person_id = ${personB}) or (a.person_id = ${personB} and b.person_id = ${personA}))`,
    );
  }

  /** Pins every record of one person apart from every record of the other. */
  async pinApart(orm: Orm, personA: number, personB: number, actor: string, reason: string): Promise<void> {
    await this.q(
      orm,
      sql`insert into link_constraints (kind, entity_a_id, entity_b_id, actor, reason)
        select 'cannot_link', least(a.id, b.id), greatest(a.id, b.id), ${actor}, ${reason}
        from source_entities a, source_entities b
        where a.person_id = ${personA} and b.person_id = ${personB}
        on conflict do nothing`,
    );
  }
}
