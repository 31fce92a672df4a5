/**
 * Delta staging's two pure parts: the digest of a record computed without its staged line must be
 * the one stagedLine writes (or every row of a nightly file would look changed, or worse, a changed
 * one unchanged), and the compact key → digest map read from a binary COPY must find exactly the
 * keys it was given, however the stream is cut into chunks.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { NormalizedRecord } from '../../../connectors/types';
import { ACTIVE, LOADED, OWN, POSSIBLE, REJECTED, SourceSnapshot } from '../../../src/imports/sourceSnapshot';
import { lineDigest } from '../../../src/imports/knownLines';
import { KeyFilter, NIGHTLY_FILTER_LOG2_BITS, normalizedValues, recordDigest, stagedLine } from '../../../src/imports/stageRows';
import before0026 from './fixtures/staged-before-0026.json';
import { copyText } from '../../../src/platform/db/copyText';

const text = fc.oneof(fc.string(), fc.constantFrom('a\tb', 'c\\d', '"q"', 'ñandú', 'x\ny', '\u0001'), fc.constant('plain'));
const maybe = <T>(a: fc.Arbitrary<T>) => fc.option(a, { nil: null });

const recordArb: fc.Arbitrary<NormalizedRecord> = fc.record(
  {
    sourceKey: text,
    identity: fc.record({
      docType: maybe(fc.constantFrom('CC', 'TI')),
      docNumber: maybe(text),
      firstName: maybe(text),
      secondName: maybe(text),
      firstSurname: maybe(text),
      secondSurname: maybe(text),
      birthDate: maybe(fc.constantFrom('1990-01-02', '2001-12-31')),
      sex: maybe(fc.constantFrom('F', 'M')),
    }),
    municipalityCode: maybe(fc.constantFrom('05001', '11001')),
    household: fc.record({
      key: text,
      municipalityCode: maybe(fc.constant('05001')),
      zone: maybe(fc.constant('urbana')),
      ficha: maybe(text),
      role: maybe(fc.integer({ min: 1, max: 9 })),
      order: maybe(fc.integer({ min: 1, max: 20 })),
    }),
    extra: fc.dictionary(text, maybe(text)),
  },
  { requiredKeys: ['sourceKey', 'identity', 'municipalityCode'] },
) as unknown as fc.Arbitrary<NormalizedRecord>;

/** The digest field of a staged COPY line (`\\x` + 32 hex digits, fifth column). */
const stagedDigest = (line: string) => line.split('\t')[4].replace(/^\\\\x/, '');

describe('recordDigest', () => {
  it('is the content digest stagedLine writes, for any record', () => {
    fc.assert(
      fc.property(recordArb, (r) => {
        expect(recordDigest(r)).toBe(stagedDigest(stagedLine(0, 1, 1, { offset: 0, length: 1 }, r)));
      }),
      { numRuns: 500 },
    );
  });

  it('differs when any value differs', () => {
    const r = { sourceKey: 'k', identity: { firstName: 'Ana' }, municipalityCode: '05001', extra: { a: 'b' } } as unknown as NormalizedRecord;
    const d = recordDigest(r);
    expect(recordDigest({ ...r, identity: { firstName: 'Ana ' } } as unknown as NormalizedRecord)).not.toBe(d);
    expect(recordDigest({ ...r, extra: { a: 'c' } })).not.toBe(d);
    expect(recordDigest({ ...r, municipalityCode: null })).not.toBe(d);
  });
});

/**
 * Records and the staged lines main wrote for them before 0026 (fast-check sample, seed 20261203, of
 * records with every part, special characters, null and unset values, extras): produced by the
 * stagedLine of e05c4e4, whose ninth column was the record's normalized JSON for source_records.
 */
const BEFORE = before0026 as unknown as { record: NormalizedRecord; line: string; normalized: unknown }[];

describe('staged lines without the normalized JSON (issue 15, 0026)', () => {
  it('are the lines staged before, but for the dropped JSON column: same key, digest, place and typed columns', () => {
    expect(BEFORE.length).toBe(40);
    for (const b of BEFORE) {
      const old = b.line.slice(0, -1).split('\t');
      old[8] = '\\N';
      expect(stagedLine(7, 3, 1, { offset: 11, length: 42 }, b.record, 'ab'.repeat(16))).toBe(old.join('\t') + '\n');
      // A record staged before keeps its digest: a nightly after the upgrade finds it unchanged.
      expect(recordDigest(b.record)).toBe(stagedDigest(b.line));
    }
  });

  it('normalizedValues gives back the JSON source_records.normalized held, value for value', () => {
    for (const b of BEFORE) expect(normalizedValues(b.record)).toStrictEqual(b.normalized);
  });
});

/** A binary COPY stream of (key text, digest bytea, flags int2) rows, with the fingerprint row first. */
function binaryCopy(rows: { key: string; digest: Buffer | null; flags: number }[], fingerprint: string): Buffer {
  const parts: Buffer[] = [Buffer.from('PGCOPY\n\xff\r\n\0', 'latin1'), Buffer.alloc(8)];
  const field = (b: Buffer | null) => {
    const len = Buffer.alloc(4);
    len.writeInt32BE(b ? b.length : -1);
    parts.push(len);
    if (b) parts.push(b);
  };
  const row = (key: Buffer | null, digest: Buffer | null, flags: number) => {
    const n = Buffer.alloc(2);
    n.writeInt16BE(3);
    parts.push(n);
    field(key);
    field(digest);
    const f = Buffer.alloc(2);
    f.writeInt16BE(flags);
    field(f);
  };
  row(null, Buffer.from(fingerprint), 0);
  for (const r of rows) row(Buffer.from(r.key, 'utf8'), r.digest, r.flags);
  const end = Buffer.alloc(2);
  end.writeInt16BE(-1);
  parts.push(end);
  return Buffer.concat(parts);
}

async function* chunked(b: Buffer, cuts: number[]) {
  let at = 0;
  for (const c of [...new Set(cuts.map((x) => Math.floor(x * b.length)))].sort((x, y) => x - y)) {
    yield b.subarray(at, c);
    at = c;
  }
  yield b.subarray(at);
}

describe('SourceSnapshot', () => {
  it('finds exactly the keys of the COPY stream, however it is chunked', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.uniqueArray(fc.oneof(fc.string({ minLength: 1 }), fc.constantFrom('ñ-1', 'Ω', '12-3-4')), { maxLength: 3000 }),
        fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { maxLength: 20 }),
        async (keys, cuts) => {
          const digest = (k: string) => Buffer.from(recordDigest({ sourceKey: k, identity: {}, municipalityCode: k } as unknown as NormalizedRecord), 'hex');
          const rows = keys.map((key, i) => ({ key, digest: digest(key), flags: i % 3 === 0 ? 0 : ACTIVE }));
          const snap = await SourceSnapshot.fromBinaryCopy(chunked(binaryCopy(rows, '7/2'), cuts));
          expect(snap.size).toBe(keys.length);
          expect(snap.fingerprint).toBe('7/2');
          keys.forEach((k, i) => {
            const at = snap.find(k);
            expect(at).toBeGreaterThanOrEqual(0);
            expect(snap.key(at)).toBe(k);
            expect(snap.sameDigest(at, digest(k).toString('hex'))).toBe(true);
            expect(snap.unchanged(at, digest(k).toString('hex'))).toBe(i % 3 !== 0);
          });
          expect(snap.find('\u0000not a key')).toBe(-1);
        },
      ),
      { numRuns: 40 },
    );
  });

  it('counts absent, kept-rejected and possible-only records, and lists the absent keys', async () => {
    const d = Buffer.alloc(16, 7);
    const keys = ['loaded', 'rejected', 'possible', 'absent\tkey', 'vanished', 'loaded+rejected', 'rejected+possible', 'own'];
    const snap = await SourceSnapshot.fromBinaryCopy(
      chunked(
        binaryCopy(
          keys.map((key) => ({ key, digest: key === 'own' ? null : d, flags: key === 'vanished' ? 0 : key === 'own' ? ACTIVE | OWN : ACTIVE })),
          '',
        ),
        [0.5],
      ),
    );
    // A record this run already wrote, or one without a digest, is never unchanged.
    expect(snap.unchanged(snap.find('own'), d.toString('hex'))).toBe(false);
    expect(snap.unchanged(snap.find('loaded'), d.toString('hex'))).toBe(true);
    expect(snap.unchanged(snap.find('vanished'), d.toString('hex'))).toBe(false);
    const mark = (k: string, f: number) => snap.mark(snap.find(k), f);
    const load = (k: string, line: number) => snap.load(snap.find(k), line);
    load('loaded', 7);
    mark('rejected', REJECTED);
    mark('possible', POSSIBLE);
    load('loaded+rejected', 2 ** 32 - 1);
    mark('loaded+rejected', REJECTED);
    mark('rejected+possible', REJECTED);
    mark('rejected+possible', POSSIBLE);
    load('own', 70000);
    expect(() => mark('possible', LOADED)).toThrow();
    expect(snap.tally()).toEqual({ absent: 1, keptRejected: 2, possibleHeld: 1 });
    expect([...snap.absentKeys(copyText)].join('')).toBe('absent\\tkey\n');
    // Loaded: the line of the row that loaded it is kept, and its digest is not compared again.
    expect(snap.flags(snap.find('loaded')) & LOADED).toBe(LOADED);
    expect(snap.firstLine(snap.find('loaded'))).toBe(7);
    expect(snap.firstLine(snap.find('loaded+rejected'))).toBe(2 ** 32 - 1);
    expect(snap.firstLine(snap.find('own'))).toBe(70000);
    expect(snap.unchanged(snap.find('loaded'), d.toString('hex'))).toBe(false);
    // The other records' digests are untouched by the lines written into the loaded ones'.
    expect(snap.sameDigest(snap.find('rejected'), d.toString('hex'))).toBe(true);
    expect(snap.sameDigest(snap.find('possible'), d.toString('hex'))).toBe(true);
  });

  it('stores keys of digits and separators packed, and finds exactly the keys it holds (forced collisions included)', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(
          fc.oneof(
            fc.stringMatching(/^[0-9]{1,12}(-[0-9]{1,3}){0,2}$/),
            fc.stringMatching(/^[0-9:|._-]{0,9}$/),
            fc.constantFrom('', '-', '1', '12', '123', '0', '00', 'CC:123:EPS', 'ñ1', '1ñ', '1\u0000', '1 2', 'a', '1-2-3'),
            fc.string({ maxLength: 6 }),
          ),
          { maxLength: 300 },
        ),
        fc.array(fc.oneof(fc.string({ maxLength: 6 }), fc.stringMatching(/^[0-9:|._-]{0,9}$/)), { maxLength: 100 }),
        (keys, others) => {
          const snap = new SourceSnapshot();
          const digestOf = (i: number) => Buffer.alloc(16, i % 256);
          keys.forEach((k, i) => snap.add(Buffer.from(k, 'utf8'), digestOf(i), ACTIVE));
          keys.forEach((k, i) => {
            expect(snap.find(k)).toBe(i);
            expect(snap.key(i)).toBe(k);
            expect(snap.sameDigest(i, digestOf(i).toString('hex'))).toBe(true);
          });
          const held = new Set(keys);
          for (const o of others) if (!held.has(o)) expect(snap.find(o)).toBe(-1);
          // Keys that differ only in where a symbol ends (a pad nibble, a key's own length) stay apart.
          for (const k of keys) {
            if (!held.has(`${k}0`)) expect(snap.find(`${k}0`)).toBe(-1);
            if (k.length > 1 && !held.has(k.slice(0, -1))) expect(snap.find(k.slice(0, -1))).toBe(-1);
          }
        },
      ),
      { numRuns: 200 },
    );
  });

  it('compares keys byte for byte when every key has the same hash', () => {
    // A hash that sends every key to one slot chain: each lookup walks every entry and must still
    // tell keys apart by their bytes and form (packed or not), never by the hash.
    const snap = new SourceSnapshot({ hash: () => 1 });
    const keys = ['123', '1230', '12', '1-2', '1:2', '', 'CC:1', 'ñ', '\u0012\u003f', 'a', 'ab', '00', '0'];
    keys.forEach((k, i) => snap.add(Buffer.from(k, 'utf8'), Buffer.alloc(16, i), i % 2 ? ACTIVE : 0));
    keys.forEach((k, i) => {
      expect(snap.find(k)).toBe(i);
      expect(snap.key(i)).toBe(k);
    });
    for (const k of ['1', '124', '12300', 'b', 'CC:2', '1|2', '000', ' ', '\u0012!']) expect(snap.find(k)).toBe(-1);
    // And past a growth of the key table (rehashed with the same hash).
    for (let i = 0; i < 3000; i++) snap.add(Buffer.from(`${i}-x`), null, ACTIVE);
    for (let i = 0; i < 3000; i += 97) expect(snap.key(snap.find(`${i}-x`))).toBe(`${i}-x`);
    keys.forEach((k, i) => expect(snap.find(k)).toBe(i));
    expect(snap.find('3000-x')).toBe(-1);
  });

  it('finds a record by the digest of its line, past growth of both tables, and only records that have one', () => {
    const snap = new SourceSnapshot();
    const d = Buffer.alloc(16, 7);
    const lineOf = (i: number) => lineDigest('seed\u0000', `line ${i}`);
    for (let i = 0; i < 5000; i++) snap.add(Buffer.from(`k${i}`), d, ACTIVE, i % 3 === 0 ? null : lineOf(i));
    expect(snap.hasLines).toBe(true);
    for (let i = 0; i < 5000; i++) expect(snap.findLine(lineOf(i))).toBe(i % 3 === 0 ? -1 : i);
    expect(snap.findLine(lineDigest('other seed\u0000', 'line 1'))).toBe(-1);
    expect(new SourceSnapshot().hasLines).toBe(false);
  });

  it('reads the line digest column of the binary COPY', async () => {
    const line = lineDigest('s', 'a;b;c');
    const field = (b: Buffer | null) => {
      const len = Buffer.alloc(4);
      len.writeInt32BE(b ? b.length : -1);
      return b ? Buffer.concat([len, b]) : len;
    };
    const flags = Buffer.alloc(2);
    flags.writeInt16BE(ACTIVE);
    const row = (key: string, l: Buffer | null) => {
      const n = Buffer.alloc(2);
      n.writeInt16BE(4);
      return Buffer.concat([n, field(Buffer.from(key)), field(Buffer.alloc(16, 1)), field(flags), field(l)]);
    };
    const header = Buffer.concat([Buffer.from('PGCOPY\n\xff\r\n\0', 'latin1'), Buffer.alloc(8)]);
    const trailer = Buffer.from([0xff, 0xff]);
    const bytes = Buffer.concat([header, row('with', line), row('without', null), trailer]);
    async function* chunks() {
      for (let i = 0; i < bytes.length; i += 5) yield bytes.subarray(i, i + 5);
    }
    const snap = await SourceSnapshot.fromBinaryCopy(chunks());
    expect(snap.size).toBe(2);
    expect(snap.findLine(line)).toBe(snap.find('with'));
    expect(snap.flags(snap.find('without')) & ACTIVE).toBe(ACTIVE);
  });

  it('is the same map whether the first row announces fewer, as many or more records than come, or none', async () => {
    const field = (b: Buffer | null) => {
      const len = Buffer.alloc(4);
      len.writeInt32BE(b ? b.length : -1);
      return b ? Buffer.concat([len, b]) : len;
    };
    const int2 = (v: number) => {
      const b = Buffer.alloc(2);
      b.writeInt16BE(v);
      return b;
    };
    const row = (key: Buffer | null, digest: Buffer | null, flags: number, l: Buffer | null) =>
      Buffer.concat([int2(4), field(key), field(digest), field(int2(flags)), field(l)]);
    const n = 6000; // past 4096 keys: the key arena is sized from the first ones
    const digest = (i: number) => Buffer.alloc(16, i % 251);
    const lineOf = (i: number) => lineDigest('seed\u0000', `line ${i}`);
    const bytes = (announced: string | null) =>
      Buffer.concat([
        Buffer.from('PGCOPY\n\xff\r\n\0', 'latin1'),
        Buffer.alloc(8),
        row(null, Buffer.from('3/1'), 0, announced === null ? null : Buffer.from(announced)),
        ...Array.from({ length: n }, (_, i) => row(Buffer.from(`key-${i}`), digest(i), i % 5 ? ACTIVE : 0, i % 7 ? lineOf(i) : null)),
        Buffer.from([0xff, 0xff]),
      ]);
    for (const announced of [null, '0', '5000', String(n), String(3 * n), 'x']) {
      const b = bytes(announced);
      const snap = await SourceSnapshot.fromBinaryCopy(chunked(b, [0.1, 0.37, 0.5, 0.9]));
      expect(snap.size).toBe(n);
      expect(snap.fingerprint).toBe('3/1');
      for (let i = 0; i < n; i++) {
        const at = snap.find(`key-${i}`);
        expect(at).toBe(i);
        expect(snap.key(at)).toBe(`key-${i}`);
        expect(snap.unchanged(at, digest(i).toString('hex'))).toBe(i % 5 !== 0);
        expect(snap.findLine(lineOf(i))).toBe(i % 7 ? i : -1);
      }
      expect(snap.find('key-6000')).toBe(-1);
      expect(snap.findLine(lineOf(n))).toBe(-1);
      expect(snap.shareLines().count).toBe(n - Math.ceil(n / 7));
    }
  });
});

describe('KeyFilter at the nightly size', () => {
  it('suspects every repeated key, and few others among a million distinct ones', () => {
    const f = new KeyFilter(NIGHTLY_FILTER_LOG2_BITS);
    const n = 1_000_000;
    for (let i = 0; i < n; i++) f.add(`${100000000000 + i}-${i % 7}-${i % 3}`);
    for (let i = 0; i < n; i += 10_007) f.add(`${100000000000 + i}-${i % 7}-${i % 3}`);
    const suspects = f.candidates()!;
    for (let i = 0; i < n; i += 10_007) expect(suspects).toContain(`${100000000000 + i}-${i % 7}-${i % 3}`);
    // 100 repeats; the rest are false suspects (expected ~160 at 2^25 bits and four probes).
    expect(suspects.length).toBeLessThan(100 + 1_000);
  });
});
