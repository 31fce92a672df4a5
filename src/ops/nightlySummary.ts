import { SOURCE_NAMES, type SourceName } from '../kernel';
import type { Logger } from '../platform/logger';
import type { ImportRepository, ImportRunRow, NightlyReconciliation } from '../imports';
import type { OpsRepository, ReconciliationOutcome } from './opsRepository';

/** The reconciliation part of a run's nightly summary (import_runs.summary.reconciliation). */
export type ReconciliationSummary = NightlyReconciliation;

export function reconciliationSummary(o: ReconciliationOutcome): ReconciliationSummary {
  const rate = (n: number) => (o.recordsProcessed ? Math.round((n / o.recordsProcessed) * 10_000) / 10_000 : 0);
  return {
    runId: o.runId,
    state: o.state,
    recordsProcessed: o.recordsProcessed,
    autoLinked: o.autoLinked,
    newPersons: o.newPersons,
    links: o.autoLinked + o.newPersons,
    reviewItems: o.reviewItems,
    mergesProposed: o.mergesProposed,
    mergesApplied: o.mergesApplied,
    breakerTripped: o.breakerTripped,
    autoLinkRate: rate(o.autoLinked),
    reviewRate: rate(o.reviewItems),
    failureReason: o.failureReason,
    finishedAt: o.finishedAt,
  };
}

/**
 * The nightly summary of each source lives with its import run (import_runs.summary): the import
 * writes rows, row errors and diff counts when it is done; the reconciliation it started adds links
 * and review items when it finishes. Whichever of the two ends last completes the summary, and the
 * sweeper completes any a crash left behind, so the summary never depends on one lucky moment.
 */
export class NightlySummaries {
  constructor(
    private readonly repo: OpsRepository,
    private readonly imports: ImportRepository,
    private readonly logger: Logger,
  ) {}

  /** Completes the summary of one import run if its reconciliation has finished. */
  async complete(importRunId: number): Promise<boolean> {
    let done = false;
    for (const o of await this.repo.reconciliationsToSummarize(importRunId)) {
      done = (await this.repo.mergeSummary(o.importRunId, { reconciliation: reconciliationSummary(o) })) || done;
    }
    return done;
  }

  /** Completes every summary still missing its reconciliation outcome (run by the sweeper). */
  async completeAll(): Promise<number> {
    let n = 0;
    for (const o of await this.repo.reconciliationsToSummarize()) {
      if (await this.repo.mergeSummary(o.importRunId, { reconciliation: reconciliationSummary(o) })) n++;
    }
    if (n) this.logger.debug({ completed: n }, 'nightly summaries completed');
    return n;
  }

  /** The latest run of each source (newest first), for `juntos-hub schedule show` and the runbook. */
  async latestPerSource(): Promise<{ source: SourceName; run: ImportRunRow | null }[]> {
    const out: { source: SourceName; run: ImportRunRow | null }[] = [];
    for (const source of SOURCE_NAMES) {
      const [run] = await this.imports.listRuns({ source, first: 1 });
      out.push({ source, run: run ?? null });
    }
    return out;
  }
}
