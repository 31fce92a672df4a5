/**
 * Line digests (issue 15, the nightly case): a record's current version remembers the digest of the
 * line text it was read from (source_entities.line_hash), so a nightly line with the same digest is
 * recognised as that record unchanged without being split, repaired, mapped or validated — it costs
 * one SHA-1 of its text and a lookup (SourceSnapshot.findLine).
 *
 * The text (decoded, as the parser sees it) is hashed, not the bytes: the parse is a function of the
 * text, so equal text gives the equal record, whatever the encoding's invalid bytes were. The digest
 * is seeded with everything else the reading depends on:
 * - how the file is read: layout, delimiter, column count, header line (connectors/common/delimited.ts);
 * - the reference data the checks use (the municipality codes);
 * - the month: the checks compare dates with "today". Dates in the past stay in the past, so an error
 *   or warning never disappears-then-reappears; only a plausibility warning that time itself brings
 *   (an age crossing 117 without a cut date) could be missed, and only until the month changes —
 *   then every line is parsed once again;
 * - READING_VERSION: bump it when a connector's mapping or checks change, so that every line is
 *   parsed again under the new rules.
 * Only clean one-line rows get a digest: a row with warnings is parsed every time (its warnings are
 * reported again), and a multi-line quoted record always is.
 */
import crypto from 'node:crypto';
import { createSHA1 } from 'hash-wasm';

/** Bump when what a connector reads from a line changes (mapping, normalization, checks). */
export const READING_VERSION = 1;

// hash-wasm's SHA-1 (WebAssembly), one reusable instance per thread: a `crypto.hash` call cost
// ~2.5-3 µs a line, mostly the call into C++ and its Buffer, not the ~100 bytes. Compiling the module
// is asynchronous, hence the top-level await (every importer is an ES module: the main thread and the
// parse workers alike).
const hasher = await createSHA1();
const encoder = new TextEncoder();
let scratch = new Uint8Array(4096);

/**
 * The same 16 bytes as `lineDigest`, written into `out` (reused by the caller): what recognising a
 * known line costs per line of a nightly file. The text is encoded into a reused buffer (UTF-8, lone
 * surrogates as U+FFFD, as `Buffer.from` does) and hashed in one update. The concatenation is encoded
 * as one text (not the two parts apart) so that a surrogate pair across the seam is the same as in
 * `seed + raw`.
 */
export const lineDigestInto = (seed: string, raw: string, out: Uint8Array): Uint8Array => {
  // UTF-8 takes at most 3 bytes per UTF-16 unit.
  const max = (seed.length + raw.length) * 3;
  if (scratch.length < max) scratch = new Uint8Array(Math.max(max, scratch.length * 2));
  const len = encoder.encodeInto(seed + raw, scratch).written;
  hasher.init();
  hasher.update(scratch.subarray(0, len));
  out.set(hasher.digest('binary').subarray(0, 16));
  return out;
};

/** 16 bytes (the first of a SHA-1) of the seeded line text, in a Buffer of its own (the stored `line_hash`). */
export const lineDigest = (seed: string, raw: string): Buffer => Buffer.from(lineDigestInto(seed, raw, new Uint8Array(16)));

/** What a line's reading depends on beyond the file: the reference data and the month of "today". */
export function readingContext(today: string, municipalities: ReadonlySet<string>): string {
  const refs = crypto
    .createHash('sha1')
    .update([...municipalities].sort().join(','))
    .digest('hex')
    .slice(0, 16);
  return `v${READING_VERSION}\u0000${today.slice(0, 7)}\u0000${refs}`;
}

/**
 * The seed of a file's line digests: how it is read (the parser's `reading`) and what else the reading
 * depends on (`context`, readingContext). Short (16 hex digits of their digest): the seed is hashed
 * with every line, and a header-long seed doubled the cost.
 */
export function lineSeed(reading: string, context: string): string {
  return `${crypto.createHash('sha1').update(`${reading}\u0000${context}`).digest('hex').slice(0, 16)}:`;
}
