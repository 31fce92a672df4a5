import { asc, eq, inArray } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { affiliations, householdMemberships, households, personIdentifiers, persons } from '../../schema';
import { AFFILIATION_COLUMNS, FactRepository, IDENTIFIER_COLUMNS } from '../../src/registry/factRepository';
import { HOUSEHOLD_COLUMNS, HouseholdRepository, MEMBERSHIP_COLUMNS } from '../../src/registry/householdRepository';
import { PERSON_COLUMNS, PersonRepository } from '../../src/registry/personRepository';
import { installCompiledRowMapper } from '../../src/platform/db/rowMapper';
import { seedRegistry } from '../harness/factories/registry';
import { createTestDatabase, type TestDatabase } from '../harness';

/**
 * Built queries map their rows with a mapper compiled once (src/platform/db/rowMapper.ts) instead of
 * drizzle's per-row `mapResultRow`: the rows must be drizzle's, key for key and value for value
 * (Dates, bigints as numbers, enums, dates as text, JSON), and selections it cannot be sure of keep
 * drizzle's mapper. The registry reads select every column but the rows' timestamps (nothing that
 * reads them returns those): the reference is drizzle's select of the same columns.
 */
let t: TestDatabase;
let ids: number[];

beforeAll(async () => {
  t = await createTestDatabase();
  await seedRegistry(t.db, { households: 4, membersPerHousehold: 3 });
  ids = (await t.db.orm.select({ id: persons.id }).from(persons).orderBy(asc(persons.id))).map((r) => r.id);
});
afterAll(async () => {
  await t?.drop();
});

// drizzle's own mapping: an unprepared select goes through mapResultRow.
const keysInOrder = (rows: object[]) => rows.map((r) => Object.keys(r));

describe('compiled row mapper', () => {
  it('maps the registry reads as drizzle does, key order included', async () => {
    const orm = t.db.orm;
    const personRepo = new PersonRepository(orm);
    const householdRepo = new HouseholdRepository(orm);
    const facts = new FactRepository(orm);
    expect(ids.length).toBeGreaterThan(0);

    const got = await personRepo.findByIds(ids);
    const want = await orm.select(PERSON_COLUMNS).from(persons).where(inArray(persons.id, ids));
    const sort = <T extends { id: number }>(rows: T[]) => [...rows].sort((a, b) => a.id - b.id);
    expect(sort(got)).toEqual(sort(want));
    expect(keysInOrder(got)).toEqual(keysInOrder(want));
    expect(got[0]).not.toHaveProperty('createdAt');
    expect(got[0]).not.toHaveProperty('updatedAt');

    const page = await personRepo.list({}, { first: 50 }, null, { identifiers: true });
    expect(page.items).toEqual(sort(want));

    const hh = await householdRepo.list({}, { first: 50 }, null);
    expect(hh.items).toEqual(await orm.select(HOUSEHOLD_COLUMNS).from(households).where(eq(households.status, 'active')).orderBy(asc(households.id)));
    const hIds = hh.items.map((h) => h.id);
    expect(await householdRepo.membershipsByPersonIds(ids)).toEqual(
      await orm
        .select(MEMBERSHIP_COLUMNS)
        .from(householdMemberships)
        .where(inArray(householdMemberships.personId, ids))
        .orderBy(asc(householdMemberships.personId), asc(householdMemberships.id)),
    );
    expect((await householdRepo.membershipsByHouseholdIds(hIds)).length).toBeGreaterThan(0);
    const idRows = await facts.identifiersByPersonIds(ids);
    expect(idRows).toEqual(
      await orm
        .select(IDENTIFIER_COLUMNS)
        .from(personIdentifiers)
        .where(inArray(personIdentifiers.personId, ids))
        .orderBy(asc(personIdentifiers.personId), asc(personIdentifiers.id)),
    );
    expect(keysInOrder(idRows)).toEqual(
      keysInOrder(
        await orm
          .select(IDENTIFIER_COLUMNS)
          .from(personIdentifiers)
          .where(inArray(personIdentifiers.personId, ids))
          .orderBy(asc(personIdentifiers.personId), asc(personIdentifiers.id)),
      ),
    );
    expect(await facts.affiliationsByPersonIds(ids)).toEqual(
      await orm
        .select(AFFILIATION_COLUMNS)
        .from(affiliations)
        .where(inArray(affiliations.personId, ids))
        .orderBy(asc(affiliations.personId), asc(affiliations.subsystem), asc(affiliations.id)),
    );
  });

  it('decodes timestamps as drizzle does (whole rows of a built query)', async () => {
    const q = t.db.orm.select().from(persons).where(inArray(persons.id, ids)).orderBy(asc(persons.id)).prepare('row_mapper_whole_rows');
    installCompiledRowMapper(q);
    expect((q as unknown as { customResultMapper?: unknown }).customResultMapper).toBeTypeOf('function');
    const got = await q.execute();
    expect(got).toEqual(await t.db.orm.select().from(persons).where(inArray(persons.id, ids)).orderBy(asc(persons.id)));
    expect(got[0]!.createdAt).toBeInstanceOf(Date);
  });

  it('keeps drizzle’s mapper where an outer join may null an object', async () => {
    const q = t.db.orm
      .select({ person: persons, identifier: personIdentifiers })
      .from(persons)
      .leftJoin(personIdentifiers, eq(personIdentifiers.personId, persons.id))
      .prepare('row_mapper_left_join');
    installCompiledRowMapper(q);
    expect((q as unknown as { customResultMapper?: unknown }).customResultMapper).toBeUndefined();
    const flat = t.db.orm
      .select({ id: persons.id, birth: persons.birthDate, at: persons.createdAt })
      .from(persons)
      .orderBy(asc(persons.id))
      .prepare('row_mapper_flat');
    installCompiledRowMapper(flat);
    expect((flat as unknown as { customResultMapper?: unknown }).customResultMapper).toBeTypeOf('function');
    expect(await flat.execute()).toEqual(
      await t.db.orm.select({ id: persons.id, birth: persons.birthDate, at: persons.createdAt }).from(persons).orderBy(asc(persons.id)),
    );
  });
});
