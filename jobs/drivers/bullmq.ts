import { DelayedError, Queue, UnrecoverableError, WaitingError, Worker, type Job, type JobsOptions } from 'bullmq';
import type { Redis } from 'ioredis';
import { ZodError } from 'zod';
import { serializeError, type Logger } from '../../src/platform/logger';
import {
  JOB_STATES,
  QueueUnavailableError,
  type EnqueueOptions,
  type JobName,
  type JobPayloads,
  type JobState,
  type OpsJobQueue,
  type ScheduledRun,
  type ScheduleInfo,
  type ScheduleSpec,
  schedulerOfJobId,
} from '../../src/platform/queue';
import { JOB_DEFINITIONS, JobDeferredError, JobReleasedError, QUEUES, type Processors, type QueueName } from '../definitions';
import { isPermanentFailure } from '../failures';
import { createRedis } from './redis';

const ENQUEUE_TIMEOUT_MS = 2_000;

function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(`timed out after ${ms} ms`)), ms);
    p.then(
      (v) => (clearTimeout(t), resolve(v)),
      (e) => (clearTimeout(t), reject(e)),
    );
  });
}

export interface BullMqOptions {
  redisUrl: string;
  prefix: string;
  logger: Logger;
  /** Overrides every job's base backoff delay (JOB_BACKOFF_MS). */
  backoffMs?: number;
}

/** Retry policy and retention shared by directly added jobs and scheduler templates. */
function jobOptions(name: JobName, backoffMs?: number): Pick<JobsOptions, 'attempts' | 'backoff' | 'removeOnComplete' | 'removeOnFail'> {
  const def = JOB_DEFINITIONS[name];
  return {
    attempts: def.attempts,
    backoff: { type: 'exponential', delay: backoffMs ?? def.backoffMs, jitter: 0.5 },
    removeOnComplete: { age: 24 * 3600, count: 1000 },
    removeOnFail: { age: 14 * 24 * 3600 },
  };
}

/**
 * What BullMQ stores of a failure (failedReason, stacktrace) lives in Redis in clear text: keep
 * the scrubbed message of src/platform/logger (no SQL parameters, no quoted values) and frames only.
 */
function redisSafe(e: unknown): Error {
  const s = serializeError(e);
  const safe = new Error(String(s.message ?? 'job failed'));
  safe.name = String(s.type ?? 'Error');
  safe.stack = `${safe.name}: ${safe.message}\n${String(s.stack ?? '')
    .split('\n')
    .filter((l) => l.startsWith('    at '))
    .join('\n')}`;
  return safe;
}

/**
 * A Redis connection error as the log keeps it: type, message (what failed to connect where) and
 * code (ECONNREFUSED, ETIMEDOUT…), without the stack that each reconnect attempt would repeat.
 */
export function redisError(e: unknown): Record<string, unknown> {
  const { stack: _stack, ...rest } = serializeError(e);
  const code = (e as { code?: unknown })?.code;
  return { ...rest, ...(typeof code === 'string' ? { code } : {}) };
}

/** Logs a connection's errors (each reconnect attempt's) as `redis connection error (<role>)`. */
export function logRedisErrors(connection: Redis, logger: Logger, role: string): void {
  connection.on('error', (err) => logger.warn({ err: redisError(err) }, `redis connection error (${role})`));
}

/** Producer side: one BullMQ queue per queue name on a fail-fast connection. */
export class BullMqJobQueue implements OpsJobQueue {
  readonly kind = 'bullmq' as const;
  readonly connection: Redis;
  private built?: Record<QueueName, Queue>;

  constructor(private readonly opts: BullMqOptions) {
    this.connection = createRedis(opts.redisUrl, 'producer');
    // An unreachable Redis is reported by enqueue (QueueUnavailableError); the connection's own
    // error events would otherwise crash the process or flood the log.
    this.connection.on('error', () => {});
  }

  /**
   * BullMQ queues are built on first use once the connection is ready: a Queue created while the
   * fail-fast connection is still down fails its first command and stays broken.
   */
  get queues(): Record<QueueName, Queue> {
    if (!this.built) {
      if (this.connection.status !== 'ready') throw new QueueUnavailableError(new Error(`redis connection is ${this.connection.status}`));
      this.built = Object.fromEntries(
        QUEUES.map((q) => [q, new Queue(q, { connection: this.connection, prefix: this.opts.prefix, skipWaitingForReady: true })]),
      ) as Record<QueueName, Queue>;
      for (const q of Object.values(this.built)) q.on('error', () => {});
    }
    return this.built;
  }

  /** Waits (bounded) for the first connection, so a process that just started can enqueue at once. */
  async ready(timeoutMs = 2_000): Promise<boolean> {
    if (this.connection.status === 'ready') return true;
    return new Promise<boolean>((resolve) => {
      const t = setTimeout(() => done(false), timeoutMs);
      const onReady = () => done(true);
      const done = (ok: boolean) => {
        clearTimeout(t);
        this.connection.off('ready', onReady);
        resolve(ok);
      };
      this.connection.on('ready', onReady);
    });
  }

  jobIdOf<N extends JobName>(name: N, payload: JobPayloads[N]): string | null {
    return JOB_DEFINITIONS[name].jobId?.(payload) ?? null;
  }

  async enqueue<N extends JobName>(name: N, payload: JobPayloads[N], opts: EnqueueOptions = {}): Promise<void> {
    const def = JOB_DEFINITIONS[name];
    const data = def.payload.parse(payload);
    const jobId = opts.jobId ?? def.jobId?.(data);
    if (this.connection.status !== 'ready') throw new QueueUnavailableError(new Error(`redis connection is ${this.connection.status}`));
    try {
      await withTimeout(this.add(this.queues[def.queue], name, data, jobId, opts.delayMs), ENQUEUE_TIMEOUT_MS);
    } catch (e) {
      throw new QueueUnavailableError(e);
    }
  }

  /**
   * A custom job id de-duplicates only while the old job is live. A finished job kept for
   * inspection (completed, or failed: kept 14 days) would make BullMQ silently ignore the new one —
   * a retried run or a sweeper's re-enqueue would never run — so it is removed first.
   */
  private async add(queue: Queue, name: JobName, data: unknown, jobId: string | undefined, delayMs: number | undefined) {
    if (jobId) {
      const old = await queue.getJob(jobId);
      if (old) {
        const state = await old.getState();
        if (state !== 'completed' && state !== 'failed' && state !== 'unknown') return;
        await old.remove().catch(() => {});
      }
    }
    await queue.add(name, data, { jobId, delay: delayMs, ...jobOptions(name, this.opts.backoffMs) });
  }

  /** Ids of jobs waiting, delayed or running (the sweeper's notion of "live"). */
  async liveJobIds(): Promise<Set<string>> {
    const ids = new Set<string>();
    for (const q of Object.values(this.queues)) {
      const jobs = await q.getJobs(['active', 'waiting', 'delayed', 'prioritized', 'waiting-children'], 0, -1);
      for (const j of jobs) if (j?.id) ids.add(j.id);
    }
    return ids;
  }

  async counts(): Promise<Record<string, Record<JobState, number>>> {
    const out: Record<string, Record<JobState, number>> = {};
    for (const [name, q] of Object.entries(this.queues)) {
      const c = await q.getJobCounts('waiting', 'prioritized', 'waiting-children', 'active', 'delayed', 'completed', 'failed');
      const row = Object.fromEntries(JOB_STATES.map((s) => [s, 0])) as Record<JobState, number>;
      row.waiting = (c.waiting ?? 0) + (c.prioritized ?? 0) + (c['waiting-children'] ?? 0);
      row.active = c.active ?? 0;
      row.delayed = c.delayed ?? 0;
      row.completed = c.completed ?? 0;
      row.failed = c.failed ?? 0;
      out[name] = row;
    }
    return out;
  }

  /**
   * BullMQ job schedulers live under one key per id, so any number of processes declaring the same
   * id leave exactly one scheduler (and one next job). Unchanged schedulers are left untouched.
   */
  async upsertScheduler(spec: ScheduleSpec): Promise<void> {
    const queue = this.queues[JOB_DEFINITIONS[spec.name].queue];
    const current = await queue.getJobScheduler(spec.id);
    if (
      current &&
      (current.pattern ?? null) === (spec.pattern ?? null) &&
      (current.tz ?? null) === (spec.pattern ? (spec.tz ?? null) : null) &&
      (current.every ? Number(current.every) : null) === (spec.everyMs ?? null) &&
      JSON.stringify(current.template?.data ?? {}) === JSON.stringify(spec.data)
    ) {
      return;
    }
    const repeat = spec.pattern ? { pattern: spec.pattern, tz: spec.tz } : { every: spec.everyMs! };
    await queue.upsertJobScheduler(spec.id, repeat, {
      name: spec.name,
      data: JOB_DEFINITIONS[spec.name].payload.parse(spec.data),
      opts: jobOptions(spec.name, this.opts.backoffMs),
    });
  }

  async listSchedulers(): Promise<ScheduleInfo[]> {
    const out: ScheduleInfo[] = [];
    for (const q of Object.values(this.queues)) {
      for (const s of await q.getJobSchedulers(0, -1, true)) {
        out.push({
          id: s.key,
          name: s.name,
          pattern: s.pattern ?? null,
          tz: s.tz ?? null,
          everyMs: s.every ? Number(s.every) : null,
          next: s.next ? new Date(Number(s.next)) : null,
        });
      }
    }
    return out.sort((a, b) => a.id.localeCompare(b.id));
  }

  async recentRuns(schedulerIds: readonly string[]): Promise<Map<string, ScheduledRun>> {
    const wanted = new Set(schedulerIds);
    const out = new Map<string, ScheduledRun>();
    // Only the latest jobs of each state are read: finished ones are kept 1000 (completed) or 14 days (failed).
    const states = ['active', 'waiting', 'prioritized', 'delayed', 'completed', 'failed'] as const;
    for (const q of Object.values(this.queues)) {
      for (const state of states) {
        for (const job of await q.getJobs([state], 0, 199, false)) {
          const of = job?.id ? schedulerOfJobId(job.id) : null;
          if (!job || !of || !wanted.has(of.schedulerId)) continue;
          // A scheduler's next job waits delayed until it is due: that is its next run, not its last.
          if (state === 'delayed' && !of.manual && of.at > Date.now()) continue;
          const run: ScheduledRun = {
            jobId: job.id!,
            manual: of.manual,
            state: state === 'completed' || state === 'failed' || state === 'active' ? state : 'waiting',
            at: new Date(of.at),
            startedAt: job.processedOn ? new Date(job.processedOn) : null,
            finishedAt: job.finishedOn ? new Date(job.finishedOn) : null,
            attempts: job.attemptsMade,
            failedReason: state === 'failed' ? (job.failedReason ?? null) : null,
          };
          const seen = out.get(of.schedulerId);
          if (!seen || seen.at < run.at) out.set(of.schedulerId, run);
        }
      }
    }
    return out;
  }

  async workerCount(queue: string): Promise<number | null> {
    try {
      const q = this.queues[queue as QueueName];
      if (!q) return null;
      return await withTimeout(q.getWorkersCount(), ENQUEUE_TIMEOUT_MS);
    } catch {
      return null;
    }
  }

  dashboardQueues(): Queue[] {
    return Object.values(this.queues);
  }

  async close(): Promise<void> {
    await Promise.all(Object.values(this.built ?? {}).map((q) => q.close().catch(() => {})));
    this.connection.disconnect();
  }
}

export interface WorkerHandle {
  close(graceMs?: number): Promise<void>;
  workers: Worker[];
}

/**
 * Consumer side: one BullMQ worker per queue. The wrapper re-parses the payload, gives the
 * processor an AbortSignal for graceful shutdown, and sorts outcomes:
 * - bad data → UnrecoverableError (never retried);
 * - released on shutdown → back to waiting, no attempt spent;
 * - deferred (run busy elsewhere, an earlier run first) → delayed, no attempt spent;
 * - anything else → BullMQ retries with exponential backoff and jitter.
 */
export function startBullMqWorkers(
  processors: Processors,
  opts: BullMqOptions & { concurrency?: Partial<Record<QueueName, number>>; lockDurationMs?: number; stalledIntervalMs?: number },
): WorkerHandle {
  const abort = new AbortController();
  const connection = createRedis(opts.redisUrl, 'worker');
  logRedisErrors(connection, opts.logger, 'worker');
  const workers = QUEUES.map((queueName) => {
    const worker = new Worker(
      queueName,
      async (job: Job, token?: string) => {
        const name = job.name as JobName;
        const def = JOB_DEFINITIONS[name];
        if (!def) throw new UnrecoverableError(`unknown job ${job.name}`);
        const log = opts.logger.child({ jobId: job.id, job: name });
        try {
          const payload = def.payload.parse(job.data);
          await (processors[name] as (p: unknown, c: unknown) => Promise<void>)(payload, {
            jobId: job.id ?? '',
            attempt: job.attemptsMade + 1,
            signal: abort.signal,
          });
        } catch (e) {
          if (e instanceof JobReleasedError) {
            log.info('job released on shutdown; another worker takes it over');
            await job.moveToWait(token);
            throw new WaitingError();
          }
          if (e instanceof JobDeferredError) {
            log.debug({ delayMs: e.delayMs, reason: e.message }, 'job deferred');
            await job.moveToDelayed(Date.now() + e.delayMs, token);
            throw new DelayedError();
          }
          if (e instanceof ZodError || isPermanentFailure(e)) {
            log.error({ err: e }, 'job failed permanently (not retried)');
            throw new UnrecoverableError(redisSafe(e).message);
          }
          // Transient: BullMQ retries with backoff; only the final attempt is logged as an error.
          const last = job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
          if (last) log.error({ err: e }, 'job failed after its last attempt');
          else log.warn({ err: e }, 'job attempt failed; will retry');
          throw redisSafe(e);
        }
      },
      {
        connection,
        prefix: opts.prefix,
        concurrency: opts.concurrency?.[queueName] ?? 1,
        lockDuration: opts.lockDurationMs ?? 30_000,
        stalledInterval: opts.stalledIntervalMs ?? 30_000,
        maxStalledCount: 5,
        // After a Redis outage, resume within ~2 s (BullMQ's default waits 15 s before retrying its loop).
        runRetryDelay: 2_000,
        autorun: true,
      },
    );
    worker.on('error', (err) => opts.logger.warn({ err: redisError(err), queue: queueName }, 'worker error'));
    return worker;
  });
  return {
    workers,
    async close(graceMs = 10_000) {
      // Stop taking work, ask running processors to release at their next safe point, then wait.
      abort.abort();
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([Promise.all(workers.map((w) => w.close().catch(() => {}))), new Promise((r) => (timer = setTimeout(r, graceMs)))]);
      clearTimeout(timer);
      await Promise.all(workers.map((w) => w.close(true).catch(() => {})));
      connection.disconnect();
    },
  };
}
