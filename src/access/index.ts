/**
 * Access: API clients and their tokens (authentication into a Principal with a role and a
 * territorial scope), and the append-only audit log with the accountability queries built on it
 * (identifier reads, titular dossiers). The roles themselves are in src/kernel/roles.ts, the
 * GraphQL access rules in src/graphql. Other features import only this file.
 */
import { AdminResolver, AuditEventResolver, IdentifierReadResolver, PersonDossierResolver } from './graphql/adminResolver';

export { ClientRepository, type ClientRow } from './clientRepository';
export { ClientService, scopeOf, type CreateClientInput, type ClientServiceOptions } from './clientService';
export { PrincipalCache } from './principalCache';
export { AuditRepository, type AuditEventRow } from './auditRepository';
export { AuditService, clientActor, type PersonDossier } from './auditService';
export { AuditChainService, parseAnchor, canonicalAuditRow, chainHash, type ChainReport, type ChainBreak, type ChainAnchor, type ChainRow } from './auditChain';
export { TOKEN_PREFIX, generateToken, hashToken, isWellFormedToken, sameDigest, bearerToken } from './tokens';

// GraphQL
export type { AccessContext } from './graphql/context';

/** Access's resolvers, collected by the schema assembly (src/graphql/schema.ts). */
export const accessResolvers = [AdminResolver, PersonDossierResolver, AuditEventResolver, IdentifierReadResolver] as const;
