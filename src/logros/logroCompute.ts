/**
 * One logro run's computation, inside the run's transaction: scope → one SELECT per rule, written
 * (full) straight into the emptied state tables with their history and counts, or (incremental) into
 * the evaluation tables and then upserted with history and count deltas → households the same way →
 * the report's lines. The rules' SQL is in logroSql.ts.
 */
import { sql, type SQL } from 'drizzle-orm';
import { analyzeStaleSql } from '../platform/db';
import type { Coverage } from './evaluators';
import {
  HOUSEHOLD_RULE_COLS,
  PERSON_RULE_COLS,
  habitatHouseholdSql,
  habitatPersonSql,
  householdCombineSql,
  lb13Sql,
  lb1Sql,
  lb3Sql,
  lb45Sql,
} from './logroSql';
import { HOUSEHOLD_LOGROS, PERSON_LOGROS, type RuleSet } from './rules';

export interface ComputeInput {
  runId: number;
  mode: 'full' | 'incremental';
  rules: RuleSet;
  asOf: string;
  coverage: Coverage;
  /** Incremental: the reconciliation run whose changes to take (null: only the time-driven ones). */
  reconciliationRunId: number | null;
  /** Incremental: the Sisbén IV hogares import whose changed or dropped dwellings to take. */
  importRunId?: number | null;
  /** Incremental: the last finished run (steward merges since it started; ages crossing a threshold since its as-of date). */
  previous: { startedAt: Date; asOf: string } | null;
}

export interface ComputeResult {
  persons: number;
  households: number;
  changes: number;
  timings: Record<string, number>;
}

type Run = (s: SQL) => Promise<Record<string, unknown>[]>;

/** The registry tables the rules read (each run makes sure they have planner statistics). */
const SOURCE_TABLES = [
  'persons',
  'person_identifiers',
  'person_merges',
  'household_memberships',
  'households',
  'source_entities',
  'source_records',
  'sisben_hogares',
  'affiliations',
  'victim_registrations',
  'entity_links',
  'record_moves',
  'person_logros',
  'household_logros',
];

/** The state tables (in SOURCE_TABLES: the incremental run reads them by key). */
const STATE_TABLES = ['person_logros', 'household_logros'];

const PERSON_COLS = sql.raw(`person_id, logro, state, reason, details, evidence_record_id, evidence_dwelling_id, rule_version, decided_run_id,
  evaluated_run_id, municipality_code, sisben_group, displaced, health_state, updated_at`);
const HOUSEHOLD_COLS = sql.raw(`household_id, logro, state, reason, details, evidence_record_id, evidence_dwelling_id, members_applicable, members_reached,
  members_pending, members_without_data, rule_version, decided_run_id, evaluated_run_id, municipality_code, sisben_group, displaced, updated_at`);

/** The computation of one run on one transaction's connection (`run`); `postgres` enables the planner settings pglite lacks. */
export async function computeLogros(run: Run, input: ComputeInput, postgres: boolean): Promise<ComputeResult> {
  const timings: Record<string, number> = {};
  const timed = async <T>(name: string, fn: () => Promise<T>): Promise<T> => {
    const t0 = performance.now();
    try {
      return await fn();
    } finally {
      timings[name] = Math.round(performance.now() - t0);
    }
  };
  const full = input.mode === 'full';
  if (postgres) {
    await run(sql`set local work_mem = '256MB'`);
    // JIT compiles these wide CASE expressions for up to a second per statement and wins nothing back.
    await run(sql`set local jit = off`);
    // A full run builds the state tables' keys after the load (dropKeys): a sort of millions of rows.
    if (full) await run(sql`set local maintenance_work_mem = '256MB'`);
    // An incremental run joins a few thousand scope rows to tables of millions, all in cache: at the
    // default random_page_cost the planner prefers hashing the whole state table to probing its key.
    if (!full) await run(sql`set local random_page_cost = 1.1`);
  }
  // Tables just loaded have no or stale statistics: planned blind, the rules' joins became nested
  // loops — two minutes for a first import of 20,000 persons instead of five seconds. A nightly cut
  // changes far less than analyzeStaleSql's fifth: nothing is analyzed then.
  if (full || !input.previous) await run(analyzeStaleSql(SOURCE_TABLES));
  else {
    await run(analyzeStaleSql(SOURCE_TABLES.filter((t) => !STATE_TABLES.includes(t))));
    // The state tables are analyzed at the end of every full run, inside its transaction: their rows
    // count as changes only once it commits, so the next run would analyze them again (~1 s at
    // 1,000,000 persons) for statistics taken after that very load. Stale only if not analyzed since the last run began.
    await run(analyzeStaleSql(STATE_TABLES, { unlessAnalyzedSince: input.previous.startedAt }));
  }
  await createWorkTables(run);

  await timed('scope', () => (full ? fullScope(run) : incrementalScope(run, input)));
  // Habitability first, per household (the dwelling decides); its members share it.
  await timed('habitat_households', async () => {
    await run(sql`analyze logro_scope_households`);
    await run(habitatHouseholdSql(input.rules, input.coverage, full));
    if (full) return;
    // A household whose dwelling decision changed changes every member's state: its members join the
    // scope, and their other households too (a member takes the worst of them).
    await run(sql`insert into logro_scope_persons
      select m.person_id from logro_household_eval e
      left join lateral (select c.state, c.reason, c.details, c.evidence_dwelling_id from household_logros c
        where c.household_id = e.household_id and c.logro = e.logro offset 0) c on true
      join household_memberships m on m.household_id = e.household_id and m.valid_to is null and m.person_id is not null
      where (c.state, c.reason, c.details, c.evidence_dwelling_id) is distinct from (e.state, e.reason, e.details, e.evidence_dwelling_id)
      on conflict do nothing`);
    await run(sql`insert into logro_scope_households select m.household_id from household_memberships m join logro_scope_persons s on s.person_id = m.person_id
      on conflict do nothing`);
    await run(habitatHouseholdSql(input.rules, input.coverage));
  });
  // A full run's scope is every active person: its rules read persons directly (logroSql.ts inScope).
  const [{ n: persons }] = await run(
    full ? sql`select count(*)::int as n from persons where status = 'active'` : sql`select count(*)::int as n from logro_scope_persons`,
  );
  if (!full) await run(sql`analyze logro_scope_persons`);

  // Each rule with the logros its rows carry (a full run reads only those of the old rows).
  const personRules: [string, SQL, readonly number[]][] = [
    ['lb1', lb1Sql(input.rules, input.asOf, full), [1]],
    ['lb3', lb3Sql(input.rules, input.coverage, full), [3]],
    ['lb13', lb13Sql(input.rules, input.coverage, full), [13]],
    ['lb45', lb45Sql(input.rules, input.coverage, full), [45]],
    ['habitat_persons', habitatPersonSql(HOUSEHOLD_LOGROS, full), HOUSEHOLD_LOGROS],
  ];
  let changes = 0;
  if (full) {
    const carry = await timed('persons_prepare', () => prepareRebuild(run, 'person_logros', 'person_logro_history'));
    for (const [name, select, logros] of personRules) {
      // The households combine the person logros: their members' states are tallied in the same pass
      // (the first run: from the table, personsFromStates).
      const tally = logros.every((l) => (PERSON_LOGROS as readonly number[]).includes(l));
      changes += await timed(name, () => writePersonRows(run, input, select, logros, carry, tally));
    }
    if (!carry) changes += await timed('persons_from_states', () => personsFromStates(run, input));
    // Before the households are combined, which read the persons' states by key.
    await timed('persons_keys', () => run(sql`select juntos_bulk_restore_secondary()`));
  } else {
    for (const [name, select] of personRules) await timed(name, () => run(sql`insert into logro_person_eval (${sql.raw(PERSON_RULE_COLS)}) ${select}`));
    await run(sql`analyze logro_person_eval`);
    changes += await timed('persons_write', () => upsertPersonStates(run, input));
  }

  if (full) {
    const carry = await timed('households_prepare', () => prepareRebuild(run, 'household_logros', 'household_logro_history'));
    changes += await timed('habitat_households_write', () =>
      writeHouseholdRows(run, input, sql`select ${sql.raw(HOUSEHOLD_RULE_COLS)} from logro_household_eval`, HOUSEHOLD_LOGROS, carry),
    );
    changes += await timed('households', () => writeHouseholdRows(run, input, householdCombineSql(PERSON_LOGROS, true), PERSON_LOGROS, carry));
    if (!carry) changes += await timed('households_from_states', () => householdsFromStates(run, input));
    await timed('households_keys', () => run(sql`select juntos_bulk_restore_secondary()`));
  } else {
    await timed('households', () => run(sql`insert into logro_household_eval (${sql.raw(HOUSEHOLD_RULE_COLS)}) ${householdCombineSql(PERSON_LOGROS)}`));
    await run(sql`analyze logro_household_eval`);
    changes += await timed('households_write', () => upsertHouseholdStates(run, input));
  }
  const [{ n: households }] = await run(sql`select count(*)::int as n from logro_scope_households`);

  // A full run counted its rows as it wrote them; the report's lines are derived from those counts.
  await timed('aggregates', () => (full ? run(reportLinesSql(sql`true`)).then(() => undefined) : applyCountDeltas(run)));
  if (full) {
    // The state tables were rewritten: without fresh statistics the next incremental run's joins on
    // a few thousand persons plan as if every row matched and scan the whole tables.
    await timed('analyze', () => run(sql`select juntos_analyze(array['person_logros', 'household_logros']::regclass[])`));
  }
  return { persons: Number(persons), households: Number(households), changes, timings };
}

async function createWorkTables(run: Run): Promise<void> {
  await run(sql`create temp table logro_scope_persons (person_id bigint primary key) on commit drop`);
  await run(sql`create temp table logro_scope_households (household_id bigint primary key) on commit drop`);
  const evalCols = sql`logro smallint not null, state logro_state not null, reason text not null, details text[], evidence_record_id bigint,
    evidence_dwelling_id bigint`;
  await run(sql`create temp table logro_person_eval (person_id bigint not null, ${evalCols}, municipality_code char(5), sisben_group char(1),
    displaced boolean, health_state affiliation_state) on commit drop`);
  await run(
    sql`create temp table logro_household_eval (household_id bigint not null, ${evalCols}, members_applicable int, members_reached int,
      members_pending int, members_without_data int, displaced boolean) on commit drop`,
  );
  await run(
    sql`create temp table logro_count_delta (municipality_code text, logro smallint, state logro_state, sisben_group text, displaced boolean,
      health_state text, n int) on commit drop`,
  );
  await run(
    sql`create temp table logro_hh_count_delta (municipality_code text, logro smallint, state logro_state, sisben_group text, displaced boolean, n int) on commit drop`,
  );
}

/**
 * Full: every active person (the rules read persons itself) and every household (the state tables and
 * aggregates are rebuilt from nothing), and every household's current members once (logro_members): the dwelling rules count them
 * and the person rules tally their states per household as they write them (logro_member_tally), so
 * that combining the households reads neither the memberships again nor every person's states back.
 */
async function fullScope(run: Run): Promise<void> {
  // Every active person is in scope: the rules of a full run read persons itself (logro_scope_persons stays empty).
  await run(sql`insert into logro_scope_households select id from households`);
  await run(sql`create temp table logro_members on commit drop as
    select distinct m.household_id, m.person_id, p.is_displaced from household_memberships m join persons p on p.id = m.person_id
    where m.valid_to is null and p.status = 'active'`);
  await run(sql`analyze logro_members`);
  await run(sql`create temp table logro_member_tally (household_id bigint not null, logro smallint not null, members int, applicable int, reached int,
    pending int, nodata int) on commit drop`);
  await run(sql`truncate person_logro_counts, household_logro_counts, household_logro_report`);
}

/** What the reconciliation run (and stewards since the last run) touched, a hogares cut's dwellings, ages crossing 7 or 18. */
async function incrementalScope(run: Run, input: ComputeInput): Promise<void> {
  const r = input.reconciliationRunId;
  if (r != null) {
    const [rr] = await run(sql`select import_run_id from reconciliation_runs where id = ${r}`);
    const imp = rr?.import_run_id == null ? null : Number(rr.import_run_id);
    // The records the import changed, added or dropped, by the run columns' indexes (not a scan of every record).
    await run(sql`create temp table logro_scope_entities (id bigint primary key, person_id bigint) on commit drop`);
    if (imp != null) {
      await run(sql`insert into logro_scope_entities select id, person_id from source_entities where changed_run_id = ${imp}
        union select id, person_id from source_entities where vanished_run_id = ${imp}`);
    }
    await run(sql`insert into logro_scope_persons
      select person_id from logro_scope_entities where person_id is not null
      union select e.person_id from entity_links l join source_entities e on e.id = l.source_entity_id
        where l.reconciliation_run_id = ${r} and e.person_id is not null
      union select survivor_id from person_merges where reconciliation_run_id = ${r}
      union select merged_id from person_merges where reconciliation_run_id = ${r}
      union select from_person_id from record_moves where reconciliation_run_id = ${r}
      on conflict do nothing`);
    await run(sql`insert into logro_scope_households
      select m.household_id from logro_scope_entities e join household_memberships m on m.source_entity_id = e.id
      on conflict do nothing`);
  }
  if (input.importRunId != null) {
    // A Sisbén IV hogares cut: the households whose dwelling record it added, changed or dropped, and their members.
    await run(sql`insert into logro_scope_households
      select h.id from sisben_hogares v join households h on h.source = 'sisben' and h.source_key = v.source_key
      where v.import_run_id = ${input.importRunId} or v.vanished_run_id = ${input.importRunId} or v.superseded_run_id = ${input.importRunId}
      on conflict do nothing`);
    await run(sql`insert into logro_scope_persons
      select m.person_id from logro_scope_households s join household_memberships m on m.household_id = s.household_id
      where m.person_id is not null and m.valid_to is null on conflict do nothing`);
  }
  if (input.previous) {
    const since = input.previous.startedAt.toISOString();
    // Steward merges and unmerges happen between runs: their persons are re-examined by the next one.
    await run(sql`insert into logro_scope_persons
      select survivor_id from person_merges where created_at >= ${since}::timestamptz or undone_at >= ${since}::timestamptz
      union select merged_id from person_merges where created_at >= ${since}::timestamptz or undone_at >= ${since}::timestamptz
      union select from_person_id from record_moves where created_at >= ${since}::timestamptz or undone_at >= ${since}::timestamptz
      union select to_person_id from record_moves where created_at >= ${since}::timestamptz or undone_at >= ${since}::timestamptz
      on conflict do nothing`);
    // Nothing changed in the data, but LB 1 asks for another document from the 7th and the 18th birthday.
    const prev = input.previous.asOf;
    const ageAt = (d: string) => sql`extract(year from age(${d}::date, birth_date))`;
    const band = (d: string) => sql`(case when ${ageAt(d)} < ${input.rules.lb1.rcUnder} then 0 when ${ageAt(d)} < ${input.rules.lb1.ccFrom} then 1 else 2 end)`;
    if (prev !== input.asOf) {
      await run(sql`insert into logro_scope_persons select id from persons
        where status = 'active' and birth_date is not null and ${band(prev)} <> ${band(input.asOf)} on conflict do nothing`);
    }
  }
  // The households of every person in scope (current and ended memberships: a person who left changes both).
  await run(sql`insert into logro_scope_households select m.household_id from household_memberships m join logro_scope_persons s on s.person_id = m.person_id
    on conflict do nothing`);
}

/**
 * A full run rewrites every state: instead of an upsert per row (an index probe and a new tuple
 * version for each of ~9 rows per person) into an evaluation table reloaded later, the state table is
 * emptied (TRUNCATE) and each rule's SELECT is written straight into it, its history and its
 * aggregate counts from that same pass (writePersonRows). Same result as the upsert: a row whose
 * compared columns did not change is carried as it was (decided_run_id, evaluated_run_id and
 * updated_at included); a changed row keeps decided_run_id unless its state changed. What the old
 * rows carried is copied beforehand into a temporary table keyed by (logro, subject) — nothing on the
 * first run, when the table is empty. Rows of persons no longer active (merged) are not evaluated and
 * go with the truncate. TRUNCATE holds an exclusive lock until the run commits: readers of the state
 * tables wait for the end of a full run (first run, rule change, operator) instead of seeing it
 * half-written. Returns whether there were old rows to carry.
 */
async function prepareRebuild(
  run: Run,
  table: 'person_logros' | 'household_logros',
  history: 'person_logro_history' | 'household_logro_history',
): Promise<boolean> {
  const t = sql.raw(table);
  const subject = sql.raw(table === 'person_logros' ? 'person_id' : 'household_id');
  const old = sql.raw(table === 'person_logros' ? 'logro_person_old' : 'logro_household_old');
  const [{ carry }] = await run(sql`select exists (select 1 from ${t}) as carry`);
  if (carry) {
    await run(sql`create temp table ${old} on commit drop as select * from ${t}`);
    // Keyed: each rule's left join reads one logro's rows by key, whatever the estimates say.
    await run(sql`alter table ${old} add primary key (logro, ${subject})`);
    await run(sql`analyze ${old}`);
  }
  await run(sql`truncate ${t}`);
  await dropKeys(run, table, history);
  return Boolean(carry);
}

/**
 * What a rewritten row carries from the old one (alias k) given its new values: the runs and
 * updated_at of an unchanged row, decided_run_id of a row whose state did not change. `same` lists
 * the compared columns, new values first. Without old rows (first run) every row is a first state.
 */
function carried(runId: number, carry: boolean, same: SQL): SQL {
  const r = sql`${runId}::bigint`;
  if (!carry) return sql`null::logro_state as previous_state, ${r} as decided_run_id, ${r} as evaluated_run_id, now() as updated_at`;
  return sql`k.state as previous_state, case when ${same} or k.state = e.state then k.decided_run_id else ${r} end as decided_run_id,
    case when ${same} then k.evaluated_run_id else ${r} end as evaluated_run_id, case when ${same} then k.updated_at else now() end as updated_at`;
}

/**
 * The join's bound on the old rows' logros when a rule yields several (a single logro is a constant
 * the planner carries to the old table already; repeating it would only skew the row estimate).
 */
function logroBound(logros: readonly number[]): SQL {
  return logros.length > 1 ? sql`and k.logro = any(${`{${logros.join(',')}}`}::smallint[])` : sql``;
}

/** A rule's rows (`from`: with their carried run columns, carried()) inserted into person_logros. */
const insertPersonStates = (v: string, from: SQL) => sql`insert into person_logros (${PERSON_COLS})
  select person_id, logro, state, reason, details, evidence_record_id, evidence_dwelling_id, ${v}::text, decided_run_id, evaluated_run_id,
    municipality_code, sisben_group, displaced, health_state, updated_at
  from ${from}`;

/**
 * The person_logro_counts cells of the state rows `from`. Grouped on the columns themselves first: the
 * text forms (an enum's output function, a lookup per call) are taken once per cell instead of once per row.
 */
const insertPersonCounts = (from: SQL) => sql`insert into person_logro_counts
  select coalesce(municipality_code, ''), logro, state, coalesce(sisben_group, ''), displaced, coalesce(health_state::text, ''), sum(n)
  from (select municipality_code, logro, state, sisben_group, displaced, health_state, count(*) as n from ${from} group by 1, 2, 3, 4, 5, 6) g
  group by 1, 2, 3, 4, 5, 6`;

/** The members' states per household and logro (logro_member_tally) of the state rows `from`. */
const insertMemberTally = (from: SQL, where: SQL = sql``) => sql`insert into logro_member_tally
  select mm.household_id, x.logro, count(*), count(*) filter (where x.state <> 'NO_APLICA'), count(*) filter (where x.state = 'ALCANZADO'),
    count(*) filter (where x.state = 'POR_ALCANZAR'), count(*) filter (where x.state = 'SIN_DATO')
  from ${from} x join logro_members mm on mm.person_id = x.person_id ${where} group by 1, 2`;

/** History rows (`previous`: the previous state's column, or null for first states) of the state rows `from`. */
const insertPersonHistory = (v: string, runId: number, previous: SQL, from: SQL) => sql`insert into person_logro_history
    (person_id, logro, previous_state, state, reason, evidence_record_id, evidence_dwelling_id, rule_version, logro_run_id)
  select person_id, logro, ${previous}, state, reason, evidence_record_id, evidence_dwelling_id, ${v}, ${runId}
  from ${from}`;

/** The households' counterparts of the four above. */
const insertHouseholdStates = (v: string, from: SQL) => sql`insert into household_logros (${HOUSEHOLD_COLS})
  select household_id, logro, state, reason, details, evidence_record_id, evidence_dwelling_id, members_applicable, members_reached,
    members_pending, members_without_data, ${v}::text, decided_run_id, evaluated_run_id, municipality_code, sisben_group, displaced, updated_at
  from ${from}`;
const insertHouseholdCounts = (from: SQL) => sql`insert into household_logro_counts
  select municipality_code, logro, state, coalesce(sisben_group, ''), displaced, count(*) from ${from} group by 1, 2, 3, 4, 5`;
const insertHouseholdHistory = (v: string, runId: number, previous: SQL, from: SQL) => sql`insert into household_logro_history
    (household_id, logro, previous_state, state, reason, evidence_record_id, evidence_dwelling_id, rule_version, logro_run_id)
  select household_id, logro, ${previous}, state, reason, evidence_record_id, evidence_dwelling_id, ${v}, ${runId}
  from ${from}`;

/**
 * One person rule's rows written straight into person_logros (truncated, keyless: prepareRebuild).
 * The first run (no old rows) writes the rows alone: each is a first state, and the history, the
 * counts and the members' tally are read back from the table once every rule has written
 * (personsFromStates) — cheaper than materializing each rule's rows to feed them. A later full run
 * writes, from one materialized pass over the rule's rows joined with the old ones, the history of the
 * rows this run decided (a state change or a first state), the person_logro_counts cells of its logros
 * and (`tally`) the members' states per household (logro_member_tally). Returns the history rows written.
 */
async function writePersonRows(run: Run, input: ComputeInput, select: SQL, logros: readonly number[], carry: boolean, tally: boolean): Promise<number> {
  const v = input.rules.version;
  const same = sql`(e.state, e.reason, e.details, e.evidence_record_id, e.evidence_dwelling_id, ${v}::text, e.municipality_code, e.sisben_group,
      e.displaced, e.health_state)
    is not distinct from (k.state, k.reason, k.details, k.evidence_record_id, k.evidence_dwelling_id, k.rule_version, k.municipality_code,
      k.sisben_group, k.displaced, k.health_state)`;
  // The bound keeps the old rows of other logros out of the join (a hash of the whole table otherwise).
  const old = carry ? sql`left join logro_person_old k on k.logro = e.logro and k.person_id = e.person_id ${logroBound(logros)}` : sql``;
  const rows = sql`select e.person_id, e.logro, e.state, e.reason, e.details, e.evidence_record_id, e.evidence_dwelling_id, e.municipality_code, e.sisben_group,
        e.displaced, e.health_state, ${carried(input.runId, carry, same)}
      from (${select}) as e(${sql.raw(PERSON_RULE_COLS)}) ${old}`;
  if (!carry) {
    await run(insertPersonStates(v, sql`(${rows}) x`));
    return 0;
  }
  const [h] = await run(sql`with x as materialized (${rows}),
    w as (${insertPersonStates(v, sql`x`)}),
    c as (${insertPersonCounts(sql`x`)})${tally ? sql`, t as (${insertMemberTally(sql`x`)})` : sql``},
    h as (${insertPersonHistory(v, input.runId, sql`previous_state`, sql`x where decided_run_id = ${input.runId}`)} returning 1)
    select count(*)::int as n from h`);
  return Number(h.n);
}

/**
 * The first full run's history, counts and members' tally, read back from the state rows every person
 * rule wrote (writePersonRows): each row is a first state decided by this run. One pass over the table
 * for each, where materializing each rule's rows for them cost more (1,000,000 persons: see
 * docs/logros.md). Returns the history rows written.
 */
async function personsFromStates(run: Run, input: ComputeInput): Promise<number> {
  const v = input.rules.version;
  await run(insertPersonCounts(sql`person_logros`));
  await run(insertMemberTally(sql`person_logros`, sql`where x.logro = any(${`{${PERSON_LOGROS.join(',')}}`}::smallint[])`));
  await run(insertPersonHistory(v, input.runId, sql`null`, sql`person_logros`));
  // A history row per state row: the counts (truncated with the scope) already hold how many, without
  // the insert returning 9,000,000 rows to be counted.
  const [h] = await run(sql`select coalesce(sum(n), 0)::int as n from person_logro_counts`);
  return Number(h.n);
}

/** The households' counterpart of personsFromStates (writeHouseholdRows wrote the rows alone). */
async function householdsFromStates(run: Run, input: ComputeInput): Promise<number> {
  const v = input.rules.version;
  await run(insertHouseholdCounts(sql`household_logros`));
  await run(insertHouseholdHistory(v, input.runId, sql`null`, sql`household_logros`));
  const [h] = await run(sql`select coalesce(sum(n), 0)::int as n from household_logro_counts`);
  return Number(h.n);
}

/**
 * The households' counterpart of writePersonRows, for the habitability rows (logro_household_eval) and
 * the combination (the first run: the rows alone, householdsFromStates writes the rest).
 */
async function writeHouseholdRows(run: Run, input: ComputeInput, select: SQL, logros: readonly number[], carry: boolean): Promise<number> {
  const v = input.rules.version;
  const same = sql`(e.state, e.reason, e.details, e.evidence_record_id, e.evidence_dwelling_id, e.members_applicable, e.members_reached,
      e.members_pending, e.members_without_data, ${v}::text, hh.municipality_code, hh.sisben_group, e.displaced)
    is not distinct from (k.state, k.reason, k.details, k.evidence_record_id, k.evidence_dwelling_id, k.members_applicable, k.members_reached,
      k.members_pending, k.members_without_data, k.rule_version, k.municipality_code, k.sisben_group, k.displaced)`;
  const old = carry ? sql`left join logro_household_old k on k.logro = e.logro and k.household_id = e.household_id ${logroBound(logros)}` : sql``;
  const rows = sql`select e.household_id, e.logro, e.state, e.reason, e.details, e.evidence_record_id, e.evidence_dwelling_id, e.members_applicable,
        e.members_reached, e.members_pending, e.members_without_data, hh.municipality_code, hh.sisben_group, e.displaced,
        ${carried(input.runId, carry, same)}
      from (${select}) as e(${sql.raw(HOUSEHOLD_RULE_COLS)}) join households hh on hh.id = e.household_id ${old}`;
  if (!carry) {
    await run(insertHouseholdStates(v, sql`(${rows}) x`));
    return 0;
  }
  const [h] = await run(sql`with x as materialized (${rows}),
    w as (${insertHouseholdStates(v, sql`x`)}),
    c as (${insertHouseholdCounts(sql`x`)}),
    h as (${insertHouseholdHistory(v, input.runId, sql`previous_state`, sql`x where decided_run_id = ${input.runId}`)} returning 1)
    select count(*)::int as n from h`);
  return Number(h.n);
}

/**
 * A full run reloads a state table from empty: its primary key and indexes are cheaper built once at
 * the end (a sort) than kept row by row during the load (measured at 200,000 persons: the states and
 * their history in 6.1 s instead of 8.3–10.0 s; the households in 2.7 s instead of 4.9 s). The history
 * table's keys go too only while it is empty (the first run, when every row is a first state): once it
 * holds earlier runs, rebuilding its indexes would cost more than the few changes a later full run
 * appends. The counts' keys go too: text and enum columns compared under the collation, they cost
 * more kept cell by cell than the state rows they count (migration 0025). Dropping a key needs
 * ownership: the owner's function does it (migration 0022) and juntos_bulk_restore_secondary re-adds
 * what it dropped in this transaction.
 */
async function dropKeys(run: Run, table: 'person_logros' | 'household_logros', history: 'person_logro_history' | 'household_logro_history'): Promise<void> {
  const [{ empty }] = await run(sql`select not exists (select 1 from ${sql.raw(history)}) as empty`);
  // The counts were truncated with the scope (fullScope) and are written by the same statements.
  const counts = table === 'person_logros' ? 'person_logro_counts' : 'household_logro_counts';
  const tables = empty ? [table, counts, history] : [table, counts];
  await run(sql`select juntos_bulk_drop_keys(${`{${tables.join(',')}}`}::regclass[])`);
}

/**
 * Incremental: a scoped subject's state rows read by key, whatever the estimates (a lateral with
 * offset 0 is not flattened into a join): a few thousand subjects against millions of rows, where the
 * planner at 1,000,000 persons preferred hashing the whole state table. Read once into a keyed
 * temporary table (logro_person_cur, logro_household_cur) that the count deltas, the history, the
 * delete and the upsert then read: a full run writes each rule's rows in a pass of its own, so a
 * person's nine rows sit on about five pages scattered over the table, and each of those statements
 * reading them by key again fetched ~50,000 pages from outside shared_buffers.
 */
const PERSON_ROWS_OF = (col: string) => sql.raw(`select * from person_logros pl where pl.person_id = ${col} offset 0`);
const HOUSEHOLD_ROWS_OF = (col: string) => sql.raw(`select * from household_logros hl where hl.household_id = ${col} offset 0`);

/** Incremental: the old rows of the scoped persons (once), their aggregate −1, the history of the changes, then the upsert of the states that differ. */
async function upsertPersonStates(run: Run, input: ComputeInput): Promise<number> {
  const v = input.rules.version;
  await run(sql`create temp table logro_person_cur on commit drop as
    select pl.* from logro_scope_persons s cross join lateral (${PERSON_ROWS_OF('s.person_id')}) pl`);
  await run(sql`alter table logro_person_cur add primary key (person_id, logro)`);
  await run(sql`analyze logro_person_cur`);
  await run(sql`insert into logro_count_delta
    select coalesce(pl.municipality_code, ''), pl.logro, pl.state, coalesce(pl.sisben_group, ''), pl.displaced, coalesce(pl.health_state::text, ''), -count(*)
    from logro_person_cur pl group by 1, 2, 3, 4, 5, 6`);
  const [h] =
    await run(sql`with ins as (insert into person_logro_history (person_id, logro, previous_state, state, reason, evidence_record_id, evidence_dwelling_id,
      rule_version, logro_run_id)
    select e.person_id, e.logro, c.state, e.state, e.reason, e.evidence_record_id, e.evidence_dwelling_id, ${v}, ${input.runId}
    from logro_person_eval e left join logro_person_cur c on c.person_id = e.person_id and c.logro = e.logro
    where c.state is distinct from e.state returning 1) select count(*)::int as n from ins`);
  // Persons merged away (or gone) lose their states; their survivor carries the records now.
  await run(sql`delete from person_logros pl using (select c.person_id, c.logro from logro_person_cur c
      where not exists (select 1 from logro_person_eval e where e.person_id = c.person_id and e.logro = c.logro)) d
    where pl.person_id = d.person_id and pl.logro = d.logro`);
  // The persons' attributes come with the rule's rows (PERSON_RULE_COLS, from its own read of persons).
  await run(sql`insert into person_logros as c (${PERSON_COLS})
    select e.person_id, e.logro, e.state, e.reason, e.details, e.evidence_record_id, e.evidence_dwelling_id, ${v}, ${input.runId}, ${input.runId},
      e.municipality_code, e.sisben_group, e.displaced, e.health_state, now()
    from logro_person_eval e
    left join logro_person_cur o on o.person_id = e.person_id and o.logro = e.logro
    -- Only new and changed rows: an unchanged one sent to the upsert is locked (a write and its WAL) before its WHERE skips it.
    where o.person_id is null or (o.state, o.reason, o.details, o.evidence_record_id, o.evidence_dwelling_id, o.rule_version, o.municipality_code, o.sisben_group,
        o.displaced, o.health_state)
      is distinct from (e.state, e.reason, e.details, e.evidence_record_id, e.evidence_dwelling_id, ${v}::text, e.municipality_code, e.sisben_group,
        e.displaced, e.health_state)
    on conflict (person_id, logro) do update set
      decided_run_id = case when c.state is distinct from excluded.state then excluded.decided_run_id else c.decided_run_id end,
      state = excluded.state, reason = excluded.reason, details = excluded.details, evidence_record_id = excluded.evidence_record_id,
      evidence_dwelling_id = excluded.evidence_dwelling_id,
      rule_version = excluded.rule_version, evaluated_run_id = excluded.evaluated_run_id, municipality_code = excluded.municipality_code,
      sisben_group = excluded.sisben_group, displaced = excluded.displaced, health_state = excluded.health_state, updated_at = excluded.updated_at
    where (c.state, c.reason, c.details, c.evidence_record_id, c.evidence_dwelling_id, c.rule_version, c.municipality_code, c.sisben_group, c.displaced, c.health_state)
      is distinct from (excluded.state, excluded.reason, excluded.details, excluded.evidence_record_id, excluded.evidence_dwelling_id, excluded.rule_version,
        excluded.municipality_code, excluded.sisben_group, excluded.displaced, excluded.health_state)`);
  return Number(h.n);
}

async function upsertHouseholdStates(run: Run, input: ComputeInput): Promise<number> {
  const v = input.rules.version;
  await run(sql`create temp table logro_household_cur on commit drop as
    select hl.* from logro_scope_households s cross join lateral (${HOUSEHOLD_ROWS_OF('s.household_id')}) hl`);
  await run(sql`alter table logro_household_cur add primary key (household_id, logro)`);
  await run(sql`analyze logro_household_cur`);
  await run(sql`insert into logro_hh_count_delta
    select hl.municipality_code, hl.logro, hl.state, coalesce(hl.sisben_group, ''), hl.displaced, -count(*)
    from logro_household_cur hl group by 1, 2, 3, 4, 5`);
  const [h] = await run(sql`with ins as (insert into household_logro_history (household_id, logro, previous_state, state, reason, evidence_record_id,
      evidence_dwelling_id, rule_version, logro_run_id)
    select e.household_id, e.logro, c.state, e.state, e.reason, e.evidence_record_id, e.evidence_dwelling_id, ${v}, ${input.runId}
    from logro_household_eval e left join logro_household_cur c on c.household_id = e.household_id and c.logro = e.logro
    where c.state is distinct from e.state returning 1) select count(*)::int as n from ins`);
  await run(sql`delete from household_logros hl using (select c.household_id, c.logro from logro_household_cur c
      where not exists (select 1 from logro_household_eval e where e.household_id = c.household_id and e.logro = c.logro)) d
    where hl.household_id = d.household_id and hl.logro = d.logro`);
  await run(sql`insert into household_logros as c (${HOUSEHOLD_COLS})
    select e.household_id, e.logro, e.state, e.reason, e.details, e.evidence_record_id, e.evidence_dwelling_id, e.members_applicable, e.members_reached, e.members_pending,
      e.members_without_data, ${v}, ${input.runId}, ${input.runId}, h.municipality_code, h.sisben_group, e.displaced, now()
    from logro_household_eval e join households h on h.id = e.household_id
    left join logro_household_cur o on o.household_id = e.household_id and o.logro = e.logro
    -- Only new and changed rows (an unchanged one would be locked before the upsert's WHERE skips it).
    where o.household_id is null or (o.state, o.reason, o.details, o.evidence_record_id, o.evidence_dwelling_id, o.members_applicable, o.members_reached,
        o.members_pending, o.members_without_data, o.rule_version, o.municipality_code, o.sisben_group, o.displaced)
      is distinct from (e.state, e.reason, e.details, e.evidence_record_id, e.evidence_dwelling_id, e.members_applicable, e.members_reached, e.members_pending,
        e.members_without_data, ${v}::text, h.municipality_code, h.sisben_group, e.displaced)
    on conflict (household_id, logro) do update set
      decided_run_id = case when c.state is distinct from excluded.state then excluded.decided_run_id else c.decided_run_id end,
      state = excluded.state, reason = excluded.reason, details = excluded.details, evidence_record_id = excluded.evidence_record_id,
      evidence_dwelling_id = excluded.evidence_dwelling_id, members_applicable = excluded.members_applicable, members_reached = excluded.members_reached,
      members_pending = excluded.members_pending, members_without_data = excluded.members_without_data, rule_version = excluded.rule_version,
      evaluated_run_id = excluded.evaluated_run_id, municipality_code = excluded.municipality_code, sisben_group = excluded.sisben_group,
      displaced = excluded.displaced, updated_at = excluded.updated_at
    where (c.state, c.reason, c.details, c.evidence_record_id, c.evidence_dwelling_id, c.members_applicable, c.members_reached, c.members_pending,
        c.members_without_data, c.rule_version, c.municipality_code, c.sisben_group, c.displaced)
      is distinct from (excluded.state, excluded.reason, excluded.details, excluded.evidence_record_id, excluded.evidence_dwelling_id, excluded.members_applicable,
        excluded.members_reached, excluded.members_pending, excluded.members_without_data, excluded.rule_version, excluded.municipality_code,
        excluded.sisben_group, excluded.displaced)`);
  return Number(h.n);
}

/** The report's lines (household_logro_report) of the municipalities `where` selects, from the household counts. */
function reportLinesSql(where: SQL): SQL {
  const pending = sql`state = 'POR_ALCANZAR'`;
  const sum = (cond: SQL) => sql`coalesce(sum(n) filter (where ${cond}), 0)`;
  return sql`insert into household_logro_report
    select municipality_code, logro, ${sum(pending)}, ${sum(sql`state = 'ALCANZADO'`)}, ${sum(sql`state = 'SIN_DATO'`)},
      ${sum(sql`${pending} and sisben_group = 'A'`)}, ${sum(sql`${pending} and sisben_group = 'B'`)}, ${sum(sql`${pending} and sisben_group = 'C'`)},
      ${sum(sql`${pending} and sisben_group = 'D'`)}, ${sum(sql`${pending} and sisben_group = ''`)}, ${sum(sql`${pending} and displaced`)}
    from household_logro_counts where municipality_code <> '' and ${where} group by 1, 2`;
}

/**
 * Incremental: the old rows' −1 (recorded before the upsert) and the new rows' +1. After the upsert and
 * the delete, a scoped subject's rows are its evaluation's rows, equal in every counted column (an
 * unchanged row was left alone because those are equal): the +1 is counted from the evaluations
 * instead of reading the state rows back by key.
 */
async function applyCountDeltas(run: Run): Promise<void> {
  await run(sql`insert into logro_count_delta
    select coalesce(e.municipality_code, ''), e.logro, e.state, coalesce(e.sisben_group, ''), e.displaced, coalesce(e.health_state::text, ''), count(*)
    from logro_person_eval e group by 1, 2, 3, 4, 5, 6`);
  await run(sql`insert into person_logro_counts as c
    select municipality_code, logro, state, sisben_group, displaced, health_state, sum(n) from logro_count_delta group by 1, 2, 3, 4, 5, 6 having sum(n) <> 0
    on conflict (municipality_code, logro, state, sisben_group, displaced, health_state) do update set n = c.n + excluded.n`);
  // Only the cells this run lowered can have dropped to zero: most cells it touched got back what they
  // lost (a person re-evaluated to the same state), and probing each of them cost more than the upsert.
  await run(sql`delete from person_logro_counts c using (select municipality_code, logro, state, sisben_group, displaced, health_state from logro_count_delta
      group by 1, 2, 3, 4, 5, 6 having sum(n) < 0) d
    where c.n = 0 and (c.municipality_code, c.logro, c.state, c.sisben_group, c.displaced, c.health_state)
      = (d.municipality_code, d.logro, d.state, d.sisben_group, d.displaced, d.health_state)`);
  await run(sql`insert into logro_hh_count_delta
    select h.municipality_code, e.logro, e.state, coalesce(h.sisben_group, ''), e.displaced, count(*)
    from logro_household_eval e join households h on h.id = e.household_id group by 1, 2, 3, 4, 5`);
  await run(sql`insert into household_logro_counts as c
    select municipality_code, logro, state, sisben_group, displaced, sum(n) from logro_hh_count_delta group by 1, 2, 3, 4, 5 having sum(n) <> 0
    on conflict (municipality_code, logro, state, sisben_group, displaced) do update set n = c.n + excluded.n`);
  await run(sql`delete from household_logro_counts c using (select municipality_code, logro, state, sisben_group, displaced from logro_hh_count_delta
      group by 1, 2, 3, 4, 5 having sum(n) < 0) d
    where c.n = 0 and (c.municipality_code, c.logro, c.state, c.sisben_group, c.displaced) = (d.municipality_code, d.logro, d.state, d.sisben_group, d.displaced)`);
  // The report's lines of the municipalities whose counts moved, derived again from their counts (a
  // municipality whose every touched cell got back what it lost keeps its lines as they are).
  const touched = sql`municipality_code in (select municipality_code from logro_hh_count_delta
    group by municipality_code, logro, state, sisben_group, displaced having sum(n) <> 0)`;
  await run(sql`delete from household_logro_report where ${touched}`);
  await run(reportLinesSql(touched));
}
