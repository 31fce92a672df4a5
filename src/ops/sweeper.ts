import type { Logger } from '../platform/logger';
import type { JobName, JobPayloads, OpsJobQueue } from '../platform/queue';
import type { NightlySummaries } from './nightlySummary';

/** What the sweeper asks of each run kind's service: its unfinished runs (and, for imports, leftover staging). */
export interface SweptServices {
  imports: { unfinishedRunIds(): Promise<number[]>; dropOrphanStaging(): Promise<number[]> };
  reconciliation: { unfinishedRunIds(): Promise<number[]> };
  exports: { unfinishedIds(): Promise<number[]> };
  cruces: { unfinishedIds(): Promise<number[]> };
  logros: { unfinishedRunIds(): Promise<number[]> };
  logroExports: { unfinishedIds(): Promise<number[]> };
}

export interface SweepReport {
  /** Unfinished runs found in PostgreSQL. */
  unfinished: { imports: number; reconciliations: number; exports: number; cruces: number; logros: number; logroExports: number };
  /** Of those, the ones no live job was advancing: enqueued again. */
  requeued: { imports: number[]; reconciliations: number[]; exports: number[]; cruces: number[]; logros: number[]; logroExports: number[] };
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
    private readonly runs: SweptServices,
    private readonly summaries: NightlySummaries,
    private readonly logger: Logger,
    /** Runs whose lease holds are being advanced by a live process (maybe another embedded one): left to it. */
    private readonly leases?: { liveLeases(kind: 'import' | 'reconciliation'): Promise<Set<number>> },
  ) {}

  async sweep(): Promise<SweepReport> {
    // Read PostgreSQL first: a run that finishes between the two reads only gets a no-op job.
    const leasedImports = (await this.leases?.liveLeases('import')) ?? new Set<number>();
    const leasedReconciliations = (await this.leases?.liveLeases('reconciliation')) ?? new Set<number>();
    const imports = (await this.runs.imports.unfinishedRunIds()).filter((id) => !leasedImports.has(id));
    const reconciliations = (await this.runs.reconciliation.unfinishedRunIds()).filter((id) => !leasedReconciliations.has(id));
    const exports = await this.runs.exports.unfinishedIds();
    const cruces = await this.runs.cruces.unfinishedIds();
    const logros = await this.runs.logros.unfinishedRunIds();
    const logroExports = await this.runs.logroExports.unfinishedIds();
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
      unfinished: {
        cruces: cruces.length,
        imports: imports.length,
        reconciliations: reconciliations.length,
        exports: exports.length,
        logros: logros.length,
        logroExports: logroExports.length,
      },
      requeued: {
        imports: (
          await requeue(
            'import.run',
            imports.map((runId) => ({ runId })),
          )
        ).map((p) => p.runId),
        reconciliations: (
          await requeue(
            'reconcile.run',
            reconciliations.map((runId) => ({ runId })),
          )
        ).map((p) => p.runId),
        exports: (
          await requeue(
            'links.export',
            exports.map((exportId) => ({ exportId })),
          )
        ).map((p) => p.exportId),
        cruces: (
          await requeue(
            'cruce.run',
            cruces.map((runId) => ({ runId })),
          )
        ).map((p) => p.runId),
        logros: (
          await requeue(
            'logros.run',
            logros.map((runId) => ({ runId })),
          )
        ).map((p) => p.runId),
        logroExports: (
          await requeue(
            'logros.export',
            logroExports.map((exportId) => ({ exportId })),
          )
        ).map((p) => p.exportId),
      },
      stagingDropped: await this.runs.imports.dropOrphanStaging(),
      summariesCompleted: 0,
    };
    report.summariesCompleted = await this.summaries.completeAll();

    const { requeued } = report;
    const n =
      requeued.imports.length +
      requeued.reconciliations.length +
      requeued.exports.length +
      requeued.cruces.length +
      requeued.logros.length +
      requeued.logroExports.length;
    if (n || report.stagingDropped.length || report.summariesCompleted) {
      this.logger.info(
        { requeued, stagingDropped: report.stagingDropped, summariesCompleted: report.summariesCompleted },
        'sweep: unfinished runs re-enqueued',
      );
    } else {
      this.logger.debug({ unfinished: report.unfinished }, 'sweep: nothing lost');
    }
    return report;
  }
}
