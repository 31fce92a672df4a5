/**
 * Parse on every core (issue 15): worker threads parse byte ranges of a file at once, and the
 * staging thread takes their results in file order, as if one parser had read the file.
 *
 * - **Ranges** are cut at line breaks (after an LF, so never inside a CRLF) of about `rangeBytes`,
 *   by a quick scan of the file that also counts its physical lines (LF, CRLF or a lone CR, as the
 *   record splitter counts them): each range knows its first physical line, so line numbers, row
 *   errors and byte offsets are those of the whole file. The first range holds at least the head the
 *   structure check reads.
 * - **Quoted line breaks**: a quoted field may hold line breaks, so a record may cross a cut. A range
 *   reads every record that *starts* in it to its end, past the cut if needed; the next range was
 *   parsed from the cut, and when it did not start where its predecessor stopped, its results are
 *   dropped and it is parsed again from there (rare: only a multi-line record on a cut).
 * - **The reading** (layout, delimiter, header) is decided once, by the connector on the file's head
 *   (`probeReading`); the ranges after the first resume with it, the first range reads the head
 *   itself (delimiter detection, header, structure check, exactly as one parser would).
 * - **Known lines**: each worker hashes lines and looks them up in the source's line digests, shared
 *   (SourceSnapshot.shareLines); it sends a known line as its line number and entry, and staging
 *   checks "already loaded" in file order (stageRows). Every other record comes as its full result.
 * - **Memory**: at most `threads - 1` ranges (at least one) are parsed ahead of the one being staged.
 * - Workers are unreferenced and terminated by `close` (and when the rows are read to their end or
 *   abandoned): a failed import never leaves threads behind.
 */
import { createReadStream } from 'node:fs';
import { Worker } from 'node:worker_threads';
import {
  decodeChunks,
  FileFormatError,
  getConnector,
  READ_CHUNK_BYTES,
  type DelimitedReading,
  type FileEncoding,
  type KnownLines,
  type ParseStats,
  type RowResult,
} from '../../connectors';
import type { SourceName } from '../kernel';
import type { ByteRange } from './lineIndex';
import { lineDigestInto, lineSeed } from './knownLines';
import { knownLineIn, type SharedLines } from './sourceSnapshot';
import type { KnownRun, LineRanges } from './stageRows';
import { parseWorkerFile } from './parseWorkerBundle';
import { scanChunks } from './registryFiles';

export interface ParseInit {
  path: string;
  size: number;
  encoding: FileEncoding;
  source: SourceName;
  fileName: string;
  today: string;
  municipalities: string[];
  /** The line digests' context (knownLines.ts readingContext), or null when lines are not recognised. */
  context: string | null;
  lines: SharedLines | null;
}

export interface RangeTask {
  id: number;
  start: number;
  end: number;
  firstLine: number;
  /** The range's last physical line; null for the last range (read to the end of the file). */
  lastLine: number | null;
  resume: { reading: DelimitedReading; line: number } | null;
}

export type WorkerReply =
  | { type: 'ready' }
  | { type: 'rows'; task: number; order: Uint8Array; known: Int32Array; rows: RowResult[]; ats: Float64Array }
  | { type: 'done'; task: number; endLine: number; endByte: number; stats: ParseStats }
  | { type: 'error'; task: number; error: { fileFormat: boolean; code: string; message: string; line?: number } };

type Batch = Extract<WorkerReply, { type: 'rows' }>;

interface Range {
  task: RangeTask;
  dispatched: boolean;
  batches: (Batch | null)[];
  done: Extract<WorkerReply, { type: 'done' }> | null;
  error: Extract<WorkerReply, { type: 'error' }>['error'] | null;
}

/** Lines the first range holds at least: the header and the records the structure check samples (10, of up to 20 lines each). */
const FIRST_RANGE_MIN_LINES = 256;
const LF = 0x0a;
const CR = 0x0d;

/**
 * Cuts the file into ranges of about `rangeBytes`, each after an LF, counting physical lines on the
 * way. The last range runs to the end of the file.
 */
export async function* planRanges(path: string, size: number, rangeBytes: number): AsyncGenerator<Omit<RangeTask, 'id' | 'resume'>, void, undefined> {
  let pos = 0;
  let lines = 0; // line breaks before `pos`
  let afterCr = false;
  let start = 0;
  let firstLine = 1;
  // Read into one reused buffer: the scan keeps nothing of a piece.
  for await (const chunk of scanChunks(path)) {
    let i = 0;
    if (afterCr && chunk.length && chunk[0] === LF) i = 1; // the CR before counted this CRLF
    afterCr = false;
    const n = chunk.length;
    // The next CR, looked up again only once passed (an LF-only file has none: one scan per chunk).
    let cr = chunk.indexOf(CR, i);
    while (i < n) {
      let lf = chunk.indexOf(LF, i);
      if (lf < 0) lf = n;
      // Lone CRs before the LF (rare: only old Mac exports have them) each end a line.
      for (; cr >= 0 && cr < lf; cr = chunk.indexOf(CR, cr + 1)) {
        if (cr + 1 === lf) continue; // CRLF: counted at its LF
        if (cr + 1 === n) afterCr = true;
        lines++;
      }
      if (lf === n) break;
      lines++;
      i = lf + 1;
      const end = pos + i;
      if (end - start >= rangeBytes && (start > 0 || lines >= FIRST_RANGE_MIN_LINES) && end < size) {
        yield { start, end, firstLine, lastLine: lines };
        start = end;
        firstLine = lines + 1;
      }
    }
    pos += n;
  }
  yield { start, end: size, firstLine, lastLine: null };
}

/**
 * How the connector reads the file, decided on its head (the first records only are parsed, with no
 * side effect), or null when the connector is not a delimited one or refuses the file — the parse in
 * one thread then says why, as always.
 */
export function probeReading(
  init: Pick<ParseInit, 'path' | 'encoding' | 'source' | 'fileName' | 'today' | 'municipalities'>,
): Promise<DelimitedReading | null> {
  const chunks = createReadStream(init.path, { highWaterMark: READ_CHUNK_BYTES }) as AsyncIterable<Buffer>;
  return readingOf(chunks, { ...init, municipalities: new Set(init.municipalities) });
}

/** probeReading over a file's bytes from its start (an archived file: recordValues.ts). */
export async function readingOf(
  chunks: AsyncIterable<Uint8Array>,
  init: Pick<ParseInit, 'encoding' | 'source' | 'fileName' | 'today'> & { municipalities: ReadonlySet<string> },
): Promise<DelimitedReading | null> {
  let reading: DelimitedReading | null = null;
  const rows = getConnector(init.source).parse(decodeChunks(chunks, init.encoding), {
    fileName: init.fileName,
    today: init.today,
    municipalities: init.municipalities,
    onReading: (r) => void (reading = r),
  });
  try {
    const first = await rows.next();
    if (first.done) return null; // no data row: nothing to share out
  } catch {
    return null;
  } finally {
    await rows.return(undefined).catch(() => undefined);
  }
  return reading;
}

/**
 * Of the first `sample` one-line records of the file (after its head's reading is decided), the share
 * whose line the source's line digests know (0 to 1; 1 for a file with no such record). A month's first
 * nightly (a new seed: no line known) has every row sent whole between threads, which cost more memory
 * than it saved time: it is parsed in one thread instead (ImportService.stageFile). Costs the parse of
 * the head: the known lines are only hashed, the others parsed, nothing is kept.
 */
export async function knownShareOfHead(
  init: Pick<ParseInit, 'path' | 'encoding' | 'source' | 'fileName' | 'today' | 'municipalities' | 'context' | 'lines'>,
  sample = 1000,
): Promise<number> {
  const lines = init.lines;
  if (init.context === null || lines === null || lines.count === 0) return 0;
  const context = init.context;
  let seed: string | null = null;
  let offered = 0;
  let hits = 0;
  const digest = new Uint8Array(16);
  const knownLines: KnownLines = {
    begin(reading) {
      seed = lineSeed(reading, context);
    },
    known(raw) {
      // Past the sample every line is parsed (and yielded), so that the loop below sees it and stops.
      if (seed === null || offered >= sample) return false;
      offered++;
      if (knownLineIn(lines, lineDigestInto(seed, raw, digest)) < 0) return false;
      hits++;
      return true;
    },
  };
  const chunks = createReadStream(init.path, { highWaterMark: READ_CHUNK_BYTES }) as AsyncIterable<Buffer>;
  const rows = getConnector(init.source).parse(decodeChunks(chunks, init.encoding), {
    fileName: init.fileName,
    today: init.today,
    municipalities: new Set(init.municipalities),
    knownLines,
  });
  try {
    for (;;) {
      const r = await rows.next();
      if (r.done || offered >= sample) break;
    }
  } catch {
    return 0; // the parse in one thread says why
  } finally {
    await rows.return(undefined).catch(() => undefined);
  }
  return offered === 0 ? 1 : hits / offered;
}

/** Where the record just handed to staging lies (the workers send it with the record). */
class SentRanges implements LineRanges {
  line = 0;
  offset = 0;
  length = 0;
  range(line: number, lines: number): ByteRange {
    if (line !== this.line) throw new Error(`line ${line} (${lines} lines) is not the record just parsed (line ${this.line})`);
    return { offset: this.offset, length: this.length };
  }
  pass(): void {}
}

export interface ParallelParse {
  rows: AsyncGenerator<RowResult | KnownRun, void, undefined>;
  ranges: LineRanges;
  /** Filled when the rows have been read to their end (as the connector fills ParseContext.stats). */
  stats: ParseStats;
  /** Bytes of the file whose records were all handed out. */
  bytesRead(): number;
}

/**
 * A pool of parse workers for one file. Started early (a worker takes about half a second to load
 * its modules), then given the file once the source's snapshot is read.
 */
export class ParsePool {
  private readonly workers: Worker[] = [];
  private failure: Error | null = null;
  private onReply: (w: Worker, m: WorkerReply) => void = () => undefined;
  private wake: () => void = () => undefined;
  private closed = false;

  private constructor(threads: number, file: string) {
    for (let i = 0; i < threads; i++) {
      // A small young generation: a worker's garbage is short-lived rows, and each one's heap adds to the process's RSS.
      const w = new Worker(file, { execArgv: [], stdout: false, stderr: false, resourceLimits: { maxYoungGenerationSizeMb: 8 } });
      w.unref();
      w.on('message', (m: WorkerReply) => this.onReply(w, m));
      w.on('error', (e) => this.fail(e));
      w.on('exit', (code) => {
        if (!this.closed) this.fail(new Error(`a parse worker exited (code ${code})`));
      });
      this.workers.push(w);
    }
  }

  static async start(threads: number): Promise<ParsePool> {
    return new ParsePool(threads, await parseWorkerFile());
  }

  private fail(e: Error) {
    this.failure ??= e;
    this.wake();
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await Promise.all(this.workers.map((w) => w.terminate()));
  }

  /**
   * Parses the file: the rows in file order (records and runs of known lines), for stageRows. Null
   * when the file cannot be parsed in ranges (see probeReading): parse it in one thread.
   */
  async parse(init: ParseInit, opts: { rangeBytes: number }, onReading: (r: DelimitedReading) => void): Promise<ParallelParse | null> {
    const reading = await probeReading(init);
    if (reading === null) {
      await this.close();
      return null;
    }
    onReading(reading);
    for (const w of this.workers) w.postMessage(init);
    return this.run(init, reading, opts.rangeBytes);
  }

  private run(init: ParseInit, reading: DelimitedReading, rangeBytes: number): ParallelParse {
    const ranges: Range[] = [];
    const byTask = new Map<number, Range>();
    let planned = false;
    let nextTask = 1;
    let consuming = 0;
    let handedOut = 0;
    const idle: Worker[] = [...this.workers];
    // Ranges dispatched ahead of the one being staged: one fewer than the workers, so each is busy while
    // staging keeps up (a nightly of known lines). When staging is the slower side (a month's first
    // nightly, every line a full row compared with the map), a worker waits instead of parsing further:
    // two ranges more (threads + 1) held ~40,000 deserialized rows in this thread's heap, ~50-90 MB
    // of the peak measured with the pool alone on the bench's 1M file.
    const window = Math.max(1, this.workers.length - 1);
    let waiting: (() => void) | null = null;
    this.wake = () => {
      const w = waiting;
      waiting = null;
      w?.();
    };
    const sleep = () => new Promise<void>((res) => (waiting = res));

    const dispatch = () => {
      for (let k = consuming; k < ranges.length && k <= consuming + window && idle.length; k++) {
        const r = ranges[k];
        if (r.dispatched) continue;
        r.dispatched = true;
        byTask.set(r.task.id, r);
        idle.pop()!.postMessage(r.task);
      }
    };
    this.onReply = (w, m) => {
      if (m.type === 'ready') return;
      const r = byTask.get(m.task);
      if (m.type !== 'rows') {
        byTask.delete(m.task);
        idle.push(w);
      }
      if (r && r.task.id === m.task) {
        if (m.type === 'rows') r.batches.push(m);
        else if (m.type === 'done') r.done = m;
        else r.error = m.error;
      }
      dispatch();
      this.wake();
    };

    void (async () => {
      try {
        for await (const p of planRanges(init.path, init.size, rangeBytes)) {
          const task: RangeTask = { ...p, id: nextTask++, resume: p.start === 0 ? null : { reading, line: p.firstLine } };
          ranges.push({ task, dispatched: false, batches: [], done: null, error: null });
          dispatch();
          this.wake();
        }
      } catch (e) {
        this.fail(e as Error);
      }
      planned = true;
      this.wake();
    })();

    const stats: ParseStats = { physicalLines: 0, headerLines: 0, blankLines: 0, records: 0 };
    const sent = new SentRanges();
    const run: KnownRun = { known: true, pairs: new Int32Array(0) };
    const failure = () => this.failure;
    const close = () => this.close();

    async function* rows(): AsyncGenerator<RowResult | KnownRun, void, undefined> {
      try {
        let endLine = 1;
        let endByte = 0;
        for (consuming = 0; ; consuming++) {
          while (ranges.length <= consuming && !planned && !failure()) await sleep();
          if (failure()) throw failure();
          if (ranges.length <= consuming) break;
          const r = ranges[consuming];
          if (r.task.firstLine !== endLine) {
            // The range before read a record across the cut: parse this one again from where it stopped.
            byTask.delete(r.task.id);
            r.task = { ...r.task, id: nextTask++, start: endByte, firstLine: endLine, resume: { reading, line: endLine } };
            r.batches = [];
            r.error = null;
            r.done = null;
            r.dispatched = false;
            if (r.task.lastLine !== null && endLine > r.task.lastLine) {
              r.dispatched = true;
              r.done = { type: 'done', task: r.task.id, endLine, endByte, stats: { physicalLines: 0, headerLines: 0, blankLines: 0, records: 0 } };
            }
          }
          dispatch();
          for (let b = 0; ;) {
            if (failure()) throw failure();
            if (r.error) {
              const e = r.error;
              throw e.fileFormat ? new FileFormatError(e.code, e.message, e.line) : new Error(`parse worker: ${e.message}`);
            }
            if (b < r.batches.length) {
              const batch = r.batches[b]!;
              r.batches[b++] = null;
              const { order, known, rows: results, ats } = batch;
              let k = 0;
              let j = 0;
              for (let i = 0; i < order.length;) {
                if (order[i] === 0) {
                  let n = 0;
                  while (i + n < order.length && order[i + n] === 0) n++;
                  i += n;
                  run.pairs = known.subarray(2 * k, 2 * (k + n));
                  k += n;
                  yield run;
                  continue;
                }
                const row = results[j];
                sent.line = row.line;
                sent.offset = ats[2 * j];
                sent.length = ats[2 * j + 1];
                j++;
                i++;
                yield row;
              }
              continue;
            }
            if (r.done) break;
            await sleep();
          }
          const d = r.done!;
          stats.physicalLines += d.stats.physicalLines;
          stats.blankLines += d.stats.blankLines;
          stats.records += d.stats.records;
          if (r.task.start === 0) stats.headerLines = d.stats.headerLines;
          endLine = d.endLine;
          endByte = d.endByte;
          handedOut = r.task.lastLine === null ? init.size : Math.max(handedOut, r.task.end);
          ranges[consuming] = { ...r, batches: [] };
        }
      } finally {
        await close();
      }
    }

    return { rows: rows(), ranges: sent, stats, bytesRead: () => handedOut };
  }
}
