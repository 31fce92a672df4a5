import { or, inArray, sql, type SQL, type AnyColumn } from 'drizzle-orm';

/**
 * A territorial scope: the departments and municipalities a client may see. `null` = unrestricted.
 * Applied in SQL by every repository method that returns persons or households, so no path (root
 * field, nested edge, redirect) can leak a record outside it.
 */
export interface TerritoryScope {
  departments: readonly string[];
  municipalities: readonly string[];
}

export function scopeCondition(
  scope: TerritoryScope | null | undefined,
  departmentColumn: AnyColumn,
  municipalityColumn: AnyColumn,
): SQL | undefined {
  if (!scope) return undefined;
  const parts: SQL[] = [];
  if (scope.departments.length) parts.push(inArray(departmentColumn, [...scope.departments]));
  if (scope.municipalities.length) parts.push(inArray(municipalityColumn, [...scope.municipalities]));
  // A scope that lists nothing allows nothing.
  return parts.length ? or(...parts) : sql`false`;
}
