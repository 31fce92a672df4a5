import type { AuditWriter, Orm } from '../platform/db';
import type { GoldenRecordRepository, Survivorship } from './goldenRecordRepository';
import type { LockedPerson, MergeRepository, MovedLink } from './mergeRepository';

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

export interface MergeRequest extends Actor {
  survivorId: number;
  mergedId: number;
  kind: 'automatic' | 'steward';
  reason: string;
  runId?: number | null;
  decisionId?: number | null;
}

export interface DetachRequest extends Actor {
  personId: number;
  entityIds: readonly number[];
  reason: string;
  decisionId?: number | null;
}

export interface MoveRequest extends Actor {
  entityId: number;
  fromPersonId: number;
  toPersonId: number;
  kind: 'automatic' | 'steward';
  /** How the record now belongs to the other person. */
  link: MovedLink;
  reason: string;
  runId?: number | null;
}

/**
 * The rules of merging, unmerging and detaching persons, for the engine and for stewards alike.
 * Nothing is deleted: a merged person stays as a redirect to its survivor, and the merge row
 * remembers exactly which records and redirects moved, so an unmerge puts them back. Every operation
 * runs inside the caller's transaction and, with it, rebuilds the golden records it affects, marks
 * stale the review items it overtakes, and writes its audit row.
 */
export class MergeService {
  constructor(
    private readonly repo: MergeRepository,
    private readonly golden: GoldenRecordRepository,
    private readonly audit: AuditWriter,
    readonly survivorship: Survivorship,
  ) {}

  /** Locks persons in id order (no deadlocks between concurrent decisions) and returns their state. */
  lockPersons(tx: Orm, ids: readonly number[]): Promise<Map<number, LockedPerson>> {
    return this.repo.lockPersons(tx, ids);
  }

  /** The persons these ids stand for now (a merged-away id stands for its survivor), locked. */
  async currentPersons(tx: Orm, ids: number[]): Promise<number[]> {
    const locked = await this.repo.lockPersons(tx, ids);
    return ids.map((id) => locked.get(id)?.mergedIntoId ?? id);
  }

  async merge(tx: Orm, m: MergeRequest): Promise<number> {
    const locked = await this.repo.lockPersons(tx, [m.survivorId, m.mergedId]);
    for (const id of [m.survivorId, m.mergedId]) {
      if (locked.get(id)?.status !== 'active')
        throw new MergeConflictError('PERSON_NOT_ACTIVE', 'A person of this merge is no longer active (merged meanwhile).');
    }
    // A steward's "different persons" pin between any records of the two wins over any automatic
    // evidence; a steward merging them anyway revokes those pins first (in the same transaction).
    if (await this.repo.pinnedApart(tx, m.survivorId, m.mergedId)) {
      throw new MergeConflictError('PINNED_APART', 'A steward decided that records of these two persons are different persons.');
    }
    const { moved, redirected } = await this.repo.moveIntoSurvivor(tx, m.survivorId, m.mergedId);
    // Open review items about the merged person now concern the survivor's situation.
    await this.repo.markReviewItemsStale(tx, [m.mergedId]);
    const mergeId = await this.repo.insertMerge(tx, { ...m, moved, redirected, runId: m.runId ?? null, decisionId: m.decisionId ?? null });
    await this.golden.rebuild(tx, [m.survivorId], this.survivorship);
    await this.audit.write(tx, [
      {
        actor: m.actor,
        actorRole: m.actorRole,
        requestId: m.requestId,
        action: m.kind === 'automatic' ? 'person.merge.automatic' : 'person.merge',
        subjectType: 'person_merge',
        subjectId: String(mergeId),
        personId: m.survivorId,
        reason: m.reason,
        before: { survivorId: m.survivorId, mergedId: m.mergedId },
        after: { mergeId, decisionId: m.decisionId ?? null, movedRecords: moved, redirectedPersons: redirected },
      },
    ]);
    return mergeId;
  }

  /**
   * Moves records out of their person into a new person (a steward said they are someone else): a
   * new person row, the records' facts and memberships follow, both golden records are rebuilt, and
   * the records' links say a steward placed them. Returns the new person's id.
   */
  async detach(tx: Orm, d: DetachRequest): Promise<number> {
    const locked = await this.repo.lockPersons(tx, [d.personId]);
    if (locked.get(d.personId)?.status !== 'active') throw new MergeConflictError('PERSON_NOT_ACTIVE', 'The person is no longer active (merged meanwhile).');
    const newId = await this.repo.createPerson(tx);
    const moved = await this.repo.moveEntities(tx, d.entityIds, d.personId, newId);
    await this.repo.markLinksPlacedBySteward(tx, moved);
    await this.golden.propagateLinks(tx, moved);
    await this.golden.rebuild(tx, [d.personId, newId], this.survivorship);
    await this.audit.write(tx, [
      {
        actor: d.actor,
        actorRole: d.actorRole,
        requestId: d.requestId,
        action: 'person.detach',
        subjectType: 'person',
        subjectId: String(d.personId),
        personId: d.personId,
        reason: d.reason,
        before: { personId: d.personId, records: moved },
        after: { newPersonId: newId, decisionId: d.decisionId ?? null },
      },
    ]);
    return newId;
  }

  /**
   * Moves one record from its person to another (a relink: a later record showed it belongs there).
   * Refused when either person is no longer active, the record is no longer in `fromPersonId`, or a
   * steward pinned it apart from a record of the other person. The record's facts follow, both golden
   * records are rebuilt, the record's open review items are stale, and the move row keeps the previous
   * link so `undoMove` puts it back. Returns the move's id.
   */
  async moveRecord(tx: Orm, m: MoveRequest): Promise<number> {
    const locked = await this.repo.lockPersons(tx, [m.fromPersonId, m.toPersonId]);
    for (const id of [m.fromPersonId, m.toPersonId]) {
      if (locked.get(id)?.status !== 'active')
        throw new MergeConflictError('PERSON_NOT_ACTIVE', 'A person of this move is no longer active (merged meanwhile).');
    }
    if (await this.repo.entityPinnedApartFrom(tx, m.entityId, m.toPersonId)) {
      throw new MergeConflictError('PINNED_APART', 'A steward decided that this record and a record of the other person are different persons.');
    }
    const previousLink = (await this.repo.linkRow(tx, m.entityId)) ?? {};
    const moved = await this.repo.moveEntities(tx, [m.entityId], m.fromPersonId, m.toPersonId);
    if (!moved.length) throw new MergeConflictError('SUPERSEDED', 'The record no longer belongs to the person it would move from.');
    await this.repo.writeLink(tx, m.entityId, m.link);
    await this.repo.markEntityReviewItemsStale(tx, m.entityId);
    const moveId = await this.repo.insertMove(tx, { ...m, previousLink, runId: m.runId ?? null });
    await this.golden.propagateLinks(tx, moved);
    await this.golden.rebuild(tx, [m.fromPersonId, m.toPersonId], this.survivorship);
    await this.audit.write(tx, [
      {
        actor: m.actor,
        actorRole: m.actorRole,
        requestId: m.requestId,
        action: m.kind === 'automatic' ? 'person.relink.automatic' : 'person.relink',
        subjectType: 'record_move',
        subjectId: String(moveId),
        personId: m.toPersonId,
        reason: m.reason,
        before: { personId: m.fromPersonId, record: m.entityId },
        after: { personId: m.toPersonId, moveId, reasons: m.link.reasons },
      },
    ]);
    return moveId;
  }

  /**
   * Undoes a move: the record goes back to the person it came from (or the person that absorbed it
   * since), with its previous link; both golden records are rebuilt; and the record is pinned apart
   * from the records of the person it had moved to, so no later run moves it again.
   */
  async undoMove(tx: Orm, moveId: number, who: Actor | string, reason: string): Promise<{ fromPersonId: number; toPersonId: number }> {
    const { actor, actorRole = null, requestId = null } = typeof who === 'string' ? { actor: who } : who;
    const m = await this.repo.lockMove(tx, moveId);
    if (!m) throw new MergeConflictError('MERGE_NOT_FOUND', 'No such move.');
    if (m.undoneAt) throw new MergeConflictError('ALREADY_UNDONE', 'This move was already undone.');
    const [back, here] = await this.currentPersons(tx, [m.fromPersonId, m.toPersonId]);
    const moved = await this.repo.moveEntities(tx, [m.entityId], here, back);
    if (!moved.length || back === here) throw new MergeConflictError('SUPERSEDED', 'The record was moved or merged again since.');
    await this.repo.restoreLink(tx, m.entityId, m.previousLink);
    await this.repo.markMoveUndone(tx, moveId, actor, reason);
    await this.repo.pinEntityApart(tx, m.entityId, here, actor, reason);
    await this.repo.markEntityReviewItemsStale(tx, m.entityId);
    await this.golden.propagateLinks(tx, moved);
    await this.golden.rebuild(tx, [back, here], this.survivorship);
    await this.audit.write(tx, [
      {
        actor,
        actorRole,
        requestId,
        action: 'person.relink.undo',
        subjectType: 'record_move',
        subjectId: String(moveId),
        personId: back,
        reason,
        before: { personId: here, record: m.entityId },
        after: { personId: back },
      },
    ]);
    return { fromPersonId: back, toPersonId: here };
  }

  /**
   * Undoes a merge: its records and redirects go back, the merged person is active again with the
   * same public id, both golden records are rebuilt. Pins the separation (cannot-link between the
   * two persons' records, replacing any "same person" pin between them) so no later run merges them again.
   */
  async unmerge(tx: Orm, mergeId: number, who: Actor | string, reason: string): Promise<{ survivorId: number; mergedId: number }> {
    const { actor, actorRole = null, requestId = null } = typeof who === 'string' ? { actor: who } : who;
    const m = await this.repo.lockMerge(tx, mergeId);
    if (!m) throw new MergeConflictError('MERGE_NOT_FOUND', 'No such merge.');
    if (m.undoneAt) throw new MergeConflictError('ALREADY_UNDONE', 'This merge was already undone.');
    const { survivorId, mergedId } = m;
    const locked = await this.repo.lockPersons(tx, [survivorId, mergedId]);
    if (locked.get(survivorId)?.status !== 'active' || locked.get(mergedId)?.mergedIntoId !== survivorId) {
      throw new MergeConflictError(
        'SUPERSEDED',
        'The survivor was merged again since; undo the later merge first.',
        await this.repo.activeMergeOf(tx, survivorId),
      );
    }
    await this.repo.restoreMerged(tx, m);
    await this.golden.propagateLinks(tx, m.movedEntityIds);
    await this.golden.rebuild(tx, [survivorId, mergedId], this.survivorship);
    await this.repo.markUndone(tx, mergeId, actor, reason);
    await this.repo.revokePinsBetween(tx, 'must_link', mergedId, survivorId);
    await this.repo.pinApart(tx, mergedId, survivorId, actor, reason);
    await this.audit.write(tx, [
      {
        actor,
        actorRole,
        requestId,
        action: 'person.unmerge',
        subjectType: 'person_merge',
        subjectId: String(mergeId),
        personId: survivorId,
        reason,
        before: { survivorId, mergedId },
        after: { restoredRecords: m.movedEntityIds.length, restoredRedirects: m.redirectedPersonIds.length },
      },
    ]);
    return { survivorId, mergedId };
  }
}
