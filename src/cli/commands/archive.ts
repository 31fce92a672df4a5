import type { Command } from 'commander';
import { archiveDir } from '../../archive';
import { CliError, loadCliConfig, withRuntime } from '../runtime';
import { num as n, t } from '../i18n';

/**
 * The archive of received files (ARCHIVE_DIR, default DATA_DIR/archive): `verify` rehashes every
 * archived file against the database; `gc` lists (or removes) files no source record references.
 */
export function registerArchive(program: Command) {
  const archive = program.command('archive').description(t('help.archive.description'));
  archive
    .command('verify')
    .description(t('help.archive.verify'))
    .option('--json', t('help.jsonReport'))
    .action(async (opts: { json?: boolean }) => {
      const config = loadCliConfig();
      await withRuntime(
        config,
        async (rt) => {
          const report = await rt.app.services.archive.verify();
          if (opts.json) process.stdout.write(JSON.stringify({ dir: archiveDir(config), ...report }, null, 2) + '\n');
          else {
            const out = [
              t('archive.summary', { dir: archiveDir(config), checked: n(report.checked), ok: n(report.ok) }),
              ...report.missing.map((s) => t('archive.missing', { sha: s })),
              ...report.corrupt.map((s) => t('archive.altered', { sha: s })),
              ...(report.unknown.length ? [t('archive.unknown', { count: n(report.unknown.length) })] : []),
              ...(report.runsWithoutArchive ? [t('archive.beforeArchive', { count: n(report.runsWithoutArchive) })] : []),
            ];
            process.stdout.write(out.join('\n') + '\n');
          }
          if (report.missing.length || report.corrupt.length) {
            throw new CliError(t('archive.broken', { missing: n(report.missing.length), altered: n(report.corrupt.length) }), 1);
          }
        },
        { workers: false },
      );
    });
  archive
    .command('gc')
    .description(t('help.archive.gc'))
    .option('--remove', t('help.archive.remove'))
    .option('--json', t('help.jsonReport'))
    .action(async (opts: { remove?: boolean; json?: boolean }) => {
      const config = loadCliConfig();
      await withRuntime(
        config,
        async (rt) => {
          const report = await rt.app.services.archive.gc(Boolean(opts.remove));
          if (opts.json) {
            process.stdout.write(JSON.stringify(report, null, 2) + '\n');
            return;
          }
          const bytes = report.unreferenced.reduce((a, f) => a + f.bytes, 0);
          process.stdout.write(
            [
              t(opts.remove ? 'archive.removed' : 'archive.wouldRemove', { count: n(report.unreferenced.length), bytes: n(bytes) }),
              ...report.unreferenced.map((f) => `  ${f.sha256}  ${n(f.bytes)}`),
              ...(report.temporaries ? [t(opts.remove ? 'archive.temporariesRemoved' : 'archive.temporaries', { count: n(report.temporaries) })] : []),
            ].join('\n') + '\n',
          );
        },
        { workers: false },
      );
    });
}
