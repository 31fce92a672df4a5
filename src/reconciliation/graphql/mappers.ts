import type { ReconciliationRunRow } from '../reconciliationRepository';
import type { ReconciliationRun } from './reconciliationTypes';

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
