/**
 * The current key → content digest map of a source, held compactly in memory while a file is parsed
 * (issue 15, the nightly case): an unchanged row then costs a hash lookup and a digest comparison in
 * Node instead of a staged row in PostgreSQL, and the keys the file did not mention are the
 * candidates for disappearance. About 55 bytes a key (key bytes, a 16-byte digest, flags, first line,
 * hash and an open-addressing slot table at most half full): ~55 MB for a million records, instead of
 * the ~150 MB a `Map<string, …>` of the same keys takes.
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

const SEEN = LOADED | REJECTED | POSSIBLE;

const HEX = new Int8Array(128).fill(-1);
for (let i = 0; i < 10; i++) HEX[48 + i] = i;
for (let i = 0; i < 6; i++) HEX[97 + i] = HEX[65 + i] = 10 + i;

/** 32-bit FNV-1a over a string's UTF-8 bytes; -1 (impossible as an unsigned hash here) when the string is not ASCII. */
function hashAscii(key: string): number {
  let h = 0x811c9dc5 | 0;
  for (let i = 0; i < key.length; i++) {
    const c = key.charCodeAt(i);
    if (c > 127) return -1;
    h = Math.imul(h ^ c, 0x01000193);
  }
  return h >>> 0 || 1;
}

function hashBytes(b: Uint8Array, start: number, end: number): number {
  let h = 0x811c9dc5 | 0;
  for (let i = start; i < end; i++) h = Math.imul(h ^ b[i], 0x01000193);
  return h >>> 0 || 1;
}

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
  private ends = new Uint32Array(1024);
  private hashes = new Uint32Array(1024);
  private digests = new Uint8Array(1024 * 16);
  private flagBits = new Uint8Array(1024);
  private lines = new Uint32Array(1024);
  private slots = new Int32Array(2048);
  /** Line digests (16 bytes an entry, see knownLines.ts) and their own slot table; empty until one is added. */
  private lineDigests: Uint8Array<ArrayBufferLike> = new Uint8Array(1024 * 16);
  private lineSlots: Int32Array<ArrayBufferLike> = new Int32Array(0);
  private lineCount = 0;
  size = 0;
  /** What the source's other runs had written when the map was read (see ImportRepository.readSnapshot). */
  fingerprint = '';

  private grow(): void {
    const cap = this.starts.length * 2;
    const g32 = (a: Uint32Array) => {
      const b = new Uint32Array(cap);
      b.set(a);
      return b;
    };
    this.starts = g32(this.starts);
    this.ends = g32(this.ends);
    this.hashes = g32(this.hashes);
    this.lines = g32(this.lines);
    const f = new Uint8Array(cap);
    f.set(this.flagBits);
    this.flagBits = f;
    const d = new Uint8Array(cap * 16);
    d.set(this.digests);
    this.digests = d;
    const l = new Uint8Array(cap * 16);
    l.set(this.lineDigests);
    this.lineDigests = l;
  }

  private addLine(i: number, line: Uint8Array): void {
    this.lineDigests.set(line.subarray(0, 16), i * 16);
    if ((this.lineCount + 1) * 2 > this.lineSlots.length) {
      const slots = new Int32Array(Math.max(2048, this.lineSlots.length * 2));
      const mask = slots.length - 1;
      for (const e of this.lineSlots) {
        if (e === 0) continue;
        let s = lineHash(this.lineDigests, (e - 1) * 16) & mask;
        while (slots[s] !== 0) s = (s + 1) & mask;
        slots[s] = e;
      }
      this.lineSlots = slots;
    }
    const mask = this.lineSlots.length - 1;
    let s = lineHash(line, 0) & mask;
    while (this.lineSlots[s] !== 0) s = (s + 1) & mask;
    this.lineSlots[s] = i + 1;
    this.lineCount++;
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
   * The line digests moved into shared memory (once; the map then reads them there too, so they are
   * not held twice), with a shared copy of the flags. Call when the map is complete.
   */
  shareLines(): SharedLines {
    if (!(this.lineDigests.buffer instanceof SharedArrayBuffer)) {
      const used = this.lineCount ? this.size * 16 : 0;
      const digests = new Uint8Array(new SharedArrayBuffer(Math.max(16, used)));
      digests.set(this.lineDigests.subarray(0, used));
      const slots = new Int32Array(new SharedArrayBuffer(Math.max(4, this.lineSlots.length * 4)));
      slots.set(this.lineSlots);
      this.lineDigests = digests;
      this.lineSlots = this.lineSlots.length ? slots : new Int32Array(0);
    }
    const flags = new Uint8Array(new SharedArrayBuffer(Math.max(1, this.size)));
    flags.set(this.flagBits.subarray(0, this.size));
    return {
      digests: this.lineDigests,
      slots: this.lineSlots.length ? this.lineSlots : new Int32Array(new SharedArrayBuffer(4)),
      flags,
      count: this.lineCount,
    };
  }

  private rehash(): void {
    const slots = new Int32Array(this.slots.length * 2);
    const mask = slots.length - 1;
    for (let i = 0; i < this.size; i++) {
      let s = this.hashes[i] & mask;
      while (slots[s] !== 0) s = (s + 1) & mask;
      slots[s] = i + 1;
    }
    this.slots = slots;
  }

  /**
   * Adds a record (keys are unique per source). `digest`: 16 bytes, or null when the record has none;
   * `line`: the digest of the line its current version was read from (knownLines.ts), when it has one.
   */
  add(key: Uint8Array, digest: Uint8Array | null, flags: number, line: Uint8Array | null = null): void {
    if (this.size === this.starts.length) this.grow();
    if ((this.size + 1) * 2 > this.slots.length) this.rehash();
    if (this.arenaLen + key.length > this.arena.length) {
      const a = new Uint8Array(Math.max(this.arena.length * 2, this.arenaLen + key.length));
      a.set(this.arena.subarray(0, this.arenaLen));
      this.arena = a;
    }
    const i = this.size++;
    this.arena.set(key, this.arenaLen);
    this.starts[i] = this.arenaLen;
    this.arenaLen += key.length;
    this.ends[i] = this.arenaLen;
    const h = hashBytes(this.arena, this.starts[i], this.ends[i]);
    this.hashes[i] = h;
    if (digest && digest.length === 16) this.digests.set(digest, i * 16);
    else flags |= NO_DIGEST;
    this.flagBits[i] = flags;
    const mask = this.slots.length - 1;
    let s = h & mask;
    while (this.slots[s] !== 0) s = (s + 1) & mask;
    this.slots[s] = i + 1;
    if (line && line.length >= 16) this.addLine(i, line);
  }

  /** The entry of a key, or -1. */
  find(key: string): number {
    if (this.size === 0) return -1;
    let h = hashAscii(key);
    let bytes: Uint8Array | null = null;
    if (h === -1) {
      bytes = Buffer.from(key, 'utf8');
      h = hashBytes(bytes, 0, bytes.length);
    }
    const mask = this.slots.length - 1;
    const a = this.arena;
    for (let s = h & mask; ; s = (s + 1) & mask) {
      const e = this.slots[s];
      if (e === 0) return -1;
      const i = e - 1;
      if (this.hashes[i] !== h) continue;
      const start = this.starts[i];
      const len = this.ends[i] - start;
      if (bytes) {
        if (len === bytes.length && Buffer.compare(bytes, a.subarray(start, start + len)) === 0) return i;
        continue;
      }
      if (len !== key.length) continue;
      let k = 0;
      while (k < len && a[start + k] === key.charCodeAt(k)) k++;
      if (k === len) return i;
    }
  }

  flags(i: number): number {
    return this.flagBits[i];
  }

  mark(i: number, flag: number): void {
    this.flagBits[i] |= flag;
  }

  /** The line of the first loaded row of entry i (set with LOADED). */
  firstLine(i: number): number {
    return this.lines[i];
  }

  setFirstLine(i: number, line: number): void {
    this.lines[i] = line;
  }

  /** Whether entry i holds this content digest (32 hex digits). */
  sameDigest(i: number, hex: string): boolean {
    if (this.flagBits[i] & NO_DIGEST || hex.length !== 32) return false;
    const d = this.digests;
    const o = i * 16;
    for (let j = 0; j < 16; j++) {
      const v = (HEX[hex.charCodeAt(2 * j)] << 4) | HEX[hex.charCodeAt(2 * j + 1)];
      if (d[o + j] !== v) return false;
    }
    return true;
  }

  /** Whether a loaded row with this digest changes nothing: the record is active, has the digest, and this run did not write it. */
  unchanged(i: number, hex: string): boolean {
    return (this.flagBits[i] & (ACTIVE | OWN)) === ACTIVE && this.sameDigest(i, hex);
  }

  key(i: number): string {
    return Buffer.from(this.arena.buffer, this.arena.byteOffset + this.starts[i], this.ends[i] - this.starts[i]).toString('utf8');
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
   * with a null key carries the fingerprint (as its digest column's text).
   */
  static async fromBinaryCopy(chunks: AsyncIterable<Uint8Array>): Promise<SourceSnapshot> {
    const snap = new SourceSnapshot();
    let buf: Buffer = Buffer.alloc(0);
    let headerDone = false;
    let ended = false;
    for await (const chunk of chunks) {
      buf = buf.length ? Buffer.concat([buf, chunk]) : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
      if (ended) continue;
      let p = 0;
      if (!headerDone) {
        if (buf.length < 19) continue;
        const ext = buf.readUInt32BE(15);
        if (buf.length < 19 + ext) continue;
        p = 19 + ext;
        headerDone = true;
      }
      for (;;) {
        const t = p;
        if (buf.length - p < 2) break;
        const n = buf.readInt16BE(p);
        p += 2;
        if (n === -1) {
          ended = true;
          break;
        }
        const fields: (Buffer | null)[] = [];
        let complete = true;
        for (let f = 0; f < n; f++) {
          if (buf.length - p < 4) {
            complete = false;
            break;
          }
          const len = buf.readInt32BE(p);
          p += 4;
          if (len === -1) {
            fields.push(null);
            continue;
          }
          if (buf.length - p < len) {
            complete = false;
            break;
          }
          fields.push(buf.subarray(p, p + len));
          p += len;
        }
        if (!complete) {
          p = t;
          break;
        }
        const [key, digest, flags, line] = fields;
        if (key === null) snap.fingerprint = digest ? digest.toString('utf8') : '';
        else snap.add(key!, digest, flags ? flags.readInt16BE(0) : 0, line ?? null);
      }
      // Keep only the unread tail (a copy: the chunk's memory is released).
      // After the trailer the stream is read to its end all the same: leaving a COPY early would leave the connection mid-protocol.
      buf = ended ? Buffer.alloc(0) : p < buf.length ? Buffer.from(buf.subarray(p)) : Buffer.alloc(0);
    }
    return snap;
  }
}
