import { describe, expect, it } from 'vitest';
import { createLoaders, type LoaderRepositories } from '../../../src/graphql/loaders';

/** Per-request loaders are built per feature on first use, never shared between requests. */
describe('createLoaders', () => {
  // DataLoaders read their repositories only when a key is loaded.
  const repos = {} as LoaderRepositories;

  it('gives each request its own loaders, the same instance within a request', () => {
    const a = createLoaders(repos, null);
    const b = createLoaders(repos, null);
    expect(a.personById).toBe(a.personById);
    expect(a.identifiersByPerson).toBe(a.identifiersByPerson);
    expect(a.personById).not.toBe(b.personById);
    expect(typeof a.personById.load).toBe('function');
  });

  it('builds a feature’s loaders with the request’s scope, only when one is used', async () => {
    const scope = { departments: ['05'], municipalities: [] };
    const seen: unknown[] = [];
    const scoped = createLoaders(
      { persons: { findByIds: async (_ids: readonly number[], s: unknown) => (seen.push(s), []) } } as unknown as LoaderRepositories,
      scope,
    );
    expect(await scoped.personById.load(1)).toBeNull();
    expect(seen).toEqual([scope]);
  });
});
