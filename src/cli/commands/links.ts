import { createWriteStream } from 'node:fs';
import { finished } from 'node:stream/promises';
import type { Command } from 'commander';
import { SOURCE_NAMES } from '../../kernel';
import { parseSource } from '../args';
import { CliError, loadCliConfig, withRuntime } from '../runtime';
import { num, t } from '../i18n';

export function registerLinks(program: Command) {
  const links = program.command('links').description(t('help.links.description'));
  links
    .command('export')
    .description(t('help.links.export'))
    .option('-s, --source <source>', t('help.onlySource', { list: SOURCE_NAMES.join(', ') }))
    .option('-o, --out <file>', t('help.links.out'))
    .action(async (opts: { source?: string; out?: string }) => {
      const config = loadCliConfig();
      const source = parseSource(opts.source) ?? null;
      await withRuntime(
        config,
        async (rt) => {
          const out = opts.out ? createWriteStream(opts.out, { mode: 0o600 }) : process.stdout;
          let failure: unknown;
          out.on('error', (e) => (failure ??= e));
          const rows = await rt.app.services.linksExport.writeCsv(out, source);
          if (opts.out) {
            out.end();
            await finished(out).catch(() => {});
            if (failure) throw new CliError(t('links.cannotWrite', { file: opts.out, reason: (failure as Error).message }));
            process.stderr.write(`${t('links.written', { count: num(rows), file: opts.out })}\n`);
          }
        },
        { workers: false },
      );
    });
}
