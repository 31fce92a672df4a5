import { AppError, type Role, type TerritoryScope } from '../kernel';
import type { Config } from '../platform/config';
import { discloseAll, suppressPartition, hidden, disclose, exact, type Disclosed } from './disclosure';
import type { CountFacet, CountFilter, LogroReportRepository, ReportFilter, ReportRow, TerritoryLevel } from './logroReportRepository';

/** Whose figures are exact: stewards and admins work with persons anyway; readers get disclosure control. */
const EXACT_ROLES: readonly Role[] = ['steward', 'admin'];

export interface Territory {
  code: string;
  name: string;
}

export interface ReportLine {
  department: Territory | null;
  municipality: Territory | null;
  logro: number;
  /** Households POR ALCANZAR. */
  demand: Disclosed;
  /** Cupos offered (Mapa de Oferta Local): not personal data, always exact. */
  supply: number;
  /** demand − supply (negative: more cupos than households waiting); hidden with the demand. */
  gap: Disclosed;
  reached: Disclosed;
  withoutData: Disclosed;
  demandBySisbenGroup: { group: string | null; households: Disclosed }[];
  demandDisplaced: Disclosed;
  demandNotDisplaced: Disclosed;
}

export interface TerritorialReport {
  level: TerritoryLevel;
  /** The threshold applied (null: exact figures for this caller). */
  disclosureThreshold: number | null;
  lines: ReportLine[];
}

export interface CountsAnswer {
  disclosureThreshold: number | null;
  total: Disclosed;
  groups: (Omit<Awaited<ReturnType<LogroReportRepository['counts']>>[number], 'n'> & { count: Disclosed })[];
}

export interface Caller {
  role: Role;
  scope: TerritoryScope | null;
}

/** Names of DIVIPOLA codes (the reference service). */
export interface TerritoryNames {
  department(code: string): Promise<{ code: string; name: string } | null>;
  municipality(code: string): Promise<{ code: string; name: string } | null>;
}

/** A source of cupos per territory and logro on a date (the Mapa de Oferta Local import). */
export interface SupplySource {
  supply(level: TerritoryLevel, filter: ReportFilter, scope: TerritoryScope | null, asOf: string): Promise<Map<string, number>>;
}

const GROUPS = ['A', 'B', 'C', 'D', ''] as const;

/**
 * The territorial report (demand against supply per territory and logro) and aggregate counts with
 * facets, from the maintained aggregates, with the caller's scope and, for readers, disclosure control.
 */
export class LogroReportService {
  constructor(
    private readonly repo: LogroReportRepository,
    private readonly names: TerritoryNames,
    private readonly supplySource: SupplySource | null,
    private readonly config: Pick<Config, 'LOGROS_DISCLOSURE_THRESHOLD'>,
  ) {}

  thresholdFor(role: Role): number | null {
    return EXACT_ROLES.includes(role) ? null : this.config.LOGROS_DISCLOSURE_THRESHOLD;
  }

  async territorialReport(filter: ReportFilter, caller: Caller, asOf: string): Promise<TerritorialReport> {
    validateCodes(filter);
    const threshold = this.thresholdFor(caller.role);
    const rows = await this.repo.report(filter, caller.scope);
    const supply = this.supplySource ? await this.supplySource.supply(filter.level, filter, caller.scope, asOf) : new Map<string, number>();
    // Secondary suppression across territories: the municipalities of a department add up to the
    // department's published figure, so one hidden municipality per department and logro is not enough.
    const hiddenDemand = new Set<ReportRow>(rows.filter((r) => r.demand > 0 && threshold != null && r.demand < threshold));
    if (filter.level === 'municipality' && threshold != null) {
      const byDeptLogro = new Map<string, ReportRow[]>();
      for (const r of rows) {
        const k = `${r.territory.slice(0, 2)}:${r.logro}`;
        const group = byDeptLogro.get(k);
        if (group) group.push(r);
        else byDeptLogro.set(k, [r]);
      }
      for (const group of byDeptLogro.values()) {
        const total = group.reduce((s, r) => s + r.demand, 0);
        const s = suppressPartition(
          group.map((r) => r.demand),
          threshold,
          total === 0 || total >= threshold,
        );
        group.forEach((r, i) => s[i] && hiddenDemand.add(r));
      }
    }
    // One lookup per territory, not per line (a municipality has a line per logro); the names are shared.
    const places = new Map<string, { department: Territory | null; municipality: Territory | null }>();
    for (const code of new Set([...rows.map((r) => r.territory), ...[...supply.keys()].map((k) => k.split(':')[0])])) {
      places.set(code, await this.territoryOf(filter.level, code));
    }
    const place = (code: string) => places.get(code)!;
    const allHidden = (n: number) => new Array<boolean>(n).fill(true);
    const lines: ReportLine[] = [];
    for (const r of rows) {
      const cupos = supply.get(`${r.territory}:${r.logro}`) ?? 0;
      const demandHidden = hiddenDemand.has(r);
      const g = r.demandByGroup;
      const groupCells = [g.A, g.B, g.C, g.D, g['']];
      const dispCells = [r.demandDisplaced, r.demand - r.demandDisplaced];
      const groupHidden = demandHidden ? allHidden(5) : suppressPartition(groupCells, threshold, true);
      const dispHidden = demandHidden ? allHidden(2) : suppressPartition(dispCells, threshold, true);
      const [displaced, notDisplaced] = discloseAll(dispCells, dispHidden);
      const at = place(r.territory);
      lines.push({
        department: at.department,
        municipality: at.municipality,
        logro: r.logro,
        demand: demandHidden ? hidden() : exact(r.demand),
        supply: cupos,
        gap: demandHidden ? hidden() : exact(r.demand - cupos),
        reached: disclose(r.reached, threshold),
        withoutData: disclose(r.withoutData, threshold),
        demandBySisbenGroup: discloseAll(groupCells, groupHidden).map((households, i) => ({ group: GROUPS[i] || null, households })),
        demandDisplaced: displaced,
        demandNotDisplaced: notDisplaced,
      });
    }
    // Territories with offer and no household computed yet still show their supply.
    const withDemand = new Set(rows.map((r) => `${r.territory}:${r.logro}`));
    for (const [key, cupos] of supply) {
      const [territory, logro] = key.split(':');
      if (withDemand.has(key)) continue;
      if (filter.logros?.length && !filter.logros.includes(Number(logro))) continue;
      const zero = exact(0);
      const at = place(territory);
      lines.push({
        department: at.department,
        municipality: at.municipality,
        logro: Number(logro),
        demand: zero,
        supply: cupos,
        gap: exact(-cupos),
        reached: zero,
        withoutData: zero,
        demandBySisbenGroup: GROUPS.map((g) => ({ group: g || null, households: zero })),
        demandDisplaced: zero,
        demandNotDisplaced: zero,
      });
    }
    // DIVIPOLA codes are digits: code-point order is their order, without localeCompare's cost (ICU, per comparison).
    const codeOf = (l: ReportLine) => l.municipality?.code ?? l.department?.code ?? '';
    lines.sort((a, b) => {
      const x = codeOf(a);
      const y = codeOf(b);
      return x < y ? -1 : x > y ? 1 : a.logro - b.logro;
    });
    return { level: filter.level, disclosureThreshold: threshold, lines };
  }

  async counts(unit: 'persons' | 'households', filter: CountFilter, groupBy: readonly CountFacet[], caller: Caller): Promise<CountsAnswer> {
    validateCodes(filter);
    if (filter.logro == null && !groupBy.includes('logro')) {
      throw new AppError('BAD_USER_INPUT', 'Counts are per logro: filter on one logro or group by LOGRO.', { field: 'groupBy' });
    }
    if (unit === 'households' && (groupBy.includes('healthState') || filter.healthState != null)) {
      throw new AppError('BAD_USER_INPUT', 'The health state is a facet of persons (a household’s is its LB 13 state).', { field: 'groupBy' });
    }
    const threshold = this.thresholdFor(caller.role);
    const rows = await this.repo.counts(unit, filter, [...new Set(groupBy)], caller.scope);
    const total = disclose(
      rows.reduce((s, r) => s + r.n, 0),
      threshold,
    );
    // Secondary suppression per partition: with LOGRO among the facets, each logro's groups add up to
    // that logro's total (which another query publishes); otherwise the groups add up to the total.
    const hiddenCells = rows.map(() => false);
    const partitions = new Map<number | null, number[]>();
    rows.forEach((r, i) => partitions.set(r.logro, [...(partitions.get(r.logro) ?? []), i]));
    for (const idx of partitions.values()) {
      const cells = idx.map((i) => rows[i].n);
      const sum = cells.reduce((s, n) => s + n, 0);
      suppressPartition(cells, threshold, !disclose(sum, threshold).suppressed).forEach((h, k) => (hiddenCells[idx[k]] = h));
    }
    return {
      disclosureThreshold: threshold,
      total,
      groups: rows.map(({ n, ...facets }, i) => ({ ...facets, count: hiddenCells[i] ? hidden() : exact(n) })),
    };
  }

  private async territoryOf(level: TerritoryLevel, code: string): Promise<{ department: Territory | null; municipality: Territory | null }> {
    if (level === 'national') return { department: null, municipality: null };
    const d = await this.names.department(code.slice(0, 2));
    const department = { code: code.slice(0, 2), name: d?.name ?? code.slice(0, 2) };
    if (level === 'department') return { department, municipality: null };
    const m = await this.names.municipality(code);
    return { department, municipality: { code, name: m?.name ?? code } };
  }
}

function validateCodes(f: { department?: string | null; municipality?: string | null }) {
  if (f.department != null && !/^\d{2}$/.test(f.department))
    throw new AppError('BAD_USER_INPUT', 'department must be a 2-digit DANE code.', { field: 'department' });
  if (f.municipality != null && !/^\d{5}$/.test(f.municipality)) {
    throw new AppError('BAD_USER_INPUT', 'municipality must be a 5-digit DANE code.', { field: 'municipality' });
  }
}
