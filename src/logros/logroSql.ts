/**
 * The logro rules, set-based: one INSERT … SELECT per rule over the persons in `logro_scope_persons`
 * into `logro_person_eval`, then the household combination. The pure functions in evaluators.ts are
 * the specification (tests assert both give the same states on the same fixtures); keep the two in
 * step: same order of conditions, same reason codes, same evidence record.
 */
import { sql, type SQL } from 'drizzle-orm';
import type { Coverage } from './evaluators';
import type { RuleSet } from './rules';

/** A text[] bind ('{a,b}'): the values are codes from the rule set, never user input. */
const arr = (xs: readonly (string | number)[]) => `{${xs.join(',')}}`;

/** Full years on the as-of date, as the TypeScript `ageOn`. */
const age = (asOf: string, col: SQL) => sql`extract(year from age(${asOf}::date, ${col}))`;

export function lb1Sql(rules: RuleSet, asOf: string): SQL {
  const r = rules.lb1;
  return sql`insert into logro_person_eval (person_id, logro, state, reason, details, evidence_record_id)
    select p.id, 1,
      (case when d.person_id is null then 'POR_ALCANZAR' when d.for_age is not null then 'ALCANZADO'
            when d.foreign_doc is not null then 'ALCANZADO' when p.birth_date is null then 'SIN_DATO' else 'POR_ALCANZAR' end)::logro_state,
      case when d.person_id is null then 'NO_DOCUMENT' when d.for_age is not null then 'DOCUMENT_FOR_AGE'
           when d.foreign_doc is not null then 'FOREIGN_DOCUMENT' when p.birth_date is null then 'NO_BIRTH_DATE' else 'DOCUMENT_NOT_FOR_AGE' end,
      null,
      case when d.person_id is null then p.name_source_record_id when d.for_age is not null then d.for_age
           when d.foreign_doc is not null then d.foreign_doc when p.birth_date is null then d.any_doc else p.birth_date_source_record_id end
    from logro_scope_persons s join persons p on p.id = s.person_id
    left join (
      select i.person_id, min(i.source_record_id) as any_doc,
        min(i.source_record_id) filter (where i.doc_type = any(${arr(r.foreignTypes)}::text[])) as foreign_doc,
        min(i.source_record_id) filter (where pp.birth_date is not null and i.doc_type = any(
          case when ${age(asOf, sql`pp.birth_date`)} < ${r.rcUnder} then ${arr(r.rcTypes)}::text[]
               when ${age(asOf, sql`pp.birth_date`)} < ${r.ccFrom} then ${arr(r.tiTypes)}::text[]
               else ${arr(r.ccTypes)}::text[] end)) as for_age
      from logro_scope_persons s2 join person_identifiers i on i.person_id = s2.person_id join persons pp on pp.id = i.person_id
      where not (i.doc_type = any(${arr(r.placeholderTypes)}::text[]))
      group by i.person_id
    ) d on d.person_id = p.id
    where p.status = 'active'`;
}

export function lb13Sql(rules: RuleSet, coverage: Coverage): SQL {
  const r = rules.lb13;
  return sql`insert into logro_person_eval (person_id, logro, state, reason, details, evidence_record_id)
    select p.id, 13,
      (case when a.reach is not null then 'ALCANZADO' when a.dead is not null then 'NO_APLICA' when a.any_rec is not null then 'POR_ALCANZAR'
            when ${coverage.health}::boolean then 'POR_ALCANZAR' else 'SIN_DATO' end)::logro_state,
      case when a.reach is not null then 'ACTIVE_AFFILIATION' when a.dead is not null then 'DECEASED' when a.any_rec is not null then 'AFFILIATION_NOT_ACTIVE'
           when ${coverage.health}::boolean then 'NO_AFFILIATION' else 'NO_HEALTH_SOURCE' end,
      null,
      coalesce(a.reach, a.dead, a.any_rec)
    from logro_scope_persons s join persons p on p.id = s.person_id
    left join (
      select a.person_id,
        max(a.source_record_id) filter (where a.state::text = any(${arr(r.reachingStates)}::text[])) as reach,
        max(a.source_record_id) filter (where a.state::text = any(${arr(r.deceasedStates)}::text[])) as dead,
        max(a.source_record_id) as any_rec
      from logro_scope_persons s2 join affiliations a on a.person_id = s2.person_id
      where a.status = 'active' and a.subsystem = 'SALUD' and a.source::text = any(${arr(r.sources)}::text[])
      group by a.person_id
    ) a on a.person_id = p.id
    where p.status = 'active'`;
}

export function lb45Sql(rules: RuleSet, coverage: Coverage): SQL {
  return sql`insert into logro_person_eval (person_id, logro, state, reason, details, evidence_record_id)
    select p.id, 45,
      (case when v.rec is not null then 'POR_ALCANZAR' when ${coverage.victims}::boolean then 'NO_APLICA' else 'SIN_DATO' end)::logro_state,
      case when v.rec is not null then 'DISPLACED' when ${coverage.victims}::boolean then 'NOT_DISPLACED' else 'NO_VICTIMS_SOURCE' end,
      null, v.rec
    from logro_scope_persons s join persons p on p.id = s.person_id
    left join (
      select v.person_id, max(v.source_record_id) as rec
      from logro_scope_persons s2 join victim_registrations v on v.person_id = s2.person_id
      where v.status = 'active' and v.event_code = ${rules.lb45.displacementEventCode}
      group by v.person_id
    ) v on v.person_id = p.id
    where p.status = 'active'`;
}

export function lb3Sql(rules: RuleSet, coverage: Coverage): SQL {
  const ph = sql`${arr(rules.lb1.placeholderTypes)}::text[]`;
  return sql`insert into logro_person_eval (person_id, logro, state, reason, details, evidence_record_id)
    with sis as (
      select e.person_id, e.current_record_id as rec, e.doc_type, e.doc_number, e.first_name, e.second_name, e.first_surname, e.second_surname, e.birth_date
      from logro_scope_persons s join source_entities e on e.person_id = s.person_id
      where e.source = 'sisben' and e.status = 'active'
    ), other_docs as (
      select distinct e.person_id, e.doc_type, e.doc_number
      from logro_scope_persons s join source_entities e on e.person_id = s.person_id
      where e.source <> 'sisben' and e.status = 'active' and e.doc_type is not null and e.doc_number is not null and not (e.doc_type = any(${ph}))
    ), ref as (
      select p.id as person_id, p.first_name, p.second_name, p.first_surname, p.second_surname, p.birth_date,
        coalesce(nr.source::text, '') <> 'sisben' and (p.first_name is not null or p.first_surname is not null) as ref_name,
        coalesce(br.source::text, '') <> 'sisben' and p.birth_date is not null as ref_birth,
        exists (select 1 from other_docs o where o.person_id = p.id) as ref_doc
      from logro_scope_persons s join persons p on p.id = s.person_id
      left join source_records nr on nr.id = p.name_source_record_id
      left join source_records br on br.id = p.birth_date_source_record_id
      where p.status = 'active'
    ), per_record as (
      select s.person_id, s.rec, x.diffs,
        case when not (r.ref_name or r.ref_birth or r.ref_doc) then 'SIN_DATO'
             when s.doc_number is null or s.doc_type is null or s.doc_type = any(${ph}) then 'POR_ALCANZAR'
             when cardinality(x.diffs) > 0 then 'POR_ALCANZAR' else 'ALCANZADO' end as state,
        case when not (r.ref_name or r.ref_birth or r.ref_doc) then 'NO_OTHER_SOURCE'
             when s.doc_number is null or s.doc_type is null or s.doc_type = any(${ph}) then 'SISBEN_WITHOUT_DOCUMENT'
             when cardinality(x.diffs) > 0 then 'SISBEN_DIFFERS' else 'SISBEN_MATCHES' end as reason
      from sis s join ref r on r.person_id = s.person_id
      cross join lateral (select array_remove(array[
        case when r.ref_name and (s.first_name is distinct from r.first_name or s.second_name is distinct from r.second_name
          or s.first_surname is distinct from r.first_surname or s.second_surname is distinct from r.second_surname) then 'name' end,
        case when r.ref_doc and not exists (select 1 from other_docs o where o.person_id = s.person_id and o.doc_type = s.doc_type and o.doc_number = s.doc_number)
          then 'document' end,
        case when r.ref_birth and s.birth_date is distinct from r.birth_date then 'birthDate' end
      ]::text[], null) as diffs) x
    ), worst as (
      select distinct on (person_id) person_id, rec, state, reason, diffs from per_record
      order by person_id, case state when 'POR_ALCANZAR' then 3 when 'SIN_DATO' then 2 else 1 end desc, rec desc
    )
    select w.person_id, 3, w.state::logro_state, w.reason, case when w.reason = 'SISBEN_DIFFERS' then w.diffs end, w.rec from worst w
    union all
    select r.person_id, 3,
      (case when ${coverage.sisben}::boolean then 'POR_ALCANZAR' else 'SIN_DATO' end)::logro_state,
      case when ${coverage.sisben}::boolean then 'NOT_IN_SISBEN' else 'NO_SISBEN_SOURCE' end, null, null
    from ref r where not exists (select 1 from sis s where s.person_id = r.person_id)`;
}

/**
 * The household combination over the members' current states: every member to whom the logro applies
 * has reached it; POR ALCANZAR wins over SIN DATO (evaluators.ts `combineHousehold`).
 */
export function householdCombineSql(logros: readonly number[]): SQL {
  return sql`insert into logro_household_eval (household_id, logro, state, reason, details, evidence_record_id,
      members_applicable, members_reached, members_pending, members_without_data, displaced)
    select h.id, l.logro,
      (case when coalesce(a.members, 0) = 0 then 'SIN_DATO' when a.applicable = 0 then 'NO_APLICA' when a.pending > 0 then 'POR_ALCANZAR'
            when a.nodata > 0 then 'SIN_DATO' else 'ALCANZADO' end)::logro_state,
      case when coalesce(a.members, 0) = 0 then 'NO_MEMBERS' when a.applicable = 0 then 'NOT_APPLICABLE_TO_MEMBERS' when a.pending > 0 then 'MEMBERS_PENDING'
           when a.nodata > 0 then 'MEMBERS_WITHOUT_DATA' else 'ALL_MEMBERS_REACHED' end,
      null, null,
      coalesce(a.applicable, 0), coalesce(a.reached, 0), coalesce(a.pending, 0), coalesce(a.nodata, 0), coalesce(d.displaced, false)
    from logro_scope_households sh join households h on h.id = sh.household_id
    cross join unnest(${arr(logros)}::smallint[]) as l(logro)
    left join (
      select m.household_id, pl.logro, count(*) as members,
        count(*) filter (where pl.state <> 'NO_APLICA') as applicable, count(*) filter (where pl.state = 'ALCANZADO') as reached,
        count(*) filter (where pl.state = 'POR_ALCANZAR') as pending, count(*) filter (where pl.state = 'SIN_DATO') as nodata
      from (select distinct m.household_id, m.person_id from logro_scope_households s2 join household_memberships m on m.household_id = s2.household_id
            where m.valid_to is null and m.person_id is not null) m
      join persons p on p.id = m.person_id and p.status = 'active'
      join person_logros pl on pl.person_id = m.person_id
      group by m.household_id, pl.logro
    ) a on a.household_id = h.id and a.logro = l.logro
    left join (
      select m.household_id, bool_or(p.is_displaced) as displaced
      from logro_scope_households s3 join household_memberships m on m.household_id = s3.household_id join persons p on p.id = m.person_id
      where m.valid_to is null and p.status = 'active'
      group by m.household_id
    ) d on d.household_id = h.id
    where h.status = 'active'`;
}
