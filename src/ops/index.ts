/**
 * Nightly operations: the inbox scanner, the sweeper (re-enqueues what PostgreSQL says is
 * unfinished), the nightly summaries, the Prometheus metrics and the per-run locks the job
 * processors hold, and the schedules operators see and run by hand. Other features import only this file.
 */
import { ScheduleResolver } from './graphql/scheduleResolver';

export { createOpsServices, type OpsServices } from './opsServices';
export { OpsRepository, RUN_KINDS, LEASED_TABLES, isLeasedKind, type RunKind, type LeasedKind, type RunLease } from './opsRepository';
export { InboxScanner, type SourceScan } from './inboxScanner';
export { OpsMetrics, type JobOutcome } from './opsMetrics';
export { NightlySummaries, type ReconciliationSummary } from './nightlySummary';
export { Sweeper, type SweepReport } from './sweeper';
export { ScheduleService, type ScheduleView, type RunNowOutcome } from './scheduleService';
export type { OpsContext } from './graphql/context';

/** Operations' resolvers, collected by the schema assembly (src/graphql/schema.ts). */
export const opsResolvers = [ScheduleResolver] as const;
