import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { SOURCE_NAMES } from '../kernel';
import type { Logger } from '../platform/logger';
import { JOB_STATES, type OpsJobQueue } from '../platform/queue';
import type { OpsRepository } from './opsRepository';
import { IMPORT_STATES, RECONCILIATION_STATES } from '../../schema';

export type JobOutcome = 'completed' | 'failed' | 'released' | 'deferred';

/**
 * Prometheus metrics (prom-client, one registry per app so tests and embedded mode do not share
 * state). Two kinds:
 * - process-local instruments: job durations (where jobs run), HTTP and GraphQL latency (where the
 *   API runs), Node process figures;
 * - state read from PostgreSQL and the queue at scrape time: runs by source and state, rows,
 *   reconciliation rates, last successful import per source, queue depth. PostgreSQL being the
 *   truth, every API instance reports the same values (alert on max() across instances).
 * Labels are bounded sets (sources, states, job names, routes): never an id or a value.
 */
export class OpsMetrics {
  readonly registry = new Registry();
  readonly jobDuration: Histogram<'job' | 'outcome'>;
  readonly httpDuration: Histogram<'method' | 'route' | 'status'>;
  readonly graphqlDuration: Histogram<'operation' | 'field' | 'outcome'>;

  private readonly importRuns: Gauge<'source' | 'state'>;
  private readonly rowsLoaded: Counter<'source'>;
  private readonly rowsRejected: Counter<'source'>;
  private readonly recordChanges: Counter<'source' | 'kind'>;
  private readonly lastSuccess: Gauge<'source'>;
  private readonly lastDuration: Gauge<'source'>;
  private readonly reconciliationRuns: Gauge<'state'>;
  private readonly reconciled: Counter<'outcome'>;
  private readonly lastAutoLinkRatio: Gauge;
  private readonly lastReviewRatio: Gauge;
  private readonly lastReconciliationDuration: Gauge;
  private readonly openReviewItems: Gauge;
  private readonly queueJobs: Gauge<'queue' | 'state'>;
  private readonly queueUp: Gauge;
  private readonly stateUp: Gauge;

  constructor(
    private readonly repo: OpsRepository,
    private readonly queue: OpsJobQueue,
    private readonly logger: Logger,
  ) {
    const r = this.registry;
    collectDefaultMetrics({ register: r });
    this.jobDuration = new Histogram({
      name: 'juntos_job_duration_seconds',
      help: 'Duration of job executions in this process, by job name and outcome.',
      labelNames: ['job', 'outcome'],
      buckets: [0.05, 0.25, 1, 5, 15, 60, 300, 900, 3600, 10800],
      registers: [r],
    });
    this.httpDuration = new Histogram({
      name: 'juntos_http_request_duration_seconds',
      help: 'HTTP request latency by method, route and status class.',
      labelNames: ['method', 'route', 'status'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 15],
      registers: [r],
    });
    this.graphqlDuration = new Histogram({
      name: 'juntos_graphql_operation_duration_seconds',
      help: 'GraphQL operation latency by operation type, first root field and outcome.',
      labelNames: ['operation', 'field', 'outcome'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 15],
      registers: [r],
    });
    this.importRuns = new Gauge({ name: 'juntos_import_runs', help: 'Import runs by source and state.', labelNames: ['source', 'state'], registers: [r] });
    this.rowsLoaded = new Counter({
      name: 'juntos_import_rows_loaded_total',
      help: 'Rows loaded by applied import runs, by source.',
      labelNames: ['source'],
      registers: [r],
    });
    this.rowsRejected = new Counter({
      name: 'juntos_import_rows_rejected_total',
      help: 'Rows rejected (row errors) by applied import runs, by source.',
      labelNames: ['source'],
      registers: [r],
    });
    this.recordChanges = new Counter({
      name: 'juntos_import_records_total',
      help: 'Records added, changed or disappeared by applied import runs, by source.',
      labelNames: ['source', 'kind'],
      registers: [r],
    });
    this.lastSuccess = new Gauge({
      name: 'juntos_import_last_success_timestamp_seconds',
      help: 'When the last import run of each source finished successfully (0: never). Alert when it is older than a night.',
      labelNames: ['source'],
      registers: [r],
    });
    this.lastDuration = new Gauge({
      name: 'juntos_import_last_duration_seconds',
      help: 'Duration of the last successful import run of each source.',
      labelNames: ['source'],
      registers: [r],
    });
    this.reconciliationRuns = new Gauge({ name: 'juntos_reconciliation_runs', help: 'Reconciliation runs by state.', labelNames: ['state'], registers: [r] });
    this.reconciled = new Counter({
      name: 'juntos_reconciliation_records_total',
      help: 'Records handled by finished reconciliation runs: processed, auto_linked, new_person, review_item, merge_applied.',
      labelNames: ['outcome'],
      registers: [r],
    });
    this.lastAutoLinkRatio = new Gauge({
      name: 'juntos_reconciliation_last_auto_link_ratio',
      help: 'Share of records the last finished reconciliation linked automatically.',
      registers: [r],
    });
    this.lastReviewRatio = new Gauge({
      name: 'juntos_reconciliation_last_review_ratio',
      help: 'Review items per record processed in the last finished reconciliation.',
      registers: [r],
    });
    this.lastReconciliationDuration = new Gauge({
      name: 'juntos_reconciliation_last_duration_seconds',
      help: 'Duration of the last finished reconciliation run.',
      registers: [r],
    });
    this.openReviewItems = new Gauge({ name: 'juntos_review_items_open', help: 'Review items waiting for a steward (open or deferred).', registers: [r] });
    this.queueJobs = new Gauge({
      name: 'juntos_queue_jobs',
      help: 'Jobs per queue and state (queue depth: waiting + delayed).',
      labelNames: ['queue', 'state'],
      registers: [r],
    });
    this.queueUp = new Gauge({ name: 'juntos_queue_up', help: '1 when the job queue answered this scrape.', registers: [r] });
    this.stateUp = new Gauge({ name: 'juntos_state_up', help: '1 when PostgreSQL answered this scrape.', registers: [r] });
  }

  observeJob(job: string, outcome: JobOutcome, seconds: number): void {
    this.jobDuration.observe({ job, outcome }, seconds);
  }

  /** The exposition text. `state`: include the PostgreSQL-derived figures (the API process does). */
  async render(opts: { state: boolean }): Promise<string> {
    await this.refreshQueue();
    if (opts.state) await this.refreshState();
    return this.registry.metrics();
  }

  get contentType(): string {
    return this.registry.contentType;
  }

  private async refreshQueue() {
    this.queueJobs.reset();
    try {
      const counts = await this.queue.counts();
      for (const [queue, byState] of Object.entries(counts)) for (const state of JOB_STATES) this.queueJobs.set({ queue, state }, byState[state] ?? 0);
      this.queueUp.set(1);
    } catch (e) {
      this.queueUp.set(0);
      this.logger.warn({ err: { message: (e as Error).message } }, 'metrics: job queue did not answer');
    }
  }

  private async refreshState() {
    let s;
    try {
      s = await this.repo.stateCounts();
      this.stateUp.set(1);
    } catch (e) {
      this.stateUp.set(0);
      this.logger.warn({ err: e }, 'metrics: database did not answer');
      return;
    }
    this.importRuns.reset();
    for (const source of SOURCE_NAMES) for (const state of IMPORT_STATES) this.importRuns.set({ source, state }, 0);
    for (const r of s.importRuns) this.importRuns.set({ source: r.source, state: r.state }, r.n);

    this.rowsLoaded.reset();
    this.rowsRejected.reset();
    this.recordChanges.reset();
    this.lastSuccess.reset();
    this.lastDuration.reset();
    for (const source of SOURCE_NAMES) {
      const row = s.rows.find((x) => x.source === source);
      this.rowsLoaded.inc({ source }, row?.loaded ?? 0);
      this.rowsRejected.inc({ source }, row?.rejected ?? 0);
      this.recordChanges.inc({ source, kind: 'added' }, row?.added ?? 0);
      this.recordChanges.inc({ source, kind: 'changed' }, row?.changed ?? 0);
      this.recordChanges.inc({ source, kind: 'disappeared' }, row?.disappeared ?? 0);
      const last = s.lastSuccess.find((x) => x.source === source);
      this.lastSuccess.set({ source }, last ? last.finishedAt.getTime() / 1000 : 0);
      const d = s.lastImportDurations.find((x) => x.source === source);
      if (d) this.lastDuration.set({ source }, d.seconds);
    }

    this.reconciliationRuns.reset();
    for (const state of RECONCILIATION_STATES) this.reconciliationRuns.set({ state }, 0);
    for (const r of s.reconciliationRuns) this.reconciliationRuns.set({ state: r.state }, r.n);
    this.reconciled.reset();
    const t = s.reconciliationTotals;
    this.reconciled.inc({ outcome: 'processed' }, t.processed);
    this.reconciled.inc({ outcome: 'auto_linked' }, t.autoLinked);
    this.reconciled.inc({ outcome: 'new_person' }, t.newPersons);
    this.reconciled.inc({ outcome: 'review_item' }, t.reviewItems);
    this.reconciled.inc({ outcome: 'merge_applied' }, t.mergesApplied);
    const last = s.lastReconciliation;
    this.lastAutoLinkRatio.set(last && last.processed ? last.autoLinked / last.processed : 0);
    this.lastReviewRatio.set(last && last.processed ? last.reviewItems / last.processed : 0);
    this.lastReconciliationDuration.set(last?.durationSeconds ?? 0);
    this.openReviewItems.set(s.openReviewItems);
  }
}
