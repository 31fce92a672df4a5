import DataLoader from 'dataloader';
import { byId, groupBy } from '../../graphql/shared';
import type { DwellingRow, LogroHistoryRow, LogroRepository, LogroRunRow, LogroStateRow } from '../logroRepository';

/**
 * Per-request loaders of logro states and history. Persons and households reach these fields through
 * the registry's scoped loaders, so the scope is already applied to their subjects.
 */
export function createLogrosLoaders(repos: { logros: LogroRepository }) {
  return {
    logrosByPerson: new DataLoader<number, LogroStateRow[]>(async (ids) => groupBy(ids, await repos.logros.personStates(ids), (r) => r.subjectId)),
    logrosByHousehold: new DataLoader<number, LogroStateRow[]>(async (ids) => groupBy(ids, await repos.logros.householdStates(ids), (r) => r.subjectId)),
    logroHistoryByPerson: new DataLoader<number, LogroHistoryRow[]>(async (ids) => groupBy(ids, await repos.logros.personHistory(ids), (r) => r.subjectId)),
    logroHistoryByHousehold: new DataLoader<number, LogroHistoryRow[]>(async (ids) =>
      groupBy(ids, await repos.logros.householdHistory(ids), (r) => r.subjectId),
    ),
    logroRunById: new DataLoader<number, LogroRunRow | null>(async (ids) => byId(ids, await repos.logros.findRuns(ids), (r) => r.id)),
    dwellingById: new DataLoader<number, DwellingRow | null>(async (ids) => byId(ids, await repos.logros.findDwellings(ids), (r) => r.id)),
  };
}

export type LogrosLoaders = ReturnType<typeof createLogrosLoaders>;
