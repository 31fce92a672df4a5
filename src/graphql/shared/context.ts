import type { AuditTrail } from './auditTrail';
import type { Principal, TerritoryScope } from '../../kernel';
import type { Logger } from '../../platform/logger';

/**
 * What every request carries, whatever the feature. Each feature's resolvers type their context as
 * this plus the services and loaders they use (e.g. `RegistryContext` in src/registry/graphql); the
 * full context (src/graphql/context.ts) is all of them at once.
 */
export interface RequestContext {
  requestId: string;
  logger: Logger;
  /** Territory the caller may see; null = unrestricted. Pass it to every service call that returns persons or households. */
  scope: TerritoryScope | null;
  /** The authenticated API client. */
  principal: Principal;
  /** Audit events of this request, written in one INSERT before the response is sent. */
  audit: AuditTrail;
  /** Epoch milliseconds after which fields still to resolve fail with TIMEOUT. */
  deadline: number;
}
