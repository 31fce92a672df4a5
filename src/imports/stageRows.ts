import crypto from 'node:crypto';
import type { NormalizedRecord, RowIssue, RowResult } from '../../connectors/types';
import { copyText, CopyBatcher, CopyBuffer } from '../platform/db/copyText';

export interface StageCounters {
  rowsTotal: number;
  rowsLoaded: number;
  rowsRejected: number;
  rowsWithWarnings: number;
  /** Rejected rows whose key parsed: their records keep their previous version (not disappeared). */
  rejectedWithKey: number;
  /** Physical lines of loaded and of rejected records (a quoted field may span several lines). */
  loadedLines: number;
  rejectedLines: number;
  /** Loaded rows carrying each optional part (the bulk path skips the tables of absent parts). */
  parts: StagedParts;
}

export interface StagedParts {
  household: number;
  sisben: number;
  affiliation: number;
  victim: number;
}

const N = '\\N';
/** Characters that need escaping in a JSON string or in COPY text (a superset of both sets). */
const SPECIAL = /["\\\u0000-\u001f]/;

/**
 * Per-value encoder shared by the JSON text and the COPY columns: one regex test per value decides
 * both. `json()` returns the JSON literal and leaves the COPY text in `copy`.
 */
class Encoder {
  copy = N;
  /** JSON escaping put a backslash into the JSON text: the text then needs COPY escaping too. */
  escaped = false;

  json(v: string | null | undefined): string {
    if (v == null) {
      this.copy = N;
      return 'null';
    }
    if (!SPECIAL.test(v)) {
      this.copy = v;
      return `"${v}"`;
    }
    this.copy = copyText(v);
    this.escaped = true;
    return JSON.stringify(v);
  }

  num(v: number | null | undefined): string {
    if (v == null) {
      this.copy = N;
      return 'null';
    }
    return (this.copy = String(v));
  }
}

// The serializer below writes every field of these interfaces; adding a field to one of them without
// serializing it is a compile error here (`Exact` fails), so no part of a record is silently dropped.
type Exact<T, K extends readonly (keyof T)[]> = Exclude<keyof T, K[number]> extends never ? K : never;
type Keys = readonly string[];
const IDENTITY = ['docType', 'docNumber', 'firstName', 'secondName', 'firstSurname', 'secondSurname', 'birthDate', 'sex'] as const;
const HOUSEHOLD = ['key', 'municipalityCode', 'zone', 'ficha', 'role', 'order'] as const;
const SISBEN = ['group', 'subgroup', 'cutDate', 'surveyDate'] as const;
const AFFILIATION = ['subsystem', 'administratorCode', 'administratorName', 'regime', 'affiliateType', 'state', 'stateCode', 'startDate', 'endDate', 'municipalityCode', 'program'] as const;
const VICTIM = ['eventCode', 'victimType', 'occurrenceDate', 'declarationDate', 'inclusionDate', 'occurrenceMunicipality', 'declarationMunicipality', 'arrivalMunicipality', 'inclusionState'] as const;
const RECORD = ['sourceKey', 'identity', 'municipalityCode', 'household', 'sisben', 'affiliation', 'victim', 'extra'] as const;
export const SERIALIZED_FIELDS: Record<string, Keys> = {
  record: RECORD satisfies Exact<NormalizedRecord, typeof RECORD>,
  identity: IDENTITY satisfies Exact<NormalizedRecord['identity'], typeof IDENTITY>,
  household: HOUSEHOLD satisfies Exact<NonNullable<NormalizedRecord['household']>, typeof HOUSEHOLD>,
  sisben: SISBEN satisfies Exact<NonNullable<NormalizedRecord['sisben']>, typeof SISBEN>,
  affiliation: AFFILIATION satisfies Exact<NonNullable<NormalizedRecord['affiliation']>, typeof AFFILIATION>,
  victim: VICTIM satisfies Exact<NonNullable<NormalizedRecord['victim']>, typeof VICTIM>,
};

/** 2 × 12 empty columns of the optional parts. */
const NO_HOUSEHOLD = `\t${N}\t${N}\t${N}\t${N}\t${N}\t${N}`;
const NO_SISBEN = `\t${N}\t${N}\t${N}\t${N}`;
const NO_AFFILIATION = `\t${N}\t${N}\t${N}\t${N}\t${N}\t${N}\t${N}\t${N}\t${N}\t${N}\t${N}`;
const NO_VICTIM = `\t${N}\t${N}\t${N}\t${N}\t${N}\t${N}\t${N}\t${N}\t${N}`;

/**
 * One staged row in COPY text format, in the order of STAGING_COLUMNS (importRepository.ts): the
 * record's key, digest, raw line and normalized JSON (for source_records), then the typed columns
 * the set-based apply reads without touching JSON. The JSON is written here rather than by
 * JSON.stringify, and the digest taken over the typed columns (see `digest`): together they cost a
 * third of JSON.stringify + MD5 of its text. Equal records give equal text, so an unchanged record
 * is recognized by its digest alone.
 */
export function stagedLine(ord: number, line: number, lines: number, raw: string, r: NormalizedRecord): string {
  const e = new Encoder();
  const i = r.identity;
  let cols = '';
  let json = `{"sourceKey":${e.json(r.sourceKey)}`;
  const key = e.copy;
  json += `,"identity":{"docType":${e.json(i.docType)}`;
  cols += `\t${e.copy}`;
  json += `,"docNumber":${e.json(i.docNumber)}`;
  cols += `\t${e.copy}`;
  json += `,"firstName":${e.json(i.firstName)}`;
  cols += `\t${e.copy}`;
  json += `,"secondName":${e.json(i.secondName)}`;
  cols += `\t${e.copy}`;
  json += `,"firstSurname":${e.json(i.firstSurname)}`;
  cols += `\t${e.copy}`;
  json += `,"secondSurname":${e.json(i.secondSurname)}`;
  cols += `\t${e.copy}`;
  json += `,"birthDate":${e.json(i.birthDate)}`;
  cols += `\t${e.copy}`;
  json += `,"sex":${e.json(i.sex)}}`;
  cols += `\t${e.copy}`;
  json += `,"municipalityCode":${e.json(r.municipalityCode)}`;
  cols += `\t${e.copy}`;
  const h = r.household;
  if (h) {
    json += `,"household":{"key":${e.json(h.key)}`;
    cols += `\t${e.copy}`;
    json += `,"municipalityCode":${e.json(h.municipalityCode)}`;
    cols += `\t${e.copy}`;
    json += `,"zone":${e.json(h.zone)}`;
    cols += `\t${e.copy}`;
    json += `,"ficha":${e.json(h.ficha)}`;
    cols += `\t${e.copy}`;
    json += `,"role":${e.num(h.role)}`;
    cols += `\t${e.copy}`;
    json += `,"order":${e.num(h.order)}}`;
    cols += `\t${e.copy}`;
  } else cols += NO_HOUSEHOLD;
  const s = r.sisben;
  if (s) {
    json += `,"sisben":{"group":${e.json(s.group)}`;
    cols += `\t${e.copy}`;
    json += `,"subgroup":${e.json(s.subgroup)}`;
    cols += `\t${e.copy}`;
    json += `,"cutDate":${e.json(s.cutDate)}`;
    cols += `\t${e.copy}`;
    json += `,"surveyDate":${e.json(s.surveyDate)}}`;
    cols += `\t${e.copy}`;
  } else cols += NO_SISBEN;
  const a = r.affiliation;
  if (a) {
    json += `,"affiliation":{"subsystem":${e.json(a.subsystem)}`;
    cols += `\t${e.copy}`;
    json += `,"administratorCode":${e.json(a.administratorCode)}`;
    cols += `\t${e.copy}`;
    json += `,"administratorName":${e.json(a.administratorName)}`;
    cols += `\t${e.copy}`;
    json += `,"regime":${e.json(a.regime)}`;
    cols += `\t${e.copy}`;
    json += `,"affiliateType":${e.json(a.affiliateType)}`;
    cols += `\t${e.copy}`;
    json += `,"state":${e.json(a.state)}`;
    cols += `\t${e.copy}`;
    json += `,"stateCode":${e.json(a.stateCode)}`;
    cols += `\t${e.copy}`;
    json += `,"startDate":${e.json(a.startDate)}`;
    cols += `\t${e.copy}`;
    json += `,"endDate":${e.json(a.endDate)}`;
    cols += `\t${e.copy}`;
    json += `,"municipalityCode":${e.json(a.municipalityCode)}`;
    cols += `\t${e.copy}`;
    json += `,"program":${e.json(a.program)}}`;
    cols += `\t${e.copy}`;
  } else cols += NO_AFFILIATION;
  const v = r.victim;
  if (v) {
    json += `,"victim":{"eventCode":${e.num(v.eventCode)}`;
    cols += `\t${e.copy}`;
    json += `,"victimType":${e.json(v.victimType)}`;
    cols += `\t${e.copy}`;
    json += `,"occurrenceDate":${e.json(v.occurrenceDate)}`;
    cols += `\t${e.copy}`;
    json += `,"declarationDate":${e.json(v.declarationDate)}`;
    cols += `\t${e.copy}`;
    json += `,"inclusionDate":${e.json(v.inclusionDate)}`;
    cols += `\t${e.copy}`;
    json += `,"occurrenceMunicipality":${e.json(v.occurrenceMunicipality)}`;
    cols += `\t${e.copy}`;
    json += `,"declarationMunicipality":${e.json(v.declarationMunicipality)}`;
    cols += `\t${e.copy}`;
    json += `,"arrivalMunicipality":${e.json(v.arrivalMunicipality)}`;
    cols += `\t${e.copy}`;
    json += `,"inclusionState":${e.json(v.inclusionState)}}`;
    cols += `\t${e.copy}`;
  } else cols += NO_VICTIM;
  let extra = '';
  if (r.extra) {
    let first = true;
    extra = '{';
    for (const k in r.extra) {
      extra += `${first ? '' : ','}${e.json(k)}:${e.json(r.extra[k])}`;
      first = false;
    }
    extra += '}';
    json += `,"extra":${extra}`;
  }
  json += '}';
  // The typed columns hold every field of the record but the key (equal by construction) and the
  // extras: their digest is the record's content digest, over a third of the JSON's length.
  const hash = digest(`${cols}\t${extra}`);
  return `${ord}\t${line}\t${lines}\t${key}\t\\\\x${hash}\t${copyText(raw)}\t${e.escaped ? copyText(json) : json}${cols}\n`;
}

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

/**
 * Remembers the record keys of a file in a fixed 32 MiB Bloom filter (four probes), so memory stays
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

  constructor(log2Bits = 28, private readonly maxSuspects = 50_000) {
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
const REJECTED_TAIL = `\t${Array.from({ length: 42 }, () => N).join('\t')}\n`;

/**
 * A rejected row whose key parsed: staged without an order number (never applied), only so that its
 * record is not counted as disappeared from this extract.
 */
export function rejectedLine(line: number, lines: number, sourceKey: string): string {
  return `${N}\t${line}\t${lines}\t${copyText(sourceKey)}${REJECTED_TAIL}`;
}

/**
 * Turns the connector's results into two COPY streams: staged rows (loaded rows, and rejected rows
 * whose key parsed) and row issues (errors and warnings). Row issues are flushed in batches through
 * `flushIssues` while the staging COPY is open, so memory stays flat however many rows a file has.
 * Loaded rows are numbered 0, 1, 2… (`ord`): chunk k applies ord in [k·size, (k+1)·size).
 */
export function stageRows(
  runId: number,
  rows: AsyncIterable<RowResult>,
  flushIssues: (copyText: string) => Promise<void>,
  onRow?: (c: StageCounters) => void | Promise<void>,
): { staged: AsyncGenerator<Uint8Array, void, undefined>; counters: StageCounters; keys: KeyFilter } {
  const keys = new KeyFilter();
  const counters: StageCounters = { rowsTotal: 0, rowsLoaded: 0, rowsRejected: 0, rowsWithWarnings: 0, rejectedWithKey: 0, loadedLines: 0, rejectedLines: 0, parts: { household: 0, sisben: 0, affiliation: 0, victim: 0 } };
  const issues = new CopyBatcher(128 * 1024);
  const issueLine = (i: RowIssue) =>
    `${runId}\t${i.line}\t${copyText(i.field)}\t${copyText(i.code)}\t${copyText(i.message)}\t${i.severity}\n`;

  async function* staged(): AsyncGenerator<Uint8Array, void, undefined> {
    const batch = new CopyBuffer();
    let ord = 0;
    for await (const r of rows) {
      counters.rowsTotal++;
      const lines = recordLines(r.raw);
      let full: Uint8Array | null = null;
      if (r.ok) {
        counters.rowsLoaded++;
        counters.loadedLines += lines;
        if (r.warnings.length) counters.rowsWithWarnings++;
        keys.add(r.record.sourceKey);
        const p = counters.parts;
        if (r.record.household) p.household++;
        if (r.record.sisben) p.sisben++;
        if (r.record.affiliation) p.affiliation++;
        if (r.record.victim) p.victim++;
        full = batch.push(stagedLine(ord++, r.line, lines, r.raw, r.record));
      } else {
        counters.rowsRejected++;
        counters.rejectedLines += lines;
        for (const e of r.errors) {
          const chunk = issues.push(issueLine(e));
          if (chunk) await flushIssues(chunk);
        }
        if (r.sourceKey) {
          counters.rejectedWithKey++;
          full = batch.push(rejectedLine(r.line, lines, r.sourceKey));
        }
      }
      for (const w of r.warnings) {
        const chunk = issues.push(issueLine(w));
        if (chunk) await flushIssues(chunk);
      }
      if (onRow && (counters.rowsTotal & 0x3fff) === 0) await onRow(counters);
      if (full) yield full;
    }
    const rest = batch.take();
    if (rest) yield rest;
    const lastIssues = issues.take();
    if (lastIssues) await flushIssues(lastIssues);
  }

  return { staged: staged(), counters, keys };
}
