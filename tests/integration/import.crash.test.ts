/**
 * Reliability promise 14 for imports: the process advancing a run is SIGKILLed at many points —
 * during parsing and the staging COPY, inside the bulk load of a first snapshot, inside chunk
 * transactions of a changed snapshot, between steps — and restarted until the run is done. The
 * canonical tables must then be exactly those of an uninterrupted run (ordered hash of business
 * columns) and every chunk applied once.
 *
 * The child (tests/harness/children/importRun.ts) counts its database calls and kills itself at
 * the chosen one; the kill points are spread over the calls an uninterrupted run makes.
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Rng } from '../../src/synthetic';
import { canonicalDigest, testHub, type TestHub } from '../harness';

const CHILD = fileURLToPath(new URL('../harness/children/importRun.ts', import.meta.url));
// 10,500 rows in chunks of 500: the first snapshot takes the bulk path (one transaction), the changed
// one is applied in 21 or 22 chunks.
const CHUNK = '500';
const ROWS = 10_500;

interface ChildResult {
  signal: NodeJS.Signals | null;
  code: number | null;
  output: string;
}

function child(args: { url: string; runId: number; killAt?: number; killMode?: 'before' | 'after'; chunkSize?: string }): Promise<ChildResult> {
  return new Promise((resolve) => {
    const p = spawn(process.execPath, ['--import', 'tsx', CHILD, JSON.stringify({ chunkSize: CHUNK, ...args })], { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    p.stdout.on('data', (d) => (output += d));
    p.stderr.on('data', (d) => (output += d));
    p.on('exit', (code, signal) => resolve({ code, signal, output }));
  });
}

describe('SIGKILL at random points of an import, then restart', () => {
  let ref: TestHub;
  let crash: TestHub;
  const files = { base: '', changed: '' };
  const kills: { file: string; killAt: number; mode: string; state: string; chunksDone: number; chunksTotal: number }[] = [];

  beforeAll(async () => {
    [ref, crash] = await Promise.all([testHub().config({ IMPORT_CHUNK_SIZE: CHUNK }).start(), testHub().config({ IMPORT_CHUNK_SIZE: CHUNK }).start()]);
    const faults = 'bad-date:20,duplicate-line:10,unknown-municipality:10,wrong-columns:5,mojibake:5';
    files.base = (await ref.generate('sisben_base.csv', { source: 'sisben', rows: ROWS, seed: 101, faults })).path;
    files.changed = (
      await ref.generate('sisben_changed.csv', { source: 'sisben', rows: ROWS, seed: 101, faults, changes: { added: 300, changed: 500, removed: 200 } })
    ).path;
  });
  afterAll(async () => {
    await Promise.all([ref?.close(), crash?.close()]);
  });

  it('leaves exactly the tables of an uninterrupted run, every chunk applied once', async () => {
    // The uninterrupted run, in a child too (same code path), counting its database calls.
    const calls: Record<string, number> = {};
    for (const [name, file] of Object.entries(files)) {
      const { run } = await ref.imports.submit(file, { source: 'sisben' });
      const r = await child({ url: ref.database!.url, runId: run.id });
      expect(r.code, r.output).toBe(0);
      calls[name] = Number(/calls (\d+)/.exec(r.output)![1]);
      const done = (await ref.imports.getRun(run.id))!;
      expect(done.state).toBe('done');
      expect(Boolean((done.summary as { bulkLoad?: boolean }).bulkLoad)).toBe(name === 'base');
    }
    const expected = await canonicalDigest(ref.db);

    // The same two files, each killed at spread-out points (stratified over the calls of an
    // uninterrupted run: every restart replays part of the work, so later points land later).
    // Base file (a first snapshot: staging, then one bulk transaction, redone whole after a kill):
    // kill points stratified over the calls of an uninterrupted run. Changed file (chunks): each
    // restart skips the chunks already applied, so each child is killed a random number of calls
    // after its start, at most a ninth of the whole run's calls.
    const rng = new Rng(20240601);
    for (const [name, file] of Object.entries(files)) {
      const { run } = await crash.imports.submit(file, { source: 'sisben' });
      const points = name === 'base' ? 5 : 9;
      for (let i = 0; i < points; i++) {
        const killAt = name === 'base' ? 1 + Math.floor(((i + rng.next()) / (points + 1)) * calls[name]) : 1 + Math.floor(rng.next() * (calls[name] / 9));
        const mode = i % 2 === 0 ? 'before' : 'after';
        const r = await child({ url: crash.database!.url, runId: run.id, killAt, killMode: mode });
        if (r.signal !== 'SIGKILL') expect(r.code, r.output).toBe(0);
        const now = (await crash.imports.getRun(run.id))!;
        if (r.signal === 'SIGKILL') kills.push({ file: name, killAt, mode, state: now.state, chunksDone: now.chunksDone, chunksTotal: now.chunksTotal });
        if (now.state === 'done') break;
      }
      // Restart until done.
      for (let n = 0; (await crash.imports.getRun(run.id))!.state !== 'done'; n++) {
        expect(n).toBeLessThan(3);
        const r = await child({ url: crash.database!.url, runId: run.id });
        expect(r.code, r.output).toBe(0);
      }
    }

    // At least ten kills, spread over staging, the bulk load and the chunked apply.
    expect(kills.length, JSON.stringify(kills)).toBeGreaterThanOrEqual(10);
    expect(
      kills.some((k) => k.state === 'parsing' || k.state === 'received'),
      JSON.stringify(kills),
    ).toBe(true);
    expect(
      kills.some((k) => k.file === 'base' && k.state === 'staged'),
      JSON.stringify(kills),
    ).toBe(true);
    expect(
      kills.some((k) => k.file === 'changed' && k.state === 'staged' && k.chunksDone > 0 && k.chunksDone < k.chunksTotal),
      JSON.stringify(kills),
    ).toBe(true);

    const got = await canonicalDigest(crash.db);
    expect(got.parts).toEqual(expected.parts);
    expect(got.digest).toBe(expected.digest);

    // Every chunk once: numbered 0 … chunks_total - 1, no gap, summing to the run's counters.
    const runs = await crash.db.rows<{ id: number; chunks_total: number; chunks_done: number; n: number; lo: number; hi: number; ok: boolean }>(sql`
      select r.id::int, r.chunks_total, r.chunks_done, count(c.*)::int as n, min(c.chunk_no) as lo, max(c.chunk_no) as hi,
        coalesce(sum(c.added), 0) = r.added and coalesce(sum(c.changed), 0) = r.changed and coalesce(sum(c.unchanged), 0) = r.unchanged as ok
      from import_runs r left join import_chunks c on c.import_run_id = r.id group by r.id order by r.id`);
    expect(runs).toHaveLength(2);
    for (const r of runs) {
      expect(r.chunks_total).toBeGreaterThanOrEqual(20);
      expect(r).toEqual({ id: r.id, chunks_total: r.chunks_total, chunks_done: r.chunks_total, n: r.chunks_total, lo: 0, hi: r.chunks_total - 1, ok: true });
    }
    // Nothing left behind: no staging table, no run unfinished.
    const [left] = await crash.db.rows<{ n: number }>(sql`select count(*)::int as n from pg_class where relname like 'import\\_staging\\_%'`);
    expect(left.n).toBe(0);
  }, 300_000); // several child processes killed and restarted: minutes on a shared CI machine

  it('a resumed run finishes from where PostgreSQL says it stopped, even when its staging table was emptied', async () => {
    // An unlogged staging table is emptied when PostgreSQL restarts after a crash: simulated by
    // truncating it between two chunks. The file is staged again; applied chunks stay applied.
    const h = await testHub().config({ IMPORT_CHUNK_SIZE: '25' }).start();
    try {
      const base = await h.generate('sisben_b.csv', { source: 'sisben', rows: 300, seed: 102 });
      expect((await h.importFile(base.path, 'sisben')).state).toBe('done');
      const next = await h.generate('sisben_n.csv', { source: 'sisben', rows: 300, seed: 102, changes: { added: 10, changed: 20, removed: 5 } });
      const { run } = await h.imports.submit(next.path, { source: 'sisben' });
      const r = await child({ url: h.database!.url, runId: run.id, killAt: 45, killMode: 'before', chunkSize: '25' });
      expect(r.signal).toBe('SIGKILL');
      let now = (await h.imports.getRun(run.id))!;
      expect(now.state).toBe('staged');
      await h.db.rows(sql`truncate ${sql.raw(`juntos_staging.import_staging_${run.id}`)}`);
      now = await h.processRun(run.id);
      expect([now.state, now.added, now.changed, now.disappeared]).toEqual(['done', 10, 20, 5]);
      expect(now.chunksDone).toBe(now.chunksTotal);
    } finally {
      await h.close();
    }
  });
});
