import { sql, type SQL } from 'drizzle-orm';
import type { TerritoryScope } from '../kernel';
import type { Database } from '../platform/db';
import type { LogroState } from './rules';

export type TerritoryLevel = 'national' | 'department' | 'municipality';

export interface ReportFilter {
  level: TerritoryLevel;
  department?: string | null;
  municipality?: string | null;
  logros?: readonly number[] | null;
}

/** One territory × logro of the territorial report, exact (disclosure control is applied by the service). */
export interface ReportRow {
  territory: string;
  logro: number;
  demand: number;
  reached: number;
  withoutData: number;
  demandByGroup: Record<'A' | 'B' | 'C' | 'D' | '', number>;
  demandDisplaced: number;
}

export type CountFacet = 'department' | 'municipality' | 'logro' | 'state' | 'sisbenGroup' | 'displaced' | 'healthState';

export interface CountFilter {
  department?: string | null;
  municipality?: string | null;
  logro?: number | null;
  state?: LogroState | null;
  sisbenGroup?: string | null;
  displaced?: boolean | null;
  healthState?: string | null;
}

export interface CountRow {
  department: string | null;
  municipality: string | null;
  logro: number | null;
  state: LogroState | null;
  sisbenGroup: string | null;
  displaced: boolean | null;
  healthState: string | null;
  n: number;
}

/** The column each facet groups by, in the aggregate tables ('' stands for "none" there). */
const FACET_SQL: Record<CountFacet, string> = {
  department: 'left(municipality_code, 2)',
  municipality: 'municipality_code',
  logro: 'logro',
  state: 'state',
  sisbenGroup: 'sisben_group',
  displaced: 'displaced',
  healthState: 'health_state',
};

const codes = (xs: readonly string[]) => `{${xs.join(',')}}`;

/** The scope on an aggregate's text municipality code (an empty scope sees nothing). */
function scopeOn(scope: TerritoryScope | null): SQL {
  if (!scope) return sql`true`;
  const parts: SQL[] = [];
  if (scope.departments.length) parts.push(sql`left(municipality_code, 2) = any(${codes(scope.departments)}::text[])`);
  if (scope.municipalities.length) parts.push(sql`municipality_code = any(${codes(scope.municipalities)}::text[])`);
  return parts.length ? sql`(${sql.join(parts, sql` or `)})` : sql`false`;
}

const territoryOf = (level: TerritoryLevel) =>
  level === 'national' ? sql`''` : level === 'department' ? sql`left(municipality_code, 2)` : sql`municipality_code`;

/** Reads of the maintained aggregates (household_logro_report, household_logro_counts, person_logro_counts): never the state tables. */
export class LogroReportRepository {
  constructor(private readonly db: Database) {}

  async report(filter: ReportFilter, scope: TerritoryScope | null): Promise<ReportRow[]> {
    const t = territoryOf(filter.level);
    const where: SQL[] = [scopeOn(scope)];
    if (filter.department) where.push(sql`left(municipality_code, 2) = ${filter.department}`);
    if (filter.municipality) where.push(sql`municipality_code = ${filter.municipality}`);
    if (filter.logros?.length) where.push(sql`logro = any(${`{${filter.logros.join(',')}}`}::smallint[])`);
    // household_logro_report holds one line per municipality × logro (the runs keep it): ~10k rows to
    // sum, not every cell of household_logro_counts. Sorted here: DIVIPOLA codes are digits, so code-point
    // order is the collation's, without sorting text under a locale in the database.
    const rows = await this.db.rows<Record<string, string | number>>(
      sql`select ${t} as territory, logro, sum(demand)::int as demand, sum(reached)::int as reached, sum(without_data)::int as without_data,
          sum(demand_a)::int as g_a, sum(demand_b)::int as g_b, sum(demand_c)::int as g_c, sum(demand_d)::int as g_d, sum(demand_no_group)::int as g_none,
          sum(demand_displaced)::int as displaced
        from household_logro_report where ${sql.join(where, sql` and `)}
        group by 1, 2`,
    );
    const lines = rows.map((r) => ({
      territory: String(r.territory),
      logro: Number(r.logro),
      demand: Number(r.demand),
      reached: Number(r.reached),
      withoutData: Number(r.without_data),
      demandByGroup: { A: Number(r.g_a), B: Number(r.g_b), C: Number(r.g_c), D: Number(r.g_d), '': Number(r.g_none) },
      demandDisplaced: Number(r.displaced),
    }));
    return lines.sort((a, b) => (a.territory < b.territory ? -1 : a.territory > b.territory ? 1 : a.logro - b.logro));
  }

  async counts(unit: 'persons' | 'households', filter: CountFilter, groupBy: readonly CountFacet[], scope: TerritoryScope | null): Promise<CountRow[]> {
    const table = unit === 'persons' ? sql`person_logro_counts` : sql`household_logro_counts`;
    const where: SQL[] = [scopeOn(scope)];
    if (filter.department) where.push(sql`left(municipality_code, 2) = ${filter.department}`);
    if (filter.municipality) where.push(sql`municipality_code = ${filter.municipality}`);
    if (filter.logro != null) where.push(sql`logro = ${filter.logro}`);
    if (filter.state) where.push(sql`state = ${filter.state}::logro_state`);
    if (filter.sisbenGroup !== undefined && filter.sisbenGroup !== null) where.push(sql`sisben_group = ${filter.sisbenGroup}`);
    if (filter.displaced != null) where.push(sql`displaced = ${filter.displaced}`);
    if (filter.healthState != null) where.push(sql`health_state = ${filter.healthState}`);
    const cols = groupBy.map((f) => sql.raw(`${FACET_SQL[f]} as "${f}"`));
    const rows = await this.db.rows<Record<string, unknown>>(
      sql`select ${sql.join([...cols, sql`sum(n)::int as n`], sql`, `)} from ${table} where ${sql.join(where, sql` and `)}
        ${groupBy.length ? sql.raw(`group by ${groupBy.map((_, i) => i + 1).join(', ')} order by ${groupBy.map((_, i) => i + 1).join(', ')}`) : sql``}`,
    );
    const blank = (v: unknown) => (v === '' || v === undefined || v === null ? null : String(v));
    return rows.map((r) => ({
      department: groupBy.includes('department') ? blank(r.department) : null,
      municipality: groupBy.includes('municipality') ? blank(r.municipality) : null,
      logro: groupBy.includes('logro') ? Number(r.logro) : null,
      state: groupBy.includes('state') ? (r.state as LogroState) : null,
      sisbenGroup: groupBy.includes('sisbenGroup') ? blank(r.sisbenGroup) : null,
      displaced: groupBy.includes('displaced') ? Boolean(r.displaced) : null,
      healthState: groupBy.includes('healthState') ? blank(r.healthState) : null,
      n: Number(r.n ?? 0),
    }));
  }
}
