import { QUEUED_REVIEW_STATUSES, REVIEW_STATUSES } from '../../schema';
import type { Clock, TerritoryScope } from '../kernel';
import type { Config } from '../platform/config';
import type { AuditWriter, Orm } from '../platform/db';
import { AppError, checkPageSize, decodeCursor } from '../kernel';
import type { ReconciliationRepository, LinkageModelService } from '../reconciliation';
import { MergeConflictError, stewardLink, type MergeService } from '../reconciliation';
import type {
  EntityIdentityRow,
  ReviewCounts,
  ReviewDecisionKind,
  ReviewFilter,
  ReviewItemRow,
  ReviewReason,
  ReviewRepository,
  ReviewStatus,
} from './reviewRepository';
import type { ReferenceService } from '../registry';
import { compareRecords, type RecordComparison } from './comparison';
import type { ClaimOutcome, DecideOutcome, DecidedResult, ReleaseOutcome, StewardActor, UndoMoveOutcome, UnmergeOutcome } from './outcomes';

export type ReviewConfig = Pick<Config, 'REVIEW_CLAIM_MINUTES' | 'API_MAX_PAGE_SIZE' | 'RECONCILE_LINK_PROBABILITY' | 'RECONCILE_REVIEW_PROBABILITY'>;

/** Items about one record already linked to its person (the question: does it belong there?). */
const SINGLE_RECORD_REASONS: readonly ReviewReason[] = ['AUTO_LINK_AUDIT', 'LINKED_RECORD_CHANGED'];
const MAX_REASON_LENGTH = 2000;

export interface ReviewListOptions {
  statuses?: ReviewStatus[];
  reasons?: ReviewReason[];
  municipality?: string;
  minScore?: number;
  maxScore?: number;
  hasScore?: boolean;
  raisedBefore?: Date;
}

/** A comparison as the steward reads it: left is person A's record, right person B's. */
export type OrientedComparison = RecordComparison & {
  left: EntityIdentityRow;
  right: EntityIdentityRow;
  leftSide: 'A' | 'B' | null;
  rightSide: 'A' | 'B' | null;
  /** RAISING_MODEL: scored by the model that raised the item (as its explanation); CURRENT_MODEL when that model is gone. */
  scoredWith: 'RAISING_MODEL' | 'CURRENT_MODEL';
  /** The same pair under today's model, when it is another one. */
  current: Pick<RecordComparison, 'modelVersion' | 'probability' | 'matchWeight' | 'outcome' | 'tier'>;
};

const pairsOf = (left: readonly number[], right: readonly number[]) => left.flatMap((a) => right.map((b) => [a, b] as const));

/**
 * The steward's side of identity reconciliation: the review queue, claims, decisions and unmerges.
 *
 * Every decision runs in one transaction under the engine lock (so it never interleaves with a
 * matching batch or another decision), locks the item and then its persons in id order, and checks
 * that nothing changed since the steward looked: the item's version (`expectedVersion`) and the
 * persons' versions snapshotted when the item was created or last claimed. Of two stewards deciding
 * on overlapping persons at once, the first to take the lock wins; the other finds changed versions
 * and gets a Conflict (or StaleItem once its person was merged away). Each decision writes its
 * decision row, its pins, its merge or detach, and its audit rows in that same transaction.
 */
export class ReviewService {
  constructor(
    private readonly repo: ReviewRepository,
    private readonly merges: MergeService,
    private readonly audit: AuditWriter,
    private readonly engine: ReconciliationRepository,
    private readonly models: LinkageModelService,
    private readonly reference: ReferenceService,
    private readonly config: ReviewConfig,
    private readonly clock: Clock,
  ) {}

  get maxPage(): number {
    return this.config.API_MAX_PAGE_SIZE;
  }

  // --- the queue --------------------------------------------------------------------------------

  async list(
    opts: ReviewListOptions & { first?: number; after?: string },
    scope: TerritoryScope | null,
  ): Promise<{ items: ReviewItemRow[]; hasNextPage: boolean; totalCount: () => Promise<number> }> {
    const first = opts.first ?? 20;
    checkPageSize(first, this.maxPage);
    const filter = this.filterOf(opts);
    const rows = await this.repo.list(filter, { first, after: opts.after ? decodeCursor(opts.after) : undefined }, scope);
    return { items: rows.slice(0, first), hasNextPage: rows.length > first, totalCount: () => this.repo.count(filter, scope) };
  }

  /** The queue counted by reason and by status (without statuses: every status), under the same filters as the list. */
  counts(opts: ReviewListOptions, scope: TerritoryScope | null): Promise<ReviewCounts> {
    return this.repo.counts(this.filterOf({ ...opts, statuses: opts.statuses?.length ? opts.statuses : [...REVIEW_STATUSES] }), scope);
  }

  private filterOf(opts: ReviewListOptions): ReviewFilter {
    let municipality = opts.municipality;
    if (municipality !== undefined) {
      if (!/^\d{4,5}$/.test(municipality))
        throw new AppError('BAD_USER_INPUT', 'municipality must be a DANE code of 5 digits, e.g. "05001".', { field: 'municipality' });
      municipality = municipality.padStart(5, '0');
    }
    for (const field of ['minScore', 'maxScore'] as const) {
      const v = opts[field];
      if (v !== undefined && !(v >= 0 && v <= 1)) throw new AppError('BAD_USER_INPUT', `${field} is a probability between 0 and 1.`, { field });
    }
    if (opts.minScore !== undefined && opts.maxScore !== undefined && opts.minScore > opts.maxScore)
      throw new AppError('BAD_USER_INPUT', 'minScore must not exceed maxScore.', { field: 'minScore' });
    return {
      statuses: opts.statuses?.length ? opts.statuses : [...QUEUED_REVIEW_STATUSES],
      reasons: opts.reasons,
      municipality,
      minScore: opts.minScore,
      maxScore: opts.maxScore,
      hasScore: opts.hasScore,
      raisedBefore: opts.raisedBefore,
    };
  }

  async get(id: number, scope: TerritoryScope | null): Promise<ReviewItemRow | null> {
    return (await this.repo.findByIds([id], scope))[0] ?? null;
  }

  /**
   * The two records of an item compared field by field, scored by the model that raised the item
   * (so the comparison and the item's explanation tell one probability), with today's model's view
   * alongside when it differs. Left is person A's record, right person B's. For an item about one
   * record and a whole person (a held merge, an audit without its matched record), the record is
   * compared with each record of the other side and the closest one is shown.
   */
  async comparison(item: ReviewItemRow): Promise<OrientedComparison | null> {
    if (item.sourceEntityId === null) return null;
    const [source] = await this.repo.entities([item.sourceEntityId]);
    if (!source) return null;
    let others: EntityIdentityRow[];
    if (item.candidateEntityId !== null) others = await this.repo.entities([item.candidateEntityId]);
    else {
      const sides = [item.personAId, item.personBId].filter((p): p is number => p !== null && (item.personBId === null || p !== source.personId));
      others = (await this.repo.entitiesOfPersons(sides)).filter((e) => e.id !== source.id);
    }
    if (!others.length) return null;
    const current = await this.models.current();
    const raisedWith = await this.raisingModelVersion(item);
    const raising = raisedWith === null || raisedWith === current.model.version ? current : await this.models.byVersion(raisedWith);
    const loaded = raising ?? current;
    const ctx = {
      today: this.clock.now().toISOString().slice(0, 10),
      municipalities: await this.reference.municipalityCodes(),
      decision: { linkProbability: this.config.RECONCILE_LINK_PROBABILITY, reviewProbability: this.config.RECONCILE_REVIEW_PROBABILITY },
    };
    // Scored in the engine's order (the record in question against its candidate), as the explanation was.
    let best: { c: RecordComparison; other: EntityIdentityRow } | null = null;
    for (const other of others) {
      const c = compareRecords(source, other, loaded, ctx);
      if (!best || c.probability > best.c.probability) best = { c, other };
    }
    const { c, other } = best!;
    const today = loaded === current ? c : compareRecords(source, other, current, ctx);
    const sideOf = (e: EntityIdentityRow): 'A' | 'B' | null =>
      e.personId === item.personAId ? 'A' : item.personBId !== null && e.personId === item.personBId ? 'B' : null;
    // The record in question goes right unless it is person A's; the same person on both sides
    // (single-person items, or after a merge): its counterpart left, the record in question right.
    const sourceSide = sideOf(source);
    const otherSide = sideOf(other);
    const sourceLeft = sourceSide === 'A' && otherSide !== 'A';
    const [left, right] = sourceLeft ? [source, other] : [other, source];
    return {
      ...c,
      fields: c.fields.map((f) => (sourceLeft ? f : { ...f, left: f.right, right: f.left })),
      left,
      right,
      leftSide: sourceLeft ? sourceSide : otherSide,
      rightSide: sourceLeft ? otherSide : sourceSide,
      scoredWith: raising ? 'RAISING_MODEL' : 'CURRENT_MODEL',
      current: { modelVersion: today.modelVersion, probability: today.probability, matchWeight: today.matchWeight, outcome: today.outcome, tier: today.tier },
    };
  }

  /** The model version the item's explanation names, else its run's. */
  private async raisingModelVersion(item: ReviewItemRow): Promise<string | null> {
    const e = item.explanation as { modelVersion?: unknown } | null;
    if (e && typeof e.modelVersion === 'string') return e.modelVersion;
    if (item.reconciliationRunId === null) return null;
    const [run] = await this.repo.runsByIds([item.reconciliationRunId]);
    return run?.modelVersion ?? null;
  }

  // --- claims -----------------------------------------------------------------------------------

  /** Exclusive for REVIEW_CLAIM_MINUTES; the same steward may claim again (extends it and refreshes the snapshot). */
  async claim(id: number, who: StewardActor, scope: TerritoryScope | null): Promise<ClaimOutcome> {
    if (!(await this.get(id, scope))) return { kind: 'notFound', message: 'No such review item.' };
    return this.repo.transaction(async (tx) => {
      const item = await this.repo.lockItem(tx, id);
      if (!item) return { kind: 'notFound', message: 'No such review item.' };
      if (item.status === 'decided') return { kind: 'alreadyDecided', item, decision: await this.repo.latestDecision(tx, id) };
      if (item.status === 'stale')
        return { kind: 'stale', item, message: 'A person of this item was merged or changed; the engine will raise a new item if still in doubt.' };
      const now = this.clock.now();
      if (this.claimedByOther(item, who, now)) return { kind: 'claimedByOther', item, claimedUntil: item.claimExpiresAt! };
      const persons = await this.repo.personVersions(tx, this.personIds(item));
      if (this.personIds(item).some((p) => persons.get(p)?.status !== 'active')) {
        return { kind: 'stale', item: await this.repo.setStatus(tx, id, 'stale'), message: 'A person of this item is no longer active.' };
      }
      const claimed = await this.repo.setClaim(tx, id, {
        actor: who.actor,
        until: new Date(now.getTime() + this.config.REVIEW_CLAIM_MINUTES * 60_000),
        personAVersion: persons.get(item.personAId)!.version,
        personBVersion: item.personBId === null ? null : persons.get(item.personBId)!.version,
      });
      return { kind: 'claimed', item: claimed };
    });
  }

  async release(id: number, who: StewardActor, scope: TerritoryScope | null): Promise<ReleaseOutcome> {
    if (!(await this.get(id, scope))) return { kind: 'notFound', message: 'No such review item.' };
    return this.repo.transaction(async (tx) => {
      const item = await this.repo.lockItem(tx, id);
      if (!item) return { kind: 'notFound', message: 'No such review item.' };
      if (this.claimedByOther(item, who, this.clock.now())) return { kind: 'claimedByOther', item, claimedUntil: item.claimExpiresAt! };
      if (item.claimedBy === null) return { kind: 'released', item };
      return { kind: 'released', item: await this.repo.releaseClaim(tx, id) };
    });
  }

  private claimedByOther(item: ReviewItemRow, who: StewardActor, now: Date): boolean {
    return item.claimedBy !== null && item.claimedBy !== who.actor && item.claimExpiresAt !== null && item.claimExpiresAt > now;
  }

  private personIds(item: ReviewItemRow): number[] {
    return item.personBId === null ? [item.personAId] : [item.personAId, item.personBId];
  }

  // --- decisions --------------------------------------------------------------------------------

  async decide(
    id: number,
    decision: ReviewDecisionKind,
    reason: string,
    expectedVersion: number,
    who: StewardActor,
    scope: TerritoryScope | null,
  ): Promise<DecideOutcome> {
    const why = reason.trim();
    if (!why) throw new AppError('BAD_USER_INPUT', 'A decision needs a reason.', { field: 'reason' });
    if (why.length > MAX_REASON_LENGTH)
      throw new AppError('BAD_USER_INPUT', `The reason may have at most ${MAX_REASON_LENGTH} characters.`, { field: 'reason' });
    if (!(await this.get(id, scope))) return { kind: 'notFound', message: 'No such review item.' };

    return this.repo.transaction(async (tx): Promise<DecideOutcome> => {
      await this.engine.lock(tx);
      const item = await this.repo.lockItem(tx, id);
      if (!item) return { kind: 'notFound', message: 'No such review item.' };
      if (item.status === 'decided') return { kind: 'alreadyDecided', item, decision: await this.repo.latestDecision(tx, id) };
      if (item.status === 'stale') return { kind: 'stale', item, message: 'A person of this item was merged or changed since it was raised.' };
      const now = this.clock.now();
      if (this.claimedByOther(item, who, now)) return { kind: 'claimedByOther', item, claimedUntil: item.claimExpiresAt! };
      // The version check below would otherwise answer "changed since…" to a steward who simply never claimed.
      if (item.claimedBy !== who.actor || item.claimExpiresAt === null || item.claimExpiresAt <= now) {
        return { kind: 'notClaimed', item, message: 'Claim the item before deciding it (your claim is missing or has expired).' };
      }
      if (item.version !== expectedVersion) {
        return { kind: 'conflict', item, message: `The item is at version ${item.version}, not ${expectedVersion}: reload it and decide again.` };
      }
      const personIds = this.personIds(item);
      const locked = await this.merges.lockPersons(tx, personIds);
      if (personIds.some((p) => locked.get(p)?.status !== 'active')) {
        return { kind: 'stale', item: await this.repo.setStatus(tx, id, 'stale'), message: 'A person of this item was merged away meanwhile.' };
      }
      if (
        locked.get(item.personAId)!.version !== item.personAVersion ||
        (item.personBId !== null && locked.get(item.personBId)!.version !== item.personBVersion)
      ) {
        return {
          kind: 'conflict',
          item,
          message: 'The persons changed since this item was raised or claimed (another decision or a run): claim it again to review their current state.',
        };
      }
      if (decision === 'DEFER') return this.defer(tx, item, why, who);
      if (item.personBId !== null) return this.decidePair(tx, item, decision, why, who);
      return this.decideSingle(tx, item, decision, why, who);
    });
  }

  private async defer(tx: Orm, item: ReviewItemRow, reason: string, who: StewardActor): Promise<DecideOutcome> {
    const decisionId = await this.repo.insertDecision(tx, { itemId: item.id, decision: 'DEFER', reason, actor: who.actor });
    const updated = await this.repo.setStatus(tx, item.id, 'deferred');
    await this.auditDecision(tx, item, updated, { decision: 'DEFER', decisionId }, reason, who);
    return {
      kind: 'decided',
      item: updated,
      decision: 'DEFER',
      decisionId,
      mergeId: null,
      personId: item.personAId,
      newPersonId: null,
      pinsCreated: 0,
      pinsRevoked: 0,
    };
  }

  /** Two persons: the same person (merge them, survivor the older) or two people (pin them apart). */
  private async decidePair(
    tx: Orm,
    item: ReviewItemRow,
    decision: 'SAME_PERSON' | 'DIFFERENT_PERSONS',
    reason: string,
    who: StewardActor,
  ): Promise<DecideOutcome> {
    const a = item.personAId;
    const b = item.personBId!;
    const concerned = [item.sourceEntityId, item.candidateEntityId].filter((e): e is number => e !== null);
    const placed = new Map((await this.repo.entities(concerned, tx)).map((e) => [e.id, e.personId]));
    if (concerned.some((e) => placed.get(e) !== a && placed.get(e) !== b)) {
      return { kind: 'stale', item: await this.repo.setStatus(tx, item.id, 'stale'), message: 'The records of this item no longer belong to its persons.' };
    }
    let pairs: (readonly [number, number])[];
    if (item.sourceEntityId !== null && item.candidateEntityId !== null) pairs = [[item.sourceEntityId, item.candidateEntityId]];
    else {
      // A record that links to both persons (a held merge): it against every record of the other person.
      const src = concerned[0] ?? null;
      const srcPerson = src === null ? a : placed.get(src)!;
      const other = srcPerson === a ? b : a;
      const left = src === null ? (await this.repo.entitiesOfPersons([srcPerson], tx)).map((e) => e.id) : [src];
      pairs = pairsOf(
        left,
        (await this.repo.entitiesOfPersons([other], tx)).map((e) => e.id),
      );
    }
    const decisionId = await this.repo.insertDecision(tx, { itemId: item.id, decision, reason, actor: who.actor });
    const updated = await this.repo.setStatus(tx, item.id, 'decided');
    const pin = { decisionId, actor: who.actor, reason };
    let mergeId: number | null = null;
    let pinsRevoked: number;
    let pinsCreated: number;
    if (decision === 'SAME_PERSON' && item.reason === 'RELINK_CANDIDATE' && item.sourceEntityId !== null && item.candidateEntityId !== null) {
      // One record, not two persons: it moves to the candidate's person, and is pinned there.
      const from = placed.get(item.sourceEntityId)!;
      const to = placed.get(item.candidateEntityId)!;
      pinsRevoked = 0;
      if (from !== to) {
        // A steward's pin of this record apart from the candidate's person stands (moveRecord refuses).
        await this.merges.moveRecord(tx, {
          entityId: item.sourceEntityId,
          fromPersonId: from,
          toPersonId: to,
          kind: 'steward',
          link: { ...stewardLink(), runId: null },
          reason,
          ...who,
        });
      }
      pinsCreated = await this.repo.pin(tx, 'must_link', pairs, pin);
    } else if (decision === 'SAME_PERSON') {
      // A later "same person" decision revokes earlier "different persons" pins between them.
      pinsRevoked = await this.repo.revokePinsBetween(tx, 'cannot_link', a, b);
      mergeId = await this.merges.merge(tx, { survivorId: Math.min(a, b), mergedId: Math.max(a, b), kind: 'steward', reason, decisionId, ...who });
      await this.repo.setDecisionMerge(tx, decisionId, mergeId);
      pinsCreated = await this.repo.pin(tx, 'must_link', pairs, pin);
    } else {
      pinsRevoked = await this.repo.revokePinsBetween(tx, 'must_link', a, b);
      pinsCreated = await this.repo.pin(tx, 'cannot_link', pairs, pin);
    }
    // Even a pin-only decision changes what may happen to these persons: another steward who looked
    // at them before must look again (their versions move).
    await this.repo.touchPersons(tx, [a, b]);
    const result: DecidedResult = {
      kind: 'decided',
      item: updated,
      decision,
      decisionId,
      mergeId,
      personId: Math.min(a, b),
      newPersonId: null,
      pinsCreated,
      pinsRevoked,
    };
    await this.auditDecision(tx, item, updated, result, reason, who);
    return result;
  }

  /**
   * One person: is this record (or the household it joined) really this person? SAME_PERSON
   * confirms it and pins it; DIFFERENT_PERSONS detaches the record(s) into a new person and pins them apart.
   */
  private async decideSingle(
    tx: Orm,
    item: ReviewItemRow,
    decision: 'SAME_PERSON' | 'DIFFERENT_PERSONS',
    reason: string,
    who: StewardActor,
  ): Promise<DecideOutcome> {
    const a = item.personAId;
    const ofA = await this.repo.entitiesOfPersons([a], tx);
    const inA = new Set(ofA.map((e) => e.id));
    let records: number[];
    if (SINGLE_RECORD_REASONS.includes(item.reason)) {
      if (item.sourceEntityId === null || !inA.has(item.sourceEntityId)) {
        return { kind: 'stale', item: await this.repo.setStatus(tx, item.id, 'stale'), message: 'The record of this item no longer belongs to its person.' };
      }
      records = [item.sourceEntityId];
    } else if (item.reason === 'HOUSEHOLD_CHANGE' && item.householdId !== null) {
      records = await this.repo.entitiesInHousehold(tx, a, item.householdId);
    } else {
      records = item.sourceEntityId !== null && inA.has(item.sourceEntityId) ? [item.sourceEntityId] : [];
    }
    const rest = ofA.map((e) => e.id).filter((e) => !records.includes(e));
    const counterpart =
      item.candidateEntityId !== null && inA.has(item.candidateEntityId) && !records.includes(item.candidateEntityId) ? [item.candidateEntityId] : rest;
    if (decision === 'DIFFERENT_PERSONS' && (!records.length || !rest.length)) {
      return { kind: 'invalid', item, message: 'Nothing to separate: the person has no other records than the ones in question.' };
    }

    const decisionId = await this.repo.insertDecision(tx, { itemId: item.id, decision, reason, actor: who.actor });
    const updated = await this.repo.setStatus(tx, item.id, 'decided');
    const pin = { decisionId, actor: who.actor, reason };
    let newPersonId: number | null = null;
    let pinsCreated = 0;
    let pinsRevoked = 0;
    if (decision === 'SAME_PERSON') {
      pinsCreated = await this.repo.pin(tx, 'must_link', pairsOf(records, counterpart), pin);
    } else {
      newPersonId = await this.merges.detach(tx, { personId: a, entityIds: records, reason, decisionId, ...who });
      pinsRevoked = await this.repo.revokePinsBetween(tx, 'must_link', a, newPersonId);
      pinsCreated = await this.repo.pin(tx, 'cannot_link', pairsOf(records, counterpart), pin);
    }
    await this.repo.touchPersons(tx, newPersonId === null ? [a] : [a, newPersonId]);
    const result: DecidedResult = { kind: 'decided', item: updated, decision, decisionId, mergeId: null, personId: a, newPersonId, pinsCreated, pinsRevoked };
    await this.auditDecision(tx, item, updated, result, reason, who);
    return result;
  }

  /** The decision's own audit row (who, when, what, why), in the decision's transaction. */
  private async auditDecision(
    tx: Orm,
    before: ReviewItemRow,
    after: ReviewItemRow,
    d: Pick<DecidedResult, 'decision' | 'decisionId'> & Partial<DecidedResult>,
    reason: string,
    who: StewardActor,
  ): Promise<void> {
    await this.audit.write(tx, [
      {
        actor: who.actor,
        actorRole: who.actorRole,
        requestId: who.requestId,
        action: 'review.decide',
        subjectType: 'review_item',
        subjectId: String(before.id),
        personId: before.personAId,
        reason,
        before: {
          reason: before.reason,
          status: before.status,
          version: before.version,
          personAId: before.personAId,
          personBId: before.personBId,
          sourceEntityId: before.sourceEntityId,
          candidateEntityId: before.candidateEntityId,
        },
        after: {
          status: after.status,
          version: after.version,
          decision: d.decision,
          decisionId: d.decisionId,
          mergeId: d.mergeId ?? null,
          newPersonId: d.newPersonId ?? null,
          pinsCreated: d.pinsCreated ?? 0,
          pinsRevoked: d.pinsRevoked ?? 0,
        },
      },
    ]);
  }

  // --- unmerge ----------------------------------------------------------------------------------

  /** Undoes a merge, named by its id or by the public id of the person it merged away. */
  async unmerge(
    target: { mergeId?: number; mergedPersonPublicId?: string },
    reason: string,
    who: StewardActor,
    scope: TerritoryScope | null,
  ): Promise<UnmergeOutcome> {
    const why = reason.trim();
    if (!why) throw new AppError('BAD_USER_INPUT', 'An unmerge needs a reason.', { field: 'reason' });
    if ((target.mergeId === undefined) === (target.mergedPersonPublicId === undefined)) {
      throw new AppError('BAD_USER_INPUT', 'Name the merge by mergeId or by personId (the merged-away person), not both.', { field: 'mergeId' });
    }
    return this.repo.transaction(async (tx): Promise<UnmergeOutcome> => {
      await this.engine.lock(tx);
      const merge =
        target.mergeId !== undefined ? await this.repo.findMerge(tx, target.mergeId) : await this.repo.activeMergeOfPublicId(tx, target.mergedPersonPublicId!);
      if (!merge || !(await this.repo.personsInScope([merge.survivorId, merge.mergedId], scope, tx))) return { kind: 'notFound', message: 'No such merge.' };
      if (merge.undoneAt) return { kind: 'alreadyUndone', merge };
      try {
        const r = await this.merges.unmerge(tx, merge.id, who, why);
        return { kind: 'unmerged', merge: (await this.repo.findMerge(tx, merge.id))!, survivorId: r.survivorId, restoredId: r.mergedId };
      } catch (e) {
        if (!(e instanceof MergeConflictError)) throw e;
        if (e.code === 'SUPERSEDED') return { kind: 'superseded', merge, laterMergeId: e.laterMergeId };
        if (e.code === 'ALREADY_UNDONE') return { kind: 'alreadyUndone', merge };
        if (e.code === 'MERGE_NOT_FOUND') return { kind: 'notFound', message: 'No such merge.' };
        return { kind: 'conflict', item: null, message: e.message };
      }
    });
  }

  // --- undo a record move -----------------------------------------------------------------------

  /** Undoes a relink (Person.recordMoves): the record goes back and is pinned apart, under the reconciliation lock. */
  async undoRecordMove(moveId: number, reason: string, who: StewardActor, scope: TerritoryScope | null): Promise<UndoMoveOutcome> {
    const why = reason.trim();
    if (!why) throw new AppError('BAD_USER_INPUT', 'Undoing a move needs a reason.', { field: 'reason' });
    return this.repo.transaction(async (tx): Promise<UndoMoveOutcome> => {
      await this.engine.lock(tx);
      const move = await this.repo.findMove(tx, moveId);
      if (!move || !(await this.repo.personsInScope([move.fromPersonId, move.toPersonId], scope, tx))) return { kind: 'notFound', message: 'No such move.' };
      if (move.undoneAt) return { kind: 'alreadyUndone', move };
      try {
        const r = await this.merges.undoMove(tx, move.id, who, why);
        return { kind: 'undone', move: (await this.repo.findMove(tx, move.id))!, fromPersonId: r.fromPersonId, toPersonId: r.toPersonId };
      } catch (e) {
        if (!(e instanceof MergeConflictError)) throw e;
        if (e.code === 'SUPERSEDED') return { kind: 'superseded', move, message: e.message };
        if (e.code === 'ALREADY_UNDONE') return { kind: 'alreadyUndone', move };
        if (e.code === 'MERGE_NOT_FOUND') return { kind: 'notFound', message: 'No such move.' };
        return { kind: 'conflict', item: null, message: e.message };
      }
    });
  }
}
