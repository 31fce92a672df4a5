/**
 * A territorial scope: the departments and municipalities a client may see. `null` = unrestricted.
 * Applied in SQL by every repository method that returns persons or households (see
 * src/platform/db/territory.ts), so no path (root field, nested edge, redirect) can leak a record
 * outside it.
 */
export interface TerritoryScope {
  departments: readonly string[];
  municipalities: readonly string[];
}
