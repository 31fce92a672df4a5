import type { NormalizedRecord } from '../../connectors/types';

/**
 * The staging table of an import run, column by column, in COPY order: the one list from which the
 * table's DDL, the COPY column list and the row encoder (stageRows.ts) all come. Each record field
 * has its column; a part that a record lacks (no household, no affiliation…) is a run of NULLs.
 */

/** How a field's value is written: as text, or as a number (JSON without quotes). */
type Kind = 'text' | 'num';
interface FieldColumn<K extends string> {
  field: K;
  column: string;
  type: string;
  kind?: Kind;
}

type Identity = NormalizedRecord['identity'];
type Household = NonNullable<NormalizedRecord['household']>;
type Sisben = NonNullable<NormalizedRecord['sisben']>;
type Affiliation = NonNullable<NormalizedRecord['affiliation']>;
type Victim = NonNullable<NormalizedRecord['victim']>;

// Every field of a part must have its column: a field added to a record type without a column here
// is a compile error (`AllOf` fails), so no part of a record is silently dropped.
type AllOf<T, C extends readonly FieldColumn<string>[]> = Exclude<keyof T, C[number]['field']> extends never ? C : never;
const columns =
  <T>() =>
  <const C extends readonly FieldColumn<Extract<keyof T, string>>[]>(c: C & AllOf<T, C>) =>
    c;

export const IDENTITY_COLUMNS = columns<Identity>()([
  { field: 'docType', column: 'doc_type', type: 'varchar(2)' },
  { field: 'docNumber', column: 'doc_number', type: 'varchar(20)' },
  { field: 'firstName', column: 'first_name', type: 'text' },
  { field: 'secondName', column: 'second_name', type: 'text' },
  { field: 'firstSurname', column: 'first_surname', type: 'text' },
  { field: 'secondSurname', column: 'second_surname', type: 'text' },
  { field: 'birthDate', column: 'birth_date', type: 'date' },
  { field: 'sex', column: 'sex', type: 'sex' },
]);
export const HOUSEHOLD_COLUMNS = columns<Household>()([
  { field: 'key', column: 'household_key', type: 'text' },
  { field: 'municipalityCode', column: 'hh_municipality', type: 'char(5)' },
  { field: 'zone', column: 'hh_zone', type: 'zone' },
  { field: 'ficha', column: 'hh_ficha', type: 'text' },
  { field: 'role', column: 'hh_role', type: 'smallint', kind: 'num' },
  { field: 'order', column: 'hh_order', type: 'smallint', kind: 'num' },
]);
export const SISBEN_COLUMNS = columns<Sisben>()([
  { field: 'group', column: 'sb_group', type: 'char(1)' },
  { field: 'subgroup', column: 'sb_subgroup', type: 'varchar(3)' },
  { field: 'cutDate', column: 'sb_cut_date', type: 'date' },
  { field: 'surveyDate', column: 'sb_survey_date', type: 'date' },
]);
export const AFFILIATION_COLUMNS = columns<Affiliation>()([
  { field: 'subsystem', column: 'af_subsystem', type: 'subsystem' },
  { field: 'administratorCode', column: 'af_admin_code', type: 'text' },
  { field: 'administratorName', column: 'af_admin_name', type: 'text' },
  { field: 'regime', column: 'af_regime', type: 'text' },
  { field: 'affiliateType', column: 'af_type', type: 'text' },
  { field: 'state', column: 'af_state', type: 'affiliation_state' },
  { field: 'stateCode', column: 'af_state_code', type: 'text' },
  { field: 'startDate', column: 'af_start', type: 'date' },
  { field: 'endDate', column: 'af_end', type: 'date' },
  { field: 'municipalityCode', column: 'af_municipality', type: 'char(5)' },
  { field: 'program', column: 'af_program', type: 'text' },
]);
export const VICTIM_COLUMNS = columns<Victim>()([
  { field: 'eventCode', column: 'vi_event', type: 'smallint', kind: 'num' },
  { field: 'victimType', column: 'vi_type', type: 'text' },
  { field: 'occurrenceDate', column: 'vi_occ_date', type: 'date' },
  { field: 'declarationDate', column: 'vi_decl_date', type: 'date' },
  { field: 'inclusionDate', column: 'vi_incl_date', type: 'date' },
  { field: 'occurrenceMunicipality', column: 'vi_occ_mun', type: 'char(5)' },
  { field: 'declarationMunicipality', column: 'vi_decl_mun', type: 'char(5)' },
  { field: 'arrivalMunicipality', column: 'vi_arr_mun', type: 'char(5)' },
  { field: 'inclusionState', column: 'vi_incl_state', type: 'text' },
]);

/** A segment of the record after its key: a scalar field of the record, or a part (nested object) with its fields. */
export type Segment =
  | { kind: 'scalar'; field: 'municipalityCode'; column: string; type: string }
  | { kind: 'part'; part: 'identity' | 'household' | 'sisben' | 'affiliation' | 'victim'; required: boolean; fields: readonly FieldColumn<string>[] };

/** The record's typed columns in order (after the bookkeeping columns of HEAD_COLUMNS below). */
export const RECORD_SEGMENTS: readonly Segment[] = [
  { kind: 'part', part: 'identity', required: true, fields: IDENTITY_COLUMNS },
  { kind: 'scalar', field: 'municipalityCode', column: 'municipality_code', type: 'char(5)' },
  { kind: 'part', part: 'household', required: false, fields: HOUSEHOLD_COLUMNS },
  { kind: 'part', part: 'sisben', required: false, fields: SISBEN_COLUMNS },
  { kind: 'part', part: 'affiliation', required: false, fields: AFFILIATION_COLUMNS },
  { kind: 'part', part: 'victim', required: false, fields: VICTIM_COLUMNS },
];

/**
 * Bookkeeping first: the loaded row's order number (null for a rejected row, which is staged only
 * so that its record is not counted as disappeared), its physical line(s), the record's key and
 * content digest, where its line is in the file (byte offset and length: the archived file is the
 * raw line's provenance, src/archive, and its values are re-derived from it, recordValues.ts), and
 * `record`: null, or POSSIBLE_KEY_MARK for a rejected row whose key was only guessed (stageRows.ts).
 * (It held the record's normalized JSON until issue 15 stopped storing it in source_records.)
 */
const HEAD_COLUMNS = [
  { column: 'ord', type: 'integer' },
  { column: 'line', type: 'integer not null' },
  { column: 'lines', type: 'integer not null' },
  { column: 'source_key', type: 'text not null' },
  { column: 'content_hash', type: 'bytea' },
  { column: 'line_hash', type: 'bytea' },
  { column: 'byte_offset', type: 'bigint' },
  { column: 'byte_length', type: 'integer' },
  { column: 'record', type: 'text' },
] as const;

const recordColumns = RECORD_SEGMENTS.flatMap((s) =>
  s.kind === 'scalar' ? [{ column: s.column, type: s.type }] : s.fields.map((f) => ({ column: f.column, type: f.type })),
);

/** Every column COPY writes, in order. */
export const STAGING_COLUMNS: readonly string[] = [...HEAD_COLUMNS.map((c) => c.column), ...recordColumns.map((c) => c.column)];

/** The staging table (unlogged, per run). `dup` is not copied: the apply marks in-file duplicate keys with it. */
export const STAGING_DDL = [...HEAD_COLUMNS, ...recordColumns].map((c) => `${c.column} ${c.type}`).join(', ') + ', dup boolean not null default false';

/** Columns after `source_key` (what a rejected row leaves NULL). */
export const COLUMNS_AFTER_KEY = STAGING_COLUMNS.length - HEAD_COLUMNS.findIndex((c) => c.column === 'source_key') - 1;

/** Columns between `source_key` and `record` (what a possible-key row leaves NULL before its mark). */
export const COLUMNS_BEFORE_RECORD = HEAD_COLUMNS.findIndex((c) => c.column === 'record') - HEAD_COLUMNS.findIndex((c) => c.column === 'source_key') - 1;
