import { sql } from 'drizzle-orm';
import { bigint, boolean, char, date, index, integer, pgTable, smallint, text, timestamp, uniqueIndex } from 'drizzle-orm/pg-core';
import { recordStatusEnum, zoneEnum } from './enums';
import { importRuns } from './imports';
import { municipalities } from './reference';
import { bytea } from './sources';

/**
 * Tables of the *table sources* (src/kernel/sources.ts): files whose rows are not persons — the
 * Sisbén IV hogares/viviendas extract and the Mapa de Oferta Local. Each table keeps every version of
 * every record (type-2 history): a cut adds a version for each new, changed or reappeared key,
 * closes the version it replaces (`superseded_run_id`), and marks the current version of a key the
 * cut lacks as vanished (`vanished_run_id`). Nothing is deleted, so a logro's evidence (a version
 * id) stays readable forever. The current state of a source is `is_current and status = 'active'`.
 */
const versionColumns = {
  id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
  /** The run (cut) that brought this version. */
  importRunId: bigint('import_run_id', { mode: 'number' })
    .notNull()
    .references(() => importRuns.id),
  /** Physical line of the file where the record starts (header = 1). */
  lineNo: integer('line_no').notNull(),
  sourceKey: text('source_key').notNull(),
  /** Digest of the typed values: an unchanged record in a later cut writes nothing. */
  contentHash: bytea('content_hash').notNull(),
  /** The latest version of its key (exactly one per key). */
  isCurrent: boolean('is_current').notNull().default(true),
  /** `vanished` once a later cut lacks the key (set on its current version). */
  status: recordStatusEnum('status').notNull().default('active'),
  supersededRunId: bigint('superseded_run_id', { mode: 'number' }),
  vanishedRunId: bigint('vanished_run_id', { mode: 'number' }),
  /** The record's line(s) as decoded from the file. */
  raw: text('raw').notNull(),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
};

/**
 * Sisbén IV households with the dwelling they live in (DNP `CNS_HOGARES` + `CNS_VIVIENDAS` of the
 * ficha), one version per household record. `source_key` = `ficha-hogar`, exactly the key of the
 * household the Sisbén person file creates (`households.source = 'sisben'`). Codes are the DNP
 * dictionary's, as received (see connectors/sisben-hogares and docs/imports.md); null = not given.
 */
export const sisbenHogares = pgTable(
  'sisben_hogares',
  {
    ...versionColumns,
    ficha: text('ficha').notNull(),
    householdNo: smallint('household_no').notNull(),
    municipalityCode: char('municipality_code', { length: 5 })
      .notNull()
      .references(() => municipalities.code),
    zone: zoneEnum('zone'),
    cutDate: date('cut_date', { mode: 'string' }),
    surveyDate: date('survey_date', { mode: 'string' }),
    // Vivienda (CNS_VIVIENDAS).
    dwellingType: smallint('dwelling_type'),
    wallMaterial: smallint('wall_material'),
    floorMaterial: smallint('floor_material'),
    hasEnergy: boolean('has_energy'),
    hasSewer: boolean('has_sewer'),
    hasGas: boolean('has_gas'),
    hasGarbageCollection: boolean('has_garbage_collection'),
    hasAqueduct: boolean('has_aqueduct'),
    dwellingRooms: smallint('dwelling_rooms'),
    dwellingHouseholds: smallint('dwelling_households'),
    // Hogar (CNS_HOGARES).
    tenure: smallint('tenure'),
    rooms: smallint('rooms'),
    bedrooms: smallint('bedrooms'),
    toiletType: smallint('toilet_type'),
    toiletLocation: smallint('toilet_location'),
    toiletShared: boolean('toilet_shared'),
    waterSource: smallint('water_source'),
    waterAllWeek: boolean('water_all_week'),
    drinkingWater: smallint('drinking_water'),
    garbageDisposal: smallint('garbage_disposal'),
    hasKitchen: boolean('has_kitchen'),
    cookingFuel: smallint('cooking_fuel'),
    persons: smallint('persons'),
  },
  (t) => [
    uniqueIndex('sisben_hogares_current_key_uq')
      .on(t.sourceKey)
      .where(sql`${t.isCurrent}`),
    index('sisben_hogares_run_idx').on(t.importRunId),
    index('sisben_hogares_vanished_run_idx')
      .on(t.vanishedRunId)
      .where(sql`${t.vanishedRunId} is not null`),
    index('sisben_hogares_municipality_idx')
      .on(t.municipalityCode)
      .where(sql`${t.isCurrent}`),
  ],
);

/**
 * Mapa de Oferta Local: programs offered in a municipality by an entity, the Logros Básicos each
 * serves, its cupos (places) and its period. One version per program × municipality × period start.
 */
export const localOffers = pgTable(
  'local_offers',
  {
    ...versionColumns,
    offerCode: text('offer_code').notNull(),
    municipalityCode: char('municipality_code', { length: 5 })
      .notNull()
      .references(() => municipalities.code),
    entity: text('entity').notNull(),
    entityNit: text('entity_nit'),
    program: text('program').notNull(),
    /** Logro Básico numbers (1–45) the program serves: sorted, without repeats, at least one. */
    logros: smallint('logros').array().notNull(),
    /** Cupos offered; they count as supply for each logro listed. */
    places: integer('places').notNull(),
    periodStart: date('period_start', { mode: 'string' }).notNull(),
    periodEnd: date('period_end', { mode: 'string' }).notNull(),
    /** Zone the offer is limited to; null = the whole municipality. */
    zone: zoneEnum('zone'),
    targetPopulation: text('target_population'),
  },
  (t) => [
    uniqueIndex('local_offers_current_key_uq')
      .on(t.sourceKey)
      .where(sql`${t.isCurrent}`),
    index('local_offers_run_idx').on(t.importRunId),
    index('local_offers_municipality_idx')
      .on(t.municipalityCode)
      .where(sql`${t.isCurrent}`),
  ],
);
