/** Real processes for tests: the CLI, a `worker`, waiting for conditions with a deadline, free ports. */
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { join, resolve } from 'node:path';
import { TEST_ARCHIVE_DIR } from './env';

export const ROOT = resolve(import.meta.dirname, '../..');
export const CLI = join(ROOT, 'bin/juntos-hub.mjs');

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function waitFor<T>(what: string, fn: () => Promise<T | null | undefined | false>, timeoutMs = 30_000, everyMs = 100): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await fn();
      if (v) return v;
    } catch (e) {
      last = e;
    }
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${last ? ` (last error: ${(last as Error).message})` : ''}`);
    await sleep(everyMs);
  }
}

export interface Child {
  proc: ChildProcess;
  output: () => string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  kill(signal?: NodeJS.Signals): void;
}

/** Starts `juntos-hub <args>` as a real process with the given environment (logs collected). */
export function spawnCli(args: string[], env: Record<string, string>): Child {
  const proc = spawn(process.execPath, [CLI, ...args], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', ARCHIVE_DIR: TEST_ARCHIVE_DIR, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  proc.stdout!.on('data', (d) => (out += d));
  proc.stderr!.on('data', (d) => (out += d));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((r) => proc.on('exit', (code, signal) => r({ code, signal })));
  return { proc, output: () => out, exited, kill: (s = 'SIGKILL') => void proc.kill(s) };
}

/** `juntos-hub worker`, resolved once it says it is ready. */
export async function startWorkerProcess(env: Record<string, string>, timeoutMs = 30_000): Promise<Child> {
  const child = spawnCli(['worker'], env);
  let exitedEarly = false;
  void child.exited.then(() => (exitedEarly = true));
  await waitFor(
    'worker ready',
    async () => {
      if (exitedEarly) throw new Error(`worker exited before ready:\n${child.output()}`);
      // Its ready line in either language (the CLI speaks Spanish unless JUNTOS_LANG=en).
      return /juntos-hub worker ready|worker de juntos-hub listo/.test(child.output());
    },
    timeoutMs,
    50,
  ).catch((e) => {
    child.kill();
    throw new Error(`${(e as Error).message}\n${child.output()}`);
  });
  return child;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
    s.on('error', reject);
  });
}
