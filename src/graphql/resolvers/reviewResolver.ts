import { Arg, Ctx, FieldResolver, ID, Int, Mutation, Query, Resolver, Root } from 'type-graphql';
import { AppError } from '../../kernel/errors';
import { encodeCursor } from '../../kernel/paging';
import type { ReviewDecisionKind as DecisionKind, ReviewDecisionRow, ReviewItemRow, ReviewReason as Reason, ReviewStatus as Status } from '../../repositories/reviewRepository';
import type { ClaimOutcome, DecideOutcome, ReleaseOutcome, StewardActor, UnmergeOutcome } from '../../services/stewardship/outcomes';
import { isUuid } from '../../kernel/ids';
import type { GraphQLContext } from '../context';
import { toPerson } from '../mappers';
import { Allow } from '../security/rules';
import { Sensitive } from '../sensitivity';
import { Person, SourceRecord } from '../types/person';
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
  ReviewReason,
  ReviewStatus,
  UnmergeResult,
} from '../types/review';
import { RecordLink } from '../types/links';
import { sourceRecordOf, toRecordLink } from './linksResolver';

const STEWARDS = ['steward', 'admin'] as const;

export const toReviewItem = (r: ReviewItemRow): ReviewItem => ({
  id: String(r.id),
  internalId: r.id,
  reason: r.reason,
  status: r.status,
  version: r.version,
  score: r.score,
  municipalityCode: r.municipalityCode,
  reconciliationRunId: r.reconciliationRunId === null ? null : String(r.reconciliationRunId),
  claimedBy: r.claimExpiresAt && r.claimExpiresAt > new Date() ? r.claimedBy : null,
  claimedUntil: r.claimExpiresAt && r.claimExpiresAt > new Date() ? r.claimExpiresAt : null,
  createdAt: r.createdAt,
  decidedAt: r.decidedAt,
  personAId: r.personAId,
  personBId: r.personBId,
  sourceEntityId: r.sourceEntityId,
  candidateEntityId: r.candidateEntityId,
  householdId: r.householdId,
  explanationJson: r.explanation,
  row: r,
});

const toDecisionRecord = (d: ReviewDecisionRow): ReviewDecisionRecord => ({
  id: String(d.id),
  decision: d.decision,
  reason: d.reason,
  actor: d.actor,
  mergeId: d.mergeId === null ? null : String(d.mergeId),
  decidedAt: d.createdAt,
});

/** Stored explanations differ by reason: the matcher's full explanation, or reason codes only. */
export function toExplanation(json: unknown): MatchExplanation | null {
  if (!json || typeof json !== 'object') return null;
  const e = json as Record<string, unknown>;
  const num = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? v : null);
  return {
    tier: typeof e.tier === 'string' ? e.tier : null,
    reasons: Array.isArray(e.reasons) ? e.reasons.map(String) : [],
    matchWeight: num(e.matchWeight),
    probability: num(e.probability),
    modelVersion: typeof e.modelVersion === 'string' ? e.modelVersion : null,
    contributions: Array.isArray(e.contributions)
      ? e.contributions.map((c: any) => ({ field: String(c.field), level: String(c.level), weight: Number(c.weight) }))
      : [],
  };
}

export const actorOf = (ctx: GraphQLContext): StewardActor => ({ actor: ctx.principal.actor, actorRole: ctx.principal.role, requestId: ctx.requestId });

const parseId = (id: string, field = 'id') => {
  const n = Number(id);
  if (!Number.isSafeInteger(n) || n <= 0) throw new AppError('BAD_USER_INPUT', `Not a valid ${field}.`, { field });
  return n;
};

async function personOf(ctx: GraphQLContext, id: number | null): Promise<Person | null> {
  if (id === null) return null;
  const p = await ctx.loaders.personById.load(id);
  return p && toPerson(p);
}

function decideResult(o: DecideOutcome, ctx: GraphQLContext) {
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

function commonResult(o: Exclude<DecideOutcome | ClaimOutcome | ReleaseOutcome, { kind: 'decided' | 'claimed' | 'released' }>, _ctx: GraphQLContext) {
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
    @Ctx() ctx: GraphQLContext,
    @Arg('status', () => [ReviewStatus], { nullable: true }) status?: Status[],
    @Arg('reason', () => [ReviewReason], { nullable: true }) reason?: Reason[],
    @Arg('municipality', () => String, { nullable: true, description: 'DANE code of 5 digits.' }) municipality?: string,
    @Arg('first', () => Int, { defaultValue: 20 }) first = 20,
    @Arg('after', () => String, { nullable: true }) after?: string,
  ): Promise<ReviewItemConnection> {
    const page = await ctx.services.review.list({ statuses: status, reasons: reason, municipality, first, after }, ctx.scope);
    return {
      nodes: page.items.map(toReviewItem),
      hasNextPage: page.hasNextPage,
      endCursor: page.items.length ? encodeCursor(page.items[page.items.length - 1].id) : null,
    };
  }

  @Allow(...STEWARDS)
  @Query(() => ReviewItem, { nullable: true })
  async reviewItem(@Arg('id', () => ID) id: string, @Ctx() ctx: GraphQLContext): Promise<ReviewItem | null> {
    const row = await ctx.services.review.get(parseId(id), ctx.scope);
    return row && toReviewItem(row);
  }

  @Allow(...STEWARDS)
  @Mutation(() => ClaimReviewItemResult, { description: 'Claims an item for REVIEW_CLAIM_MINUTES (exclusive; claim again to extend). Refreshes the item’s view of its persons.' })
  async claimReviewItem(@Arg('id', () => ID) id: string, @Ctx() ctx: GraphQLContext) {
    const o = await ctx.services.review.claim(parseId(id), actorOf(ctx), ctx.scope);
    if (o.kind === 'claimed') return { kind: 'ReviewItemClaimed' as const, item: toReviewItem(o.item), claimedUntil: o.item.claimExpiresAt! };
    return commonResult(o, ctx);
  }

  @Allow(...STEWARDS)
  @Mutation(() => ReleaseReviewItemResult, { description: 'Gives a claim back before it expires.' })
  async releaseReviewItem(@Arg('id', () => ID) id: string, @Ctx() ctx: GraphQLContext) {
    const o = await ctx.services.review.release(parseId(id), actorOf(ctx), ctx.scope);
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
    @Ctx() ctx: GraphQLContext,
  ) {
    const o = await ctx.services.review.decide(parseId(id), decision, reason, expectedVersion, actorOf(ctx), ctx.scope);
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
    @Ctx() ctx: GraphQLContext,
    @Arg('mergeId', () => ID, { nullable: true }) mergeId?: string,
    @Arg('personId', () => ID, { nullable: true }) personId?: string,
  ) {
    if (personId !== undefined && personId !== null && !isUuid(personId)) return { kind: 'NotFound' as const, message: 'No such person.' };
    const o: UnmergeOutcome = await ctx.services.review.unmerge(
      { mergeId: mergeId != null ? parseId(mergeId, 'mergeId') : undefined, mergedPersonPublicId: personId ?? undefined },
      reason,
      actorOf(ctx),
      ctx.scope,
    );
    switch (o.kind) {
      case 'unmerged':
        return { kind: 'Unmerged' as const, mergeId: String(o.merge.id), survivor: await personOf(ctx, o.survivorId), restored: await personOf(ctx, o.restoredId) };
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

  // --- the item's sides and evidence ---------------------------------------------------------

  @FieldResolver(() => Person, { nullable: true, description: 'The older person (null when outside your territory).' })
  @Sensitive('personal')
  personA(@Root() item: ReviewItem, @Ctx() ctx: GraphQLContext) {
    return personOf(ctx, item.personAId);
  }

  @FieldResolver(() => Person, { nullable: true, description: 'The other person, for items about two persons.' })
  @Sensitive('personal')
  personB(@Root() item: ReviewItem, @Ctx() ctx: GraphQLContext) {
    return personOf(ctx, item.personBId);
  }

  @FieldResolver(() => SourceRecord, { nullable: true, description: 'The record in question (current version).' })
  @Sensitive('public')
  async record(@Root() item: ReviewItem, @Ctx() ctx: GraphQLContext) {
    if (item.sourceEntityId === null) return null;
    const e = await ctx.loaders.entityById.load(item.sourceEntityId);
    return e ? sourceRecordOf(e.currentRecordId, ctx) : null;
  }

  @FieldResolver(() => SourceRecord, { nullable: true, description: 'The record it was compared with (or matched, for a linked record).' })
  @Sensitive('public')
  async candidateRecord(@Root() item: ReviewItem, @Ctx() ctx: GraphQLContext) {
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
  async link(@Root() item: ReviewItem, @Ctx() ctx: GraphQLContext) {
    if (item.sourceEntityId === null) return null;
    const links = await ctx.loaders.linksByPerson.load(item.personAId);
    const l = links.find((x) => x.entityId === item.sourceEntityId);
    return l ? toRecordLink(l) : null;
  }

  @FieldResolver(() => RecordComparison, { nullable: true, description: 'The two records field by field, scored by today’s model.' })
  @Sensitive('personal')
  async comparison(@Root() item: ReviewItem, @Ctx() ctx: GraphQLContext): Promise<RecordComparison | null> {
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
      leftRecordId: c.left.currentRecordId,
      rightRecordId: c.right.currentRecordId,
      leftPersonId: c.left.personId,
      rightPersonId: c.right.personId,
    };
  }

  @FieldResolver(() => [ReviewDecisionRecord], { description: 'Decisions on this item, oldest first (deferrals included).' })
  @Sensitive('personal')
  async decisions(@Root() item: ReviewItem, @Ctx() ctx: GraphQLContext) {
    return (await ctx.loaders.reviewDecisionsByItem.load(item.internalId)).map(toDecisionRecord);
  }
}

@Resolver(() => RecordComparison)
export class RecordComparisonResolver {
  @FieldResolver(() => SourceRecord, { nullable: true })
  @Sensitive('public')
  leftRecord(@Root() c: RecordComparison, @Ctx() ctx: GraphQLContext) {
    return sourceRecordOf(c.leftRecordId, ctx);
  }

  @FieldResolver(() => SourceRecord, { nullable: true })
  @Sensitive('public')
  rightRecord(@Root() c: RecordComparison, @Ctx() ctx: GraphQLContext) {
    return sourceRecordOf(c.rightRecordId, ctx);
  }
}
