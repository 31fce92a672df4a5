/**
 * The parse worker's code as one JavaScript file, bundled from the TypeScript sources with esbuild
 * once per process into a temporary directory. A worker thread does not inherit tsx's loader, and
 * loading the sources through tsx cost each worker ~0.4 CPU s and ~50 MB (a loader thread of its
 * own); the bundle loads in ~0.06 CPU s and ~20 MB (measured on 2 vCPU, 2 workers).
 */
import { rmSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

let built: Promise<string> | null = null;

export function parseWorkerFile(): Promise<string> {
  built ??= (async () => {
    const { build } = await import('esbuild');
    const dir = await mkdtemp(join(tmpdir(), 'juntos-parse-worker-'));
    process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
    const outfile = join(dir, 'parseWorker.mjs');
    await build({
      entryPoints: [fileURLToPath(new URL('./parseWorker.ts', import.meta.url))],
      tsconfig: fileURLToPath(new URL('../../tsconfig.json', import.meta.url)),
      bundle: true,
      platform: 'node',
      format: 'esm',
      target: 'node20',
      outfile,
      logLevel: 'silent',
    });
    return outfile;
  })();
  // A failed build is tried again next time (and the file is parsed in one thread meanwhile).
  built.catch(() => (built = null));
  return built;
}
