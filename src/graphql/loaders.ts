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

/** Each feature's loaders, built together (they may share state within a feature). */
const GROUPS = [
  (repos: LoaderRepositories, scope: TerritoryScope | null) => createRegistryLoaders(repos, scope),
  (repos: LoaderRepositories, scope: TerritoryScope | null) => createStewardshipLoaders(repos, scope),
  (repos: LoaderRepositories) => createReconciliationLoaders({ verdicts: repos.review }),
  (repos: LoaderRepositories) => createCruceLoaders(repos),
  (repos: LoaderRepositories) => createLogrosLoaders(repos),
] as const;

type Union<T extends readonly ((...a: never[]) => object)[]> = T[number] extends (...a: never[]) => infer R ? R : never;
type Intersect<U> = (U extends unknown ? (x: U) => void : never) extends (x: infer I) => void ? I : never;
export type Loaders = Intersect<Union<typeof GROUPS>>;

interface LazyState {
  repos: LoaderRepositories;
  scope: TerritoryScope | null;
  groups: (Record<string, unknown> | undefined)[];
}
const STATE = Symbol('loaders');
/** The prototype of every request's loaders: one getter per loader, building its feature's group on first use. */
let prototype: object | undefined;

function loadersPrototype(repos: LoaderRepositories): object {
  if (prototype) return prototype;
  const proto: Record<PropertyKey, unknown> = {};
  GROUPS.forEach((make, i) => {
    // The names come from one group built here (DataLoaders do nothing until used).
    for (const key of Object.keys(make(repos, null))) {
      if (key in proto) throw new Error(`two features define the loader ${key}`);
      Object.defineProperty(proto, key, {
        enumerable: true,
        get(this: { [STATE]: LazyState }) {
          const s = this[STATE];
          return (s.groups[i] ??= make(s.repos, s.scope) as Record<string, unknown>)[key];
        },
      });
    }
  });
  return (prototype = proto);
}

/**
 * Per-request loaders of every feature: every nested field of a page resolves with one query per
 * kind of data, whatever the page size. Fresh for each request (never shared: they cache, and the
 * caller's territory scope is baked in), and a feature's loaders are only built when the request
 * first uses one of them: a persons page needs the registry's and none of the other ~20 loaders.
 */
export function createLoaders(repos: LoaderRepositories, scope: TerritoryScope | null): Loaders {
  const loaders = Object.create(loadersPrototype(repos)) as { [STATE]: LazyState };
  loaders[STATE] = { repos, scope, groups: [] };
  return loaders as unknown as Loaders;
}
