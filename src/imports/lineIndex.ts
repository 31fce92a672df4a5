/**
 * Byte positions of a file's physical lines, computed from the bytes as they are read (a tee of the
 * chunks the decoder gets), so that a record can be stored as "where its line is" — byte offset and
 * length in the archived file — instead of a copy of its text.
 *
 * Line breaks are CRLF, LF or a lone CR, exactly as the record splitter counts them
 * (connectors/common/reader.ts); both bytes are ASCII in every supported encoding (UTF-8,
 * Windows-1252), so line k of the decoded text is line k of the bytes. A UTF-8 byte-order mark is
 * not part of line 1 (the decoder strips it from the text).
 *
 * Streaming: the consumer (staging) asks for the lines of each record in increasing order; lines it
 * has passed are dropped, so memory holds only the lines read ahead of it (about one read chunk).
 */
const LF = 0x0a;
const CR = 0x0d;
const BOM = [0xef, 0xbb, 0xbf];

export interface ByteRange {
  offset: number;
  length: number;
}

export class LineIndex {
  /** Start and content end (before the line break) of the lines not yet passed, from line `first`. */
  private starts: number[] = [];
  private ends: number[] = [];
  private head = 0;
  private first = 1;
  private pos = 0;
  private lineStart = 0;
  private afterCr = false;
  /** Bytes of the byte-order mark matched so far (-1: the file has none). */
  private bom = 0;
  private ended = false;

  /**
   * `from`: where the bytes fed start in the file, and `firstLine` the physical line starting there —
   * a later byte range of a file (a parallel parse) starts on a line of its own and has no byte-order mark.
   */
  constructor(from = 0, firstLine = 1) {
    if (from > 0) {
      this.bom = -1;
      this.pos = this.lineStart = from;
    }
    this.first = firstLine;
  }

  /** Feeds the file's next bytes (in order). */
  feed(chunk: Uint8Array): void {
    let i = 0;
    const n = chunk.length;
    // A UTF-8 byte-order mark (EF BB BF), possibly split across the first chunks, is not part of line 1.
    for (let k = 0; this.bom >= 0 && this.bom < 3 && k < n; k++) {
      if (chunk[k] !== BOM[this.bom]) this.bom = -1;
      else if (++this.bom === 3) this.lineStart = 3;
    }
    if (this.afterCr && n) {
      this.afterCr = false;
      if (chunk[0] === LF) {
        i = 1;
        this.lineStart = this.pos + 1;
      }
    }
    let nextLf = -2;
    let nextCr = -2;
    while (i < n) {
      if (nextLf !== -1 && nextLf < i) nextLf = chunk.indexOf(LF, i);
      if (nextCr !== -1 && nextCr < i) nextCr = chunk.indexOf(CR, i);
      const j = nextLf < 0 ? nextCr : nextCr < 0 ? nextLf : Math.min(nextLf, nextCr);
      if (j < 0) break;
      this.push(this.lineStart, this.pos + j);
      if (chunk[j] === CR) {
        if (j + 1 < n) i = chunk[j + 1] === LF ? j + 2 : j + 1;
        else {
          // A CR at the end of the chunk: an LF starting the next one belongs to it.
          this.afterCr = true;
          i = j + 1;
        }
      } else i = j + 1;
      this.lineStart = this.pos + i;
    }
    this.pos += n;
  }

  /** The end of the file: a last line without a line break is a line too. */
  end(): void {
    if (this.ended) return;
    this.ended = true;
    if (this.lineStart < this.pos) this.push(this.lineStart, this.pos);
  }

  private push(start: number, end: number) {
    this.starts.push(start);
    this.ends.push(end);
  }

  /**
   * The bytes of a record starting at physical line `line` and spanning `lines` lines (without its
   * final line break). Lines before `line` are dropped: ask in increasing order.
   */
  range(line: number, lines: number): ByteRange {
    const skip = line - this.first;
    if (skip < 0) throw new Error(`line ${line} was already passed (at ${this.first})`);
    this.head += skip;
    this.first = line;
    const last = this.head + lines - 1;
    if (last >= this.starts.length) throw new Error(`line ${line + lines - 1} has not been read yet`);
    const out = { offset: this.starts[this.head], length: this.ends[last] - this.starts[this.head] };
    if (this.head > 65_536) {
      // Compact now and then (cheaper than shifting per line).
      this.starts = this.starts.slice(this.head);
      this.ends = this.ends.slice(this.head);
      this.head = 0;
    }
    return out;
  }

  /** Drops the lines before `line` (a record not stored, so that memory stays flat). */
  pass(line: number): void {
    const skip = line - this.first;
    if (skip <= 0) return;
    // The bytes reach the index before the decoder: a line the parser has read is indexed.
    this.head += skip;
    this.first = line;
    if (this.head > 65_536) {
      this.starts = this.starts.slice(this.head);
      this.ends = this.ends.slice(this.head);
      this.head = 0;
    }
  }

  /** Where line `line` starts: an indexed line, or the one after the last line break read (not passed). */
  startOf(line: number): number {
    const k = this.head + line - this.first;
    if (k < 0 || k > this.starts.length) throw new Error(`line ${line} is not indexed (at ${this.first})`);
    return k < this.starts.length ? this.starts[k] : this.lineStart;
  }

  /** Passes the file's chunks through, feeding the index (and closing it at the end). */
  async *tee(chunks: AsyncIterable<Uint8Array>): AsyncGenerator<Uint8Array, void, undefined> {
    for await (const c of chunks) {
      this.feed(c);
      yield c;
    }
    this.end();
  }
}
