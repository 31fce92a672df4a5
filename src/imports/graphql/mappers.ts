import { toSourceEnum } from '../../graphql/shared';
import type { ImportRunRow } from '../importRepository';
import type { RunLimits } from '../tableSources';
import { readRunSummary } from '../runSummary';
import type { ImportRun } from './importTypes';

/** `limits`: the run's effective limits (ImportService.limitsOf), for runs recorded before they were stored. */
export const toImportRun = (r: ImportRunRow, limits?: RunLimits): ImportRun => {
  const summary = readRunSummary(r.summary);
  return {
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
    keptRejected: summary.keptRejected ?? 0,
    heldBack: summary.heldBack?.records ?? 0,
    heldBackReasons: summary.heldBack?.reasons ?? [],
    chunksTotal: r.chunksTotal,
    chunksDone: r.chunksDone,
    errorRate: r.errorRate,
    maxErrorRate: r.maxErrorRate ?? limits?.maxErrorRate ?? null,
    maxDisappearedRate: r.maxDisappearedRate ?? limits?.maxDisappearedRate ?? null,
    failureCode: r.failureCode,
    failureReason: r.failureReason,
    errorCounts: (r.errorSummary as ImportRun['errorCounts'] | null) ?? [],
    summary: r.summary,
    previousRunId: r.previousRunId ? String(r.previousRunId) : null,
    attempts: r.attempts,
    createdAt: r.createdAt,
    startedAt: r.startedAt,
    finishedAt: r.finishedAt,
  };
};
