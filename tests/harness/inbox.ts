import { mkdir, mkdtemp, rm, utimes } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { SourceName } from '../../src/kernel';
import { generateFile, type Expected } from '../../src/synthetic';

export interface Inbox {
  dir: string;
  drop(
    source: SourceName,
    opts: { rows: number; seed?: number; faults?: string; name?: string; changes?: string },
  ): Promise<{ path: string; expected: Expected }>;
  remove(): Promise<void>;
}

/** An INBOX_DIR with one folder per source; files are dropped with an mtime in the past (settled). */
export async function createInbox(): Promise<Inbox> {
  const dir = await mkdtemp(join(tmpdir(), 'juntos-inbox-'));
  for (const s of ['sisben', 'bdua', 'ruaf', 'ruv']) await mkdir(join(dir, s));
  return {
    dir,
    async drop(source, opts) {
      const seed = opts.seed ?? 7;
      const path = join(dir, source, opts.name ?? `${source}-${seed}-${opts.rows}.txt`);
      const expected = await generateFile({ source, rows: opts.rows, seed, faults: opts.faults, changes: opts.changes, out: path });
      const past = new Date(Date.now() - 3_600_000);
      await utimes(path, past, past);
      return { path, expected };
    },
    remove: () => rm(dir, { recursive: true, force: true }),
  };
}
