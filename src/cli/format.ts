import type { ImportSummary } from '../imports';
import { num as n, t } from './i18n';

/** Human-readable import summary for operators (stdout). */
export function printSummary(s: ImportSummary, dryRun: boolean) {
  const out: string[] = [];
  out.push(
    dryRun
      ? t('import.titleDry', { file: s.fileName, source: s.source, verdict: s.state === 'failed' ? t('import.wouldFail') : t('import.wouldSucceed') })
      : t('import.title', { id: s.runId ?? '', file: s.fileName, source: s.source, state: s.state.toUpperCase() }),
  );
  out.push(
    t('import.rows', {
      read: n(s.rowsTotal),
      loaded: n(s.rowsLoaded),
      rejected: n(s.rowsRejected),
      rate: (s.errorRate * 100).toFixed(2),
      warnings: n(s.rowsWithWarnings),
    }),
  );
  out.push(t('import.snapshot', { added: n(s.added), changed: n(s.changed), unchanged: n(s.unchanged), disappeared: n(s.disappeared) }));
  if (s.keptRejected) out.push(t('import.kept', { count: n(s.keptRejected) }));
  if (s.heldBack?.records) {
    const why = s.heldBack.reasons.map((r) => t('import.heldBackReason', { code: r.code, rows: n(r.rows) })).join(', ');
    out.push(t('import.heldBack', { count: n(s.heldBack.records), why }));
  }
  if (s.failureCode) out.push(t('import.failure', { code: s.failureCode, reason: s.failureReason ?? '' }));
  if (s.errorsByCode.length) {
    out.push(t('import.issues'));
    for (const e of s.errorsByCode.slice(0, 15)) out.push(`    ${String(e.count).padStart(8)}  ${e.severity.padEnd(7)} ${e.code} (${e.field})`);
    if (s.runId) out.push(t('import.details', { id: s.runId }));
  }
  process.stdout.write(out.join('\n') + '\n');
}
