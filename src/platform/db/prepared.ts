import { sql, type AnyColumn, type SQL } from 'drizzle-orm';
import type { TerritoryScope } from '../../kernel';
import type { Orm } from './types';
import { installCompiledRowMapper } from './rowMapper';

/**
 * Queries built once per database handle and shape, then executed with new parameters: building a
 * drizzle query walks every column and chunk (a persons select costs more CPU than its round trip to
 * PostgreSQL), so the API's hot reads reuse the built query text. Values are placeholders
 * (`sql.placeholder`), lists are one array parameter (`= any($1)`), so one shape serves any size.
 */
const built = new WeakMap<object, Map<string, unknown>>();

export function prepared<T>(orm: Orm, shape: string, build: () => T): T {
  let byShape = built.get(orm);
  if (!byShape) built.set(orm, (byShape = new Map()));
  let query = byShape.get(shape) as T | undefined;
  if (query === undefined) {
    query = build();
    installCompiledRowMapper(query);
    byShape.set(shape, query);
  }
  return query;
}

/** `column = any($name::type[])`: a list parameter of any length in a built query. */
export const anyOf = (column: AnyColumn | SQL, name: string, type: 'bigint' | 'text' | 'integer' = 'bigint'): SQL =>
  sql`${column} = any(${sql.placeholder(name)}::${sql.raw(type)}[])`;

/**
 * The territorial scope as placeholders (`scopeDepartments`, `scopeMunicipalities`): pair it with
 * `scopeParams`. A scope that lists nothing allows nothing (both arrays empty: false).
 */
export const scopePlaceholders = (departmentColumn: AnyColumn, municipalityColumn: AnyColumn): SQL =>
  sql`(${anyOf(departmentColumn, 'scopeDepartments', 'text')} or ${anyOf(municipalityColumn, 'scopeMunicipalities', 'text')})`;

export const scopeParams = (scope: TerritoryScope) => ({ scopeDepartments: [...scope.departments], scopeMunicipalities: [...scope.municipalities] });

/**
 * Some of a select's columns (kept in the select's order) and suffixes naming that choice, for a
 * built query that reads only what its caller will return: each column read is a value postgres.js
 * decodes and the row mapper copies. `shape` extends the `prepared` key, `statement` the server-side
 * statement's name. Without `keys`, all of them (and empty suffixes).
 */
export function pickColumns<C extends Record<string, unknown>>(all: C, keys: readonly string[] | undefined): { columns: C; shape: string; statement: string } {
  if (!keys) return { columns: all, shape: '', statement: '' };
  const wanted = new Set(keys);
  const names = Object.keys(all).filter((k) => wanted.has(k));
  const picked = Object.fromEntries(names.map((k) => [k, all[k]]));
  return { columns: picked as C, shape: `:${names.join(',')}`, statement: `_${names.join('_')}` };
}
