/**
 * Synthetic registry files in each real layout and encoding, any size, streaming, deterministic by
 * seed, with injected faults and the exact expected outcome (ok rows, error rows by line and code).
 *
 * Library:  const expected = await generateFile({ source: 'sisben', rows: 1000, faults: 'bad-date:5', out });
 *           const { bytes, expected } = await generateBytes({ source: 'ruv', rows: 50, seed: 7 });
 * CLI:      npx tsx src/synthetic/generate.ts --source sisben --rows 1000000 --out /tmp/s.csv \
 *             [--faults bad-date:5,unknown-municipality:0.1%] [--seed 42] [--changes added:10,changed:5,removed:3]
 *           writes the file and <out>.expected.json, prints the summary.
 */
import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import iconv from 'iconv-lite';
import type { SourceName } from '../kernel';
import { SOURCE_NAMES, isTableSource } from '../kernel';
import { tableFileText } from './tableSources';
import { Population, DEFAULT_AS_OF } from './population';
import { loadMunicipalities } from './divipola';
import { Rng, mix } from './rng';
import { bduaWriter, ruafWriter, ruvWriter, sisbenWriter, type RowWriter } from './writers';
import {
  FAULT_EFFECT,
  FAULT_KINDS,
  MOJIBAKE_SURNAME,
  UNDECODABLE_MARK,
  applyFault,
  faultApplies,
  faultCount,
  parseFaultSpec,
  type FaultKind,
  type FaultSpec,
} from './faults';

export interface ChangeSpec {
  added?: number;
  changed?: number;
  removed?: number;
}

export interface GenerateOptions {
  source: SourceName;
  /** Logical rows of the base extract (duplicate-line faults add lines on top). */
  rows: number;
  seed?: number;
  faults?: FaultSpec | string;
  /** Reference date of the extract (ages, fec_corte, file name). Parse with `today` ≥ this. */
  asOf?: string;
  eol?: 'crlf' | 'lf' | 'cr';
  /** Write a UTF-8 BOM (UTF-8 layouts only), as Excel's "CSV UTF-8" does. */
  bom?: boolean;
  /** BDUA: MS (subsidiado) or MC (contributivo) file. */
  regime?: 'MS' | 'MC';
  /** Write a *changed* extract of the same population: rows removed, changed (same key) and added. */
  changes?: ChangeSpec | string;
}

export interface ExpectedIssue {
  line: number;
  code: string;
  field: string;
  fault: FaultKind;
}

export interface Expected {
  source: SourceName;
  /** Table sources (sisben_hogares, oferta): the key of every row written, in file order. */
  keys?: string[];
  fileName: string;
  encoding: 'utf-8' | 'windows-1252';
  delimiter: string;
  header: boolean;
  seed: number;
  asOf: string;
  /** Data lines written (header excluded). */
  dataLines: number;
  physicalLines: number;
  okRows: number;
  errorRows: number;
  errorsByCode: Record<string, number>;
  /** One entry per expected error row, in line order. */
  errors: ExpectedIssue[];
  /** Lines that repeat the line before them (same sourceKey: for the pipeline's duplicate check). */
  duplicates: { line: number; of: number }[];
  /** Lines whose double-encoded surname must come out repaired. */
  repaired: { line: number; field: string; value: string }[];
  faults: Partial<Record<FaultKind, number>>;
  /** For a changed extract: sourceKeys added, changed and removed relative to the base extract. */
  changes?: { added: string[]; changed: string[]; removed: string[] };
}

export function parseChangeSpec(spec: string): ChangeSpec {
  const out: ChangeSpec = {};
  for (const part of spec
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)) {
    const [k, v] = part.split(':');
    if (k !== 'added' && k !== 'changed' && k !== 'removed') throw new Error(`Unknown change "${k}" (added, changed, removed)`);
    out[k] = Number(v);
  }
  return out;
}

export function writerFor(source: SourceName, asOf: string, regime: 'MS' | 'MC' = 'MS'): RowWriter {
  switch (source) {
    case 'sisben':
      return sisbenWriter(asOf);
    case 'bdua':
      return bduaWriter(asOf, regime);
    case 'ruaf':
      return ruafWriter(asOf, regime);
    case 'ruv':
      return ruvWriter(
        asOf,
        loadMunicipalities().map((m) => m.code),
      );
    case 'sisben_hogares':
    case 'oferta':
      throw new Error(`${source} files are one row per household or program, not per person: use generateFile / generateBytes`);
  }
}

/** K distinct integers of [from, to), deterministic. */
function choose(r: Rng, k: number, from: number, to: number, taken: Set<number>): number[] {
  const free = to - from - [...taken].filter((x) => x >= from && x < to).length;
  if (k > free) throw new Error(`Cannot place ${k} faults: only ${free} eligible lines`);
  const out: number[] = [];
  while (out.length < k) {
    const x = from + Math.floor(r.next() * (to - from));
    if (taken.has(x)) continue;
    taken.add(x);
    out.push(x);
  }
  return out;
}

/** The logical rows of the extract, in order: the population's rows, skipping removed ones, then added ones. */
function* logicalRows(pop: Population, writer: RowWriter, total: number): Generator<string[]> {
  let n = 0;
  for (const { person, household } of pop.persons()) {
    const r = new Rng(mix(pop.seed ^ 0x5bd1e995, person.serial));
    for (const row of writer.rows(person, household, r)) {
      if (n++ >= total) return;
      yield row;
    }
  }
}

interface Sink {
  write(chunk: Buffer): Promise<void> | void;
}

const EOLS = { crlf: '\r\n', lf: '\n', cr: '\r' } as const;

async function generate(opts: GenerateOptions, sink: Sink): Promise<Expected> {
  const seed = (opts.seed ?? 1) >>> 0;
  const asOf = opts.asOf ?? DEFAULT_AS_OF;
  if (isTableSource(opts.source)) {
    // One row per household (of the person file of `rows` persons) or per program; no faults.
    if (opts.faults && Object.keys(typeof opts.faults === 'string' ? parseFaultSpec(opts.faults) : opts.faults).length)
      throw new Error(`Faults are not generated for ${opts.source} files`);
    const changes: ChangeSpec = typeof opts.changes === 'string' ? parseChangeSpec(opts.changes) : (opts.changes ?? {});
    const eol = opts.eol ? EOLS[opts.eol] : '\n';
    const { text, file } = tableFileText({ source: opts.source, rows: opts.rows, seed, asOf, changes, eol });
    if (opts.bom) await sink.write(Buffer.from([0xef, 0xbb, 0xbf]));
    await sink.write(Buffer.from(text, 'utf8'));
    const n = file.rows.length;
    return {
      source: opts.source,
      keys: file.keys,
      fileName: file.fileName,
      encoding: 'utf-8',
      delimiter: ';',
      header: true,
      seed,
      asOf,
      dataLines: n,
      physicalLines: n + 1,
      okRows: n,
      errorRows: 0,
      errorsByCode: {},
      errors: [],
      duplicates: [],
      repaired: [],
      faults: {},
      changes: file.changes,
    };
  }
  const writer = writerFor(opts.source, asOf, opts.regime);
  const eol = opts.eol ? EOLS[opts.eol] : writer.eol;
  const faults: FaultSpec = typeof opts.faults === 'string' ? parseFaultSpec(opts.faults) : (opts.faults ?? {});
  const changes: ChangeSpec = typeof opts.changes === 'string' ? parseChangeSpec(opts.changes) : (opts.changes ?? {});
  const pop = new Population({ seed, asOf });
  const base = opts.rows;
  const removedN = changes.removed ?? 0;
  const changedN = changes.changed ?? 0;
  const addedN = changes.added ?? 0;
  const isChanged = removedN + changedN + addedN > 0;

  // Which base rows are removed / changed, and which output rows carry which fault.
  const cr = new Rng(mix(seed, 0xc0ffee));
  const changeTaken = new Set<number>();
  const removed = new Set(choose(cr, removedN, 0, base, changeTaken));
  const changed = new Set(choose(cr, changedN, 0, base, changeTaken));
  const outRows = base - removedN + addedN;

  const fr = new Rng(mix(seed, 0xfa017));
  const taken = new Set<number>();
  const faultAt = new Map<number, FaultKind>();
  const counts: Partial<Record<FaultKind, number>> = {};
  const order: FaultKind[] = ['wrong-columns', ...FAULT_KINDS.filter((k) => k !== 'wrong-columns' && k !== 'duplicate-line'), 'duplicate-line'];
  for (const kind of order) {
    const spec = faults[kind];
    if (spec === undefined) continue;
    if (!faultApplies(kind, writer)) throw new Error(`Fault ${kind} does not apply to ${opts.source} files`);
    const k = faultCount(spec, outRows);
    // Wrong column counts stay out of the first 10 rows: there they would make the whole file invalid.
    const from = kind === 'wrong-columns' ? Math.min(10, outRows) : 0;
    for (const i of choose(fr, k, from, outRows, taken)) faultAt.set(i, kind);
    counts[kind] = k;
  }

  const expected: Expected = {
    source: opts.source,
    fileName: writer.fileName(seed),
    encoding: writer.encoding,
    delimiter: writer.delimiter,
    header: writer.header !== null,
    seed,
    asOf,
    dataLines: 0,
    physicalLines: 0,
    okRows: 0,
    errorRows: 0,
    errorsByCode: {},
    errors: [],
    duplicates: [],
    repaired: [],
    faults: counts,
    changes: isChanged ? { added: [], changed: [], removed: [] } : undefined,
  };

  const encode = (s: string): Buffer => (writer.encoding === 'utf-8' ? Buffer.from(s, 'utf8') : iconv.encode(s, 'win1252'));
  let pending = '';
  const parts: Buffer[] = [];
  let pendingBytes = 0;
  const flush = async (force: boolean) => {
    if (pending) {
      parts.push(encode(pending));
      pendingBytes += pending.length;
      pending = '';
    }
    if (parts.length && (force || pendingBytes >= 1 << 20)) {
      await sink.write(Buffer.concat(parts));
      parts.length = 0;
      pendingBytes = 0;
    }
  };
  const emitLine = async (text: string) => {
    if (text.includes(UNDECODABLE_MARK)) {
      await flush(false);
      const [a, b] = text.split(UNDECODABLE_MARK);
      parts.push(encode(a), Buffer.from([0x81]), encode(b));
    } else {
      pending += text;
      if (pending.length >= 1 << 16) await flush(false);
    }
  };

  if (opts.bom && writer.encoding === 'utf-8') parts.push(Buffer.from([0xef, 0xbb, 0xbf]));
  let line = 0;
  if (writer.header) {
    await emitLine(writer.header.join(writer.delimiter) + eol);
    line = 1;
  }
  const chr = new Rng(mix(seed, 0xc4a96e));
  let out = 0;
  let k = 0;
  for (const row of logicalRows(pop, writer, base + addedN)) {
    const idx = k++;
    if (idx < base && removed.has(idx)) {
      expected.changes!.removed.push(writer.keyOf(row));
      continue;
    }
    if (idx < base && changed.has(idx)) {
      writer.change(row, chr);
      expected.changes!.changed.push(writer.keyOf(row));
    }
    if (idx >= base) expected.changes!.added.push(writer.keyOf(row));
    const kind = faultAt.get(out);
    const r = new Rng(mix(seed, out));
    line++;
    if (kind !== undefined && kind !== 'duplicate-line') {
      const label = applyFault(kind, row, writer, r)!;
      const { code } = FAULT_EFFECT[kind];
      if (code) {
        expected.errors.push({ line, code, field: label, fault: kind });
        expected.errorsByCode[code] = (expected.errorsByCode[code] ?? 0) + 1;
      } else if (kind === 'mojibake') {
        expected.repaired.push({ line, field: label, value: MOJIBAKE_SURNAME.repaired });
      }
    }
    const text = row.join(writer.delimiter) + eol;
    await emitLine(text);
    if (kind === 'duplicate-line') {
      line++;
      await emitLine(text);
      expected.duplicates.push({ line, of: line - 1 });
    }
    out++;
  }
  if (out !== outRows) throw new Error(`internal: wrote ${out} rows, planned ${outRows}`);
  await flush(true);
  expected.dataLines = line - (writer.header ? 1 : 0);
  expected.physicalLines = line;
  expected.errorRows = expected.errors.length;
  expected.okRows = expected.dataLines - expected.errorRows;
  return expected;
}

/** Writes a synthetic file to `out`, streaming (flat memory at any size); returns what parsing it must give. */
export async function generateFile(opts: GenerateOptions & { out: string }): Promise<Expected> {
  const ws = createWriteStream(opts.out);
  const expected = await generate(opts, {
    async write(chunk) {
      if (!ws.write(chunk)) await once(ws, 'drain');
    },
  });
  ws.end();
  await once(ws, 'finish');
  return expected;
}

/** A small synthetic file in memory (tests). */
export async function generateBytes(opts: GenerateOptions): Promise<{ bytes: Buffer; expected: Expected }> {
  const chunks: Buffer[] = [];
  const expected = await generate(opts, { write: (c) => void chunks.push(c) });
  return { bytes: Buffer.concat(chunks), expected };
}

async function main(): Promise<void> {
  const { Command } = await import('commander');
  const cmd = new Command('generate')
    .description('Write a synthetic registry extract in its real layout and encoding, with injected faults')
    .requiredOption('--source <source>', `one of ${SOURCE_NAMES.join(', ')}`)
    .requiredOption('--rows <n>', 'logical rows of the base extract', (v) => parseInt(v, 10))
    .requiredOption('--out <file>', 'output file')
    .option('--faults <spec>', `e.g. bad-date:5,unknown-municipality:0.1% (kinds: ${FAULT_KINDS.join(', ')})`)
    .option('--seed <n>', 'random seed', (v) => parseInt(v, 10), 1)
    .option('--as-of <date>', 'reference date (ISO)', DEFAULT_AS_OF)
    .option('--changes <spec>', 'changed extract: added:N,changed:N,removed:N')
    .option('--eol <eol>', 'crlf | lf | cr (default: the layout’s)')
    .option('--bom', 'write a UTF-8 BOM')
    .option('--regime <MS|MC>', 'BDUA file régimen', 'MS')
    .option('--expected <file>', 'where to write the expected outcome (default <out>.expected.json)')
    .parse();
  const o = cmd.opts();
  if (!SOURCE_NAMES.includes(o.source)) throw new Error(`--source must be one of ${SOURCE_NAMES.join(', ')}`);
  const started = Date.now();
  const expected = await generateFile({
    source: o.source,
    rows: o.rows,
    out: o.out,
    faults: o.faults,
    seed: o.seed,
    asOf: o.asOf,
    changes: o.changes,
    eol: o.eol,
    bom: o.bom,
    regime: o.regime,
  });
  const { writeFile } = await import('node:fs/promises');
  await writeFile(o.expected ?? `${o.out}.expected.json`, JSON.stringify(expected, null, 1));
  const { errors, duplicates, repaired, changes, ...summary } = expected;
  // The generator's own output (counts only, no personal data): the summary a script run prints.
  process.stdout.write(
    `${JSON.stringify(
      {
        ...summary,
        duplicates: duplicates.length,
        repaired: repaired.length,
        changes: changes && { added: changes.added.length, changed: changes.changed.length, removed: changes.removed.length },
        seconds: (Date.now() - started) / 1000,
      },
      null,
      2,
    )}\n`,
  );
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().catch((e) => {
    console.error(e instanceof Error ? e.message : e);
    process.exit(1);
  });
}
