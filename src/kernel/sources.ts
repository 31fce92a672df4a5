/** The registries the hub imports. The database enum (schema/enums.ts) and the API enum derive from it. */
export const SOURCE_NAMES = ['sisben', 'bdua', 'ruaf', 'ruv'] as const;
export type SourceName = (typeof SOURCE_NAMES)[number];
