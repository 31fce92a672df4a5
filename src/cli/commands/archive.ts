import type { Command } from 'commander';
import { archiveDir } from '../../archive';
import { CliError, loadCliConfig, withRuntime } from '../runtime';

const n = (v: number) => v.toLocaleString('en-US');

/**
 * The archive of received files (ARCHIVE_DIR, default DATA_DIR/archive): `verify` rehashes every
 * archived file against the database; `gc` lists (or removes) files no source record references.
 */
export function registerArchive(program: Command) {
  const archive = program.command('archive').description('The archive of received files, the provenance of every raw line (subcommands: verify, gc).');
  archive
    .command('verify')
    .description('Rehash every archived file against the SHA-256 it was received with; exit 1 when one is missing or altered.')
    .option('--json', 'print the report as JSON')
    .action(async (opts: { json?: boolean }) => {
      const config = loadCliConfig();
      await withRuntime(
        config,
        async (rt) => {
          const report = await rt.app.services.archive.verify();
          if (opts.json) process.stdout.write(JSON.stringify({ dir: archiveDir(config), ...report }, null, 2) + '\n');
          else {
            const out = [
              `Archive ${archiveDir(config)}: ${n(report.checked)} files checked, ${n(report.ok)} intact`,
              ...report.missing.map((s) => `  MISSING  ${s}`),
              ...report.corrupt.map((s) => `  ALTERED  ${s}`),
              ...(report.unknown.length ? [`  ${n(report.unknown.length)} files in the directory the database does not know (see archive gc)`] : []),
              ...(report.runsWithoutArchive
                ? [`  ${n(report.runsWithoutArchive)} import runs from before the archive (their records keep a copy of their lines)`]
                : []),
            ];
            process.stdout.write(out.join('\n') + '\n');
          }
          if (report.missing.length || report.corrupt.length) {
            throw new CliError(`${report.missing.length} archived files missing, ${report.corrupt.length} altered: restore them from the backup.`, 1);
          }
        },
        { workers: false },
      );
    });
  archive
    .command('gc')
    .description('List the archived files no source record references (failed runs, unknown files); --remove deletes them.')
    .option('--remove', 'delete them (without it: a dry run that only lists)')
    .option('--json', 'print the report as JSON')
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
              `${opts.remove ? 'Removed' : 'Would remove (dry run; --remove to delete)'} ${n(report.unreferenced.length)} unreferenced files, ${n(bytes)} bytes`,
              ...report.unreferenced.map((f) => `  ${f.sha256}  ${n(f.bytes)}`),
              ...(report.temporaries ? [`  ${n(report.temporaries)} interrupted copies${opts.remove ? ' removed' : ''}`] : []),
            ].join('\n') + '\n',
          );
        },
        { workers: false },
      );
    });
}
