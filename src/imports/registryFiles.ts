/**
 * The registry files on disk: the import pipeline opens them here and hands their bytes to the pure
 * connectors (which never touch the file system). Chunks of READ_CHUNK_BYTES keep memory flat.
 */
import { createReadStream, readFileSync } from 'node:fs';
import { open } from 'node:fs/promises';
import {
  decodeChunks,
  inspectChunks,
  parseChunks,
  parseLayout,
  READ_CHUNK_BYTES,
  type Connector,
  type FileEncoding,
  type FileInspection,
  type Layout,
  type NormalizedRecord,
  type ParseChunksOptions,
  type ParseContext,
  type RowResult,
} from '../../connectors';

/** The file's bytes, streamed in chunks of about 1 MiB. */
export function fileChunks(path: string): AsyncIterable<Uint8Array> {
  return createReadStream(path, { highWaterMark: READ_CHUNK_BYTES }) as AsyncIterable<Buffer>;
}

/**
 * The file's bytes read into one buffer, reused: each piece is valid only until the next is asked for.
 * For a reader that keeps nothing of a piece (a hash, a scan for line breaks): the fresh 1 MiB buffer
 * per chunk a read stream gives stays allocated until a collection frees it, and malloc keeps what
 * was freed (peak RSS of the nightly, see docs/imports.md).
 */
export async function* scanChunks(path: string): AsyncGenerator<Uint8Array, void, undefined> {
  const fh = await open(path, 'r');
  try {
    const buf = Buffer.allocUnsafe(READ_CHUNK_BYTES);
    for (;;) {
      const { bytesRead } = await fh.read(buf, 0, buf.length, null);
      if (bytesRead === 0) return;
      yield buf.subarray(0, bytesRead);
    }
  } finally {
    await fh.close();
  }
}

/** One streaming pass over the file: SHA-256, size, encoding, first lines (see inspectChunks, which keeps nothing of a chunk). */
export function inspectFile(path: string): Promise<FileInspection> {
  return inspectChunks(scanChunks(path));
}

/** Streams the file as decoded text chunks, BOM removed (see decodeChunks). */
export function decodeFile(path: string, encoding: FileEncoding, onProgress?: (bytesRead: number) => void): AsyncGenerator<string, void, undefined> {
  return decodeChunks(fileChunks(path), encoding, onProgress);
}

export type ParseFileOptions = ParseChunksOptions;

/** Streams the file through the connector (see parseChunks). */
export function parseFile<R = NormalizedRecord>(
  path: string,
  connector: Connector<R>,
  ctx: ParseContext,
  opts: ParseFileOptions,
): AsyncGenerator<RowResult<R>, void, undefined> {
  return parseChunks(fileChunks(path), connector, ctx, opts);
}

/** Loads and validates a layout JSON file (e.g. a RUAF annex version an agency received). */
export function loadLayout(path: string): Layout {
  return parseLayout(JSON.parse(readFileSync(path, 'utf8')));
}
