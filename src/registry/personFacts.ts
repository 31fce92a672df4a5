import { Column, sql, type SQL } from 'drizzle-orm';
import type { PgTable } from 'drizzle-orm/pg-core';
import { affiliations, householdMemberships, personIdentifiers, persons } from '../../schema';
import { AFFILIATION_COLUMNS, IDENTIFIER_COLUMNS, type AffiliationRow, type IdentifierRow } from './factRepository';
import { MEMBERSHIP_COLUMNS, type MembershipRow } from './householdRepository';

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

/** One kind of fact as read with the person: the loader's columns, in the loader's order. */
interface FactKind<T> {
  /** The person's rows as a JSON array of arrays (one value per column, no keys), or null. */
  column: SQL;
  toRow: (values: unknown[]) => T;
}

/**
 * Each row as a JSON array of the kind's columns (the loader's: same names, decoders and order),
 * not `json_agg` of the whole row: no unselected timestamps, and no column names repeated in every
 * row's JSON (less for PostgreSQL to write and for JSON.parse to allocate).
 */
function factKind<T>(table: PgTable, columns: Record<string, Column>, orderBy: string[]): FactKind<T> {
  const entries = Object.entries(columns);
  const values = sql.join(
    entries.map(([, c]) => sql`x.${sql.identifier(c.name)}`),
    sql`, `,
  );
  const order = sql.join(
    orderBy.map((name) => sql`x.${sql.identifier(name)}`),
    sql`, `,
  );
  const column = sql`(select json_agg(json_build_array(${values}) order by ${order}) from ${table} x where x.person_id = ${persons.id})`;
  const decoders = entries.map(([prop, c]) => [prop, c.mapFromDriverValue === identity ? null : c] as const);
  const toRow = (a: unknown[]): T => {
    const row: Record<string, unknown> = {};
    for (let i = 0; i < decoders.length; i++) {
      const [prop, decoder] = decoders[i]!;
      const v = a[i];
      row[prop] = v === null || v === undefined ? null : decoder ? decoder.mapFromDriverValue(v) : v;
    }
    return row as T;
  };
  return { column, toRow };
}

const identity = Column.prototype.mapFromDriverValue;
const IDENTIFIERS = factKind<IdentifierRow>(personIdentifiers, IDENTIFIER_COLUMNS, ['id']);
const AFFILIATIONS = factKind<AffiliationRow>(affiliations, AFFILIATION_COLUMNS, ['subsystem', 'id']);
const MEMBERSHIPS = factKind<MembershipRow>(householdMemberships, MEMBERSHIP_COLUMNS, ['id']);

/**
 * One text column: a JSON object of the wanted kinds, each the kind's rows for `persons.id` in the
 * loaders' order (as text, so it can stand in a SELECT DISTINCT).
 */
export function personFactsColumn(w: PersonFactsWanted): SQL<string> {
  const parts: SQL[] = [];
  if (w.identifiers) parts.push(sql`'i', ${IDENTIFIERS.column}`);
  if (w.affiliations) parts.push(sql`'a', ${AFFILIATIONS.column}`);
  if (w.memberships) parts.push(sql`'m', ${MEMBERSHIPS.column}`);
  return sql<string>`json_build_object(${sql.join(parts, sql`, `)})::text`;
}

export function parsePersonFacts(text: string, w: PersonFactsWanted): PersonFacts {
  const o = JSON.parse(text) as Record<'i' | 'a' | 'm', unknown[][] | null>;
  const facts: PersonFacts = {};
  if (w.identifiers) facts.identifiers = (o.i ?? []).map(IDENTIFIERS.toRow);
  if (w.affiliations) facts.affiliations = (o.a ?? []).map(AFFILIATIONS.toRow);
  if (w.memberships) facts.memberships = (o.m ?? []).map(MEMBERSHIPS.toRow);
  return facts;
}
