import { Arg, Ctx, Int, Query, Resolver } from 'type-graphql';
import { ANY_ROLE, Allow, LocalDateScalar, REGISTRY_ROLES } from '../../graphql/shared';
import type { CountFacet, TerritoryLevel as Level } from '../logroReportRepository';
import type { LogroState } from '../rules';
import type { LogrosContext } from './context';
import { LogroCountFilter, LogroCountUnit, LogroCounts, LogroFacet, TerritorialReport, TerritoryLevel } from './reportTypes';

@Resolver(() => TerritorialReport)
export class TerritorialReportResolver {
  // Operators plan the local offer against the demand, so they read the report too: it holds no
  // personal data, and every role but stewards and admins gets it under disclosure control.
  @Allow(...ANY_ROLE)
  @Query(() => TerritorialReport, {
    description:
      'Per territory and logro: households POR ALCANZAR (demand), cupos offered (supply), the gap, and the demand by Sisbén group and displaced/not. ' +
      'From maintained aggregates; within the caller’s territory; readers get disclosure control (DisclosedCount).',
  })
  async territorialReport(
    @Ctx() ctx: LogrosContext,
    @Arg('level', () => TerritoryLevel, { defaultValue: 'municipality' }) level: Level,
    @Arg('department', () => String, { nullable: true, description: 'Only this department (DANE code).' }) department?: string | null,
    @Arg('municipality', () => String, { nullable: true, description: 'Only this municipality (DANE code).' }) municipality?: string | null,
    @Arg('logros', () => [Int], { nullable: true, description: 'Only these LB numbers.' }) logros?: number[] | null,
    @Arg('asOf', () => LocalDateScalar, { nullable: true, description: 'Date the offer must be in its period on (default: today).' }) asOf?: string | null,
  ): Promise<TerritorialReport> {
    const report = await ctx.services.logroReports.territorialReport(
      { level, department, municipality, logros },
      { role: ctx.principal.role, scope: ctx.scope },
      asOf ?? new Date().toISOString().slice(0, 10),
    );
    return { ...report, lines: report.lines.map((l) => ({ ...l, logroId: l.logro })) };
  }

  @Allow(...REGISTRY_ROLES)
  @Query(() => LogroCounts, {
    description:
      'Households or persons per logro, counted by facets (territory, state, Sisbén group, displaced, health state). Filter on one logro or group by LOGRO. ' +
      'Within the caller’s territory; readers get disclosure control.',
  })
  async logroCounts(
    @Ctx() ctx: LogrosContext,
    @Arg('unit', () => LogroCountUnit, { defaultValue: 'households' }) unit: 'households' | 'persons',
    @Arg('filter', () => LogroCountFilter, { nullable: true }) filter?: LogroCountFilter | null,
    @Arg('groupBy', () => [LogroFacet], { defaultValue: [] }) groupBy?: CountFacet[],
  ): Promise<LogroCounts> {
    const f = filter ?? {};
    const answer = await ctx.services.logroReports.counts(unit, { ...f, state: (f.state as LogroState | null | undefined) ?? null }, groupBy ?? [], {
      role: ctx.principal.role,
      scope: ctx.scope,
    });
    return { unit, ...answer, groups: answer.groups.map(({ logro, ...g }) => ({ ...g, logroId: logro })) };
  }
}
