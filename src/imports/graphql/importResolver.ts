import { Arg, Ctx, FieldResolver, ID, Int, Mutation, Query, Resolver, Root } from 'type-graphql';
import { SOURCE_NAMES, AppError, checkPageSize, decodeCursor } from '../../kernel';
import type { ImportState as State } from '../importRepository';
import type { ImportsContext } from './context';
import { toImportRun } from './mappers';
import { Allow, OPERATION_ROLES, Source, fromSourceEnum, nodePage, parseId } from '../../graphql/shared';
import { ImportRowErrorConnection, ImportRun, ImportRunConnection, ImportState, IssueSeverity, StartImportResult } from './importTypes';
const runId = (id: string) => parseId(id, 'an import run id');

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
    return nodePage(rows.slice(0, first), rows.length > first, (r) => r.id, toImportRun);
  }

  @Allow('operator', 'steward', 'admin')
  @Query(() => ImportRun, { nullable: true })
  async importRun(@Arg('id', () => ID) id: string, @Ctx() ctx: ImportsContext): Promise<ImportRun | null> {
    const row = await ctx.services.imports.getRun(runId(id), ctx.scope);
    return row && toImportRun(row);
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
  ): Promise<StartImportResult> {
    const file = await ctx.services.imports.resolveInboxFile(path);
    const src = source ? fromSourceEnum(source) : undefined;
    if (src && !SOURCE_NAMES.includes(src)) throw new AppError('BAD_USER_INPUT', 'Unknown source.', { field: 'source' });
    const { run, created } = await ctx.services.imports.submit(file, { source: src, requestedBy: ctx.requestId });
    return { run: toImportRun(run), created };
  }

  @Allow(...OPERATION_ROLES)
  @Mutation(() => ImportRun, { description: 'Retries a failed run from the start (its file must still have the same bytes).' })
  async retryImportRun(@Arg('id', () => ID) id: string, @Ctx() ctx: ImportsContext): Promise<ImportRun> {
    return toImportRun(await ctx.services.imports.retry(runId(id)));
  }
}
