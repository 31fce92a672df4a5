/** Questions tests ask the database directly: who a record belongs to, review items, a person's whole state. */
import { sql } from 'drizzle-orm';
import type { Database } from '../../src/platform/db';

/** The person a record of `source` with `key` belongs to (null while unlinked); throws when there is no such record. */
export async function personOf(db: Database, source: string, key: string): Promise<number | null> {
  const [r] = await db.rows<{ person_id: string | null }>(sql`select person_id from source_entities where source = ${source} and source_key = ${key}`);
  if (!r) throw new Error(`no ${source} record ${key}`);
  return r.person_id === null ? null : Number(r.person_id);
}

export async function entityOf(db: Database, source: string, key: string): Promise<number> {
  const [r] = await db.rows<{ id: string }>(sql`select id from source_entities where source = ${source} and source_key = ${key}`);
  if (!r) throw new Error(`no ${source} record ${key}`);
  return Number(r.id);
}

/**
 * The partition of records into persons, independent of person ids: each person as the sorted list
 * of its records' `source:key`, the list sorted. Two databases agree on clusters iff this is equal.
 */
export async function clusters(db: Database): Promise<string[][]> {
  const rows = await db.rows<{ person_id: string | null; k: string }>(sql`select person_id, source || ':' || source_key as k from source_entities order by 2`);
  const by = new Map<string, string[]>();
  for (const r of rows) {
    const p = r.person_id ?? `unlinked:${r.k}`;
    (by.get(p) ?? by.set(p, []).get(p)!).push(r.k);
  }
  return [...by.values()].map((ks) => ks.sort()).sort((a, b) => (a[0] < b[0] ? -1 : 1));
}

/** The open item of a reason about a record (by source key). */
export async function itemAbout(db: Database, reason: string, key: string): Promise<number> {
  const [r] = await db.rows<{ id: string }>(
    sql`select i.id from review_items i join source_entities e on e.id = i.source_entity_id
      where i.reason = ${reason}::review_reason and e.source_key = ${key} order by i.id desc limit 1`,
  );
  if (!r) throw new Error(`no ${reason} item about ${key}`);
  return Number(r.id);
}

/** Everything that makes a person what it is, for exact before/after comparisons. */
export async function personState(db: Database, personId: number) {
  const [p] = await db.rows<Record<string, unknown>>(
    sql`select id, public_id, status, merged_into_id, first_name, second_name, first_surname, second_surname, birth_date::text, sex,
        name_source_record_id, birth_date_source_record_id, sex_source_record_id, municipality_code, municipality_source_record_id,
        sisben_group, sisben_subgroup, is_victim, is_displaced, health_state from persons where id = ${personId}`,
  );
  const records = await db.rows(sql`select id from source_entities where person_id = ${personId} order by id`);
  const identifiers = await db.rows(
    sql`select doc_type, doc_number, source_record_id, seen_count from person_identifiers where person_id = ${personId} order by doc_type, doc_number`,
  );
  const memberships = await db.rows(sql`select id, household_id, valid_to from household_memberships where person_id = ${personId} order by id`);
  const facts = await db.rows(sql`select 'affiliation' as t, id from affiliations where person_id = ${personId}
    union all select 'sisben', id from sisben_classifications where person_id = ${personId}
    union all select 'victim', id from victim_registrations where person_id = ${personId} order by 1, 2`);
  const redirects = await db.rows(sql`select id from persons where merged_into_id = ${personId} order by id`);
  return { person: p, records, identifiers, memberships, facts, redirects };
}

export const steward = (name: string) => ({ actor: `client:${name}`, actorRole: 'steward', requestId: `req-${name}` });
