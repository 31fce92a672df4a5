import type { Logger } from '../platform/logger';
import type { JobName, JobPayloads, OpsJobQueue } from '../platform/queue';
import { stagingTable, type ImportRepository } from '../imports';
import type { OpsRepository } from './opsRepository';
import type { ReconciliationRepository } from '../reconciliation';
import type { NightlySummaries } from './nightlySummary';

export interface SweepReport {
  /** Unfinished runs found in PostgreSQL. */
  unfinished: { imports: number; reconciliations: number; exports: number };
  /** Of those, the ones no live job was advancing: enqueued again. */
  requeued: { imports: number[]; reconciliations: number[]; exports: number[] };
  /** Staging tables of finished runs dropped. */
  stagingDropped: number[];
  /** Import runs whose nightly summary got its reconciliation outcome. */
  summariesCompleted: number;
}

/**
 * PostgreSQL is the truth and Redis only delivers: a run that PostgreSQL says is unfinished but
 * that no waiting, delayed or running job will advance (Redis restarted empty, was flushed, a job
 * was lost or never enqueued because the queue was down) is enqueued again. Deterministic job ids
 * and per-run locks make a redundant enqueue harmless, so sweeping often is safe.
 */
export class Sweeper {
  constructor(
    private readonly queue: OpsJobQueue,
    private readonly imports: ImportRepository,
    private readonly reconciliation: ReconciliationRepository,
    private readonly repo: OpsRepository,
    private readonly summaries: NightlySummaries,
    private readonly logger: Logger,
  ) {}

  async sweep(): Promise<SweepReport> {
    // Read PostgreSQL first: a run that finishes between the two reads only gets a no-op job.
    const imports = (await this.imports.unfinishedRuns()).map((r) => r.id);
    const reconciliations = (await this.reconciliation.unfinishedRuns()).map((r) => r.id);
    const exports = await this.repo.unfinishedExports();
    const live = await this.queue.liveJobIds();

    const requeue = async <N extends JobName>(name: N, payloads: JobPayloads[N][]): Promise<JobPayloads[N][]> => {
      const lost = payloads.filter((p) => {
        const id = this.queue.jobIdOf(name, p);
        return id === null || !live.has(id);
      });
      for (const p of lost) await this.queue.enqueue(name, p);
      return lost;
    };
    const report: SweepReport = {
      unfinished: { imports: imports.length, reconciliations: reconciliations.length, exports: exports.length },
      requeued: {
        imports: (await requeue('import.run', imports.map((runId) => ({ runId })))).map((p) => p.runId),
        reconciliations: (await requeue('reconcile.run', reconciliations.map((runId) => ({ runId })))).map((p) => p.runId),
        exports: (await requeue('links.export', exports.map((exportId) => ({ exportId })))).map((p) => p.exportId),
      },
      stagingDropped: [],
      summariesCompleted: 0,
    };

    for (const runId of await this.imports.orphanStagingTables()) {
      await this.imports.dropStaging(stagingTable(runId));
      report.stagingDropped.push(runId);
    }
    report.summariesCompleted = await this.summaries.completeAll();

    const { requeued } = report;
    const n = requeued.imports.length + requeued.reconciliations.length + requeued.exports.length;
    if (n || report.stagingDropped.length || report.summariesCompleted) {
      this.logger.info({ requeued, stagingDropped: report.stagingDropped, summariesCompleted: report.summariesCompleted }, 'sweep: unfinished runs re-enqueued');
    } else {
      this.logger.debug({ unfinished: report.unfinished }, 'sweep: nothing lost');
    }
    return report;
  }
}
