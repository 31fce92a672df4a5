import { sql, type SQL } from 'drizzle-orm';
import { UNFINISHED_LOGRO_RUN_STATES, type LogroRunState } from '../../schema';
import type { Database, Orm } from '../platform/db';
import type { Coverage } from './evaluators';
import { computeLogros, type ComputeInput, type ComputeResult } from './logroCompute';
import type { LogroState, RuleSet } from './rules';

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

export type { ComputeInput, ComputeResult } from './logroCompute';

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
   * again), serialized with the other runs; logroCompute.ts has the steps.
   */
  async compute(input: ComputeInput): Promise<ComputeResult> {
    return this.db.orm.transaction(async (tx) => {
      const run = (s: SQL) => this.q(s, tx);
      await run(sql`select pg_advisory_xact_lock(${ENGINE_LOCK}::bigint)`);
      const result = await computeLogros(run, input, this.db.kind === 'postgres');
      await run(sql`update logro_runs set state = 'done', finished_at = now(), persons_evaluated = ${result.persons}, households_evaluated = ${result.households},
          changes = ${result.changes}, timings = ${JSON.stringify(result.timings)}::jsonb where id = ${input.runId}`);
      return result;
    });
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
