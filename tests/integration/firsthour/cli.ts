import { spawn, type ChildProcess } from 'node:child_process';
import { join, resolve } from 'node:path';
import { TEST_ARCHIVE_DIR } from '../../harness/env';

export const ROOT = resolve(import.meta.dirname, '../../..');
export const CLI = join(ROOT, 'bin/juntos-hub.mjs');

export interface CliResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  /** The command did not finish within its time limit (and was killed): a hang. */
  timedOut: boolean;
  ms: number;
}

/** The variables a test controls; everything else from the parent (PATH…) minus the hub's own. */
function baseEnv(): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (v === undefined) continue;
    if (/^(DATABASE_URL|REDIS_URL|QUEUE_PREFIX|DATA_DIR|INBOX_DIR|EXPORT_DIR|LOG_LEVEL|LOG_FORMAT|JUNTOS_LANG|IMPORT_|RECONCILE_|NODE_ENV|PORT|HOST)/.test(k))
      continue;
    env[k] = v;
  }
  // Received files are archived outside the data directories these tests choose (see TEST_ARCHIVE_DIR).
  env.ARCHIVE_DIR ??= TEST_ARCHIVE_DIR;
  return env;
}

/** A child's exit and both streams, killed (and reported as a hang) after `timeoutMs`. */
function collect(child: ChildProcess, started: number, timeoutMs: number): Promise<CliResult> {
  return new Promise((done) => {
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    child.stdout!.on('data', (d) => (stdout += d));
    child.stderr!.on('data', (d) => (stderr += d));
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, timeoutMs);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      done({ code, signal, stdout, stderr, timedOut, ms: Date.now() - started });
    });
  });
}

/** Runs `juntos-hub …args` as a user would, killed (and reported as a hang) after `timeoutMs`. */
export function runCli(args: string[], opts: { env?: Record<string, string | undefined>; timeoutMs?: number; cwd?: string } = {}): Promise<CliResult> {
  const started = Date.now();
  const env = { ...baseEnv(), ...Object.fromEntries(Object.entries(opts.env ?? {}).filter(([, v]) => v !== undefined)) } as Record<string, string>;
  const child = spawn(process.execPath, [CLI, ...args], { cwd: opts.cwd ?? ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  return collect(child, started, opts.timeoutMs ?? 60_000);
}

const sh = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

/**
 * Runs the CLI inside a pseudo-terminal (util-linux `script`), as a person at a terminal would; only
 * PATH, HOME, TERM and the given variables reach it.
 */
export function runInTerminal(args: string[], env: Record<string, string>, timeoutMs = 90_000): Promise<CliResult> {
  const started = Date.now();
  const cmd = [process.execPath, CLI, ...args].map(sh).join(' ');
  const child = spawn('script', ['-qec', cmd, '/dev/null'], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', TERM: 'xterm', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return collect(child, started, timeoutMs);
}

/** A readable failure message: the command line, its exit and both streams. */
export function explain(args: string[], r: CliResult): string {
  return `juntos-hub ${args.join(' ')} → ${r.timedOut ? 'TIMED OUT (hang)' : `exit ${r.code}${r.signal ? ` (${r.signal})` : ''}`} after ${r.ms} ms\n--- stdout\n${r.stdout.slice(-3000)}\n--- stderr\n${r.stderr.slice(-3000)}`;
}

export interface ServeProcess {
  url: string;
  output(): string;
  stop(): Promise<number | null>;
}

/** Starts `juntos-hub serve …` and waits for its URL line (killed and reported if it never comes). */
export function startServe(args: string[], opts: { env?: Record<string, string | undefined>; timeoutMs?: number } = {}): Promise<ServeProcess> {
  const env = { ...baseEnv(), ...Object.fromEntries(Object.entries(opts.env ?? {}).filter(([, v]) => v !== undefined)) } as Record<string, string>;
  const child = spawn(process.execPath, [CLI, 'serve', '--port', '0', ...args], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.on('data', (d) => (out += d));
  child.stderr.on('data', (d) => (out += d));
  const exited = new Promise<number | null>((r) => child.on('close', (code) => r(code)));
  return new Promise((resolveStart, rejectStart) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      rejectStart(new Error(`serve did not start within ${opts.timeoutMs ?? 120_000} ms:\n${out.slice(-3000)}`));
    }, opts.timeoutMs ?? 120_000);
    const onData = () => {
      const m = /(http:\/\/[\d.:[\]]+)\/graphql/.exec(out);
      if (!m) return;
      clearTimeout(timer);
      child.stdout.off('data', onData);
      child.stderr.off('data', onData);
      resolveStart({
        url: m[1],
        output: () => out,
        async stop() {
          child.kill('SIGTERM');
          const t = setTimeout(() => child.kill('SIGKILL'), 20_000);
          const code = await exited;
          clearTimeout(t);
          return code;
        },
      });
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    void exited.then((code) => {
      clearTimeout(timer);
      rejectStart(new Error(`serve exited (${code}) before it listened:\n${out.slice(-3000)}`));
    });
  });
}
