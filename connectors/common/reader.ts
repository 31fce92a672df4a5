/**
 * Splits decoded text into records of fields, streaming, with physical line numbers.
 *
 * - Line breaks: CRLF, LF or a lone CR (old Mac exports); each counts as one physical line.
 * - Delimiter: any single character (`;` `,` `|` tab `»`), chosen by the caller.
 * - Quotes: a field that *starts* with `"` is quoted; `""` inside it is a literal quote; it may hold
 *   delimiters and line breaks. A `"` elsewhere is an ordinary character. Text after a closing quote
 *   and before the next delimiter is kept (lenient, nothing is lost).
 * - A quoted field that does not close within `maxQuotedLines` physical lines or `maxRecordChars`
 *   characters (or before the end of the file) is an unterminated quote: that record is reported on
 *   its first line only and reading resumes on the next line, so one stray quote never swallows the
 *   rest of a file nor grows memory.
 * - Blank lines (only spaces, tabs or Ctrl-Z) are skipped and counted.
 * - A physical line longer than `maxLineChars` stops the file (FileFormatError LINE_TOO_LONG): memory
 *   stays bounded whatever the input.
 */
import { FileFormatError } from '../types';

export interface RawRecord {
  /** Physical 1-based line where the record starts. */
  line: number;
  /** Physical lines the record spans (> 1 only for quoted fields holding line breaks). */
  lines: number;
  fields: string[];
  /** The record's text as in the file, without its final line break. */
  raw: string;
  /** The record contains characters outside printable ASCII (needs repair / NFC / control checks). */
  special: boolean;
  /** Set when the record could not be split (its `fields` are then empty). */
  malformed?: 'UNTERMINATED_QUOTE';
}

export interface ReaderOptions {
  delimiter: string;
  maxQuotedLines?: number;
  maxRecordChars?: number;
  /** Longest physical line accepted (default 4 Mi characters); longer → FileFormatError LINE_TOO_LONG. */
  maxLineChars?: number;
  /** Physical line number of the text's first line (1; more when a later byte range of a file is read). */
  firstLine?: number;
}

export interface ReaderCounters {
  physicalLines: number;
  blankLines: number;
}

const QUOTE = 34; // "
const LF = 10;
const CR = 13;
const NOT_PRINTABLE_ASCII = /[^\x20-\x7e\t]/;

function isBlank(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c !== 32 && c !== 9 && c !== 0x1a && c !== 0xfeff) return false;
  }
  return true;
}

/**
 * A one-line record without a quoted field. Its fields and its `special` test are computed when first
 * read: a line the pipeline recognises by its text alone (a known, unchanged line) needs neither.
 */
class LineRecord implements RawRecord {
  readonly lines = 1;
  private split: string[] | undefined = undefined;
  private nonAscii: boolean | undefined = undefined;

  constructor(
    readonly line: number,
    readonly raw: string,
    private readonly delim: string,
  ) {}

  get fields(): string[] {
    return (this.split ??= this.raw.split(this.delim));
  }

  get special(): boolean {
    return (this.nonAscii ??= NOT_PRINTABLE_ASCII.test(this.raw));
  }
}

/**
 * Incremental splitter: `push` text chunks, get the complete records found so far; `end` flushes the
 * last record. Keeps at most one partial record between chunks.
 */
export class RecordSplitter {
  private buf = '';
  private pos = 0;
  private nextLine = 1;
  private crCache = -2; // index of the next CR at or after the cursor; -1 none; -2 unknown
  private readonly delim: string;
  private readonly delimCode: number;
  private readonly maxQuotedLines: number;
  private readonly maxRecordChars: number;
  private readonly maxLineChars: number;
  readonly counters: ReaderCounters = { physicalLines: 0, blankLines: 0 };

  constructor(opts: ReaderOptions) {
    if (opts.delimiter.length !== 1) throw new Error('delimiter must be one character');
    this.delim = opts.delimiter;
    this.delimCode = opts.delimiter.charCodeAt(0);
    this.maxQuotedLines = opts.maxQuotedLines ?? 20;
    this.maxRecordChars = opts.maxRecordChars ?? 256 * 1024;
    this.maxLineChars = opts.maxLineChars ?? 4 * 1024 * 1024;
    this.nextLine = opts.firstLine ?? 1;
  }

  /** The physical line where the next record starts (or would start). */
  get line(): number {
    return this.nextLine;
  }

  /** Appends decoded text. Records are then taken one at a time with `next`. */
  feed(text: string): void {
    this.buf = this.pos < this.buf.length ? this.buf.slice(this.pos) + text : text;
    this.pos = 0;
    this.crCache = -2;
  }

  /**
   * The next complete record, or null when more text is needed (or, with `final`, when the text is
   * exhausted). Records are created one at a time so they die young (cheap garbage collection).
   */
  next(final = false): RawRecord | null {
    const s = this.buf;
    const n = s.length;
    while (this.pos < n) {
      const pos = this.pos;
      const brk = this.lineBreak(s, pos);
      if (brk < 0 && !final) {
        // Incomplete line: wait for more text, but never buffer an endless "line" (binary or broken file).
        if (n - pos > this.maxLineChars) {
          throw new FileFormatError(
            'LINE_TOO_LONG',
            `Line ${this.nextLine} is longer than ${this.maxLineChars} characters without a line break: the file is not a line-oriented extract.`,
            this.nextLine,
          );
        }
        return null;
      }
      if (brk >= 0 && s.charCodeAt(brk) === CR && brk + 1 === n && !final) return null; // CR may be the first half of CRLF
      const lineEnd = brk < 0 ? n : brk;
      const next = brk < 0 ? n : s.charCodeAt(brk) === CR && s.charCodeAt(brk + 1) === LF ? brk + 2 : brk + 1;
      const lineText = s.slice(pos, lineEnd);
      if (lineText.indexOf('"') < 0 || !this.hasOpeningQuote(lineText)) {
        // Fast path: one physical line, no quoted field.
        this.counters.physicalLines++;
        const line = this.nextLine++;
        this.pos = next;
        if (isBlank(lineText)) {
          this.counters.blankLines++;
          continue;
        }
        return new LineRecord(line, lineText, this.delim);
      }
      const res = this.quoted(s, pos, final);
      if (res === null) return null; // need more text
      this.counters.physicalLines += res.lines;
      this.nextLine += res.lines;
      this.pos = res.next;
      return res.record;
    }
    return null;
  }

  /** Feeds text and returns every complete record found so far. */
  push(text: string, out: RawRecord[] = []): RawRecord[] {
    this.feed(text);
    for (let r = this.next(false); r !== null; r = this.next(false)) out.push(r);
    return out;
  }

  /** Flushes the last record(s) at the end of the text. */
  end(out: RawRecord[] = []): RawRecord[] {
    for (let r = this.next(true); r !== null; r = this.next(true)) out.push(r);
    this.buf = '';
    this.pos = 0;
    return out;
  }

  /** Finds the next line break at or after `from` (-1 when none). */
  private lineBreak(s: string, from: number): number {
    const lf = s.indexOf('\n', from);
    if (this.crCache === -2 || (this.crCache >= 0 && this.crCache < from)) this.crCache = s.indexOf('\r', from);
    const cr = this.crCache;
    if (cr >= 0 && (lf < 0 || cr < lf)) return cr;
    return lf;
  }

  /** True when some field of the line starts with a quote. */
  private hasOpeningQuote(line: string): boolean {
    if (line.charCodeAt(0) === QUOTE) return true;
    let i = line.indexOf('"');
    while (i > 0) {
      if (line.charCodeAt(i - 1) === this.delimCode) return true;
      i = line.indexOf('"', i + 1);
    }
    return false;
  }

  /**
   * Slow path: character scan of a record that has a quoted field, possibly over several lines.
   * Returns null when more text is needed.
   */
  private quoted(s: string, start: number, final: boolean): { record: RawRecord; lines: number; next: number } | null {
    const n = s.length;
    const d = this.delimCode;
    const fields: string[] = [];
    const line = this.nextLine;
    let lines = 1;
    let i = start;
    let field = '';
    let fieldStart = true;
    let inQuotes = false;
    let segStart = start; // start of the pending unquoted / quoted segment
    const finish = (end: number, next: number) => {
      fields.push(field);
      const raw = s.slice(start, end);
      return { record: { line, lines, fields, raw, special: NOT_PRINTABLE_ASCII.test(raw) }, lines, next };
    };
    while (true) {
      if (i >= n) {
        if (inQuotes) {
          if (!final && i - start < this.maxRecordChars) return null;
          return this.unterminated(s, start, final);
        }
        if (!final) return null;
        field += s.slice(segStart, i);
        return finish(n, n);
      }
      const c = s.charCodeAt(i);
      if (inQuotes) {
        if (c === QUOTE) {
          if (i + 1 >= n && !final) return null; // cannot tell `""` from a closing quote yet
          if (s.charCodeAt(i + 1) === QUOTE) {
            field += s.slice(segStart, i + 1);
            i += 2;
            segStart = i;
            continue;
          }
          field += s.slice(segStart, i);
          inQuotes = false;
          i++;
          segStart = i;
          continue;
        }
        if (c === LF || c === CR) {
          if (c === CR && i + 1 >= n && !final) return null;
          lines++;
          if (lines > this.maxQuotedLines || i - start > this.maxRecordChars) return this.unterminated(s, start, final);
          i += c === CR && s.charCodeAt(i + 1) === LF ? 2 : 1;
          continue;
        }
        i++;
        continue;
      }
      if (c === d) {
        field += s.slice(segStart, i);
        fields.push(field);
        field = '';
        i++;
        segStart = i;
        fieldStart = true;
        continue;
      }
      if (c === LF || c === CR) {
        if (c === CR && i + 1 >= n && !final) return null;
        field += s.slice(segStart, i);
        const next = c === CR && s.charCodeAt(i + 1) === LF ? i + 2 : i + 1;
        return finish(i, next);
      }
      if (c === QUOTE && fieldStart) {
        inQuotes = true;
        i++;
        segStart = i;
        fieldStart = false;
        continue;
      }
      fieldStart = false;
      i++;
    }
  }

  /** A quote that never closes: report the record's first line alone and resume after it. */
  private unterminated(s: string, start: number, final: boolean): { record: RawRecord; lines: number; next: number } | null {
    const brk = this.lineBreak(s, start);
    if (brk < 0 && !final) return null;
    const end = brk < 0 ? s.length : brk;
    const next = brk < 0 ? s.length : s.charCodeAt(brk) === CR && s.charCodeAt(brk + 1) === LF ? brk + 2 : brk + 1;
    const raw = s.slice(start, end);
    return {
      record: { line: this.nextLine, lines: 1, fields: [], raw, special: NOT_PRINTABLE_ASCII.test(raw), malformed: 'UNTERMINATED_QUOTE' },
      lines: 1,
      next,
    };
  }
}

/** Splits one line on `delimiter`, honouring quotes (used for headers and detection). */
export function splitLine(line: string, delimiter: string): string[] {
  const sp = new RecordSplitter({ delimiter, maxQuotedLines: 1 });
  const recs = sp.push(line);
  sp.end(recs);
  const r = recs[0];
  return r && !r.malformed ? r.fields : line.split(delimiter);
}
