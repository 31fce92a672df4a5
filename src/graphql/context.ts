import type { Logger } from '../platform/logger';
import type { TerritoryScope } from '../kernel/territory';
import type { AppServices } from '../app';
import type { Principal } from '../kernel/principal';
import type { Loaders } from './loaders';
import type { AuditTrail } from './security/auditTrail';

export interface GraphQLContext {
  requestId: string;
  logger: Logger;
  services: AppServices;
  /** Per-request loaders with the caller's territory scope baked in: resolve persons only through them. */
  loaders: Loaders;
  /** Territory the caller may see; null = unrestricted. Pass it to every service call that returns persons or households. */
  scope: TerritoryScope | null;
  /** The authenticated API client. */
  principal: Principal;
  /** Audit events of this request, written in one INSERT before the response is sent. */
  audit: AuditTrail;
  /** Epoch milliseconds after which fields still to resolve fail with TIMEOUT. */
  deadline: number;
}
