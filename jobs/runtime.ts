import { createApp, type App } from '../src/app';
import type { Clock } from '../src/kernel';
import type { Config } from '../src/platform/config';
import type { Database } from '../src/platform/db';
import type { Logger } from '../src/platform/logger';
import type { OpsJobQueue } from '../src/platform/queue';
import { BullMqJobQueue, startBullMqWorkers, type WorkerHandle } from './drivers/bullmq';
import { InlineJobQueue } from './drivers/inline';
import { assertNoEviction, createRedis, RedisPolicyError } from './drivers/redis';
import { createProcessors, processOwner } from './processors';
import { ensureSchedules, scheduleSpecs, startScheduleKeeper } from './schedules';
import { JOB_NAMES, QUEUES, type QueueName } from './definitions';

export interface Runtime {
  app: App;
  queue: OpsJobQueue & { close(graceMs?: number): Promise<void> };
  /** Present when this process runs workers. */
  workers: boolean;
  /** Waits until in-process jobs are idle (inline driver only; a no-op with BullMQ). */
  drain(): Promise<void>;
  close(graceMs?: number): Promise<void>;
}

export interface RuntimeOptions {
  config: Config;
  db: Database;
  logger: Logger;
  clock?: Clock;
  /** Run job processors in this process (worker, serve in embedded mode, CLI commands in embedded mode). */
  workers: boolean;
  /**
   * Long-running worker processes (`worker`, `serve` in embedded mode): declare the job schedulers,
   * sweep once at start (runs a previous process left unfinished) and keep the schedulers declared.
   */
  schedules?: boolean;
  /** How run leases name this process (`worker`, `serve`, `cli`): role@host:pid. */
  role?: string;
}

/**
 * Builds the app with its job queue: BullMQ when REDIS_URL is set (production path), otherwise the
 * in-process driver. With `workers`, also attaches the processors. Every job name must have exactly
 * one processor (checked here, at boot).
 */
export async function startRuntime(opts: RuntimeOptions): Promise<Runtime> {
  const { config, db, logger } = opts;
  const bull = config.REDIS_URL
    ? new BullMqJobQueue({ redisUrl: config.REDIS_URL, prefix: config.QUEUE_PREFIX, logger, backoffMs: config.JOB_BACKOFF_MS })
    : null;
  const concurrency = Object.fromEntries(QUEUES.map((q) => [q, q === 'reconciliation' || q === 'logros' ? 1 : config.WORKER_CONCURRENCY])) as Record<
    QueueName,
    number
  >;
  const inline = bull ? null : new InlineJobQueue(logger, concurrency, config.JOB_BACKOFF_MS);
  const queue = (bull ?? inline)!;
  // Not fatal: with Redis down the API still serves; enqueues answer retriable errors meanwhile.
  if (bull && !(await bull.ready())) logger.warn('redis is not reachable yet; jobs will be enqueued once it is');
  const app = createApp({ config, db, logger, queue, clock: opts.clock, schedules: scheduleSpecs(config) });
  let handle: WorkerHandle | null = null;
  let keeper: { stop(): void } | null = null;

  try {
    if (opts.workers) {
      const processors = createProcessors(app, processOwner(opts.role ?? 'cli'));
      const missing = JOB_NAMES.filter((n) => typeof processors[n] !== 'function');
      if (missing.length) throw new Error(`jobs without a processor: ${missing.join(', ')}`);
      if (bull) {
        await checkRedisPolicy(config, logger);
        handle = startBullMqWorkers(processors, {
          redisUrl: config.REDIS_URL!,
          prefix: config.QUEUE_PREFIX,
          logger,
          concurrency,
          lockDurationMs: config.WORKER_LOCK_MS,
          stalledIntervalMs: config.WORKER_LOCK_MS,
        });
      } else {
        inline!.start(processors);
      }
    }

    if (opts.schedules) {
      const sweep = () => app.services.ops.sweeper.sweep();
      try {
        await ensureSchedules(queue, config);
        await sweep();
      } catch (e) {
        // Redis down at start: the keeper declares the schedulers and sweeps as soon as it answers.
        logger.warn({ err: { message: (e as Error).message } }, 'could not declare schedules or sweep at start; retrying every sweep interval');
      }
      if (bull) keeper = startScheduleKeeper({ queue, config, sweep, logger });
    }
  } catch (e) {
    keeper?.stop();
    await handle?.close(0).catch(() => {});
    await queue.close(0).catch(() => {});
    throw e;
  }

  return {
    app,
    queue,
    workers: opts.workers,
    drain: () => inline?.drain() ?? Promise.resolve(),
    async close(graceMs = config.SHUTDOWN_GRACE_MS) {
      keeper?.stop();
      if (handle) await handle.close(graceMs);
      await queue.close(graceMs);
    },
  };
}

/**
 * BullMQ loses jobs if Redis may evict keys: production refuses to start workers on such a Redis,
 * or on one whose policy cannot be read; elsewhere the problem is logged.
 */
async function checkRedisPolicy(config: Config, logger: Logger) {
  const admin = createRedis(config.REDIS_URL!, 'admin');
  admin.on('error', () => {});
  try {
    if (admin.status !== 'ready') {
      const waitMs = config.NODE_ENV === 'production' ? 5_000 : 1_000;
      await new Promise<void>((resolve, reject) => {
        const t = setTimeout(() => reject(new Error(`Redis did not answer within ${waitMs} ms`)), waitMs);
        admin.once('ready', () => (clearTimeout(t), resolve()));
      });
    }
    await assertNoEviction(admin);
  } catch (e) {
    const production = config.NODE_ENV === 'production';
    if (e instanceof RedisPolicyError) {
      if (production) throw e;
      logger.warn(e.message);
    } else if (production) {
      throw new RedisPolicyError(`Could not verify Redis maxmemory-policy (${(e as Error).message}); refusing to start workers in production.`);
    } else {
      logger.warn({ err: { message: (e as Error).message } }, 'could not read the Redis eviction policy');
    }
  } finally {
    admin.disconnect();
  }
}
