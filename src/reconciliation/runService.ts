import { checkPageSize } from '../kernel';
import type { ReconciliationRepository, ReconciliationRunRow, ReconciliationState } from './reconciliationRepository';
import type { ReconciliationService } from './reconciliationService';

/**
 * What the run service reads of the stewards' work: their verdicts on each run's AUTO_LINK_AUDIT
 * sample, and the active persons. Stewardship's ReviewRepository provides it (wired in src/app.ts),
 * so reconciliation does not depend on stewardship.
 */
export interface StewardVerdicts {
  auditSamples(runIds: readonly number[]): Promise<{ runId: number; sampled: number; confirmed: number; rejected: number }[]>;
  countActivePersons(): Promise<number>;
}

/** Precision of a run's automatic links as measured by stewards on its AUTO_LINK_AUDIT sample. */
export interface MeasuredPrecision {
  sampled: number;
  confirmed: number;
  rejected: number;
  /** Sampled items not yet decided (deferred ones included). */
  pending: number;
  /** confirmed / (confirmed + rejected); null until a verdict exists. */
  precision: number | null;
  /** Lower bound of the 95 % Wilson interval (small samples say little). */
  lowerBound: number | null;
}

export function measuredPrecision(s: { sampled: number; confirmed: number; rejected: number }): MeasuredPrecision {
  const n = s.confirmed + s.rejected;
  const p = n ? s.confirmed / n : null;
  let lower: number | null = null;
  if (p !== null) {
    const z = 1.96;
    const z2 = z * z;
    lower = (p + z2 / (2 * n) - z * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n))) / (1 + z2 / n);
    lower = Math.max(0, Math.round(lower * 10_000) / 10_000);
  }
  return { ...s, pending: s.sampled - n, precision: p, lowerBound: lower };
}

/** Reconciliation runs for operators and the CLI: list, inspect, start (or join the unfinished one). */
export class ReconciliationRunService {
  constructor(
    private readonly engine: ReconciliationService,
    private readonly runs: ReconciliationRepository,
    private readonly review: StewardVerdicts,
    private readonly maxPage: number,
  ) {}

  async list(opts: { states?: ReconciliationState[]; first: number; after?: number }): Promise<{ runs: ReconciliationRunRow[]; hasNextPage: boolean }> {
    checkPageSize(opts.first, this.maxPage);
    const rows = await this.engine.listRuns(opts);
    return { runs: rows.slice(0, opts.first), hasNextPage: rows.length > opts.first };
  }

  get(id: number): Promise<ReconciliationRunRow | null> {
    return this.engine.getRun(id);
  }

  /** Measured precision per run (one query for any number of runs). */
  async precision(runIds: readonly number[]): Promise<Map<number, MeasuredPrecision>> {
    const rows = await this.review.auditSamples(runIds);
    const byRun = new Map(rows.map((r) => [r.runId, measuredPrecision(r)]));
    return new Map(runIds.map((id) => [id, byRun.get(id) ?? measuredPrecision({ sampled: 0, confirmed: 0, rejected: 0 })]));
  }

  /** Precision of one run from the engine's own tally (ReconciliationRepository.auditVerdicts). */
  async runPrecision(runId: number): Promise<MeasuredPrecision> {
    const [sample] = await this.review.auditSamples([runId]);
    const verdicts = await this.runs.auditVerdicts(runId);
    return measuredPrecision({ sampled: sample?.sampled ?? 0, ...verdicts });
  }

  /**
   * Starts a reconciliation of everything imported and not yet matched, or returns the run already
   * under way (two runs would only queue behind each other's engine lock).
   */
  async start(): Promise<{ run: ReconciliationRunRow; created: boolean }> {
    const [unfinished] = await this.runs.unfinishedRuns();
    if (unfinished) {
      // Joined, and handed to the queue again: a run no process advances any more is taken over
      // (by this process' own workers in embedded mode, by a worker with Redis), never waited on idly.
      await this.engine.advance(unfinished.id);
      return { run: unfinished, created: false };
    }
    return { run: await this.engine.requestRun('manual'), created: true };
  }

  /** Waits for a run, then for any run started after it while records are still pending (the CLI's "everything imported"). */
  async reconcileAll(pollMs = 300, watch?: (run: ReconciliationRunRow) => Promise<void>): Promise<ReconciliationRunRow> {
    for (let round = 0; ; round++) {
      const { run } = await this.start();
      const done = await this.engine.waitFor(run.id, pollMs, watch);
      if (done.state === 'failed' || (await this.runs.countPending()) === 0 || round >= 3) return done;
    }
  }

  /** Imported records not yet matched (what a run still has to do; the CLI's progress total). */
  pendingRecords(): Promise<number> {
    return this.runs.countPending();
  }

  /** The run under way, if any (oldest first). */
  async current(): Promise<ReconciliationRunRow | null> {
    const [run] = await this.runs.unfinishedRuns();
    return run ?? null;
  }

  activePersons(): Promise<number> {
    return this.review.countActivePersons();
  }
}
