/**
 * Imports: registry files through the connectors into staging, the snapshot diff and the chunked
 * apply, as a durable run (import_runs) with its row errors; the inbox-independent file access
 * (registryFiles.ts). Other features import only this file.
 */
import { ImportResolver } from './graphql/importResolver';

export {
  ImportRepository,
  FINISHED_STATES,
  UNFINISHED_STATES,
  stagingTable,
  dryRunStagingTable,
  type ImportRunRow,
  type ImportState,
  type RowErrorRow,
  type BulkPlan,
} from './importRepository';
export { ImportService, WaitForEarlierRunError, type ImportSummary, type ImportHooks } from './importService';
export {
  readRunSummary,
  nightlyReconciliationSchema,
  type ImportRunSummary,
  type NightlyReconciliation,
  type LineAccounting,
  type ImportTimings,
} from './runSummary';
export { RecordRemovalService, type RemovalReport, type RemovalScope } from './recordRemoval';
export { RecordValues } from './recordValues';
export { fileChunks, inspectFile, decodeFile, parseFile, loadLayout, type ParseFileOptions } from './registryFiles';

// GraphQL
export { ImportRun } from './graphql/importTypes';
export { toImportRun } from './graphql/mappers';
export type { ImportsContext } from './graphql/context';

/** The imports' resolvers, collected by the schema assembly (src/graphql/schema.ts). */
export const importResolvers = [ImportResolver] as const;
