import { Arg, Ctx, FieldResolver, ID, Int, Mutation, Query, Resolver, Root } from 'type-graphql';
import { AppError } from '../../kernel/errors';
import { decodeCursor, encodeCursor } from '../../kernel/paging';
import type { ReconciliationRunRow, ReconciliationState as State } from '../../repositories/reconciliationRepository';
import type { GraphQLContext } from '../context';
import { Allow, OPERATION_ROLES } from '../security/rules';
import { MeasuredPrecision, ReconciliationRun, ReconciliationRunConnection, ReconciliationState, StartReconciliationResult } from '../types/reconciliation';

export const toReconciliationRun = (r: ReconciliationRunRow): ReconciliationRun => {
  const settings = (r.settings ?? {}) as { linkProbability?: number; reviewProbability?: number };
  const stats = (r.blockingStats ?? {}) as Record<string, number>;
  return {
    id: String(r.id),
    internalId: r.id,
    state: r.state,
    trigger: r.trigger,
    importRunId: r.importRunId === null ? null : String(r.importRunId),
    modelVersion: r.modelVersion,
    recordsPending: r.recordsPending,
    processed: r.recordsProcessed,
    pairsCompared: r.pairsCompared,
    autoLinked: r.autoLinked,
    newPersons: r.newPersons,
    reviewItems: r.reviewItems,
    mergesProposed: r.mergesProposed,
    mergesApplied: r.mergesApplied,
    breakerTripped: r.breakerTripped,
    blockingStats: Object.entries(stats).map(([rule, comparisons]) => ({ rule, comparisons: Number(comparisons) })),
    linkProbability: settings.linkProbability ?? null,
    reviewProbability: settings.reviewProbability ?? null,
    failureReason: r.failureReason,
    attempts: r.attempts,
    createdAt: r.createdAt,
    startedAt: r.startedAt,
    finishedAt: r.finishedAt,
  };
};

/** Readers of run dashboards: operators, stewards (the queue's context) and admins. No personal data. */
const RUN_READERS = ['operator', 'steward', 'admin'] as const;

@Resolver(() => ReconciliationRun)
export class ReconciliationResolver {
  @Allow(...RUN_READERS)
  @Query(() => ReconciliationRunConnection, { description: 'Reconciliation runs, newest first.' })
  async reconciliationRuns(
    @Ctx() ctx: GraphQLContext,
    @Arg('state', () => ReconciliationState, { nullable: true }) state?: State,
    @Arg('first', () => Int, { defaultValue: 20 }) first = 20,
    @Arg('after', () => String, { nullable: true }) after?: string,
  ): Promise<ReconciliationRunConnection> {
    const page = await ctx.services.reconciliationRuns.list({ states: state ? [state] : undefined, first, after: after ? decodeCursor(after) : undefined });
    return {
      nodes: page.runs.map(toReconciliationRun),
      hasNextPage: page.hasNextPage,
      endCursor: page.runs.length ? encodeCursor(page.runs[page.runs.length - 1].id) : null,
    };
  }

  @Allow(...RUN_READERS)
  @Query(() => ReconciliationRun, { nullable: true })
  async reconciliationRun(@Arg('id', () => ID) id: string, @Ctx() ctx: GraphQLContext): Promise<ReconciliationRun | null> {
    const n = Number(id);
    if (!Number.isSafeInteger(n) || n <= 0) throw new AppError('BAD_USER_INPUT', 'Not a reconciliation run id.', { field: 'id' });
    const row = await ctx.services.reconciliationRuns.get(n);
    return row && toReconciliationRun(row);
  }

  @Allow(...OPERATION_ROLES)
  @Mutation(() => StartReconciliationResult, {
    description: 'Reconciles everything imported and not yet matched; returns the run already under way if there is one.',
  })
  async startReconciliation(@Ctx() ctx: GraphQLContext): Promise<StartReconciliationResult> {
    const { run, created } = await ctx.services.reconciliationRuns.start();
    return { run: toReconciliationRun(run), created };
  }

  @FieldResolver(() => MeasuredPrecision, {
    description: 'Precision of this run’s automatic links as measured by stewards on its AUTO_LINK_AUDIT sample.',
  })
  measuredPrecision(@Root() run: ReconciliationRun, @Ctx() ctx: GraphQLContext): Promise<MeasuredPrecision> {
    return ctx.loaders.precisionByRun.load(run.internalId);
  }
}
