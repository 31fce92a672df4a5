import { Arg, Ctx, FieldResolver, ID, Int, Mutation, Query, Resolver, Root } from 'type-graphql';
import { SOURCE_NAMES } from '../../kernel/sources';
import { AppError } from '../../kernel/errors';
import type { ImportRunRow, ImportState as State } from '../../repositories/importRepository';
import { checkPageSize, decodeCursor, encodeCursor } from '../../kernel/paging';
import type { GraphQLContext } from '../context';
import { Allow, OPERATION_ROLES } from '../security/rules';
import { Source, fromSourceEnum, toSourceEnum } from '../enums';
import { ImportRowErrorConnection, ImportRun, ImportRunConnection, ImportState, IssueSeverity, StartImportResult } from '../types/importRun';

export const toImportRun = (r: ImportRunRow): ImportRun => ({
  id: String(r.id),
  internalId: r.id,
  source: toSourceEnum(r.source),
  fileName: r.fileName,
  sha256: r.sha256,
  fileBytes: r.fileBytes,
  encoding: r.encoding,
  state: r.state,
  progress: r.state === 'received' ? 0 : r.fileBytes ? Math.min(1, r.bytesRead / r.fileBytes) : 1,
  rowsTotal: r.rowsTotal,
  rowsLoaded: r.rowsLoaded,
  rowsRejected: r.rowsRejected,
  rowsWithWarnings: r.rowsWithWarnings,
  added: r.added,
  changed: r.changed,
  unchanged: r.unchanged,
  disappeared: r.disappeared,
  chunksTotal: r.chunksTotal,
  chunksDone: r.chunksDone,
  errorRate: r.errorRate,
  failureCode: r.failureCode,
  failureReason: r.failureReason,
  errorCounts: (r.errorSummary as ImportRun['errorCounts'] | null) ?? [],
  summary: r.summary,
  previousRunId: r.previousRunId ? String(r.previousRunId) : null,
  attempts: r.attempts,
  createdAt: r.createdAt,
  startedAt: r.startedAt,
  finishedAt: r.finishedAt,
});

const runId = (id: string) => {
  const n = Number(id);
  if (!Number.isSafeInteger(n) || n <= 0) throw new AppError('BAD_USER_INPUT', 'Not an import run id.', { field: 'id' });
  return n;
};

@Resolver(() => ImportRun)
export class ImportResolver {
  @Allow('operator', 'steward', 'admin')
  @Query(() => ImportRunConnection, { description: 'Import runs, newest first.' })
  async importRuns(
    @Ctx() ctx: GraphQLContext,
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
    });
    const nodes = rows.slice(0, first);
    return { nodes: nodes.map(toImportRun), hasNextPage: rows.length > first, endCursor: nodes.length ? encodeCursor(nodes[nodes.length - 1].id) : null };
  }

  @Allow('operator', 'steward', 'admin')
  @Query(() => ImportRun, { nullable: true })
  async importRun(@Arg('id', () => ID) id: string, @Ctx() ctx: GraphQLContext): Promise<ImportRun | null> {
    const row = await ctx.services.imports.getRun(runId(id));
    return row && toImportRun(row);
  }

  @FieldResolver(() => ImportRowErrorConnection, { description: 'Row errors and warnings in file order of detection.' })
  async errors(
    @Root() run: ImportRun,
    @Ctx() ctx: GraphQLContext,
    @Arg('first', () => Int, { defaultValue: 50 }) first = 50,
    @Arg('after', () => String, { nullable: true }) after?: string,
    @Arg('severity', () => IssueSeverity, { nullable: true }) severity?: 'error' | 'warning',
  ): Promise<ImportRowErrorConnection> {
    checkPageSize(first, ctx.services.imports.maxPage);
    const rows = await ctx.services.imports.rowErrors(run.internalId, { first, afterId: after ? decodeCursor(after) : undefined, severity });
    const nodes = rows.slice(0, first);
    return {
      nodes: nodes.map((e) => ({ id: String(e.id), line: e.line, field: e.field, code: e.code, message: e.message, severity: e.severity })),
      hasNextPage: rows.length > first,
      endCursor: nodes.length ? encodeCursor(nodes[nodes.length - 1].id) : null,
    };
  }

  @Allow(...OPERATION_ROLES)
  @Mutation(() => StartImportResult, {
    description:
      'Imports a file from the server’s inbox directory (path relative to INBOX_DIR). The same bytes submitted twice return the existing run. ' +
      'With the job queue down the run is recorded as RECEIVED and a retriable SERVICE_UNAVAILABLE error is returned.',
  })
  async startImport(
    @Arg('path', () => String) path: string,
    @Ctx() ctx: GraphQLContext,
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
  async retryImportRun(@Arg('id', () => ID) id: string, @Ctx() ctx: GraphQLContext): Promise<ImportRun> {
    return toImportRun(await ctx.services.imports.retry(runId(id)));
  }
}
