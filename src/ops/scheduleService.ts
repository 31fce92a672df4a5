import { CronExpressionParser } from 'cron-parser';
import type { Clock } from '../kernel';
import { manualJobId, type OpsJobQueue, type ScheduledRun, type ScheduleSpec } from '../platform/queue';

/** One periodic job as operators see it: what is declared, what the queue holds, how it last went. */
export interface ScheduleView {
  id: string;
  jobName: string;
  pattern: string | null;
  tz: string | null;
  everyMs: number | null;
  /** Declared by this hub's configuration (a scheduler the queue holds but nothing declares any more is listed too). */
  declared: boolean;
  /** Held by the queue (with Redis: declared by a running worker; embedded: by this process). */
  live: boolean;
  nextRunAt: Date | null;
  lastRun: ScheduledRun | null;
}

export type RunNowOutcome = { kind: 'queued'; jobId: string; schedule: ScheduleView } | { kind: 'notFound'; message: string };

/**
 * The job schedulers (the inbox scans per source, the sweeper) and running one now. A run by hand
 * is the scheduler's own job with `trigger: manual` and an id of its own (manual-<id>-<ms>), so
 * its outcome shows as the scheduler's last run and a scheduled run is never de-duplicated away.
 */
export class ScheduleService {
  constructor(
    private readonly queue: OpsJobQueue,
    private readonly specs: readonly ScheduleSpec[],
    private readonly clock: Clock,
  ) {}

  async list(): Promise<ScheduleView[]> {
    const live = new Map((await this.queue.listSchedulers()).map((s) => [s.id, s]));
    const ids = [...new Set([...this.specs.map((s) => s.id), ...live.keys()])].sort();
    const runs = await this.queue.recentRuns(ids);
    return ids.map((id) => {
      const spec = this.specs.find((s) => s.id === id);
      const held = live.get(id);
      const pattern = held?.pattern ?? spec?.pattern ?? null;
      const tz = held?.tz ?? spec?.tz ?? null;
      return {
        id,
        jobName: held?.name ?? spec!.name,
        pattern,
        tz,
        everyMs: held?.everyMs ?? spec?.everyMs ?? null,
        declared: spec !== undefined,
        live: held !== undefined,
        // Not held (a worker has yet to declare it): when the declared rule would fire next.
        nextRunAt: held ? held.next : pattern ? this.nextOf(pattern, tz) : null,
        lastRun: runs.get(id) ?? null,
      };
    });
  }

  /** Queues the scheduler's job now (the scheduler keeps its own timetable). */
  async runNow(id: string): Promise<RunNowOutcome> {
    const spec = this.specs.find((s) => s.id === id);
    if (!spec) return { kind: 'notFound', message: 'No such schedule.' };
    const jobId = manualJobId(spec.id, this.clock.now().getTime());
    await this.queue.enqueue(spec.name, { ...spec.data, trigger: 'manual' } as never, { jobId });
    const schedule = (await this.list()).find((s) => s.id === id)!;
    return { kind: 'queued', jobId, schedule };
  }

  private nextOf(pattern: string, tz: string | null): Date | null {
    try {
      return CronExpressionParser.parse(pattern, { tz: tz ?? undefined, currentDate: this.clock.now() })
        .next()
        .toDate();
    } catch {
      return null;
    }
  }
}
