/**
 * Nightly operations: the inbox scanner, the sweeper (re-enqueues what PostgreSQL says is
 * unfinished), the nightly summaries, the Prometheus metrics and the per-run locks the job
 * processors hold. Other features import only this file.
 */
export { createOpsServices, type OpsServices } from './opsServices';
export { OpsRepository, RUN_KINDS, type RunKind } from './opsRepository';
export { InboxScanner, type SourceScan } from './inboxScanner';
export { OpsMetrics, type JobOutcome } from './opsMetrics';
export { NightlySummaries, type ReconciliationSummary } from './nightlySummary';
export { Sweeper, type SweepReport } from './sweeper';
