import type { RequestContext } from '../../graphql/shared';
import type { ReconciliationRunService } from '../runService';
import type { ReconciliationLoaders } from './loaders';

/** What reconciliation's resolvers use of a request. */
export interface ReconciliationContext extends RequestContext {
  services: { reconciliationRuns: ReconciliationRunService };
  loaders: ReconciliationLoaders;
}
