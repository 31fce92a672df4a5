import { Arg, Ctx, Extensions, FieldResolver, Float, ID, Int, Mutation, Query, Resolver, Root } from 'type-graphql';
import { isUuid } from '../../kernel';
import type { ReviewDecisionKind as DecisionKind, ReviewReason as Reason, ReviewStatus as Status } from '../reviewRepository';
import type { ClaimOutcome, DecideOutcome, ReleaseOutcome, StewardActor, UndoMoveOutcome, UnmergeOutcome } from '../outcomes';
import type { StewardshipContext } from './context';
import { toPerson, Person, SourceRecord, sourceRecordOf, TOTAL_COUNT_COST } from '../../registry';
import { Allow, DateTimeScalar, Sensitive, nodePage, parseId } from '../../graphql/shared';
import {
  ClaimReviewItemResult,
  DecideReviewItemResult,
  MatchExplanation,
  RecordComparison,
  ReleaseReviewItemResult,
  ReviewDecisionKind,
  ReviewDecisionRecord,
  ReviewItem,
  ReviewItemConnection,
  ReviewCounts,
  ReviewReason,
  ReviewStatus,
  UnmergeResult,
  UndoRecordMoveResult,
} from './reviewTypes';
import { RecordLink } from './linksTypes';
import { toDecisionRecord, toExplanation, toRecordLink, toReviewItem } from './mappers';
const STEWARDS = ['steward', 'admin'] as const;
/** GraphQL passes an explicit null for a nullable argument given as null: the service takes undefined. */
const nn = <T>(v: T | null | undefined): T | undefined => (v === null ? undefined : v);

export const actorOf = (ctx: StewardshipContext): StewardActor => ({ actor: ctx.principal.actor, actorRole: ctx.principal.role, requestId: ctx.requestId });

async function personOf(ctx: StewardshipContext, id: number | null): Promise<Person | null> {
  if (id === null) return null;
  const p = await ctx.loaders.personById.load(id);
  return p && toPerson(p);
}

function decideResult(o: DecideOutcome, ctx: StewardshipContext) {
  switch (o.kind) {
    case 'decided':
      return {
        kind: 'ReviewDecided' as const,
        item: toReviewItem(o.item),
        decision: o.decision,
        decisionId: String(o.decisionId),
        mergeId: o.mergeId === null ? null : String(o.mergeId),
        person: null as Person | null,
        newPerson: null as Person | null,
        pinsCreated: o.pinsCreated,
        pinsRevoked: o.pinsRevoked,
        personInternal: o.personId,
        newPersonInternal: o.newPersonId,
      };
    default:
      return commonResult(o, ctx);
  }
}

function commonResult(o: Exclude<DecideOutcome | ClaimOutcome | ReleaseOutcome, { kind: 'decided' | 'claimed' | 'released' }>, _ctx: StewardshipContext) {
  switch (o.kind) {
    case 'notFound':
      return { kind: 'NotFound' as const, message: o.message };
    case 'alreadyDecided':
      return { kind: 'AlreadyDecided' as const, item: toReviewItem(o.item), previousDecision: o.decision && toDecisionRecord(o.decision) };
    case 'claimedByOther':
      return { kind: 'ClaimedByOther' as const, item: toReviewItem(o.item), claimedUntil: o.claimedUntil };
    case 'stale':
      return { kind: 'StaleItem' as const, item: toReviewItem(o.item), message: o.message };
    case 'conflict':
      return { kind: 'Conflict' as const, item: o.item && toReviewItem(o.item), currentVersion: o.item?.version ?? null, message: o.message };
    case 'invalid':
      return { kind: 'InvalidDecision' as const, item: toReviewItem(o.item), message: o.message };
    case 'notClaimed':
      return { kind: 'NotClaimed' as const, code: 'NOT_CLAIMED', item: toReviewItem(o.item), message: o.message };
  }
}

/**
 * The review queue (stewards and admins, inside their territory): list, read with both sides and a
 * field-by-field comparison, claim, decide, defer, unmerge. Expected failures are union members.
 */
@Resolver(() => ReviewItem)
export class ReviewResolver {
  @Allow(...STEWARDS)
  @Query(() => ReviewItemConnection, { description: 'The review queue, oldest first. Without status: OPEN and DEFERRED items.' })
  async reviewItems(
    @Ctx() ctx: StewardshipContext,
    @Arg('status', () => [ReviewStatus], { nullable: true }) status?: Status[],
    @Arg('reason', () => [ReviewReason], { nullable: true }) reason?: Reason[],
    @Arg('municipality', () => String, { nullable: true, description: 'DANE code of 5 digits.' }) municipality?: string,
    @Arg('minScore', () => Float, { nullable: true, description: 'Score band: items whose match probability is at least this (0–1).' }) minScore?: number,
    @Arg('maxScore', () => Float, { nullable: true, description: 'Score band: at most this (0–1).' }) maxScore?: number,
    @Arg('hasScore', () => Boolean, { nullable: true, description: 'true: only scored items; false: only items raised by a rule without a score.' })
    hasScore?: boolean,
    @Arg('raisedBefore', () => DateTimeScalar, { nullable: true, description: 'Age: only items raised before this instant.' }) raisedBefore?: Date,
    @Arg('first', () => Int, { defaultValue: 20 }) first = 20,
    @Arg('after', () => String, { nullable: true }) after?: string,
  ): Promise<ReviewItemConnection> {
    const page = await ctx.services.review.list(
      {
        statuses: status,
        reasons: reason,
        municipality,
        minScore: nn(minScore),
        maxScore: nn(maxScore),
        hasScore: nn(hasScore),
        raisedBefore: nn(raisedBefore),
        first,
        after,
      },
      ctx.scope,
    );
    return { ...nodePage(page.items, page.hasNextPage, (r) => r.id, toReviewItem), totalCount: page.totalCount };
  }

  @Allow(...STEWARDS)
  @Query(() => ReviewCounts, { description: 'The review items counted by reason and by status (inside your territory). Without status: every status.' })
  @Extensions({ cost: TOTAL_COUNT_COST })
  async reviewCounts(
    @Ctx() ctx: StewardshipContext,
    @Arg('status', () => [ReviewStatus], { nullable: true }) status?: Status[],
    @Arg('municipality', () => String, { nullable: true, description: 'DANE code of 5 digits.' }) municipality?: string,
  ): Promise<ReviewCounts> {
    const c = await ctx.services.review.counts({ statuses: status, municipality }, ctx.scope);
    return { total: c.byStatus.reduce((n, s) => n + s.count, 0), byReason: c.byReason, byStatus: c.byStatus };
  }

  @Allow(...STEWARDS)
  @Query(() => ReviewItem, { nullable: true })
  async reviewItem(@Arg('id', () => ID) id: string, @Ctx() ctx: StewardshipContext): Promise<ReviewItem | null> {
    const row = await ctx.services.review.get(parseId(id, 'a valid id'), ctx.scope);
    return row && toReviewItem(row);
  }

  @Allow(...STEWARDS)
  @Mutation(() => ClaimReviewItemResult, {
    description: 'Claims an item for REVIEW_CLAIM_MINUTES (exclusive; claim again to extend). Refreshes the item’s view of its persons.',
  })
  async claimReviewItem(@Arg('id', () => ID) id: string, @Ctx() ctx: StewardshipContext) {
    const o = await ctx.services.review.claim(parseId(id, 'a valid id'), actorOf(ctx), ctx.scope);
    if (o.kind === 'claimed') return { kind: 'ReviewItemClaimed' as const, item: toReviewItem(o.item), claimedUntil: o.item.claimExpiresAt! };
    return commonResult(o, ctx);
  }

  @Allow(...STEWARDS)
  @Mutation(() => ReleaseReviewItemResult, { description: 'Gives a claim back before it expires.' })
  async releaseReviewItem(@Arg('id', () => ID) id: string, @Ctx() ctx: StewardshipContext) {
    const o = await ctx.services.review.release(parseId(id, 'a valid id'), actorOf(ctx), ctx.scope);
    if (o.kind === 'released') return { kind: 'ReviewItemReleased' as const, item: toReviewItem(o.item) };
    return commonResult(o, ctx);
  }

  @Allow(...STEWARDS)
  @Mutation(() => DecideReviewItemResult, {
    description:
      'Decides an item. SAME_PERSON merges the two persons (survivor: the older) and pins the records together; DIFFERENT_PERSONS pins them apart ' +
      '(and detaches a wrongly linked record into a new person); DEFER keeps it queued. expectedVersion is the version you read (after claiming).',
  })
  async decideReviewItem(
    @Arg('id', () => ID) id: string,
    @Arg('decision', () => ReviewDecisionKind) decision: DecisionKind,
    @Arg('reason', () => String, { description: 'Why (kept with the decision and in the audit log).' }) reason: string,
    @Arg('expectedVersion', () => Int) expectedVersion: number,
    @Ctx() ctx: StewardshipContext,
  ) {
    const o = await ctx.services.review.decide(parseId(id, 'a valid id'), decision, reason, expectedVersion, actorOf(ctx), ctx.scope);
    const r = decideResult(o, ctx);
    if (r.kind === 'ReviewDecided') {
      r.person = await personOf(ctx, r.personInternal);
      r.newPerson = await personOf(ctx, r.newPersonInternal);
    }
    return r;
  }

  @Allow(...STEWARDS)
  @Mutation(() => UnmergeResult, { description: 'Undoes a merge: by mergeId (Person.merges) or by personId, the public id of the person merged away.' })
  async unmerge(
    @Arg('reason', () => String) reason: string,
    @Ctx() ctx: StewardshipContext,
    @Arg('mergeId', () => ID, { nullable: true }) mergeId?: string,
    @Arg('personId', () => ID, { nullable: true }) personId?: string,
  ) {
    if (personId !== undefined && personId !== null && !isUuid(personId)) return { kind: 'NotFound' as const, message: 'No such person.' };
    const o: UnmergeOutcome = await ctx.services.review.unmerge(
      { mergeId: mergeId != null ? parseId(mergeId, 'a valid mergeId', 'mergeId') : undefined, mergedPersonPublicId: personId ?? undefined },
      reason,
      actorOf(ctx),
      ctx.scope,
    );
    switch (o.kind) {
      case 'unmerged':
        return {
          kind: 'Unmerged' as const,
          mergeId: String(o.merge.id),
          survivor: await personOf(ctx, o.survivorId),
          restored: await personOf(ctx, o.restoredId),
        };
      case 'alreadyUndone':
        return { kind: 'MergeAlreadyUndone' as const, mergeId: String(o.merge.id), undoneAt: o.merge.undoneAt };
      case 'superseded':
        return { kind: 'MergeSuperseded' as const, mergeId: String(o.merge.id), laterMergeId: o.laterMergeId === null ? null : String(o.laterMergeId) };
      case 'conflict':
        return { kind: 'Conflict' as const, item: null, currentVersion: null, message: o.message };
      case 'notFound':
        return { kind: 'NotFound' as const, message: o.message };
    }
  }

  @Allow(...STEWARDS)
  @Mutation(() => UndoRecordMoveResult, {
    description: 'Undoes a move of one record between persons (Person.recordMoves): the record goes back and is pinned apart from the person it had moved to.',
  })
  async undoRecordMove(@Arg('moveId', () => ID) moveId: string, @Arg('reason', () => String) reason: string, @Ctx() ctx: StewardshipContext) {
    const o: UndoMoveOutcome = await ctx.services.review.undoRecordMove(parseId(moveId, 'a valid moveId', 'moveId'), reason, actorOf(ctx), ctx.scope);
    switch (o.kind) {
      case 'undone':
        return {
          kind: 'RecordMoveUndone' as const,
          moveId: String(o.move.id),
          person: await personOf(ctx, o.fromPersonId),
          movedFrom: await personOf(ctx, o.toPersonId),
        };
      case 'alreadyUndone':
        return { kind: 'RecordMoveAlreadyUndone' as const, moveId: String(o.move.id), undoneAt: o.move.undoneAt };
      case 'superseded':
        return { kind: 'RecordMoveSuperseded' as const, moveId: String(o.move.id), message: o.message };
      case 'conflict':
        return { kind: 'Conflict' as const, item: null, currentVersion: null, message: o.message };
      case 'notFound':
        return { kind: 'NotFound' as const, message: o.message };
    }
  }

  // --- the item's sides and evidence ---------------------------------------------------------

  @FieldResolver(() => Person, { nullable: true, description: 'The older person (null when outside your territory).' })
  @Sensitive('personal')
  personA(@Root() item: ReviewItem, @Ctx() ctx: StewardshipContext) {
    return personOf(ctx, item.personAId);
  }

  @FieldResolver(() => Person, { nullable: true, description: 'The other person, for items about two persons.' })
  @Sensitive('personal')
  personB(@Root() item: ReviewItem, @Ctx() ctx: StewardshipContext) {
    return personOf(ctx, item.personBId);
  }

  @FieldResolver(() => SourceRecord, { nullable: true, description: 'The record in question (current version).' })
  @Sensitive('public')
  async record(@Root() item: ReviewItem, @Ctx() ctx: StewardshipContext) {
    if (item.sourceEntityId === null) return null;
    const e = await ctx.loaders.entityById.load(item.sourceEntityId);
    return e ? sourceRecordOf(e.currentRecordId, ctx) : null;
  }

  @FieldResolver(() => SourceRecord, { nullable: true, description: 'The record it was compared with (or matched, for a linked record).' })
  @Sensitive('public')
  async candidateRecord(@Root() item: ReviewItem, @Ctx() ctx: StewardshipContext) {
    if (item.candidateEntityId === null) return null;
    const e = await ctx.loaders.entityById.load(item.candidateEntityId);
    return e ? sourceRecordOf(e.currentRecordId, ctx) : null;
  }

  @FieldResolver(() => MatchExplanation, { nullable: true, description: 'What the engine saw when it raised the item: tier, reasons, weights.' })
  @Sensitive('public')
  explanation(@Root() item: ReviewItem) {
    return toExplanation(item.explanationJson);
  }

  @FieldResolver(() => RecordLink, { nullable: true, description: 'For an item about a linked record: how it was linked.' })
  @Sensitive('public')
  async link(@Root() item: ReviewItem, @Ctx() ctx: StewardshipContext) {
    if (item.sourceEntityId === null) return null;
    const links = await ctx.loaders.linksByPerson.load(item.personAId);
    const l = links.find((x) => x.entityId === item.sourceEntityId);
    return l ? toRecordLink(l) : null;
  }

  @FieldResolver(() => RecordComparison, {
    nullable: true,
    description: 'The two records field by field (left: person A’s, right: person B’s), scored by the model that raised the item; `current`: today’s model.',
  })
  @Sensitive('personal')
  async comparison(@Root() item: ReviewItem, @Ctx() ctx: StewardshipContext): Promise<RecordComparison | null> {
    const c = await ctx.services.review.comparison(item.row);
    if (!c) return null;
    return {
      fields: c.fields,
      leftDocument: { type: c.left.docType, number: c.left.docNumber, entityId: c.left.id, personId: c.left.personId },
      rightDocument: { type: c.right.docType, number: c.right.docNumber, entityId: c.right.id, personId: c.right.personId },
      matchWeight: c.matchWeight,
      probability: c.probability,
      outcome: c.outcome,
      tier: c.tier,
      reasons: c.reasons,
      modelVersion: c.modelVersion,
      scoredWith: c.scoredWith,
      current: c.current,
      leftSide: c.leftSide,
      rightSide: c.rightSide,
      leftRecordId: c.left.currentRecordId,
      rightRecordId: c.right.currentRecordId,
      leftPersonId: c.left.personId,
      rightPersonId: c.right.personId,
    };
  }

  @FieldResolver(() => [ReviewDecisionRecord], { description: 'Decisions on this item, oldest first (deferrals included).' })
  @Sensitive('personal')
  async decisions(@Root() item: ReviewItem, @Ctx() ctx: StewardshipContext) {
    return (await ctx.loaders.reviewDecisionsByItem.load(item.internalId)).map(toDecisionRecord);
  }
}

@Resolver(() => RecordComparison)
export class RecordComparisonResolver {
  @FieldResolver(() => SourceRecord, { nullable: true })
  @Sensitive('public')
  leftRecord(@Root() c: RecordComparison, @Ctx() ctx: StewardshipContext) {
    return sourceRecordOf(c.leftRecordId, ctx);
  }

  @FieldResolver(() => SourceRecord, { nullable: true })
  @Sensitive('public')
  rightRecord(@Root() c: RecordComparison, @Ctx() ctx: StewardshipContext) {
    return sourceRecordOf(c.rightRecordId, ctx);
  }
}
