/**
 * Property tests per parser: random bytes, mutated valid files and truncated files never throw anything
 * but FileFormatError, never hang (inputs are bounded), and every physical line is accounted for:
 * physical lines = header + blank + the lines of each yielded record (ok or error), one result per record.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { FileFormatError, getConnector, emptyParseStats, type RowResult } from '../../../connectors';
import { PERSON_SOURCES as SOURCE_NAMES, type PersonSourceName as SourceName } from '../../../src/kernel';
import { parseBytes } from '../../../connectors/common/parseFile';
import { generateBytes } from '../../../src/synthetic';
import { collect, ctx } from './helpers';

const RUNS = Number(process.env.FUZZ_RUNS ?? 120);

function physicalLines(raw: string): number {
  return raw.split(/\r\n|\n|\r/).length;
}

/** Parses and checks the invariants; returns false when the file was refused as a whole. */
async function check(source: SourceName, bytes: Uint8Array): Promise<boolean> {
  const c = ctx('fuzz.txt', { stats: emptyParseStats() });
  let rows: RowResult[];
  try {
    rows = await collect(parseBytes(bytes, getConnector(source), c));
  } catch (e) {
    if (e instanceof FileFormatError) return false;
    throw e;
  }
  const s = c.stats!;
  expect(s.records).toBe(rows.length);
  const recordLines = rows.reduce((n, r) => n + physicalLines(r.raw), 0);
  expect(s.headerLines + s.blankLines + recordLines).toBe(s.physicalLines);
  for (let i = 1; i < rows.length; i++) expect(rows[i].line).toBeGreaterThan(rows[i - 1].line);
  for (const r of rows) {
    if (r.ok) expect(r.record.sourceKey.length).toBeGreaterThan(0);
    else expect(r.errors.length).toBeGreaterThan(0);
    for (const i of r.ok ? r.warnings : [...r.errors, ...r.warnings]) {
      expect(typeof i.code).toBe('string');
      expect(i.line).toBe(r.line);
    }
  }
  return true;
}

const INTERESTING = [0x22, 0x3b, 0x2c, 0x7c, 0x09, 0xbb, 0x0a, 0x0d, 0x20, 0xc3, 0x91, 0x81, 0xff, 0x2f, 0x30, 0x39, 0x41, 0x00, 0x1a];
const byte = fc.oneof(fc.constantFrom(...INTERESTING), fc.integer({ min: 0, max: 255 }));
const mutation = fc.record({ at: fc.nat(), kind: fc.constantFrom('insert', 'delete', 'replace'), byte, run: fc.integer({ min: 1, max: 4 }) });

function mutate(base: Uint8Array, ops: { at: number; kind: string; byte: number; run: number }[]): Uint8Array {
  const b = Array.from(base);
  for (const op of ops) {
    const at = b.length ? op.at % (b.length + 1) : 0;
    if (op.kind === 'insert') b.splice(at, 0, ...new Array(op.run).fill(op.byte));
    else if (op.kind === 'delete') b.splice(at, op.run);
    else for (let k = 0; k < op.run && at + k < b.length; k++) b[at + k] = op.byte;
  }
  return Uint8Array.from(b);
}

describe.each(SOURCE_NAMES)('%s parser under fuzzing', async (source) => {
  const { bytes: valid } = await generateBytes({ source, rows: 25, seed: 99 });

  it('the valid base file parses with every line accounted for', async () => {
    expect(await check(source, valid)).toBe(true);
  });

  it('random bytes: only FileFormatError, lines accounted for', async () => {
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 3000 }), async (bytes) => {
        await check(source, bytes);
      }),
      { numRuns: RUNS },
    );
  });

  it('random text lines built from the layout’s own characters', async () => {
    const chars = fc.constantFrom('A', 'Ñ', '1', '0', '/', ';', ',', '|', '»', '"', '\t', ' ', '\n', '\r\n', '\r', '-', '.', 'Ã', '‘');
    await fc.assert(
      fc.asyncProperty(fc.array(chars, { maxLength: 1500 }), fc.boolean(), async (parts, latin) => {
        const text = parts.join('');
        await check(source, latin ? Buffer.from(text, 'latin1') : Buffer.from(text, 'utf8'));
      }),
      { numRuns: RUNS },
    );
  });

  it('mutated valid files: only FileFormatError, lines accounted for', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(mutation, { minLength: 1, maxLength: 12 }), async (ops) => {
        await check(source, mutate(valid, ops));
      }),
      { numRuns: RUNS },
    );
  });

  it('truncated files: only FileFormatError, lines accounted for', async () => {
    await fc.assert(
      fc.asyncProperty(fc.nat({ max: valid.length }), async (cut) => {
        await check(source, valid.subarray(0, cut));
      }),
      { numRuns: RUNS },
    );
  });
});
