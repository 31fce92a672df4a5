import { sql } from 'drizzle-orm';
import { bigint, boolean, char, customType, date, index, integer, jsonb, pgTable, smallint, text, timestamp, uniqueIndex, varchar } from 'drizzle-orm/pg-core';
import { affiliationStateEnum, recordStatusEnum, sexEnum, sourceEnum, subsystemEnum } from './enums';
import { documentTypes, municipalities, sisbenSubgroups, victimizingEvents } from './reference';
import { households, persons } from './registry';

/** 16-byte content digests, stored raw (half the size of hex text at hundreds of millions of rows). */
export const bytea = customType<{ data: Buffer; driverData: Buffer }>({
  dataType: () => 'bytea',
});

/**
 * One row per record of a source, across extracts: the thing a monthly snapshot adds, changes or
 * drops. Holds the current normalized identity block (the input of reconciliation) and the link to
 * the golden person. Mutable projection; the immutable history is `source_records`.
 */
export const sourceEntities = pgTable(
  'source_entities',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    source: sourceEnum('source').notNull(),
    sourceKey: text('source_key').notNull(),
    currentRecordId: bigint('current_record_id', { mode: 'number' }).notNull(),
    contentHash: bytea('content_hash').notNull(),
    /**
     * Digest of the raw text of the line the current version was read from, seeded with how the file
     * was read (layout, delimiter, header, reference data, month): a nightly line with this digest is
     * the same record unchanged and is not parsed (src/imports/knownLines.ts). Null when the line had
     * warnings or spanned several lines (always parsed).
     */
    lineHash: bytea('line_hash'),
    status: recordStatusEnum('status').notNull().default('active'),
    firstSeenRunId: bigint('first_seen_run_id', { mode: 'number' }).notNull(),
    /** Run of the last change (added, changed or reappeared): reconciliation works incrementally from it. */
    changedRunId: bigint('changed_run_id', { mode: 'number' }).notNull(),
    vanishedRunId: bigint('vanished_run_id', { mode: 'number' }),
    docType: varchar('doc_type', { length: 2 }).references(() => documentTypes.code),
    docNumber: varchar('doc_number', { length: 20 }),
    firstName: text('first_name'),
    secondName: text('second_name'),
    firstSurname: text('first_surname'),
    secondSurname: text('second_surname'),
    birthDate: date('birth_date', { mode: 'string' }),
    sex: sexEnum('sex'),
    municipalityCode: char('municipality_code', { length: 5 }),
    householdKey: text('household_key'),
    /** The golden person this record is linked to (null until reconciliation links it). */
    personId: bigint('person_id', { mode: 'number' }).references(() => persons.id),
    /** Added or changed since reconciliation last looked at it. */
    matchPending: boolean('match_pending').notNull().default(true),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('source_entities_source_key_uq').on(t.source, t.sourceKey),
    index('source_entities_person_idx').on(t.personId),
    index('source_entities_changed_run_idx').on(t.changedRunId),
    // The records a cut dropped (a logro run's scope after that cut), without a scan of every record.
    index('source_entities_vanished_run_idx')
      .on(t.vanishedRunId)
      .where(sql`${t.vanishedRunId} is not null`),
    index('source_entities_match_pending_idx')
      .on(t.id)
      .where(sql`${t.matchPending}`),
  ],
);

/**
 * Every imported row version, append-only: never updated or deleted by the pipeline. An unchanged row
 * in a later extract does not create a new version: a record is in its source's latest accepted
 * snapshot exactly when its entity is `active`.
 */
export const sourceRecords = pgTable(
  'source_records',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    source: sourceEnum('source').notNull(),
    sourceEntityId: bigint('source_entity_id', { mode: 'number' }).notNull(),
    importRunId: bigint('import_run_id', { mode: 'number' }).notNull(),
    lineNo: integer('line_no').notNull(),
    sourceKey: text('source_key').notNull(),
    contentHash: bytea('content_hash').notNull(),
    /**
     * Where the record's physical line(s) are in the run's archived file (archive_files, by the
     * run's SHA-256): the raw line is read from there, verified, instead of being copied here.
     */
    byteOffset: bigint('byte_offset', { mode: 'number' }),
    byteLength: integer('byte_length'),
    /** Records imported before the archive existed keep their copy of the line; new records leave it null. */
    raw: text('raw'),
    /**
     * The connector's normalized record (connectors/types.ts NormalizedRecord), kept only by records
     * written before 0026 (and those imported before the archive existed, which have no file to
     * re-read). New records leave it null: their values are re-derived from the archived line with
     * the run's connector and checked against `content_hash` (src/imports/recordValues.ts).
     */
    normalized: jsonb('normalized'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('source_records_entity_idx').on(t.sourceEntityId), uniqueIndex('source_records_run_line_uq').on(t.importRunId, t.lineNo)],
);

const factColumns = {
  id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
  /** One current fact per source entity; history is in source_records. */
  sourceEntityId: bigint('source_entity_id', { mode: 'number' }).notNull(),
  sourceRecordId: bigint('source_record_id', { mode: 'number' }).notNull(),
  personId: bigint('person_id', { mode: 'number' }).references(() => persons.id),
  status: recordStatusEnum('status').notNull().default('active'),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
};

export const affiliations = pgTable(
  'affiliations',
  {
    ...factColumns,
    source: sourceEnum('source').notNull(),
    subsystem: subsystemEnum('subsystem').notNull(),
    administratorCode: text('administrator_code').notNull(),
    administratorName: text('administrator_name'),
    regime: text('regime'),
    affiliateType: text('affiliate_type'),
    state: affiliationStateEnum('state').notNull(),
    stateCode: text('state_code').notNull(),
    startDate: date('start_date', { mode: 'string' }),
    endDate: date('end_date', { mode: 'string' }),
    municipalityCode: char('municipality_code', { length: 5 }).references(() => municipalities.code),
    program: text('program'),
  },
  (t) => [
    uniqueIndex('affiliations_entity_uq').on(t.sourceEntityId),
    index('affiliations_person_idx').on(t.personId),
    index('affiliations_state_person_idx')
      .on(t.state, t.personId)
      .where(sql`${t.status} = 'active'`),
  ],
);

export const sisbenClassifications = pgTable(
  'sisben_classifications',
  {
    ...factColumns,
    householdId: bigint('household_id', { mode: 'number' }).references(() => households.id),
    group: char('group', { length: 1 }).notNull(),
    subgroup: varchar('subgroup', { length: 3 })
      .notNull()
      .references(() => sisbenSubgroups.code),
    cutDate: date('cut_date', { mode: 'string' }),
    surveyDate: date('survey_date', { mode: 'string' }),
  },
  (t) => [uniqueIndex('sisben_classifications_entity_uq').on(t.sourceEntityId), index('sisben_classifications_person_idx').on(t.personId)],
);

export const victimRegistrations = pgTable(
  'victim_registrations',
  {
    ...factColumns,
    eventCode: smallint('event_code')
      .notNull()
      .references(() => victimizingEvents.code),
    victimType: text('victim_type'),
    occurrenceDate: date('occurrence_date', { mode: 'string' }),
    declarationDate: date('declaration_date', { mode: 'string' }),
    inclusionDate: date('inclusion_date', { mode: 'string' }),
    occurrenceMunicipality: char('occurrence_municipality', { length: 5 }).references(() => municipalities.code),
    declarationMunicipality: char('declaration_municipality', { length: 5 }).references(() => municipalities.code),
    arrivalMunicipality: char('arrival_municipality', { length: 5 }).references(() => municipalities.code),
    inclusionState: text('inclusion_state'),
  },
  (t) => [uniqueIndex('victim_registrations_entity_uq').on(t.sourceEntityId), index('victim_registrations_person_idx').on(t.personId)],
);
