import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { RecordSplitter } from '../../../connectors/common/reader';
import { LineIndex } from '../../../src/imports/lineIndex';

/** Every record the splitter finds in `bytes`, with the bytes the index says it occupies, decoded. */
function check(bytes: Buffer, chunkSizes: number[]) {
  const text = new TextDecoder('utf-8').decode(bytes).replace(/^\uFEFF/, '');
  const splitter = new RecordSplitter({ delimiter: ';' });
  splitter.feed(text);
  const index = new LineIndex();
  let at = 0;
  for (let k = 0; at < bytes.length; k++) {
    const size = chunkSizes[k % chunkSizes.length];
    index.feed(bytes.subarray(at, at + size));
    at += size;
  }
  index.end();
  const got: { raw: string; fromBytes: string }[] = [];
  for (let r = splitter.next(true); r !== null; r = splitter.next(true)) {
    const { offset, length } = index.range(r.line, r.lines);
    got.push({ raw: r.raw, fromBytes: bytes.subarray(offset, offset + length).toString('utf8') });
  }
  return got;
}

describe('LineIndex: where each record is in the bytes', () => {
  const file = Buffer.from(
    '\uFEFFa;b;c\r\n' + // BOM, CRLF
      'ÁÉÍ;ñ;1\n' + // multi-byte, LF
      '\n  \r\n' + // blank lines
      'x;"two\r\nlines";3\r' + // a quoted field with a line break, then a lone CR
      'last;ü;9', // no final line break
    'utf8',
  );

  it('gives back each record exactly, whatever the chunking (CR/LF split across chunks included)', () => {
    for (const sizes of [[file.length], [1], [2], [3], [5, 7], [13]]) {
      const got = check(file, sizes);
      expect(got.map((g) => g.raw)).toEqual(['a;b;c', 'ÁÉÍ;ñ;1', 'x;"two\r\nlines";3', 'last;ü;9']);
      for (const g of got) expect(g.fromBytes).toBe(g.raw);
    }
  });

  it('property: any lines, any line breaks, any chunking', () => {
    const lineArb = fc.array(fc.constantFrom('a', 'b', 'ñ', '€', ' ', ';', '1'), { maxLength: 8 }).map((cs) => cs.join(''));
    const breakArb = fc.constantFrom('\n', '\r\n', '\r');
    fc.assert(
      fc.property(
        fc.array(fc.tuple(lineArb, breakArb), { minLength: 1, maxLength: 12 }),
        fc.boolean(),
        fc.array(fc.integer({ min: 1, max: 9 }), { minLength: 1, maxLength: 4 }),
        (lines, finalBreak, sizes) => {
          let text = lines.map(([l, b]) => l + b).join('');
          if (!finalBreak) text = text.replace(/(\r\n|\n|\r)$/, '');
          const got = check(Buffer.from(text, 'utf8'), sizes);
          for (const g of got) expect(g.fromBytes).toBe(g.raw);
        },
      ),
      { numRuns: 300, seed: 42 },
    );
  });

  it('pass drops the lines before a record without asking their range; later ranges stay exact', () => {
    const lines = Array.from({ length: 200_000 }, (_, i) => `row ${i}`);
    const bytes = Buffer.from(lines.join('\r\n') + '\r\n');
    const index = new LineIndex();
    index.feed(bytes);
    index.end();
    let offset = 0;
    const offsets = lines.map((l) => {
      const o = offset;
      offset += l.length + 2;
      return o;
    });
    for (let line = 1; line <= lines.length; line++) {
      if (line % 1000 === 0) expect(index.range(line, 1)).toEqual({ offset: offsets[line - 1], length: lines[line - 1].length });
      else index.pass(line);
    }
  });
});
