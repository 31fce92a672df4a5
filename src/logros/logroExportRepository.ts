import { sql, type SQL } from 'drizzle-orm';
import { UNFINISHED_EXPORT_STATES, type ExportState } from '../../schema';
import type { Role, TerritoryScope } from '../kernel';
import { AuditWriter, type AuditEntry, type Database } from '../platform/db';
import type { TerritoryLevel } from './logroReportRepository';

const UNFINISHED = `{${UNFINISHED_EXPORT_STATES.join(',')}}`;

export type LogroExportKind = 'territorial_report' | 'pending_households';
export type LogroExportFormat = 'csv' | 'xlsx';

/** What to export; stored with the request so the job answers exactly what was asked, as the requester may see it. */
export interface LogroExportParams {
  level?: TerritoryLevel;
  department?: string | null;
  municipality?: string | null;
  logros?: number[] | null;
  logro?: number;
  asOf: string;
  /** The requester's role and scope at request time (disclosure control and territory of the file). */
  role: Role;
  scope: TerritoryScope | null;
}

export interface LogroExportRow {
  id: number;
  kind: LogroExportKind;
  format: LogroExportFormat;
  params: LogroExportParams;
  state: ExportState;
  rowsTotal: number | null;
  rowsDone: number;
  fileName: string | null;
  requestedBy: string;
  failureReason: string | null;
  createdAt: Date;
  finishedAt: Date | null;
}

/** One household POR ALCANZAR of the export (no names or documents: the household's public id and its Sisbén ficha). */
export interface PendingHouseholdLine {
  id: number;
  publicId: string;
  ficha: string | null;
  municipalityCode: string;
  zone: string | null;
  sisbenGroup: string | null;
  sisbenSubgroup: string | null;
  displaced: boolean;
  membersApplicable: number;
  membersPending: number;
  membersWithoutData: number;
  reason: string;
  since: Date | null;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- rows of raw SQL, mapped field by field below
type Raw = Record<string, any>;
const toExport = (r: Raw): LogroExportRow => ({
  id: Number(r.id),
  kind: r.kind,
  format: r.format,
  params: r.params,
  state: r.state,
  rowsTotal: r.rows_total == null ? null : Number(r.rows_total),
  rowsDone: Number(r.rows_done),
  fileName: r.file_name,
  requestedBy: r.requested_by,
  failureReason: r.failure_reason,
  createdAt: new Date(r.created_at),
  finishedAt: r.finished_at ? new Date(r.finished_at) : null,
});

/** Logro exports (state rows with progress), written with their audit event, and the paged read of pending households. */
export class LogroExportRepository {
  constructor(
    private readonly db: Database,
    private readonly audit: AuditWriter,
  ) {}

  private q<T = Raw>(s: SQL) {
    return this.db.rows<T>(s);
  }

  /** The export row and its audit event commit together. */
  async create(kind: LogroExportKind, format: LogroExportFormat, params: LogroExportParams, requestedBy: string, audit: AuditEntry): Promise<LogroExportRow> {
    return this.db.orm.transaction(async (tx) => {
      const [r] = await this.db.rows<Raw>(
        sql`insert into logro_exports (kind, format, params, requested_by) values (${kind}, ${format}, ${JSON.stringify(params)}::jsonb, ${requestedBy}) returning *`,
        tx,
      );
      await this.audit.write(tx, [{ ...audit, subjectId: String(r.id) }]);
      return toExport(r);
    });
  }

  async find(id: number): Promise<LogroExportRow | null> {
    const [r] = await this.q(sql`select * from logro_exports where id = ${id}`);
    return r ? toExport(r) : null;
  }

  async start(id: number): Promise<LogroExportRow | null> {
    const [r] = await this.q(
      sql`update logro_exports set state = 'running', rows_done = 0 where id = ${id} and state = any(${UNFINISHED}::export_state[]) returning *`,
    );
    return r ? toExport(r) : null;
  }

  async progress(id: number, rowsDone: number, rowsTotal: number): Promise<void> {
    await this.q(sql`update logro_exports set rows_done = ${rowsDone}, rows_total = ${rowsTotal} where id = ${id} and state = 'running'`);
  }

  async finish(id: number, fileName: string, rows: number, audit: AuditEntry): Promise<void> {
    await this.db.orm.transaction(async (tx) => {
      await this.db.rows(
        sql`update logro_exports set state = 'done', file_name = ${fileName}, rows_done = ${rows}, rows_total = ${rows}, finished_at = now() where id = ${id} and state = 'running'`,
        tx,
      );
      await this.audit.write(tx, [audit]);
    });
  }

  async fail(id: number, reason: string): Promise<void> {
    await this.q(
      sql`update logro_exports set state = 'failed', failure_reason = ${reason}, finished_at = now() where id = ${id} and state = any(${UNFINISHED}::export_state[])`,
    );
  }

  async unfinished(): Promise<number[]> {
    return (await this.q<{ id: string }>(sql`select id from logro_exports where state = any(${UNFINISHED}::export_state[]) order by id`)).map((r) =>
      Number(r.id),
    );
  }

  async countPending(logro: number, municipality: string): Promise<number> {
    const [r] = await this.q<{ n: number }>(
      // The code under "C", as household_logros_municipality_idx holds it (migration 0027).
      sql`select count(*)::int as n from household_logros where logro = ${logro} and state = 'POR_ALCANZAR' and (municipality_code collate "C") = ${municipality}`,
    );
    return Number(r.n);
  }

  /** The next `limit` households POR ALCANZAR for the logro in the municipality after household id `after`. */
  async pendingPage(logro: number, municipality: string, after: number, limit: number): Promise<PendingHouseholdLine[]> {
    const rows = await this.q(
      sql`select h.id, h.public_id::text as public_id, h.sisben_ficha, h.municipality_code, h.zone, h.sisben_group, h.sisben_subgroup, hl.displaced,
          hl.members_applicable, hl.members_pending, hl.members_without_data, hl.reason, r.finished_at as since
        from household_logros hl join households h on h.id = hl.household_id left join logro_runs r on r.id = hl.decided_run_id
        where hl.logro = ${logro} and hl.state = 'POR_ALCANZAR' and (hl.municipality_code collate "C") = ${municipality} and hl.household_id > ${after}
        order by hl.household_id limit ${limit}`,
    );
    return rows.map((r) => ({
      id: Number(r.id),
      publicId: r.public_id,
      ficha: r.sisben_ficha,
      municipalityCode: r.municipality_code,
      zone: r.zone,
      sisbenGroup: r.sisben_group,
      sisbenSubgroup: r.sisben_subgroup,
      displaced: Boolean(r.displaced),
      membersApplicable: Number(r.members_applicable),
      membersPending: Number(r.members_pending),
      membersWithoutData: Number(r.members_without_data),
      reason: r.reason,
      since: r.since ? new Date(r.since) : null,
    }));
  }
}
