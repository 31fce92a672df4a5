/**
 * Parse on every core (src/imports/parallelParse.ts): worker threads parsing byte ranges give exactly
 * what one parser gives — every record with its line, text, result, row errors and byte range, the
 * known lines, the line accounting — whatever the cuts: quoted fields holding line breaks across a
 * cut, an unterminated quote, blank lines, rows with the wrong column count, CRLF, a UTF-8 BOM,
 * Windows-1252. Ranges here are a few hundred bytes, so nearly every kind of line meets a cut.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { emptyParseStats, getConnector, parseChunks, type DelimitedReading, type KnownLines, type ParseStats, type RowResult } from '../../../connectors';
import { fileChunks, inspectFile } from '../../../src/imports/registryFiles';
import { LineIndex } from '../../../src/imports/lineIndex';
import { lineDigest, lineSeed } from '../../../src/imports/knownLines';
import { knownShareOfHead, ParsePool, planRanges } from '../../../src/imports/parallelParse';
import { ACTIVE, SourceSnapshot } from '../../../src/imports/sourceSnapshot';
import { recordLines, type KnownRun } from '../../../src/imports/stageRows';
import { latin1, MUNICIPALITIES, TODAY, tempFile } from '../connectors/helpers';

const SAMPLE = new URL('../../../connectors/sisben/samples/sisben_iv_personas_muestra_con_errores.csv', import.meta.url);
const CONTEXT = 'test-context';

/** ~1,500 Sisbén lines from the sample's rows (unique persons), with the awkward lines spread through. */
function makeText(eol: string): string {
  const [header, ...rows] = readFileSync(SAMPLE, 'utf8')
    .split(/\r?\n/)
    .filter((l) => l !== '');
  const out = [header];
  for (let i = 0; i < 1500; i++) {
    const f = rows[i % rows.length].split(';');
    if (f[3].length === 12) f[3] = String(500010000000 + i);
    if (i % 97 === 5) f[8] = `"ANA${eol}MARÍA${eol}JOSÉ"`; // a quoted field over three lines
    if (i % 89 === 7) f[7] = '"DE;LA"'; // a quoted delimiter
    out.push(f.join(';'));
    if (i % 53 === 11) out.push('');
    if (i % 61 === 3) out.push('  ');
    if (i % 71 === 13) out.push('05;05001;1;9;1'); // wrong column count
    if (i === 700) out.push(`05;05001;1;500010000999;1;1;"NEVER;CLOSED;X;Y;1;3;123;01/01/1990;1;A3;31/12/2024`); // unterminated quote
  }
  return out.join(eol) + eol;
}

type Item = { known: number; at: number } | { line: number; raw: string; result: RowResult; offset: number; length: number };

/** One parser over the whole file; `lookup` (given the line digests' seed) names a known line's snapshot entry, or -1. */
async function sequential(path: string, lookup?: (seed: string, raw: string) => number): Promise<{ items: Item[]; stats: ParseStats; reading: string }> {
  const info = await inspectFile(path);
  const index = new LineIndex();
  const stats = emptyParseStats();
  const items: Item[] = [];
  let reading = '';
  let seed = '';
  const knownLines: KnownLines = {
    begin: (r) => void (seed = lineSeed(r, CONTEXT)),
    known: (raw, line) => {
      const at = lookup ? lookup(seed, raw) : -1;
      if (at < 0) return false;
      index.pass(line);
      items.push({ known: line, at });
      return true;
    },
  };
  const ctx = {
    fileName: 'personas.csv',
    today: TODAY,
    municipalities: MUNICIPALITIES,
    stats,
    knownLines,
    onReading: (r: DelimitedReading) => void (reading = r.text),
  };
  for await (const r of parseChunks(index.tee(fileChunks(path)), getConnector('sisben'), ctx, { encoding: info.encoding })) {
    const at = index.range(r.line, recordLines(r.raw));
    items.push({ line: r.line, raw: r.raw, result: r, offset: at.offset, length: at.length });
  }
  return { items, stats, reading };
}

async function parallel(path: string, rangeBytes: number, snapshot: SourceSnapshot | null): Promise<{ items: Item[]; stats: ParseStats }> {
  const info = await inspectFile(path);
  const pool = await ParsePool.start(2);
  const p = await pool.parse(
    {
      path,
      size: info.bytes,
      encoding: info.encoding,
      source: 'sisben',
      fileName: 'personas.csv',
      today: TODAY,
      municipalities: [...MUNICIPALITIES],
      context: CONTEXT,
      lines: snapshot ? snapshot.shareLines() : null,
    },
    { rangeBytes },
    () => undefined,
  );
  expect(p).not.toBeNull();
  const items: Item[] = [];
  for await (const r of p!.rows) {
    if ((r as KnownRun).known) {
      const pairs = (r as KnownRun).pairs;
      for (let i = 0; i < pairs.length; i += 2) items.push({ known: pairs[i], at: pairs[i + 1] });
      continue;
    }
    const row = r as RowResult;
    const at = p!.ranges.range(row.line, recordLines(row.raw));
    items.push({ line: row.line, raw: row.raw, result: row, offset: at.offset, length: at.length });
  }
  return { items, stats: p!.stats };
}

describe('parallel parse: worker threads over byte ranges', () => {
  const variants: [string, () => Uint8Array | string][] = [
    ['UTF-8, LF', () => makeText('\n')],
    ['UTF-8 with BOM, CRLF', () => '\uFEFF' + makeText('\r\n')],
    ['Windows-1252, CRLF', () => latin1(makeText('\r\n'))],
  ];

  for (const [name, bytes] of variants) {
    it(`gives what one parser gives, byte ranges and line accounting included (${name})`, async () => {
      const path = tempFile(bytes(), 'personas.csv');
      const one = await sequential(path);
      const file = readFileSync(path);
      // Some records span lines, some rows are rejected: the file exercises the cuts.
      expect(one.items.some((i) => 'raw' in i && i.raw.includes('\n'))).toBe(true);
      expect(one.items.some((i) => 'result' in i && !i.result.ok)).toBe(true);
      expect(one.items.filter((i) => 'result' in i && i.result.ok).length).toBeGreaterThan(500);
      // 1 MiB: the whole file in one range, read in one piece and decoded in 64 KiB pieces (parseWorker.ts).
      for (const rangeBytes of [300, 1024, 64 * 1024, 1 << 20]) {
        const many = await parallel(path, rangeBytes, null);
        expect(many.items).toEqual(one.items);
        expect(many.stats).toEqual(one.stats);
      }
      // The byte ranges are the records' bytes in the file.
      const enc = name.startsWith('Windows') ? 'latin1' : 'utf8';
      for (const i of one.items) if ('raw' in i) expect(file.subarray(i.offset, i.offset + i.length).toString(enc)).toBe(i.raw);
    });
  }

  it('recognises the same known lines as one parser, in the same order', async () => {
    const path = tempFile(makeText('\r\n'), 'personas.csv');
    const first = await sequential(path);
    const seed = lineSeed(first.reading, CONTEXT);
    const snapshot = new SourceSnapshot();
    let n = 0;
    for (const i of first.items) {
      if (!('result' in i) || !i.result.ok || i.raw.includes('\n') || n++ % 3 === 0) continue;
      snapshot.add(Buffer.from(i.result.record.sourceKey), null, ACTIVE, lineDigest(seed, i.raw));
    }
    expect(snapshot.size).toBeGreaterThan(500);
    const one = await sequential(path, (s, raw) => snapshot.findLine(lineDigest(s, raw)));
    expect(one.items.filter((i) => 'known' in i).length).toBe(snapshot.size);
    const many = await parallel(path, 300, snapshot);
    expect(many.items).toEqual(one.items);
    expect(many.stats).toEqual(one.stats);
  });

  it("measures the share of the head's lines the line digests know (a month's first nightly: none)", async () => {
    const path = tempFile(makeText('\n'), 'personas.csv');
    const first = await sequential(path);
    const seed = lineSeed(first.reading, CONTEXT);
    const info = await inspectFile(path);
    const init = (snapshot: SourceSnapshot | null, context: string | null = CONTEXT) => ({
      path,
      encoding: info.encoding,
      source: 'sisben' as const,
      fileName: 'personas.csv',
      today: TODAY,
      municipalities: [...MUNICIPALITIES],
      context,
      lines: snapshot ? snapshot.shareLines() : null,
    });
    // Every clean one-line row known, then one in three (keys every third row left out), then none (another seed).
    const build = (keep: (n: number) => boolean, s: string, flags = ACTIVE) => {
      const snap = new SourceSnapshot();
      let n = 0;
      for (const i of first.items) {
        if (!('result' in i) || !i.result.ok || i.raw.includes('\n')) continue;
        if (keep(n++)) snap.add(Buffer.from(i.result.record.sourceKey), null, flags, lineDigest(s, i.raw));
      }
      return snap;
    };
    const all = await knownShareOfHead(init(build(() => true, seed)), 200);
    // The sample's rejected rows (about a third of it) are never known.
    expect(all).toBeGreaterThan(0.6);
    expect(all).toBeLessThan(1);
    const third = await knownShareOfHead(init(build((n) => n % 3 === 0, seed)), 200);
    expect(Math.abs(third - all / 3)).toBeLessThan(0.05);
    expect(await knownShareOfHead(init(build(() => true, lineSeed(first.reading, 'last month'))), 200)).toBe(0);
    // Records this run wrote, or vanished ones, are parsed: not known.
    expect(await knownShareOfHead(init(build(() => true, seed, 0)), 200)).toBe(0);
    expect(await knownShareOfHead(init(build(() => true, seed)), 5000)).toBeGreaterThan(0.6); // a sample past the file's end
    expect(await knownShareOfHead(init(null))).toBe(0);
    expect(
      await knownShareOfHead(
        init(
          build(() => true, seed),
          null,
        ),
      ),
    ).toBe(0);
  });

  it('cuts ranges after a line feed, counting lines as the splitter does (CRLF, lone CR)', async () => {
    const text = 'h;a\r\n' + Array.from({ length: 400 }, (_, i) => `${i};x${i % 7 === 0 ? '\r' : '\r\n'}`).join('');
    const path = tempFile(text);
    const ranges = [];
    for await (const r of planRanges(path, Buffer.byteLength(text), 100)) ranges.push(r);
    expect(ranges.length).toBeGreaterThan(3);
    expect(ranges[0].start).toBe(0);
    const bytes = Buffer.from(text);
    for (let k = 1; k < ranges.length; k++) {
      expect(ranges[k].start).toBe(ranges[k - 1].end);
      expect(bytes[ranges[k].start - 1]).toBe(0x0a);
      expect(ranges[k].firstLine).toBe(ranges[k - 1].lastLine! + 1);
      // The physical lines before the cut, counted on the text.
      expect(
        bytes
          .subarray(0, ranges[k].start)
          .toString()
          .split(/\r\n|\n|\r/).length,
      ).toBe(ranges[k].firstLine);
    }
    expect(ranges.at(-1)!.lastLine).toBeNull();
  });
});
