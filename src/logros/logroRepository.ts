import { sql, type SQL } from 'drizzle-orm';
import { UNFINISHED_LOGRO_RUN_STATES, type LogroRunState } from '../../schema';
import type { Database, Orm } from '../platform/db';
import type { Coverage } from './evaluators';
import { habitatHouseholdSql, habitatPersonSql, householdCombineSql, lb13Sql, lb1Sql, lb3Sql, lb45Sql } from './logroSql';
import { HOUSEHOLD_LOGROS, PERSON_LOGROS, type LogroState, type RuleSet } from './rules';

const UNFINISHED = `{${UNFINISHED_LOGRO_RUN_STATES.join(',')}}`;
/** Serializes logro computations (the state tables are rewritten by one run at a time). "lg" in the top bits. */
const ENGINE_LOCK = String(0x6c67n << 48n);

export interface LogroRunRow {
  id: number;
  state: LogroRunState;
  trigger: string;
  reconciliationRunId: number | null;
  /** Or the Sisbén IV hogares import whose dwellings it recomputes. */
  importRunId: number | null;
  mode: 'full' | 'incremental' | null;
  ruleVersion: string | null;
  asOf: string | null;
  coverage: Coverage | null;
  personsEvaluated: number;
  householdsEvaluated: number;
  changes: number;
  timings: Record<string, number> | null;
  failureReason: string | null;
  attempts: number;
  createdAt: Date;
  startedAt: Date | null;
  finishedAt: Date | null;
}

export interface LogroStateRow {
  subjectId: number;
  logro: number;
  state: LogroState;
  reason: string;
  details: string[] | null;
  evidenceRecordId: number | null;
  evidenceDwellingId: number | null;
  ruleVersion: string;
  decidedRunId: number;
  evaluatedRunId: number;
  updatedAt: Date;
  membersApplicable?: number;
  membersReached?: number;
  membersPending?: number;
  membersWithoutData?: number;
}

export interface LogroHistoryRow {
  id: number;
  subjectId: number;
  logro: number;
  previousState: LogroState | null;
  state: LogroState;
  reason: string;
  evidenceRecordId: number | null;
  evidenceDwellingId: number | null;
  ruleVersion: string;
  logroRunId: number;
  changedAt: Date;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- rows of raw SQL, mapped field by field below
type Raw = Record<string, any>;
const num = (v: unknown) => (v == null ? null : Number(v));
const toRun = (r: Raw): LogroRunRow => ({
  id: Number(r.id),
  state: r.state,
  trigger: r.trigger,
  reconciliationRunId: num(r.reconciliation_run_id),
  importRunId: num(r.import_run_id),
  mode: r.mode,
  ruleVersion: r.rule_version,
  asOf: r.as_of == null ? null : String(r.as_of).slice(0, 10),
  coverage: r.coverage ?? null,
  personsEvaluated: Number(r.persons_evaluated),
  householdsEvaluated: Number(r.households_evaluated),
  changes: Number(r.changes),
  timings: r.timings,
  failureReason: r.failure_reason,
  attempts: Number(r.attempts),
  createdAt: new Date(r.created_at),
  startedAt: r.started_at ? new Date(r.started_at) : null,
  finishedAt: r.finished_at ? new Date(r.finished_at) : null,
});
const toState = (r: Raw): LogroStateRow => ({
  subjectId: Number(r.subject_id),
  logro: Number(r.logro),
  state: r.state,
  reason: r.reason,
  details: r.details ?? null,
  evidenceRecordId: num(r.evidence_record_id),
  evidenceDwellingId: num(r.evidence_dwelling_id),
  ruleVersion: r.rule_version,
  decidedRunId: Number(r.decided_run_id),
  evaluatedRunId: Number(r.evaluated_run_id),
  updatedAt: new Date(r.updated_at),
  ...(r.members_applicable !== undefined
    ? {
        membersApplicable: Number(r.members_applicable),
        membersReached: Number(r.members_reached),
        membersPending: Number(r.members_pending),
        membersWithoutData: Number(r.members_without_data),
      }
    : {}),
});
const toHistory = (r: Raw): LogroHistoryRow => ({
  id: Number(r.id),
  subjectId: Number(r.subject_id),
  logro: Number(r.logro),
  previousState: r.previous_state,
  state: r.state,
  reason: r.reason,
  evidenceRecordId: num(r.evidence_record_id),
  evidenceDwellingId: num(r.evidence_dwelling_id),
  ruleVersion: r.rule_version,
  logroRunId: Number(r.logro_run_id),
  changedAt: new Date(r.changed_at),
});

/** A `sisben_hogares` version, as the evidence of a habitability state. */
export interface DwellingRow {
  id: number;
  importRunId: number;
  lineNo: number;
  cutDate: string | null;
  current: boolean;
}

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

/** Logro runs, the set-based computation of states (temporary tables in one transaction) and the reads of the API. */
export class LogroRepository {
  constructor(private readonly db: Database) {}

  private q<T = Raw>(s: SQL, orm?: Orm) {
    return this.db.rows<T>(s, orm);
  }

  async saveRuleSet(rules: RuleSet): Promise<void> {
    const { version, description, ...params } = rules;
    await this.q(
      sql`insert into logro_rule_sets (version, description, rules) values (${version}, ${description}, ${JSON.stringify(params)}::jsonb) on conflict (version) do nothing`,
    );
  }

  async createRun(trigger: string, reconciliationRunId: number | null, importRunId: number | null = null): Promise<LogroRunRow> {
    const [r] = await this.q(
      sql`insert into logro_runs (trigger, reconciliation_run_id, import_run_id) values (${trigger}, ${reconciliationRunId}, ${importRunId}) returning *`,
    );
    return toRun(r);
  }

  async runForImport(importRunId: number): Promise<LogroRunRow | null> {
    const [r] = await this.q(sql`select * from logro_runs where import_run_id = ${importRunId} order by id limit 1`);
    return r ? toRun(r) : null;
  }

  async findRun(id: number): Promise<LogroRunRow | null> {
    const [r] = await this.q(sql`select * from logro_runs where id = ${id}`);
    return r ? toRun(r) : null;
  }

  async findRuns(ids: readonly number[]): Promise<LogroRunRow[]> {
    if (!ids.length) return [];
    return (await this.q(sql`select * from logro_runs where id = any(${`{${ids.join(',')}}`}::bigint[])`)).map(toRun);
  }

  async findDwellings(ids: readonly number[]): Promise<DwellingRow[]> {
    if (!ids.length) return [];
    const rows = await this.q(
      sql`select id, import_run_id, line_no, cut_date, is_current and status = 'active' as current from sisben_hogares where id = any(${`{${ids.join(',')}}`}::bigint[])`,
    );
    return rows.map((r) => ({
      id: Number(r.id),
      importRunId: Number(r.import_run_id),
      lineNo: Number(r.line_no),
      cutDate: r.cut_date == null ? null : String(r.cut_date).slice(0, 10),
      current: Boolean(r.current),
    }));
  }

  async runForReconciliation(reconciliationRunId: number): Promise<LogroRunRow | null> {
    const [r] = await this.q(sql`select * from logro_runs where reconciliation_run_id = ${reconciliationRunId} order by id limit 1`);
    return r ? toRun(r) : null;
  }

  async lastDoneRun(): Promise<LogroRunRow | null> {
    const [r] = await this.q(sql`select * from logro_runs where state = 'done' order by id desc limit 1`);
    return r ? toRun(r) : null;
  }

  async unfinishedRuns(): Promise<LogroRunRow[]> {
    return (await this.q(sql`select * from logro_runs where state = any(${UNFINISHED}::logro_run_state[]) order by id`)).map(toRun);
  }

  /** Finished reconciliation runs after the newest one logros were requested for, without a logro run (a lost hook). */
  async reconciliationsWithoutRun(): Promise<number[]> {
    const rows = await this.q<{ id: string }>(
      sql`select r.id from reconciliation_runs r where r.state = 'done'
        and r.id > coalesce((select max(reconciliation_run_id) from logro_runs), 0)
        and exists (select 1 from logro_runs) order by r.id`,
    );
    return rows.map((r) => Number(r.id));
  }

  async anyReconciliationDone(): Promise<boolean> {
    const [r] = await this.q<{ n: boolean }>(sql`select exists (select 1 from reconciliation_runs where state = 'done') as n`);
    return Boolean(r?.n);
  }

  async start(id: number, fields: { mode: 'full' | 'incremental'; ruleVersion: string; asOf: string; coverage: Coverage }): Promise<LogroRunRow | null> {
    const [r] = await this.q(
      sql`update logro_runs set state = 'running', attempts = attempts + 1, started_at = now(), mode = ${fields.mode},
          rule_version = ${fields.ruleVersion}, as_of = ${fields.asOf}::date, coverage = ${JSON.stringify(fields.coverage)}::jsonb
        where id = ${id} and state = any(${UNFINISHED}::logro_run_state[]) returning *`,
    );
    return r ? toRun(r) : null;
  }

  async fail(id: number, reason: string): Promise<void> {
    await this.q(
      sql`update logro_runs set state = 'failed', failure_reason = ${reason}, finished_at = now() where id = ${id} and state = any(${UNFINISHED}::logro_run_state[])`,
    );
  }

  /** Which sources the hub holds a snapshot of (an absence in a source never loaded is no evidence). */
  async coverage(): Promise<Coverage> {
    const [r] = await this.q<Raw>(sql`select
      exists (select 1 from import_runs where state = 'done' and source in ('bdua', 'ruaf')) as health,
      exists (select 1 from import_runs where state = 'done' and source = 'sisben') as sisben,
      exists (select 1 from import_runs where state = 'done' and source = 'ruv') as victims,
      exists (select 1 from import_runs where state in ('applied', 'done') and source = 'sisben_hogares') as dwellings`);
    return { health: Boolean(r.health), sisben: Boolean(r.sisben), victims: Boolean(r.victims), dwellings: Boolean(r.dwellings) };
  }

  /**
   * The whole computation of a run, in one transaction (a crash rolls it back; the retried job starts
   * again): scope → one INSERT … SELECT per rule → history of the changes → upsert of the states →
   * households → aggregate deltas → run done.
   */
  async compute(input: ComputeInput): Promise<ComputeResult> {
    const timings: Record<string, number> = {};
    const timed = async <T>(name: string, fn: () => Promise<T>): Promise<T> => {
      const t0 = performance.now();
      try {
        return await fn();
      } finally {
        timings[name] = Math.round(performance.now() - t0);
      }
    };
    return this.db.orm.transaction(async (tx) => {
      const run = (s: SQL) => this.q(s, tx);
      await run(sql`select pg_advisory_xact_lock(${ENGINE_LOCK}::bigint)`);
      if (this.db.kind === 'postgres') await run(sql`set local work_mem = '256MB'`);
      await run(sql`create temp table logro_scope_persons (person_id bigint primary key) on commit drop`);
      await run(sql`create temp table logro_scope_households (household_id bigint primary key) on commit drop`);
      const evalCols = sql`logro smallint not null, state logro_state not null, reason text not null, details text[], evidence_record_id bigint,
        evidence_dwelling_id bigint`;
      await run(sql`create temp table logro_person_eval (person_id bigint not null, ${evalCols}) on commit drop`);
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

      await timed('scope', () => this.fillScope(tx, input));
      const full = input.mode === 'full';
      // Habitability first, per household (the dwelling decides); its members share it.
      await timed('habitat_households', async () => {
        await run(sql`analyze logro_scope_households`);
        await run(habitatHouseholdSql(input.rules, input.coverage));
        if (full) return;
        // A household whose dwelling decision changed changes every member's state: its members join the
        // scope, and their other households too (a member takes the worst of them).
        await run(sql`insert into logro_scope_persons
          select m.person_id from logro_household_eval e
          left join household_logros c on c.household_id = e.household_id and c.logro = e.logro
          join household_memberships m on m.household_id = e.household_id and m.valid_to is null and m.person_id is not null
          where (c.state, c.reason, c.details, c.evidence_dwelling_id) is distinct from (e.state, e.reason, e.details, e.evidence_dwelling_id)
          on conflict do nothing`);
        await run(sql`insert into logro_scope_households select m.household_id from household_memberships m join logro_scope_persons s on s.person_id = m.person_id
          on conflict do nothing`);
        await run(habitatHouseholdSql(input.rules, input.coverage));
      });
      const [{ n: persons }] = await run(sql`select count(*)::int as n from logro_scope_persons`);
      await run(sql`analyze logro_scope_persons`);

      await timed('lb1', () => run(lb1Sql(input.rules, input.asOf)));
      await timed('lb3', () => run(lb3Sql(input.rules, input.coverage)));
      await timed('lb13', () => run(lb13Sql(input.rules, input.coverage)));
      await timed('lb45', () => run(lb45Sql(input.rules, input.coverage)));
      await timed('habitat_persons', () => run(habitatPersonSql(HOUSEHOLD_LOGROS)));
      await run(sql`analyze logro_person_eval`);

      let changes = 0;
      await timed('persons_write', async () => {
        if (!full) {
          await run(sql`insert into logro_count_delta
            select coalesce(pl.municipality_code, ''), pl.logro, pl.state, coalesce(pl.sisben_group, ''), pl.displaced, coalesce(pl.health_state::text, ''), -count(*)
            from logro_scope_persons s join person_logros pl on pl.person_id = s.person_id group by 1, 2, 3, 4, 5, 6`);
        }
        const [h] =
          await run(sql`with ins as (insert into person_logro_history (person_id, logro, previous_state, state, reason, evidence_record_id, evidence_dwelling_id, rule_version, logro_run_id)
            select e.person_id, e.logro, c.state, e.state, e.reason, e.evidence_record_id, e.evidence_dwelling_id, ${input.rules.version}, ${input.runId}
            from logro_person_eval e left join person_logros c on c.person_id = e.person_id and c.logro = e.logro
            where c.state is distinct from e.state returning 1) select count(*)::int as n from ins`);
        changes += Number(h.n);
        if (full) {
          await this.rebuildPersonStates(tx, input);
          return;
        }
        // Persons merged away (or gone) lose their states; their survivor carries the records now.
        await run(sql`delete from person_logros pl using logro_scope_persons s
          where pl.person_id = s.person_id and not exists (select 1 from logro_person_eval e where e.person_id = pl.person_id and e.logro = pl.logro)`);
        await run(sql`insert into person_logros as c (person_id, logro, state, reason, details, evidence_record_id, evidence_dwelling_id, rule_version, decided_run_id,
            evaluated_run_id, municipality_code, sisben_group, displaced, health_state, updated_at)
          select e.person_id, e.logro, e.state, e.reason, e.details, e.evidence_record_id, e.evidence_dwelling_id, ${input.rules.version}, ${input.runId}, ${input.runId},
            p.municipality_code, p.sisben_group, p.is_displaced, p.health_state, now()
          from logro_person_eval e join persons p on p.id = e.person_id
          on conflict (person_id, logro) do update set
            decided_run_id = case when c.state is distinct from excluded.state then excluded.decided_run_id else c.decided_run_id end,
            state = excluded.state, reason = excluded.reason, details = excluded.details, evidence_record_id = excluded.evidence_record_id,
            evidence_dwelling_id = excluded.evidence_dwelling_id,
            rule_version = excluded.rule_version, evaluated_run_id = excluded.evaluated_run_id, municipality_code = excluded.municipality_code,
            sisben_group = excluded.sisben_group, displaced = excluded.displaced, health_state = excluded.health_state, updated_at = excluded.updated_at
          where (c.state, c.reason, c.details, c.evidence_record_id, c.evidence_dwelling_id, c.rule_version, c.municipality_code, c.sisben_group, c.displaced, c.health_state)
            is distinct from (excluded.state, excluded.reason, excluded.details, excluded.evidence_record_id, excluded.evidence_dwelling_id, excluded.rule_version,
              excluded.municipality_code, excluded.sisben_group, excluded.displaced, excluded.health_state)`);
      });

      await timed('households', () => run(householdCombineSql(PERSON_LOGROS)));
      const [{ n: households }] = await run(sql`select count(*)::int as n from logro_scope_households`);
      await timed('households_write', async () => {
        if (!full) {
          await run(sql`insert into logro_hh_count_delta
            select hl.municipality_code, hl.logro, hl.state, coalesce(hl.sisben_group, ''), hl.displaced, -count(*)
            from logro_scope_households s join household_logros hl on hl.household_id = s.household_id group by 1, 2, 3, 4, 5`);
        }
        const [h] =
          await run(sql`with ins as (insert into household_logro_history (household_id, logro, previous_state, state, reason, evidence_record_id, evidence_dwelling_id,
              rule_version, logro_run_id)
            select e.household_id, e.logro, c.state, e.state, e.reason, e.evidence_record_id, e.evidence_dwelling_id, ${input.rules.version}, ${input.runId}
            from logro_household_eval e left join household_logros c on c.household_id = e.household_id and c.logro = e.logro
            where c.state is distinct from e.state returning 1) select count(*)::int as n from ins`);
        changes += Number(h.n);
        if (full) {
          await this.rebuildHouseholdStates(tx, input);
          return;
        }
        await run(sql`delete from household_logros hl using logro_scope_households s
          where hl.household_id = s.household_id and not exists (select 1 from logro_household_eval e where e.household_id = hl.household_id and e.logro = hl.logro)`);
        await run(sql`insert into household_logros as c (household_id, logro, state, reason, details, evidence_record_id, evidence_dwelling_id, members_applicable,
            members_reached, members_pending, members_without_data, rule_version, decided_run_id, evaluated_run_id, municipality_code, sisben_group, displaced, updated_at)
          select e.household_id, e.logro, e.state, e.reason, e.details, e.evidence_record_id, e.evidence_dwelling_id, e.members_applicable, e.members_reached, e.members_pending,
            e.members_without_data, ${input.rules.version}, ${input.runId}, ${input.runId}, h.municipality_code, h.sisben_group, e.displaced, now()
          from logro_household_eval e join households h on h.id = e.household_id
          on conflict (household_id, logro) do update set
            decided_run_id = case when c.state is distinct from excluded.state then excluded.decided_run_id else c.decided_run_id end,
            state = excluded.state, reason = excluded.reason, details = excluded.details, evidence_record_id = excluded.evidence_record_id,
            evidence_dwelling_id = excluded.evidence_dwelling_id, members_applicable = excluded.members_applicable, members_reached = excluded.members_reached, members_pending = excluded.members_pending,
            members_without_data = excluded.members_without_data, rule_version = excluded.rule_version, evaluated_run_id = excluded.evaluated_run_id,
            municipality_code = excluded.municipality_code, sisben_group = excluded.sisben_group, displaced = excluded.displaced, updated_at = excluded.updated_at
          where (c.state, c.reason, c.details, c.evidence_record_id, c.evidence_dwelling_id, c.members_applicable, c.members_reached, c.members_pending,
              c.members_without_data, c.rule_version, c.municipality_code, c.sisben_group, c.displaced)
            is distinct from (excluded.state, excluded.reason, excluded.details, excluded.evidence_record_id, excluded.evidence_dwelling_id, excluded.members_applicable,
              excluded.members_reached,
              excluded.members_pending, excluded.members_without_data, excluded.rule_version, excluded.municipality_code, excluded.sisben_group, excluded.displaced)`);
      });

      await timed('aggregates', () => this.refreshCounts(tx, full));
      await run(sql`update logro_runs set state = 'done', finished_at = now(), persons_evaluated = ${persons}, households_evaluated = ${households},
          changes = ${changes}, timings = ${JSON.stringify(timings)}::jsonb where id = ${input.runId}`);
      return { persons: Number(persons), households: Number(households), changes, timings };
    });
  }

  /**
   * A full run rewrites every person's states: instead of an upsert per row (an index probe and a new
   * tuple version for each of ~11 rows per person), the new contents are built in a temporary table by
   * one INSERT … SELECT, the table is truncated and reloaded in key order. Same result as the upsert:
   * a row whose compared columns did not change is carried as it was (decided_run_id, evaluated_run_id and
   * updated_at included); a changed row keeps decided_run_id unless its state changed; rows of persons
   * outside the scope (none active) are carried untouched. TRUNCATE holds an exclusive lock until the
   * run commits: readers of person_logros wait for the end of a full run (first run, rule change,
   * operator) instead of seeing it half-written.
   */
  private async rebuildPersonStates(tx: Orm, input: ComputeInput): Promise<void> {
    const run = (s: SQL) => this.q(s, tx);
    const cols = sql.raw(`person_id, logro, state, reason, details, evidence_record_id, evidence_dwelling_id, rule_version, decided_run_id,
      evaluated_run_id, municipality_code, sisben_group, displaced, health_state, updated_at`);
    await run(sql`create temp table logro_person_new on commit drop as
      select e.person_id, e.logro, e.state, e.reason, e.details, e.evidence_record_id, e.evidence_dwelling_id, ${input.rules.version}::text as rule_version,
        case when k.same or c.state is not distinct from e.state then c.decided_run_id else ${input.runId}::bigint end as decided_run_id,
        case when k.same then c.evaluated_run_id else ${input.runId}::bigint end as evaluated_run_id,
        p.municipality_code, p.sisben_group, p.is_displaced as displaced, p.health_state,
        case when k.same then c.updated_at else now() end as updated_at
      from logro_person_eval e join persons p on p.id = e.person_id
      left join person_logros c on c.person_id = e.person_id and c.logro = e.logro
      cross join lateral (select c.person_id is not null and
        (c.state, c.reason, c.details, c.evidence_record_id, c.evidence_dwelling_id, c.rule_version, c.municipality_code, c.sisben_group, c.displaced, c.health_state)
        is not distinct from (e.state, e.reason, e.details, e.evidence_record_id, e.evidence_dwelling_id, ${input.rules.version}::text, p.municipality_code,
          p.sisben_group, p.is_displaced, p.health_state) as same) k
      union all
      select ${cols} from person_logros c where not exists (select 1 from logro_scope_persons s where s.person_id = c.person_id)`);
    await run(sql`truncate person_logros`);
    await run(sql`insert into person_logros (${cols}) select ${cols} from logro_person_new order by person_id, logro`);
  }

  /** The households' counterpart of rebuildPersonStates (same carry-over rules). */
  private async rebuildHouseholdStates(tx: Orm, input: ComputeInput): Promise<void> {
    const run = (s: SQL) => this.q(s, tx);
    const cols = sql.raw(`household_id, logro, state, reason, details, evidence_record_id, evidence_dwelling_id, members_applicable, members_reached,
      members_pending, members_without_data, rule_version, decided_run_id, evaluated_run_id, municipality_code, sisben_group, displaced, updated_at`);
    await run(sql`create temp table logro_household_new on commit drop as
      select e.household_id, e.logro, e.state, e.reason, e.details, e.evidence_record_id, e.evidence_dwelling_id, e.members_applicable, e.members_reached,
        e.members_pending, e.members_without_data, ${input.rules.version}::text as rule_version,
        case when k.same or c.state is not distinct from e.state then c.decided_run_id else ${input.runId}::bigint end as decided_run_id,
        case when k.same then c.evaluated_run_id else ${input.runId}::bigint end as evaluated_run_id,
        h.municipality_code, h.sisben_group, e.displaced,
        case when k.same then c.updated_at else now() end as updated_at
      from logro_household_eval e join households h on h.id = e.household_id
      left join household_logros c on c.household_id = e.household_id and c.logro = e.logro
      cross join lateral (select c.household_id is not null and
        (c.state, c.reason, c.details, c.evidence_record_id, c.evidence_dwelling_id, c.members_applicable, c.members_reached, c.members_pending,
          c.members_without_data, c.rule_version, c.municipality_code, c.sisben_group, c.displaced)
        is not distinct from (e.state, e.reason, e.details, e.evidence_record_id, e.evidence_dwelling_id, e.members_applicable, e.members_reached,
          e.members_pending, e.members_without_data, ${input.rules.version}::text, h.municipality_code, h.sisben_group, e.displaced) as same) k
      union all
      select ${cols} from household_logros c where not exists (select 1 from logro_scope_households s where s.household_id = c.household_id)`);
    await run(sql`truncate household_logros`);
    await run(sql`insert into household_logros (${cols}) select ${cols} from logro_household_new order by household_id, logro`);
  }

  /** Full: every active person and household. Incremental: what the reconciliation run (and stewards since the last run) touched, ages crossing 7 or 18. */
  private async fillScope(tx: Orm, input: ComputeInput): Promise<void> {
    const run = (s: SQL) => this.q(s, tx);
    if (input.mode === 'full') {
      await run(sql`insert into logro_scope_persons select id from persons where status = 'active'`);
      await run(sql`insert into logro_scope_households select id from households`);
      // Rows of persons no longer active (merged before this run) are dropped with the full rebuild.
      await run(sql`delete from person_logros where person_id in (select id from persons where status <> 'active')`);
      await run(sql`truncate person_logro_counts, household_logro_counts`);
      return;
    }
    const r = input.reconciliationRunId;
    if (r != null) {
      await run(sql`insert into logro_scope_persons
        select e.person_id from source_entities e join reconciliation_runs rr on rr.id = ${r}
          where rr.import_run_id is not null and (e.changed_run_id = rr.import_run_id or e.vanished_run_id = rr.import_run_id) and e.person_id is not null
        union select e.person_id from entity_links l join source_entities e on e.id = l.source_entity_id
          where l.reconciliation_run_id = ${r} and e.person_id is not null
        union select survivor_id from person_merges where reconciliation_run_id = ${r}
        union select merged_id from person_merges where reconciliation_run_id = ${r}
        on conflict do nothing`);
      await run(sql`insert into logro_scope_households
        select m.household_id from household_memberships m join source_entities e on e.id = m.source_entity_id join reconciliation_runs rr on rr.id = ${r}
          where rr.import_run_id is not null and (e.changed_run_id = rr.import_run_id or e.vanished_run_id = rr.import_run_id)
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
        on conflict do nothing`);
      // Nothing changed in the data, but LB 1 asks for another document from the 7th and the 18th birthday.
      const prev = input.previous.asOf;
      const ageAt = (d: string) => sql`extract(year from age(${d}::date, birth_date))`;
      const band = (d: string) =>
        sql`(case when ${ageAt(d)} < ${input.rules.lb1.rcUnder} then 0 when ${ageAt(d)} < ${input.rules.lb1.ccFrom} then 1 else 2 end)`;
      if (prev !== input.asOf) {
        await run(sql`insert into logro_scope_persons select id from persons
          where status = 'active' and birth_date is not null and ${band(prev)} <> ${band(input.asOf)} on conflict do nothing`);
      }
    }
    // The households of every person in scope (current and ended memberships: a person who left changes both).
    await run(sql`insert into logro_scope_households select m.household_id from household_memberships m join logro_scope_persons s on s.person_id = m.person_id
      on conflict do nothing`);
  }

  /** Aggregates: full → rebuilt by one GROUP BY; incremental → old rows −1 (recorded before the upsert), new rows +1. */
  private async refreshCounts(tx: Orm, full: boolean): Promise<void> {
    const run = (s: SQL) => this.q(s, tx);
    if (full) {
      await run(sql`insert into person_logro_counts
        select coalesce(municipality_code, ''), logro, state, coalesce(sisben_group, ''), displaced, coalesce(health_state::text, ''), count(*)
        from person_logros group by 1, 2, 3, 4, 5, 6`);
      await run(sql`insert into household_logro_counts
        select municipality_code, logro, state, coalesce(sisben_group, ''), displaced, count(*) from household_logros group by 1, 2, 3, 4, 5`);
      return;
    }
    await run(sql`insert into logro_count_delta
      select coalesce(pl.municipality_code, ''), pl.logro, pl.state, coalesce(pl.sisben_group, ''), pl.displaced, coalesce(pl.health_state::text, ''), count(*)
      from logro_scope_persons s join person_logros pl on pl.person_id = s.person_id group by 1, 2, 3, 4, 5, 6`);
    await run(sql`insert into person_logro_counts as c
      select municipality_code, logro, state, sisben_group, displaced, health_state, sum(n) from logro_count_delta group by 1, 2, 3, 4, 5, 6 having sum(n) <> 0
      on conflict (municipality_code, logro, state, sisben_group, displaced, health_state) do update set n = c.n + excluded.n`);
    await run(sql`delete from person_logro_counts where n = 0`);
    await run(sql`insert into logro_hh_count_delta
      select hl.municipality_code, hl.logro, hl.state, coalesce(hl.sisben_group, ''), hl.displaced, count(*)
      from logro_scope_households s join household_logros hl on hl.household_id = s.household_id group by 1, 2, 3, 4, 5`);
    await run(sql`insert into household_logro_counts as c
      select municipality_code, logro, state, sisben_group, displaced, sum(n) from logro_hh_count_delta group by 1, 2, 3, 4, 5 having sum(n) <> 0
      on conflict (municipality_code, logro, state, sisben_group, displaced) do update set n = c.n + excluded.n`);
    await run(sql`delete from household_logro_counts where n = 0`);
  }

  // ---- reads (API) ----

  async personStates(personIds: readonly number[]): Promise<LogroStateRow[]> {
    if (!personIds.length) return [];
    const rows = await this.q(
      sql`select person_id as subject_id, * from person_logros where person_id = any(${`{${personIds.join(',')}}`}::bigint[]) order by person_id, logro`,
    );
    return rows.map(toState);
  }

  async householdStates(householdIds: readonly number[]): Promise<LogroStateRow[]> {
    if (!householdIds.length) return [];
    const rows = await this.q(
      sql`select household_id as subject_id, * from household_logros where household_id = any(${`{${householdIds.join(',')}}`}::bigint[]) order by household_id, logro`,
    );
    return rows.map(toState);
  }

  async personHistory(personIds: readonly number[]): Promise<LogroHistoryRow[]> {
    if (!personIds.length) return [];
    const rows = await this.q(
      sql`select person_id as subject_id, * from person_logro_history where person_id = any(${`{${personIds.join(',')}}`}::bigint[]) order by person_id, logro, id`,
    );
    return rows.map(toHistory);
  }

  async householdHistory(householdIds: readonly number[]): Promise<LogroHistoryRow[]> {
    if (!householdIds.length) return [];
    const rows = await this.q(
      sql`select household_id as subject_id, * from household_logro_history where household_id = any(${`{${householdIds.join(',')}}`}::bigint[]) order by household_id, logro, id`,
    );
    return rows.map(toHistory);
  }
}
