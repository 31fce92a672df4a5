/**
 * Cruce: answers an agency's list of persons against the registry (document, else phonetic, else
 * no match; the facts the client may see) and keeps the services the agency delivered as facts on
 * the matched persons. Other features import only this file. See docs/cruce.md.
 */
import { CruceResolver, DeliveredServicesResolver } from './graphql/cruceResolver';

export { CruceRepository, type CruceRunRow, type DeliveredServiceRow } from './cruceRepository';
export { CruceService, normalizeAgency, MAX_SYNC_ROWS, type CruceAccess, type CruceRequest, type CruceResult } from './cruceService';
export { parseCruceFile, MAX_CRUCE_ROWS, CRUCE_DELIMITERS } from './file';
export { validateRow, INPUT_FIELDS, REQUIRED_COLUMNS, SERVICE_FIELDS, type CruceInput, type InputRow, type InputField } from './input';
export { matchRow, MATCH_TYPES, MATCH_FLAGS, NAME_REVIEW_PERCENT, type MatchType, type MatchFlag, type MatchOutcome, type CandidatePerson } from './matcher';
export { CRUCE_ROLES, factColumnsFor, mayDisclose, type CruceFactSource, type FactColumn, type CruceFacts } from './facts';
export { createCruceLoaders, type CruceLoaders } from './graphql/loaders';
export type { CruceContext } from './graphql/context';
export { answerHeader, answerCells, MATCH_TYPE_LABELS, type CruceLine } from './answer';

/** The cruce's resolvers, collected by the schema assembly (src/graphql/schema.ts). */
export const cruceResolvers = [CruceResolver, DeliveredServicesResolver] as const;
