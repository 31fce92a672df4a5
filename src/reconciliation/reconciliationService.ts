import type { Clock } from '../kernel';
import { AppError } from '../kernel';
import { UNFINISHED_RECONCILIATION_STATES } from '../../schema';
import type { BlockingRule } from '../domain/identity';
import type { Logger } from '../platform/logger';
import { QueueUnavailableError, type JobQueue } from '../platform/queue';
import type { ReferenceService } from '../registry';
import { BatchPipeline } from './batchPipeline';
import { engineRules, time, type ReconcileConfig, type RunSettings, type RunState, type RunTimings } from './engine';
import type { GoldenRecordRepository, Survivorship } from './goldenRecordRepository';
import type { MergeService } from './mergeService';
import type { LinkageModelService } from './modelService';
import type { PrepareContext } from './prepareEntity';
import type { ReconciliationRepository, ReconciliationRunRow } from './reconciliationRepository';
import type { RelinkRepository } from './relinkRepository';
import { RelinkEvaluator } from './relinks';
import { RunFinisher } from './runFinisher';
import { ModelTraining } from './training';

export type { ReconcileConfig, RunSettings, RunTimings } from './engine';

/**
 * Identity reconciliation runs, as a durable state machine: pending → running (training, then the
 * matching batches: batchPipeline.ts) → merging (the end-of-run policy: runFinisher.ts) → done, or
 * failed when the circuit breaker holds merges back or the job gave up. Every added or changed record
 * is linked to a person or given a new one, and doubtful cases go to the review queue. Each step
 * resumes from what PostgreSQL records, so a run can be advanced twice or after a crash.
 */
/** What other features do when a run ends (the composition root wires them). */
export interface ReconciliationHooks {
  /** The run finished `done`: derived outcomes (logros) recompute what it touched. */
  afterDone?(run: ReconciliationRunRow): Promise<void>;
}

export class ReconciliationService {
  private readonly rules: readonly BlockingRule[];
  private readonly training: ModelTraining;
  private readonly pipeline: BatchPipeline;
  private readonly finisher: RunFinisher;
  private readonly relinks: RelinkEvaluator;
  readonly survivorship: Survivorship;
  /** Timings of the last run this instance advanced (bench and diagnostics). */
  lastTimings: RunTimings = {};

  constructor(
    private readonly repo: ReconciliationRepository,
    merges: MergeService,
    relinks: RelinkRepository,
    golden: GoldenRecordRepository,
    models: LinkageModelService,
    private readonly reference: ReferenceService,
    private readonly queue: JobQueue,
    private readonly config: ReconcileConfig,
    private readonly logger: Logger,
    private readonly clock: Clock,
    private readonly hooks: ReconciliationHooks = {},
  ) {
    const { rules, ruleNames, decision } = engineRules(config);
    this.rules = rules;
    this.survivorship = merges.survivorship;
    this.training = new ModelTraining(repo, models, rules, config);
    this.pipeline = new BatchPipeline(repo, relinks, golden, this.survivorship, rules, ruleNames, decision, config);
    this.relinks = new RelinkEvaluator(repo, relinks, decision);
    this.finisher = new RunFinisher(repo, golden, merges, relinks, this.survivorship, config, clock);
  }

  /** Creates (or finds, for an import) a run and enqueues it. */
  async requestRun(trigger: 'import' | 'manual', importRunId: number | null = null): Promise<ReconciliationRunRow> {
    const run = await this.repo.createRun(trigger, importRunId, null);
    try {
      await this.queue.enqueue('reconcile.run', { runId: run.id });
    } catch (e) {
      if (!(e instanceof QueueUnavailableError)) throw e;
      // The run stays pending in PostgreSQL; the sweeper enqueues it when the queue returns.
      this.logger.warn({ reconciliationRunId: run.id }, 'queue unavailable; reconciliation run left pending');
    }
    return run;
  }

  getRun(id: number) {
    return this.repo.findRun(id);
  }

  /** The run an import started (one per import), if any. */
  runOfImport(importRunId: number) {
    return this.repo.findRunOfImport(importRunId);
  }

  /**
   * Hands an existing unfinished run to the job queue again (the same deterministic job id: a live
   * job is not duplicated). A process with workers that joins a run nobody advances takes it over so.
   */
  async advance(runId: number): Promise<void> {
    try {
      await this.queue.enqueue('reconcile.run', { runId });
    } catch (e) {
      if (!(e instanceof QueueUnavailableError)) throw e;
      this.logger.warn({ reconciliationRunId: runId }, 'queue unavailable; reconciliation run left pending');
    }
  }

  /** Runs PostgreSQL says are unfinished, oldest first (what the sweeper makes sure a job advances). */
  async unfinishedRunIds(): Promise<number[]> {
    return (await this.repo.unfinishedRuns()).map((r) => r.id);
  }

  /** The run's job spent its last attempt on a transient failure: failed with the reason, for an operator to see. */
  async giveUp(runId: number, reason: string): Promise<void> {
    await this.repo.transition(runId, [...UNFINISHED_RECONCILIATION_STATES], 'failed', { failureReason: reason, finishedAt: this.clock.now() });
    await this.repo.dropRunStaging(runId);
  }

  listRuns(opts: Parameters<ReconciliationRepository['listRuns']>[0]) {
    return this.repo.listRuns(opts);
  }

  /** Advances a run as far as it goes. Safe to call twice or after a crash. */
  async process(runId: number, signal?: AbortSignal): Promise<void> {
    let run = await this.repo.findRun(runId);
    if (!run || run.state === 'done' || run.state === 'failed') return;
    const log = this.logger.child({ reconciliationRunId: runId });
    const timings: RunTimings = {};
    this.lastTimings = timings;
    if (run.state === 'pending') {
      const settings: RunSettings = {
        linkProbability: this.config.RECONCILE_LINK_PROBABILITY,
        reviewProbability: this.config.RECONCILE_REVIEW_PROBABILITY,
        rules: this.rules.map((r) => r.name),
        personsBefore: await this.repo.maxPersonId(),
        derivedInBatches: true,
      };
      await this.repo.transition(runId, ['pending'], 'running', {
        startedAt: this.clock.now(),
        attempts: run.attempts + 1,
        recordsPending: await this.repo.countPending(),
        settings: settings as never,
      });
      run = (await this.repo.findRun(runId))!;
    }
    if (run.state === 'running') {
      const ctx = await this.prepareContext();
      // Planned on fresh statistics: the import that started the run may have just loaded a million
      // records (and their facts) into tables whose statistics say they are empty.
      await time(timings, 'analyzeBefore', () => this.repo.analyzeStale());
      await time(timings, 'backfill', () => this.training.backfillKeys(ctx, log));
      const model = await time(timings, 'training', () => this.training.ensureModel(log, ctx, run!.modelVersion));
      await this.repo.transition(runId, ['running'], 'running', { modelVersion: model.model.version });
      const state: RunState = { model, ctx, cache: new Map(), timings };
      await this.pipeline.runBatches(run, state, signal);
      // Earlier links the batches found in doubt, weighed now that every record of the run is linked.
      await this.relinks.evaluate(run, state);
      await this.repo.transition(runId, ['running'], 'merging');
      run = (await this.repo.findRun(runId))!;
    }
    if (run.state === 'merging') {
      await time(timings, 'finish', () => this.finisher.finish(run!, log, timings));
      const finished = await this.repo.findRun(runId);
      // A failing hook leaves the run done; the sweeper creates the follow-up work it missed.
      if (finished?.state === 'done') await this.hooks.afterDone?.(finished);
    }
    await this.repo.addTimings(runId, timings);
    log.debug({ timings }, 'reconciliation run timings');
  }

  private async prepareContext(): Promise<PrepareContext> {
    return { today: this.clock.now().toISOString().slice(0, 10), municipalities: await this.reference.municipalityCodes() };
  }

  /**
   * For the CLI and tests: waits until the run has finished (whichever process runs it). `watch`
   * sees the run at every poll (progress) and may throw to stop waiting (nobody advances it).
   */
  async waitFor(runId: number, pollMs = 300, watch?: (run: ReconciliationRunRow) => Promise<void>): Promise<ReconciliationRunRow> {
    for (;;) {
      const run = await this.repo.findRun(runId);
      if (!run) throw new AppError('NOT_FOUND', 'No such reconciliation run.');
      if (run.state === 'done' || run.state === 'failed') return run;
      await watch?.(run);
      await new Promise((r) => setTimeout(r, pollMs));
    }
  }
}
