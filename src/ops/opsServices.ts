import type { Clock } from '../kernel';
import type { Config } from '../platform/config';
import type { Logger } from '../platform/logger';
import type { OpsJobQueue } from '../platform/queue';
import type { ImportRepository, ImportService } from '../imports';
import type { OpsRepository } from './opsRepository';
import type { ReconciliationRepository } from '../reconciliation';
import { InboxScanner } from './inboxScanner';
import { OpsMetrics } from './opsMetrics';
import { NightlySummaries } from './nightlySummary';
import { Sweeper } from './sweeper';

/** Nightly operations: inbox scanning, the sweeper, nightly summaries and metrics. */
export function createOpsServices(deps: {
  config: Config;
  logger: Logger;
  clock: Clock;
  queue: OpsJobQueue;
  imports: ImportService;
  repositories: { imports: ImportRepository; reconciliation: ReconciliationRepository; ops: OpsRepository };
}) {
  const { config, logger, clock, queue, repositories: r } = deps;
  const summaries = new NightlySummaries(r.ops, r.imports, logger.child({ component: 'summaries' }));
  return {
    repo: r.ops,
    summaries,
    scanner: new InboxScanner(deps.imports, r.imports, r.ops, config, logger.child({ component: 'inbox' }), clock),
    sweeper: new Sweeper(queue, r.imports, r.reconciliation, r.ops, summaries, logger.child({ component: 'sweeper' })),
    metrics: new OpsMetrics(r.ops, queue, logger.child({ component: 'metrics' })),
  };
}

export type OpsServices = ReturnType<typeof createOpsServices>;
