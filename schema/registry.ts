import { sql } from 'drizzle-orm';
import {
  bigint,
  boolean,
  char,
  date,
  index,
  integer,
  pgTable,
  smallint,
  text,
  timestamp,
  uniqueIndex,
  uuid,
  varchar,
  type AnyPgColumn,
} from 'drizzle-orm/pg-core';
import { affiliationStateEnum, personStatusEnum, recordStatusEnum, sexEnum, sourceEnum, zoneEnum } from './enums';
import { documentTypes, kinshipRoles, municipalities } from './reference';

/**
 * Scale notes (50 million persons): internal keys are `bigint` identities (8 bytes, sequential, cheap
 * joins); the public id is a time-ordered UUID (v7) so inserts stay local in its B-tree. Filters used
 * by the API are denormalized onto `persons` and indexed together with `id`, which is the keyset
 * pagination order, so a filtered page is an index range scan.
 */

const timestamps = {
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
};

/** The golden record. Values are chosen from linked source records by survivorship rules. */
export const persons = pgTable(
  'persons',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    publicId: uuid('public_id')
      .notNull()
      .default(sql`juntos_uuid_v7()`),
    status: personStatusEnum('status').notNull().default('active'),
    /** Set when merged away: the survivor. Public ids of merged persons redirect to it. */
    mergedIntoId: bigint('merged_into_id', { mode: 'number' }).references((): AnyPgColumn => persons.id),
    firstName: text('first_name'),
    secondName: text('second_name'),
    firstSurname: text('first_surname'),
    secondSurname: text('second_surname'),
    birthDate: date('birth_date', { mode: 'string' }),
    sex: sexEnum('sex'),
    // Provenance: the source record each golden value came from. No foreign key on purpose:
    // source_records is append-only and never deleted, and the check would cost on every rebuild.
    nameSourceRecordId: bigint('name_source_record_id', { mode: 'number' }),
    birthDateSourceRecordId: bigint('birth_date_source_record_id', { mode: 'number' }),
    sexSourceRecordId: bigint('sex_source_record_id', { mode: 'number' }),
    // Denormalized, indexed filter attributes (recomputed with the golden record).
    municipalityCode: char('municipality_code', { length: 5 }).references(() => municipalities.code),
    municipalitySourceRecordId: bigint('municipality_source_record_id', { mode: 'number' }),
    departmentCode: char('department_code', { length: 2 }).generatedAlwaysAs(sql`left(municipality_code, 2)`),
    sisbenGroup: char('sisben_group', { length: 1 }),
    sisbenSubgroup: varchar('sisben_subgroup', { length: 3 }),
    isVictim: boolean('is_victim').notNull().default(false),
    isDisplaced: boolean('is_displaced').notNull().default(false),
    healthState: affiliationStateEnum('health_state'),
    /** Optimistic-concurrency version for steward decisions. */
    version: integer('version').notNull().default(1),
    ...timestamps,
  },
  (t) => [
    uniqueIndex('persons_public_id_uq').on(t.publicId),
    index('persons_department_id_idx').on(t.departmentCode, t.id),
    index('persons_municipality_id_idx').on(t.municipalityCode, t.id),
    index('persons_sisben_group_id_idx').on(t.sisbenGroup, t.id),
    index('persons_displaced_id_idx')
      .on(t.id)
      .where(sql`${t.isDisplaced}`),
    index('persons_victim_id_idx')
      .on(t.id)
      .where(sql`${t.isVictim}`),
    index('persons_merged_into_idx')
      .on(t.mergedIntoId)
      .where(sql`${t.mergedIntoId} is not null`),
  ],
);

/** Typed identity documents of a person (RC → TI → CC over a life), derived from linked source records. */
export const personIdentifiers = pgTable(
  'person_identifiers',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    personId: bigint('person_id', { mode: 'number' })
      .notNull()
      .references(() => persons.id),
    docType: varchar('doc_type', { length: 2 })
      .notNull()
      .references(() => documentTypes.code),
    /** Normalized: digits only for numeric types, upper-case alphanumerics otherwise. */
    docNumber: varchar('doc_number', { length: 20 }).notNull(),
    /** The source record this identifier was first seen in. */
    sourceRecordId: bigint('source_record_id', { mode: 'number' }).notNull(),
    /** How many linked source records carry it (evidence strength). */
    seenCount: integer('seen_count').notNull().default(1),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('person_identifiers_person_doc_uq').on(t.personId, t.docType, t.docNumber),
    index('person_identifiers_number_idx').on(t.docNumber, t.docType),
  ],
);

/** A household as a source defines it (Sisbén: ficha + hogar). */
export const households = pgTable(
  'households',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    publicId: uuid('public_id')
      .notNull()
      .default(sql`juntos_uuid_v7()`),
    source: sourceEnum('source').notNull(),
    sourceKey: text('source_key').notNull(),
    municipalityCode: char('municipality_code', { length: 5 })
      .notNull()
      .references(() => municipalities.code),
    departmentCode: char('department_code', { length: 2 }).generatedAlwaysAs(sql`left(municipality_code, 2)`),
    zone: zoneEnum('zone'),
    sisbenFicha: text('sisben_ficha'),
    sisbenGroup: char('sisben_group', { length: 1 }),
    sisbenSubgroup: varchar('sisben_subgroup', { length: 3 }),
    /** The source record that last defined these values. */
    sourceRecordId: bigint('source_record_id', { mode: 'number' }).notNull(),
    status: recordStatusEnum('status').notNull().default('active'),
    ...timestamps,
  },
  (t) => [
    uniqueIndex('households_public_id_uq').on(t.publicId),
    uniqueIndex('households_source_key_uq').on(t.source, t.sourceKey),
    index('households_department_id_idx').on(t.departmentCode, t.id),
    index('households_municipality_id_idx').on(t.municipalityCode, t.id),
    index('households_sisben_group_id_idx').on(t.sisbenGroup, t.id),
  ],
);

/**
 * Membership of a person in a household, from one source record. `person_id` is filled when
 * reconciliation links the record to a person; `valid_to` closes a membership that ended.
 */
export const householdMemberships = pgTable(
  'household_memberships',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    householdId: bigint('household_id', { mode: 'number' })
      .notNull()
      .references(() => households.id),
    sourceEntityId: bigint('source_entity_id', { mode: 'number' }).notNull(),
    sourceRecordId: bigint('source_record_id', { mode: 'number' }).notNull(),
    personId: bigint('person_id', { mode: 'number' }).references(() => persons.id),
    role: smallint('role').references(() => kinshipRoles.code),
    memberOrder: smallint('member_order'),
    validFrom: date('valid_from', { mode: 'string' }),
    validTo: date('valid_to', { mode: 'string' }),
    ...timestamps,
  },
  (t) => [
    uniqueIndex('household_memberships_entity_household_uq').on(t.sourceEntityId, t.householdId),
    index('household_memberships_household_idx').on(t.householdId),
    index('household_memberships_person_idx').on(t.personId),
  ],
);
