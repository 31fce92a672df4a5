import { chmod, mkdir, open, rename, rm } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { AppError, type Clock, type Principal } from '../kernel';
import type { Config } from '../platform/config';
import type { Logger } from '../platform/logger';
import { QueueUnavailableError, type JobQueue } from '../platform/queue';
import type { Disclosed } from './disclosure';
import { CsvTableWriter, XlsxTableWriter, type Cell, type TableWriter } from './exportWriters';
import type { LogroExportFormat, LogroExportKind, LogroExportParams, LogroExportRepository, LogroExportRow } from './logroExportRepository';
import type { TerritoryLevel } from './logroReportRepository';
import type { LogroReportService } from './logroReportService';

const PAGE = 5_000;
const ACTOR = 'system:logros-export';

/** Column headers in Spanish (the people-facing default): the files go to territorial teams. */
const REPORT_COLUMNS = [
  'cod_dpto',
  'departamento',
  'cod_mpio',
  'municipio',
  'logro',
  'hogares_por_alcanzar',
  'cupos',
  'brecha',
  'hogares_alcanzado',
  'hogares_sin_dato',
  'demanda_grupo_a',
  'demanda_grupo_b',
  'demanda_grupo_c',
  'demanda_grupo_d',
  'demanda_sin_grupo',
  'demanda_desplazados',
  'demanda_no_desplazados',
];
const HOUSEHOLD_COLUMNS = [
  'id_hogar',
  'ficha_sisben',
  'cod_mpio',
  'zona',
  'grupo_sisben',
  'subgrupo_sisben',
  'con_desplazados',
  'integrantes_aplica',
  'integrantes_por_alcanzar',
  'integrantes_sin_dato',
  'motivo',
  'por_alcanzar_desde',
];

/**
 * Exports of the outcome layer as background jobs with progress: the territorial report (with the
 * requester's scope and disclosure control: a suppressed count is written as "<5", never the number)
 * and the households POR ALCANZAR for one logro in one municipality (stewards and admins: it lists
 * households). Files go to EXPORT_DIR with owner-only permissions, through a temporary file renamed
 * at the end; every request and every file written is in the audit log.
 */
export class LogroExportService {
  constructor(
    private readonly repo: LogroExportRepository,
    private readonly reports: LogroReportService,
    private readonly queue: JobQueue,
    private readonly config: Pick<Config, 'EXPORT_DIR' | 'LOGROS_DISCLOSURE_THRESHOLD'>,
    private readonly logger: Logger,
    private readonly clock: Clock,
  ) {}

  async requestReport(
    format: LogroExportFormat,
    filter: { level: TerritoryLevel; department?: string | null; municipality?: string | null; logros?: number[] | null; asOf?: string | null },
    principal: Principal,
    requestId: string,
  ): Promise<LogroExportRow> {
    const params: LogroExportParams = { ...filter, asOf: filter.asOf ?? this.today(), role: principal.role, scope: principal.scope };
    return this.request('territorial_report', format, params, principal, requestId);
  }

  async requestPendingHouseholds(
    format: LogroExportFormat,
    logro: number,
    municipality: string,
    principal: Principal,
    requestId: string,
  ): Promise<LogroExportRow> {
    if (!/^\d{5}$/.test(municipality)) throw new AppError('BAD_USER_INPUT', 'municipality must be a 5-digit DANE code.', { field: 'municipality' });
    if (!Number.isInteger(logro) || logro < 1 || logro > 45) throw new AppError('BAD_USER_INPUT', 'logro must be an LB number (1–45).', { field: 'logro' });
    const s = principal.scope;
    if (s && !s.municipalities.includes(municipality) && !s.departments.includes(municipality.slice(0, 2))) {
      throw new AppError('FORBIDDEN', 'The municipality is outside the client’s territory.');
    }
    return this.request('pending_households', format, { logro, municipality, asOf: this.today(), role: principal.role, scope: s }, principal, requestId);
  }

  private async request(kind: LogroExportKind, format: LogroExportFormat, params: LogroExportParams, principal: Principal, requestId: string) {
    const { role: _r, scope: _s, ...what } = params;
    const row = await this.repo.create(kind, format, params, principal.actor, {
      actor: principal.actor,
      actorRole: principal.role,
      action: 'logros.export.requested',
      subjectType: 'logro_export',
      requestId,
      after: { kind, format, ...what },
    });
    try {
      await this.queue.enqueue('logros.export', { exportId: row.id });
    } catch (e) {
      if (!(e instanceof QueueUnavailableError)) throw e;
      this.logger.warn({ exportId: row.id }, 'queue unavailable; logro export left pending');
    }
    return row;
  }

  get(id: number): Promise<LogroExportRow | null> {
    return this.repo.find(id);
  }

  unfinishedIds(): Promise<number[]> {
    return this.repo.unfinished();
  }

  giveUp(id: number, reason: string): Promise<void> {
    return this.repo.fail(id, reason);
  }

  /** The job: writes the file, updating the row's progress as it goes. Idempotent (a retried job starts clean). */
  async process(exportId: number): Promise<void> {
    const row = await this.repo.start(exportId);
    if (!row) return;
    const dir = resolve(this.config.EXPORT_DIR);
    const stamp = this.clock.now().toISOString().slice(0, 10).replace(/-/g, '');
    const what =
      row.kind === 'territorial_report' ? `reporte-territorial-${row.params.level}` : `hogares-por-alcanzar-lb${row.params.logro}-${row.params.municipality}`;
    const fileName = `logros-${row.id}-${what}-${stamp}.${row.format}`;
    const tmp = join(dir, `.${fileName}.part`);
    try {
      await mkdir(dir, { recursive: true, mode: 0o700 });
      let writer: TableWriter;
      if (row.format === 'csv') writer = new CsvTableWriter(await open(tmp, 'w', 0o600));
      else {
        await (await open(tmp, 'w', 0o600)).close();
        writer = await XlsxTableWriter.open(tmp, row.kind === 'territorial_report' ? 'Reporte territorial' : 'Hogares por alcanzar');
      }
      let rows = 0;
      try {
        rows = row.kind === 'territorial_report' ? await this.writeReport(writer, row) : await this.writeHouseholds(writer, row);
      } finally {
        await writer.close();
      }
      await chmod(tmp, 0o600);
      await rename(tmp, join(dir, fileName));
      await this.repo.finish(row.id, fileName, rows, {
        actor: ACTOR,
        action: 'logros.export.written',
        subjectType: 'logro_export',
        subjectId: String(row.id),
        reason: `requested by ${row.requestedBy}`,
        after: { fileName, rows },
      });
      this.logger.info({ exportId: row.id, rows }, 'logro export written');
    } catch (e) {
      await rm(tmp, { force: true }).catch(() => {});
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'EACCES' || code === 'EROFS' || code === 'ENOSPC' || code === 'ENOTDIR') {
        await this.repo.fail(row.id, `Cannot write to EXPORT_DIR (${code}).`);
        return;
      }
      throw e;
    }
  }

  private async writeReport(w: TableWriter, row: LogroExportRow): Promise<number> {
    const p = row.params;
    const report = await this.reports.territorialReport(
      { level: p.level ?? 'municipality', department: p.department, municipality: p.municipality, logros: p.logros },
      { role: p.role, scope: p.scope },
      p.asOf,
    );
    const shown = (d: Disclosed): Cell => (d.suppressed ? `<${report.disclosureThreshold ?? this.config.LOGROS_DISCLOSURE_THRESHOLD}` : d.value);
    await w.header(REPORT_COLUMNS);
    const total = report.lines.length;
    let done = 0;
    for (let i = 0; i < total; i += PAGE) {
      const page = report.lines.slice(i, i + PAGE).map((l): Cell[] => {
        const g = (k: string | null) => shown(l.demandBySisbenGroup.find((x) => x.group === k)!.households);
        return [
          l.department?.code ?? null,
          l.department?.name ?? null,
          l.municipality?.code ?? null,
          l.municipality?.name ?? null,
          l.logro,
          shown(l.demand),
          l.supply,
          shown(l.gap),
          shown(l.reached),
          shown(l.withoutData),
          g('A'),
          g('B'),
          g('C'),
          g('D'),
          g(null),
          shown(l.demandDisplaced),
          shown(l.demandNotDisplaced),
        ];
      });
      await w.rows(page);
      done += page.length;
      await this.repo.progress(row.id, done, total);
    }
    return total;
  }

  private async writeHouseholds(w: TableWriter, row: LogroExportRow): Promise<number> {
    const { logro, municipality } = row.params as { logro: number; municipality: string };
    const total = await this.repo.countPending(logro, municipality);
    await w.header(HOUSEHOLD_COLUMNS);
    let after = 0;
    let done = 0;
    for (;;) {
      const page = await this.repo.pendingPage(logro, municipality, after, PAGE);
      if (!page.length) break;
      await w.rows(
        page.map((h) => [
          h.publicId,
          h.ficha,
          h.municipalityCode,
          h.zone,
          h.sisbenGroup,
          h.sisbenSubgroup,
          h.displaced ? 'SI' : 'NO',
          h.membersApplicable,
          h.membersPending,
          h.membersWithoutData,
          h.reason,
          h.since ? h.since.toISOString().slice(0, 10) : null,
        ]),
      );
      done += page.length;
      after = page[page.length - 1].id;
      await this.repo.progress(row.id, done, Math.max(total, done));
    }
    return done;
  }

  private today(): string {
    return this.clock.now().toISOString().slice(0, 10);
  }
}
