import crypto from 'node:crypto';
import type { TableRecords } from '../../../connectors';
import type { TableSourceName } from '../../kernel';
import { copyText } from '../../platform/db/copyText';

/**
 * The typed columns of each table source, in COPY order: one list from which the staging DDL, the
 * COPY line, the content digest and the apply's column lists all come. A record field without its
 * column here is a compile error (`AllOf`), so no field of a record is silently dropped.
 */
type ColumnType = 'text' | 'smallint' | 'integer' | 'boolean' | 'date' | 'char(5)' | 'zone' | 'smallint[]';
interface TableColumn<K extends string> {
  field: K;
  column: string;
  type: ColumnType;
}

export interface TableSourceSpec<S extends TableSourceName = TableSourceName> {
  source: S;
  /** The versioned table (schema/tableSources.ts). */
  table: string;
  columns: readonly TableColumn<Extract<keyof TableRecords[S], string>>[];
}

type Fields<S extends TableSourceName> = Exclude<Extract<keyof TableRecords[S], string>, 'sourceKey'>;
type AllOf<S extends TableSourceName, C extends readonly TableColumn<string>[]> = Exclude<Fields<S>, C[number]['field']> extends never ? C : never;
const columns =
  <S extends TableSourceName>() =>
  <const C extends readonly TableColumn<Fields<S>>[]>(c: C & AllOf<S, C>) =>
    c;

const SISBEN_HOGARES_COLUMNS = columns<'sisben_hogares'>()([
  { field: 'ficha', column: 'ficha', type: 'text' },
  { field: 'householdNo', column: 'household_no', type: 'smallint' },
  { field: 'municipalityCode', column: 'municipality_code', type: 'char(5)' },
  { field: 'zone', column: 'zone', type: 'zone' },
  { field: 'cutDate', column: 'cut_date', type: 'date' },
  { field: 'surveyDate', column: 'survey_date', type: 'date' },
  { field: 'dwellingType', column: 'dwelling_type', type: 'smallint' },
  { field: 'wallMaterial', column: 'wall_material', type: 'smallint' },
  { field: 'floorMaterial', column: 'floor_material', type: 'smallint' },
  { field: 'hasEnergy', column: 'has_energy', type: 'boolean' },
  { field: 'hasSewer', column: 'has_sewer', type: 'boolean' },
  { field: 'hasGas', column: 'has_gas', type: 'boolean' },
  { field: 'hasGarbageCollection', column: 'has_garbage_collection', type: 'boolean' },
  { field: 'hasAqueduct', column: 'has_aqueduct', type: 'boolean' },
  { field: 'dwellingRooms', column: 'dwelling_rooms', type: 'smallint' },
  { field: 'dwellingHouseholds', column: 'dwelling_households', type: 'smallint' },
  { field: 'tenure', column: 'tenure', type: 'smallint' },
  { field: 'rooms', column: 'rooms', type: 'smallint' },
  { field: 'bedrooms', column: 'bedrooms', type: 'smallint' },
  { field: 'toiletType', column: 'toilet_type', type: 'smallint' },
  { field: 'toiletLocation', column: 'toilet_location', type: 'smallint' },
  { field: 'toiletShared', column: 'toilet_shared', type: 'boolean' },
  { field: 'waterSource', column: 'water_source', type: 'smallint' },
  { field: 'waterAllWeek', column: 'water_all_week', type: 'boolean' },
  { field: 'drinkingWater', column: 'drinking_water', type: 'smallint' },
  { field: 'garbageDisposal', column: 'garbage_disposal', type: 'smallint' },
  { field: 'hasKitchen', column: 'has_kitchen', type: 'boolean' },
  { field: 'cookingFuel', column: 'cooking_fuel', type: 'smallint' },
  { field: 'persons', column: 'persons', type: 'smallint' },
]);

const OFERTA_COLUMNS = columns<'oferta'>()([
  { field: 'offerCode', column: 'offer_code', type: 'text' },
  { field: 'municipalityCode', column: 'municipality_code', type: 'char(5)' },
  { field: 'entity', column: 'entity', type: 'text' },
  { field: 'entityNit', column: 'entity_nit', type: 'text' },
  { field: 'program', column: 'program', type: 'text' },
  { field: 'logros', column: 'logros', type: 'smallint[]' },
  { field: 'places', column: 'places', type: 'integer' },
  { field: 'periodStart', column: 'period_start', type: 'date' },
  { field: 'periodEnd', column: 'period_end', type: 'date' },
  { field: 'zone', column: 'zone', type: 'zone' },
  { field: 'targetPopulation', column: 'target_population', type: 'text' },
]);

export const TABLE_SPECS: { readonly [S in TableSourceName]: TableSourceSpec<S> } = {
  sisben_hogares: { source: 'sisben_hogares', table: 'sisben_hogares', columns: SISBEN_HOGARES_COLUMNS },
  oferta: { source: 'oferta', table: 'local_offers', columns: OFERTA_COLUMNS },
};

const N = '\\N';

/** Bookkeeping columns of a table source's staging table, then its typed columns. */
export function stagingDdl(spec: TableSourceSpec): string {
  return (
    'ord integer, line integer not null, lines integer not null, source_key text not null, content_hash bytea, raw text, ' +
    spec.columns.map((c) => `${c.column} ${c.type}`).join(', ') +
    ', dup boolean not null default false'
  );
}

export function stagingColumns(spec: TableSourceSpec): string[] {
  return ['ord', 'line', 'lines', 'source_key', 'content_hash', 'raw', ...spec.columns.map((c) => c.column)];
}

function cell(v: unknown, type: ColumnType): string {
  if (v === null || v === undefined) return N;
  if (type === 'boolean') return v ? 't' : 'f';
  if (type === 'smallint[]') return `{${(v as number[]).join(',')}}`;
  if (typeof v === 'number') return String(v);
  return copyText(String(v));
}

const oneShot = (crypto as { hash?: (alg: string, data: string, enc: 'hex') => string }).hash;
const digest: (s: string) => string = oneShot
  ? (s) => oneShot('sha1', s, 'hex').slice(0, 32)
  : (s) => crypto.createHash('sha1').update(s).digest('hex').slice(0, 32);

/**
 * A loaded row in COPY text: its order number, line(s), key, content digest (128-bit SHA-1 of the
 * typed columns: equal values give equal digests, so an unchanged record is recognized by it alone),
 * raw line and typed columns.
 */
export function stagedTableLine(spec: TableSourceSpec, ord: number, line: number, lines: number, raw: string, record: object): string {
  const r = record as Record<string, unknown>;
  let cols = '';
  for (const c of spec.columns) cols += `\t${cell(r[c.field], c.type)}`;
  return `${ord}\t${line}\t${lines}\t${copyText(r.sourceKey as string)}\t\\\\x${digest(cols)}\t${copyText(raw)}${cols}\n`;
}

/** A rejected row whose key parsed: staged without order number, only so its record is not counted as gone. */
export function rejectedTableLine(spec: TableSourceSpec, line: number, lines: number, sourceKey: string): string {
  return `${N}\t${line}\t${lines}\t${copyText(sourceKey)}\t${N}\t${N}${`\t${N}`.repeat(spec.columns.length)}\n`;
}
