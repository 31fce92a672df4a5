/**
 * Registry: the canonical persons (golden records), households and memberships, the facts derived
 * from source records (documents, affiliations, Sisbén classifications, victim registrations), the
 * source records themselves (provenance) and the reference data (DIVIPOLA, code lists, Logros).
 * Other features import only this file.
 */
import {
  AffiliationResolver,
  GoldenValueResolver,
  HouseholdMemberResolver,
  HouseholdResolver,
  IdentifierResolver,
  PersonResolver,
  SisbenClassificationResolver,
  SourceRecordResolver,
  VictimRegistrationResolver,
} from './graphql/personResolver';
import { MunicipalityResolver, ReferenceResolver } from './graphql/referenceResolver';
import { RegistryResolver } from './graphql/registryResolver';

export { PersonRepository, type PersonRow, type PersonFilter } from './personRepository';
export { HouseholdRepository, type HouseholdRow, type MembershipRow, type HouseholdFilter } from './householdRepository';
export {
  FactRepository,
  SOURCE_RECORD_VIEW,
  valuesLocation,
  type SourceRecordView,
  type IdentifierRow,
  type AffiliationRow,
  type SisbenRow,
  type VictimRow,
} from './factRepository';
export { ReferenceRepository, type DepartmentRow, type MunicipalityRow } from './referenceRepository';
export { RegistryService } from './registryService';
export { ReferenceService } from './referenceService';

// GraphQL: the types other features' fields return, their mappers, loaders and scope helpers.
export { Person } from './graphql/personTypes';
export { SourceRecord } from './graphql/sourceRecordTypes';
export { Household } from './graphql/householdTypes';
export { TOTAL_COUNT_COST } from './graphql/connectionTypes';
export { LogroBasico } from './graphql/referenceTypes';
export { toPerson, toHousehold, toSourceRecord } from './graphql/mappers';
export { withinScope, sourceRecordOf } from './graphql/scope';
export { createRegistryLoaders, type RegistryLoaders, type RegistryLoaderRepositories } from './graphql/loaders';
export type { RegistryContext, PersonLookupContext } from './graphql/context';

/** The registry's resolvers, collected by the schema assembly (src/graphql/schema.ts). */
export const registryResolvers = [
  RegistryResolver,
  PersonResolver,
  GoldenValueResolver,
  SourceRecordResolver,
  IdentifierResolver,
  AffiliationResolver,
  SisbenClassificationResolver,
  VictimRegistrationResolver,
  HouseholdResolver,
  HouseholdMemberResolver,
  ReferenceResolver,
  MunicipalityResolver,
] as const;
