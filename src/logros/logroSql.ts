/**
 * The logro rules, set-based: one SELECT per rule over the persons in `logro_scope_persons` (a full
 * run: every active person, read from `persons` itself), with the
 * columns of `PERSON_RULE_COLS` (the household combination: `HOUSEHOLD_RULE_COLS`). logroCompute.ts
 * decides where its rows go: an incremental run into the evaluation tables, a full run straight into
 * the state tables. The pure functions in evaluators.ts are
 * the specification (tests assert both give the same states on the same fixtures); keep the two in
 * step: same order of conditions, same reason codes, same evidence record.
 */
import { sql, type SQL } from 'drizzle-orm';
import type { Coverage } from './evaluators';
import type { RuleSet } from './rules';

/**
 * The columns every person rule's SELECT yields, in this order: the state and its evidence, then the
 * person's attributes the state rows and counts carry (taken from the rule's own read of `persons`, so
 * that writing the rows needs no second join with it).
 */
export const PERSON_RULE_COLS =
  'person_id, logro, state, reason, details, evidence_record_id, evidence_dwelling_id, municipality_code, sisben_group, displaced, health_state';
/** The person attributes of PERSON_RULE_COLS, from `persons p`. */
const ATTRS = sql`p.municipality_code, p.sisben_group, p.is_displaced, p.health_state`;

/**
 * The persons a rule evaluates, as `p`: those in scope; in a full run, whose scope is every active
 * person, `persons` itself (each rule keeps only active ones), without a join with the scope.
 */
const inScope = (full: boolean) => (full ? sql`persons p` : sql`logro_scope_persons s join persons p on p.id = s.person_id`);
/** `table alias` restricted to the persons in scope by `col` (a full run: the whole table; the rule's join with `p` keeps the active). */
const scoped = (full: boolean, table: string, alias: string, col = 'person_id') =>
  full ? sql.raw(`${table} ${alias}`) : sql.raw(`logro_scope_persons s2 join ${table} ${alias} on ${alias}.${col} = s2.person_id`);
/** The columns of the household combination's SELECT and of logro_household_eval's rows, in this order. */
export const HOUSEHOLD_RULE_COLS =
  'household_id, logro, state, reason, details, evidence_record_id, evidence_dwelling_id, members_applicable, members_reached, members_pending, members_without_data, displaced';

/** A text[] bind ('{a,b}'): the values are codes from the rule set, never user input. */
const arr = (xs: readonly (string | number)[]) => `{${xs.join(',')}}`;

/** Full years on the as-of date, as the TypeScript `ageOn`. */
const age = (asOf: string, col: SQL) => sql`extract(year from age(${asOf}::date, ${col}))`;

export function lb1Sql(rules: RuleSet, asOf: string, full = false): SQL {
  const r = rules.lb1;
  return sql`select p.id as person_id, 1::smallint as logro,
      (case when d.person_id is null then 'POR_ALCANZAR' when d.for_age is not null then 'ALCANZADO'
            when d.foreign_doc is not null then 'ALCANZADO' when p.birth_date is null then 'SIN_DATO' else 'POR_ALCANZAR' end)::logro_state,
      case when d.person_id is null then 'NO_DOCUMENT' when d.for_age is not null then 'DOCUMENT_FOR_AGE'
           when d.foreign_doc is not null then 'FOREIGN_DOCUMENT' when p.birth_date is null then 'NO_BIRTH_DATE' else 'DOCUMENT_NOT_FOR_AGE' end,
      null::text[],
      case when d.person_id is null then p.name_source_record_id when d.for_age is not null then d.for_age
           when d.foreign_doc is not null then d.foreign_doc when p.birth_date is null then d.any_doc else p.birth_date_source_record_id end,
      null::bigint, ${ATTRS}
    from ${inScope(full)}
    left join (
      select i.person_id, min(i.source_record_id) as any_doc,
        min(i.source_record_id) filter (where i.doc_type = any(${arr(r.foreignTypes)}::text[])) as foreign_doc,
        min(i.source_record_id) filter (where pp.birth_date is not null and i.doc_type = any(
          case when ${age(asOf, sql`pp.birth_date`)} < ${r.rcUnder} then ${arr(r.rcTypes)}::text[]
               when ${age(asOf, sql`pp.birth_date`)} < ${r.ccFrom} then ${arr(r.tiTypes)}::text[]
               else ${arr(r.ccTypes)}::text[] end)) as for_age
      from ${scoped(full, 'person_identifiers', 'i')} join persons pp on pp.id = i.person_id
      where not (i.doc_type = any(${arr(r.placeholderTypes)}::text[]))
      group by i.person_id
    ) d on d.person_id = p.id
    where p.status = 'active'`;
}

export function lb13Sql(rules: RuleSet, coverage: Coverage, full = false): SQL {
  const r = rules.lb13;
  return sql`select p.id as person_id, 13::smallint as logro,
      (case when a.reach is not null then 'ALCANZADO' when a.dead is not null then 'NO_APLICA' when a.any_rec is not null then 'POR_ALCANZAR'
            when ${coverage.health}::boolean then 'POR_ALCANZAR' else 'SIN_DATO' end)::logro_state,
      case when a.reach is not null then 'ACTIVE_AFFILIATION' when a.dead is not null then 'DECEASED' when a.any_rec is not null then 'AFFILIATION_NOT_ACTIVE'
           when ${coverage.health}::boolean then 'NO_AFFILIATION' else 'NO_HEALTH_SOURCE' end,
      null::text[],
      coalesce(a.reach, a.dead, a.any_rec), null::bigint, ${ATTRS}
    from ${inScope(full)}
    left join (
      select a.person_id,
        max(a.source_record_id) filter (where a.state::text = any(${arr(r.reachingStates)}::text[])) as reach,
        max(a.source_record_id) filter (where a.state::text = any(${arr(r.deceasedStates)}::text[])) as dead,
        max(a.source_record_id) as any_rec
      from ${scoped(full, 'affiliations', 'a')}
      where a.status = 'active' and a.subsystem = 'SALUD' and a.source::text = any(${arr(r.sources)}::text[])
      group by a.person_id
    ) a on a.person_id = p.id
    where p.status = 'active'`;
}

export function lb45Sql(rules: RuleSet, coverage: Coverage, full = false): SQL {
  return sql`select p.id as person_id, 45::smallint as logro,
      (case when v.rec is not null then 'POR_ALCANZAR' when ${coverage.victims}::boolean then 'NO_APLICA' else 'SIN_DATO' end)::logro_state,
      case when v.rec is not null then 'DISPLACED' when ${coverage.victims}::boolean then 'NOT_DISPLACED' else 'NO_VICTIMS_SOURCE' end,
      null::text[], v.rec, null::bigint, ${ATTRS}
    from ${inScope(full)}
    left join (
      select v.person_id, max(v.source_record_id) as rec
      from ${scoped(full, 'victim_registrations', 'v')}
      where v.status = 'active' and v.event_code = ${rules.lb45.displacementEventCode}
      group by v.person_id
    ) v on v.person_id = p.id
    where p.status = 'active'`;
}

export function lb3Sql(rules: RuleSet, coverage: Coverage, full = false): SQL {
  const ph = sql`${arr(rules.lb1.placeholderTypes)}::text[]`;
  return sql`with sis as (
      select e.person_id, e.current_record_id as rec, e.doc_type, e.doc_number, e.first_name, e.second_name, e.first_surname, e.second_surname, e.birth_date
      from ${scoped(full, 'source_entities', 'e')}
      where e.source = 'sisben' and e.status = 'active' and e.person_id is not null
    ), other_docs as (
      select distinct e.person_id, e.doc_type, e.doc_number
      from ${scoped(full, 'source_entities', 'e')}
      where e.person_id is not null and e.source <> 'sisben' and e.status = 'active' and e.doc_type is not null and e.doc_number is not null and not (e.doc_type = any(${ph}))
    ), ref as (
      select p.id as person_id, p.first_name, p.second_name, p.first_surname, p.second_surname, p.birth_date, ${ATTRS},
        coalesce(nr.source::text, '') <> 'sisben' and (p.first_name is not null or p.first_surname is not null) as ref_name,
        -- The birth date's record is nearly always the name's: one join with source_records (a second
        -- hashed all of it again, ~2,000,000 rows at 1,000,000 persons); another record is read by key.
        coalesce((case when p.birth_date_source_record_id = p.name_source_record_id then nr.source
          else (select br.source from source_records br where br.id = p.birth_date_source_record_id) end)::text, '') <> 'sisben'
          and p.birth_date is not null as ref_birth,
        od.person_id is not null as ref_doc
      from ${inScope(full)}
      left join source_records nr on nr.id = p.name_source_record_id
      left join (select distinct person_id from other_docs) od on od.person_id = p.id
      where p.status = 'active'
    ), per_record as (
      select s.person_id, s.rec, x.diffs, r.municipality_code, r.sisben_group, r.is_displaced, r.health_state,
        case when not (r.ref_name or r.ref_birth or r.ref_doc) then 'SIN_DATO'
             when s.doc_number is null or s.doc_type is null or s.doc_type = any(${ph}) then 'POR_ALCANZAR'
             when cardinality(x.diffs) > 0 then 'POR_ALCANZAR' else 'ALCANZADO' end as state,
        case when not (r.ref_name or r.ref_birth or r.ref_doc) then 'NO_OTHER_SOURCE'
             when s.doc_number is null or s.doc_type is null or s.doc_type = any(${ph}) then 'SISBEN_WITHOUT_DOCUMENT'
             when cardinality(x.diffs) > 0 then 'SISBEN_DIFFERS' else 'SISBEN_MATCHES' end as reason
      from sis s join ref r on r.person_id = s.person_id
      -- other_docs is distinct: at most one row, the Sisbén document among the other sources' (a join,
      -- not an EXISTS inside the array, which the planner copied into state, reason and details).
      left join other_docs o on o.person_id = s.person_id and o.doc_type = s.doc_type and o.doc_number = s.doc_number
      cross join lateral (select array_remove(array[
        case when r.ref_name and (s.first_name is distinct from r.first_name or s.second_name is distinct from r.second_name
          or s.first_surname is distinct from r.first_surname or s.second_surname is distinct from r.second_surname) then 'name' end,
        case when r.ref_doc and o.person_id is null then 'document' end,
        case when r.ref_birth and s.birth_date is distinct from r.birth_date then 'birthDate' end
      ]::text[], null) as diffs) x
    ), worst as (
      select distinct on (person_id) person_id, rec, state, reason, diffs, municipality_code, sisben_group, is_displaced, health_state from per_record
      order by person_id, case state when 'POR_ALCANZAR' then 3 when 'SIN_DATO' then 2 else 1 end desc, rec desc
    )
    select w.person_id, 3::smallint as logro, w.state::logro_state, w.reason, case when w.reason = 'SISBEN_DIFFERS' then w.diffs end, w.rec, null::bigint,
      w.municipality_code, w.sisben_group, w.is_displaced, w.health_state
    from worst w
    union all
    select r.person_id, 3::smallint,
      (case when ${coverage.sisben}::boolean then 'POR_ALCANZAR' else 'SIN_DATO' end)::logro_state,
      case when ${coverage.sisben}::boolean then 'NOT_IN_SISBEN' else 'NO_SISBEN_SOURCE' end, null, null, null,
      r.municipality_code, r.sisben_group, r.is_displaced, r.health_state
    from ref r where not exists (select 1 from sis s where s.person_id = r.person_id)`;
}

/**
 * The household combination over the members' current states: every member to whom the logro applies
 * has reached it; POR ALCANZAR wins over SIN DATO (evaluators.ts `combineHousehold`).
 */
export function householdCombineSql(logros: readonly number[], tallied = false): SQL {
  // A full run tallied the members' states per household as it wrote them (logro_member_tally, from
  // logro_members): the same counts without reading every person's states back.
  const members = tallied
    ? sql`select household_id, logro, members, applicable, reached, pending, nodata from logro_member_tally`
    : sql`select m.household_id, pl.logro, count(*) as members,
        count(*) filter (where pl.state <> 'NO_APLICA') as applicable, count(*) filter (where pl.state = 'ALCANZADO') as reached,
        count(*) filter (where pl.state = 'POR_ALCANZAR') as pending, count(*) filter (where pl.state = 'SIN_DATO') as nodata
      from (select distinct m.household_id, m.person_id from logro_scope_households s2 join household_memberships m on m.household_id = s2.household_id
            where m.valid_to is null and m.person_id is not null) m
      join persons p on p.id = m.person_id and p.status = 'active'
      -- By key (offset 0: not flattened into a join that hashed the whole state table at 1,000,000 persons).
      cross join lateral (select pl.logro, pl.state from person_logros pl where pl.person_id = m.person_id and pl.logro = any(${arr(logros)}::smallint[])
        offset 0) pl
      group by m.household_id, pl.logro`;
  const displaced = tallied
    ? sql`select household_id, bool_or(is_displaced) as displaced from logro_members group by household_id`
    : sql`select m.household_id, bool_or(p.is_displaced) as displaced
      from logro_scope_households s3 join household_memberships m on m.household_id = s3.household_id join persons p on p.id = m.person_id
      where m.valid_to is null and p.status = 'active'
      group by m.household_id`;
  return sql`select h.id as household_id, l.logro,
      (case when coalesce(a.members, 0) = 0 then 'SIN_DATO' when a.applicable = 0 then 'NO_APLICA' when a.pending > 0 then 'POR_ALCANZAR'
            when a.nodata > 0 then 'SIN_DATO' else 'ALCANZADO' end)::logro_state,
      case when coalesce(a.members, 0) = 0 then 'NO_MEMBERS' when a.applicable = 0 then 'NOT_APPLICABLE_TO_MEMBERS' when a.pending > 0 then 'MEMBERS_PENDING'
           when a.nodata > 0 then 'MEMBERS_WITHOUT_DATA' else 'ALL_MEMBERS_REACHED' end,
      null::text[], null::bigint, null::bigint,
      coalesce(a.applicable, 0), coalesce(a.reached, 0), coalesce(a.pending, 0), coalesce(a.nodata, 0), coalesce(d.displaced, false)
    from logro_scope_households sh join households h on h.id = sh.household_id
    cross join unnest(${arr(logros)}::smallint[]) as l(logro)
    left join (${members}) a on a.household_id = h.id and a.logro = l.logro
    left join (${displaced}) d on d.household_id = h.id
    where h.status = 'active'`;
}

/**
 * Habitability (LB 24, 26, 28, 29, 32) per household in scope, from its current dwelling record
 * (evaluators.ts `evaluateHabitat`): one pass over the households, five rows each. A household joins
 * its dwelling by key (`households.source = 'sisben'`, `source_key` = `ficha-hogar`). `members`: a full
 * run's `logro_members` (every current member of every household) gives the member counts.
 */
export function habitatHouseholdSql(rules: RuleSet, coverage: Coverage, members = false): SQL {
  const r = rules.habitat;
  const ints = (xs: readonly number[]) => sql`${arr(xs)}::int[]`;
  const ev = sql`d.dwelling_id`;
  // Each part of LB 24: 'ok' | 'fail' | 'missing', and the variable a 'missing' lacks.
  const water = sql`case when d.zone is null then 'missing' when d.zone = 'cabecera' then (case when d.has_aqueduct is null then 'missing' when d.has_aqueduct then 'ok' else 'fail' end)
    else (case when d.water_source is null then 'missing' when d.water_source = any(${ints(r.ruralImprovedWaterSources)}) then 'ok' else 'fail' end) end`;
  const waterField = sql`case when d.zone is null then 'zone' when d.zone = 'cabecera' then 'hasAqueduct' else 'waterSource' end`;
  const sanitation = sql`case when d.zone is null then 'missing' when d.zone = 'cabecera' then (case when d.has_sewer is null then 'missing' when d.has_sewer then 'ok' else 'fail' end)
    else (case when d.toilet_type is null then 'missing' when d.toilet_type = any(${ints(r.ruralAdequateToilets)}) then 'ok' else 'fail' end) end`;
  const sanitationField = sql`case when d.zone is null then 'zone' when d.zone = 'cabecera' then 'hasSewer' else 'toiletType' end`;
  const overcrowded = sql`(case when d.zone = 'cabecera' then d.members >= ${r.urbanOvercrowdedFrom}::numeric * d.bedrooms else d.members > ${r.ruralOvercrowdedAbove}::numeric * d.bedrooms end)`;
  const wallsOk = sql`d.wall_material = any(case when d.zone = 'cabecera' then ${ints(r.urbanAdequateWalls)} else ${ints(r.ruralAdequateWalls)} end)`;
  const noDwelling = coverage.dwellings ? 'NO_DWELLING_RECORD' : 'NO_DWELLING_SOURCE';
  return sql`insert into logro_household_eval (household_id, logro, state, reason, details, evidence_record_id, evidence_dwelling_id,
      members_applicable, members_reached, members_pending, members_without_data, displaced)
    with d as (
      select h.id, v.id as dwelling_id, v.zone, v.wall_material, v.floor_material, v.has_energy, v.has_sewer, v.has_aqueduct, v.bedrooms, v.toilet_type,
        v.water_source, coalesce(m.members, 0) as members, coalesce(m.displaced, false) as displaced
      from logro_scope_households s join households h on h.id = s.household_id
      left join sisben_hogares v on h.source = 'sisben' and v.source_key = h.source_key and v.is_current and v.status = 'active'
      left join (${
        members
          ? sql`select household_id, count(*) as members, bool_or(is_displaced) as displaced from logro_members group by household_id`
          : sql`select m.household_id, count(distinct m.person_id) as members, bool_or(p.is_displaced) as displaced
        from logro_scope_households s2 join household_memberships m on m.household_id = s2.household_id join persons p on p.id = m.person_id
        where m.valid_to is null and p.status = 'active'
        group by m.household_id`
      }) m on m.household_id = h.id
      -- The incremental run calls this twice (the second time for the households its first pass added); a
      -- full run once, over an empty evaluation.
      where h.status = 'active' ${members ? sql`` : sql`and not exists (select 1 from logro_household_eval e where e.household_id = h.id and e.logro = 24)`}
    ), parts as materialized (
      -- Materialized: each part is read by several logros below; inlined, it would be recomputed for each.
      select d.*, ${water} as w, ${waterField} as wf, ${sanitation} as sa, ${sanitationField} as sf from d
    ), x as (
      select d.id, d.members, d.displaced, l.logro, l.state, l.reason, l.details, case when d.dwelling_id is null then null else ${ev} end as evidence
      from parts d cross join lateral (values
        (24::smallint,
          case when d.dwelling_id is null then 'SIN_DATO' when d.w = 'fail' or d.sa = 'fail' then 'POR_ALCANZAR' when d.w = 'missing' or d.sa = 'missing' then 'SIN_DATO' else 'ALCANZADO' end,
          case when d.dwelling_id is null then ${noDwelling} when d.w = 'fail' or d.sa = 'fail' then 'INADEQUATE_SERVICES' when d.w = 'missing' or d.sa = 'missing' then 'MISSING_VARIABLES'
               else 'WATER_AND_SANITATION' end,
          case when d.dwelling_id is null then null
               when d.w = 'fail' or d.sa = 'fail' then array_remove(array[case when d.w = 'fail' then 'water' end, case when d.sa = 'fail' then 'sanitation' end]::text[], null)
               when d.w = 'missing' or d.sa = 'missing' then array_remove(array[case when d.w = 'missing' then d.wf end,
                 case when d.sa = 'missing' and (d.w <> 'missing' or d.sf <> d.wf) then d.sf end]::text[], null) end),
        (26::smallint,
          case when d.dwelling_id is null then 'SIN_DATO' when d.has_energy is null then 'SIN_DATO' when d.has_energy then 'ALCANZADO' else 'POR_ALCANZAR' end,
          case when d.dwelling_id is null then ${noDwelling} when d.has_energy is null then 'MISSING_VARIABLES' when d.has_energy then 'HAS_ENERGY' else 'NO_ENERGY' end,
          case when d.dwelling_id is not null and d.has_energy is null then array['hasEnergy']::text[] end),
        (28::smallint,
          case when d.dwelling_id is null then 'SIN_DATO' when d.bedrooms is null then 'SIN_DATO' when d.members = 0 then 'SIN_DATO' when d.bedrooms = 0 then 'POR_ALCANZAR'
               when d.zone is null then 'SIN_DATO' when ${overcrowded} then 'POR_ALCANZAR' else 'ALCANZADO' end,
          case when d.dwelling_id is null then ${noDwelling} when d.bedrooms is null then 'MISSING_VARIABLES' when d.members = 0 then 'NO_MEMBERS' when d.bedrooms = 0 then 'NO_BEDROOM'
               when d.zone is null then 'MISSING_VARIABLES' when ${overcrowded} then 'OVERCROWDED' else 'NOT_OVERCROWDED' end,
          case when d.dwelling_id is null then null when d.bedrooms is null then array['bedrooms']::text[] when d.members = 0 or d.bedrooms = 0 then null
               when d.zone is null then array['zone']::text[] end),
        (29::smallint,
          case when d.dwelling_id is null then 'SIN_DATO' when d.floor_material is null then 'SIN_DATO' when d.floor_material = any(${ints(r.dirtFloors)}) then 'POR_ALCANZAR' else 'ALCANZADO' end,
          case when d.dwelling_id is null then ${noDwelling} when d.floor_material is null then 'MISSING_VARIABLES' when d.floor_material = any(${ints(r.dirtFloors)}) then 'DIRT_FLOOR'
               else 'NO_DIRT_FLOOR' end,
          case when d.dwelling_id is not null and d.floor_material is null then array['floorMaterial']::text[] end),
        (32::smallint,
          case when d.dwelling_id is null then 'SIN_DATO' when d.wall_material is null or d.zone is null then 'SIN_DATO' when ${wallsOk} then 'ALCANZADO' else 'POR_ALCANZAR' end,
          case when d.dwelling_id is null then ${noDwelling} when d.wall_material is null or d.zone is null then 'MISSING_VARIABLES' when ${wallsOk} then 'ADEQUATE_WALLS' else 'INADEQUATE_WALLS' end,
          case when d.dwelling_id is null then null when d.wall_material is null then array['wallMaterial']::text[] when d.zone is null then array['zone']::text[] end)
      ) as l(logro, state, reason, details)
    )
    select x.id, x.logro, x.state::logro_state, x.reason, x.details, null, x.evidence,
      x.members, case when x.state = 'ALCANZADO' then x.members else 0 end, case when x.state = 'POR_ALCANZAR' then x.members else 0 end,
      case when x.state = 'SIN_DATO' then x.members else 0 end, x.displaced
    from x`;
}

/** Each scoped person's active households: the first one and how many (the CTE both habitability forms start from). */
const personHouseholds = (full: boolean) => sql`with ph as (
      select m.person_id, min(m.household_id) as household_id, count(distinct m.household_id) as n
      from ${scoped(full, 'household_memberships', 'm')} join households h on h.id = m.household_id
      where m.valid_to is null and h.status = 'active' and m.person_id is not null
      group by m.person_id
    )`;

/** A person in several active households takes the worst state among them (POR ALCANZAR first). */
function severalHouseholdsSql(logros: readonly number[]): SQL {
  return sql`select * from (
      select distinct on (p.id, l.logro) p.id, l.logro, coalesce(e.state, 'SIN_DATO'), coalesce(e.reason, 'NO_HOUSEHOLD'), e.details, null::bigint, e.evidence_dwelling_id,
        ${ATTRS}
      from ph join persons p on p.id = ph.person_id
      cross join unnest(${arr(logros)}::smallint[]) as l(logro)
      join household_memberships m on m.person_id = p.id and m.valid_to is null
      join households h on h.id = m.household_id and h.status = 'active'
      left join logro_household_eval e on e.household_id = m.household_id and e.logro = l.logro
      where p.status = 'active' and ph.n > 1
      order by p.id, l.logro, case e.state when 'POR_ALCANZAR' then 3 when 'SIN_DATO' then 2 when 'ALCANZADO' then 1 else 0 end desc, m.household_id desc nulls last
    ) several`;
}

/**
 * Every person in scope shares the state of its household's dwelling (evaluators.ts `personHabitat`):
 * several current households → the worst, then the newest household; none → SIN DATO. Reads the
 * household evaluation of this run, which covers every household of every person in scope.
 */
export function habitatPersonSql(logros: readonly number[], full = false): SQL {
  if (!full) return habitatPersonByLogroSql(logros);
  return sql`${personHouseholds(true)}
    select p.id as person_id, e.logro, e.state, e.reason, e.details, null::bigint as evidence_record_id, e.evidence_dwelling_id, ${ATTRS}
    from persons p
    join ph on ph.person_id = p.id and ph.n = 1
    join logro_household_eval e on e.household_id = ph.household_id and e.logro = any(${arr(logros)}::smallint[])
    where p.status = 'active'
    union all
    select p.id, l.logro, 'SIN_DATO'::logro_state, 'NO_HOUSEHOLD', null::text[], null::bigint, null::bigint, ${ATTRS}
    from persons p
    cross join unnest(${arr(logros)}::smallint[]) as l(logro)
    where p.status = 'active' and not exists (select 1 from ph where ph.person_id = p.id)
    union all
    ${severalHouseholdsSql(logros)}`;
}

/**
 * The incremental run's per-person habitability (a few thousand persons, read by key): the five logros
 * of every person joined to the evaluation on (household, logro). At the scale of a full run the
 * planner sorted every person's rows for that join; the full run joins by household instead (above).
 */
function habitatPersonByLogroSql(logros: readonly number[]): SQL {
  return sql`${personHouseholds(false)}
    select p.id as person_id, l.logro, coalesce(e.state, 'SIN_DATO') as state, coalesce(e.reason, 'NO_HOUSEHOLD') as reason, e.details,
      null::bigint as evidence_record_id, e.evidence_dwelling_id, ${ATTRS}
    from logro_scope_persons s join persons p on p.id = s.person_id
    cross join unnest(${arr(logros)}::smallint[]) as l(logro)
    left join ph on ph.person_id = p.id
    left join logro_household_eval e on e.household_id = ph.household_id and e.logro = l.logro
    where p.status = 'active' and coalesce(ph.n, 0) <= 1
    union all
    ${severalHouseholdsSql(logros)}`;
}
