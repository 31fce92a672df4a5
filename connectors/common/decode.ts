/**
 * Byte-level reading of registry files: one streaming inspection pass (SHA-256, encoding, binary
 * detection) and a streaming decoder that turns the file's bytes into text chunks. Bytes in, no I/O:
 * the file itself is opened by the import pipeline (src/imports/registryFiles.ts).
 *
 * Encoding rule (domain.md §0): the whole file strictly valid UTF-8 → UTF-8; otherwise
 * Windows-1252 (a superset of ISO-8859-1 for every printable byte), which is what "ANSI" exports
 * from Windows tools and Latin-1 exports from Oracle/R really are.
 */
import { createHash } from 'node:crypto';
import { isUtf8 } from 'node:buffer';
import { FileFormatError } from '../types';

export type FileEncoding = 'utf-8' | 'windows-1252';

export interface FileInspection {
  sha256: string;
  bytes: number;
  encoding: FileEncoding;
  /** First physical lines of the file, decoded (BOM stripped, NFC), for source detection. */
  headLines: string[];
}

/** Size of the chunks a file should be read in (throughput: ~1 MiB). */
export const READ_CHUNK_BYTES = 1 << 20;
const HEAD_BYTES = 64 * 1024;
const HEAD_LINES = 20;
/** Share of C0 control bytes (other than tab, CR, LF, FF, Ctrl-Z) in the head above which a file is binary. */
const MAX_CONTROL_SHARE = 0.02;

/** Length of the trailing incomplete UTF-8 sequence of `b` (0 when it ends on a boundary). */
function incompleteTail(b: Uint8Array): number {
  const n = b.length;
  for (let back = 1; back <= 4 && back <= n; back++) {
    const c = b[n - back];
    if ((c & 0xc0) === 0x80) continue; // continuation byte: keep looking for the lead byte
    const need = c >= 0xf0 ? 4 : c >= 0xe0 ? 3 : c >= 0xc0 ? 2 : 1;
    return need > back ? back : 0;
  }
  return 0;
}

/** Throws FileFormatError when the first bytes show a binary or unsupported file. */
function checkHead(head: Uint8Array): void {
  const sig = (bytes: number[]) => bytes.every((b, i) => head[i] === b);
  if (sig([0xff, 0xfe]) || sig([0xfe, 0xff])) {
    throw new FileFormatError(
      'UNSUPPORTED_ENCODING',
      'The file is UTF-16 ("Unicode text" in Excel). Save it as UTF-8 or ANSI (Windows-1252) text and upload it again.',
      1,
    );
  }
  if (sig([0x50, 0x4b, 0x03, 0x04])) {
    throw new FileFormatError('BINARY_FILE', 'The file is a ZIP archive (or an .xlsx workbook). Extract it, or export the sheet as delimited text.', 1);
  }
  if (sig([0x1f, 0x8b])) throw new FileFormatError('BINARY_FILE', 'The file is gzip-compressed. Decompress it first.', 1);
  if (sig([0xd0, 0xcf, 0x11, 0xe0]))
    throw new FileFormatError('BINARY_FILE', 'The file is an old Excel (.xls) workbook. Export the sheet as delimited text.', 1);
  if (sig([0x25, 0x50, 0x44, 0x46])) throw new FileFormatError('BINARY_FILE', 'The file is a PDF document, not a data extract.', 1);
  let controls = 0;
  for (let i = 0; i < head.length; i++) {
    const c = head[i];
    if (c < 0x20 && c !== 0x09 && c !== 0x0a && c !== 0x0d && c !== 0x0c && c !== 0x1a) controls++;
  }
  if (head.length > 0 && controls / head.length > MAX_CONTROL_SHARE) {
    throw new FileFormatError('BINARY_FILE', 'The file contains mostly control characters: it is not a text extract.', 1);
  }
}

function nulError(offset: number): FileFormatError {
  return new FileFormatError('BINARY_FILE', `The file contains NUL bytes (first at byte ${offset}): it is binary, UTF-16 or damaged.`);
}

/** Splits decoded head text into complete physical lines (CRLF, LF or CR). */
function splitHead(text: string, complete: boolean): string[] {
  const lines = text.split(/\r\n|\n|\r/);
  if (!complete && lines.length > 1) lines.pop(); // the last line may be cut by the head limit
  return lines.slice(0, HEAD_LINES).map((l) => l.normalize('NFC'));
}

/** Removes a byte-order mark, also when a UTF-8 BOM was decoded as Windows-1252 (`ï»¿`). */
export function stripBom(text: string): string {
  if (text.charCodeAt(0) === 0xfeff) return text.slice(1);
  if (text.startsWith('\u00ef\u00bb\u00bf')) return text.slice(3);
  return text;
}

/**
 * One streaming pass over a file's bytes: SHA-256 of the exact bytes, size, encoding decision (the
 * whole file strictly valid UTF-8 or not) and the first lines. Memory stays flat whatever the size.
 * Throws FileFormatError for empty, binary (NUL bytes, control characters, archives) and UTF-16 files.
 */
export async function inspectChunks(chunks: AsyncIterable<Uint8Array>): Promise<FileInspection> {
  const hash = createHash('sha256');
  const head = new Uint8Array(HEAD_BYTES);
  let headLen = 0;
  let bytes = 0;
  let utf8 = true;
  let carry: Uint8Array = new Uint8Array(0);
  let headChecked = false;

  for await (const chunk of chunks) {
    hash.update(chunk);
    const nul = chunk.indexOf(0);
    if (headLen < HEAD_BYTES) {
      const take = Math.min(HEAD_BYTES - headLen, chunk.length);
      head.set(chunk.subarray(0, take), headLen);
      headLen += take;
    }
    if (!headChecked && headLen >= Math.min(HEAD_BYTES, 4)) {
      if (headLen === HEAD_BYTES || nul >= 0) {
        checkHead(head.subarray(0, headLen));
        headChecked = true;
      }
    }
    if (nul >= 0) throw nulError(bytes + nul);
    if (utf8) {
      const joined = carry.length ? Buffer.concat([carry, chunk]) : chunk;
      const tail = incompleteTail(joined);
      const body = joined.subarray(0, joined.length - tail);
      if (!isUtf8(body)) utf8 = false;
      carry = tail ? Uint8Array.from(joined.subarray(joined.length - tail)) : new Uint8Array(0);
    }
    bytes += chunk.length;
  }
  if (bytes === 0) throw new FileFormatError('EMPTY_FILE', 'The file is empty.');
  if (!headChecked) checkHead(head.subarray(0, headLen));
  if (carry.length) utf8 = false; // truncated multi-byte sequence at the end of the file

  const encoding: FileEncoding = utf8 ? 'utf-8' : 'windows-1252';
  const headText = stripBom(new TextDecoder(encoding).decode(head.subarray(0, headLen), { stream: true }));
  return { sha256: hash.digest('hex'), bytes, encoding, headLines: splitHead(headText, headLen === bytes) };
}

/** Encoding of an in-memory byte array (same rule as inspectChunks). */
export function detectEncoding(bytes: Uint8Array): FileEncoding {
  return isUtf8(bytes) ? 'utf-8' : 'windows-1252';
}

/**
 * Decodes bytes already in memory (samples, tests) with the same checks as a file: binary
 * detection, encoding rule, BOM removal.
 */
export function decodeBytes(bytes: Uint8Array, encoding: FileEncoding = detectEncoding(bytes)): string {
  checkHead(bytes.subarray(0, HEAD_BYTES));
  const nul = bytes.indexOf(0);
  if (nul >= 0) throw nulError(nul);
  return stripBom(new TextDecoder(encoding).decode(bytes));
}

/**
 * Decodes a file's bytes as text chunks (one per byte chunk), BOM removed. Invalid sequences become
 * U+FFFD, which the record reader reports as an UNDECODABLE row error (the file passed inspection, so
 * this only happens when it changed in between). `onProgress` receives the bytes read so far.
 */
export async function* decodeChunks(
  chunks: AsyncIterable<Uint8Array>,
  encoding: FileEncoding,
  onProgress?: (bytesRead: number) => void,
  /** Where the chunks start in the file: a later byte range (a parallel parse) has no head to check and no byte-order mark. */
  fromOffset = 0,
): AsyncGenerator<string, void, undefined> {
  const atStart = fromOffset === 0;
  const decoder = new TextDecoder(encoding, { ignoreBOM: !atStart }); // strips a UTF-8 BOM itself at the file's start
  let read = fromOffset;
  let first = atStart;
  for await (const chunk of chunks) {
    if (first && chunk.length >= 4) {
      checkHead(chunk.subarray(0, Math.min(HEAD_BYTES, chunk.length)));
    }
    const nul = chunk.indexOf(0);
    if (nul >= 0) throw nulError(read + nul);
    read += chunk.length;
    let text = decoder.decode(chunk, { stream: true });
    if (first) {
      text = stripBom(text);
      first = false;
    }
    if (text) yield text;
    onProgress?.(read);
  }
  const rest = decoder.decode();
  if (rest) yield rest;
}
