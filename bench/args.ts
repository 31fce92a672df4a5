/**
 * Command-line options of the benchmark scripts. A benchmark can run for many minutes and fill a
 * database: `--help` must print its options rather than start it, and a mistyped option must stop
 * it with a message rather than be ignored (the run would silently measure the default).
 */
import { parseArgs } from 'node:util';

export interface BenchOption {
  /** A value (`--rows 1000`) or a switch (`--keep`). */
  type: 'string' | 'boolean';
  help: string;
  /** Shown after the option in the help, e.g. `N` for `--rows N`. */
  value?: string;
  /** Passed by the script to a child of its own; not listed in the help. */
  internal?: boolean;
}

/** `--keep`, which every benchmark that creates a database offers. */
export const KEEP_OPTION: BenchOption = { type: 'boolean', help: 'keep the database (its name is printed)' };

export interface BenchArgs<K extends string> {
  /** The option's value, or undefined when it was not given. */
  arg(name: K): string | undefined;
  /** Whether a switch (or a value option) was given. */
  flag(name: K): boolean;
  /** The option as a number (the default when not given); anything else than a number stops the run. */
  num(name: K, fallback: number): number;
}

/**
 * Parses `argv` against `options`. `--help` prints `usage` and the options and exits 0; an unknown
 * option, a missing value or a value given to a switch exits 2 with the reason.
 */
export function benchArgs<K extends string>(usage: string, options: Record<K, BenchOption>, argv = process.argv.slice(2)): BenchArgs<K> {
  const spec = Object.fromEntries(Object.entries<BenchOption>(options).map(([k, o]) => [k, { type: o.type }]));
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({ args: argv, options: { ...spec, help: { type: 'boolean', short: 'h' } }, strict: true, allowPositionals: false }));
  } catch (e) {
    process.stderr.write(`${(e as Error).message}\nSee --help for the options.\n`);
    process.exit(2);
  }
  if (values.help) {
    process.stdout.write(`${helpText(usage, options)}\n`);
    process.exit(0);
  }
  const arg = (name: K) => {
    const v = values[name];
    return typeof v === 'string' ? v : undefined;
  };
  return {
    arg,
    flag: (name) => values[name] !== undefined && values[name] !== false,
    num(name, fallback) {
      const v = arg(name);
      if (v === undefined) return fallback;
      const n = Number(v);
      if (v.trim() === '' || !Number.isFinite(n)) {
        process.stderr.write(`--${name} expects a number, got "${v}".\n`);
        process.exit(2);
      }
      return n;
    },
  };
}

export function helpText(usage: string, options: Record<string, BenchOption>): string {
  const rows = Object.entries(options)
    .filter(([, o]) => !o.internal)
    .map(([k, o]) => [`--${k}${o.type === 'string' ? ` ${o.value ?? 'VALUE'}` : ''}`, o.help] as const);
  const width = Math.max(...rows.map(([l]) => l.length), 6) + 2;
  const indent = ' '.repeat(width + 2);
  const lines = rows.map(([l, h]) => `  ${l.padEnd(width)}${h.replace(/\n/g, `\n${indent}`)}`);
  return `${usage.trim()}\n\nOptions:\n${lines.join('\n')}\n  ${'--help'.padEnd(width)}this text`;
}
