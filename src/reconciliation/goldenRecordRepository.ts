import { sql, type SQL } from 'drizzle-orm';
import type { SourceName } from '../kernel';
import type { Database, Orm } from '../platform/db';

/** Per-attribute source precedence (survivorship). Earlier sources win; ties go to the most recent change. */
export interface Survivorship {
  name: readonly SourceName[];
  birthDate: readonly SourceName[];
  sex: readonly SourceName[];
  municipality: readonly SourceName[];
}

/** Source precedence per golden attribute, as configured (SURVIVORSHIP_*). */
export function survivorshipOf(config: {
  SURVIVORSHIP_NAME: readonly SourceName[];
  SURVIVORSHIP_BIRTH_DATE: readonly SourceName[];
  SURVIVORSHIP_SEX: readonly SourceName[];
  SURVIVORSHIP_MUNICIPALITY: readonly SourceName[];
}): Survivorship {
  return {
    name: config.SURVIVORSHIP_NAME,
    birthDate: config.SURVIVORSHIP_BIRTH_DATE,
    sex: config.SURVIVORSHIP_SEX,
    municipality: config.SURVIVORSHIP_MUNICIPALITY,
  };
}

const arr = (xs: readonly string[]) =>
  sql`array[${sql.join(
    xs.map((x) => sql`${x}`),
    sql`, `,
  )}]::text[]`;
const bigints = (ids: readonly number[]) => sql`${`{${ids.join(',')}}`}::bigint[]`;

/** The record columns survivorship reads (`e` = source_entities). */
const RECORD_COLUMNS = sql`e.source::text as src, (e.status = 'active') as active, e.changed_run_id, e.id, e.current_record_id,
  e.first_name, e.second_name, e.first_surname, e.second_surname, e.birth_date, e.sex, e.municipality_code,
  e.municipality_code is not null and exists (select 1 from municipalities mu where mu.code = e.municipality_code) as known_municipality`;

/** Survivorship over the records `r` (person_id + RECORD_COLUMNS): one winning record per attribute. */
function winners(rules: Survivorship): SQL {
  const order = (rule: readonly string[]) => sql`coalesce(array_position(${arr(rule)}, r.src), 99)`;
  return sql`
    -- Names: the four fields travel together from one record (mixing fields from two sources would
    -- produce a name no registry holds).
    n as (select distinct on (r.person_id) r.person_id, r.first_name, r.second_name, r.first_surname, r.second_surname, r.current_record_id
          from r where r.first_name is not null or r.first_surname is not null
          order by r.person_id, ${order(rules.name)}, r.active desc, r.changed_run_id desc, r.id),
    b as (select distinct on (r.person_id) r.person_id, r.birth_date, r.current_record_id from r where r.birth_date is not null
          order by r.person_id, ${order(rules.birthDate)}, r.active desc, r.changed_run_id desc, r.id),
    s as (select distinct on (r.person_id) r.person_id, r.sex, r.current_record_id from r where r.sex is not null
          order by r.person_id, ${order(rules.sex)}, r.active desc, r.changed_run_id desc, r.id),
    -- Residence: a current record beats a vanished one (people move), then precedence.
    m as (select distinct on (r.person_id) r.person_id, r.municipality_code, r.current_record_id from r where r.known_municipality
          order by r.person_id, r.active desc, ${order(rules.municipality)}, r.changed_run_id desc, r.id)`;
}

/**
 * Link reason of a record whose document number belongs to another person (a child with the
 * mother's cédula): that number is not one of the person's identifiers.
 */
const HELD_BY_ANOTHER = sql`'DOCUMENT_OF_ANOTHER_PERSON'`;

/** Health state: an active SALUD affiliation first, BDUA before other sources, the latest start. */
const HEALTH_ORDER = sql`(a.state = 'ACTIVO') desc, (a.source = 'bdua') desc, a.start_date desc nulls last, a.id desc`;

const GOLDEN_SET = sql`first_name = n.first_name, second_name = n.second_name, first_surname = n.first_surname, second_surname = n.second_surname,
  name_source_record_id = n.current_record_id,
  birth_date = b.birth_date, birth_date_source_record_id = b.current_record_id,
  sex = s.sex, sex_source_record_id = s.current_record_id,
  municipality_code = m.municipality_code, municipality_source_record_id = m.current_record_id,
  sisben_group = sb."group", sisben_subgroup = sb.subgroup,
  is_victim = v.person_id is not null, is_displaced = coalesce(v.displaced, false),
  health_state = a.state`;

/** The persons `t` with their winners (n, b, s, m) and fact-derived filters (sb, v, a). */
const GOLDEN_FROM = sql`t
  left join n on n.person_id = t.id left join b on b.person_id = t.id
  left join s on s.person_id = t.id left join m on m.person_id = t.id
  left join sb on sb.person_id = t.id left join v on v.person_id = t.id
  left join a on a.person_id = t.id`;

/**
 * Rebuilds golden records from their linked source records: every golden value is a pure function
 * of the links and the survivorship rules (a value no record of the person holds any more is
 * cleared), so a merge followed by an unmerge restores persons exactly, and every value points at
 * the record it came from.
 */
export class GoldenRecordRepository {
  constructor(private readonly db: Database) {}

  /**
   * Rebuilds the given persons (inside the caller's transaction). One UPDATE computes every
   * attribute (one new row version per person, whatever the number of attributes), then the
   * person's identifiers are replaced. A person left without records (its last record detached)
   * ends with empty values: nothing may point at a record it no longer holds.
   */
  async rebuild(orm: Orm, personIds: readonly number[], rules: Survivorship): Promise<void> {
    if (!personIds.length) return;
    const q = (s: SQL) => this.db.rows(s, orm);
    const ids = bigints([...new Set(personIds)]);
    // Row locks in id order first: an import's chunk, the engine's derivation and a steward's merge
    // may rebuild overlapping persons at once, and locking in one order cannot deadlock.
    await q(sql`select 1 from persons where id = any(${ids}) order by id for no key update`);
    // Every table is reached through `= any(ids)` (index scans bounded by the chunk): a join on the
    // id list lets the planner scan whole tables, which grows with the registry, not with the chunk.
    // The facts take the list from `t` (an array the planner does not look into): with five constant
    // lists of 20,000 ids, planning this statement took 100-130 ms at 1M, longer than reading the
    // facts; the records and persons keep the constant, for their row estimates.
    await q(sql`with t as (select distinct unnest(${ids}) as id),
      r as materialized (select e.person_id, ${RECORD_COLUMNS} from source_entities e where e.person_id = any(${ids})),
      ${winners(rules)},
      sb as (select distinct on (c.person_id) c.person_id, c."group", c.subgroup from sisben_classifications c
             where c.person_id = any(array(select t.id from t)) and c.status = 'active' order by c.person_id, c.cut_date desc nulls last, c.id desc),
      v as (select v.person_id, bool_or(v.event_code = 5) as displaced from victim_registrations v
            where v.person_id = any(array(select t.id from t)) and v.status = 'active' group by v.person_id),
      a as (select distinct on (a.person_id) a.person_id, a.state from affiliations a
            where a.person_id = any(array(select t.id from t)) and a.status = 'active' and a.subsystem = 'SALUD'
            order by a.person_id, ${HEALTH_ORDER})
      update persons p set ${GOLDEN_SET}, version = p.version + 1, updated_at = now()
      from ${GOLDEN_FROM}
      where p.id = any(${ids}) and p.id = t.id`);

    await this.rebuildIdentifiers(orm, personIds);
  }

  /**
   * Identifiers: every document any linked record carries (RC → TI → CC over a life), except numbers
   * that belong to someone else. Upserted, so an unchanged identifier is a cheap in-place update (its
   * count), not a delete and an insert; idempotent.
   */
  async rebuildIdentifiers(orm: Orm, personIds: readonly number[]): Promise<void> {
    if (!personIds.length) return;
    const ids = bigints([...new Set(personIds)]);
    await this.db.rows(
      // The links are read by primary key for these records only: a `not exists` on entity_links let
      // the planner hash a sequential scan of every link (its filter looks selective), once per chunk.
      sql`with r as materialized (
        select e.id, e.person_id, e.doc_type, e.doc_number, e.current_record_id from source_entities e
        where e.person_id = any(${ids}) and e.doc_type is not null and e.doc_type <> 'SI' and e.doc_number is not null),
      held as materialized (select l.source_entity_id as id from entity_links l
        where l.source_entity_id = any(array(select r.id from r)) and ${HELD_BY_ANOTHER} = any(l.reasons)),
      cur as (
        select r.person_id, r.doc_type, r.doc_number, min(r.current_record_id) as source_record_id, count(*)::int as seen_count
        from r where not exists (select 1 from held h where h.id = r.id)
        group by r.person_id, r.doc_type, r.doc_number),
      -- The persons' current identifiers, read person by person through the (person, type, number)
      -- key: with the id list as a constant the planner chose a sequential scan of every identifier
      -- (its filter is cheap per row), once per chunk — a cost that grew with the registry. The
      -- lateral's offset 0 keeps the planner from flattening it into a hash join over that same scan.
      old as materialized (select i.id, i.person_id, i.doc_type, i.doc_number
        from unnest(${ids}) as p(id)
        cross join lateral (select i.id, i.person_id, i.doc_type, i.doc_number from person_identifiers i where i.person_id = p.id offset 0) i),
      gone as (delete from person_identifiers i where i.id = any(array(select o.id from old o
          where not exists (select 1 from cur where cur.person_id = o.person_id and cur.doc_type = o.doc_type and cur.doc_number = o.doc_number))))
      insert into person_identifiers (person_id, doc_type, doc_number, source_record_id, seen_count)
      select person_id, doc_type, doc_number, source_record_id, seen_count from cur
      on conflict (person_id, doc_type, doc_number) do update set source_record_id = excluded.source_record_id, seen_count = excluded.seen_count
        where (person_identifiers.source_record_id, person_identifiers.seen_count) is distinct from (excluded.source_record_id, excluded.seen_count)`,
      orm,
    );
  }

  /**
   * Creates persons with their golden values already computed, from the records about to be linked
   * to them (`records`: record → new person id, ids taken from the persons sequence): the same
   * survivorship as {@link rebuild}, with facts found through the records themselves, so a new
   * person is written once instead of inserted empty and updated. Their identifiers follow with
   * {@link rebuildIdentifiers} once the records are linked.
   */
  async createPersons(orm: Orm, records: readonly { entityId: number; personId: number }[], rules: Survivorship): Promise<void> {
    if (!records.length) return;
    const q = (s: SQL) => this.db.rows(s, orm);
    const entityIds = bigints(records.map((r) => r.entityId));
    const l = sql`unnest(${entityIds}, ${bigints(records.map((r) => r.personId))}) as l(entity_id, person_id)`;
    await q(sql`with l as materialized (select * from ${l}),
      t as (select distinct person_id as id from l),
      r as materialized (select l.person_id, ${RECORD_COLUMNS} from source_entities e join l on l.entity_id = e.id where e.id = any(${entityIds})),
      ${winners(rules)},
      sb as (select distinct on (l.person_id) l.person_id, c."group", c.subgroup from sisben_classifications c join l on c.source_entity_id = l.entity_id
             where c.source_entity_id = any(${entityIds}) and c.status = 'active' order by l.person_id, c.cut_date desc nulls last, c.id desc),
      v as (select l.person_id, bool_or(v.event_code = 5) as displaced from victim_registrations v join l on v.source_entity_id = l.entity_id
            where v.source_entity_id = any(${entityIds}) and v.status = 'active' group by l.person_id),
      a as (select distinct on (l.person_id) l.person_id, a.state from affiliations a join l on a.source_entity_id = l.entity_id
            where a.source_entity_id = any(${entityIds}) and a.status = 'active' and a.subsystem = 'SALUD'
            order by l.person_id, ${HEALTH_ORDER})
      insert into persons (id, first_name, second_name, first_surname, second_surname, name_source_record_id, birth_date, birth_date_source_record_id,
        sex, sex_source_record_id, municipality_code, municipality_source_record_id, sisben_group, sisben_subgroup, is_victim, is_displaced, health_state)
      overriding system value
      select t.id, n.first_name, n.second_name, n.first_surname, n.second_surname, n.current_record_id, b.birth_date, b.current_record_id,
        s.sex, s.current_record_id, m.municipality_code, m.current_record_id, sb."group", sb.subgroup, v.person_id is not null, coalesce(v.displaced, false), a.state
      from ${GOLDEN_FROM}`);
  }

  /** Copies each record's person onto its facts and memberships (after links change). */
  async propagateLinks(orm: Orm, entityIds: readonly number[]): Promise<void> {
    if (!entityIds.length) return;
    const ids = bigints(entityIds);
    // One statement: the records' persons are read once for the four tables (a batch's records
    // have facts in one or two of them), not once per table and round trip.
    const update = (table: string) =>
      sql`update ${sql.raw(table)} f set person_id = e.person_id from e
        where f.source_entity_id = any(array(select e.id from e)) and f.source_entity_id = e.id and f.person_id is distinct from e.person_id`;
    await this.db.rows(
      sql`with e as materialized (select id, person_id from source_entities where id = any(${ids})),
        a as (${update('affiliations')}), c as (${update('sisben_classifications')}),
        v as (${update('victim_registrations')}), h as (${update('household_memberships')})
        select 1`,
      orm,
    );
  }
}
