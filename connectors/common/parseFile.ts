/**
 * Entry points for the import pipeline: parse a file's bytes (streaming, flat memory) or bytes in
 * memory (samples, tests) with a connector. Opening the file is the pipeline's (src/imports/registryFiles.ts).
 */
import type { Connector, NormalizedRecord, ParseContext, RowResult } from '../types';
import { decodeBytes, decodeChunks, type FileEncoding } from './decode';

export interface ParseChunksOptions {
  /** From the inspection pass (the whole-file encoding decision). */
  encoding: FileEncoding;
  /** Called after each chunk (~1 MiB) with the bytes read so far. */
  onProgress?(bytesRead: number): void;
}

/**
 * Streams a file's bytes through the connector: decode (BOM removed) → split records → repair/NFC each
 * field → map and validate. Yields one RowResult per record in file order with its physical line.
 * Throws FileFormatError when the file as a whole is unusable (binary, wrong layout, missing columns).
 */
export function parseChunks<R = NormalizedRecord>(
  chunks: AsyncIterable<Uint8Array>,
  connector: Connector<R>,
  ctx: ParseContext,
  opts: ParseChunksOptions,
): AsyncGenerator<RowResult<R>, void, undefined> {
  return connector.parse(decodeChunks(chunks, opts.encoding, opts.onProgress), ctx);
}

async function* once(text: string): AsyncGenerator<string, void, undefined> {
  yield text;
}

/** Parses an in-memory file (same decoding rules as parseChunks). */
export async function* parseBytes<R = NormalizedRecord>(
  bytes: Uint8Array,
  connector: Connector<R>,
  ctx: ParseContext,
  encoding?: FileEncoding,
): AsyncGenerator<RowResult<R>, void, undefined> {
  yield* connector.parse(once(decodeBytes(bytes, encoding)), ctx);
}

/** Parses already-decoded text. */
export function parseText<R = NormalizedRecord>(text: string, connector: Connector<R>, ctx: ParseContext): AsyncGenerator<RowResult<R>, void, undefined> {
  return connector.parse(once(text), ctx);
}

/** Collects every result (small files and tests only). */
export async function collect<R = NormalizedRecord>(rows: AsyncIterable<RowResult<R>>): Promise<RowResult<R>[]> {
  const out: RowResult<R>[] = [];
  for await (const r of rows) out.push(r);
  return out;
}
