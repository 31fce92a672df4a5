/**
 * Generated files with K injected faults: exactly K error rows, on the right lines with the right
 * codes and fields, and every other line ok (reliability promise 12).
 */
import { describe, expect, it } from 'vitest';
import { getConnector, type RowResult } from '../../../connectors';
import { parseFile, inspectFile } from '../../../src/imports';
import { PERSON_SOURCES as SOURCE_NAMES } from '../../../src/kernel';
import { parseBytes } from '../../../connectors/common/parseFile';
import { generateBytes, generateFile, type Expected } from '../../../src/synthetic';
import { collect, ctx, tempFile } from './helpers';

const ALL_FAULTS = 'bad-date:4,future-date:2,unknown-municipality:3,wrong-columns:2,undecodable:2,missing-name:3,bad-document:2,duplicate-line:3,mojibake:2';

function compare(rows: RowResult[], expected: Expected) {
  const got = rows.flatMap((r) => (r.ok ? [] : r.errors.map((e) => `${e.line}:${e.code}:${e.field}`)));
  const want = expected.errors.map((e) => `${e.line}:${e.code}:${e.field}`);
  expect(got).toEqual(want);
  expect(rows.filter((r) => !r.ok)).toHaveLength(expected.errorRows);
  expect(rows.filter((r) => r.ok)).toHaveLength(expected.okRows);
  expect(rows).toHaveLength(expected.dataLines);
  // Line numbers are physical, strictly increasing, and cover every data line.
  const first = expected.header ? 2 : 1;
  expect(rows.map((r) => r.line)).toEqual(Array.from({ length: expected.dataLines }, (_, i) => i + first));
  for (const { line, field, value } of expected.repaired) {
    const r = rows.find((x) => x.line === line)!;
    expect(r.ok).toBe(true);
    if (r.ok) expect(r.record.identity.firstSurname, `line ${line} ${field}`).toBe(value);
  }
  for (const { line, of } of expected.duplicates) {
    const a = rows.find((x) => x.line === line)!;
    const b = rows.find((x) => x.line === of)!;
    expect(a.ok && b.ok && a.record.sourceKey === b.record.sourceKey).toBe(true);
  }
}

describe.each(SOURCE_NAMES)('%s generated file with injected faults', (source) => {
  it('yields exactly the injected error rows and nothing else', async () => {
    const faults = ALL_FAULTS + (source === 'sisben' ? ',invalid-subgroup:3' : '');
    const { bytes, expected } = await generateBytes({ source, rows: 2500, seed: 42, faults });
    expect(expected.errorRows).toBe(4 + 2 + 3 + 2 + 2 + 3 + 2 + (source === 'sisben' ? 3 : 0));
    const rows = await collect(parseBytes(bytes, getConnector(source), ctx(expected.fileName)));
    compare(rows, expected);
    // Clean rows carry no warnings: the generator's people are consistent (document by age, roles).
    const warned = rows.filter((r) => r.ok && r.warnings.length);
    expect(warned).toEqual([]);
  });

  it('streams from disk with the encoding inspectFile decides', async () => {
    const out = tempFile('', `${source}.txt`);
    const expected = await generateFile({ source, rows: 800, seed: 7, faults: 'bad-date:3,unknown-municipality:2', out });
    const info = await inspectFile(out);
    expect(info.encoding).toBe(expected.encoding);
    const c = ctx(expected.fileName);
    const rows = await collect(parseFile(out, getConnector(source), c, { encoding: info.encoding }));
    compare(rows, expected);
    expect(c.stats).toEqual({ physicalLines: expected.physicalLines, headerLines: expected.header ? 1 : 0, blankLines: 0, records: expected.dataLines });
  });
});

describe('encoding and line-ending variants', () => {
  it('a UTF-8 file with one undefined byte is read as Windows-1252 and every other name repaired', async () => {
    const { bytes, expected } = await generateBytes({ source: 'sisben', rows: 1500, seed: 9, faults: 'undecodable:1' });
    const info = await inspectFile(tempFile(bytes));
    expect(info.encoding).toBe('windows-1252');
    const clean = await generateBytes({ source: 'sisben', rows: 1500, seed: 9 });
    const rows = await collect(parseBytes(bytes, getConnector('sisben'), ctx(), info.encoding));
    const reference = await collect(parseBytes(clean.bytes, getConnector('sisben'), ctx()));
    compare(rows, expected);
    const bad = expected.errors[0].line;
    for (let i = 0; i < rows.length; i++) {
      if (rows[i].line === bad) continue;
      const a = rows[i];
      const b = reference[i];
      expect(a.ok && b.ok && a.record.identity).toEqual(b.ok && b.record.identity);
    }
  });

  it.each(['crlf', 'lf', 'cr'] as const)('%s line endings and a BOM give the same records', async (eol) => {
    const { bytes, expected } = await generateBytes({ source: 'sisben', rows: 300, seed: 5, eol, bom: true, faults: 'bad-date:2' });
    const rows = await collect(parseBytes(bytes, getConnector('sisben'), ctx()));
    compare(rows, expected);
  });

  it('is deterministic by seed', async () => {
    const a = await generateBytes({ source: 'ruv', rows: 200, seed: 3, faults: 'bad-date:2' });
    const b = await generateBytes({ source: 'ruv', rows: 200, seed: 3, faults: 'bad-date:2' });
    const c = await generateBytes({ source: 'ruv', rows: 200, seed: 4, faults: 'bad-date:2' });
    expect(a.bytes.equals(b.bytes)).toBe(true);
    expect(a.bytes.equals(c.bytes)).toBe(false);
  });
});

describe('changed extracts (snapshot diff input)', () => {
  it.each(SOURCE_NAMES)('%s: added, changed and removed keys are exactly as declared', async (source) => {
    const base = await generateBytes({ source, rows: 600, seed: 21 });
    const next = await generateBytes({ source, rows: 600, seed: 21, changes: { added: 15, changed: 12, removed: 9 } });
    const keyed = async (bytes: Buffer) => {
      const m = new Map<string, string>();
      for (const r of await collect(parseBytes(bytes, getConnector(source), ctx(base.expected.fileName)))) {
        expect(r.ok).toBe(true);
        if (r.ok) m.set(r.record.sourceKey, JSON.stringify(r.record));
      }
      return m;
    };
    const a = await keyed(base.bytes);
    const b = await keyed(next.bytes);
    expect(a.size).toBe(600);
    const added = [...b.keys()].filter((k) => !a.has(k));
    const removed = [...a.keys()].filter((k) => !b.has(k));
    const changed = [...b.keys()].filter((k) => a.has(k) && a.get(k) !== b.get(k));
    const c = next.expected.changes!;
    expect(added.sort()).toEqual([...c.added].sort());
    expect(removed.sort()).toEqual([...c.removed].sort());
    expect(changed.sort()).toEqual([...c.changed].sort());
    expect([c.added.length, c.changed.length, c.removed.length]).toEqual([15, 12, 9]);
  });
});
