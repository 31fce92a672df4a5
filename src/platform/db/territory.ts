import { or, inArray, sql, type SQL, type AnyColumn } from 'drizzle-orm';
import type { TerritoryScope } from '../../kernel';

/** The SQL condition of a territorial scope (undefined when unrestricted). */
export function scopeCondition(scope: TerritoryScope | null | undefined, departmentColumn: AnyColumn, municipalityColumn: AnyColumn): SQL | undefined {
  if (!scope) return undefined;
  const parts: SQL[] = [];
  if (scope.departments.length) parts.push(inArray(departmentColumn, [...scope.departments]));
  if (scope.municipalities.length) parts.push(inArray(municipalityColumn, [...scope.municipalities]));
  // A scope that lists nothing allows nothing.
  return parts.length ? or(...parts) : sql`false`;
}
