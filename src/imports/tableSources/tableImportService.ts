import { FileFormatError, emptyParseStats, getConnector, type FileInspection, type ParseStats, type RowIssue } from '../../../connectors';
import type { Clock, TableSourceName } from '../../kernel';
import type { Logger } from '../../platform/logger';
import { CopyBatcher, CopyBuffer, copyText } from '../../platform/db/copyText';
import type { ReferenceService } from '../../registry';
import { stagingTable, type ImportRepository, type ImportRunRow } from '../importRepository';
import { parseFile } from '../registryFiles';
import type { LineAccounting } from '../runSummary';
import { IssueTally, recordLines } from '../stageRows';
import { TableImportRepository, type TableDiff } from './tableImportRepository';
import { TABLE_SPECS, rejectedTableLine, stagedTableLine, type TableSourceSpec } from './tableSpecs';

/** The import pipeline's file-level rules, shared with the person sources (ImportService). */
export interface ImportRules {
  /** The limits a run applies: its own (recorded at submission), else the process' settings. */
  limitsOf(run: ImportRunRow): RunLimits;
  verdict(staged: { rowsTotal: number; rowsRejected: number; errorRate: number }, limits: RunLimits): { code: string; reason: string } | null;
  massDisappearance(p: { active: number; disappeared: number }, limits: RunLimits): boolean;
  disappearanceReason(p: { active: number; disappeared: number }, limits: RunLimits): string;
}

/** A run's file-level limits (shares of rows rejected, of the source's records disappearing). */
export interface RunLimits {
  maxErrorRate: number;
  maxDisappearedRate: number;
}

export interface TableStaged {
  rowsTotal: number;
  rowsLoaded: number;
  rowsRejected: number;
  rowsWithWarnings: number;
  rejectedWithKey: number;
  duplicates: number;
  errorRate: number;
  lines: LineAccounting;
  issues: { code: string; field: string; severity: string; count: number }[];
}

/**
 * Imports of the table sources (Sisbén IV hogares, Mapa de Oferta Local) through the same run state
 * machine as any import — received → parsing → staged → applied → done, or failed — with the same
 * row errors, error-rate and disappearance rules and dry runs, into their versioned tables
 * (schema/tableSources.ts) instead of source records and persons. A cut is applied in one
 * transaction (these files are a fraction of the person files: one row per household or program),
 * so a crash leaves either the previous snapshot or the new one, never half of each.
 */
export class TableImportService {
  constructor(
    private readonly repo: ImportRepository,
    private readonly tables: TableImportRepository,
    private readonly reference: ReferenceService,
    private readonly rules: ImportRules,
    private readonly clock: Clock,
  ) {}

  /** Parses a file into a staging table (row issues into import_row_errors for a real run) and marks in-file duplicates. */
  async stageFile(
    table: string,
    runId: number | null,
    path: string,
    fileName: string,
    source: TableSourceName,
    info: FileInspection,
    onProgress?: (c: { rowsTotal: number; rowsLoaded: number; rowsRejected: number }, bytesRead: number) => Promise<void>,
  ): Promise<TableStaged> {
    const spec = TABLE_SPECS[source] as TableSourceSpec;
    await this.tables.createStaging(table, spec);
    if (runId !== null) await this.tables.clearRowErrors(runId);
    const stats: ParseStats = emptyParseStats();
    const ctx = { fileName, today: this.clock.now().toISOString().slice(0, 10), municipalities: await this.reference.municipalityCodes(), stats };
    let bytesRead = 0;
    const rows = parseFile(path, getConnector(source), ctx, { encoding: info.encoding, onProgress: (b) => void (bytesRead = b) });
    const c = { rowsTotal: 0, rowsLoaded: 0, rowsRejected: 0, rowsWithWarnings: 0, rejectedWithKey: 0, loadedLines: 0, rejectedLines: 0 };
    const tally = new IssueTally();
    const issues = new CopyBatcher(128 * 1024);
    const issueLine = (i: RowIssue) => `${runId}\t${i.line}\t${copyText(i.field)}\t${copyText(i.code)}\t${copyText(i.message)}\t${i.severity}\n`;
    const flush = async (text: string | null) => {
      if (text && runId !== null) await this.repo.copyRowErrors(text);
    };
    const note = async (i: RowIssue) => {
      tally.add(i);
      await flush(issues.push(issueLine(i)));
    };
    async function* staged(): AsyncGenerator<Uint8Array, void, undefined> {
      const batch = new CopyBuffer();
      let ord = 0;
      for await (const r of rows) {
        c.rowsTotal++;
        const lines = recordLines(r.raw);
        let full: Uint8Array | null = null;
        if (r.ok) {
          c.rowsLoaded++;
          c.loadedLines += lines;
          if (r.warnings.length) c.rowsWithWarnings++;
          full = batch.push(stagedTableLine(spec, ord++, r.line, lines, r.raw, r.record as object));
        } else {
          c.rowsRejected++;
          c.rejectedLines += lines;
          for (const e of r.errors) await note(e);
          // The key of a rejected row (or the one a row with the wrong column count may carry): its
          // record keeps its previous version instead of vanishing.
          const key = r.sourceKey ?? r.possibleKey;
          if (key) {
            c.rejectedWithKey++;
            full = batch.push(rejectedTableLine(spec, r.line, lines, key));
          }
        }
        for (const w of r.warnings) await note(w);
        if (onProgress && (c.rowsTotal & 0x3fff) === 0) await onProgress(c, bytesRead);
        if (full) yield full;
      }
      const rest = batch.take();
      if (rest) yield rest;
      await flush(issues.take());
    }
    await this.tables.copyStaging(table, spec, staged()).catch((e) => {
      // A value the staging types refuse is a connector defect; the database's message may quote it.
      const code = (e as { code?: unknown }).code;
      if (typeof code === 'string' && /^22/.test(code)) {
        throw new FileFormatError(
          'STAGING_REJECTED',
          `A parsed value could not be stored in the staging table (SQLSTATE ${code}); nothing was applied. Report this file to the maintainers.`,
        );
      }
      throw e;
    });
    const { duplicates, duplicateLines } = await this.tables.markDuplicates(table, runId);
    const rowsRejected = c.rowsRejected + duplicates;
    const issuesByCode = tally.counts();
    if (duplicates) issuesByCode.push({ code: 'DUPLICATE_KEY', field: '(row)', severity: 'error', count: duplicates });
    return {
      rowsTotal: c.rowsTotal,
      rowsLoaded: c.rowsLoaded - duplicates,
      rowsRejected,
      rowsWithWarnings: c.rowsWithWarnings,
      rejectedWithKey: c.rejectedWithKey,
      duplicates,
      errorRate: c.rowsTotal ? Math.round((rowsRejected / c.rowsTotal) * 1e6) / 1e6 : 0,
      lines: {
        physical: stats.physicalLines,
        header: stats.headerLines,
        blank: stats.blankLines,
        loaded: c.loadedLines - duplicateLines,
        rejected: c.rejectedLines + duplicateLines,
      },
      issues: issuesByCode,
    };
  }

  /**
   * Stages a claimed run (state `parsing`, or `staged` when PostgreSQL lost the unlogged staging
   * table) and moves it to `staged`, or fails it on the file-level rules.
   */
  async stage(run: ImportRunRow, info: FileInspection, resume: boolean): Promise<{ failed: { code: string; reason: string } | null }> {
    let last = Date.now();
    const staged = await this.stageFile(stagingTable(run.id), run.id, run.filePath, run.fileName, run.source as TableSourceName, info, async (c, bytesRead) => {
      if (Date.now() - last < 1000) return;
      last = Date.now();
      await this.repo.update(run.id, { bytesRead, rowsTotal: c.rowsTotal, rowsLoaded: c.rowsLoaded, rowsRejected: c.rowsRejected });
    });
    await this.repo.update(run.id, {
      bytesRead: run.fileBytes,
      rowsTotal: staged.rowsTotal,
      rowsLoaded: staged.rowsLoaded,
      rowsRejected: staged.rowsRejected,
      rowsWithWarnings: staged.rowsWithWarnings,
      errorRate: staged.errorRate,
      errorSummary: (await this.repo.errorSummary(run.id)) as never,
      previousRunId: await this.repo.previousAcceptedRun(run),
    });
    await this.repo.mergeSummary(run.id, {
      lines: staged.lines,
      staged: {
        rows: staged.rowsLoaded + staged.duplicates,
        parts: { household: 0, sisben: 0, affiliation: 0, victim: 0 },
        rejectedWithKey: staged.rejectedWithKey,
      },
    });
    if (resume) return { failed: null };
    const verdict = this.rules.verdict(staged, this.rules.limitsOf(run));
    if (verdict) return { failed: verdict };
    await this.repo.transition(run.id, ['parsing'], 'staged', { stagedAt: this.clock.now(), chunksTotal: 1 });
    return { failed: null };
  }

  /** Applies a staged run (one transaction); throws DISAPPEARANCE_LIMIT_EXCEEDED before writing anything. */
  async apply(run: ImportRunRow, log: Logger): Promise<TableDiff | null> {
    const spec = TABLE_SPECS[run.source as TableSourceName] as TableSourceSpec;
    const diff = await this.tables.apply(run.id, stagingTable(run.id), spec, (d) => {
      const limits = this.rules.limitsOf(run);
      if (this.rules.massDisappearance(d, limits)) throw new FileFormatError('DISAPPEARANCE_LIMIT_EXCEEDED', this.rules.disappearanceReason(d, limits));
    });
    if (diff)
      log.info({ added: diff.added, changed: diff.changed, disappeared: diff.disappeared, keptRejected: diff.keptRejected }, 'table source cut applied');
    return diff;
  }

  preview(table: string, source: TableSourceName): Promise<TableDiff> {
    return this.tables.preview(table, TABLE_SPECS[source] as TableSourceSpec);
  }
}
