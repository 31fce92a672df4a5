/**
 * The registries the hub imports. The database enum (schema/enums.ts) and the API enum derive from it.
 * Person sources carry one person per record (identity block → source_entities → reconciliation);
 * table sources carry facts about something else (a household's dwelling, a municipality's offer of
 * services): they are imported with the same runs, row errors and snapshot rules into typed tables
 * of their own, and never reach reconciliation.
 */
export const PERSON_SOURCES = ['sisben', 'bdua', 'ruaf', 'ruv'] as const;
export const TABLE_SOURCES = ['sisben_hogares', 'oferta'] as const;
export const SOURCE_NAMES = [...PERSON_SOURCES, ...TABLE_SOURCES] as const;
export type SourceName = (typeof SOURCE_NAMES)[number];
export type PersonSourceName = (typeof PERSON_SOURCES)[number];
export type TableSourceName = (typeof TABLE_SOURCES)[number];

export function isTableSource(s: SourceName): s is TableSourceName {
  return (TABLE_SOURCES as readonly string[]).includes(s);
}

export function isPersonSource(s: SourceName): s is PersonSourceName {
  return (PERSON_SOURCES as readonly string[]).includes(s);
}
