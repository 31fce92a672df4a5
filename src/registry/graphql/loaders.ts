import DataLoader from 'dataloader';
import type { TerritoryScope } from '../../kernel';
import { byId, groupBy, groupByKey } from '../../graphql/shared';
import type { AffiliationRow, FactRepository, IdentifierRow, SourceRecordView } from '../factRepository';
import type { HouseholdRepository, HouseholdRow, MembershipRow } from '../householdRepository';
import type { PersonRepository, PersonRow } from '../personRepository';

/** What a households page reads of its members: their persons, and the persons' documents and affiliations. */
export interface HouseholdMembersWanted {
  person: boolean;
  identifiers: boolean;
  affiliations: boolean;
  /**
   * The columns the selection reads of each (undefined: all). Such rows stay with the page: they
   * are never primed into a loader, which always holds whole rows.
   */
  personColumns?: (keyof PersonRow)[];
  identifierColumns?: (keyof IdentifierRow)[];
  affiliationColumns?: (keyof AffiliationRow)[];
}

/** A households page's members and what the operation reads of them (householdMembers below). */
export interface HouseholdPageMembers {
  /** Per requested household, in its order: the current members the `members` field returns (inside the scope). */
  members: MembershipRow[][];
  /** The members' persons (inside the scope), when wanted or needed for the scope. */
  persons: Map<number, PersonRow>;
  identifiers?: Map<number, IdentifierRow[]>;
  affiliations?: Map<number, AffiliationRow[]>;
}

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
  const membersByHousehold = new DataLoader<number, MembershipRow[]>(async (ids) =>
    groupBy(ids, await repos.households.membershipsByHouseholdIds(ids), (r) => r.householdId),
  );
  /**
   * A households page's members with their persons, documents and affiliations, read ahead by the
   * page's resolver: the loaders' statements (memberships, then persons, documents and
   * affiliations at once), not one DataLoader round per level with a promise per value. The
   * members are those `Household.members` returns: with a scope, only members whose person is
   * inside it (as `withinScope` through the scoped person loader).
   */
  const householdMembers = async (householdIds: readonly number[], want: HouseholdMembersWanted): Promise<HouseholdPageMembers> => {
    const rows = householdIds.length ? await repos.households.membershipsByHouseholdIds(householdIds) : [];
    const byHousehold = groupBy(householdIds, rows, (r) => r.householdId);
    // The household's audit subjects (a ficha read) come from this loader: no second read.
    householdIds.forEach((id, i) => membersByHousehold.prime(id, byHousehold[i]!));
    const personIds = [...new Set(rows.map(personIdsNotNull))];
    const [persons, identifiers, affiliations] = await Promise.all([
      want.person || scope ? repos.persons.findByIds(personIds, scope, want.person ? want.personColumns : ['id']) : [],
      want.identifiers ? repos.facts.identifiersByPersonIds(personIds, want.identifierColumns) : undefined,
      want.affiliations ? repos.facts.affiliationsByPersonIds(personIds, want.affiliationColumns) : undefined,
    ]);
    const personMap = new Map(persons.map((p) => [p.id, p]));
    return {
      members: scope ? byHousehold.map((list) => list.filter((m) => personMap.has(m.personId!))) : byHousehold,
      persons: personMap,
      identifiers: identifiers && groupByKey(identifiers, (r) => r.personId),
      affiliations: affiliations && groupByKey(affiliations, personIdsNotNull),
    };
  };
  return {
    householdMembers,
    personById: new DataLoader<number, PersonRow | null>(async (ids) => byId(ids, await repos.persons.findByIds(ids, scope), (r) => r.id)),
    householdById: new DataLoader<number, HouseholdRow | null>(async (ids) => byId(ids, await repos.households.findByIds(ids, scope), (r) => r.id)),
    membersByHousehold,
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
