import DataLoader from 'dataloader';
import type { FactRepository, SourceRecordView } from '../repositories/factRepository';
import type { HouseholdRepository, HouseholdRow, MembershipRow } from '../repositories/householdRepository';
import type { PersonRepository, PersonRow } from '../repositories/personRepository';
import type { ReconciliationRunRow } from '../repositories/reconciliationRepository';
import type { EntityIdentityRow, EntityLinkRow, MergeRow, ReviewDecisionRow, ReviewItemRow, ReviewRepository } from '../repositories/reviewRepository';
import type { TerritoryScope } from '../kernel/territory';
import { measuredPrecision, type MeasuredPrecision } from '../services/stewardship/runService';

export interface LoaderRepositories {
  persons: PersonRepository;
  households: HouseholdRepository;
  facts: FactRepository;
  review: ReviewRepository;
}

/** Groups rows by a key, returning one (possibly empty) list per requested key, in key order. */
function groupBy<K, R>(keys: readonly K[], rows: readonly R[], keyOf: (r: R) => K): R[][] {
  const m = new Map<K, R[]>();
  for (const r of rows) {
    const k = keyOf(r);
    const list = m.get(k);
    if (list) list.push(r);
    else m.set(k, [r]);
  }
  return keys.map((k) => m.get(k) ?? []);
}

function byId<K, R>(keys: readonly K[], rows: readonly R[], keyOf: (r: R) => K): (R | null)[] {
  const m = new Map(rows.map((r) => [keyOf(r), r]));
  return keys.map((k) => m.get(k) ?? null);
}

/**
 * Per-request loaders: every nested field of a page resolves with one query per kind of data,
 * whatever the page size. Created fresh for each request (never shared: they cache, and the
 * territory scope of the caller is baked in).
 */
export function createLoaders(repos: LoaderRepositories, scope: TerritoryScope | null) {
  const personIdsNotNull = (r: { personId: number | null }) => r.personId as number;
  return {
    personById: new DataLoader<number, PersonRow | null>(async (ids) => byId(ids, await repos.persons.findByIds(ids, scope), (r) => r.id)),
    householdById: new DataLoader<number, HouseholdRow | null>(async (ids) =>
      byId(ids, await repos.households.findByIds(ids, scope), (r) => r.id),
    ),
    membersByHousehold: new DataLoader<number, MembershipRow[]>(async (ids) =>
      groupBy(ids, await repos.households.membershipsByHouseholdIds(ids), (r) => r.householdId),
    ),
    membershipsByPerson: new DataLoader<number, MembershipRow[]>(async (ids) =>
      groupBy(ids, await repos.households.membershipsByPersonIds(ids), personIdsNotNull),
    ),
    identifiersByPerson: new DataLoader(async (ids: readonly number[]) =>
      groupBy(ids, await repos.facts.identifiersByPersonIds(ids), (r) => r.personId),
    ),
    affiliationsByPerson: new DataLoader(async (ids: readonly number[]) =>
      groupBy(ids, await repos.facts.affiliationsByPersonIds(ids), personIdsNotNull),
    ),
    sisbenByPerson: new DataLoader(async (ids: readonly number[]) =>
      groupBy(ids, await repos.facts.sisbenByPersonIds(ids), personIdsNotNull),
    ),
    victimRegistrationsByPerson: new DataLoader(async (ids: readonly number[]) =>
      groupBy(ids, await repos.facts.victimRegistrationsByPersonIds(ids), personIdsNotNull),
    ),
    sourceRecordsByPerson: new DataLoader<number, SourceRecordView[]>(async (ids) =>
      groupBy(ids, await repos.facts.sourceRecordsByPersonIds(ids), personIdsNotNull),
    ),
    sourceRecordById: new DataLoader<number, SourceRecordView | null>(async (ids) =>
      byId(ids, await repos.facts.sourceRecordsByIds(ids), (r) => r.id),
    ),
    // How persons were formed (links, merges, competing values) and what stewards are asked about them.
    linksByPerson: new DataLoader<number, EntityLinkRow[]>(async (ids) => groupBy(ids, await repos.review.linksByPersonIds(ids), (r) => r.personId)),
    entityById: new DataLoader<number, EntityIdentityRow | null>(async (ids) => byId(ids, await repos.review.entities(ids), (r) => r.id)),
    entitiesByPerson: new DataLoader<number, EntityIdentityRow[]>(async (ids) =>
      groupBy(ids, await repos.review.entitiesOfPersons(ids), personIdsNotNull),
    ),
    mergesBySurvivor: new DataLoader<number, MergeRow[]>(async (ids) => groupBy(ids, await repos.review.mergesBySurvivorIds(ids), (r) => r.survivorId)),
    mergedIdsByPerson: new DataLoader<number, { personId: number; publicId: string }[]>(async (ids) =>
      groupBy(ids, await repos.review.mergedIdsByPersonIds(ids), (r) => r.personId),
    ),
    reviewItemsByPerson: new DataLoader<number, ReviewItemRow[]>(async (ids) => {
      const rows = await repos.review.byPersonIds(ids, scope);
      return ids.map((id) => rows.filter((r) => r.personAId === id || r.personBId === id));
    }),
    reviewDecisionsByItem: new DataLoader<number, ReviewDecisionRow[]>(async (ids) =>
      groupBy(ids, await repos.review.decisionsByItemIds(ids), (r) => r.reviewItemId),
    ),
    reconciliationRunById: new DataLoader<number, ReconciliationRunRow | null>(async (ids) => byId(ids, await repos.review.runsByIds(ids), (r) => r.id)),
    precisionByRun: new DataLoader<number, MeasuredPrecision>(async (ids) => {
      const rows = new Map((await repos.review.auditSamples(ids)).map((r) => [r.runId, r]));
      return ids.map((id) => measuredPrecision(rows.get(id) ?? { sampled: 0, confirmed: 0, rejected: 0 }));
    }),
  };
}

export type Loaders = ReturnType<typeof createLoaders>;
