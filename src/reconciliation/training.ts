import { blockingKeys, candidatePairs, type BlockingRule, type PreparedRecord } from '../domain/identity';
import type { Logger } from '../platform/logger';
import type { ReconcileConfig } from './engine';
import type { LinkageModelService, LoadedModel, TrainingSet } from './modelService';
import { MIN_PENDING_TO_TRAIN, retrainReason, trainingSampleSizes } from './policies';
import { prepareEntity, type PrepareContext } from './prepareEntity';
import type { EntityRow, ReconciliationRepository } from './reconciliationRepository';

/**
 * What a run does before matching: keys of linked records under blocking rules added since the last
 * run, and the linkage model (retrained when the policy says so, from a sample of the data).
 */
export class ModelTraining {
  constructor(
    private readonly repo: ReconciliationRepository,
    private readonly models: LinkageModelService,
    private readonly rules: readonly BlockingRule[],
    private readonly config: Pick<ReconcileConfig, 'RECONCILE_BATCH_SIZE' | 'RECONCILE_MAX_BLOCK_SIZE' | 'RECONCILE_TRAINING_SAMPLE'>,
  ) {}

  /**
   * Blocking rules are data: when the configured rules include one the last finished run did not
   * use, every linked record gets its key under that rule before matching starts (otherwise new
   * records could not find them through it). Batches of records in id order, each in its own
   * transaction; a crash redoes it from the start, writing the same rows.
   */
  async backfillKeys(ctx: PrepareContext, log: Logger): Promise<void> {
    const previous = await this.repo.lastFinishedRules();
    if (previous === null) return;
    const missing = this.rules.filter((r) => !previous.includes(r.name));
    if (!missing.length) return;
    log.info({ rules: missing.map((r) => r.name) }, 'indexing linked records under new blocking rules');
    for (let after = 0; ;) {
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
        await this.repo.replaceRuleKeys(
          tx,
          rows.map((e) => e.id),
          missing.map((r) => r.id),
          keys,
        );
      });
      after = rows[rows.length - 1].id;
    }
  }

  /**
   * Uses the latest trained model; trains one at the start of a run when the retraining policy says
   * so (policies.ts: none trained yet, the data doubled, the first run across registries). A run
   * that already chose its model (`chosen`, recorded before its first batch) keeps it on resume.
   */
  async ensureModel(log: Logger, ctx: PrepareContext, chosen?: string | null): Promise<LoadedModel> {
    // A resumed run keeps the model it chose before the crash: retraining on the partly matched data
    // would change the model (the first attempt's links count as "linked") and so the review queue.
    if (chosen) {
      const kept = await this.models.byVersion(chosen);
      if (kept) return kept;
      log.warn({ modelVersion: chosen }, 'the run’s model is no longer stored; choosing again');
    }
    const current = await this.models.current();
    const sample = this.config.RECONCILE_TRAINING_SAMPLE;
    if (sample <= 0) return current;
    const counts = await this.repo.recordCounts();
    const reason = retrainReason({ sample, counts, model: current });
    if (!reason) return current;
    const set = await this.trainingSet(sample, counts, ctx);
    if (set.pending.length < MIN_PENDING_TO_TRAIN) return current;
    log.info({ reason, sampled: set.pending.length, candidatePairs: set.pairs.length }, 'training the linkage model');
    return this.models.train(set, this.rules);
  }

  /** The run's training material: sampled pending records, their candidates, the pairs by rule. */
  private async trainingSet(sample: number, counts: { active: number; linked: number }, ctx: PrepareContext): Promise<TrainingSet> {
    const prep = (e: EntityRow) => prepareEntity(e, ctx, {});
    const sizes = trainingSampleSizes(sample, counts.linked);
    const pending = (await this.repo.samplePending(sizes.pending)).map(prep);
    const linkedSample = (await this.repo.sampleLinked(sizes.linkedAtMost(pending.length))).map(prep);
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
}
