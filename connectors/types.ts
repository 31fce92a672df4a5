/**
 * The contract between connectors (pure: bytes in, normalized records out) and the import
 * pipeline in `src/` (staging, snapshot diff, apply). Connectors never touch the database.
 */
import type { IdentityFields } from '../src/domain/identity/identityFields';
import type { SisbenGroup, Zone } from '../src/domain/reference/sisben';
import type { AffiliationState, Regime, Subsystem } from '../src/domain/reference/affiliations';
import type { InclusionState } from '../src/domain/reference/victims';
import type { SourceName } from '../src/kernel';

export type Severity = 'error' | 'warning';

/**
 * One problem with one row. `message` never quotes the offending value: row errors are shown to
 * operators and stored in the database, and the value may be personal data. The line number lets
 * the operator open the file at the right place instead.
 */
export interface RowIssue {
  /** Physical 1-based line of the file where the record starts (the header is line 1). */
  line: number;
  /** Column name as the source spells it (e.g. `fec_nacimiento`, `AFL_FECHA_NACIMIENTO`), or `(row)`. */
  field: string;
  /** Stable machine code, e.g. INVALID_DATE, UNKNOWN_MUNICIPALITY, WRONG_COLUMN_COUNT. */
  code: string;
  message: string;
  severity: Severity;
}

export interface HouseholdFields {
  /** Deterministic household key within the source (Sisbén: ficha + hogar). */
  key: string;
  municipalityCode: string;
  zone: Zone | null;
  ficha: string | null;
  /** Parentesco code 1–19 (see KINSHIP_ROLES). */
  role: number | null;
  /** Order of the person in the household (Sisbén `ide_persona`). */
  order: number | null;
}

export interface SisbenFields {
  group: SisbenGroup;
  /** e.g. `C12`. */
  subgroup: string;
  cutDate: string | null;
  surveyDate: string | null;
}

export interface AffiliationFields {
  subsystem: Subsystem;
  administratorCode: string;
  administratorName: string | null;
  regime: Regime | null;
  affiliateType: string | null;
  state: AffiliationState;
  /** The source's own state code (e.g. BDUA `AC`). */
  stateCode: string;
  startDate: string | null;
  /** null = open (BDUA sends 31/12/2999). */
  endDate: string | null;
  municipalityCode: string | null;
  /** Programa de asistencia social, when the subsystem is ASISTENCIA_SOCIAL. */
  program: string | null;
}

export interface VictimFields {
  eventCode: number;
  victimType: 'DIRECTA' | 'INDIRECTA' | null;
  occurrenceDate: string | null;
  declarationDate: string | null;
  inclusionDate: string | null;
  occurrenceMunicipality: string | null;
  declarationMunicipality: string | null;
  arrivalMunicipality: string | null;
  inclusionState: InclusionState | null;
}

/** A row mapped to the hub's model. Exactly the facts its source provides are present. */
export interface NormalizedRecord {
  /**
   * Deterministic key of the record within its source, stable across extracts, so that a later
   * snapshot can tell added / changed / disappeared records (Sisbén: ficha-hogar-persona; BDUA:
   * AFL_ID; RUAF: doc + subsystem + administrator; RUV: doc + hecho + ...).
   */
  sourceKey: string;
  identity: IdentityFields;
  /** Residence or affiliation municipality (DIVIPOLA, 5 digits), when the source gives one. */
  municipalityCode: string | null;
  household?: HouseholdFields;
  sisben?: SisbenFields;
  affiliation?: AffiliationFields;
  victim?: VictimFields;
  /** Other normalized source columns worth keeping (never used for matching). */
  extra?: Record<string, string | null>;
}

/** One parsed record; `R` is the record type of the connector (person sources: NormalizedRecord). */
export type RowResult<R = NormalizedRecord> =
  | { ok: true; line: number; raw: string; record: R; warnings: RowIssue[] }
  | {
      ok: false;
      line: number;
      raw: string;
      errors: RowIssue[];
      warnings: RowIssue[];
      /**
       * The record's key, when every field of the key parsed cleanly although another field did not
       * (e.g. a bad birth date). The pipeline then keeps the record's previous version instead of
       * treating it as disappeared from this extract. Absent when the key itself is unusable.
       */
      sourceKey?: string;
      /**
       * A key read from an unreadable row by another reading of it (a row written with another of the
       * layout's delimiters): uncertain, so the row is not loaded and its record is not kept — only
       * held back from disappearing in this extract.
       */
      possibleKey?: string;
    };

/** A problem with the whole file: the run fails and canonical tables stay unchanged. */
export class FileFormatError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly line?: number,
  ) {
    super(message);
    this.name = 'FileFormatError';
  }
}

/**
 * Counters a connector fills in while parsing (optional, see ParseContext.stats). Every physical line
 * is either part of the header, blank (skipped), or part of exactly one record:
 * physicalLines = headerLines + blankLines + (sum of the lines of each record).
 */
export interface ParseStats {
  physicalLines: number;
  headerLines: number;
  blankLines: number;
  /** Records yielded (ok + error rows). */
  records: number;
}

export function emptyParseStats(): ParseStats {
  return { physicalLines: 0, headerLines: 0, blankLines: 0, records: 0 };
}

export interface ParseContext {
  fileName: string;
  /** ISO date of "today" (injected clock) for "not in the future" rules. */
  today: string;
  /** Valid DIVIPOLA municipality codes (1,122 units). */
  municipalities: ReadonlySet<string>;
  /** When given, filled in while parsing (line accounting for the run summary). */
  stats?: ParseStats;
  /**
   * The pipeline's lines already held unchanged (issue 15, the nightly case): a one-line record the
   * pipeline recognises by its text is counted there and neither mapped nor yielded. Read when the
   * file's layout is known, so it may be set after the parse generator was created.
   */
  knownLines?: KnownLines;
  /** Called once a delimited file's reading is decided (header, delimiter): what a parse of a later byte range of it needs. */
  onReading?(reading: DelimitedReading): void;
  /**
   * Parse one byte range of a file (a parallel parse, src/imports/parallelParse.ts): `resume` continues
   * the file at a physical line with the reading of its head; `lastLine` stops before any record that
   * starts after that line (a record that starts before it is read to its end, past the range).
   */
  range?: { resume?: { reading: DelimitedReading; line: number }; lastLine: number | null };
}

/** How a delimited file is read, decided on its head: the layout, the delimiter and its first record (the header, or the first data row). */
export interface DelimitedReading {
  /** What the reading seeds line digests with (KnownLines.begin). */
  text: string;
  layoutId: string;
  delimiter: string;
  first: { line: number; lines: number; raw: string; fields: string[]; special: boolean; malformed?: 'UNTERMINATED_QUOTE' };
}

export interface KnownLines {
  /**
   * How this file is read (layout, delimiter, header line, column count): a line's text means the
   * same record only under the same reading, so it seeds every line digest.
   */
  begin(reading: string): void;
  /** True when the record on this one physical line (`raw`, without its line break) is held unchanged: it was counted. */
  known(raw: string, line: number): boolean;
}

export interface Connector<R = NormalizedRecord> {
  readonly source: SourceName;
  readonly label: string;
  /**
   * Confidence in [0, 1] that the file belongs to this source, from its name and its first decoded
   * lines (content beats name: a renamed file is still recognized).
   */
  detect(fileName: string, headLines: readonly string[]): number;
  /**
   * Parses decoded text (BOM removed by the shared decoder; each field is then mojibake-repaired and
   * NFC-normalized by the shared reader, after splitting, so a repair never crosses a delimiter) and
   * yields one result per record, in file order. Throws FileFormatError for structural problems.
   */
  parse(text: AsyncIterable<string>, ctx: ParseContext): AsyncGenerator<RowResult<R>, void, undefined>;
}
