import { copyFile, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../harness';
import { generateFile } from '../../../src/synthetic';
import { ROOT, explain, runCli, runInTerminal as runTerminal, type CliResult } from './cli';

/**
 * The CLI's terminal output as a newcomer meets it (issue 10, defect 7): readable logs on a
 * terminal and JSON elsewhere, one line and exit 2 for a bad argument (never a stack), `migrate`
 * saying what it did, progress by phase, `runs retry` running the run in embedded mode, Spanish by
 * default and English with --lang en / JUNTOS_LANG=en. Every command runs under a timeout.
 */
let t: TestDatabase;
let dir: string;
let env: Record<string, string>;
const SAMPLE_WITH_ERRORS = join(ROOT, 'connectors/ruv/samples/VICTIMAS_202412_con_errores.txt');

beforeAll(async () => {
  t = await createTestDatabase();
  dir = await mkdtemp(join(tmpdir(), 'juntos-cli-output-'));
  env = { DATABASE_URL: t.url, DATA_DIR: join(dir, 'data') };
}, 60_000);
afterAll(async () => {
  await t?.drop();
  await rm(dir, { recursive: true, force: true });
});

/** In a pseudo-terminal, archiving received files in this test's directory. */
const runInTerminal = (args: string[], extraEnv: Record<string, string>, timeoutMs = 90_000): Promise<CliResult> =>
  runTerminal(args, { ARCHIVE_DIR: join(dir, 'archive'), ...extraEnv }, timeoutMs);

const oneLine = (s: string) => s.trim().split('\n').length === 1;
const noStack = (s: string) => !/\n\s+at |DrizzleQueryError|node_modules|\.ts:\d+/.test(s);

describe('bad arguments: one line, exit 2, never a stack', () => {
  const cases: [string[], RegExp][] = [
    [['runs', 'show', 'abc'], /El id de una corrida es un número entero positivo \(se recibió "abc"\)/],
    [['runs', 'show', '999999'], /No existe la corrida de importación 999999/],
    [['runs', 'retry', '-3'], /^Error: |número entero positivo/],
    [['import', join(ROOT, 'no-such-file.txt')], /No existe el archivo .*no-such-file\.txt/],
    [['import', SAMPLE_WITH_ERRORS, '--source', 'nosuch'], /--source debe ser una de: sisben, bdua/],
    [['runs', '--state', 'lost'], /--state debe ser uno de/],
    [['import'], /Falta el argumento file/],
    [['import', SAMPLE_WITH_ERRORS, '--bogus'], /Opción desconocida: --bogus/],
    [['frobnicate'], /Orden desconocida: frobnicate/],
  ];
  for (const [args, message] of cases) {
    it(`juntos-hub ${args.map((a) => a.replace(ROOT, '.')).join(' ')}`, async () => {
      const r = await runCli(args, { env, timeoutMs: 60_000 });
      expect(r.code, explain(args, r)).toBe(2);
      expect(r.stderr, explain(args, r)).toMatch(message);
      expect(oneLine(r.stderr), explain(args, r)).toBe(true);
      expect(noStack(r.stderr), explain(args, r)).toBe(true);
      expect(r.stdout).toBe('');
    });
  }

  it('in English with --lang en or JUNTOS_LANG=en', async () => {
    const a = await runCli(['--lang', 'en', 'runs', 'show', 'abc'], { env, timeoutMs: 60_000 });
    expect(a.code).toBe(2);
    expect(a.stderr.trim()).toBe('A run id is a positive whole number (got "abc").');
    const b = await runCli(['runs', 'show', 'abc'], { env: { ...env, JUNTOS_LANG: 'en' }, timeoutMs: 60_000 });
    expect(b.stderr.trim()).toBe('A run id is a positive whole number (got "abc").');
    const c = await runCli(['runs', 'show', '1', '--lang', 'fr'], { env, timeoutMs: 60_000 });
    expect(c.code).toBe(2);
    expect(c.stderr.trim()).toBe('--lang debe ser es o en.');
  });
});

describe('migrate says what it applied', () => {
  it('lists the migrations applied to a new database, then says it is up to date', async () => {
    const pglite = { DATA_DIR: join(dir, 'fresh') };
    const first = await runCli(['migrate'], { env: pglite, timeoutMs: 120_000 });
    expect(first.code, explain(['migrate'], first)).toBe(0);
    expect(first.stdout).toMatch(/^Migraciones aplicadas: \d+ \(0000_functions, .*\); la base de datos \(pglite\) está al día con \d+ migraciones\.\n$/);
    const second = await runCli(['migrate', '--lang', 'en'], { env: pglite, timeoutMs: 120_000 });
    expect(second.code, explain(['migrate'], second)).toBe(0);
    expect(second.stdout).toMatch(/^The database \(pglite\) was already up to date: \d+ migrations, none pending\.\n$/);
    const json = await runCli(['migrate', '--json'], { env: pglite, timeoutMs: 120_000 });
    expect(JSON.parse(json.stdout)).toMatchObject({ database: 'pglite', applied: [] });
  }, 300_000);
});

describe('logs, progress and retry on a real import', () => {
  let file: string;
  beforeAll(async () => {
    // A copy, so this file's bytes are its own run (the same bytes are never imported twice).
    file = join(dir, 'VICTIMAS_202412_con_errores.txt');
    await copyFile(SAMPLE_WITH_ERRORS, file);
  });

  it('on a terminal: readable log lines (no JSON), the phases of the run and its summary in Spanish', async () => {
    const r = await runInTerminal(['import', file], env);
    const out = r.stdout + r.stderr;
    expect(r.timedOut, out).toBe(false);
    expect(r.code, out).toBe(1);
    expect(out).not.toMatch(/\{"level":/);
    // pino-pretty's line for the service's warning, with its fields but not as JSON.
    expect(out).toMatch(/WARN.*import failed; canonical tables unchanged/);
    expect(out).toMatch(/Corrida (\d+) de VICTIMAS_202412_con_errores\.txt \(ruv\): FAILED/);
    expect(out).toMatch(/falla {7}ERROR_RATE_EXCEEDED/);
    // Nothing personal reaches the terminal's log lines either.
    expect(out).not.toMatch(/ORDÓÑEZ|PALACIOS/);
  });

  it('without a terminal: JSON log lines on stderr, phase lines, and --json keeps stdout one JSON object', async () => {
    const again = join(dir, 'again.txt');
    await copyFile(SAMPLE_WITH_ERRORS, again);
    const r = await runCli(['import', again, '--json'], { env: { ...env, LOG_LEVEL: 'info' }, timeoutMs: 90_000 });
    expect(r.timedOut).toBe(false);
    const lines = r.stdout.trim().split('\n');
    expect(lines).toHaveLength(1);
    // The same bytes as the failed first file: a new run (a failed run never blocks its bytes), failing the same way.
    expect(JSON.parse(lines[0])).toMatchObject({ state: 'failed', failureCode: 'ERROR_RATE_EXCEEDED' });
    for (const l of r.stderr.trim().split('\n').filter(Boolean)) expect(() => JSON.parse(l), l).not.toThrow();
  });

  it('runs retry in embedded mode runs the run in the command and prints how it ended', async () => {
    const list = await runCli(['runs', '--json'], { env, timeoutMs: 60_000 });
    const failed = list.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l))
      .find((r) => r.state === 'failed');
    expect(failed, list.stdout).toBeTruthy();
    const args = ['runs', 'retry', String(failed.id), '--max-error-rate', '0.5'];
    const r = await runCli(args, { env, timeoutMs: 90_000 });
    expect(r.code, explain(args, r)).toBe(0);
    expect(r.stderr).toMatch(new RegExp(`Corrida ${failed.id}: la procesa este mismo proceso`));
    expect(r.stdout).toMatch(new RegExp(`^Corrida ${failed.id} de \\S+\\.txt \\(ruv\\): DONE`));
    expect(r.stdout).toMatch(/filas {7}12 leídas, 10 cargadas, 2 rechazadas/);
    // Done in PostgreSQL as the command exits, not when some later command starts.
    const show = await runCli(['runs', 'show', String(failed.id), '--json'], { env, timeoutMs: 60_000 });
    expect(JSON.parse(show.stdout)).toMatchObject({ state: 'done', rowsLoaded: 10 });
  });

  it('on a terminal, a larger file: the read phase counts megabytes and rows, the apply phase its own chunks', async () => {
    const big = join(dir, 'sisben-20k.txt');
    await generateFile({ source: 'sisben', rows: 20_000, seed: 5, out: big, asOf: '2024-12-31' });
    const r = await runInTerminal(['import', big, '--source', 'sisben'], env, 180_000);
    const out = r.stdout + r.stderr;
    expect(r.timedOut, out.slice(-2000)).toBe(false);
    expect(r.code, out.slice(-2000)).toBe(0);
    expect(out).toMatch(/lectura \d+% \| [\d.]+\/[\d.]+ MB \| [\d.]+ filas/);
    expect(out).toMatch(/aplicación \d+% \| bloque \d+\/\d+|cierre: resumen de la corrida/);
    // The old bar mixed phases: 50 % meant "read done", whatever the apply had left.
    expect(out).not.toMatch(/ 50% \| [\d.]+ rows/);
    expect(out).toMatch(/Corrida \d+ de sisben-20k\.txt \(sisben\): DONE/);
  }, 240_000);
});

describe('reconcile shows progress', () => {
  // Its own database: an import process today leaves its reconciliation run to whoever comes next
  // (issue 10, defect 1, handled apart), and this test is about what reconcile prints.
  let own: TestDatabase;
  let fresh: Record<string, string>;
  beforeAll(async () => {
    own = await createTestDatabase();
    fresh = { DATABASE_URL: own.url, DATA_DIR: join(dir, 'reconcile') };
  }, 60_000);
  afterAll(async () => {
    await own?.drop();
  });

  it('reconcile shows its run while it works; --json prints only the result', async () => {
    const args = ['reconcile'];
    const r = await runCli(args, { env: fresh, timeoutMs: 120_000 });
    expect(r.code, explain(args, r)).toBe(0);
    expect(r.stderr).toMatch(/^conciliación \d+: \w+, \d+ registros procesados$/m);
    expect(r.stdout).toMatch(/^Corrida de conciliación \d+: DONE/);
    expect(r.stdout).toMatch(/personas {4}\d+ activas/);
    const j = await runCli(['reconcile', '--json'], { env: fresh, timeoutMs: 120_000 });
    expect(j.code, explain(['reconcile', '--json'], j)).toBe(0);
    expect(j.stdout.trim().split('\n')).toHaveLength(1);
    expect(JSON.parse(j.stdout)).toMatchObject({ state: 'done' });
    expect(j.stderr).not.toMatch(/conciliación/);
  }, 240_000);
});
