import type { Command } from 'commander';
import { parseAnchor, type ChainReport } from '../../access';
import { CliError, loadCliConfig, withRuntime } from '../runtime';
import { language } from '../i18n';

type Lang = 'es' | 'en';

const REASONS: Record<Lang, Record<string, string>> = {
  es: {
    ALTERED: 'fila alterada después de escrita',
    MISSING: 'faltan filas (borradas) antes de esta',
    TRUNCATED: 'faltan las últimas filas de la cadena (borradas)',
    HEAD_MISMATCH: 'la cabeza de la cadena no coincide con su última fila',
    UNCHAINED: 'fila fuera de la cadena (insertada con el disparador desactivado)',
    ANCHOR_MISMATCH: 'el hash anclado no coincide: la cadena fue reescrita',
  },
  en: {
    ALTERED: 'row altered after it was written',
    MISSING: 'rows missing (deleted) before this one',
    TRUNCATED: 'the last rows of the chain are missing (deleted)',
    HEAD_MISMATCH: 'the head of the chain does not match its last row',
    UNCHAINED: 'row outside the chain (inserted with the trigger disabled)',
    ANCHOR_MISMATCH: 'the anchored hash does not match: the chain was rewritten',
  },
};

function describe(r: ChainReport, lang: Lang): string[] {
  const n = (v: number) => v.toLocaleString(lang === 'es' ? 'es-CO' : 'en-US');
  const head = `${r.head.position}:${r.head.hash}`;
  const es = lang === 'es';
  const out = [
    es ? `Registro de auditoría: ${n(r.checked)} filas verificadas` : `Audit log: ${n(r.checked)} rows verified`,
    es ? `  cabeza      ${head}` : `  head        ${head}`,
  ];
  if (r.anchor) out.push(`  ${es ? 'ancla ' : 'anchor'}      ${r.anchor.position}:${r.anchor.hash} ${r.anchor.ok ? 'OK' : es ? 'NO COINCIDE' : 'MISMATCH'}`);
  if (!r.break) {
    out.push(
      es
        ? '  cadena intacta. Guarde la cabeza fuera de la base de datos y verifique luego con --anchor.'
        : '  chain intact. Keep the head outside the database and verify later with --anchor.',
    );
    return out;
  }
  const b = r.break;
  const where = [
    b.position !== null ? `${es ? 'posición' : 'position'} ${b.position}` : null,
    b.eventId !== null ? `${es ? 'evento' : 'event'} ${b.eventId}` : null,
    b.occurredAt ? b.occurredAt : null,
  ]
    .filter(Boolean)
    .join(', ');
  out.push(`  ${es ? 'ROTA' : 'BROKEN'}  ${b.reason}: ${REASONS[lang][b.reason]}${where ? ` (${where})` : ''}`);
  return out;
}

/** `juntos-hub audit verify`: walks the audit log's hash chain; exit 1 at the first break. */
export function registerAudit(program: Command) {
  const audit = program.command('audit').description('The append-only audit log (subcommand: verify).');
  audit
    .command('verify')
    .description(
      'Recompute the hash chain of the audit log and report the first broken row (id and time only); exit 1 on a break. ' +
        'Prints the head (position:hash) to keep outside the database.',
    )
    .option('--anchor <position:hash>', 'a head printed by an earlier verify: fail unless the chain still holds that hash at that position')
    .option('--json', 'print the report as JSON')
    .action(async (opts: { anchor?: string; json?: boolean }) => {
      // The CLI's language (--lang before the command, or JUNTOS_LANG).
      const lang: Lang = language() === 'en' ? 'en' : 'es';
      const anchor = opts.anchor !== undefined ? parseAnchor(opts.anchor) : undefined;
      if (anchor === null) {
        throw new CliError(
          lang === 'es' ? '--anchor espera <posición>:<hash hex de 64 caracteres>.' : '--anchor expects <position>:<64-character hex hash>.',
          2,
        );
      }
      const config = loadCliConfig();
      await withRuntime(
        config,
        async (rt) => {
          const report = await rt.app.services.auditChain.verify({ anchor });
          if (opts.json) process.stdout.write(JSON.stringify(report, null, 2) + '\n');
          else process.stdout.write(describe(report, lang).join('\n') + '\n');
          if (report.break) {
            const b = report.break;
            throw new CliError(
              lang === 'es'
                ? `Cadena de auditoría rota en ${b.position !== null ? `la posición ${b.position}` : `el evento ${b.eventId}`} (${b.reason}).`
                : `Audit chain broken at ${b.position !== null ? `position ${b.position}` : `event ${b.eventId}`} (${b.reason}).`,
              1,
            );
          }
        },
        { workers: false },
      );
    });
}
