import { sql, type SQL } from 'drizzle-orm';
import type { TerritoryScope } from '../kernel';
import type { Database } from '../platform/db';
import type { ReportFilter, TerritoryLevel } from './logroReportRepository';
import type { SupplySource } from './logroReportService';

const codes = (xs: readonly string[]) => `{${xs.join(',')}}`;

/**
 * Supply from the Mapa de Oferta Local import (table `local_offers`, /work/notes/logros-contract.md):
 * the cupos of every current, active program whose period contains the date, counted once for each
 * logro it serves, summed per territory. Until the offer import exists in this database the supply
 * is empty (zero cupos), never invented.
 */
export class OfferSupply implements SupplySource {
  private present: boolean | undefined;

  constructor(private readonly db: Database) {}

  async supply(level: TerritoryLevel, filter: ReportFilter, scope: TerritoryScope | null, asOf: string): Promise<Map<string, number>> {
    // Checked until found (a migration may create it while the process runs), then remembered.
    if (!this.present) this.present = await this.tableExists();
    if (!this.present) return new Map();
    const territory = level === 'national' ? sql`''` : level === 'department' ? sql`left(o.municipality_code, 2)` : sql`o.municipality_code::text`;
    const where: SQL[] = [sql`o.is_current`, sql`o.status = 'active'`, sql`${asOf}::date between o.period_start and o.period_end`];
    if (filter.department) where.push(sql`left(o.municipality_code, 2) = ${filter.department}`);
    if (filter.municipality) where.push(sql`o.municipality_code = ${filter.municipality}`);
    if (filter.logros?.length) where.push(sql`l.logro = any(${`{${filter.logros.join(',')}}`}::smallint[])`);
    if (scope) {
      const parts: SQL[] = [];
      if (scope.departments.length) parts.push(sql`left(o.municipality_code, 2) = any(${codes(scope.departments)}::text[])`);
      if (scope.municipalities.length) parts.push(sql`o.municipality_code = any(${codes(scope.municipalities)}::text[])`);
      where.push(parts.length ? sql`(${sql.join(parts, sql` or `)})` : sql`false`);
    }
    const rows = await this.db.rows<{ territory: string; logro: number; cupos: number }>(
      sql`select ${territory} as territory, l.logro, sum(o.places)::int as cupos
        from local_offers o cross join lateral unnest(o.logros) as l(logro)
        where ${sql.join(where, sql` and `)} group by 1, 2`,
    );
    return new Map(rows.map((r) => [`${r.territory}:${Number(r.logro)}`, Number(r.cupos)]));
  }

  private async tableExists(): Promise<boolean> {
    const [r] = await this.db.rows<{ ok: boolean }>(sql`select to_regclass('local_offers') is not null as ok`);
    return Boolean(r?.ok);
  }
}
