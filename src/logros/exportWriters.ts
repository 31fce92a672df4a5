import { once } from 'node:events';
import type { FileHandle } from 'node:fs/promises';
import type { Writable } from 'node:stream';
import { finished } from 'node:stream/promises';
// Types only: the module is loaded when a workbook is written (XlsxTableWriter.open), not by every process
// importing this one (~23 MB of RSS, an importing worker's base memory: docs/imports.md).
import type ExcelJS from 'exceljs';

/** A cell: text, a number, or empty. */
export type Cell = string | number | null;

/** Writes one table (header + rows) as CSV or XLSX, streaming: memory stays flat whatever the row count. */
export interface TableWriter {
  header(columns: readonly string[]): Promise<void>;
  rows(rows: readonly Cell[][]): Promise<void>;
  close(): Promise<void>;
}

/**
 * RFC 4180 quoting, and no formula injection: a text cell a spreadsheet would run as a formula
 * (= + - @ at the start) is prefixed with an apostrophe. Numbers are written as numbers.
 */
export function csvCell(v: Cell): string {
  if (v == null) return '';
  if (typeof v === 'number') return String(v);
  const safe = /^[=+\-@\t\r]/.test(v) ? `'${v}` : v;
  return /[",\r\n;]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

async function write(out: Writable, text: string): Promise<void> {
  if (!out.write(text)) await Promise.race([once(out, 'drain'), once(out, 'error').then(([e]) => Promise.reject(e))]);
}

/** CSV in UTF-8 with a BOM (Excel in Spanish opens it with the accents right), CRLF line ends. */
export class CsvTableWriter implements TableWriter {
  private readonly out: Writable;
  private failure: unknown;

  constructor(fh: FileHandle) {
    this.out = fh.createWriteStream({ encoding: 'utf8' });
    this.out.on('error', (e) => (this.failure ??= e));
  }

  async header(columns: readonly string[]): Promise<void> {
    await write(this.out, '\ufeff' + columns.map(csvCell).join(',') + '\r\n');
  }

  async rows(rows: readonly Cell[][]): Promise<void> {
    if (rows.length) await write(this.out, rows.map((r) => r.map(csvCell).join(',') + '\r\n').join(''));
  }

  async close(): Promise<void> {
    this.out.end();
    await finished(this.out).catch(() => {});
    if (this.failure) throw this.failure;
  }
}

/** XLSX through exceljs' streaming workbook writer (rows are committed as they come). */
export class XlsxTableWriter implements TableWriter {
  private readonly workbook: ExcelJS.stream.xlsx.WorkbookWriter;
  private readonly sheet: ExcelJS.Worksheet;

  private constructor(excel: typeof ExcelJS, path: string, sheetName: string) {
    this.workbook = new excel.stream.xlsx.WorkbookWriter({ filename: path, useStyles: true, useSharedStrings: false });
    this.sheet = this.workbook.addWorksheet(sheetName.slice(0, 31));
  }

  static async open(path: string, sheetName: string): Promise<XlsxTableWriter> {
    const { default: excel } = await import('exceljs');
    return new XlsxTableWriter(excel, path, sheetName);
  }

  async header(columns: readonly string[]): Promise<void> {
    const row = this.sheet.addRow([...columns]);
    row.font = { bold: true };
    row.commit();
  }

  async rows(rows: readonly Cell[][]): Promise<void> {
    for (const r of rows) this.sheet.addRow(r.map((c) => (c == null ? null : c))).commit();
  }

  async close(): Promise<void> {
    this.sheet.commit();
    await this.workbook.commit();
  }
}
