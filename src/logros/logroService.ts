import { AppError, type Clock } from '../kernel';
import type { Logger } from '../platform/logger';
import { QueueUnavailableError, type JobQueue } from '../platform/queue';
import type { LogroRepository, LogroRunRow } from './logroRepository';
import { RULE_SET, type RuleSet } from './rules';

/**
 * Logro runs: requested after every reconciliation run (and by operators), advanced by the
 * `logros.run` job (and after every Sisbén IV hogares cut). A run is incremental (only what its reconciliation run or hogares cut touched) unless it is the
 * first one, the rule set changed since the last one, or an operator asked for a full recompute.
 */
export class LogroService {
  constructor(
    private readonly repo: LogroRepository,
    private readonly queue: JobQueue,
    private readonly logger: Logger,
    private readonly clock: Clock,
    readonly rules: RuleSet = RULE_SET,
  ) {}

  /** The reconciliation run finished: its logro run (one per reconciliation run), enqueued. Safe to call twice. */
  async requestAfterReconciliation(reconciliationRunId: number): Promise<LogroRunRow> {
    const existing = await this.repo.runForReconciliation(reconciliationRunId);
    if (existing) return existing;
    return this.enqueue(await this.repo.createRun('reconciliation', reconciliationRunId));
  }

  /** A Sisbén IV hogares/viviendas cut was applied: its logro run recomputes the households whose dwelling changed. Safe to call twice. */
  async requestAfterImport(importRunId: number): Promise<LogroRunRow> {
    const existing = await this.repo.runForImport(importRunId);
    if (existing) return existing;
    return this.enqueue(await this.repo.createRun('import', null, importRunId));
  }

  /** A full recompute (operator, or a rule change). */
  async requestFull(trigger: 'manual' | 'rules' = 'manual'): Promise<LogroRunRow> {
    return this.enqueue(await this.repo.createRun(trigger, null));
  }

  private async enqueue(run: LogroRunRow): Promise<LogroRunRow> {
    try {
      await this.queue.enqueue('logros.run', { runId: run.id });
    } catch (e) {
      if (!(e instanceof QueueUnavailableError)) throw e;
      this.logger.warn({ logroRunId: run.id }, 'queue unavailable; logro run left pending');
    }
    return run;
  }

  getRun(id: number) {
    return this.repo.findRun(id);
  }

  /**
   * Unfinished runs for the sweeper, after creating the runs a lost hook never requested (a
   * reconciliation run finished while the database refused the logro run's insert).
   */
  async unfinishedRunIds(): Promise<number[]> {
    for (const id of await this.repo.reconciliationsWithoutRun()) await this.repo.createRun('reconciliation', id);
    return (await this.repo.unfinishedRuns()).map((r) => r.id);
  }

  async giveUp(runId: number, reason: string): Promise<void> {
    await this.repo.fail(runId, reason);
  }

  /** The job: computes the run's states in one transaction. Idempotent (a finished run is left alone). */
  async process(runId: number): Promise<LogroRunRow | null> {
    const current = await this.repo.findRun(runId);
    if (!current || current.state === 'done' || current.state === 'failed') return current;
    await this.repo.saveRuleSet(this.rules);
    const previous = await this.repo.lastDoneRun();
    const asOf = this.clock.now().toISOString().slice(0, 10);
    const coverage = await this.repo.coverage();
    // From scratch: an operator asked, nothing computed yet, another rule set decided the states, or a
    // source was loaded for the first time (absences in it now mean POR ALCANZAR, not SIN DATO, for everyone).
    const full =
      (current.trigger !== 'reconciliation' && current.trigger !== 'import') ||
      !previous ||
      previous.ruleVersion !== this.rules.version ||
      JSON.stringify(previous.coverage) !== JSON.stringify(coverage);
    const run = await this.repo.start(runId, { mode: full ? 'full' : 'incremental', ruleVersion: this.rules.version, asOf, coverage });
    if (!run) return this.repo.findRun(runId);
    const result = await this.repo.compute({
      runId,
      mode: full ? 'full' : 'incremental',
      rules: this.rules,
      asOf,
      coverage,
      reconciliationRunId: run.reconciliationRunId,
      importRunId: run.importRunId,
      previous: previous && previous.startedAt && previous.asOf ? { startedAt: previous.startedAt, asOf: previous.asOf } : null,
    });
    this.logger.info({ logroRunId: runId, mode: run.mode, persons: result.persons, households: result.households, changes: result.changes }, 'logros computed');
    return this.repo.findRun(runId);
  }

  /** For the CLI, tests and the bench: waits until the run has finished (whichever process runs it). */
  async waitFor(runId: number, pollMs = 200): Promise<LogroRunRow> {
    for (;;) {
      const run = await this.repo.findRun(runId);
      if (!run) throw new AppError('NOT_FOUND', 'No such logro run.');
      if (run.state === 'done' || run.state === 'failed') return run;
      await new Promise((r) => setTimeout(r, pollMs));
    }
  }
}
