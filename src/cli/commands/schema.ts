import { readFile, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import type { Command } from 'commander';
import { CliError } from '../runtime';

export const SDL_PATH = fileURLToPath(new URL('../../../schema/api.graphql', import.meta.url));

export function registerSchema(program: Command) {
  const schema = program.command('schema').description('The GraphQL schema (SDL) committed as schema/api.graphql.');
  schema
    .command('emit')
    .description('Write the SDL built from the code to schema/api.graphql.')
    .action(async () => {
      const { buildApiSchema, printApiSchema } = await import('../../graphql/schema');
      await writeFile(SDL_PATH, printApiSchema(await buildApiSchema()));
      process.stdout.write(`wrote ${SDL_PATH}\n`);
    });
  schema
    .command('check')
    .description('Exit non-zero when schema/api.graphql differs from the schema built from the code.')
    .action(async () => {
      const { buildApiSchema, printApiSchema } = await import('../../graphql/schema');
      const current = printApiSchema(await buildApiSchema());
      const committed = await readFile(SDL_PATH, 'utf8').catch(() => '');
      if (current !== committed) throw new CliError('schema/api.graphql is out of date: run `npm run schema:emit` and commit it.');
      process.stdout.write('schema/api.graphql is up to date\n');
    });
}
