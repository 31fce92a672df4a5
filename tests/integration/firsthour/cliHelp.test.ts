import { describe, expect, it } from 'vitest';
import { explain, runCli } from './cli';

/**
 * `--help` and bad arguments as a person meets them, in Spanish (default) and English (--lang en,
 * JUNTOS_LANG=en): the help in the chosen language, exit 0; a bad argument one line, exit 2, no stack.
 * Every command runs under a timeout. (The Spanish bad-argument cases of import and runs are in
 * cliOutput.test.ts.)
 */
const noStack = (s: string) => !/\n\s+at |node_modules|\.ts:\d+/.test(s);

describe('--help in both languages', () => {
  const cases: [string[], Record<string, string>, RegExp[]][] = [
    [['--help'], {}, [/^Uso: juntos-hub \[opciones\] \[orden\]/, /Órdenes:/, /muestra la ayuda de la orden/]],
    [['--lang', 'en', '--help'], {}, [/^Usage: juntos-hub \[options\] \[command\]/, /Commands:/, /display help for command/]],
    [
      ['runs', 'retry', '--help'],
      {},
      [/^Uso: juntos-hub runs retry \[opciones\] <id>/, /Reintenta desde el principio una corrida fallida/, /otro límite de filas rechazadas/],
    ],
    [
      ['runs', 'retry', '--help'],
      { JUNTOS_LANG: 'en' },
      [/^Usage: juntos-hub runs retry \[options\] <id>/, /Retry a failed import run/, /another limit on rejected rows/],
    ],
    [['import', '--help'], {}, [/Argumentos:/, /archivo de registro a importar/, /lee, valida y compara el archivo/]],
    [['audit', 'verify', '--help', '--lang', 'en'], {}, [/Recompute the hash chain/, /a head printed by an earlier verify/]],
  ];
  for (const [args, env, expected] of cases) {
    it(`${env.JUNTOS_LANG ? `JUNTOS_LANG=${env.JUNTOS_LANG} ` : ''}juntos-hub ${args.join(' ')}`, async () => {
      const r = await runCli(args, { env, timeoutMs: 30_000 });
      expect(r.code, explain(args, r)).toBe(0);
      for (const re of expected) expect(r.stdout, explain(args, r)).toMatch(re);
      if (!env.JUNTOS_LANG && !args.includes('en')) expect(r.stdout).not.toMatch(/\b(Usage|Options|display help|default:)\b/);
    });
  }
});

describe('bad arguments in both languages: one line, exit 2', () => {
  const cases: [string[], RegExp, RegExp][] = [
    [['runs', 'show', 'abc'], /El id de una corrida es un número entero positivo/, /A run id is a positive whole number/],
    [['runs', 'show', '1', '--bogus'], /Opción desconocida: --bogus/, /Unknown option: --bogus/],
    [['import', '/no/such/file.txt'], /No existe el archivo \/no\/such\/file\.txt/, /\/no\/such\/file\.txt/],
    [['links', 'export', '--source', 'nosuch'], /--source debe ser una de:/, /--source must be one of:/],
    [['schedule', 'run-now', '--source', 'nosuch'], /--source debe ser una de:/, /--source must be one of:/],
    [
      ['cruce', 'lista.csv', '--agency', 'icbf', '--role', 'root'],
      /--role debe ser uno de: reader, steward, admin/,
      /--role must be one of: reader, steward, admin/,
    ],
    [['audit', 'verify', '--anchor', 'x'], /--anchor espera <posición>/, /--anchor expects <position>/],
    [['clients', 'create', '--role', 'admin'], /Falta la opción obligatoria --name/, /Missing required option --name/],
    [['sources', 'reset'], /Falta el argumento source/, /Missing argument source/],
  ];
  for (const [args, spanish, english] of cases) {
    it(`juntos-hub ${args.join(' ')}`, async () => {
      for (const [extra, message] of [
        [[], spanish],
        [['--lang', 'en'], english],
      ] as const) {
        const all = [...args, ...extra];
        // No database is reached: every case fails on its arguments (the URL points nowhere).
        const r = await runCli(all, { env: { DATABASE_URL: 'postgres://127.0.0.1:1/none' }, timeoutMs: 30_000 });
        expect(r.code, explain(all, r)).toBe(2);
        expect(r.stderr, explain(all, r)).toMatch(message);
        expect(r.stderr.trim().split('\n'), explain(all, r)).toHaveLength(1);
        expect(noStack(r.stderr), explain(all, r)).toBe(true);
      }
    });
  }
});
