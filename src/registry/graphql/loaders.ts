import DataLoader from 'dataloader';
import type { TerritoryScope } from '../../kernel';
import { byId, groupBy } from '../../graphql/shared';
import type { FactRepository, SourceRecordView } from '../factRepository';
import type { HouseholdRepository, HouseholdRow, MembershipRow } from '../householdRepository';
import type { PersonRepository, PersonRow } from '../personRepository';
import type { PersonFactsWanted } from '../personFacts';

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
  const membershipsByPerson = new DataLoader<number, MembershipRow[]>(async (ids) =>
    groupBy(ids, await repos.households.membershipsByPersonIds(ids), personIdsNotNull),
  );
  const identifiersByPerson = new DataLoader(async (ids: readonly number[]) => groupBy(ids, await repos.facts.identifiersByPersonIds(ids), (r) => r.personId));
  const affiliationsByPerson = new DataLoader(async (ids: readonly number[]) => groupBy(ids, await repos.facts.affiliationsByPersonIds(ids), personIdsNotNull));
  /**
   * Which facts the operation reads of the persons this request loads by id (set by a root field
   * that knows its selection: the households page's members): personById then reads them in its
   * own statement and primes their loaders, instead of one more statement per kind.
   */
  const personFacts: { wanted?: PersonFactsWanted } = {};
  return {
    personFacts,
    personById: new DataLoader<number, PersonRow | null>(async (ids) => {
      const rows = await repos.persons.findByIds(ids, scope, personFacts.wanted);
      for (const [id, facts] of rows.facts ?? []) {
        if (facts.identifiers) identifiersByPerson.prime(id, facts.identifiers);
        if (facts.affiliations) affiliationsByPerson.prime(id, facts.affiliations);
        if (facts.memberships) membershipsByPerson.prime(id, facts.memberships);
      }
      return byId(ids, rows, (r) => r.id);
    }),
    householdById: new DataLoader<number, HouseholdRow | null>(async (ids) => byId(ids, await repos.households.findByIds(ids, scope), (r) => r.id)),
    membersByHousehold: new DataLoader<number, MembershipRow[]>(async (ids) =>
      groupBy(ids, await repos.households.membershipsByHouseholdIds(ids), (r) => r.householdId),
    ),
    membershipsByPerson,
    identifiersByPerson,
    affiliationsByPerson,
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
