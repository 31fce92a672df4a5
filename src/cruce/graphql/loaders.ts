import DataLoader from 'dataloader';
import { groupBy } from '../../graphql/shared';
import type { CruceRepository, DeliveredServiceRow } from '../cruceRepository';

/** The cruce's per-request loaders: delivered services of a page of persons in one query. */
export function createCruceLoaders(repos: { cruce: CruceRepository }) {
  return {
    deliveredServicesByPerson: new DataLoader<number, DeliveredServiceRow[]>(async (ids) =>
      groupBy(ids, await repos.cruce.servicesOfPersons(ids, true), (r) => r.personId),
    ),
  };
}

export type CruceLoaders = ReturnType<typeof createCruceLoaders>;
