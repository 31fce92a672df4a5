import { desc, eq } from 'drizzle-orm';
import { linkageModels } from '../../schema';
import type { Database } from '../platform/db';
import {
  COMPARISONS,
  COMPARISON_COUNT,
  C_BIRTH,
  C_DOCUMENT,
  DEFAULT_PARAMETERS,
  L,
  compare,
  compileModel,
  upgradeParameters,
  decide,
  emptyPatternCounts,
  encodePattern,
  estimateUFromRecords,
  score,
  termFrequencies,
  trainM,
  withU,
  type BlockingRule,
  type CompiledModel,
  type ComparisonName,
  type ComparisonParameters,
  type ModelParameters,
  type PatternCounts,
  type PreparedRecord,
  type TermFrequencies,
} from '../domain/identity';
import type { Logger } from '../platform/logger';

export interface LoadedModel {
  model: CompiledModel;
  tf: TermFrequencies;
  /** Active records when the model was trained (0 for the built-in priors): the retraining trigger. */
  trainedOn: number;
  /**
   * Whether training saw pairs against linked records (false for the built-in priors and for a
   * model trained before anything was linked, from duplicates within one registry only).
   */
  trainedAcross: boolean;
}

/**
 * What a run hands to training: a sample of the records it is about to match, the linked records
 * the blocking index names as their candidates, the candidate pairs with the rules that generated
 * them, and a uniform sample of linked records for u.
 */
export interface TrainingSet {
  pending: readonly PreparedRecord[];
  /** Candidate pairs: `a` indexes `pending`; `b` indexes `pending` (within the sample) or `candidates`. */
  pairs: readonly { a: number; b: number; bIsCandidate: boolean; rules: readonly number[] }[];
  candidates: readonly PreparedRecord[];
  /** Uniform sample of linked records (empty before anything is linked). */
  linkedSample: readonly PreparedRecord[];
  /** Linked records in the database: with the pending sample, the space each pending record is compared with. */
  linkedTotal: number;
  /** Active records when training. */
  records: number;
}

const TF_MIN_FREQUENCY = 1e-5;
const TF_MAX_ENTRIES = 20_000;
/** A rule's pairs train m only when there are at least this many. */
const MIN_RULE_PAIRS = 200;
const U_PAIRS = 1_000_000;

function topFrequencies(m: ReadonlyMap<string, number>): [string, number][] {
  return [...m.entries()]
    .filter(([, f]) => f >= TF_MIN_FREQUENCY)
    .sort((a, b) => b[1] - a[1])
    .slice(0, TF_MAX_ENTRIES);
}

const B = L.birthDate;
const D = L.document;

/**
 * Fellegi–Sunter parameters estimated from the data at the start of a run, as Splink does:
 *  - u from random pairs (a pending record against a random linked one; almost all are two people);
 *  - m by expectation-maximisation, once per blocking rule over the candidate pairs that rule
 *    generated, with the comparisons the rule is built from masked out (its pairs agree on them by
 *    construction), then averaged over the rules that estimated each comparison;
 *  - λ from the deterministic tier: the share of sampled records it links, divided by its recall
 *    (estimated against the phonetic tier, which ignores documents), over the comparison space;
 *  - term frequencies of names and municipalities from the same records.
 * Models are versioned rows; every link stores the version that scored it.
 */
export class LinkageModelService {
  private cached?: { id: number; loaded: LoadedModel };

  constructor(
    private readonly db: Database,
    private readonly logger: Logger,
  ) {}

  async current(): Promise<LoadedModel> {
    const [row] = await this.db.orm.select().from(linkageModels).orderBy(desc(linkageModels.id)).limit(1);
    return row ? this.load(row) : this.priors();
  }

  /**
   * The model of a given version (the one a resumed run already chose), or null if no stored model
   * has it. The built-in priors answer for their own version.
   */
  async byVersion(version: string): Promise<LoadedModel | null> {
    const priors = this.priors();
    if (priors.model.version === version) return priors;
    const [row] = await this.db.orm.select().from(linkageModels).where(eq(linkageModels.version, version)).limit(1);
    return row ? this.load(row) : null;
  }

  private priors(): LoadedModel {
    return { model: compileModel(DEFAULT_PARAMETERS), tf: {}, trainedOn: 0, trainedAcross: false };
  }

  private load(row: typeof linkageModels.$inferSelect): LoadedModel {
    if (this.cached?.id === row.id) return this.cached.loaded;
    const training = row.training as {
      records: number;
      linkedTotal?: number;
      tf: { givenName: [string, number][]; surname: [string, number][]; municipality: [string, number][] };
    };
    // A model stored before the comparisons gained levels scores with the new levels' priors and is
    // retrained at the next run (trainedOn 0 makes training due).
    const { parameters, upgraded } = upgradeParameters(row.parameters as ModelParameters);
    const loaded: LoadedModel = {
      model: compileModel(parameters),
      tf: { givenName: new Map(training.tf.givenName), surname: new Map(training.tf.surname), municipality: new Map(training.tf.municipality) },
      trainedOn: upgraded ? 0 : training.records,
      trainedAcross: (training.linkedTotal ?? 0) > 0,
    };
    this.cached = { id: row.id, loaded };
    return loaded;
  }

  /** Estimates and stores a model (see the class comment). Pure computation plus one insert. */
  async train(set: TrainingSet, rules: readonly BlockingRule[]): Promise<LoadedModel> {
    const started = Date.now();
    const { pending, candidates, pairs } = set;
    const tf = termFrequencies([...pending, ...set.linkedSample]);
    const uRight = set.linkedSample.length >= 1_000 ? set.linkedSample : null;
    const u = estimateUFromRecords(pending, uRight, { pairs: U_PAIRS, seed: 17 });
    const base = withU(DEFAULT_PARAMETERS, u);

    // Per-rule pattern counts with the rule's own comparisons masked (level 0 = no evidence).
    const byRule = new Map<number, { rule: BlockingRule; counts: PatternCounts; mask: Set<number> }>();
    for (const rule of rules) {
      byRule.set(rule.id, { rule, counts: emptyPatternCounts(), mask: new Set(rule.uses.map((n) => COMPARISONS.findIndex((c) => c.name === n))) });
    }
    const v = new Uint8Array(COMPARISON_COUNT);
    const masked = new Uint8Array(COMPARISON_COUNT);
    // Recall of the deterministic tier, against pairs the phonetic tier would link whatever their documents.
    let phoneticPairs = 0;
    let phoneticWithDocument = 0;
    const matchedBySameNumber = new Set<number>();
    const prior = compileModel(base);
    for (const p of pairs) {
      const a = pending[p.a];
      const b = p.bIsCandidate ? candidates[p.b] : pending[p.b];
      compare(a, b, v);
      for (const id of p.rules) {
        const r = byRule.get(id);
        if (!r) continue;
        for (let c = 0; c < COMPARISON_COUNT; c++) masked[c] = r.mask.has(c) ? 0 : v[c];
        const key = encodePattern(masked);
        r.counts.counts.set(key, (r.counts.counts.get(key) ?? 0) + 1);
        r.counts.total++;
      }
      const sameNumber = v[C_DOCUMENT] === D.exact || v[C_DOCUMENT] === D.evolution;
      if (a.phoneticName !== '' && a.phoneticName === b.phoneticName && v[C_BIRTH] === B.exact) {
        phoneticPairs++;
        if (sameNumber) phoneticWithDocument++;
      }
      if (sameNumber) {
        const d = decide(a, b, v, score(prior, v, a, b));
        if (d.outcome === 'link' && d.tier === 'deterministic') {
          matchedBySameNumber.add(p.a);
          if (!p.bIsCandidate) matchedBySameNumber.add(p.b);
        }
      }
    }

    // m: EM per rule, averaged per comparison over the rules that did not block on it.
    const sums = new Map<ComparisonName, { m: Record<string, number>; n: number }>();
    const perRule: Record<string, unknown> = {};
    for (const { rule, counts, mask } of byRule.values()) {
      if (counts.total < MIN_RULE_PAIRS) {
        perRule[rule.name] = { pairs: counts.total, skipped: true };
        continue;
      }
      const em = trainM(base, counts, { maxIterations: 200, initialLambda: 0.5 });
      perRule[rule.name] = { pairs: counts.total, lambdaAmongPairs: round(em.lambdaAmongPairs), iterations: em.iterations, converged: em.converged };
      COMPARISONS.forEach((def, c) => {
        if (mask.has(c)) return;
        const acc = sums.get(def.name) ?? { m: {}, n: 0 };
        for (const [level, value] of Object.entries(em.parameters.comparisons[def.name].m)) acc.m[level] = (acc.m[level] ?? 0) + value;
        acc.n++;
        sums.set(def.name, acc);
      });
    }
    const comparisons = { ...base.comparisons } as Record<ComparisonName, ComparisonParameters>;
    for (const [name, acc] of sums) {
      const m: Record<string, number> = {};
      for (const [level, total] of Object.entries(acc.m)) m[level] = total / acc.n;
      comparisons[name] = { m, u: comparisons[name].u };
    }

    // λ: records linked deterministically, corrected by the tier's recall, over the comparison space.
    const recall = phoneticPairs >= 50 ? Math.min(1, Math.max(0.5, phoneticWithDocument / phoneticPairs)) : 0.9;
    const space = set.linkedTotal + pending.length;
    const matchedShare = pending.length ? matchedBySameNumber.size / pending.length : 0;
    const lambda = matchedShare > 0 && space > 0 ? Math.min(0.5, Math.max(1e-12, matchedShare / recall / space)) : DEFAULT_PARAMETERS.lambda;

    const parameters: ModelParameters = { ...base, lambda, comparisons };
    const model = compileModel(parameters);
    const training = {
      records: set.records,
      sampled: pending.length,
      candidates: candidates.length,
      candidatePairs: pairs.length,
      linkedTotal: set.linkedTotal,
      deterministicShare: round(matchedShare),
      deterministicRecall: round(recall),
      lambda,
      rules: perRule,
      seconds: (Date.now() - started) / 1000,
      tf: { givenName: topFrequencies(tf.givenName), surname: topFrequencies(tf.surname), municipality: topFrequencies(tf.municipality) },
    };
    await this.db.orm
      .insert(linkageModels)
      .values({ version: model.version, parameters: parameters as never, training: training as never })
      .onConflictDoNothing();
    this.logger.info({ modelVersion: model.version, sampled: pending.length, candidatePairs: pairs.length, lambda, recall }, 'linkage model trained');
    this.cached = undefined;
    return { model, tf, trainedOn: set.records, trainedAcross: set.linkedTotal > 0 };
  }
}

const round = (x: number) => Math.round(x * 1e6) / 1e6;
