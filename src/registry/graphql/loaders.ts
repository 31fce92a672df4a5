import DataLoader from 'dataloader';
import type { TerritoryScope } from '../../kernel';
import { byId, groupBy } from '../../graphql/shared';
import type { FactRepository, SourceRecordView } from '../factRepository';
import type { HouseholdRepository, HouseholdRow, MembershipRow } from '../householdRepository';
import type { PersonRepository, PersonRow } from '../personRepository';

export interface RegistryLoaderRepositories {
  persons: PersonRepository;
  households: HouseholdRepository;
  facts: FactRepository;
}

/**
 * The registry's per-request loaders (persons, households, memberships, facts, source records),
 * with the caller's territory scope baked in: every nested field of a page resolves with one query
 * per kind of data, whatever the page size.
 */
export function createRegistryLoaders(repos: RegistryLoaderRepositories, scope: TerritoryScope | null) {
  const personIdsNotNull = (r: { personId: number | null }) => r.personId as number;
  return {
    personById: new DataLoader<number, PersonRow | null>(async (ids) => byId(ids, await repos.persons.findByIds(ids, scope), (r) => r.id)),
    householdById: new DataLoader<number, HouseholdRow | null>(async (ids) => byId(ids, await repos.households.findByIds(ids, scope), (r) => r.id)),
    membersByHousehold: new DataLoader<number, MembershipRow[]>(async (ids) =>
      groupBy(ids, await repos.households.membershipsByHouseholdIds(ids), (r) => r.householdId),
    ),
    membershipsByPerson: new DataLoader<number, MembershipRow[]>(async (ids) =>
      groupBy(ids, await repos.households.membershipsByPersonIds(ids), personIdsNotNull),
    ),
    identifiersByPerson: new DataLoader(async (ids: readonly number[]) => groupBy(ids, await repos.facts.identifiersByPersonIds(ids), (r) => r.personId)),
    affiliationsByPerson: new DataLoader(async (ids: readonly number[]) => groupBy(ids, await repos.facts.affiliationsByPersonIds(ids), personIdsNotNull)),
    sisbenByPerson: new DataLoader(async (ids: readonly number[]) => groupBy(ids, await repos.facts.sisbenByPersonIds(ids), personIdsNotNull)),
    victimRegistrationsByPerson: new DataLoader(async (ids: readonly number[]) =>
      groupBy(ids, await repos.facts.victimRegistrationsByPersonIds(ids), personIdsNotNull),
    ),
    sourceRecordsByPerson: new DataLoader<number, SourceRecordView[]>(async (ids) =>
      groupBy(ids, await repos.facts.sourceRecordsByPersonIds(ids), personIdsNotNull),
    ),
    sourceRecordById: new DataLoader<number, SourceRecordView | null>(async (ids) => byId(ids, await repos.facts.sourceRecordsByIds(ids), (r) => r.id)),
  };
}

export type RegistryLoaders = ReturnType<typeof createRegistryLoaders>;
