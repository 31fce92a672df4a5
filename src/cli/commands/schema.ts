import { readFile, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import type { Command } from 'commander';
import { CliError } from '../runtime';
import { t } from '../i18n';

export const SDL_PATH = fileURLToPath(new URL('../../../schema/api.graphql', import.meta.url));

export function registerSchema(program: Command) {
  const schema = program.command('schema').description(t('help.schema.description'));
  schema
    .command('emit')
    .description(t('help.schema.emit'))
    .action(async () => {
      const { buildApiSchema, printApiSchema } = await import('../../graphql/schema');
      await writeFile(SDL_PATH, printApiSchema(await buildApiSchema()));
      process.stdout.write(`${t('schema.wrote', { path: SDL_PATH })}\n`);
    });
  schema
    .command('check')
    .description(t('help.schema.check'))
    .action(async () => {
      const { buildApiSchema, printApiSchema } = await import('../../graphql/schema');
      const current = printApiSchema(await buildApiSchema());
      const committed = await readFile(SDL_PATH, 'utf8').catch(() => '');
      if (current !== committed) throw new CliError(t('schema.outdated'));
      process.stdout.write(`${t('schema.upToDate')}\n`);
    });
}
