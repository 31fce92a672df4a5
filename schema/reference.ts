import { boolean, char, pgTable, smallint, text, varchar } from 'drizzle-orm/pg-core';

/** Reference tables are small and seeded by migration `0002_reference_data`; the code lists live in src/domain/reference. */

export const departments = pgTable('departments', {
  code: char('code', { length: 2 }).primaryKey(),
  name: text('name').notNull(),
});

export const municipalities = pgTable('municipalities', {
  code: char('code', { length: 5 }).primaryKey(),
  departmentCode: char('department_code', { length: 2 })
    .notNull()
    .references(() => departments.code),
  name: text('name').notNull(),
  /** Municipio / Isla / Área no municipalizada. */
  kind: text('kind').notNull(),
});

export const documentTypes = pgTable('document_types', {
  code: varchar('code', { length: 2 }).primaryKey(),
  name: text('name').notNull(),
  numeric: boolean('numeric').notNull(),
  lifeCycleRank: smallint('life_cycle_rank'),
  national: boolean('national').notNull(),
});

export const sisbenSubgroups = pgTable('sisben_subgroups', {
  code: varchar('code', { length: 3 }).primaryKey(),
  group: char('group', { length: 1 }).notNull(),
  level: smallint('level').notNull(),
  groupName: text('group_name').notNull(),
});

export const victimizingEvents = pgTable('victimizing_events', {
  code: smallint('code').primaryKey(),
  label: text('label').notNull(),
});

export const kinshipRoles = pgTable('kinship_roles', {
  code: smallint('code').primaryKey(),
  label: text('label').notNull(),
});

export const logroDimensions = pgTable('logro_dimensions', {
  id: smallint('id').primaryKey(),
  name: text('name').notNull(),
  objective: text('objective').notNull(),
});

export const logrosBasicos = pgTable('logros_basicos', {
  id: smallint('id').primaryKey(),
  dimensionId: smallint('dimension_id')
    .notNull()
    .references(() => logroDimensions.id),
  text: text('text').notNull(),
  uncertain: boolean('uncertain').notNull(),
  registryAnswerable: boolean('registry_answerable').notNull(),
});
