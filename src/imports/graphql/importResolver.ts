import { Arg, Ctx, FieldResolver, Float, ID, Int, Mutation, Query, Resolver, Root } from 'type-graphql';
import { SOURCE_NAMES, AppError, checkPageSize, decodeCursor } from '../../kernel';
import type { ImportState as State } from '../importRepository';
import type { ImportsContext } from './context';
import { toImportRun } from './mappers';
import { Allow, OPERATION_ROLES, Source, fromSourceEnum, nodePage, parseId } from '../../graphql/shared';
import { ImportRowErrorConnection, ImportRun, ImportRunConnection, ImportState, IssueSeverity, StartImportResult } from './importTypes';
const runId = (id: string) => parseId(id, 'an import run id');
const sourceArg = (source: string | undefined) => {
  const src = source ? fromSourceEnum(source) : undefined;
  if (src && !SOURCE_NAMES.includes(src)) throw new AppError('BAD_USER_INPUT', 'Unknown source.', { field: 'source' });
  return src;
};

@Resolver(() => ImportRun)
export class ImportResolver {
  @Allow('operator', 'steward', 'admin')
  @Query(() => ImportRunConnection, { description: 'Import runs, newest first.' })
  async importRuns(
    @Ctx() ctx: ImportsContext,
    @Arg('source', () => Source, { nullable: true }) source?: string,
    @Arg('state', () => ImportState, { nullable: true }) state?: State,
    @Arg('first', () => Int, { defaultValue: 20 }) first = 20,
    @Arg('after', () => String, { nullable: true }) after?: string,
  ): Promise<ImportRunConnection> {
    checkPageSize(first, ctx.services.imports.maxPage);
    const rows = await ctx.services.imports.listRuns({
      source: source ? fromSourceEnum(source) : undefined,
      states: state ? [state] : undefined,
      first,
      after: after ? decodeCursor(after) : undefined,
      scope: ctx.scope,
    });
    return nodePage(
      rows.slice(0, first),
      rows.length > first,
      (r) => r.id,
      (r) => toImportRun(r, ctx.services.imports.limitsOf(r)),
    );
  }

  @Allow('operator', 'steward', 'admin')
  @Query(() => ImportRun, { nullable: true })
  async importRun(@Arg('id', () => ID) id: string, @Ctx() ctx: ImportsContext): Promise<ImportRun | null> {
    const row = await ctx.services.imports.getRun(runId(id), ctx.scope);
    return row && toImportRun(row, ctx.services.imports.limitsOf(row));
  }

  @FieldResolver(() => ImportRowErrorConnection, { description: 'Row errors and warnings in file order of detection.' })
  async errors(
    @Root() run: ImportRun,
    @Ctx() ctx: ImportsContext,
    @Arg('first', () => Int, { defaultValue: 50 }) first = 50,
    @Arg('after', () => String, { nullable: true }) after?: string,
    @Arg('severity', () => IssueSeverity, { nullable: true }) severity?: 'error' | 'warning',
  ): Promise<ImportRowErrorConnection> {
    checkPageSize(first, ctx.services.imports.maxPage);
    const rows = await ctx.services.imports.rowErrors(run.internalId, {
      first,
      afterId: after ? decodeCursor(after) : undefined,
      severity,
      scope: ctx.scope,
    });
    return nodePage(
      rows.slice(0, first),
      rows.length > first,
      (e) => e.id,
      (e) => ({
        id: String(e.id),
        line: e.line,
        field: e.field,
        code: e.code,
        message: e.message,
        severity: e.severity,
      }),
    );
  }

  @Allow(...OPERATION_ROLES)
  @Mutation(() => StartImportResult, {
    description:
      'Imports a file from the server’s inbox directory (path relative to INBOX_DIR). The same bytes submitted twice return the existing run. ' +
      'With the job queue down the run is recorded as RECEIVED and a retriable SERVICE_UNAVAILABLE error is returned.',
  })
  async startImport(
    @Arg('path', () => String) path: string,
    @Ctx() ctx: ImportsContext,
    @Arg('source', () => Source, { nullable: true, description: 'Detected from the file name and content when omitted.' }) source?: string,
    @Arg('maxErrorRate', () => Float, { nullable: true, description: 'This run’s limit on the share of rejected rows, 0–1 (default IMPORT_MAX_ERROR_RATE).' })
    maxErrorRate?: number,
    @Arg('maxDisappearedRate', () => Float, {
      nullable: true,
      description: 'This run’s limit on the share of the source’s records that may disappear, 0–1 (default IMPORT_MAX_DISAPPEARED_RATE).',
    })
    maxDisappearedRate?: number,
  ): Promise<StartImportResult> {
    const file = await ctx.services.imports.resolveInboxFile(path);
    const src = sourceArg(source);
    const { run, created, failedBefore } = await ctx.services.imports.submit(file, {
      source: src,
      requestedBy: ctx.requestId,
      maxErrorRate: maxErrorRate ?? undefined,
      maxDisappearedRate: maxDisappearedRate ?? undefined,
    });
    return { run: toImportRun(run, ctx.services.imports.limitsOf(run)), created, failedBefore: failedBefore.map((r) => String(r.id)) };
  }

  @Allow(...OPERATION_ROLES)
  @Mutation(() => ImportRun, {
    description:
      'Retries a failed run from the start (its file must still have the same bytes), optionally with another source or other limits; ' +
      'the options it leaves out keep the run’s. Audited with the options before and after.',
  })
  async retryImportRun(
    @Arg('id', () => ID) id: string,
    @Ctx() ctx: ImportsContext,
    @Arg('source', () => Source, { nullable: true }) source?: string,
    @Arg('maxErrorRate', () => Float, { nullable: true }) maxErrorRate?: number,
    @Arg('maxDisappearedRate', () => Float, { nullable: true }) maxDisappearedRate?: number,
  ): Promise<ImportRun> {
    const run = await ctx.services.imports.retry(
      runId(id),
      { source: sourceArg(source), maxErrorRate: maxErrorRate ?? undefined, maxDisappearedRate: maxDisappearedRate ?? undefined },
      { actor: ctx.principal.actor, actorRole: ctx.principal.role, requestId: ctx.requestId },
    );
    return toImportRun(run, ctx.services.imports.limitsOf(run));
  }
}
