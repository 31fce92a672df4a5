import { createWriteStream } from 'node:fs';
import { finished } from 'node:stream/promises';
import type { Command } from 'commander';
import { SOURCE_NAMES, type SourceName } from '../../kernel';
import { CliError, loadCliConfig, withRuntime } from '../runtime';

export function registerLinks(program: Command) {
  const links = program.command('links').description('Links between source records and persons (subcommand: export).');
  links
    .command('export')
    .description(
      'Write the "cruce": one CSV row per source record, source,file,line,person_id,link_type,score (person_id is the public id). ' +
        'Streams (flat memory). The file links persons to registries: keep it where only its recipients can read it.',
    )
    .option('-s, --source <source>', `only this source (${SOURCE_NAMES.join(', ')})`)
    .option('-o, --out <file>', 'write to this file (created owner-only) instead of standard output')
    .action(async (opts: { source?: string; out?: string }) => {
      const config = loadCliConfig();
      const source = opts.source === undefined ? null : (opts.source.toLowerCase() as SourceName);
      if (source !== null && !SOURCE_NAMES.includes(source)) throw new CliError(`--source must be one of ${SOURCE_NAMES.join(', ')}`, 2);
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
            if (failure) throw new CliError(`Cannot write ${opts.out}: ${(failure as Error).message}`);
            process.stderr.write(`${rows.toLocaleString('en-US')} records written to ${opts.out}\n`);
          }
        },
        { workers: false },
      );
    });
}
