/**
 * The current key → content digest map of a source, held compactly in memory while a file is parsed
 * (issue 15, the nightly case): an unchanged row then costs a hash lookup and a digest comparison in
 * Node instead of a staged row in PostgreSQL, and the keys the file did not mention are the
 * candidates for disappearance. Per record: the key's bytes (packed two symbols a byte when it is made
 * of digits and separators, as Sisbén's and BDUA's are: 9 bytes for a 17-character key), where they
 * start (4), the 16-byte content digest (which, once a row of the file loaded the record, holds that
 * row's line instead: the digest is not read again), flags (1), the 16-byte line digest, and two
 * open-addressing slot tables at most ¾ full: ~62 bytes a record at a million, ~57 at three million.
 * Keys are compared byte for byte, never by their hash alone: a key the source does not hold is never
 * taken for one it holds.
 */

/** The record is active (not vanished) in the source. */
export const ACTIVE = 1;
/** A loaded row of the file has the key (the first such row wins; its line is kept). */
export const LOADED = 2;
/** A rejected row of the file has the key (parsed): the record is kept at its version if no row loaded. */
export const REJECTED = 4;
/** A rejected row read only with another delimiter has the key: the record is held back from disappearing. */
export const POSSIBLE = 8;
/** This run already wrote the record (a re-staging after chunks were applied): its rows are staged, not skipped. */
export const OWN = 16;
/** The record has no content digest: any row of it is staged. */
const NO_DIGEST = 32;
/** The key is stored packed (packKey). */
const PACKED = 64;

const SEEN = LOADED | REJECTED | POSSIBLE;

/**
 * The slot tables' highest load (open addressing, linear probing). At ¾, a found key takes ~2.5
 * probes and a missing one ~8.5 (a probe is one int and, mostly, one differing first byte); at 3M
 * records the tables then take 2 × 16 MB instead of 2 × 32 MB (a million fits either way in 2^21 slots).
 */
const MAX_LOAD = 0.75;

/** Slots (a power of two) for `n` entries at most MAX_LOAD full. */
const slotsFor = (n: number) => {
  let s = 2048;
  while (n > s * MAX_LOAD) s *= 2;
  return s;
};

const HEX = new Int8Array(128).fill(-1);
for (let i = 0; i < 10; i++) HEX[48 + i] = i;
for (let i = 0; i < 6; i++) HEX[97 + i] = HEX[65 + i] = 10 + i;

function hashBytes(b: Uint8Array, start: number, end: number): number {
  let h = 0x811c9dc5 | 0;
  for (let i = start; i < end; i++) h = Math.imul(h ^ b[i], 0x01000193);
  return h >>> 0 || 1;
}

/**
 * Key symbols packed into a nibble each: digits and the separators the sources' keys use. 15 pads a
 * key of odd length, so a packed key decodes to exactly one key; a key with any other character is
 * stored as its UTF-8 bytes (and flagged apart: packed and raw bytes are never compared).
 */
const PACK_SYMBOLS = '0123456789-:|._';
const PACK = new Int8Array(128).fill(-1);
for (let i = 0; i < PACK_SYMBOLS.length; i++) PACK[PACK_SYMBOLS.charCodeAt(i)] = i;
const PAD = 15;

/** Whether the key's `len` bytes at `at` are all packable symbols. */
function packableBytes(b: Uint8Array, at: number, len: number): boolean {
  if (len === 0) return false; // as find: the empty key is stored as its (no) bytes
  for (let k = 0; k < len; k++) {
    const c = b[at + k];
    if (c > 127 || PACK[c] < 0) return false;
  }
  return true;
}

/** Packs the key's `len` bytes at `at` (all packable) into `out` at `o`; returns the packed length. */
function packBytes(b: Uint8Array, at: number, len: number, out: Uint8Array, o: number): number {
  const n = (len + 1) >> 1;
  for (let j = 0; j < n; j++) {
    const lo = 2 * j + 1 < len ? PACK[b[at + 2 * j + 1]] : PAD;
    out[o + j] = (PACK[b[at + 2 * j]] << 4) | lo;
  }
  return n;
}

const utf8 = new TextEncoder();

/** Scratch for find: a packed key or a key's UTF-8 bytes. */
let probe = new Uint8Array(256);

/** Scratch for fromBinaryCopy: one row's field offsets and lengths. */
const fieldAt = new Int32Array(8);

const sharedBytes = (n: number) => new Uint8Array(new SharedArrayBuffer(n));

/**
 * The line digests of a snapshot in shared memory, read by the parse workers (parallelParse.ts): a
 * worker recognises a known line itself. `flags` is a copy taken when shared — the flags a worker reads
 * (ACTIVE, OWN) do not change while a file is parsed; LOADED, which does, is checked again in order by
 * the thread that stages.
 */
export interface SharedLines {
  digests: Uint8Array;
  slots: Int32Array;
  flags: Uint8Array;
  count: number;
}

/**
 * The entry whose line digest is `d`, when its record is one a parse may skip — active, and not written by
 * this run (whose rows are staged again) — or -1. The parse workers and the nightly's head probe ask it;
 * the staging thread also checks LOADED, in file order (stageRows).
 */
export function knownLineIn(lines: SharedLines, d: Uint8Array): number {
  const at = findLineIn(lines.digests, lines.slots, lines.count, d);
  return at >= 0 && (lines.flags[at] & (ACTIVE | OWN)) === ACTIVE ? at : -1;
}

function lineHash(d: Uint8Array, o: number): number {
  return (d[o] | (d[o + 1] << 8) | (d[o + 2] << 16) | (d[o + 3] << 24)) >>> 0;
}

/** The entry whose line digest is `d` (its first 16 bytes), or -1. */
export function findLineIn(all: Uint8Array, slots: Int32Array, count: number, d: Uint8Array): number {
  if (count === 0) return -1;
  const mask = slots.length - 1;
  for (let s = lineHash(d, 0) & mask; ; s = (s + 1) & mask) {
    const e = slots[s];
    if (e === 0) return -1;
    const o = (e - 1) * 16;
    let k = 0;
    while (k < 16 && all[o + k] === d[k]) k++;
    if (k === 16) return e - 1;
  }
}

export interface SnapshotTally {
  /** Active records no row of the file names: they disappear (unless every absent record is held back). */
  absent: number;
  /** Active records whose only rows were rejected (with their key): kept at their previous version. */
  keptRejected: number;
  /** Active records only named by rows read with another delimiter: held back from disappearing. */
  possibleHeld: number;
}

export class SourceSnapshot {
  private arena = new Uint8Array(1 << 16);
  private arenaLen = 0;
  private starts = new Uint32Array(1024);
  private digests = new Uint8Array(1024 * 16);
  private flagBits = new Uint8Array(1024);
  private slots = new Int32Array(2048);
  /** Line digests (16 bytes an entry, see knownLines.ts) and their own slot table; empty until one is added. */
  // Allocated in shared memory from the start: the parse workers read them where they are (shareLines copies nothing).
  private lineDigests: Uint8Array<ArrayBufferLike> = sharedBytes(1024 * 16);
  private lineSlots: Int32Array<ArrayBufferLike> = new Int32Array(0);
  private lineCount = 0;
  size = 0;
  /** What the source's other runs had written when the map was read (see ImportRepository.readSnapshot). */
  fingerprint = '';
  private readonly hashOf: (b: Uint8Array, start: number, end: number) => number;

  /** `hash`: the keys' hash, for tests only (a constant one makes every key collide). */
  constructor(opts: { hash?: (b: Uint8Array, start: number, end: number) => number } = {}) {
    this.hashOf = opts.hash ?? hashBytes;
  }

  /**
   * Room for `n` entries in all, allocated once when the COPY says how many records to expect (see
   * ImportRepository.readSnapshot): growing by doubling left up to 40 % of the arrays unused at 3M
   * records, and each growth held the old and the new arrays at once.
   */
  presize(n: number): void {
    if (!Number.isSafeInteger(n) || n <= this.starts.length || n > 1 << 27) return;
    this.resize(n);
    const slots = slotsFor(n);
    if (slots > this.slots.length) this.rehash(slots);
    if (slots > this.lineSlots.length) this.rehashLines(slots);
  }

  private grow(): void {
    // Doubling while small, then by half: an estimate that fell short costs less unused room.
    const n = this.starts.length;
    this.resize(n < 1 << 20 ? n * 2 : Math.ceil(n * 1.5));
  }

  private resize(cap: number): void {
    const g32 = (a: Uint32Array) => {
      const b = new Uint32Array(cap);
      b.set(a);
      return b;
    };
    this.starts = g32(this.starts);
    const f = new Uint8Array(cap);
    f.set(this.flagBits);
    this.flagBits = f;
    const d = new Uint8Array(cap * 16);
    d.set(this.digests);
    this.digests = d;
    const l = sharedBytes(cap * 16);
    l.set(this.lineDigests);
    this.lineDigests = l;
  }

  /** Entry i's line digest: the 16 bytes of `b` at `at`, copied without a view of them (one per record was ~0.2 s per million). */
  private addLine(i: number, b: Uint8Array, at: number): void {
    const d = this.lineDigests;
    const o = i * 16;
    for (let k = 0; k < 16; k++) d[o + k] = b[at + k];
    if (this.lineCount + 1 > this.lineSlots.length * MAX_LOAD) this.rehashLines(Math.max(2048, this.lineSlots.length * 2));
    const mask = this.lineSlots.length - 1;
    let s = lineHash(this.lineDigests, o) & mask;
    while (this.lineSlots[s] !== 0) s = (s + 1) & mask;
    this.lineSlots[s] = i + 1;
    this.lineCount++;
  }

  private rehashLines(n: number): void {
    const slots = new Int32Array(new SharedArrayBuffer(n * 4));
    const mask = slots.length - 1;
    for (const e of this.lineSlots) {
      if (e === 0) continue;
      let s = lineHash(this.lineDigests, (e - 1) * 16) & mask;
      while (slots[s] !== 0) s = (s + 1) & mask;
      slots[s] = e;
    }
    this.lineSlots = slots;
  }

  /** Whether any record has a line digest (otherwise every line is parsed). */
  get hasLines(): boolean {
    return this.lineCount > 0;
  }

  /** The entry whose current version was read from a line with this digest (16 bytes or more; the first 16 count), or -1. */
  findLine(d: Uint8Array): number {
    return findLineIn(this.lineDigests, this.lineSlots, this.lineCount, d);
  }

  /**
   * The line digests (already in shared memory: never held twice) with a shared copy of the flags, for
   * the parse workers. Call when the map is complete.
   */
  shareLines(): SharedLines {
    const flags = new Uint8Array(new SharedArrayBuffer(Math.max(1, this.size)));
    flags.set(this.flagBits.subarray(0, this.size));
    return {
      digests: this.lineDigests,
      slots: this.lineSlots.length ? this.lineSlots : new Int32Array(new SharedArrayBuffer(4)),
      flags,
      count: this.lineCount,
    };
  }

  /** Where entry i's key ends in the arena: keys are stored one after the other, so where the next one starts. */
  private end(i: number): number {
    return i + 1 < this.size ? this.starts[i + 1] : this.arenaLen;
  }

  /** Room for `bytes` of keys in all (an estimate from the keys read so far: see fromBinaryCopy). */
  reserveKeys(bytes: number): void {
    if (bytes > this.arena.length && bytes < 2 ** 31) this.reserve(bytes - this.arenaLen);
  }

  /** Bytes of keys held so far. */
  get keyBytes(): number {
    return this.arenaLen;
  }

  /** Room for `more` key bytes: the arena grows by half (by doubling, ~17 MB of keys a million records could leave 16 MB unused). */
  private reserve(more: number): void {
    if (this.arenaLen + more <= this.arena.length) return;
    const a = new Uint8Array(Math.max(Math.ceil(this.arena.length * 1.5), this.arenaLen + more));
    a.set(this.arena.subarray(0, this.arenaLen));
    this.arena = a;
  }

  /** The key table with `n` slots (a power of two); each key's hash is computed again from its bytes (not kept: 4 bytes a record). */
  private rehash(n: number): void {
    const slots = new Int32Array(n);
    const mask = slots.length - 1;
    for (let i = 0; i < this.size; i++) {
      let s = this.hashOf(this.arena, this.starts[i], this.end(i)) & mask;
      while (slots[s] !== 0) s = (s + 1) & mask;
      slots[s] = i + 1;
    }
    this.slots = slots;
  }

  /**
   * Stores entry i's key (`len` bytes of `b` at `at`) at the end of the arena, packed when it can be;
   * returns the hash of the stored bytes.
   */
  private storeKey(i: number, b: Uint8Array, at: number, len: number): number {
    const packed = packableBytes(b, at, len);
    this.reserve(packed ? (len + 1) >> 1 : len);
    const arena = this.arena;
    const start = this.arenaLen;
    let n = len;
    if (packed) {
      n = packBytes(b, at, len, arena, start);
      this.flagBits[i] |= PACKED;
    } else for (let k = 0; k < len; k++) arena[start + k] = b[at + k];
    this.starts[i] = start;
    this.arenaLen = start + n;
    return this.hashOf(arena, start, start + n);
  }

  /**
   * Adds a record (keys are unique per source). `digest`: 16 bytes, or null when the record has none;
   * `line`: the digest of the line its current version was read from (knownLines.ts), when it has one.
   */
  add(key: Uint8Array, digest: Uint8Array | null, flags: number, line: Uint8Array | null = null): void {
    this.addAt(key, 0, key.length, digest && digest.length === 16 ? -2 : -1, flags, -1, digest);
    if (line && line.length >= 16) this.addLine(this.size - 1, line, 0);
  }

  /**
   * `add` from offsets into a received buffer: the key's `keyLen` bytes at `keyAt`, a 16-byte digest at
   * `digestAt` (-1: none; -2: the 16 bytes of `digest`) and a line digest at `lineAt` (-1: none), copied
   * without a view per field.
   */
  private addAt(b: Uint8Array, keyAt: number, keyLen: number, digestAt: number, flags: number, lineAt: number, digest: Uint8Array | null = null): void {
    if (this.size === this.starts.length) this.grow();
    if (this.size + 1 > this.slots.length * MAX_LOAD) this.rehash(this.slots.length * 2);
    const i = this.size++;
    this.flagBits[i] = flags & ~(PACKED | NO_DIGEST);
    const h = this.storeKey(i, b, keyAt, keyLen);
    const d = this.digests;
    const o = i * 16;
    if (digestAt >= 0) for (let k = 0; k < 16; k++) d[o + k] = b[digestAt + k];
    else if (digestAt === -2 && digest) d.set(digest.subarray(0, 16), o);
    else this.flagBits[i] |= NO_DIGEST;
    const mask = this.slots.length - 1;
    let s = h & mask;
    while (this.slots[s] !== 0) s = (s + 1) & mask;
    this.slots[s] = i + 1;
    if (lineAt >= 0) this.addLine(i, b, lineAt);
  }

  /**
   * The entry of a key, or -1. The key is brought to the form it would be stored in (packed, or its
   * UTF-8 bytes) and compared with each candidate's stored bytes and form: the hash only chooses where
   * to look.
   */
  find(key: string): number {
    if (this.size === 0) return -1;
    if (probe.length < key.length * 3) probe = new Uint8Array(key.length * 3);
    let n = utf8.encodeInto(key, probe).written;
    const packed = packableBytes(probe, 0, n);
    // Packed in place: byte j is written after bytes 2j and 2j + 1 were read.
    if (packed) n = packBytes(probe, 0, n, probe, 0);
    return this.findBytes(probe, n, packed ? PACKED : 0);
  }

  /** The entry whose stored key is the `n` bytes of `q` in the form `form` (PACKED or 0), or -1. */
  private findBytes(q: Uint8Array, n: number, form: number): number {
    const h = this.hashOf(q, 0, n);
    const mask = this.slots.length - 1;
    const a = this.arena;
    for (let s = h & mask; ; s = (s + 1) & mask) {
      const e = this.slots[s];
      if (e === 0) return -1;
      const i = e - 1;
      if ((this.flagBits[i] & PACKED) !== form) continue;
      const start = this.starts[i];
      if (this.end(i) - start !== n) continue;
      let k = 0;
      while (k < n && a[start + k] === q[k]) k++;
      if (k === n) return i;
    }
  }

  flags(i: number): number {
    return this.flagBits[i];
  }

  /** Marks entry i REJECTED or POSSIBLE (a loaded row marks it with `load`, which keeps its line). */
  mark(i: number, flag: number): void {
    if (flag & ~(REJECTED | POSSIBLE)) throw new Error(`SourceSnapshot.mark: ${flag} is not REJECTED or POSSIBLE`);
    this.flagBits[i] |= flag;
  }

  /**
   * Marks entry i LOADED by the row at `line`. The line is kept in the entry's content digest bytes:
   * once a row loaded the record its digest is not compared again (a later row of the key is a
   * DUPLICATE_KEY), so decide `unchanged` before.
   */
  load(i: number, line: number): void {
    this.flagBits[i] |= LOADED;
    const o = i * 16;
    const d = this.digests;
    d[o] = line & 0xff;
    d[o + 1] = (line >>> 8) & 0xff;
    d[o + 2] = (line >>> 16) & 0xff;
    d[o + 3] = (line >>> 24) & 0xff;
  }

  /** The line of the row that loaded entry i (see load). */
  firstLine(i: number): number {
    const o = i * 16;
    const d = this.digests;
    return (d[o] | (d[o + 1] << 8) | (d[o + 2] << 16) | (d[o + 3] << 24)) >>> 0;
  }

  /** Whether entry i holds this content digest (32 hex digits); never once a row loaded it (its bytes then hold the line). */
  sameDigest(i: number, hex: string): boolean {
    if (this.flagBits[i] & (NO_DIGEST | LOADED) || hex.length !== 32) return false;
    const d = this.digests;
    const o = i * 16;
    for (let j = 0; j < 16; j++) {
      const v = (HEX[hex.charCodeAt(2 * j)] << 4) | HEX[hex.charCodeAt(2 * j + 1)];
      if (d[o + j] !== v) return false;
    }
    return true;
  }

  /** Whether a row with this digest, the first of its key in the file, changes nothing: the record is active, has the digest, and this run did not write it. */
  unchanged(i: number, hex: string): boolean {
    return (this.flagBits[i] & (ACTIVE | OWN)) === ACTIVE && this.sameDigest(i, hex);
  }

  key(i: number): string {
    const start = this.starts[i];
    const end = this.end(i);
    if (!(this.flagBits[i] & PACKED)) return Buffer.from(this.arena.buffer, this.arena.byteOffset + start, end - start).toString('utf8');
    let out = '';
    for (let k = start; k < end; k++) {
      const v = this.arena[k];
      out += PACK_SYMBOLS[v >> 4];
      if ((v & 15) !== PAD) out += PACK_SYMBOLS[v & 15];
    }
    return out;
  }

  /** Counts after the whole file was read. */
  tally(): SnapshotTally {
    const t: SnapshotTally = { absent: 0, keptRejected: 0, possibleHeld: 0 };
    for (let i = 0; i < this.size; i++) {
      const f = this.flagBits[i];
      if (!(f & ACTIVE)) continue;
      if (!(f & SEEN)) t.absent++;
      else if (!(f & LOADED) && f & REJECTED) t.keptRejected++;
      else if (!(f & (LOADED | REJECTED))) t.possibleHeld++;
    }
    return t;
  }

  /** The keys of the active records no row of the file names, one per line in COPY text format. */
  *absentKeys(copyText: (s: string) => string): Generator<string> {
    let out = '';
    for (let i = 0; i < this.size; i++) {
      const f = this.flagBits[i];
      if (!(f & ACTIVE) || f & SEEN) continue;
      out += copyText(this.key(i)) + '\n';
      if (out.length >= 1 << 20) {
        yield out;
        out = '';
      }
    }
    if (out) yield out;
  }

  /**
   * Reads `COPY (select key text, digest bytea, flags int2, line digest bytea …) TO STDOUT (format binary)`. A row
   * with a null key carries the fingerprint (as its digest column's text) and, in its line digest column, how
   * many records to expect (decimal text; optional): the map is then allocated once, at its size.
   *
   * Parsed in place: a row's fields are read at their offsets in the received bytes and copied straight
   * into the map's arrays. A Buffer per field and a concatenation per received piece cost ~3 s of the
   * staging thread per million records, before any line of the file could be compared.
   */
  static async fromBinaryCopy(chunks: AsyncIterable<Uint8Array>): Promise<SourceSnapshot> {
    const snap = new SourceSnapshot();
    // The unread tail of the previous piece (a row cut between two pieces), joined to the next one.
    let tail: Uint8Array | null = null;
    let headerDone = false;
    let ended = false;
    // Records the first row announced (0: unknown); the key arena is sized from the first keys' length once some are read.
    let expected = 0;
    for await (const chunk of chunks) {
      if (ended) continue; // read to its end all the same: leaving a COPY early would leave the connection mid-protocol
      let buf: Uint8Array = chunk;
      if (tail) {
        buf = new Uint8Array(tail.length + chunk.length);
        buf.set(tail);
        buf.set(chunk, tail.length);
        tail = null;
      }
      const n = buf.length;
      const i32 = (o: number) => (buf[o] << 24) | (buf[o + 1] << 16) | (buf[o + 2] << 8) | buf[o + 3] | 0;
      let p = 0;
      if (!headerDone) {
        if (n < 19 || n < 19 + i32(15)) {
          tail = new Uint8Array(buf);
          continue;
        }
        p = 19 + i32(15);
        headerDone = true;
      }
      while (n - p >= 2) {
        const count = (((buf[p] << 8) | buf[p + 1]) << 16) >> 16;
        if (count === -1) {
          ended = true;
          break;
        }
        let q = p + 2;
        let complete = true;
        // [offset, length] of the key, digest, flags and line digest fields (length -1: null).
        const at = fieldAt;
        at.fill(-1);
        for (let f = 0; f < count; f++) {
          if (n - q < 4) {
            complete = false;
            break;
          }
          const len = i32(q);
          q += 4;
          if (len > 0 && n - q < len) {
            complete = false;
            break;
          }
          if (f < 4) {
            at[2 * f] = q;
            at[2 * f + 1] = len;
          }
          if (len > 0) q += len;
        }
        if (!complete) break;
        p = q;
        if (at[1] < 0) {
          snap.fingerprint = at[3] > 0 ? Buffer.from(buf.buffer, buf.byteOffset + at[2], at[3]).toString('utf8') : '';
          if (at[7] > 0 && at[7] <= 12) {
            expected = Number(Buffer.from(buf.buffer, buf.byteOffset + at[6], at[7]).toString('latin1'));
            snap.presize(expected);
          }
          continue;
        }
        if (snap.size === 4096 && expected > 4096) snap.reserveKeys(Math.ceil((snap.keyBytes / 4096) * expected * 1.02));
        const flags = at[5] >= 2 ? (((buf[at[4]] << 8) | buf[at[4] + 1]) << 16) >> 16 : 0;
        snap.addAt(buf, at[0], at[1], at[3] === 16 ? at[2] : -1, flags, at[7] >= 16 ? at[6] : -1);
      }
      // Keep only the unread tail (a copy: the piece's memory is released).
      if (!ended && p < n) tail = new Uint8Array(buf.subarray(p));
    }
    return snap;
  }
}
