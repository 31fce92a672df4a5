import { describe, expect, it } from 'vitest';
import { RecordSplitter, splitLine, type RawRecord } from '../../../connectors/common/reader';
import { detectDelimiter } from '../../../connectors/common/delimited';

function split(text: string, delimiter = ';', chunk = 0): { recs: RawRecord[]; sp: RecordSplitter } {
  const sp = new RecordSplitter({ delimiter });
  const recs: RawRecord[] = [];
  if (chunk > 0) for (let i = 0; i < text.length; i += chunk) sp.push(text.slice(i, i + chunk), recs);
  else sp.push(text, recs);
  sp.end(recs);
  return { recs, sp };
}

const lines = (recs: RawRecord[]) => recs.map((r) => r.line);
const fields = (recs: RawRecord[]) => recs.map((r) => r.fields);

describe('RecordSplitter', () => {
  it.each([
    ['LF', 'a;b\nc;d\ne;f\n'],
    ['CRLF', 'a;b\r\nc;d\r\ne;f\r\n'],
    ['CR (old Mac)', 'a;b\rc;d\re;f\r'],
    ['no final line break', 'a;b\nc;d\ne;f'],
  ])('numbers physical lines with %s endings', (_n, text) => {
    const { recs, sp } = split(text);
    expect(fields(recs)).toEqual([
      ['a', 'b'],
      ['c', 'd'],
      ['e', 'f'],
    ]);
    expect(lines(recs)).toEqual([1, 2, 3]);
    expect(sp.counters.physicalLines).toBe(3);
  });

  it('handles quoted fields with the delimiter, escaped quotes and line breaks inside', () => {
    const text = 'h1;h2;h3\r\n"a;1";"say ""hi""";x\r\n"multi\r\nline\nfield";y;z\r\nlast;"";q\r\n';
    const { recs, sp } = split(text);
    expect(fields(recs)).toEqual([
      ['h1', 'h2', 'h3'],
      ['a;1', 'say "hi"', 'x'],
      ['multi\r\nline\nfield', 'y', 'z'],
      ['last', '', 'q'],
    ]);
    // The multi-line record is reported on its first line; the next record keeps its physical line.
    expect(lines(recs)).toEqual([1, 2, 3, 6]);
    expect(recs[2].lines).toBe(3);
    expect(recs[2].raw).toBe('"multi\r\nline\nfield";y;z');
    expect(sp.counters.physicalLines).toBe(6);
  });

  it('treats a quote inside an unquoted field as an ordinary character', () => {
    expect(fields(split('O"BRIEN;x\n').recs)).toEqual([['O"BRIEN', 'x']]);
  });

  it('splits on » (U+00BB) as RUV extracts do', () => {
    expect(fields(split('CC»123»PEÑA\n', '\u00bb').recs)).toEqual([['CC', '123', 'PEÑA']]);
  });

  it('skips and counts blank lines (spaces, tabs, Ctrl-Z)', () => {
    const { recs, sp } = split('a;b\n\n  \nc;d\n\x1a');
    expect(lines(recs)).toEqual([1, 4]);
    expect(sp.counters).toEqual({ physicalLines: 5, blankLines: 3 });
  });

  it('recovers from an unterminated quote: reports that line only and resumes on the next', () => {
    const { recs } = split('a;b\n"broken;c\nd;e\nf;g\n');
    expect(lines(recs)).toEqual([1, 2, 3, 4]);
    expect(recs[1].malformed).toBe('UNTERMINATED_QUOTE');
    expect(fields(recs.filter((r) => !r.malformed))).toEqual([
      ['a', 'b'],
      ['d', 'e'],
      ['f', 'g'],
    ]);
  });

  it('limits how far a quoted field may run (no unbounded buffering)', () => {
    const body = Array.from({ length: 100 }, (_, i) => `r${i};x`).join('\n');
    const { recs } = split(`"open;${body}\n`);
    expect(recs[0].malformed).toBe('UNTERMINATED_QUOTE');
    // The opening line holds r0; every following line is read normally.
    expect(recs).toHaveLength(100);
    expect(lines(recs)).toEqual(Array.from({ length: 100 }, (_, i) => i + 1));
    expect(recs[1].fields).toEqual(['r1', 'x']);
  });

  it('gives the same records whatever the chunk boundaries (CRLF split, quotes split)', () => {
    const text = 'a;"b\r\nc";d\r\ne;"f""g";h\r\n\r\ni;j;k\rl;m;n';
    const whole = split(text).recs;
    for (const chunk of [1, 2, 3, 5, 7]) {
      const parts = split(text, ';', chunk).recs;
      expect(parts.map((r) => [r.line, r.lines, r.fields])).toEqual(whole.map((r) => [r.line, r.lines, r.fields]));
    }
  });

  it('refuses an endless line instead of buffering it', () => {
    const sp = new RecordSplitter({ delimiter: ';', maxLineChars: 1000 });
    expect(() => {
      for (let i = 0; i < 10; i++) sp.push('x'.repeat(300));
    }).toThrow(/longer than 1000/);
  });

  it('flags records with non-ASCII text for repair and NFC', () => {
    const { recs } = split('abc;def\nMUÑOZ;x\n');
    expect(recs.map((r) => r.special)).toEqual([false, true]);
  });
});

describe('delimiter detection', () => {
  it.each([
    [';', ['a;b;c;d', '1;2;3;4']],
    [',', ['a,b,c,d', '1,2,3,4']],
    ['|', ['a|b|c|d', '1|2|3,5|4']],
    ['\t', ['a\tb\tc\td', '1\t2\t3\t4']],
    ['\u00bb', ['A»B»C»D', '1»2»3»4']],
  ])('detects %j', (d, head) => {
    expect(detectDelimiter(head, [';', ',', '|', '\t', '\u00bb'])).toBe(d);
  });

  it('prefers the delimiter giving the expected column count', () => {
    expect(detectDelimiter(['a,b,c;d', 'e,f,g;h'], [';', ','], 3)).toBe(',');
    expect(detectDelimiter(['a,b,c;d', 'e,f,g;h'], [';', ','], 2)).toBe(';');
  });

  it('ignores delimiters inside quotes', () => {
    expect(splitLine('"a;b",c,d', ',')).toEqual(['a;b', 'c', 'd']);
    expect(detectDelimiter(['"a;b;c;d",x,y', '"e;f;g;h",z,w'], [';', ','])).toBe(',');
  });

  it('returns null when nothing splits the line', () => {
    expect(detectDelimiter(['justonecolumn'], [';', ','])).toBeNull();
  });
});
