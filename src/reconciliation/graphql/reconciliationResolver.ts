import { Arg, Ctx, FieldResolver, ID, Int, Mutation, Query, Resolver, Root } from 'type-graphql';
import { decodeCursor } from '../../kernel';
import type { ReconciliationState as State } from '../reconciliationRepository';
import type { ReconciliationContext } from './context';
import { toReconciliationRun } from './mappers';
import { Allow, OPERATION_ROLES, nodePage, parseId } from '../../graphql/shared';
import { MeasuredPrecision, ReconciliationRun, ReconciliationRunConnection, ReconciliationState, StartReconciliationResult } from './reconciliationTypes';
/** Readers of run dashboards: operators, stewards (the queue's context) and admins. No personal data. */
const RUN_READERS = ['operator', 'steward', 'admin'] as const;

@Resolver(() => ReconciliationRun)
export class ReconciliationResolver {
  @Allow(...RUN_READERS)
  @Query(() => ReconciliationRunConnection, { description: 'Reconciliation runs, newest first.' })
  async reconciliationRuns(
    @Ctx() ctx: ReconciliationContext,
    @Arg('state', () => ReconciliationState, { nullable: true }) state?: State,
    @Arg('first', () => Int, { defaultValue: 20 }) first = 20,
    @Arg('after', () => String, { nullable: true }) after?: string,
  ): Promise<ReconciliationRunConnection> {
    const page = await ctx.services.reconciliationRuns.list({ states: state ? [state] : undefined, first, after: after ? decodeCursor(after) : undefined });
    return nodePage(page.runs, page.hasNextPage, (r) => r.id, toReconciliationRun);
  }

  @Allow(...RUN_READERS)
  @Query(() => ReconciliationRun, { nullable: true })
  async reconciliationRun(@Arg('id', () => ID) id: string, @Ctx() ctx: ReconciliationContext): Promise<ReconciliationRun | null> {
    const row = await ctx.services.reconciliationRuns.get(parseId(id, 'a reconciliation run id'));
    return row && toReconciliationRun(row);
  }

  @Allow(...OPERATION_ROLES)
  @Mutation(() => StartReconciliationResult, {
    description: 'Reconciles everything imported and not yet matched; returns the run already under way if there is one.',
  })
  async startReconciliation(@Ctx() ctx: ReconciliationContext): Promise<StartReconciliationResult> {
    const { run, created } = await ctx.services.reconciliationRuns.start();
    return { run: toReconciliationRun(run), created };
  }

  @FieldResolver(() => MeasuredPrecision, {
    description: 'Precision of this run’s automatic links as measured by stewards on its AUTO_LINK_AUDIT sample.',
  })
  measuredPrecision(@Root() run: ReconciliationRun, @Ctx() ctx: ReconciliationContext): Promise<MeasuredPrecision> {
    return ctx.loaders.precisionByRun.load(run.internalId);
  }
}
