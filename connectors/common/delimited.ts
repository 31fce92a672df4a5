/**
 * The shared driver of every delimited-text connector: delimiter detection, header handling,
 * structural checks, then one mapped result per record, streaming.
 */
import { FileFormatError, type KnownLines, type NormalizedRecord, type ParseContext, type RowResult } from '../types';
import { RecordSplitter, splitLine, type RawRecord } from './reader';
import { headerMatch, resolveColumns, type ColumnMap, type Layout } from './layout';
import { errorRow } from './issues';

export type RecordMapper<R extends { sourceKey: string } = NormalizedRecord> = (rec: RawRecord) => RowResult<R>;

export interface DelimitedSpec<R extends { sourceKey: string } = NormalizedRecord> {
  layout: Layout;
  /** Builds the per-file row mapper once the columns are known (throws FileFormatError to refuse the file). */
  createMapper(columns: ColumnMap, ctx: ParseContext): RecordMapper<R>;
}

/** How many first data records decide whether the whole file has the wrong structure. */
const STRUCTURE_SAMPLE = 10;
const HEAD_CHARS = 64 * 1024;
const HEAD_LINES = 20;
/** Minimum share of layout header names a first line must contain to be taken as a header (`auto`). */
const HEADER_MIN_RATIO = 0.5;

const DELIMITER_NAMES: Record<string, string> = { ';': 'semicolon', ',': 'comma', '|': 'pipe', '\t': 'tab', '\u00bb': '» (0xBB)' };

export function delimiterName(d: string): string {
  return DELIMITER_NAMES[d] ?? JSON.stringify(d);
}

/**
 * Picks the delimiter that splits the first lines into the most consistent number of columns (or the
 * expected number, when the layout fixes it). Null when no candidate gives more than one column.
 */
export function detectDelimiter(lines: readonly string[], candidates: readonly string[], expectedCount?: number): string | null {
  const sample = lines.filter((l) => l.trim() !== '').slice(0, HEAD_LINES);
  if (sample.length === 0) return null;
  let best: string | null = null;
  let bestScore = 0;
  for (const c of candidates) {
    if (!sample[0].includes(c)) continue;
    const counts = sample.map((l) => splitLine(l, c).length);
    let score: number;
    if (expectedCount) {
      score = counts.filter((n) => n === expectedCount || n === expectedCount + 1).length * 1000;
      if (score === 0) score = counts[0] > 1 ? 1 : 0; // present but wrong width: still a candidate
    } else {
      const first = counts[0];
      if (first < 2) continue;
      score = counts.filter((n) => n === first).length * 1000 + first;
    }
    if (score > bestScore) {
      bestScore = score;
      best = c;
    }
  }
  return best;
}

/** Drops one trailing empty field produced by a delimiter at the end of every line. */
function fitCount(fields: string[], expected: number): boolean {
  if (fields.length === expected) return true;
  if (fields.length === expected + 1 && fields[expected].trim() === '') {
    fields.pop();
    return true;
  }
  return false;
}

function mostCommon(values: number[]): number {
  const freq = new Map<number, number>();
  for (const v of values) freq.set(v, (freq.get(v) ?? 0) + 1);
  return [...freq.entries()].sort((a, b) => b[1] - a[1] || b[0] - a[0])[0][0];
}

/** Reads text chunks until the head (first lines) is available; returns the buffered text. */
async function readHead(it: AsyncIterator<string>): Promise<{ head: string; done: boolean }> {
  let head = '';
  while (head.length < HEAD_CHARS) {
    const n = await it.next();
    if (n.done) return { head, done: true };
    head += n.value;
    const lines = head.split(/\r\n|\n|\r/, HEAD_LINES + 1);
    if (lines.length > HEAD_LINES) break;
  }
  return { head, done: false };
}

/**
 * Parses a delimited text stream with a layout. Yields one RowResult per record, in file order.
 * Throws FileFormatError when the file as a whole does not fit the layout (no delimiter, missing
 * header columns, most of the first records with the wrong number of columns).
 */
export async function* parseDelimited<R extends { sourceKey: string } = NormalizedRecord>(
  text: AsyncIterable<string>,
  ctx: ParseContext,
  spec: DelimitedSpec<R>,
): AsyncGenerator<RowResult<R>, void, undefined> {
  const { layout } = spec;
  const it = text[Symbol.asyncIterator]();
  // A later byte range of a file (a parallel parse) is read as the file's head decided; it starts on a record.
  const resume = ctx.range?.resume ?? null;
  const lastLine = ctx.range?.lastLine ?? null;
  let head = '';
  let done = false;
  let delimiter: string | null;
  if (resume) {
    if (resume.reading.layoutId !== layout.id) throw new Error(`range resumed with layout ${resume.reading.layoutId}, parsed with ${layout.id}`);
    delimiter = resume.reading.delimiter;
  } else {
    ({ head, done } = await readHead(it));
    const headLines = head.split(/\r\n|\n|\r/).slice(0, HEAD_LINES);
    if (!done && headLines.length > 1) headLines.pop();
    if (headLines.every((l) => l.trim() === '')) {
      if (done) throw new FileFormatError('EMPTY_FILE', 'The file has no data lines.');
    }

    const headerless = layout.header === 'none';
    delimiter = detectDelimiter(headLines, layout.delimiters, headerless ? layout.columnCount : undefined);
    if (delimiter === null) {
      throw new FileFormatError(
        'NO_DELIMITER',
        `No column delimiter found on the first line (expected ${layout.delimiters.map(delimiterName).join(', ')}; layout ${layout.id}).`,
        1,
      );
    }
  }
  const delim = delimiter;

  const splitter = new RecordSplitter({ delimiter: delim, firstLine: resume?.line });
  const stats = ctx.stats;
  let columns: ColumnMap | null = null;
  let mapper: RecordMapper<R> | null = null;
  let known: KnownLines | null = null;
  let expected = 0;
  // The first records are held back until the structure check has seen enough of them.
  let pending: RawRecord[] | null = [];

  const setup = (first: RawRecord, resumed = false): boolean => {
    let isHeader = layout.header === 'required';
    if (layout.header === 'auto') {
      const m = headerMatch(layout, first.fields);
      isHeader = m.ratio >= HEADER_MIN_RATIO || m.matched >= 4;
    }
    if (isHeader) {
      if (first.malformed) throw new FileFormatError('MALFORMED_HEADER', 'The header line has an unterminated quote.', first.line);
      const header = first.fields.map((f) => f.replace(/^\uFEFF/, '').trim());
      while (header.length > 1 && header[header.length - 1] === '') header.pop();
      columns = resolveColumns(layout, header, header.length);
      expected = header.length;
    } else {
      columns = resolveColumns(layout, null, layout.columnCount ?? first.fields.length);
      expected = columns.columnCount;
    }
    mapper = spec.createMapper(columns, ctx);
    if (stats && !resumed) stats.headerLines = isHeader ? first.lines : 0;
    known = ctx.knownLines ?? null;
    // The same line text is the same record only under the same reading of the file.
    const reading = `${layout.id}\u0000${delim}\u0000${expected}\u0000${isHeader ? first.raw : ''}`;
    known?.begin(reading);
    if (!resumed)
      ctx.onReading?.({
        text: reading,
        layoutId: layout.id,
        delimiter: delim,
        first: { line: first.line, lines: first.lines, raw: first.raw, fields: [...first.fields], special: first.special, malformed: first.malformed },
      });
    return isHeader;
  };

  const checkStructure = (recs: RawRecord[]) => {
    const sample = recs.filter((r) => !r.malformed).slice(0, STRUCTURE_SAMPLE);
    if (sample.length === 0) return;
    const counts = sample.map((r) => r.fields.length);
    const wrong = sample.filter((r) => r.fields.length !== expected && !(r.fields.length === expected + 1 && r.fields[expected].trim() === '')).length;
    if (wrong * 2 > sample.length) {
      const found = mostCommon(counts);
      throw new FileFormatError(
        'WRONG_COLUMN_COUNT',
        `The file does not match layout ${layout.id}: expected ${expected} columns separated by ${delimiterName(delim)}, found ${found} on most of the first ${sample.length} records.`,
        sample[0].line,
      );
    }
  };

  /** One result per record; null when the pipeline knows the record's line unchanged (counted there, not mapped). */
  const emitOne = (rec: RawRecord): RowResult<R> | null => {
    if (stats) stats.records++;
    if (known !== null && rec.lines === 1 && !rec.malformed && known.known(rec.raw, rec.line)) return null;
    if (rec.malformed) {
      return errorRow<R>(
        rec.line,
        rec.raw,
        '(row)',
        'UNTERMINATED_QUOTE',
        'A quoted field opens with " but never closes on this line or the next ones; the record was skipped.',
      );
    }
    if (!fitCount(rec.fields, expected)) {
      const row = errorRow<R>(rec.line, rec.raw, '(row)', 'WRONG_COLUMN_COUNT', `Expected ${expected} columns, found ${rec.fields.length}.`);
      const possibleKey = guessKey(rec);
      return possibleKey && !row.ok ? { ...row, possibleKey } : row;
    }
    return mapper!(rec);
  };

  /**
   * The key a row with the wrong column count may carry, read as the layout's other delimiters
   * would split it (a row written with `,` in a `;` file): only a reading that gives exactly the
   * expected columns counts. Not loaded (the row stays rejected) — only so that its record is held
   * back from disappearing. Null when no reading fits: the row's record is then unknown.
   */
  const guessKey = (rec: RawRecord): string | null => {
    for (const d of layout.delimiters) {
      if (d === delim || !rec.raw.includes(d)) continue;
      const fields = splitLine(rec.raw, d);
      if (!fitCount(fields, expected)) continue;
      const r = mapper!({ line: rec.line, lines: rec.lines, raw: rec.raw, special: rec.special, fields });
      const key = r.ok ? r.record.sourceKey : r.sourceKey;
      if (key) return key;
    }
    return null;
  };

  /**
   * Header set-up and the structure check: the first records are held back until STRUCTURE_SAMPLE
   * of them (or the end of the file) have been seen; afterwards records flow one at a time.
   */
  const hold = (rec: RawRecord | null): RawRecord[] | null => {
    if (rec !== null) {
      if (columns === null && setup(rec)) return null; // the header line
      pending!.push(rec);
      if (pending!.length < STRUCTURE_SAMPLE) return null;
    }
    checkStructure(pending!);
    const held = pending!;
    pending = null;
    return held;
  };

  if (resume) {
    setup({ ...resume.reading.first }, true);
    pending = null; // the structure check is the head's
  }
  /** The range's records are read: the next one starts after its last line. */
  const rangeDone = () => lastLine !== null && splitter.line > lastLine;

  let more = resume ? true : !done;
  splitter.feed(head);
  while (true) {
    if (rangeDone()) break;
    const rec = splitter.next(!more);
    if (rec === null) {
      if (rangeDone()) break;
      if (more) {
        const n = await it.next();
        if (n.done) more = false;
        else splitter.feed(n.value);
        continue;
      }
      break;
    }
    if (pending !== null) {
      const held = hold(rec);
      if (held)
        for (const r of held) {
          const row = emitOne(r);
          if (row) yield row;
        }
      continue;
    }
    const row = emitOne(rec);
    if (row) yield row;
  }
  if (pending !== null) {
    const held = hold(null);
    if (held)
      for (const r of held) {
        const row = emitOne(r);
        if (row) yield row;
      }
  }
  if (columns === null) throw new FileFormatError('EMPTY_FILE', 'The file has no data lines.');
  if (stats) {
    stats.physicalLines = splitter.counters.physicalLines;
    stats.blankLines = splitter.counters.blankLines;
  }
}
