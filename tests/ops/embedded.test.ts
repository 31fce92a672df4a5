import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRuntime } from '../../jobs/runtime';
import { loadConfig } from '../../src/platform/config';
import { createPgliteDatabase } from '../../src/platform/db/pglite';
import { createLogger } from '../../src/platform/logger';
import { createInbox, waitFor, type Inbox } from '../harness';

/**
 * The embedded default (PGlite, in-process jobs, no Redis): jobs live in memory, so a process that
 * dies loses them — the runs do not. The next process sweeps at start and finishes them.
 */
let dataDir: string;
let inbox: Inbox;

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'juntos-embedded-ops-'));
  inbox = await createInbox();
});
afterAll(async () => {
  await rm(dataDir, { recursive: true, force: true });
  await inbox.remove();
});

describe('embedded mode after a crash', () => {
  it('runs whose in-memory jobs died with their process are finished by the next process', async () => {
    const config = loadConfig({ NODE_ENV: 'test', DATA_DIR: dataDir, INBOX_DIR: inbox.dir, INBOX_SETTLE_MS: '0', RECONCILE_TRAINING_SAMPLE: '0' });
    const logger = createLogger({ level: 'silent' });
    const { path, expected } = await inbox.drop('sisben', { rows: 60, seed: 31 });

    // First process: the run is recorded and its job queued in memory; the process goes away before any worker ran it.
    let db = await createPgliteDatabase(join(dataDir, 'pglite'));
    await db.migrate();
    const first = await startRuntime({ config, db, logger, workers: false });
    const { run } = await first.app.services.imports.submit(path, { source: 'sisben' });
    await first.close(0);
    await db.close();

    // Next process (what `juntos-hub serve` does in embedded mode): schedules, a sweep at start, in-process workers.
    db = await createPgliteDatabase(join(dataDir, 'pglite'));
    try {
      const [before] = await db.rows<{ state: string }>(sql`select state::text from import_runs where id = ${run.id}`);
      expect(before.state).toBe('received');
      const next = await startRuntime({ config, db, logger, workers: true, schedules: true });
      try {
        expect((await next.queue.listSchedulers()).map((s) => s.id)).toContain('inbox-scan-sisben');
        await waitFor(
          'the run imported and reconciled',
          async () =>
            (await db.rows<{ s: string | null }>(sql`select summary->'reconciliation'->>'state' as s from import_runs where id = ${run.id}`))[0].s === 'done',
          30_000,
        );
        const [done] = await db.rows<{ state: string; rows_loaded: number }>(sql`select state::text, rows_loaded from import_runs where id = ${run.id}`);
        expect(done).toEqual({ state: 'done', rows_loaded: expected.okRows });
      } finally {
        await next.close(1_000);
      }
    } finally {
      await db.close();
    }
  }, 60_000);
});
