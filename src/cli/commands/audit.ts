import type { Command } from 'commander';
import { parseAnchor, type ChainReport } from '../../access';
import { CliError, loadCliConfig, withRuntime } from '../runtime';
import { num as n, t } from '../i18n';

const REASON_KEYS = ['ALTERED', 'MISSING', 'TRUNCATED', 'HEAD_MISMATCH', 'UNCHAINED', 'ANCHOR_MISMATCH'] as const;
const reasonText = (reason: string) =>
  (REASON_KEYS as readonly string[]).includes(reason) ? t(`audit.reasons.${reason as (typeof REASON_KEYS)[number]}`) : reason;

function describe(r: ChainReport): string[] {
  const head = `${r.head.position}:${r.head.hash}`;
  const out = [t('audit.title', { count: n(r.checked) }), t('audit.head', { head })];
  if (r.anchor) out.push(t('audit.anchor', { anchor: `${r.anchor.position}:${r.anchor.hash}`, verdict: r.anchor.ok ? 'OK' : t('audit.mismatch') }));
  if (!r.break) {
    out.push(t('audit.intact'));
    return out;
  }
  const b = r.break;
  const where = [
    b.position !== null ? t('audit.position', { value: b.position }) : null,
    b.eventId !== null ? t('audit.event', { value: b.eventId }) : null,
    b.occurredAt ? b.occurredAt : null,
  ]
    .filter(Boolean)
    .join(', ');
  out.push(t('audit.broken', { reason: b.reason, why: reasonText(b.reason), where: where ? ` (${where})` : '' }));
  return out;
}

/** `juntos-hub audit verify`: walks the audit log's hash chain; exit 1 at the first break. */
export function registerAudit(program: Command) {
  const audit = program.command('audit').description(t('help.audit.description'));
  audit
    .command('verify')
    .description(t('help.audit.verify'))
    .option('--anchor <position:hash>', t('help.audit.anchor'))
    .option('--json', t('help.jsonReport'))
    .action(async (opts: { anchor?: string; json?: boolean }) => {
      const anchor = opts.anchor !== undefined ? parseAnchor(opts.anchor) : undefined;
      if (anchor === null) {
        throw new CliError(t('audit.badAnchor'), 2);
      }
      const config = loadCliConfig();
      await withRuntime(
        config,
        async (rt) => {
          const report = await rt.app.services.auditChain.verify({ anchor });
          if (opts.json) process.stdout.write(JSON.stringify(report, null, 2) + '\n');
          else process.stdout.write(describe(report).join('\n') + '\n');
          if (report.break) {
            const b = report.break;
            throw new CliError(
              b.position !== null
                ? t('audit.brokenAtPosition', { value: b.position, reason: b.reason })
                : t('audit.brokenAtEvent', { value: String(b.eventId), reason: b.reason }),
              1,
            );
          }
        },
        { workers: false },
      );
    });
}
