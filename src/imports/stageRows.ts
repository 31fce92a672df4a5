import crypto from 'node:crypto';
import type { KnownLines, NormalizedRecord, RowIssue, RowResult } from '../../connectors/types';
import { copyText, CopyBatcher, CopyBuffer } from '../platform/db/copyText';
import type { ByteRange } from './lineIndex';
import { lineDigestHex, lineDigestInto, lineSeed } from './knownLines';
import { ACTIVE, LOADED, OWN, POSSIBLE, REJECTED, type SourceSnapshot } from './sourceSnapshot';
import { COLUMNS_AFTER_KEY, COLUMNS_BEFORE_RECORD, RECORD_SEGMENTS } from './stagingSpec';

export interface StageCounters {
  rowsTotal: number;
  rowsLoaded: number;
  rowsRejected: number;
  rowsWithWarnings: number;
  /** Rejected rows whose key parsed: their records keep their previous version (not disappeared). */
  rejectedWithKey: number;
  /** Rejected rows whose key was only read by another reading of the row (possibleKey): their records are held back. */
  possibleKeyRows: number;
  /** Rejected rows whose record cannot be named at all: no record may disappear in this extract. */
  unknownKeyRows: number;
  /** The file's last record was rejected (with a cut-off last line, the file may be incomplete). */
  lastRowRejected: boolean;
  /** Physical lines of loaded and of rejected records (a quoted field may span several lines). */
  loadedLines: number;
  rejectedLines: number;
  /** Loaded rows carrying each optional part (the bulk path skips the tables of absent parts). */
  parts: StagedParts;
  /** Loaded rows the source's snapshot found unchanged (not staged), by chunk of order numbers. */
  unchangedByChunk: number[];
  /** Loaded rows repeating a key of the snapshot already loaded from an earlier line: DUPLICATE_KEY, recorded here (not staged). */
  snapshotDuplicates: number;
  snapshotDuplicateLines: number;
}

/**
 * Consecutive lines a parse worker recognised by their digests (parallelParse.ts): `pairs` holds each
 * one's line number and the snapshot entry it names. The worker could not know whether an earlier
 * line of the file already loaded that record; staging checks it here, in file order.
 */
export interface KnownRun {
  known: true;
  pairs: Int32Array;
}

/** Where a record's lines are in the file (LineIndex, or the positions the parse workers send). */
export interface LineRanges {
  range(line: number, lines: number): ByteRange;
  pass(line: number): void;
}

const isKnownRun = (r: RowResult | KnownRun): r is KnownRun => (r as KnownRun).known === true;

export interface StagedParts {
  household: number;
  sisben: number;
  affiliation: number;
  victim: number;
}

const N = '\\N';
/** Characters that need escaping in a JSON string or in COPY text (a superset of both sets). */
// eslint-disable-next-line no-control-regex -- control characters are what COPY and JSON must escape
const SPECIAL = /["\\\u0000-\u001f]/;

/** COPY text of a text column (also the digest's spelling of it). */
const text = (v: string | null | undefined) => (v == null ? N : SPECIAL.test(v) ? copyText(v) : v);
const num = (v: number | null | undefined) => (v == null ? N : String(v));

type Part = Record<string, string | number | null | undefined>;

/** The part's columns when the record lacks it. */
const EMPTY = RECORD_SEGMENTS.map((s) => (s.kind === 'scalar' ? '' : `\t${N}`.repeat(s.fields.length)));

/**
 * The record's typed columns as COPY text (each after a tab, in the order of RECORD_SEGMENTS) and its
 * extras as JSON text (empty when it has none): what the staging row carries after its bookkeeping
 * columns, and what its content digest is taken over.
 */
function typedColumns(r: NormalizedRecord): { cols: string; extra: string } {
  let cols = '';
  for (let k = 0; k < RECORD_SEGMENTS.length; k++) {
    const s = RECORD_SEGMENTS[k];
    if (s.kind === 'scalar') {
      cols += `\t${text(r[s.field])}`;
      continue;
    }
    const part = r[s.part] as Part | null | undefined;
    if (!part) {
      cols += EMPTY[k];
      continue;
    }
    for (const f of s.fields) {
      const v = part[f.field];
      cols += `\t${f.kind === 'num' ? num(v as number | null | undefined) : text(v as string | null | undefined)}`;
    }
  }
  let extra = '';
  if (r.extra) {
    let first = true;
    extra = '{';
    for (const k in r.extra) {
      extra += `${first ? '' : ','}${jsonText(k)}:${jsonText(r.extra[k])}`;
      first = false;
    }
    extra += '}';
  }
  return { cols, extra };
}

/**
 * One staged row in COPY text format, in the order of STAGING_COLUMNS (stagingSpec.ts): the record's
 * key, digest and where its line is in the file (for source_records), then the typed columns the
 * set-based apply reads. No JSON copy of the record (issue 15: source_records no longer stores its
 * normalized values; recordValues.ts re-derives them from the archived line), so `record` stays null
 * for a loaded row. The digest is taken over the typed columns and the extras (see `digest`); equal
 * records give equal text, so an unchanged record is recognized by its digest alone.
 */
export function stagedLine(ord: number, line: number, lines: number, at: ByteRange, r: NormalizedRecord, lineHash: string | null = null): string {
  const { cols, extra } = typedColumns(r);
  // The typed columns hold every field of the record but the key (equal by construction) and the
  // extras: their digest is the record's content digest. Unchanged by issue 15's narrowing, so
  // records staged before it keep matching.
  const hash = digest(`${cols}\t${extra}`);
  return `${ord}\t${line}\t${lines}\t${text(r.sourceKey)}\t\\\\x${hash}\t${lineHash ? `\\\\x${lineHash}` : N}\t${at.offset}\t${at.length}\t${N}${cols}\n`;
}

/**
 * The content digest stagedLine writes for a record, without building its COPY line: what a row costs
 * when the source's snapshot says it is unchanged (SourceSnapshot), and what a record re-derived
 * from its archived line is checked against (recordValues.ts).
 */
export function recordDigest(r: NormalizedRecord): string {
  const { cols, extra } = typedColumns(r);
  return digest(`${cols}\t${extra}`);
}

/**
 * The record as `source_records.normalized` held it (the JSON stagedLine wrote before issue 15): the
 * key, every field of every part the record has (null when unset), the extras. What
 * SourceRecord.normalized answers for a record whose values are re-derived.
 */
export function normalizedValues(r: NormalizedRecord): Record<string, unknown> {
  const out: Record<string, unknown> = { sourceKey: r.sourceKey };
  for (const s of RECORD_SEGMENTS) {
    if (s.kind === 'scalar') {
      out[s.field] = r[s.field] ?? null;
      continue;
    }
    const part = r[s.part] as Part | null | undefined;
    if (!part) continue;
    const values: Record<string, unknown> = {};
    for (const f of s.fields) values[f.field] = part[f.field] ?? null;
    out[s.part] = values;
  }
  if (r.extra) {
    const extra: Record<string, string | null> = {};
    for (const k in r.extra) extra[k] = r.extra[k] ?? null;
    out.extra = extra;
  }
  return out;
}

const jsonText = (v: string | null | undefined) => (v == null ? 'null' : SPECIAL.test(v) ? JSON.stringify(v) : `"${v}"`);

/**
 * 128-bit content digest (hex): SHA-1 truncated, via the one-shot crypto.hash where available
 * (Node ≥ 20.12); SHA-1 runs on the CPU's SHA extensions, faster than MD5 here. Only equality
 * matters (is this version of the record the one we hold?), not resistance to forgery.
 */
const oneShot = (crypto as { hash?: (alg: string, data: string, enc: 'hex') => string }).hash;
const digest: (s: string) => string = oneShot
  ? (s) => oneShot('sha1', s, 'hex').slice(0, 32)
  : (s) => crypto.createHash('sha1').update(s).digest('hex').slice(0, 32);

/** Physical lines of a record: 1 + the line breaks inside it (CRLF, LF or a lone CR each count once). */
export function recordLines(raw: string): number {
  if (raw.indexOf('\n') < 0 && raw.indexOf('\r') < 0) return 1;
  let lines = 1;
  for (let k = 0; k < raw.length; k++) {
    const c = raw.charCodeAt(k);
    if (c === 10) lines++;
    else if (c === 13) {
      lines++;
      if (raw.charCodeAt(k + 1) === 10) k++;
    }
  }
  return lines;
}

/** The duplicate filter's size for a file compared with a map of the source's records (2^25 bits: 4 MiB). */
export const NIGHTLY_FILTER_LOG2_BITS = 25;

/**
 * Remembers the record keys of a file in a fixed 32 MiB Bloom filter (four probes; 4 MiB for a file
 * compared with the source's map, which sees only the keys the map does not hold), so memory stays
 * flat at any size: a key already (probably) seen is a *suspect* of repeating an earlier line
 * (false suspects: about 1 in 20 files of a million distinct keys, a dozen in three million). Only suspects are
 * then checked exactly, in SQL; a file without any costs no duplicate query at all. Beyond
 * `maxSuspects` (a file full of repeats, or tens of millions of rows) the exact check covers every key.
 */
export class KeyFilter {
  private readonly bits: Uint32Array;
  private readonly mask: number;
  readonly suspects = new Set<string>();
  overflow = false;

  constructor(
    log2Bits = 28,
    private readonly maxSuspects = 50_000,
  ) {
    this.bits = new Uint32Array(2 ** (log2Bits - 5));
    this.mask = 2 ** log2Bits - 1;
  }

  add(key: string): void {
    // Two 32-bit FNV-1a variants; four probes by double hashing.
    let h1 = 0x811c9dc5 | 0;
    let h2 = 0x2545f491 | 0;
    for (let i = 0; i < key.length; i++) {
      const c = key.charCodeAt(i);
      h1 = Math.imul(h1 ^ c, 0x01000193);
      h2 = Math.imul(h2 ^ c, 0x5bd1e995);
    }
    h2 ^= h2 >>> 15;
    let seen = true;
    for (let k = 0; k < 4; k++) {
      const b = (h1 + Math.imul(k, h2)) & this.mask;
      const w = b >>> 5;
      const bit = 1 << (b & 31);
      if ((this.bits[w] & bit) === 0) {
        seen = false;
        this.bits[w] |= bit;
      }
    }
    if (seen && !this.overflow) {
      this.suspects.add(key);
      if (this.suspects.size > this.maxSuspects) {
        this.overflow = true;
        this.suspects.clear();
      }
    }
  }

  /** Keys to check exactly, or null when every key must be checked. */
  candidates(): string[] | null {
    return this.overflow ? null : [...this.suspects];
  }
}

/** Nulls for every column after `source_key` of a rejected row. */
const REJECTED_TAIL = `\t${N}`.repeat(COLUMNS_AFTER_KEY) + '\n';

/**
 * A rejected row whose key parsed: staged without an order number (never applied), only so that its
 * record is not counted as disappeared from this extract.
 */
export function rejectedLine(line: number, lines: number, sourceKey: string): string {
  return `${N}\t${line}\t${lines}\t${copyText(sourceKey)}${REJECTED_TAIL}`;
}

/** Marks a staged rejected row whose key is only possible (`record` column): held back, not kept. */
export const POSSIBLE_KEY_MARK = 'possible';
const POSSIBLE_TAIL = `\t${N}`.repeat(COLUMNS_BEFORE_RECORD) + `\t${POSSIBLE_KEY_MARK}` + `\t${N}`.repeat(COLUMNS_AFTER_KEY - COLUMNS_BEFORE_RECORD - 1) + '\n';

/** A rejected row whose key was guessed (RowResult.possibleKey): its record is held back from disappearing. */
export function possibleKeyLine(line: number, lines: number, sourceKey: string): string {
  return `${N}\t${line}\t${lines}\t${copyText(sourceKey)}${POSSIBLE_TAIL}`;
}

/** Row issues counted by code, field and severity as they are staged (the summary of a dry run). */
export class IssueTally {
  private readonly byKey = new Map<string, { code: string; field: string; severity: RowIssue['severity']; count: number }>();

  add(i: RowIssue): void {
    const k = `${i.code}\u0000${i.field}\u0000${i.severity}`;
    const e = this.byKey.get(k);
    if (e) e.count++;
    else this.byKey.set(k, { code: i.code, field: i.field, severity: i.severity, count: 1 });
  }

  counts(): { code: string; field: string; severity: string; count: number }[] {
    return [...this.byKey.values()];
  }
}

/**
 * Turns the connector's results into two COPY streams: staged rows (loaded rows, and rejected rows
 * whose key parsed) and row issues (errors and warnings). Row issues are flushed in batches through
 * `flushIssues` while the staging COPY is open, so memory stays flat however many rows a file has.
 * Loaded rows are numbered 0, 1, 2… (`ord`): chunk k applies ord in [k·size, (k+1)·size).
 */
export function stageRows(
  runId: number,
  rows: AsyncIterable<RowResult | KnownRun>,
  /** Byte positions of the file's lines (fed by the bytes the parser reads). */
  index: LineRanges,
  flushIssues: (copyText: string) => Promise<void>,
  onRow?: (c: StageCounters) => void | Promise<void>,
  /**
   * The source's current key → digest map and the apply's chunk size: a loaded row the map finds
   * unchanged is counted (in its chunk of order numbers) but not staged, and every key the file
   * names is marked in the map (what is left unmarked is absent from the file).
   */
  delta?: {
    snapshot: SourceSnapshot;
    chunkSize: number;
    /**
     * What else a line's reading depends on (reference data, month: knownLines.ts). Given, loaded
     * one-line rows without warnings are staged with their line digest, and `known` recognises them
     * the next time (set it as the parse context's knownLines).
     */
    context?: string;
    /**
     * Receives COPY text (source_key, content digest, line digest) of the clean one-line rows the map
     * found unchanged, in batches: the line digests a record keeps are those of the run that wrote it,
     * so without this a new seed (the month) would have every such line parsed every night after. A
     * dry run passes none (it writes nothing).
     */
    refreshLines?: (copyText: Uint8Array) => Promise<void>;
  },
): {
  staged: AsyncGenerator<Uint8Array, void, undefined>;
  counters: StageCounters;
  keys: KeyFilter;
  tally: IssueTally;
  known: KnownLines;
  /** The line digests' seed once the reading is known (null without a context): what the parse workers hash with. */
  seed: () => string | null;
} {
  // A nightly's filter sees only the keys its map does not hold (added records: 0.5 % of the bench's
  // file), and 32 MiB of bits touched by a few thousand keys is ~30 MB of RSS all the same. 4 MiB: a
  // million new keys give fewer than 200 false suspects, three million fewer than 25,000 (each checked
  // exactly in SQL; past KeyFilter's limit every key is, as for a larger first snapshot).
  const snap = delta && delta.snapshot.size > 0 ? delta.snapshot : null;
  const keys = new KeyFilter(snap ? NIGHTLY_FILTER_LOG2_BITS : undefined);
  const tally = new IssueTally();
  const counters: StageCounters = {
    rowsTotal: 0,
    rowsLoaded: 0,
    rowsRejected: 0,
    rowsWithWarnings: 0,
    rejectedWithKey: 0,
    possibleKeyRows: 0,
    unknownKeyRows: 0,
    lastRowRejected: false,
    loadedLines: 0,
    rejectedLines: 0,
    parts: { household: 0, sisben: 0, affiliation: 0, victim: 0 },
    unchangedByChunk: [],
    snapshotDuplicates: 0,
    snapshotDuplicateLines: 0,
  };
  // An empty map (a source's first snapshot) finds nothing: skip the lookups.
  const chunkSize = delta?.chunkSize ?? 1;
  const issues = new CopyBatcher(128 * 1024);
  // ~90 bytes a row: a month's first nightly of a million unchanged rows is ~90 COPYs, not one per row.
  // Written straight into the buffer sent (as staged rows are): gathered as strings until 1 MiB was
  // joined, each row's line outlived the young generation, and the staging thread's heap held ~180 MB
  // at the peak of a month's first nightly of 1M rows.
  const refresh = delta?.refreshLines ? new CopyBuffer() : null;
  // The line digests' seed: null until the parser says how it reads the file (and without a context, never).
  let seed: string | null = null;
  let ord = 0;
  let nextProgress = 0x4000;
  const digestOut = new Uint8Array(16);
  const known: KnownLines = {
    begin(reading) {
      seed = delta?.context === undefined ? null : lineSeed(reading, delta.context);
    },
    /**
     * An unchanged line costs its digest and a lookup: the record it names is the one read from the
     * same text under the same reading, so it is marked loaded and counted unchanged, as a parsed row
     * with an equal content digest would be. Anything else (a repeat, a record this run wrote, a
     * vanished one) is parsed.
     */
    known(raw, line) {
      if (seed === null || !snap?.hasLines) return false;
      const at = snap.findLine(lineDigestInto(seed, raw, digestOut));
      if (at < 0 || (snap.flags(at) & (ACTIVE | OWN | LOADED)) !== ACTIVE) return false;
      countKnown(snap, at, line);
      return true;
    },
  };
  /** A known line counted unchanged: its record (active, not written by this run, not loaded yet) marked loaded at this line. */
  const countKnown = (snapshot: SourceSnapshot, at: number, line: number) => {
    snapshot.load(at, line);
    counters.rowsTotal++;
    counters.rowsLoaded++;
    counters.loadedLines++;
    counters.lastRowRejected = false;
    // counters.parts is not counted: it serves only the first snapshot's bulk path, which stages every row (no snapshot, no known lines).
    const k = Math.floor(ord++ / chunkSize);
    counters.unchangedByChunk[k] = (counters.unchangedByChunk[k] ?? 0) + 1;
    index.pass(line);
  };
  const duplicateLine = (line: number, first: number) =>
    `${runId}\t${line}\t(row)\tDUPLICATE_KEY\tThe record key of this row repeats line ${first} of the same file; only the first is loaded.\terror\n`;
  const issueLine = (i: RowIssue) => `${runId}\t${i.line}\t${copyText(i.field)}\t${copyText(i.code)}\t${copyText(i.message)}\t${i.severity}\n`;

  async function* staged(): AsyncGenerator<Uint8Array, void, undefined> {
    const batch = new CopyBuffer();
    for await (const r of rows) {
      if (isKnownRun(r)) {
        const pairs = r.pairs;
        for (let i = 0; i < pairs.length; i += 2) {
          const line = pairs[i];
          const at = pairs[i + 1];
          const f = snap ? snap.flags(at) : 0;
          if ((f & (ACTIVE | OWN)) !== ACTIVE) throw new Error(`line ${line}: a known line names no active record of another run`);
          if (!(f & LOADED)) {
            countKnown(snap!, at, line);
            continue;
          }
          // The line repeats an earlier line's record (parsed, it would be that record again): DUPLICATE_KEY, as below.
          counters.rowsTotal++;
          counters.rowsLoaded++;
          counters.loadedLines++;
          counters.lastRowRejected = false;
          counters.snapshotDuplicates++;
          counters.snapshotDuplicateLines++;
          ord++;
          index.pass(line);
          const chunk = issues.push(duplicateLine(line, snap!.firstLine(at)));
          if (chunk) await flushIssues(chunk);
        }
        if (onRow && counters.rowsTotal >= nextProgress) {
          nextProgress = counters.rowsTotal + 0x4000;
          await onRow(counters);
        }
        continue;
      }
      counters.rowsTotal++;
      const lines = recordLines(r.raw);
      let full: Uint8Array | null = null;
      counters.lastRowRejected = !r.ok;
      if (r.ok) {
        counters.rowsLoaded++;
        counters.loadedLines += lines;
        if (r.warnings.length) counters.rowsWithWarnings++;
        const p = counters.parts;
        if (r.record.household) p.household++;
        if (r.record.sisben) p.sisben++;
        if (r.record.affiliation) p.affiliation++;
        if (r.record.victim) p.victim++;
        // Only a clean one-line row is recognised by its text next time (a warning must be reported again).
        const lineHash = seed !== null && lines === 1 && r.warnings.length === 0 ? lineDigestHex(seed, r.raw) : null;
        const at = snap ? snap.find(r.record.sourceKey) : -1;
        if (at < 0) {
          // A key the source does not hold: staged (added), its repeats found by the key filter and SQL.
          keys.add(r.record.sourceKey);
          full = batch.push(stagedLine(ord++, r.line, lines, index.range(r.line, lines), r.record, lineHash));
        } else if (snap!.flags(at) & LOADED) {
          // A repeat of a key held by the source: the first line wins; this one is a DUPLICATE_KEY row error.
          counters.snapshotDuplicates++;
          counters.snapshotDuplicateLines += lines;
          ord++;
          const chunk = issues.push(duplicateLine(r.line, snap!.firstLine(at)));
          if (chunk) await flushIssues(chunk);
        } else {
          // Decided before the record is marked loaded: its digest bytes then hold the line (SourceSnapshot.load).
          const contentHash = recordDigest(r.record);
          const same = snap!.unchanged(at, contentHash);
          snap!.load(at, r.line);
          if (same) {
            const k = Math.floor(ord++ / chunkSize);
            counters.unchangedByChunk[k] = (counters.unchangedByChunk[k] ?? 0) + 1;
            // Its stored line digest may be another seed's (last month's): written with the apply, only
            // where the record still has this content (ImportRepository.refreshLines).
            if (refresh && lineHash) {
              const chunk = refresh.push(`${text(r.record.sourceKey)}\t\\\\x${contentHash}\t\\\\x${lineHash}\n`);
              if (chunk) await delta!.refreshLines!(chunk);
            }
          } else full = batch.push(stagedLine(ord++, r.line, lines, index.range(r.line, lines), r.record, lineHash));
        }
      } else {
        counters.rowsRejected++;
        counters.rejectedLines += lines;
        for (const e of r.errors) {
          tally.add(e);
          const chunk = issues.push(issueLine(e));
          if (chunk) await flushIssues(chunk);
        }
        if (snap && (r.sourceKey || r.possibleKey)) {
          const at = snap.find((r.sourceKey || r.possibleKey)!);
          if (at >= 0) snap.mark(at, r.sourceKey ? REJECTED : POSSIBLE);
        }
        if (r.sourceKey) {
          counters.rejectedWithKey++;
          full = batch.push(rejectedLine(r.line, lines, r.sourceKey));
        } else if (r.possibleKey) {
          counters.possibleKeyRows++;
          full = batch.push(possibleKeyLine(r.line, lines, r.possibleKey));
        } else counters.unknownKeyRows++;
      }
      for (const w of r.warnings) {
        tally.add(w);
        const chunk = issues.push(issueLine(w));
        if (chunk) await flushIssues(chunk);
      }
      if (onRow && counters.rowsTotal >= nextProgress) {
        nextProgress = counters.rowsTotal + 0x4000;
        await onRow(counters);
      }
      if (full) yield full;
    }
    const rest = batch.take();
    if (rest) yield rest;
    const lastIssues = issues.take();
    if (lastIssues) await flushIssues(lastIssues);
    const lastRefresh = refresh?.take();
    if (lastRefresh) await delta!.refreshLines!(lastRefresh);
  }

  return { staged: staged(), counters, keys, tally, known, seed: () => seed };
}
