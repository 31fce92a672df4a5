import { UNFINISHED_RECONCILIATION_STATES } from '../../schema';
import { setImmediate as yieldToLoop } from 'node:timers/promises';
import type { Clock } from '../kernel';
import type { Config } from '../platform/config';
import {
  BLOCKING_RULES,
  DEFAULT_BLOCKING_RULES,
  DEFAULT_DECISION_CONFIG,
  blockingKeys,
  blockingRulesByName,
  candidatePairs,
  compare,
  decide,
  score,
  type BlockingKey,
  type BlockingRule,
  type DecisionConfig,
  type PreparedRecord,
} from '../domain/identity';
import { AppError } from '../kernel';
import type { Logger } from '../platform/logger';
import { JobReleasedError, QueueUnavailableError, type JobQueue } from '../platform/queue';
import type { GoldenRecordRepository, Survivorship } from './goldenRecordRepository';
import { MergeConflictError, type MergeService } from './mergeService';
import type { EntityRow, LinkWrite, ReconciliationRepository, ReconciliationRunRow, ReviewWrite } from './reconciliationRepository';
import type { Orm } from '../platform/db';
import type { ReferenceService } from '../registry';
import { prepareEntity, type PrepareContext } from './prepareEntity';
import { BatchMatcher, type BatchResult, type MatchRecord, type Pins } from './matcher';
import type { LinkageModelService, LoadedModel, TrainingSet } from './modelService';

export type ReconcileConfig = Pick<
  Config,
  | 'RECONCILE_LINK_PROBABILITY'
  | 'RECONCILE_REVIEW_PROBABILITY'
  | 'RECONCILE_BATCH_SIZE'
  | 'RECONCILE_MAX_BLOCK_SIZE'
  | 'RECONCILE_BLOCKING_RULES'
  | 'RECONCILE_MAX_AUTO_MERGE_RATE'
  | 'RECONCILE_BREAKER_MIN_MERGES'
  | 'RECONCILE_AUDIT_SAMPLE'
  | 'RECONCILE_AUDIT_RATE'
  | 'RECONCILE_TRAINING_SAMPLE'
  | 'SURVIVORSHIP_NAME'
  | 'SURVIVORSHIP_BIRTH_DATE'
  | 'SURVIVORSHIP_SEX'
  | 'SURVIVORSHIP_MUNICIPALITY'
>;

export interface RunSettings {
  linkProbability: number;
  reviewProbability: number;
  rules: string[];
  /** Highest person id when the run started: merges between persons up to it are merges of existing persons. */
  personsBefore: number;
}

/** Wall-clock milliseconds per engine phase of one run (diagnostics; see docs/reconciliation.md). */
export type RunTimings = Record<string, number>;

interface Prepared {
  recordId: number;
  prepared: PreparedRecord;
  keys: BlockingKey[];
}

/** What one `process` call keeps between batches (in memory only: the database holds the truth). */
interface RunState {
  model: LoadedModel;
  ctx: PrepareContext;
  /** The previous batch's prepared records by entity id, valid while their record version (recordId) is unchanged. */
  cache: Map<number, Prepared>;
  timings: RunTimings;
}

/** A batch decided in stage 1, to be written in stage 2 (see runBatches). */
interface Plan {
  batch: EntityRow[];
  mine: Map<number, Prepared>;
  /** The linked records compared with, as stage 1 saw them (person and record version). */
  assumed: Map<number, { personId: number; recordId: number }>;
  /** Pins and steward activity as stage 1 saw them. */
  pins: string;
  epoch: string;
  result: BatchResult;
  /** Person ids reserved for the persons this batch creates. */
  reserved: number[];
  links: LinkWrite[];
  created: { entityId: number; personId: number }[];
  reviews: ReviewWrite[];
  merges: MergeWrite[];
  changedLinked: EntityRow[];
  /** The batch's records with the persons they were given: candidates of the next batch before the commit. */
  assigned: (MatchRecord & { recordId: number; keys: BlockingKey[] })[];
  lastId: number;
}

type MergeWrite = BatchResult['merges'][number];

const ACTOR = 'system:reconciliation';
/** A run that processed at least this many records refreshes the planner statistics of what it rewrote. */
const LARGE_RUN = 50_000;
/** Records prepared between two yields to the event loop (keeps database writes flowing meanwhile). */
const PREPARE_SLICE = 2_000;

/**
 * Identity reconciliation runs: every added or changed record is matched against the persons it
 * shares a blocking key with (deterministic, phonetic and Fellegi–Sunter tiers, steward pins first),
 * linked, or given a new person, and doubtful cases go to the review queue. Batches are sequential
 * (one engine lock) and idempotent: a batch's links and its "done" flags commit together, so a
 * crashed run resumes with whatever is still pending. Merges of existing persons are held to the end
 * of the run and applied only if they stay under the circuit breaker's limit.
 *
 * Speed: each record is prepared once per run (pending records are read ahead and prepared while the
 * previous batch writes; candidates are cached by record version), pairs are weighed without
 * allocation, and every write is one set-based statement per batch.
 */
export class ReconciliationService {
  private readonly rules: readonly BlockingRule[];
  private readonly ruleNames: Map<number, string>;
  readonly survivorship: Survivorship;
  /** Timings of the last run this instance advanced (bench and diagnostics). */
  lastTimings: RunTimings = {};

  constructor(
    private readonly repo: ReconciliationRepository,
    private readonly merges: MergeService,
    private readonly golden: GoldenRecordRepository,
    private readonly models: LinkageModelService,
    private readonly reference: ReferenceService,
    private readonly queue: JobQueue,
    private readonly config: ReconcileConfig,
    private readonly logger: Logger,
    private readonly clock: Clock,
  ) {
    this.rules = config.RECONCILE_BLOCKING_RULES ? blockingRulesByName(config.RECONCILE_BLOCKING_RULES) : DEFAULT_BLOCKING_RULES;
    this.ruleNames = new Map(Object.values(BLOCKING_RULES).map((r) => [r.id, r.name]));
    this.survivorship = merges.survivorship;
  }

  private get decision(): DecisionConfig {
    return { ...DEFAULT_DECISION_CONFIG, linkProbability: this.config.RECONCILE_LINK_PROBABILITY, reviewProbability: this.config.RECONCILE_REVIEW_PROBABILITY };
  }

  /** Creates (or finds, for an import) a run and enqueues it. */
  async requestRun(trigger: 'import' | 'manual', importRunId: number | null = null): Promise<ReconciliationRunRow> {
    const run = await this.repo.createRun(trigger, importRunId, null);
    try {
      await this.queue.enqueue('reconcile.run', { runId: run.id });
    } catch (e) {
      if (!(e instanceof QueueUnavailableError)) throw e;
      // The run stays pending in PostgreSQL; the sweeper enqueues it when the queue returns.
      this.logger.warn({ reconciliationRunId: run.id }, 'queue unavailable; reconciliation run left pending');
    }
    return run;
  }

  getRun(id: number) {
    return this.repo.findRun(id);
  }

  /** Runs PostgreSQL says are unfinished, oldest first (what the sweeper makes sure a job advances). */
  async unfinishedRunIds(): Promise<number[]> {
    return (await this.repo.unfinishedRuns()).map((r) => r.id);
  }

  /** The run's job spent its last attempt on a transient failure: failed with the reason, for an operator to see. */
  async giveUp(runId: number, reason: string): Promise<void> {
    await this.repo.transition(runId, [...UNFINISHED_RECONCILIATION_STATES], 'failed', { failureReason: reason, finishedAt: this.clock.now() });
  }

  listRuns(opts: Parameters<ReconciliationRepository['listRuns']>[0]) {
    return this.repo.listRuns(opts);
  }

  /** Advances a run as far as it goes. Safe to call twice or after a crash. */
  async process(runId: number, signal?: AbortSignal): Promise<void> {
    let run = await this.repo.findRun(runId);
    if (!run || run.state === 'done' || run.state === 'failed') return;
    const log = this.logger.child({ reconciliationRunId: runId });
    const timings: RunTimings = {};
    this.lastTimings = timings;
    if (run.state === 'pending') {
      const settings: RunSettings = {
        linkProbability: this.config.RECONCILE_LINK_PROBABILITY,
        reviewProbability: this.config.RECONCILE_REVIEW_PROBABILITY,
        rules: this.rules.map((r) => r.name),
        personsBefore: await this.repo.maxPersonId(),
      };
      await this.repo.transition(runId, ['pending'], 'running', {
        startedAt: this.clock.now(),
        attempts: run.attempts + 1,
        recordsPending: await this.repo.countPending(),
        settings: settings as never,
      });
      run = (await this.repo.findRun(runId))!;
    }
    if (run.state === 'running') {
      const ctx = await this.prepareContext();
      await time(timings, 'backfill', () => this.backfillKeys(ctx, log));
      const model = await time(timings, 'training', () => this.ensureModel(log, ctx));
      await this.repo.transition(runId, ['running'], 'running', { modelVersion: model.model.version });
      const state: RunState = { model, ctx, cache: new Map(), timings };
      await this.runBatches(run, state, signal);
      await this.repo.transition(runId, ['running'], 'merging');
      run = (await this.repo.findRun(runId))!;
    }
    if (run.state === 'merging') {
      await time(timings, 'finish', () => this.finish(run!, log, timings));
    }
    await this.repo.addTimings(runId, timings);
    log.debug({ timings }, 'reconciliation run timings');
  }

  /**
   * Blocking rules are data: when the configured rules include one the last finished run did not
   * use, every linked record gets its key under that rule before matching starts (otherwise new
   * records could not find them through it). Batches of records in id order, each in its own
   * transaction; a crash redoes it from the start, writing the same rows.
   */
  private async backfillKeys(ctx: PrepareContext, log: Logger): Promise<void> {
    const previous = await this.repo.lastFinishedRules();
    if (previous === null) return;
    const missing = this.rules.filter((r) => !previous.includes(r.name));
    if (!missing.length) return;
    log.info({ rules: missing.map((r) => r.name) }, 'indexing linked records under new blocking rules');
    for (let after = 0; ; ) {
      const rows = await this.repo.linkedAfter(after, this.config.RECONCILE_BATCH_SIZE);
      if (!rows.length) return;
      const keys: { entityId: number; rule: number; key: string }[] = [];
      for (const e of rows) {
        const p = prepareEntity(e, ctx, {});
        for (const rule of missing) {
          const key = rule.key(p);
          if (key) keys.push({ entityId: e.id, rule: rule.id, key });
        }
      }
      await this.repo.transaction(async (tx) => {
        await this.repo.lockBatch(tx);
        await this.repo.replaceRuleKeys(tx, rows.map((e) => e.id), missing.map((r) => r.id), keys);
      });
      after = rows[rows.length - 1].id;
    }
  }

  /**
   * Uses the latest trained model; trains one at the start of a run when none exists yet, the data
   * has at least doubled since the last training, or the model has never seen pairs against linked
   * records (see modelService.ts for the estimation).
   */
  private async ensureModel(log: Logger, ctx: PrepareContext): Promise<LoadedModel> {
    const current = await this.models.current();
    const sample = this.config.RECONCILE_TRAINING_SAMPLE;
    if (sample <= 0) return current;
    const counts = await this.repo.recordCounts();
    if (counts.active < 2_000) return current;
    // Retrain when there is no trained model, when the data has doubled, or when the model only ever
    // saw duplicates inside one registry and there are now linked records to match against.
    const firstCrossing = !current.trainedAcross && counts.linked > 0 && counts.active > counts.linked;
    if (current.trainedOn > 0 && counts.active < current.trainedOn * 2 && !firstCrossing) return current;
    const set = await this.trainingSet(sample, counts, ctx);
    if (set.pending.length < 1_000) return current;
    log.info({ sampled: set.pending.length, candidatePairs: set.pairs.length }, 'training the linkage model');
    return this.models.train(set, this.rules);
  }

  /** The run's training material: sampled pending records, their candidates, the pairs by rule. */
  private async trainingSet(sample: number, counts: { active: number; linked: number }, ctx: PrepareContext): Promise<TrainingSet> {
    const prep = (e: EntityRow) => prepareEntity(e, ctx, {});
    // Once records are linked, a quarter of the sample among the records to match (their candidate
    // pairs train m: tens of thousands of pairs per rule are plenty) and some among linked records
    // (u, term frequencies). Before, m can only come from duplicates inside the sample: all of it.
    const pendingRows = await this.repo.samplePending(counts.linked > 0 ? Math.max(2_000, Math.floor(sample / 4)) : sample);
    const pending = pendingRows.map(prep);
    // u needs random pairs, not many distinct records: 20,000 linked records against the pending sample
    // give a million pairs with plenty of variety, and the term frequencies of every common name.
    const linkedSample = (await this.repo.sampleLinked(Math.min(sample - pending.length, 20_000))).map(prep);
    const pairs: TrainingSet['pairs'][number][] = [];
    const ruleIds = new Map(this.rules.map((r) => [r.name, r.id]));
    // Within the sample (the only pairs before anything is linked).
    const within = new Map<string, { a: number; b: number; rules: number[] }>();
    for (const p of candidatePairs(this.rules, pending)) {
      const k = `${p.left}:${p.right}`;
      const e = within.get(k);
      if (e) e.rules.push(ruleIds.get(p.rule)!);
      else within.set(k, { a: p.left, b: p.right, rules: [ruleIds.get(p.rule)!] });
    }
    for (const w of within.values()) pairs.push({ a: w.a, b: w.b, bIsCandidate: false, rules: w.rules });
    // Against linked records, through the blocking index (the pairs the run itself will compare).
    const candidates: PreparedRecord[] = [];
    if (counts.linked > 0) {
      const index = new Map<number, number>();
      const slice = 20_000;
      for (let i = 0; i < pending.length; i += slice) {
        const part = pending.slice(i, i + slice);
        const keys = part.map((p) => blockingKeys(p, this.rules));
        const { hits } = await this.repo.transaction((tx) => this.repo.blockHits(tx, keys.flat(), this.config.RECONCILE_MAX_BLOCK_SIZE));
        const byKey = new Map<string, number[]>();
        for (const h of hits) {
          const k = `${h.rule}:${h.key}`;
          (byKey.get(k) ?? byKey.set(k, []).get(k)!).push(h.entityId);
        }
        const missing = [...new Set(hits.map((h) => h.entityId))].filter((id) => !index.has(id));
        const rows = await this.repo.transaction((tx) => this.repo.linkedEntities(tx, missing));
        for (const r of rows) {
          index.set(r.id, candidates.length);
          candidates.push(prep(r));
        }
        part.forEach((_, j) => {
          const a = i + j;
          const own = Number(pending[a].id);
          const perCandidate = new Map<number, number[]>();
          for (const k of keys[j]) {
            for (const id of byKey.get(`${k.rule}:${k.key}`) ?? []) {
              if (id === own || !index.has(id)) continue;
              (perCandidate.get(id) ?? perCandidate.set(id, []).get(id)!).push(k.rule);
            }
          }
          for (const [id, rules] of perCandidate) pairs.push({ a, b: index.get(id)!, bIsCandidate: true, rules });
        });
      }
    }
    return { pending, pairs, candidates, linkedSample, linkedTotal: counts.linked, records: counts.active };
  }

  private async prepareContext(): Promise<PrepareContext> {
    return { today: this.clock.now().toISOString().slice(0, 10), municipalities: await this.reference.municipalityCodes() };
  }

  private prepared(e: EntityRow, state: RunState): Prepared {
    const hit = state.cache.get(e.id);
    if (hit && hit.recordId === e.recordId) return hit;
    const prepared = prepareEntity(e, state.ctx, state.model.tf);
    return { recordId: e.recordId, prepared, keys: blockingKeys(prepared, this.rules) };
  }

  /**
   * Stage 1 of a batch, outside the engine lock (or inside it, for the sequential path): reads the
   * pending records (the first ones, or those after `afterId`), prepares them, looks up their
   * candidates, matches, and reserves ids for new persons. `overlay` is the previous batch's plan,
   * whose writes may not be committed yet: its records take part as candidates with the persons it
   * gave them. Returns what it assumed, so stage 2 can check nothing changed meanwhile.
   */
  private async plan(orm: Orm, state: RunState, afterId: number | null, overlay: Plan | null): Promise<Plan | 'empty' | 'changed'> {
    const T = state.timings;
    let t = performance.now();
    const lap = (phase: string) => {
      const now = performance.now();
      add(T, phase, now - t);
      t = now;
    };
    const limit = this.config.RECONCILE_BATCH_SIZE;
    const batch = afterId === null ? await this.repo.pendingBatch(orm, limit) : await this.repo.pendingAfter(afterId, limit, orm);
    lap('readBatch');
    if (!batch.length) return 'empty';
    // Records that changed after being linked are checked against their person: sequential path.
    if (afterId !== null && batch.some((e) => e.personId !== null)) return 'changed';
    const epoch = await this.repo.stewardEpoch(orm);

    const mine = new Map<number, Prepared>();
    for (let i = 0; i < batch.length; i += PREPARE_SLICE) {
      for (const e of batch.slice(i, i + PREPARE_SLICE)) mine.set(e.id, this.prepared(e, state));
      if (afterId !== null) await yieldToLoop();
    }
    lap('prepare');

    const allKeys: BlockingKey[] = [];
    for (const p of mine.values()) for (const k of p.keys) allKeys.push(k);
    const { rows: candidateRows, oversized } = await this.repo.candidates(orm, allKeys, this.config.RECONCILE_MAX_BLOCK_SIZE);
    const overlaid = new Map<number, MatchRecord & { recordId: number; keys: BlockingKey[] }>();
    for (const o of overlay?.assigned ?? []) if (!mine.has(o.entityId)) overlaid.set(o.entityId, o);
    const candidateKeys = new Map<number, BlockingKey[]>();
    lap('candidates');
    const assumed = new Map<number, { personId: number; recordId: number }>();
    const candidates: MatchRecord[] = [];
    for (let i = 0; i < candidateRows.length; i += PREPARE_SLICE) {
      for (const c of candidateRows.slice(i, i + PREPARE_SLICE)) {
        if (mine.has(c.id) || overlaid.has(c.id)) continue;
        candidates.push({ entityId: c.id, personId: c.personId, prepared: this.prepared(c, state).prepared });
        candidateKeys.set(c.id, c.keys);
        assumed.set(c.id, { personId: c.personId!, recordId: c.recordId });
      }
      if (afterId !== null) await yieldToLoop();
    }
    for (const o of overlaid.values()) assumed.set(o.entityId, { personId: o.personId!, recordId: o.recordId });
    lap('prepareCandidates');

    const changedLinked = batch.filter((e) => e.personId !== null);
    const unlinked = batch.filter((e) => e.personId === null);
    const pinRows = await this.repo.pins(orm, unlinked.map((e) => e.id));
    lap('pins');

    const matcher = new BatchMatcher({ model: state.model.model, decision: this.decision, rules: this.rules, maxBlockSize: this.config.RECONCILE_MAX_BLOCK_SIZE });
    matcher.markOversized(oversized);
    matcher.addLinked(candidates, (r) => candidateKeys.get(r.entityId) ?? []);
    matcher.addLinked(overlaid.values(), (r) => overlaid.get(r.entityId)!.keys);
    // Already-linked records that changed keep their person; they are checked against it in apply.
    matcher.addLinked(
      changedLinked.map((e) => ({ entityId: e.id, personId: e.personId, prepared: mine.get(e.id)!.prepared })),
      (r) => mine.get(r.entityId)!.keys,
    );
    const result = matcher.match(
      unlinked.map((e) => ({ entityId: e.id, personId: null, prepared: mine.get(e.id)!.prepared })),
      pinsOf(pinRows),
      (r) => mine.get(r.entityId)!.keys,
    );
    lap('match');

    const provisional = [...new Set(result.assignments.map((a) => a.personId).filter((p) => p < 0))].sort((a, b) => b - a);
    const reserved = await this.repo.reservePersonIds(orm, provisional.length);
    const real = new Map(provisional.map((p, i) => [p, reserved[i]]));
    const resolve = (p: number) => (p < 0 ? real.get(p)! : p);
    const links: LinkWrite[] = result.assignments.map((a) => ({ ...a, personId: resolve(a.personId) }));
    lap('reserve');
    return {
      batch,
      mine,
      assumed,
      pins: pinKey(pinRows),
      epoch,
      result,
      reserved,
      links,
      created: result.assignments.filter((a) => a.personId < 0).map((a) => ({ entityId: a.entityId, personId: real.get(a.personId)! })),
      reviews: result.reviews.map((r) => ({
        reason: r.reason,
        entityId: r.entityId,
        personA: resolve(r.personA),
        personB: resolve(r.personB),
        candidateEntityId: r.candidateEntityId,
        score: r.score,
        explanation: r.explanation,
      })),
      merges: result.merges.map((m) => ({ ...m, personA: resolve(m.personA), personB: resolve(m.personB) })).filter((m) => m.personA !== m.personB),
      changedLinked,
      assigned: links.map((l) => ({ entityId: l.entityId, personId: l.personId, prepared: mine.get(l.entityId)!.prepared, recordId: mine.get(l.entityId)!.recordId, keys: mine.get(l.entityId)!.keys })),
      lastId: batch[batch.length - 1].id,
    };
  }

  /** Stage 2 check, under the lock: the plan still holds (same pending records, candidates, pins, no steward action). */
  private async stillValid(tx: Orm, plan: Plan): Promise<boolean> {
    if ((await this.repo.stewardEpoch(tx)) !== plan.epoch) return false;
    const pending = await this.repo.pendingState(tx, plan.batch.map((e) => e.id));
    if (pending.size !== plan.batch.length) return false;
    for (const e of plan.batch) if (pending.get(e.id) !== e.recordId) return false;
    const linked = await this.repo.linkState(tx, [...plan.assumed.keys()]);
    for (const [id, a] of plan.assumed) {
      const now = linked.get(id);
      if (!now || now.personId !== a.personId || now.recordId !== a.recordId) return false;
    }
    return pinKey(await this.repo.pins(tx, plan.batch.filter((e) => e.personId === null).map((e) => e.id))) === plan.pins;
  }

  /** Stage 2 of a batch, under the engine lock: every write of the plan, in one transaction. */
  private async apply(tx: Orm, run: ReconciliationRunRow, plan: Plan, state: RunState, keysWritten = false): Promise<void> {
    const T = state.timings;
    let t = performance.now();
    const lap = (phase: string) => {
      const now = performance.now();
      add(T, phase, now - t);
      t = now;
    };
    const { batch, mine, result, changedLinked, links, merges } = plan;
    await this.golden.createPersons(tx, plan.created, this.survivorship);
    lap('createPersons');
    await this.repo.writeLinks(tx, run.id, links);
    lap('writeLinks');
    if (!keysWritten) {
      await this.repo.replaceBlockingKeys(tx, batch.map((e) => e.id), batchKeys(plan));
      lap('writeKeys');
    }
    const reviews = [...plan.reviews, ...(await this.checkChangedLinked(tx, changedLinked, mine, state))];
    await this.repo.touchLinks(tx, run.id, changedLinked.map((e) => e.id));
    await this.repo.insertMergeProposals(tx, run.id, merges);
    // Facts and the golden records of existing persons follow at the end of the run (derive).
    const createdReviews = await this.repo.insertReviewItems(tx, run.id, reviews);
    const blocking: Record<string, number> = {};
    for (const [rule, n] of Object.entries(result.comparisonsByRule)) blocking[this.ruleNames.get(Number(rule)) ?? rule] = n;
    if (result.oversizedKeys) blocking.oversizedKeysSkipped = result.oversizedKeys;
    await this.repo.addCounters(tx, run.id, {
      processed: batch.length,
      pairs: result.pairsCompared,
      autoLinked: result.assignments.filter((a) => a.linkType !== 'new_person').length,
      newPersons: plan.reserved.length,
      reviews: createdReviews,
      merges: merges.length,
      blocking,
    });
    lap('writeOther');
    // The records of this batch are the likeliest candidates of the next one (file order keeps
    // households and repeated rows together): keep their prepared form, and only theirs.
    state.cache = mine;
  }

  /**
   * The batch loop, two stages deep: while one batch writes under the engine lock (stage 2), the
   * next is read, prepared and matched outside it (stage 1), against the committed state plus the
   * batch being written. Stage 2 re-checks what stage 1 assumed; if anything changed meanwhile (a
   * steward decision, an import, a changed record) the batch is planned again under the lock. So
   * the result is the one a strictly sequential engine would produce, and the two cores work at once.
   */
  private async runBatches(run: ReconciliationRunRow, state: RunState, signal?: AbortSignal): Promise<void> {
    const outside = (afterId: number | null, overlay: Plan | null) => this.plan(this.repo.pool, state, afterId, overlay);
    let current: Plan | 'empty' | 'changed' = await outside(null, null);
    for (;;) {
      if (signal?.aborted) throw new JobReleasedError();
      if (current === 'empty' || current === 'changed') {
        if (!(await this.sequentialBatch(run, state))) return;
        current = await outside(null, null);
        continue;
      }
      const plan: Plan = current;
      const next = outside(plan.lastId, plan);
      next.catch(() => undefined);
      // The batch's blocking keys go in on a second connection while stage 2 writes the rest: keys of
      // records not linked yet are ignored by look-ups, and writing them again is idempotent, so they
      // need not commit with the links (a crash or a re-plan rewrites them).
      const keysStarted = performance.now();
      const keys = this.repo
        .transaction((tx) => this.repo.replaceBlockingKeys(tx, plan.batch.map((e) => e.id), batchKeys(plan)))
        .then(() => add(state.timings, 'writeKeys', performance.now() - keysStarted));
      keys.catch(() => undefined);
      try {
        await this.repo.transaction(async (tx) => {
          await this.repo.lockBatch(tx);
          await this.repo.tuneTransaction(tx);
          if (await this.stillValid(tx, plan)) await this.apply(tx, run, plan, state, true);
          else {
            add(state.timings, 'replanned', 1);
            await keys.catch(() => undefined); // the re-planned batch rewrites them: not concurrently
            const again = await this.plan(tx, state, null, null);
            if (again !== 'empty' && again !== 'changed') await this.apply(tx, run, again, state);
          }
        });
        await keys;
      } catch (e) {
        await Promise.allSettled([next, keys]);
        throw e;
      }
      current = await next;
    }
  }

  /** One batch planned and written under the lock (records that changed after linking, vanished records, restarts). */
  private async sequentialBatch(run: ReconciliationRunRow, state: RunState): Promise<boolean> {
    return this.repo.transaction(async (tx) => {
      await this.repo.lockBatch(tx);
      await this.repo.tuneTransaction(tx);
      const plan = await this.plan(tx, state, null, null);
      if (plan === 'changed') throw new Error('internal: the first pending batch cannot be refused');
      if (plan !== 'empty') {
        await this.apply(tx, run, plan, state);
        return true;
      }
      // Records that vanished from their source: their persons' golden values and flags change.
      const vanished = await this.repo.pendingVanished(tx, this.config.RECONCILE_BATCH_SIZE);
      if (!vanished.length) return false;
      await this.repo.clearPending(tx, vanished.map((v) => v.id));
      await this.golden.rebuild(tx, [...new Set(vanished.map((v) => v.personId).filter((p): p is number => p !== null))], this.survivorship);
      return true;
    });
  }

  /** A linked record that changed and no longer agrees with any other record of its person goes to review. */
  private async checkChangedLinked(tx: Orm, changed: EntityRow[], mine: Map<number, Prepared>, state: RunState): Promise<ReviewWrite[]> {
    if (!changed.length) return [];
    const others = await this.repo.entitiesOfPersons(tx, [...new Set(changed.map((e) => e.personId!))]);
    const byPerson = new Map<number, EntityRow[]>();
    for (const o of others) (byPerson.get(o.personId!) ?? byPerson.set(o.personId!, []).get(o.personId!)!).push(o);
    const out: ReviewWrite[] = [];
    for (const e of changed) {
      const peers = (byPerson.get(e.personId!) ?? []).filter((o) => o.id !== e.id);
      if (!peers.length) continue;
      const a = mine.get(e.id)!.prepared;
      let agrees = false;
      let best: { p: number; peer: number } = { p: 0, peer: peers[0].id };
      for (const peer of peers) {
        const b = (mine.get(peer.id) ?? this.prepared(peer, state)).prepared;
        const v = compare(a, b);
        const s = score(state.model.model, v, a, b);
        const d = decide(a, b, v, s, this.decision);
        if (d.outcome === 'link' || d.outcome === 'review') agrees = true;
        if (s.probability >= best.p) best = { p: s.probability, peer: peer.id };
      }
      if (!agrees) {
        out.push({ reason: 'LINKED_RECORD_CHANGED', entityId: e.id, personA: e.personId!, personB: null, candidateEntityId: best.peer, score: best.p, explanation: { reasons: ['LINKED_RECORD_CHANGED'] } });
      }
    }
    return out;
  }

  /**
   * End of the batches: every record the run linked carries its person onto its facts, every
   * existing person it changed gets its golden record rebuilt, and the persons it created get their
   * identifiers — in chunks, on two connections at
   * once (chunks hold disjoint records or persons; the derive lock is shared between them and
   * exclusive for steward decisions). Idempotent: a crash here redoes it on resume.
   */
  private async derive(run: ReconciliationRunRow, timings: RunTimings): Promise<void> {
    const chunk = Math.max(1_000, Math.min(this.config.RECONCILE_BATCH_SIZE, 20_000));
    const inParallel = async (ids: number[], work: (tx: Orm, part: number[]) => Promise<void>) => {
      let next = 0;
      const worker = async () => {
        for (;;) {
          const part = ids.slice(next, next + chunk);
          next += chunk;
          if (!part.length) return;
          await this.repo.transaction(async (tx) => {
            await this.repo.lockDerive(tx);
            await this.repo.tuneTransaction(tx);
            await work(tx, part);
          });
        }
      };
      await Promise.all([worker(), worker()]);
    };
    const records = await this.repo.runRecords(run.id);
    await time(timings, 'propagate', () => inParallel(records, (tx, part) => this.golden.propagateLinks(tx, part)));
    const persons = await this.repo.runTouchedPersons(run.id);
    await time(timings, 'golden', () => inParallel(persons, (tx, part) => this.golden.rebuild(tx, part, this.survivorship)));
    const touched = new Set(persons);
    const created = (await this.repo.runCreatedPersons(run.id)).filter((p) => !touched.has(p));
    await time(timings, 'identifiers', () => inParallel(created, (tx, part) => this.golden.rebuildIdentifiers(tx, part)));
    await this.repo.refreshReviewVersions(run.id);
  }

  /** End of run: derived data, then the circuit breaker decides on merges; household checks; the audit sample. */
  private async finish(run: ReconciliationRunRow, log: Logger, timings: RunTimings): Promise<void> {
    await this.derive(run, timings);
    if (run.recordsProcessed >= LARGE_RUN) await time(timings, 'analyze', () => this.repo.analyzeAfterLargeRun());
    const settings = run.settings as RunSettings;
    const proposals = await this.repo.proposals(run.id);
    const existing = proposals.filter((p) => p.personA <= settings.personsBefore && p.personB <= settings.personsBefore);
    const rate = existing.length / Math.max(1, run.recordsProcessed);
    const tripped = existing.length >= this.config.RECONCILE_BREAKER_MIN_MERGES && rate > this.config.RECONCILE_MAX_AUTO_MERGE_RATE;
    let applied = 0;
    if (tripped) {
      await this.repo.transaction(async (tx) => {
        await this.repo.lock(tx);
        await this.repo.insertReviewItems(
          tx,
          run.id,
          proposals.map((p) => ({ reason: 'MERGE_HELD_BY_BREAKER', entityId: p.entityId, personA: p.personA, personB: p.personB, candidateEntityId: null, score: p.score, explanation: p.explanation })),
        );
        await this.repo.setProposalStatus(tx, proposals.map((p) => p.id), 'held');
      });
      log.warn({ proposed: proposals.length, existing: existing.length, rate }, 'circuit breaker: automatic merges held for review');
    } else {
      for (const p of proposals) {
        const ok = await this.repo.transaction(async (tx) => {
          await this.repo.lock(tx);
          const [a, b] = await this.merges.currentPersons(tx, [p.personA, p.personB]);
          if (a === b) {
            await this.repo.setProposalStatus(tx, [p.id], 'superseded');
            return false;
          }
          try {
            await this.merges.merge(tx, { survivorId: Math.min(a, b), mergedId: Math.max(a, b), kind: 'automatic', actor: ACTOR, reason: 'A record links to both persons.', runId: run.id });
            await this.repo.setProposalStatus(tx, [p.id], 'applied');
            return true;
          } catch (e) {
            if (!(e instanceof MergeConflictError)) throw e;
            await this.repo.setProposalStatus(tx, [p.id], 'superseded');
            return false;
          }
        });
        if (ok) applied++;
      }
    }

    // Household consistency: a linked person with current memberships in two households is a move
    // or a split, never silently overwritten.
    const conflicts = await this.repo.householdConflicts(run.id);
    const fresh0 = (await this.repo.findRun(run.id))!;
    const auditSize =
      fresh0.autoLinked > 0 && this.config.RECONCILE_AUDIT_SAMPLE > 0
        ? Math.min(this.config.RECONCILE_AUDIT_SAMPLE, Math.max(1, Math.ceil(fresh0.autoLinked * this.config.RECONCILE_AUDIT_RATE)))
        : 0;
    const sample = await this.repo.autoLinkSample(run.id, auditSize);
    const extra = await this.repo.transaction(async (tx) => {
      await this.repo.lock(tx);
      const a = await this.repo.insertReviewItems(
        tx,
        run.id,
        conflicts.map((c) => ({ reason: 'HOUSEHOLD_CHANGE', entityId: null, personA: c.personId, personB: null, candidateEntityId: null, householdId: c.householdId, score: null, explanation: { households: c.households } })),
      );
      const b = await this.repo.insertReviewItems(
        tx,
        run.id,
        sample.map((s) => ({ reason: 'AUTO_LINK_AUDIT', entityId: s.entityId, personA: s.personId, personB: null, candidateEntityId: s.matchedEntityId, score: s.score, explanation: { reasons: ['AUTO_LINK_AUDIT'] } })),
      );
      return a + b;
    });

    const fresh = (await this.repo.findRun(run.id))!;
    await this.repo.transition(run.id, ['merging'], tripped ? 'failed' : 'done', {
      mergesApplied: applied,
      breakerTripped: tripped,
      reviewItems: fresh.reviewItems + extra,
      finishedAt: this.clock.now(),
      failureReason: tripped
        ? `Circuit breaker: ${existing.length} automatic merges of existing persons (${(rate * 100).toFixed(2)} % of ${run.recordsProcessed} records) exceed RECONCILE_MAX_AUTO_MERGE_RATE; they wait in the review queue (MERGE_HELD_BY_BREAKER).`
        : null,
    });
    log.info({ processed: fresh.recordsProcessed, autoLinked: fresh.autoLinked, newPersons: fresh.newPersons, reviewItems: fresh.reviewItems + extra, mergesApplied: applied, tripped }, 'reconciliation run finished');
  }

  /** For the CLI and tests: waits until the run has finished (whichever process runs it). */
  async waitFor(runId: number, pollMs = 300): Promise<ReconciliationRunRow> {
    for (;;) {
      const run = await this.repo.findRun(runId);
      if (!run) throw new AppError('NOT_FOUND', 'No such reconciliation run.');
      if (run.state === 'done' || run.state === 'failed') return run;
      await new Promise((r) => setTimeout(r, pollMs));
    }
  }
}

type PinRow = Awaited<ReturnType<ReconciliationRepository['pins']>>[number];

function batchKeys(plan: Plan): { entityId: number; rule: number; key: string }[] {
  return plan.batch.flatMap((e) => plan.mine.get(e.id)!.keys.map((k) => ({ entityId: e.id, ...k })));
}

function pinsOf(rows: readonly PinRow[]): Pins {
  const mustLink = new Map<number, Set<number>>();
  const cannotLinkEntities = new Map<number, Set<number>>();
  const cannotLinkPersons = new Map<number, Set<number>>();
  const put = (m: Map<number, Set<number>>, k: number, v: number) => (m.get(k) ?? m.set(k, new Set()).get(k)!).add(v);
  for (const p of rows) {
    if (p.kind === 'must_link') {
      if (p.otherPersonId !== null) put(mustLink, p.entityId, p.otherPersonId);
    } else {
      put(cannotLinkEntities, p.entityId, p.otherEntityId);
      if (p.otherPersonId !== null) put(cannotLinkPersons, p.entityId, p.otherPersonId);
    }
  }
  return { mustLink, cannotLinkEntities, cannotLinkPersons };
}

/** A canonical form of pin rows, to tell whether they changed between the two stages. */
function pinKey(rows: readonly PinRow[]): string {
  return rows
    .map((p) => `${p.kind}:${p.entityId}:${p.otherEntityId}:${p.otherPersonId}`)
    .sort()
    .join(',');
}

function add(t: RunTimings, phase: string, ms: number): void {
  t[phase] = (t[phase] ?? 0) + ms;
}

async function time<T>(t: RunTimings, phase: string, fn: () => Promise<T>): Promise<T> {
  const started = performance.now();
  try {
    return await fn();
  } finally {
    add(t, phase, performance.now() - started);
  }
}
