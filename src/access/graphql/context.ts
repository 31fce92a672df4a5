import type { RequestContext } from '../../graphql/shared';
import type { RegistryLoaders, RegistryService } from '../../registry';
import type { AuditService } from '../auditService';
import type { ClientService } from '../clientService';

/** What access's resolvers (API clients, the audit log, titular requests) use of a request. */
export interface AccessContext extends RequestContext {
  services: { clients: ClientService; audit: AuditService; registry: RegistryService };
  loaders: Pick<RegistryLoaders, 'personById'>;
}
