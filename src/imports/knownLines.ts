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

/** Bump when what a connector reads from a line changes (mapping, normalization, checks). */
export const READING_VERSION = 1;

// node:crypto's one-shot hash (Node >= 20.12): the text is encoded and hashed in one native call.
// Measured against hash-wasm (WebAssembly, the text encoded into a reused buffer; used here until
// 2026-12-04) on the lines of the bench's 1M Sisbén file, best of 10 rounds, same digests: 1.05 against
// 1.34 µs a line on a nearly idle machine, 1.30-1.41 against 1.77-2.24 µs at load 9-15.
// The digest comes back as a 'binary' (latin1) string (one character a byte) rather than a Buffer: a Buffer is an
// ArrayBuffer allocated outside V8's heap for every line, freed only when collected; the string is a
// young object of the heap. 0.64-0.93 against 1.40-1.73 µs a line (300,000 Sisbén lines, six rounds
// each, nice 19 on a shared machine, 2026-12-04).
type OneShot = (alg: string, data: string, enc: 'binary' | 'hex') => string;
const oneShot = (crypto as { hash?: OneShot }).hash;
const sha1 = oneShot ? (s: string) => oneShot('sha1', s, 'binary') : (s: string) => crypto.createHash('sha1').update(s, 'utf8').digest('binary');

/**
 * The same 16 bytes as `lineDigest`, written into `out` (reused by the caller): what recognising a
 * known line costs per line of a nightly file. The text is UTF-8 encoded as `Buffer.from` does (lone
 * surrogates as U+FFFD), seed and line as one text.
 */
export const lineDigestInto = (seed: string, raw: string, out: Uint8Array): Uint8Array => {
  const d = sha1(seed + raw);
  for (let k = 0; k < 16; k++) out[k] = d.charCodeAt(k);
  return out;
};

/**
 * The same 16 bytes as `lineDigest`, as 32 hex digits: what a parsed row is staged with. One native call
 * and one young string, where `lineDigest(…).toString('hex')` also made a Buffer per parsed row.
 */
const sha1Hex = oneShot ? (s: string) => oneShot('sha1', s, 'hex') : (s: string) => crypto.createHash('sha1').update(s, 'utf8').digest('hex');
export const lineDigestHex = (seed: string, raw: string): string => sha1Hex(seed + raw).slice(0, 32);

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
