import { SOURCE_NAMES, type SourceName } from '../src/kernel';
import type { Config } from '../src/platform/config';
import type { Logger } from '../src/platform/logger';
import type { OpsJobQueue, ScheduleSpec } from '../src/platform/queue';

export const SWEEP_SCHEDULER_ID = 'runs-sweep';
export const inboxSchedulerId = (source: SourceName) => `inbox-scan-${source}`;

type ScheduleConfig = Pick<
  Config,
  | 'INBOX_SCAN_CRON'
  | 'INBOX_SCAN_CRON_SISBEN'
  | 'INBOX_SCAN_CRON_BDUA'
  | 'INBOX_SCAN_CRON_RUAF'
  | 'INBOX_SCAN_CRON_RUV'
  | 'INBOX_SCAN_CRON_SISBEN_HOGARES'
  | 'INBOX_SCAN_CRON_OFERTA'
  | 'SCHEDULE_TZ'
  | 'SWEEP_INTERVAL_MS'
>;

const PER_SOURCE = {
  sisben: 'INBOX_SCAN_CRON_SISBEN',
  bdua: 'INBOX_SCAN_CRON_BDUA',
  ruaf: 'INBOX_SCAN_CRON_RUAF',
  ruv: 'INBOX_SCAN_CRON_RUV',
  sisben_hogares: 'INBOX_SCAN_CRON_SISBEN_HOGARES',
  oferta: 'INBOX_SCAN_CRON_OFERTA',
} as const satisfies Record<SourceName, keyof ScheduleConfig>;

/**
 * The hub's periodic work: one inbox scan per source (cron in SCHEDULE_TZ, 02:00 America/Bogota by
 * default; registries deliver on their own calendars, so each source can be moved alone) and the
 * sweeper. Ids are fixed: every process declares the same ones, so there is exactly one scheduler
 * per source and purpose however many instances start.
 */
export function scheduleSpecs(config: ScheduleConfig): ScheduleSpec[] {
  return [
    ...SOURCE_NAMES.map((source): ScheduleSpec<'inbox.scan'> => ({
      id: inboxSchedulerId(source),
      name: 'inbox.scan',
      data: { trigger: 'schedule', source },
      pattern: config[PER_SOURCE[source]] ?? config.INBOX_SCAN_CRON,
      tz: config.SCHEDULE_TZ,
    })),
    { id: SWEEP_SCHEDULER_ID, name: 'runs.sweep', data: { trigger: 'schedule' }, everyMs: config.SWEEP_INTERVAL_MS } satisfies ScheduleSpec<'runs.sweep'>,
  ] as ScheduleSpec[];
}

/** Declares every scheduler (unchanged ones are left alone). Returns the ids that did not exist. */
export async function ensureSchedules(queue: OpsJobQueue, config: ScheduleConfig): Promise<string[]> {
  const existing = new Set((await queue.listSchedulers()).map((s) => s.id));
  const missing: string[] = [];
  for (const spec of scheduleSpecs(config)) {
    if (!existing.has(spec.id)) missing.push(spec.id);
    await queue.upsertScheduler(spec);
  }
  return missing;
}

/**
 * Redis may come back empty (restarted without persistence, flushed, failed over to a stale
 * replica): the schedulers would be gone with the jobs, and no scheduled sweep would ever notice.
 * Each worker checks every SWEEP_INTERVAL_MS; when schedulers are missing it declares them again
 * and sweeps at once, so lost runs are re-enqueued within one sweep interval.
 */
export function startScheduleKeeper(opts: { queue: OpsJobQueue; config: ScheduleConfig; sweep: () => Promise<unknown>; logger: Logger }): { stop(): void } {
  let busy = false;
  const tick = async () => {
    if (busy) return;
    busy = true;
    try {
      const missing = await ensureSchedules(opts.queue, opts.config);
      if (missing.length) {
        opts.logger.warn({ missing }, 'job schedulers were missing (Redis lost its data?): declared again; sweeping now');
        const started = Date.now();
        await opts.sweep();
        // The operator (and the Redis-loss test) can tell the repair finished, and what it cost.
        opts.logger.warn({ sweepMs: Date.now() - started }, 'sweep after lost schedulers done: unfinished runs have their jobs again');
      }
    } catch (e) {
      opts.logger.warn({ err: { message: (e as Error).message } }, 'schedule check failed (queue unavailable?); will try again');
    } finally {
      busy = false;
    }
  };
  const timer = setInterval(() => void tick(), opts.config.SWEEP_INTERVAL_MS);
  timer.unref();
  return { stop: () => clearInterval(timer) };
}
