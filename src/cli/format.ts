import type { ImportSummary } from '../imports';

const n = (v: number) => v.toLocaleString('en-US');

/** Human-readable import summary for operators (stdout). */
export function printSummary(s: ImportSummary, dryRun: boolean) {
  const out: string[] = [];
  out.push(
    `${dryRun ? 'Dry run of' : 'Import run ' + s.runId + ' of'} ${s.fileName} (${s.source}): ${dryRun ? (s.state === 'failed' ? 'WOULD FAIL' : 'would succeed') : s.state.toUpperCase()}`,
  );
  out.push(
    `  rows        ${n(s.rowsTotal)} read, ${n(s.rowsLoaded)} loaded, ${n(s.rowsRejected)} rejected (${(s.errorRate * 100).toFixed(2)} %), ${n(s.rowsWithWarnings)} with warnings`,
  );
  out.push(`  snapshot    ${n(s.added)} added, ${n(s.changed)} changed, ${n(s.unchanged)} unchanged, ${n(s.disappeared)} disappeared`);
  if (s.keptRejected) out.push(`  kept        ${n(s.keptRejected)} records whose row was rejected keep their previous version`);
  if (s.heldBack?.records) {
    const why = s.heldBack.reasons.map((r) => `${r.code} (${n(r.rows)} rows)`).join(', ');
    out.push(`  held back   ${n(s.heldBack.records)} records absent or unreadable kept active, not disappeared: ${why}`);
  }
  if (s.failureCode) out.push(`  failure     ${s.failureCode}: ${s.failureReason}`);
  if (s.errorsByCode.length) {
    out.push('  issues by code:');
    for (const e of s.errorsByCode.slice(0, 15)) out.push(`    ${String(e.count).padStart(8)}  ${e.severity.padEnd(7)} ${e.code} (${e.field})`);
    if (s.runId) out.push(`  details: juntos-hub runs show ${s.runId}`);
  }
  process.stdout.write(out.join('\n') + '\n');
}
