/**
 * The first files a newcomer tries: every shipped sample under connectors/<source>/samples imports
 * on default settings — in the order a shell glob gives them, into one registry, as
 * `for f in connectors/*\/samples/*; do juntos-hub import "$f"; done` does — except the files named
 * `_con_errores`, which show row faults on purpose and fail the default error-rate limit.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../harness';
import { explain, runCli } from './firsthour/cli';

const CONNECTORS = fileURLToPath(new URL('../../connectors/', import.meta.url));
const samples = readdirSync(CONNECTORS, { withFileTypes: true })
  .filter((d) => d.isDirectory())
  .flatMap((d) => {
    try {
      return readdirSync(join(CONNECTORS, d.name, 'samples')).map((f) => join(CONNECTORS, d.name, 'samples', f));
    } catch {
      return [];
    }
  })
  .sort();
const clean = samples.filter((f) => !/_con_errores\.[^.]+$/.test(f));
const faulty = samples.filter((f) => /_con_errores\.[^.]+$/.test(f));

let t: TestDatabase;
beforeAll(async () => {
  t = await createTestDatabase();
});
afterAll(async () => {
  await t?.drop();
});

describe('shipped samples on default settings', () => {
  it('there is a clean and a faulty sample of every source', () => {
    for (const source of ['sisben', 'bdua', 'ruaf', 'ruv']) {
      expect(
        clean.some((f) => f.includes(`/${source}/`)),
        source,
      ).toBe(true);
      expect(
        faulty.some((f) => f.includes(`/${source}/`)),
        source,
      ).toBe(true);
    }
  });

  it('every clean sample imports DONE with no rejected row, one after another into one registry', async () => {
    for (const file of clean) {
      const args = ['import', file, '--json'];
      const r = await runCli(args, { env: { DATABASE_URL: t.url, DATA_DIR: '/nonexistent-samples' }, timeoutMs: 120_000 });
      expect(r.code, explain(args, r)).toBe(0);
      const out = JSON.parse(r.stdout);
      expect([out.state, out.rowsRejected, out.disappeared], file).toEqual(['done', 0, 0]);
    }
  }, 600_000);

  it.each(faulty)(
    '%s fails the default error-rate limit and says so',
    async (file) => {
      const args = ['import', file, '--dry-run', '--json'];
      const r = await runCli(args, { env: { DATABASE_URL: t.url, DATA_DIR: '/nonexistent-samples' }, timeoutMs: 120_000 });
      expect(r.code, explain(args, r)).toBe(1);
      expect(JSON.parse(r.stdout)).toMatchObject({ state: 'failed', failureCode: 'ERROR_RATE_EXCEEDED' });
    },
    120_000,
  );
});
