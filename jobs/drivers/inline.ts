import { CronExpressionParser } from 'cron-parser';
import { ZodError } from 'zod';
import { serializeError, type Logger } from '../../src/platform/logger';
import {
  scheduledJobId,
  schedulerOfJobId,
  type EnqueueOptions,
  type JobName,
  type JobPayloads,
  type JobState,
  type OpsJobQueue,
  type ScheduledRun,
  type ScheduleInfo,
  type ScheduleSpec,
} from '../../src/platform/queue';
import { JOB_DEFINITIONS, JobDeferredError, JobReleasedError, QUEUES, backoffDelay, type Processors, type QueueName } from '../definitions';
import { isPermanentFailure } from '../failures';

interface PendingJob {
  id: string;
  name: JobName;
  payload: unknown;
  attemptsMade: number;
}

interface Lane {
  concurrency: number;
  running: number;
  waiting: PendingJob[];
  delayed: number;
  completed: number;
  failed: number;
}

interface InlineScheduler extends ScheduleInfo {
  timer?: NodeJS.Timeout;
  data: unknown;
}

/**
 * In-process job runner for the embedded default (no REDIS_URL): same definitions, same processors,
 * same retry rules as BullMQ, but jobs live in memory. Nothing is lost on a crash because the
 * runs' state is in the database and the sweeper re-enqueues unfinished runs at start.
 */
export class InlineJobQueue implements OpsJobQueue {
  readonly kind = 'inline' as const;
  private processors?: Processors;
  private readonly lanes = new Map<QueueName, Lane>();
  private readonly known = new Set<string>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly schedulers = new Map<string, InlineScheduler>();
  /** Scheduled and hand-started jobs by id, the latest few hundred (the embedded counterpart of BullMQ's kept jobs). */
  private readonly history = new Map<string, ScheduledRun>();
  private readonly abort = new AbortController();
  private idleWaiters: (() => void)[] = [];
  private seq = 0;
  private closed = false;

  constructor(
    private readonly logger: Logger,
    private readonly concurrency: Partial<Record<QueueName, number>> = {},
    /** Overrides every job's base backoff delay (JOB_BACKOFF_MS). */
    private readonly backoffMs?: number,
  ) {}

  /** Attach processors: until then jobs only accumulate (a producer-only process). */
  start(processors: Processors): void {
    this.processors = processors;
    for (const q of this.lanes.keys()) this.pump(q);
  }

  async enqueue<N extends JobName>(name: N, payload: JobPayloads[N], opts: EnqueueOptions = {}): Promise<void> {
    if (this.closed) return;
    const def = JOB_DEFINITIONS[name];
    const data = def.payload.parse(payload);
    const id = opts.jobId ?? def.jobId?.(data) ?? `${name}-${++this.seq}`;
    if (this.known.has(id)) return;
    this.known.add(id);
    const job: PendingJob = { id, name, payload: data, attemptsMade: 0 };
    this.track(id, {});
    if (opts.delayMs) this.later(opts.delayMs, () => this.push(def.queue, job), def.queue);
    else this.push(def.queue, job);
  }

  /** Ids of jobs waiting, delayed or running (the sweeper's notion of "live"). */
  async liveJobIds(): Promise<Set<string>> {
    return new Set(this.known);
  }

  jobIdOf<N extends JobName>(name: N, payload: JobPayloads[N]): string | null {
    return JOB_DEFINITIONS[name].jobId?.(payload) ?? null;
  }

  async counts(): Promise<Record<string, Record<JobState, number>>> {
    return Object.fromEntries(
      QUEUES.map((q) => {
        const l = this.lane(q);
        return [q, { waiting: l.waiting.length, active: l.running, delayed: l.delayed, completed: l.completed, failed: l.failed }];
      }),
    );
  }

  async workerCount(): Promise<number | null> {
    return this.processors && !this.closed ? 1 : 0;
  }

  /** Cron or interval scheduling for the embedded mode (BullMQ's job schedulers play this role with Redis). */
  async upsertScheduler(spec: ScheduleSpec): Promise<void> {
    const existing = this.schedulers.get(spec.id);
    if (existing?.timer) clearTimeout(existing.timer);
    const data = JOB_DEFINITIONS[spec.name].payload.parse(spec.data);
    const entry: InlineScheduler = {
      id: spec.id,
      name: spec.name,
      pattern: spec.pattern ?? null,
      tz: spec.pattern ? (spec.tz ?? null) : null,
      everyMs: spec.pattern ? null : (spec.everyMs ?? null),
      next: null,
      data,
    };
    if (!entry.pattern && !entry.everyMs) throw new Error(`scheduler ${spec.id} needs a pattern or an interval`);
    this.schedulers.set(spec.id, entry);
    const arm = () => {
      if (this.closed) return;
      const next = entry.pattern
        ? CronExpressionParser.parse(entry.pattern, { tz: entry.tz ?? undefined, currentDate: new Date() })
            .next()
            .toDate()
        : new Date(Date.now() + entry.everyMs!);
      entry.next = next;
      entry.timer = setTimeout(
        () => {
          void this.enqueue(spec.name, data as never, { jobId: scheduledJobId(spec.id, next.getTime()) });
          arm();
        },
        Math.max(0, Math.min(next.getTime() - Date.now(), 2 ** 31 - 1)),
      );
      entry.timer.unref();
    };
    arm();
  }

  async listSchedulers(): Promise<ScheduleInfo[]> {
    return [...this.schedulers.values()]
      .map(({ id, name, pattern, tz, everyMs, next }) => ({ id, name, pattern, tz, everyMs, next }))
      .sort((a, b) => a.id.localeCompare(b.id));
  }

  async recentRuns(schedulerIds: readonly string[]): Promise<Map<string, ScheduledRun>> {
    const wanted = new Set(schedulerIds);
    const out = new Map<string, ScheduledRun>();
    for (const run of this.history.values()) {
      const of = schedulerOfJobId(run.jobId)!;
      const seen = out.get(of.schedulerId);
      if (wanted.has(of.schedulerId) && (!seen || seen.at <= run.at)) out.set(of.schedulerId, { ...run });
    }
    return out;
  }

  private track(jobId: string, change: Partial<ScheduledRun>) {
    const of = schedulerOfJobId(jobId);
    if (!of) return;
    const run = this.history.get(jobId) ?? {
      jobId,
      manual: of.manual,
      state: 'waiting' as const,
      at: new Date(of.at),
      startedAt: null,
      finishedAt: null,
      attempts: 0,
      failedReason: null,
    };
    this.history.set(jobId, { ...run, ...change });
    if (this.history.size > 500) this.history.delete(this.history.keys().next().value!);
  }

  /** Resolves when no job is waiting or running (tests, CLI commands that wait for their run). */
  async drain(): Promise<void> {
    if (this.isIdle()) return;
    await new Promise<void>((r) => this.idleWaiters.push(r));
  }

  async close(graceMs = 10_000): Promise<void> {
    this.closed = true;
    this.abort.abort();
    for (const t of this.timers) clearTimeout(t);
    for (const s of this.schedulers.values()) if (s.timer) clearTimeout(s.timer);
    const running = () => [...this.lanes.values()].some((l) => l.running > 0);
    const deadline = Date.now() + graceMs;
    while (running() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
  }

  private isIdle() {
    return [...this.lanes.values()].every((l) => l.running === 0 && l.waiting.length === 0) && this.timers.size === 0;
  }

  private later(ms: number, fn: () => void, q?: QueueName) {
    const lane = q ? this.lane(q) : null;
    if (lane) lane.delayed++;
    const t = setTimeout(() => {
      this.timers.delete(t);
      if (lane) lane.delayed--;
      fn();
      if (this.isIdle()) for (const w of this.idleWaiters.splice(0)) w();
    }, ms);
    this.timers.add(t);
  }

  private lane(q: QueueName): Lane {
    let lane = this.lanes.get(q);
    if (!lane) {
      lane = { concurrency: this.concurrency[q] ?? 1, running: 0, waiting: [], delayed: 0, completed: 0, failed: 0 };
      this.lanes.set(q, lane);
    }
    return lane;
  }

  private push(q: QueueName, job: PendingJob) {
    this.lane(q).waiting.push(job);
    this.pump(q);
  }

  private pump(q: QueueName) {
    const lane = this.lane(q);
    while (this.processors && !this.closed && lane.running < lane.concurrency && lane.waiting.length) {
      const job = lane.waiting.shift()!;
      lane.running++;
      void this.run(job).finally(() => {
        lane.running--;
        this.pump(q);
        if (this.isIdle()) for (const w of this.idleWaiters.splice(0)) w();
      });
    }
  }

  private async run(job: PendingJob) {
    const def = JOB_DEFINITIONS[job.name];
    const log = this.logger.child({ jobId: job.id, job: job.name });
    this.track(job.id, { state: 'active', startedAt: new Date() });
    try {
      const payload = def.payload.parse(job.payload);
      await (this.processors![job.name] as (p: unknown, c: unknown) => Promise<void>)(payload, {
        jobId: job.id,
        attempt: job.attemptsMade + 1,
        signal: this.abort.signal,
      });
      this.known.delete(job.id);
      this.lane(def.queue).completed++;
      this.track(job.id, { state: 'completed', finishedAt: new Date(), attempts: job.attemptsMade + 1 });
    } catch (e) {
      if (this.closed || e instanceof JobReleasedError) {
        // Nothing is kept in memory across a restart: the sweeper at the next start re-enqueues the run.
        this.known.delete(job.id);
        return;
      }
      if (e instanceof JobDeferredError) {
        log.debug({ delayMs: e.delayMs, reason: e.message }, 'job deferred');
        this.later(e.delayMs, () => this.push(def.queue, job), def.queue);
        return;
      }
      job.attemptsMade++;
      const permanent = e instanceof ZodError || isPermanentFailure(e);
      if (permanent || job.attemptsMade >= def.attempts) {
        this.known.delete(job.id);
        this.lane(def.queue).failed++;
        this.track(job.id, {
          state: 'failed',
          finishedAt: new Date(),
          attempts: job.attemptsMade,
          failedReason: String(serializeError(e).message ?? 'job failed').slice(0, 500),
        });
        log.error({ err: e, attempts: job.attemptsMade }, permanent ? 'job failed permanently (not retried)' : 'job failed after its last attempt');
        return;
      }
      log.warn({ err: e, attempt: job.attemptsMade }, 'job attempt failed; will retry');
      this.track(job.id, { state: 'waiting', attempts: job.attemptsMade });
      this.later(backoffDelay(this.backoffMs ?? def.backoffMs, job.attemptsMade), () => this.push(def.queue, job), def.queue);
    }
  }
}
