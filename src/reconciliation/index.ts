/**
 * Reconciliation: the engine that links every new or changed source record to a person (blocking,
 * scoring, decisions from src/domain/identity), its runs, the trained linkage models, merges and the
 * golden-record rebuild (survivorship). Other features import only this file.
 */
import { ReconciliationResolver } from './graphql/reconciliationResolver';

export {
  ReconciliationRepository,
  ENTITY_COLUMNS,
  entityFromRow,
  type ReconciliationRunRow,
  type ReconciliationState,
  type EntityRow,
  type RawEntity,
} from './reconciliationRepository';
export { MergeRepository } from './mergeRepository';
export { RelinkRepository } from './relinkRepository';
export { MergeService, MergeConflictError, type Actor, type MergeRequest, type DetachRequest, type MoveRequest } from './mergeService';
export { GoldenRecordRepository, survivorshipOf, type Survivorship } from './goldenRecordRepository';
export { ReconciliationService, type ReconciliationHooks } from './reconciliationService';
export { LinkageModelService, type LoadedModel } from './modelService';
export { ReconciliationRunService, measuredPrecision, type MeasuredPrecision, type StewardVerdicts } from './runService';
export { prepareEntity } from './prepareEntity';
export { stewardLink } from './matcher';
export { engineRules } from './engine';

// GraphQL
export { ReconciliationRun } from './graphql/reconciliationTypes';
export { toReconciliationRun } from './graphql/mappers';
export { createReconciliationLoaders, type ReconciliationLoaders } from './graphql/loaders';
export type { ReconciliationContext } from './graphql/context';

/** Reconciliation's resolvers, collected by the schema assembly (src/graphql/schema.ts). */
export const reconciliationResolvers = [ReconciliationResolver] as const;
