import { createHash } from 'node:crypto';
import { chmod, mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import { AppError, type Clock, type Role, type TerritoryScope } from '../kernel';
import type { Config } from '../platform/config';
import type { AuditWriter } from '../platform/db';
import type { Logger } from '../platform/logger';
import { QueueUnavailableError, type JobQueue } from '../platform/queue';
import { blockingKeys, prepare, type BlockingRule, type PreparedRecord, type TermFrequencies } from '../domain/identity';
import { engineRules, prepareEntity, type LinkageModelService, type ReconciliationRepository, type EntityRow } from '../reconciliation';
import type { ReferenceService } from '../registry';
import { FileFormatError } from '../../connectors';
import { parseCruceFile } from './file';
import { INPUT_FIELDS, validateRow, type CruceInput, type InputField, type InputRow, type ValidationContext } from './input';
import { matchRow, type CandidatePerson, type MatchSettings } from './matcher';
import { factColumnsFor, factsFor, type CruceFactSource, type FactColumn } from './facts';
import { answerCells, answerHeader, CSV_BOM, csvRow, type CruceLine } from './answer';
import { writeXlsx } from './xlsx';
import type { CruceRepository, CruceRunRow, RunCounters, ServiceWrite } from './cruceRepository';

/** Who asks, and so what the answer may disclose and which persons it may name. */
export interface CruceAccess {
  actor: string;
  role: Role;
  scope: TerritoryScope | null;
  clientId: number | null;
  requestId?: string | null;
}

export interface CruceRequest {
  agency: string;
  purpose?: string | null;
}

/** Rows per matching batch: one blocking-index statement and one persons statement each. */
const BATCH = 5_000;
/** Rows `matchPersons` answers synchronously. */
export const MAX_SYNC_ROWS = 1_000;
const AGENCY = /^[a-z0-9][a-z0-9_.-]{0,39}$/;

export function normalizeAgency(raw: string): string {
  const a = raw.trim().toLowerCase();
  if (!AGENCY.test(a)) {
    throw new AppError(
      'BAD_USER_INPUT',
      'agency must be a short code: letters a–z, digits, "-", "_" or ".", at most 40 characters (e.g. "icbf", "sena-antioquia").',
      {
        field: 'agency',
      },
    );
  }
  return a;
}

function checkRole(role: Role): void {
  if (role === 'operator') throw new AppError('FORBIDDEN', 'A cruce discloses personal data: operators cannot run one.');
}

export interface CruceResult {
  run: CruceRunRow;
  lines: CruceLine[];
  factColumns: FactColumn[];
}

interface MatchContext {
  settings: MatchSettings;
  rules: readonly BlockingRule[];
  tf: TermFrequencies;
  validation: ValidationContext;
  maxBlock: number;
}

const zeroCounters = (): RunCounters => ({
  rowsTotal: 0,
  rowsProcessed: 0,
  rowsDocument: 0,
  rowsPhonetic: 0,
  rowsUnmatched: 0,
  rowsRejected: 0,
  rowsAmbiguous: 0,
  servicesRecorded: 0,
});

/**
 * The cruce: answers an agency's list of persons against the registry (who each one is and what
 * the hub knows of them) and keeps the services the agency delivered to the matched ones.
 *
 * - Matching is the pure matcher (matcher.ts) over candidates from the reconciliation engine's own
 *   blocking index (entity_blocking_keys), with the engine's current model and thresholds.
 * - Candidates outside the client's territory are dropped before matching: such a person answers
 *   No cruzó, exactly as an absent one.
 * - Every run is a row (state machine, counters) and one audit event; job payloads carry the run id
 *   only; logs carry ids and counts only. Input and answer files stay under INBOX_DIR / DATA_DIR/cruce.
 */
export class CruceService {
  /** Wall-clock ms per phase of the last run this process answered (bench/cruce.ts prints them). */
  lastTimings: Record<string, number> = {};

  constructor(
    private readonly repo: CruceRepository,
    private readonly reconciliation: ReconciliationRepository,
    private readonly models: LinkageModelService,
    private readonly reference: ReferenceService,
    private readonly queue: JobQueue,
    private readonly auditWriter: AuditWriter,
    private readonly config: Config,
    private readonly logger: Logger,
    private readonly clock: Clock,
    private readonly resolveInboxFile: (relativePath: string) => Promise<string>,
    private readonly factSources: readonly CruceFactSource[] = [],
  ) {}

  /** DATA_DIR/cruce: answer files (owner-only). */
  get outputDir(): string {
    return resolve(this.config.DATA_DIR, 'cruce');
  }

  factColumns(role: Role): FactColumn[] {
    return factColumnsFor(role, this.factSources);
  }

  private async context(): Promise<MatchContext> {
    const { rules, decision } = engineRules(this.config);
    const loaded = await this.models.current();
    const today = this.clock.now().toISOString().slice(0, 10);
    return {
      settings: { model: loaded.model, decision },
      rules,
      tf: loaded.tf,
      validation: { today, municipalities: await this.reference.municipalityCodes() },
      maxBlock: this.config.RECONCILE_MAX_BLOCK_SIZE,
    };
  }

  // ---------------------------------------------------------------------------------------------
  // Matching

  private prepareInput(i: CruceInput, ctx: MatchContext): PreparedRecord {
    return prepare(
      {
        docType: i.docType,
        docNumber: i.docNumber,
        firstName: i.firstName,
        secondName: i.secondName,
        firstSurname: i.firstSurname,
        secondSurname: i.secondSurname,
        birthDate: i.birthDate,
        sex: i.sex,
      },
      { id: `line:${i.line}`, municipalityCode: i.municipalityCode, today: ctx.validation.today, municipalities: ctx.validation.municipalities },
      ctx.tf,
    );
  }

  /**
   * Matches validated rows, in order, in batches. Returns the answer lines and the services to keep
   * (matched rows with a service). Pure reads: nothing is written here.
   */
  private async matchBatch(rows: readonly InputRow[], access: CruceAccess, ctx: MatchContext): Promise<{ lines: CruceLine[]; services: ServiceWrite[] }> {
    const valid = rows.filter((r): r is Extract<InputRow, { ok: true }> => r.ok);
    const prepared = valid.map((r) => this.prepareInput(r.input, ctx));
    const keysOf = prepared.map((p) => blockingKeys(p, ctx.rules));
    let t = performance.now();
    const { rows: entities } = await this.reconciliation.candidates(this.reconciliation.pool, keysOf.flat(), ctx.maxBlock);
    t = this.tick('candidates', t);

    const byKey = new Map<string, EntityRow[]>();
    for (const e of entities)
      for (const k of e.keys) {
        const id = `${k.rule}:${k.key}`;
        const list = byKey.get(id);
        if (list) list.push(e);
        else byKey.set(id, [e]);
      }
    const personIds = [...new Set(entities.map((e) => e.personId!))];
    const persons = await this.repo.personsInScope(personIds, access.scope);
    t = this.tick('persons', t);
    const preparedEntities = new Map<number, PreparedRecord>();
    const prepCtx = { today: ctx.validation.today, municipalities: ctx.validation.municipalities };
    const entityRecord = (e: EntityRow) => {
      let p = preparedEntities.get(e.id);
      if (!p) preparedEntities.set(e.id, (p = prepareEntity(e, prepCtx, ctx.tf)));
      return p;
    };

    const outcomes = valid.map((r, i) => {
      const grouped = new Map<number, PreparedRecord[]>();
      const seen = new Set<number>();
      for (const k of keysOf[i]) {
        for (const e of byKey.get(`${k.rule}:${k.key}`) ?? []) {
          if (seen.has(e.id) || !persons.has(e.personId!)) continue; // out of scope: as if absent
          seen.add(e.id);
          const list = grouped.get(e.personId!);
          if (list) list.push(entityRecord(e));
          else grouped.set(e.personId!, [entityRecord(e)]);
        }
      }
      const candidates: CandidatePerson[] = [...grouped].map(([personId, records]) => ({ personId, records }));
      return matchRow(prepared[i], candidates, ctx.settings);
    });

    this.tick('match', t);
    const matchedIds = [...new Set(outcomes.filter((o) => o.personId !== null).map((o) => o.personId!))];
    const extra = new Map<number, Record<string, string | null>>();
    for (const source of this.factSources) {
      const values = await source.load(matchedIds);
      for (const [id, v] of values) extra.set(id, { ...(extra.get(id) ?? {}), ...v });
    }

    const lines: CruceLine[] = [];
    const services: ServiceWrite[] = [];
    let v = 0;
    for (const r of rows) {
      if (!r.ok) {
        lines.push({
          line: r.line,
          matchType: null,
          personPublicId: null,
          nameDistance: null,
          flags: [],
          reasons: [],
          facts: null,
          serviceRecorded: false,
          errors: r.errors,
          warnings: r.warnings,
        });
        continue;
      }
      const o = outcomes[v++];
      const person = o.personId === null ? null : persons.get(o.personId)!;
      const service = person ? r.input.service : null;
      if (service && person) {
        services.push({
          personId: person.id,
          program: service.program,
          entity: service.entity,
          logro: service.logro,
          logroId: service.logroId,
          attentionDate: service.attentionDate,
          state: service.state,
          serviceKey: serviceKey(service.entity, service.logroId, service.logro, service.attentionDate),
          line: r.input.line,
        });
      }
      lines.push({
        line: r.input.line,
        matchType: o.type,
        personPublicId: person ? person.publicId : null,
        nameDistance: o.nameDistance,
        flags: o.flags,
        reasons: o.reasons,
        facts: person ? factsFor(person, access.role, extra.get(person.id) ?? {}, this.factSources) : null,
        serviceRecorded: service !== null,
        errors: [],
        warnings: r.warnings,
      });
    }
    return { lines, services };
  }

  private tick(phase: string, since: number): number {
    const now = performance.now();
    this.lastTimings[phase] = (this.lastTimings[phase] ?? 0) + (now - since);
    return now;
  }

  private tally(c: RunCounters, lines: readonly CruceLine[], servicesRecorded: number): void {
    for (const l of lines) {
      c.rowsProcessed++;
      if (l.matchType === null) c.rowsRejected++;
      else if (l.matchType === 'DOCUMENTO') c.rowsDocument++;
      else if (l.matchType === 'FONETICO') c.rowsPhonetic++;
      else c.rowsUnmatched++;
      if (l.flags.includes('AMBIGUOUS')) c.rowsAmbiguous++;
    }
    c.servicesRecorded += servicesRecorded;
  }

  private async audit(run: CruceRunRow, access: CruceAccess, c: RunCounters, extra: Record<string, unknown> = {}): Promise<void> {
    await this.auditWriter.write(this.repo.orm, [
      {
        actor: access.actor,
        actorRole: access.role,
        action: 'cruce',
        subjectType: 'CruceRun',
        subjectId: run.publicId,
        personId: null,
        field: null,
        requestId: access.requestId ?? null,
        reason: run.purpose,
        after: {
          agency: run.agency,
          origin: run.origin,
          scope: access.scope,
          rows: c.rowsTotal,
          document: c.rowsDocument,
          phonetic: c.rowsPhonetic,
          unmatched: c.rowsUnmatched,
          rejected: c.rowsRejected,
          ambiguous: c.rowsAmbiguous,
          servicesRecorded: c.servicesRecorded,
          ...extra,
        },
      },
    ]);
  }

  // ---------------------------------------------------------------------------------------------
  // Synchronous: matchPersons

  /**
   * Up to {@link MAX_SYNC_ROWS} rows answered at once (GraphQL `matchPersons`). Each row is the
   * layout's columns by name; its line number is its position (1-based). Services are kept
   * additively (a partial list does not make the programme's other services vanish).
   */
  async matchRows(access: CruceAccess, request: CruceRequest, rows: readonly Partial<Record<InputField, string | null>>[]): Promise<CruceResult> {
    checkRole(access.role);
    const agency = normalizeAgency(request.agency);
    if (rows.length === 0) throw new AppError('BAD_USER_INPUT', 'rows is empty.', { field: 'rows' });
    if (rows.length > MAX_SYNC_ROWS) {
      throw new AppError('BAD_USER_INPUT', `matchPersons answers at most ${MAX_SYNC_ROWS} rows; send larger lists as a file (startCruce).`, { field: 'rows' });
    }
    const ctx = await this.context();
    const inputs = rows.map((r, i) => {
      const values: Partial<Record<InputField, string>> = {};
      for (const f of INPUT_FIELDS) {
        const v = r[f];
        if (v != null) values[f] = String(v);
      }
      return validateRow(i + 1, values, ctx.validation);
    });
    const run = await this.repo.create({
      origin: 'rows',
      agency,
      purpose: request.purpose?.trim() || null,
      requestedBy: access.actor,
      clientId: access.clientId,
      role: access.role,
      scope: access.scope,
      inputPath: null,
      fileName: null,
      state: 'running',
    });
    const { lines, services } = await this.matchBatch(inputs, access, ctx);
    const c = zeroCounters();
    c.rowsTotal = rows.length;
    const recorded = await this.repo.orm.transaction(async (tx) => {
      const n = await this.repo.recordServices(tx, { id: run.id, agency, clientId: access.clientId }, services);
      return n;
    });
    this.tally(c, lines, recorded);
    await this.repo.finish(run.id, c, { csv: null, xlsx: null });
    const done = (await this.repo.find(run.id))!;
    await this.audit(done, access, c);
    this.logger.info({ cruceRunId: run.id, rows: c.rowsTotal, matched: c.rowsDocument + c.rowsPhonetic, rejected: c.rowsRejected }, 'cruce answered (rows)');
    return { run: done, lines, factColumns: this.factColumns(access.role) };
  }

  // ---------------------------------------------------------------------------------------------
  // Files: startCruce (job) and the CLI

  /** A file in the inbox, answered by the `cruce.run` job (payload: the run id). */
  async startFile(access: CruceAccess, request: CruceRequest, inboxPath: string): Promise<CruceRunRow> {
    checkRole(access.role);
    const agency = normalizeAgency(request.agency);
    const abs = await this.resolveInboxFile(inboxPath);
    const run = await this.repo.create({
      origin: 'file',
      agency,
      purpose: request.purpose?.trim() || null,
      requestedBy: access.actor,
      clientId: access.clientId,
      role: access.role,
      scope: access.scope,
      inputPath: abs,
      fileName: basename(abs),
    });
    this.logger.info({ cruceRunId: run.id }, 'cruce run received');
    await this.enqueue(run.id);
    return run;
  }

  async enqueue(runId: number): Promise<void> {
    try {
      await this.queue.enqueue('cruce.run', { runId });
    } catch (e) {
      if (!(e instanceof QueueUnavailableError)) throw e;
      this.logger.warn({ cruceRunId: runId }, 'queue unavailable; cruce run left pending');
      throw new AppError('SERVICE_UNAVAILABLE', 'The job queue is unavailable; the cruce was recorded and will start when it is back.', {}, true);
    }
  }

  /** A local file answered in this process (CLI): the run is recorded and audited like any other. */
  async runLocalFile(access: CruceAccess, request: CruceRequest, path: string, onProgress?: (done: number, total: number) => void): Promise<CruceRunRow> {
    checkRole(access.role);
    const agency = normalizeAgency(request.agency);
    const abs = resolve(path);
    const run = await this.repo.create({
      origin: 'cli',
      agency,
      purpose: request.purpose?.trim() || null,
      requestedBy: access.actor,
      clientId: access.clientId,
      role: access.role,
      scope: access.scope,
      inputPath: abs,
      fileName: basename(abs),
    });
    await this.process(run.id, onProgress);
    return (await this.repo.find(run.id))!;
  }

  /**
   * The job: reads the file, answers every line, writes the answer files, keeps the services (with
   * snapshot semantics per agency and programme), finishes and audits the run. Idempotent: a retried
   * run starts over (the services upsert is keyed, so nothing is counted twice).
   */
  async process(runId: number, onProgress?: (done: number, total: number) => void): Promise<void> {
    const run = await this.repo.start(runId);
    if (!run) return;
    this.lastTimings = {};
    let t0 = performance.now();
    const access: CruceAccess = { actor: run.requestedBy, role: run.role as Role, scope: run.scope, clientId: run.clientId };
    let bytes: Buffer;
    try {
      bytes = await readFile(run.inputPath!);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code ?? 'READ_ERROR';
      await this.repo.fail(run.id, 'FILE_UNREADABLE', `The input file cannot be read (${code}).`);
      return;
    }
    const ctx = await this.context();
    let parsed;
    try {
      parsed = parseCruceFile(bytes, ctx.validation);
    } catch (e) {
      if (e instanceof FileFormatError) {
        await this.repo.fail(run.id, e.code, e.message);
        this.logger.warn({ cruceRunId: run.id, code: e.code }, 'cruce file refused');
        await this.audit(run, access, zeroCounters(), { failed: e.code });
        return;
      }
      throw e;
    }
    t0 = this.tick('read+parse', t0);
    const c = zeroCounters();
    c.rowsTotal = parsed.rows.length;
    await this.repo.describeFile(run.id, {
      fileSha256: createHash('sha256').update(bytes).digest('hex'),
      encoding: parsed.encoding,
      delimiter: parsed.delimiter,
      rowsTotal: c.rowsTotal,
    });

    const factColumns = this.factColumns(access.role);
    const csvParts: string[] = [CSV_BOM + csvRow(answerHeader(factColumns))];
    const cells: string[][] = [];
    const programs = new Set<string>();
    for (let from = 0; from < parsed.rows.length; from += BATCH) {
      const slice = parsed.rows.slice(from, from + BATCH);
      const { lines, services } = await this.matchBatch(slice, access, ctx);
      const ts = performance.now();
      const recorded = await this.repo.orm.transaction((tx) =>
        this.repo.recordServices(tx, { id: run.id, agency: run.agency, clientId: run.clientId }, services),
      );
      this.tick('services', ts);
      for (const s of services) programs.add(s.program);
      this.tally(c, lines, recorded);
      for (const l of lines) {
        const row = answerCells(l, factColumns);
        csvParts.push(csvRow(row));
        cells.push(row);
      }
      await this.repo.progress(run.id, c);
      onProgress?.(c.rowsProcessed, c.rowsTotal);
    }
    // Snapshot semantics: the file is the agency's current list for each programme it names.
    // Programmes named only by rows that matched nobody are unknown here and stay as they were.
    await this.repo.vanishUnlisted(this.repo.orm, run.id, run.agency, [...programs]);

    t0 = performance.now();
    const outputs = await this.writeOutputs(run, answerHeader(factColumns), csvParts, cells);
    this.tick('answer files', t0);
    await this.repo.finish(run.id, c, outputs);
    await this.audit(run, access, c);
    this.logger.info(
      { cruceRunId: run.id, rows: c.rowsTotal, document: c.rowsDocument, phonetic: c.rowsPhonetic, unmatched: c.rowsUnmatched, rejected: c.rowsRejected },
      'cruce answered (file)',
    );
  }

  /** Answer files, owner-only, written through temporary names (a reader never sees half a file). */
  private async writeOutputs(run: CruceRunRow, header: string[], csvParts: string[], cells: string[][]): Promise<{ csv: string; xlsx: string }> {
    const dir = this.outputDir;
    await mkdir(dir, { recursive: true, mode: 0o700 });
    const csv = `cruce-${run.publicId}.csv`;
    const xlsx = `cruce-${run.publicId}.xlsx`;
    const write = async (name: string, data: string | Buffer) => {
      const tmp = join(dir, `.${name}.part`);
      try {
        await writeFile(tmp, data, { mode: 0o600 });
        await chmod(tmp, 0o600);
        await rename(tmp, join(dir, name));
      } catch (e) {
        await rm(tmp, { force: true }).catch(() => {});
        throw e;
      }
    };
    await write(csv, csvParts.join(''));
    await write(xlsx, await writeXlsx(header, cells));
    return { csv, xlsx };
  }

  /** A download of an answer file is a disclosure: one audit event. */
  async auditDownload(run: CruceRunRow, access: CruceAccess, format: 'csv' | 'xlsx'): Promise<void> {
    await this.auditWriter.write(this.repo.orm, [
      {
        actor: access.actor,
        actorRole: access.role,
        action: 'cruce.download',
        subjectType: 'CruceRun',
        subjectId: run.publicId,
        reason: run.purpose,
        after: { format },
      },
    ]);
  }

  /** The path of a run's answer file, for the download route and the CLI. */
  outputPath(run: CruceRunRow, format: 'csv' | 'xlsx'): string | null {
    const name = format === 'csv' ? run.outputCsv : run.outputXlsx;
    return name ? join(this.outputDir, name) : null;
  }

  // ---------------------------------------------------------------------------------------------
  // Runs

  get(id: number): Promise<CruceRunRow | null> {
    return this.repo.find(id);
  }

  byPublicId(publicId: string): Promise<CruceRunRow | null> {
    return this.repo.findByPublicId(publicId);
  }

  /** A client sees its own runs; admins every run. */
  list(access: CruceAccess, limit: number): Promise<CruceRunRow[]> {
    checkRole(access.role);
    return this.repo.list(access.role === 'admin' ? null : access.clientId, limit, null);
  }

  /** Whether the caller may see a run: its own client, or an admin; the CLI (no client) sees CLI runs. */
  visibleTo(run: CruceRunRow, access: CruceAccess): boolean {
    return access.role === 'admin' || (access.clientId !== null && run.clientId === access.clientId);
  }

  async unfinishedIds(): Promise<number[]> {
    return this.repo.unfinishedIds();
  }

  giveUp(runId: number, reason: string): Promise<void> {
    return this.repo.fail(runId, 'GAVE_UP', reason);
  }

  async retry(runId: number): Promise<CruceRunRow | null> {
    const run = await this.repo.reset(runId);
    if (run) await this.enqueue(run.id);
    return run;
  }
}

/** Identity of a service within (agency, programme, person). No personal data: programme facts only. */
export function serviceKey(entity: string | null, logroId: number | null, logro: string | null, attentionDate: string | null): string {
  return [entity ?? '', logroId !== null ? `LB${logroId}` : (logro ?? ''), attentionDate ?? ''].join('|');
}
