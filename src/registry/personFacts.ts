import { getTableColumns, sql, type SQL } from 'drizzle-orm';
import type { PgTable } from 'drizzle-orm/pg-core';
import { affiliations, householdMemberships, personIdentifiers, persons } from '../../schema';
import type { AffiliationRow, IdentifierRow } from './factRepository';
import type { MembershipRow } from './householdRepository';

/**
 * A person's documents, affiliations and memberships read in the statement that finds the person
 * (personByDocument, the persons page), when the operation selects them: one SQL statement per
 * request instead of one per kind. A statement's fixed cost in PostgreSQL (about 0.1 ms of CPU on
 * the bench machine) was most of a small query's database time; the child rows themselves cost
 * little. The rows are the loaders' rows (same columns, values and order: FactRepository,
 * HouseholdRepository), so the field resolvers and their guards run unchanged on them.
 */
export interface PersonFactsWanted {
  identifiers?: boolean;
  affiliations?: boolean;
  memberships?: boolean;
}

export interface PersonFacts {
  identifiers?: IdentifierRow[];
  affiliations?: AffiliationRow[];
  memberships?: MembershipRow[];
}

export const wantsFacts = (w: PersonFactsWanted | undefined): w is PersonFactsWanted => !!(w && (w.identifiers || w.affiliations || w.memberships));

/** A shape key for built queries: which kinds are read. */
export const factsShape = (w: PersonFactsWanted | undefined) =>
  wantsFacts(w) ? `+${w.identifiers ? 'i' : ''}${w.affiliations ? 'a' : ''}${w.memberships ? 'm' : ''}` : '';

/**
 * One text column: a JSON object of the wanted kinds, each the kind's rows for `persons.id` in the
 * loaders' order (as text, so it can stand in a SELECT DISTINCT).
 */
export function personFactsColumn(w: PersonFactsWanted): SQL<string> {
  const parts: SQL[] = [];
  if (w.identifiers) parts.push(sql`'i', (select json_agg(x order by x.id) from ${personIdentifiers} x where x.person_id = ${persons.id})`);
  if (w.affiliations) parts.push(sql`'a', (select json_agg(x order by x.subsystem, x.id) from ${affiliations} x where x.person_id = ${persons.id})`);
  if (w.memberships) parts.push(sql`'m', (select json_agg(x order by x.id) from ${householdMemberships} x where x.person_id = ${persons.id})`);
  return sql<string>`json_build_object(${sql.join(parts, sql`, `)})::text`;
}

/** JSON rows (column names as keys) → the rows drizzle maps from the driver, column by column. */
function rowMapper<T>(table: PgTable): (o: Record<string, unknown>) => T {
  const columns = Object.entries(getTableColumns(table)).map(([prop, column]) => [prop, column.name, column] as const);
  return (o) => {
    const row: Record<string, unknown> = {};
    for (const [prop, name, column] of columns) {
      const v = o[name];
      row[prop] = v === null || v === undefined ? null : column.mapFromDriverValue(v);
    }
    return row as T;
  };
}

const toIdentifierRow = rowMapper<IdentifierRow>(personIdentifiers);
const toAffiliationRow = rowMapper<AffiliationRow>(affiliations);
const toMembershipRow = rowMapper<MembershipRow>(householdMemberships);

export function parsePersonFacts(text: string, w: PersonFactsWanted): PersonFacts {
  const o = JSON.parse(text) as Record<'i' | 'a' | 'm', Record<string, unknown>[] | null>;
  const facts: PersonFacts = {};
  if (w.identifiers) facts.identifiers = (o.i ?? []).map(toIdentifierRow);
  if (w.affiliations) facts.affiliations = (o.a ?? []).map(toAffiliationRow);
  if (w.memberships) facts.memberships = (o.m ?? []).map(toMembershipRow);
  return facts;
}
