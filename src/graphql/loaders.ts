import type { TerritoryScope } from '../kernel';
import { createReconciliationLoaders } from '../reconciliation';
import { createRegistryLoaders, type RegistryLoaderRepositories } from '../registry';
import { createStewardshipLoaders } from '../stewardship';
import type { ReviewRepository } from '../stewardship';
import { createCruceLoaders, type CruceRepository } from '../cruce';
import { createLogrosLoaders, type LogroRepository } from '../logros';

export interface LoaderRepositories extends RegistryLoaderRepositories {
  review: ReviewRepository;
  cruce: CruceRepository;
  logros: LogroRepository;
}

/**
 * Per-request loaders of every feature: every nested field of a page resolves with one query per
 * kind of data, whatever the page size. Created fresh for each request (never shared: they cache,
 * and the territory scope of the caller is baked in).
 */
export function createLoaders(repos: LoaderRepositories, scope: TerritoryScope | null) {
  return {
    ...createRegistryLoaders(repos, scope),
    ...createStewardshipLoaders(repos, scope),
    ...createReconciliationLoaders({ verdicts: repos.review }),
    ...createCruceLoaders(repos),
    ...createLogrosLoaders(repos),
  };
}

export type Loaders = ReturnType<typeof createLoaders>;
