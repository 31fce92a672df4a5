import { sql, type SQL } from 'drizzle-orm';
import { UNFINISHED_CRUCE_STATES, type CruceState } from '../../schema';
import type { TerritoryScope } from '../kernel';
import type { Database, Orm } from '../platform/db';

export type { CruceState };
const UNFINISHED = `{${UNFINISHED_CRUCE_STATES.join(',')}}`;
const bigints = (ids: readonly number[]) => sql`${`{${ids.join(',')}}`}::bigint[]`;
const pgText = (xs: readonly (string | null)[]) => `{${xs.map((x) => (x === null ? 'NULL' : `"${x.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`)).join(',')}}`;
const texts = (xs: readonly (string | null)[]) => sql`${pgText(xs)}::text[]`;

export interface CruceRunRow {
  id: number;
  publicId: string;
  state: CruceState;
  origin: 'file' | 'cli' | 'rows';
  agency: string;
  purpose: string | null;
  requestedBy: string;
  clientId: number | null;
  role: string;
  scope: TerritoryScope | null;
  inputPath: string | null;
  fileName: string | null;
  fileSha256: string | null;
  encoding: string | null;
  delimiter: string | null;
  rowsTotal: number;
  rowsProcessed: number;
  rowsDocument: number;
  rowsPhonetic: number;
  rowsUnmatched: number;
  rowsRejected: number;
  rowsAmbiguous: number;
  servicesRecorded: number;
  outputCsv: string | null;
  outputXlsx: string | null;
  failureCode: string | null;
  failureReason: string | null;
  attempts: number;
  createdAt: Date;
  startedAt: Date | null;
  finishedAt: Date | null;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- raw driver rows, mapped field by field below
type Raw = Record<string, any>;
const num = (v: unknown) => Number(v);
const toRun = (r: Raw): CruceRunRow => ({
  id: num(r.id),
  publicId: r.public_id,
  state: r.state,
  origin: r.origin,
  agency: r.agency,
  purpose: r.purpose,
  requestedBy: r.requested_by,
  clientId: r.client_id === null ? null : num(r.client_id),
  role: r.role,
  scope: r.scope ?? null,
  inputPath: r.input_path,
  fileName: r.file_name,
  fileSha256: r.file_sha256,
  encoding: r.encoding,
  delimiter: r.delimiter,
  rowsTotal: num(r.rows_total),
  rowsProcessed: num(r.rows_processed),
  rowsDocument: num(r.rows_document),
  rowsPhonetic: num(r.rows_phonetic),
  rowsUnmatched: num(r.rows_unmatched),
  rowsRejected: num(r.rows_rejected),
  rowsAmbiguous: num(r.rows_ambiguous),
  servicesRecorded: num(r.services_recorded),
  outputCsv: r.output_csv,
  outputXlsx: r.output_xlsx,
  failureCode: r.failure_code,
  failureReason: r.failure_reason,
  attempts: num(r.attempts),
  createdAt: new Date(r.created_at),
  startedAt: r.started_at ? new Date(r.started_at) : null,
  finishedAt: r.finished_at ? new Date(r.finished_at) : null,
});

export interface NewCruceRun {
  origin: CruceRunRow['origin'];
  agency: string;
  purpose: string | null;
  requestedBy: string;
  clientId: number | null;
  role: string;
  scope: TerritoryScope | null;
  inputPath: string | null;
  fileName: string | null;
  state?: CruceState;
}

export interface RunCounters {
  rowsTotal: number;
  rowsProcessed: number;
  rowsDocument: number;
  rowsPhonetic: number;
  rowsUnmatched: number;
  rowsRejected: number;
  rowsAmbiguous: number;
  servicesRecorded: number;
}

/** What a matched person discloses, before the role filter. */
export interface PersonFactsRow {
  id: number;
  publicId: string;
  sisbenGroup: string | null;
  sisbenSubgroup: string | null;
  healthState: string | null;
  healthRegime: string | null;
  healthAdministrator: string | null;
  isVictim: boolean;
  isDisplaced: boolean;
  victimEvents: number[];
}

export interface ServiceWrite {
  personId: number;
  program: string;
  entity: string | null;
  logro: string | null;
  logroId: number | null;
  attentionDate: string | null;
  state: string | null;
  serviceKey: string;
  line: number;
}

export interface DeliveredServiceRow {
  id: number;
  personId: number;
  agency: string;
  program: string;
  entity: string | null;
  logro: string | null;
  logroId: number | null;
  attentionDate: string | null;
  state: string | null;
  status: 'active' | 'vanished';
  clientId: number | null;
  firstRunPublicId: string;
  firstLine: number;
  lastRunPublicId: string;
  lastLine: number;
  createdAt: Date;
  updatedAt: Date;
}

/** The cruce's database door: runs, the in-scope persons and their facts, delivered services. */
export class CruceRepository {
  constructor(private readonly db: Database) {}

  private q<T = Raw>(s: SQL, orm: Orm = this.db.orm) {
    return this.db.rows<T>(s, orm);
  }

  get orm(): Orm {
    return this.db.orm;
  }

  async create(run: NewCruceRun): Promise<CruceRunRow> {
    const [r] = await this.q(
      sql`insert into cruce_runs (state, origin, agency, purpose, requested_by, client_id, role, scope, input_path, file_name)
        values (${run.state ?? 'pending'}::cruce_state, ${run.origin}, ${run.agency}, ${run.purpose}, ${run.requestedBy}, ${run.clientId}, ${run.role},
          ${run.scope ? JSON.stringify(run.scope) : null}::jsonb, ${run.inputPath}, ${run.fileName})
        returning *`,
    );
    return toRun(r);
  }

  async find(id: number): Promise<CruceRunRow | null> {
    const [r] = await this.q(sql`select * from cruce_runs where id = ${id}`);
    return r ? toRun(r) : null;
  }

  async findByPublicId(publicId: string): Promise<CruceRunRow | null> {
    if (!/^[0-9a-f-]{36}$/i.test(publicId)) return null;
    const [r] = await this.q(sql`select * from cruce_runs where public_id = ${publicId}::uuid`);
    return r ? toRun(r) : null;
  }

  /** Runs newest first; `clientId` restricts to one client's runs. */
  async list(clientId: number | null, limit: number, beforeId: number | null): Promise<CruceRunRow[]> {
    const rows = await this.q(
      sql`select * from cruce_runs where true ${clientId === null ? sql`` : sql`and client_id = ${clientId}`}
        ${beforeId === null ? sql`` : sql`and id < ${beforeId}`} order by id desc limit ${limit}`,
    );
    return rows.map(toRun);
  }

  /** pending|running → running, attempts + 1 (a retried job takes it over); null when finished or missing. */
  async start(id: number): Promise<CruceRunRow | null> {
    const [r] = await this.q(
      sql`update cruce_runs set state = 'running', attempts = attempts + 1, started_at = coalesce(started_at, now()), updated_at = now(),
          rows_processed = 0, rows_document = 0, rows_phonetic = 0, rows_unmatched = 0, rows_rejected = 0, rows_ambiguous = 0, services_recorded = 0
        where id = ${id} and state = any(${UNFINISHED}::cruce_state[]) returning *`,
    );
    return r ? toRun(r) : null;
  }

  async describeFile(id: number, f: { fileSha256: string; encoding: string; delimiter: string; rowsTotal: number }): Promise<void> {
    await this.q(
      sql`update cruce_runs set file_sha256 = ${f.fileSha256}, encoding = ${f.encoding}, delimiter = ${f.delimiter}, rows_total = ${f.rowsTotal}, updated_at = now() where id = ${id}`,
    );
  }

  async progress(id: number, c: RunCounters): Promise<void> {
    await this.q(
      sql`update cruce_runs set rows_total = ${c.rowsTotal}, rows_processed = ${c.rowsProcessed}, rows_document = ${c.rowsDocument}, rows_phonetic = ${c.rowsPhonetic},
          rows_unmatched = ${c.rowsUnmatched}, rows_rejected = ${c.rowsRejected}, rows_ambiguous = ${c.rowsAmbiguous}, services_recorded = ${c.servicesRecorded}, updated_at = now()
        where id = ${id}`,
    );
  }

  async finish(id: number, c: RunCounters, outputs: { csv: string | null; xlsx: string | null }, orm: Orm = this.db.orm): Promise<void> {
    await this.progress(id, c);
    await this.q(
      sql`update cruce_runs set state = 'done', output_csv = ${outputs.csv}, output_xlsx = ${outputs.xlsx}, finished_at = now(), updated_at = now() where id = ${id}`,
      orm,
    );
  }

  async fail(id: number, code: string, reason: string): Promise<void> {
    await this.q(
      sql`update cruce_runs set state = 'failed', failure_code = ${code}, failure_reason = ${reason.slice(0, 500)}, finished_at = now(), updated_at = now()
        where id = ${id} and state = any(${UNFINISHED}::cruce_state[])`,
    );
  }

  /** A failed run back to pending (an operator's retry). */
  async reset(id: number): Promise<CruceRunRow | null> {
    const [r] = await this.q(
      sql`update cruce_runs set state = 'pending', failure_code = null, failure_reason = null, finished_at = null, updated_at = now() where id = ${id} and state = 'failed' returning *`,
    );
    return r ? toRun(r) : null;
  }

  async unfinishedIds(): Promise<number[]> {
    const rows = await this.q<{ id: string }>(sql`select id from cruce_runs where state = any(${UNFINISHED}::cruce_state[]) and origin <> 'rows' order by id`);
    return rows.map((r) => Number(r.id));
  }

  /**
   * The active persons among `ids` inside the territory, with what a cruce may disclose of them: the
   * golden record's denormalized facts, the health affiliation that defines `health_state` (same order
   * as the golden rebuild: active first, BDUA first, latest start), the victimizing event codes.
   * Persons outside the scope are simply not returned.
   */
  async personsInScope(ids: readonly number[], scope: TerritoryScope | null): Promise<Map<number, PersonFactsRow>> {
    const out = new Map<number, PersonFactsRow>();
    if (!ids.length) return out;
    const scoped = scopeSql(scope);
    const rows = await this.q(
      sql`select p.id, p.public_id::text as public_id, p.sisben_group, p.sisben_subgroup, p.health_state, p.is_victim, p.is_displaced,
          h.regime as health_regime, coalesce(h.administrator_name, h.administrator_code) as health_administrator,
          (select array_agg(distinct v.event_code order by v.event_code) from victim_registrations v where v.person_id = p.id and v.status = 'active') as victim_events
        from persons p
        left join lateral (select a.regime, a.administrator_code, a.administrator_name from affiliations a
          where a.person_id = p.id and a.subsystem = 'SALUD' and a.status = 'active'
          order by (a.state = 'ACTIVO') desc, (a.source = 'bdua') desc, a.start_date desc nulls last, a.id desc limit 1) h on true
        where p.id = any(${bigints(ids)}) and p.status = 'active' ${scoped}`,
    );
    for (const r of rows) {
      out.set(Number(r.id), {
        id: Number(r.id),
        publicId: r.public_id,
        sisbenGroup: r.sisben_group,
        sisbenSubgroup: r.sisben_subgroup,
        healthState: r.health_state,
        healthRegime: r.health_regime,
        healthAdministrator: r.health_administrator,
        isVictim: r.is_victim,
        isDisplaced: r.is_displaced,
        victimEvents: (r.victim_events ?? []).map(Number),
      });
    }
    return out;
  }

  /**
   * Upserts delivered services (one statement per batch). A service already known (same agency,
   * programme, person and key) keeps its first provenance and takes this run as its last; a
   * vanished one becomes active again. Returns how many rows were written.
   */
  async recordServices(orm: Orm, run: { id: number; agency: string; clientId: number | null }, services: readonly ServiceWrite[]): Promise<number> {
    if (!services.length) return 0;
    const col = <K extends keyof ServiceWrite>(k: K) => services.map((s) => (s[k] === null ? null : String(s[k])));
    const rows = await this.q<{ n: string }>(
      sql`with input as (
          select * from unnest(${bigints(services.map((s) => s.personId))}, ${texts(col('program'))}, ${texts(col('entity'))}, ${texts(col('logro'))},
            ${texts(col('logroId'))}, ${texts(col('attentionDate'))}, ${texts(col('state'))}, ${texts(col('serviceKey'))}, ${texts(col('line'))})
            as i(person_id, program, entity, logro, logro_id, attention_date, state, service_key, line)),
        dedup as (select distinct on (program, person_id, service_key) * from input order by program, person_id, service_key, line::int desc),
        up as (insert into delivered_services as d (person_id, agency, program, entity, logro, logro_id, attention_date, state, service_key, client_id,
            first_run_id, first_line, last_run_id, last_line)
          select person_id, ${run.agency}, program, entity, logro, logro_id::smallint, attention_date::date, state, service_key, ${run.clientId}::bigint,
            ${run.id}, line::int, ${run.id}, line::int from dedup
          on conflict (agency, program, person_id, service_key) do update set state = excluded.state, status = 'active', last_run_id = excluded.last_run_id,
            last_line = excluded.last_line, client_id = excluded.client_id, updated_at = now()
          returning 1)
        select count(*) as n from up`,
      orm,
    );
    return Number(rows[0]?.n ?? 0);
  }

  /** Snapshot semantics: services of the agency's programmes named in this run that the run no longer lists. */
  async vanishUnlisted(orm: Orm, runId: number, agency: string, programs: readonly string[]): Promise<number> {
    if (!programs.length) return 0;
    const rows = await this.q<{ n: string }>(
      sql`with v as (update delivered_services set status = 'vanished', updated_at = now()
          where agency = ${agency} and program = any(${texts(programs)}) and last_run_id <> ${runId} and status = 'active' returning 1)
        select count(*) as n from v`,
      orm,
    );
    return Number(rows[0]?.n ?? 0);
  }

  /** Delivered services of persons (a survivor also carries those recorded on persons merged into it). */
  async servicesOfPersons(personIds: readonly number[], includeVanished: boolean): Promise<DeliveredServiceRow[]> {
    if (!personIds.length) return [];
    const rows = await this.q(
      sql`with owners as (select id, id as owner from persons where id = any(${bigints(personIds)})
          union all select m.id, m.merged_into_id from persons m where m.merged_into_id = any(${bigints(personIds)}))
        select d.*, d.attention_date::text as attention_text, o.owner, f.public_id::text as first_run, l.public_id::text as last_run
        from owners o join delivered_services d on d.person_id = o.id
        join cruce_runs f on f.id = d.first_run_id join cruce_runs l on l.id = d.last_run_id
        where ${includeVanished ? sql`true` : sql`d.status = 'active'`}
        order by o.owner, d.attention_date desc nulls last, d.id desc`,
    );
    return rows.map((r) => ({
      id: Number(r.id),
      personId: Number(r.owner),
      agency: r.agency,
      program: r.program,
      entity: r.entity,
      logro: r.logro,
      logroId: r.logro_id === null ? null : Number(r.logro_id),
      attentionDate: r.attention_text,
      state: r.state,
      status: r.status,
      clientId: r.client_id === null ? null : Number(r.client_id),
      firstRunPublicId: r.first_run,
      firstLine: Number(r.first_line),
      lastRunPublicId: r.last_run,
      lastLine: Number(r.last_line),
      createdAt: new Date(r.created_at),
      updatedAt: new Date(r.updated_at),
    }));
  }
}

function scopeSql(scope: TerritoryScope | null): SQL {
  if (!scope) return sql``;
  const parts: SQL[] = [];
  if (scope.departments.length) parts.push(sql`p.department_code = any(${texts(scope.departments)})`);
  if (scope.municipalities.length) parts.push(sql`p.municipality_code = any(${texts(scope.municipalities)})`);
  if (!parts.length) return sql`and false`;
  return sql`and (${sql.join(parts, sql` or `)})`;
}
