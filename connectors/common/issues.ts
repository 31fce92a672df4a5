/**
 * Collects the problems of one row. Messages say which field and why, never the value: row issues
 * are stored and shown to operators, and values are personal data.
 */
import type { NormalizedRecord, RowIssue, RowResult } from '../types';

export class RowIssues {
  private errors: RowIssue[] | null = null;
  private warnings: RowIssue[] | null = null;
  constructor(readonly line: number) {}

  error(field: string, code: string, message: string): void {
    (this.errors ??= []).push({ line: this.line, field, code, message, severity: 'error' });
  }

  warn(field: string, code: string, message: string): void {
    (this.warnings ??= []).push({ line: this.line, field, code, message, severity: 'warning' });
  }

  get failed(): boolean {
    return this.errors !== null;
  }

  /** Errors recorded so far: compare before and after a check to know whether that field failed. */
  get errorCount(): number {
    return this.errors === null ? 0 : this.errors.length;
  }

  /**
   * The row's result: an error row when anything was wrong, else the record with its warnings.
   * `sourceKey` (error rows only) is the key when the key fields themselves parsed cleanly.
   */
  result<R = NormalizedRecord>(raw: string, record: NoInfer<R> | null, sourceKey?: string | null): RowResult<R> {
    const warnings = this.warnings ?? [];
    if (this.errors !== null || record === null) {
      const row: RowResult<R> = { ok: false, line: this.line, raw, errors: this.errors ?? [], warnings };
      if (sourceKey) row.sourceKey = sourceKey;
      return row;
    }
    return { ok: true, line: this.line, raw, record, warnings };
  }
}

/** An error row with a single issue. */
export function errorRow<R = NormalizedRecord>(line: number, raw: string, field: string, code: string, message: string): RowResult<R> {
  return { ok: false, line, raw, errors: [{ line, field, code, message, severity: 'error' }], warnings: [] };
}
