/**
 * A parse worker (parallelParse.ts): parses byte ranges of one file with its connector and sends the
 * results back in order. A line whose digest names an active record of the source's snapshot (shared
 * memory) is sent as its line and entry only; every other record as its full result, with where its
 * lines are in the file. Imports only what parsing needs: a worker starts in about half a second.
 */
import { open, type FileHandle } from 'node:fs/promises';
import { parentPort } from 'node:worker_threads';
import {
  decodeChunks,
  emptyParseStats,
  FileFormatError,
  getConnector,
  READ_CHUNK_BYTES,
  type Connector,
  type KnownLines,
  type ParseContext,
  type RowResult,
} from '../../connectors';
import { LineIndex } from './lineIndex';
import { lineDigestInto, lineSeed } from './knownLines';
import { knownLineIn, type SharedLines } from './sourceSnapshot';
import type { PersonSourceName } from '../kernel';
import type { ParseInit, RangeTask, WorkerReply } from './parallelParse';
import { recordLines } from './stageRows';

/** Items (known lines and parsed rows) per message: the staging thread starts on a range before it is parsed to its end. */
const BATCH = 2048;
/**
 * Parsed rows per message at most: a row waits in the worker's heap until its batch is sent, and 2,048
 * full rows (a month's first nightly parses every line) outlive the worker's small young generation.
 * Measured with the pool alone on the bench's 1M file (every row full, load ~9, noisy): memory outside
 * the staging thread's heap 231-237 MB at 2,048 rows a message, 162-195 MB at 256.
 */
const ROWS = 256;
/**
 * Bytes decoded at a time. A decoded piece above ~128 KB is a string V8 allocates in its large-object
 * space, which only a full collection frees; a piece this size dies young with its lines. Measured with
 * the read buffer below, parsing the 1M nightly file on two workers: peak RSS +160-174 MB above the
 * map before, +84-105 MB after (1 MB pieces or a fresh read buffer alone: +145-162 MB).
 */
const PIECE_BYTES = 64 * 1024;
/** Bytes read past a range's end at a time, only while a record crossing the boundary needs them. */
const OVERFLOW_BYTES = 64 * 1024;

const port = parentPort!;
// The file comes in the first message (the worker starts while the source's snapshot is read), then ranges.
let init: ParseInit;
let connector: Connector;
let municipalities: ReadonlySet<string>;
let lines: SharedLines | null = null;
let file: FileHandle | null = null;

/**
 * One read buffer for the worker's life: a fresh 1 MiB buffer per read was freed only by a collection,
 * and malloc kept the memory of the freed ones. A worker is given one range at a time (parallelParse's
 * dispatch); were it ever given another while reading one, that range would read into buffers of its own.
 */
const readBuffer = Buffer.allocUnsafe(READ_CHUNK_BYTES);
/** Ranges being parsed (one, but for a dispatch error): only a range parsed alone reads into readBuffer. */
let parsing = 0;

/**
 * The range's bytes, in pieces of PIECE_BYTES. Each piece is a view of the read buffer, valid until
 * the next is asked for: the line index and the decoder use a piece at once and keep nothing of it.
 */
async function* rangeBytes(fh: FileHandle, task: RangeTask, shared: boolean): AsyncGenerator<Uint8Array, void, undefined> {
  // (The parser may stop reading at the range's last line without closing this generator: nothing to release here.)
  let pos = task.start;
  while (pos < init.size) {
    const n = pos < task.end ? Math.min(READ_CHUNK_BYTES, task.end - pos) : OVERFLOW_BYTES;
    const buf = shared ? readBuffer : Buffer.allocUnsafe(n);
    const { bytesRead } = await fh.read(buf, 0, n, pos);
    if (bytesRead === 0) return;
    pos += bytesRead;
    for (let k = 0; k < bytesRead; k += PIECE_BYTES) yield buf.subarray(k, Math.min(bytesRead, k + PIECE_BYTES));
  }
}

async function parseRange(task: RangeTask): Promise<void> {
  const shared = parsing === 0;
  parsing++;
  try {
    await parseRangeWith(task, shared);
  } finally {
    parsing--;
  }
}

async function parseRangeWith(task: RangeTask, shared: boolean): Promise<void> {
  file ??= await open(init.path, 'r');
  const index = new LineIndex(task.start, task.firstLine);
  const stats = emptyParseStats();
  let order: number[] = [];
  let known: number[] = [];
  let rows: RowResult[] = [];
  let ats: number[] = [];
  const flush = () => {
    if (!order.length) return;
    const o = Uint8Array.from(order);
    const k = Int32Array.from(known);
    const a = Float64Array.from(ats);
    const reply: WorkerReply = { type: 'rows', task: task.id, order: o, known: k, rows, ats: a };
    port.postMessage(reply, [o.buffer, k.buffer, a.buffer]);
    order = [];
    known = [];
    rows = [];
    ats = [];
  };
  let seed: string | null = null;
  const digest = new Uint8Array(16);
  const knownLines: KnownLines = {
    begin(reading) {
      seed = init.context === null ? null : lineSeed(reading, init.context);
    },
    known(raw, line) {
      if (seed === null || lines === null || lines.count === 0) return false;
      // LOADED is not checked here: the staging thread does, in file order.
      const at = knownLineIn(lines, lineDigestInto(seed, raw, digest));
      if (at < 0) return false;
      order.push(0);
      known.push(line, at);
      index.pass(line);
      if (order.length >= BATCH) flush();
      return true;
    },
  };
  const ctx: ParseContext = {
    fileName: init.fileName,
    today: init.today,
    municipalities,
    stats,
    knownLines,
    range: { resume: task.resume ?? undefined, lastLine: task.lastLine },
  };
  const text = decodeChunks(index.tee(rangeBytes(file, task, shared)), init.encoding, undefined, task.start);
  for await (const r of connector.parse(text, ctx)) {
    const at = index.range(r.line, recordLines(r.raw));
    order.push(1);
    rows.push(r);
    ats.push(at.offset, at.length);
    if (order.length >= BATCH || rows.length >= ROWS) flush();
  }
  flush();
  const endLine = task.firstLine + stats.physicalLines;
  const endByte = task.lastLine !== null && endLine === task.lastLine + 1 ? task.end : endLine === task.firstLine ? task.start : index.startOf(endLine);
  port.postMessage({ type: 'done', task: task.id, endLine, endByte, stats } satisfies WorkerReply);
}

port.on('message', (m: ParseInit | RangeTask) => {
  if (!('id' in m)) {
    init = m;
    connector = getConnector(m.source as PersonSourceName);
    municipalities = new Set(m.municipalities);
    lines = m.lines;
    return;
  }
  const task = m;
  parseRange(task).catch((e: unknown) => {
    const error =
      e instanceof FileFormatError
        ? { fileFormat: true, code: e.code, message: e.message, line: e.line }
        : { fileFormat: false, code: '', message: e instanceof Error ? (e.stack ?? e.message) : String(e), line: undefined };
    port.postMessage({ type: 'error', task: task.id, error } satisfies WorkerReply);
  });
});
port.postMessage({ type: 'ready' } satisfies WorkerReply);
