import DataLoader from 'dataloader';
import type { TerritoryScope } from '../../kernel';
import { byId, groupBy } from '../../graphql/shared';
import type { ReconciliationRunRow } from '../../reconciliation';
import type { EntityIdentityRow, EntityLinkRow, MergeRow, MoveRow, ReviewDecisionRow, ReviewItemRow, ReviewRepository } from '../reviewRepository';

/**
 * How persons were formed (links, merges, competing values) and what stewards are asked about them:
 * per-request loaders, the caller's territory scope baked in.
 */
export function createStewardshipLoaders(repos: { review: ReviewRepository }, scope: TerritoryScope | null) {
  const personIdsNotNull = (r: { personId: number | null }) => r.personId as number;
  return {
    linksByPerson: new DataLoader<number, EntityLinkRow[]>(async (ids) => groupBy(ids, await repos.review.linksByPersonIds(ids), (r) => r.personId)),
    entityById: new DataLoader<number, EntityIdentityRow | null>(async (ids) => byId(ids, await repos.review.entities(ids), (r) => r.id)),
    entitiesByPerson: new DataLoader<number, EntityIdentityRow[]>(async (ids) => groupBy(ids, await repos.review.entitiesOfPersons(ids), personIdsNotNull)),
    mergesBySurvivor: new DataLoader<number, MergeRow[]>(async (ids) => groupBy(ids, await repos.review.mergesBySurvivorIds(ids), (r) => r.survivorId)),
    movesByPerson: new DataLoader<number, MoveRow[]>(async (ids) => {
      const rows = await repos.review.movesByPersonIds(ids);
      return ids.map((id) => rows.filter((r) => r.fromPersonId === id || r.toPersonId === id));
    }),
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
  };
}

export type StewardshipLoaders = ReturnType<typeof createStewardshipLoaders>;
