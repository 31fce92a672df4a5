import crypto from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { lineDigest, lineDigestHex, lineDigestInto } from '../../../src/imports/knownLines';

const reference = (a: string, b: string) =>
  crypto
    .createHash('sha1')
    .update(a + b, 'utf8')
    .digest()
    .subarray(0, 16);

describe('lineDigestInto', () => {
  it('is node:crypto SHA-1 on any text: ASCII, non-ASCII, lone surrogates, every padding length', () => {
    const out = new Uint8Array(16);
    fc.assert(
      fc.property(fc.string({ maxLength: 40 }), fc.string({ unit: 'binary', maxLength: 400 }), (a, b) => {
        expect(Buffer.from(lineDigestInto(a, b, out))).toEqual(reference(a, b));
      }),
      { numRuns: 2000 },
    );
    // Lengths around the 55/56/64-byte padding boundaries, a long line (the scratch grows), lone surrogates.
    for (let n = 0; n < 200; n++) expect(Buffer.from(lineDigestInto('seed:', 'x'.repeat(n), out))).toEqual(reference('seed:', 'x'.repeat(n)));
    expect(Buffer.from(lineDigestInto('', 'é'.repeat(70_000), out))).toEqual(reference('', 'é'.repeat(70_000)));
    expect(Buffer.from(lineDigestInto('s:', 'a\ud800b', out))).toEqual(reference('s:', 'a\ud800b'));
    expect(Buffer.from(lineDigestInto('s:\ud800', '\udc00b', out))).toEqual(reference('s:\ud800', '\udc00b'));
  });

  it('gives the line digests stored with the records (lineDigest)', () => {
    const out = new Uint8Array(16);
    for (const raw of ['1;2;3', 'JOSÉ;NUÑEZ;05001', '']) {
      expect(Buffer.from(lineDigestInto('0123456789abcdef:', raw, out))).toEqual(lineDigest('0123456789abcdef:', raw).subarray(0, 16));
    }
  });

  it('lineDigestHex is the same digest in hex (what a parsed row is staged with), lone surrogates included', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 40 }), fc.string({ unit: 'binary', maxLength: 400 }), (a, b) => {
        expect(lineDigestHex(a, b)).toBe(reference(a, b).toString('hex'));
        expect(lineDigestHex(a, b)).toBe(lineDigest(a, b).toString('hex', 0, 16));
      }),
      { numRuns: 2000 },
    );
    expect(lineDigestHex('s:', 'a\ud800b')).toBe(reference('s:', 'a\ud800b').toString('hex'));
  });
});
