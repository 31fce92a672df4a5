import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { generate } from '@graphql-codegen/cli';
import { describe, expect, it } from 'vitest';
import config from '../../../console/codegen';

/**
 * The console's operation types are generated from schema/api.graphql and committed. This fails
 * when they drift from the schema or from the console's operations: run `npm run console:codegen`.
 */
describe('console GraphQL types', () => {
  it('match schema/api.graphql and the console operations', async () => {
    const root = join(import.meta.dirname, '../../..');
    const cwd = process.cwd();
    process.chdir(root);
    try {
      const files = (await generate({ ...config, silent: true, cwd: root }, false)) as { filename: string; content: string }[];
      expect(files.length).toBeGreaterThan(0);
      for (const f of files) {
        const committed = readFileSync(join(root, f.filename), 'utf8');
        expect(committed, `${f.filename} is stale: run npm run console:codegen`).toBe(f.content);
      }
    } finally {
      process.chdir(cwd);
    }
  }, 60_000);
});
