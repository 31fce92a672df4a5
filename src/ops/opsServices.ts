import type { Clock } from '../kernel';
import type { Config } from '../platform/config';
import type { Logger } from '../platform/logger';
import type { OpsJobQueue } from '../platform/queue';
import type { ImportRepository, ImportService } from '../imports';
import type { OpsRepository, RunKind } from './opsRepository';
import { InboxScanner } from './inboxScanner';
import { OpsMetrics } from './opsMetrics';
import { NightlySummaries } from './nightlySummary';
import { Sweeper, type SweptServices } from './sweeper';

/** Nightly operations: inbox scanning, the sweeper, nightly summaries and metrics. */
export function createOpsServices(deps: {
  config: Config;
  logger: Logger;
  clock: Clock;
  queue: OpsJobQueue;
  imports: ImportService;
  /** The services of the run kinds the sweeper looks after. */
  runs: Omit<SweptServices, 'imports'>;
  repositories: { imports: ImportRepository; ops: OpsRepository };
}) {
  const { config, logger, clock, queue, repositories: r } = deps;
  const summaries = new NightlySummaries(r.ops, r.imports, logger.child({ component: 'summaries' }));
  return {
    repo: r.ops,
    summaries,
    /** One worker at a time per run: `fn` runs holding the run's lock, or `{ acquired: false }` at once. */
    runLock: <T>(kind: RunKind, id: number, fn: () => Promise<T>) => r.ops.withRunLock(kind, id, fn),
    scanner: new InboxScanner(deps.imports, r.imports, r.ops, config, logger.child({ component: 'inbox' }), clock),
    sweeper: new Sweeper(queue, { imports: deps.imports, ...deps.runs }, summaries, logger.child({ component: 'sweeper' }), r.ops),
    metrics: new OpsMetrics(r.ops, queue, logger.child({ component: 'metrics' })),
  };
}

export type OpsServices = ReturnType<typeof createOpsServices>;
