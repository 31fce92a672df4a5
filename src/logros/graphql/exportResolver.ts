import { Arg, Ctx, ID, Int, Mutation, Query, Resolver } from 'type-graphql';
import { Allow, LocalDateScalar, REGISTRY_ROLES, parseId } from '../../graphql/shared';
import type { LogroExportFormat as Format, LogroExportRow } from '../logroExportRepository';
import type { TerritoryLevel as Level } from '../logroReportRepository';
import type { LogrosContext } from './context';
import { LogroExport, LogroExportFormat } from './exportTypes';
import { TerritoryLevel } from './reportTypes';

const toLogroExport = (r: LogroExportRow): LogroExport => ({
  id: String(r.id),
  kind: r.kind,
  format: r.format,
  state: r.state,
  rowsDone: r.rowsDone,
  rowsTotal: r.rowsTotal,
  fileName: r.fileName,
  requestedBy: r.requestedBy,
  failureReason: r.failureReason,
  createdAt: r.createdAt,
  finishedAt: r.finishedAt,
});

@Resolver(() => LogroExport)
export class LogroExportResolver {
  @Allow(...REGISTRY_ROLES)
  @Mutation(() => LogroExport, {
    description:
      'Exports the territorial report (CSV or XLSX) by a background job, with the caller’s territory and disclosure control (a suppressed count is written "<5"). Audited.',
  })
  async exportTerritorialReport(
    @Ctx() ctx: LogrosContext,
    @Arg('format', () => LogroExportFormat) format: Format,
    @Arg('level', () => TerritoryLevel, { defaultValue: 'municipality' }) level: Level,
    @Arg('department', () => String, { nullable: true }) department?: string | null,
    @Arg('municipality', () => String, { nullable: true }) municipality?: string | null,
    @Arg('logros', () => [Int], { nullable: true }) logros?: number[] | null,
    @Arg('asOf', () => LocalDateScalar, { nullable: true }) asOf?: string | null,
  ) {
    return toLogroExport(
      await ctx.services.logroExports.requestReport(format, { level, department, municipality, logros, asOf }, ctx.principal, ctx.requestId),
    );
  }

  @Allow('steward', 'admin')
  @Mutation(() => LogroExport, {
    description:
      'Exports the households POR ALCANZAR for one logro in one municipality (CSV or XLSX) by a background job: household id, Sisbén ficha, zone, group, members pending. ' +
      'Stewards and admins, inside their territory. Audited.',
  })
  async exportPendingHouseholds(
    @Ctx() ctx: LogrosContext,
    @Arg('format', () => LogroExportFormat) format: Format,
    @Arg('logro', () => Int) logro: number,
    @Arg('municipality', () => String) municipality: string,
  ) {
    return toLogroExport(await ctx.services.logroExports.requestPendingHouseholds(format, logro, municipality, ctx.principal, ctx.requestId));
  }

  @Allow(...REGISTRY_ROLES)
  @Query(() => LogroExport, { nullable: true, description: 'A logro export and its progress (only the requester’s own, or any for admins).' })
  async logroExport(@Arg('id', () => ID) id: string, @Ctx() ctx: LogrosContext) {
    const row = await ctx.services.logroExports.get(parseId(id, 'a logro export id'));
    if (!row) return null;
    // Someone else's export answers as an absent one.
    if (row.requestedBy !== ctx.principal.actor && ctx.principal.role !== 'admin') return null;
    return toLogroExport(row);
  }
}
