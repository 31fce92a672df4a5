/**
 * Batch matching: decides, record by record, which person each pending record belongs to. Pure and
 * deterministic (no I/O): the service feeds it the batch, the already-linked candidates sharing a
 * blocking key, and the steward pins; it returns assignments, review items and merge proposals.
 * Records are processed in order and indexed as they are assigned, so two new records of the same
 * person in one batch (or file) end up together.
 *
 * Hot path: every candidate pair is compared and weighed without allocation (compare + matchWeight);
 * the full explanation (score) is computed only for the pairs that become a link, a review item or
 * a merge proposal.
 */
import {
  COMPARISON_COUNT,
  C_MUNICIPALITY,
  DEFAULT_BLOCKING_RULES,
  L,
  blockingKeys,
  compare,
  decide,
  decidingRule,
  encodePattern,
  hasDocumentEvidence,
  matchWeight,
  probabilityFromWeight,
  recordsConflict,
  score,
  type BlockingKey,
  type BlockingRule,
  type CompiledModel,
  type Decision,
  type DecisionConfig,
  type PreparedRecord,
  type ReviewCategory,
  type StewardPin,
  withoutDocument,
} from '../domain/identity';

export interface MatchRecord {
  entityId: number;
  /** Current person (already-linked records), or null for a record to assign. */
  personId: number | null;
  prepared: PreparedRecord;
}

export interface Pins {
  /** entity id → persons it must join (steward SAME_PERSON pins). */
  mustLink: ReadonlyMap<number, ReadonlySet<number>>;
  /** entity id → entity ids it must never share a person with. */
  cannotLinkEntities: ReadonlyMap<number, ReadonlySet<number>>;
  /** entity id → persons it must never join (via a pinned record of theirs). */
  cannotLinkPersons: ReadonlyMap<number, ReadonlySet<number>>;
  /**
   * Candidate persons a steward's *different persons* pin keeps apart (a cannot-link between a record
   * of each): person → persons. A record linking to two of them never proposes merging them.
   */
  apartPersons?: ReadonlyMap<number, ReadonlySet<number>>;
}

export const NO_PINS: Pins = { mustLink: new Map(), cannotLinkEntities: new Map(), cannotLinkPersons: new Map() };

export type LinkType = 'new_person' | 'deterministic' | 'phonetic' | 'probabilistic' | 'steward';

export interface Contribution {
  field: string;
  level: string;
  weight: number;
}

export interface Assignment {
  entityId: number;
  /** A real person id, or a negative provisional id for a person created by this batch. */
  personId: number;
  linkType: LinkType;
  reasons: string[];
  score: number | null;
  matchWeight: number | null;
  matchedEntityId: number | null;
  contributions: Contribution[] | null;
  modelVersion: string | null;
}

/** The link a steward's decision makes: no score, no model, the pin as its reason. */
export function stewardLink(): Omit<Assignment, 'entityId' | 'personId' | 'linkType'> & { linkType: 'steward' } {
  return {
    linkType: 'steward',
    reasons: ['STEWARD_PINNED_LINK'],
    score: null,
    matchWeight: null,
    matchedEntityId: null,
    contributions: null,
    modelVersion: null,
  };
}

export interface ReviewProposal {
  reason: ReviewCategory;
  entityId: number;
  /** The person the record was given (possibly provisional). */
  personA: number;
  /** The person it may also be. */
  personB: number;
  candidateEntityId: number;
  score: number;
  explanation: Explanation;
}

export interface MergeProposal {
  /** Survivor: the person the record linked to. */
  personA: number;
  personB: number;
  entityId: number;
  score: number;
  explanation: Explanation;
}

export interface Explanation {
  tier: string;
  /** The rule that decided (decidingRule: `deterministic.same_document_same_names`, `model.fellegi_sunter(version)`…). */
  rule: string | null;
  reasons: string[];
  matchWeight: number;
  probability: number;
  modelVersion: string;
  contributions: Contribution[];
}

/**
 * An earlier link in doubt: a record of the batch linked to an already-linked record of another
 * person than the one the batch record was given. The engine weighs it at the end of the batches
 * against all records of both persons (relinks.ts): moved, put to a steward, or left.
 */
export interface RelinkSuspect {
  /** The already-linked record. */
  entityId: number;
  fromPerson: number;
  /** The batch record's person (possibly provisional). */
  toPerson: number;
  newcomerEntityId: number;
  score: number;
  explanation: Explanation;
}

export interface BatchResult {
  assignments: Assignment[];
  reviews: ReviewProposal[];
  merges: MergeProposal[];
  relinks: RelinkSuspect[];
  /** Distinct candidate pairs compared (each pair once, whatever the number of keys it shares). */
  pairsCompared: number;
  /** Candidate pairs each blocking rule generated (rule id → pairs; a pair sharing two keys counts for both rules). */
  comparisonsByRule: Record<number, number>;
  /** Keys skipped because too many records share them (e.g. a very common name and year). */
  oversizedKeys: number;
  /** Comparison vectors of the compared pairs, tallied (encodePattern → count): training material. */
  patterns: Map<number, number>;
}

export interface MatcherOptions {
  model: CompiledModel;
  decision: DecisionConfig;
  rules?: readonly BlockingRule[];
  /** Keys shared by more records than this are skipped as non-discriminating. */
  maxBlockSize: number;
}

const OUTCOME_RANK: Record<Decision['outcome'], number> = { link: 3, review: 2, no_link: 1, distinct: 0 };
const TIER_RANK: Record<string, number> = { steward: 4, deterministic: 3, phonetic: 2, probabilistic: 1, guard: 0 };
const tierRank = (d: Decision) => TIER_RANK[d.tier] ?? 0;
const round = (x: number) => (Number.isFinite(x) ? Math.round(x * 1000) / 1000 : x);

interface Scored {
  d: Decision;
  c: MatchRecord;
  vector: Uint8Array;
  /** The pending record as compared (without its document when that belonged to someone else). */
  prepared: PreparedRecord;
}

/** The explanation of a decided pair (level contributions computed here, off the hot path). */
function explain(model: CompiledModel, s: Scored): Explanation {
  const full = score(model, s.vector, s.prepared, s.c.prepared);
  return {
    tier: s.d.tier,
    rule: decidingRule(s.d),
    reasons: s.d.reasons,
    matchWeight: round(s.d.matchWeight),
    probability: s.d.probability,
    modelVersion: s.d.modelVersion,
    contributions: full.contributions.map((c) => ({ field: c.field, level: c.level, weight: round(c.weight) })),
  };
}

/** An explanation given the reason that decided it instead of the pair's own decision: its rule follows. */
function withReason(e: Explanation, reasons: readonly string[], reason: string): void {
  e.reasons = [...reasons, reason];
  e.rule = decidingRule(e);
}

const linkTypeOf = (d: Decision): LinkType =>
  d.tier === 'deterministic' ? 'deterministic' : d.tier === 'phonetic' ? 'phonetic' : d.tier === 'steward' ? 'steward' : 'probabilistic';

export class BatchMatcher {
  private readonly index = new Map<string, MatchRecord[]>();
  private readonly rules: readonly BlockingRule[];
  private nextProvisional = -1;
  private readonly oversized = new Set<string>();
  /** Person of a record left ambiguous → the persons it was ambiguous between: never merged automatically. */
  private readonly unresolved = new Map<number, Set<number>>();
  /** Persons pinned apart by stewards (from the pins, and from the pinned records this batch placed). */
  private readonly apart = new Map<number, Set<number>>();
  /** Persons this batch gave its records (for pins between two records of the batch). */
  private readonly placed = new Map<number, number>();

  constructor(private readonly opts: MatcherOptions) {
    this.rules = opts.rules ?? DEFAULT_BLOCKING_RULES;
  }

  /** Registers already-linked records (the candidates fetched from the blocking index). */
  addLinked(records: Iterable<MatchRecord>, keysOf?: (r: MatchRecord) => readonly BlockingKey[]): void {
    for (const r of records) {
      for (const k of keysOf ? keysOf(r) : blockingKeys(r.prepared, this.rules)) this.add(`${k.rule}:${k.key}`, r);
    }
  }

  /** Marks keys the blocking index reported as too large (their candidates were not fetched). */
  markOversized(keys: Iterable<string>): void {
    for (const k of keys) this.oversized.add(k);
  }

  private add(k: string, r: MatchRecord) {
    const list = this.index.get(k);
    if (list) {
      for (let i = 0; i < list.length; i++) {
        if (list[i].entityId === r.entityId) {
          list[i] = r;
          return;
        }
      }
      list.push(r);
    } else this.index.set(k, [r]);
  }

  /**
   * Decides every pending record in order (records with a person keep it: see the service).
   * `keysOf` returns a record's blocking keys when the caller already computed them.
   */
  match(pending: readonly MatchRecord[], pins: Pins = NO_PINS, keysOf?: (r: MatchRecord) => readonly BlockingKey[]): BatchResult {
    const out = emptyResult();
    this.matchInto(out, pending, pins, keysOf);
    return out;
  }

  /**
   * {@link match}, `slice` records at a time, awaiting `pause` between slices: the same decisions
   * in the same order (everything a record's decision depends on is kept on the matcher, not in the
   * call), but the event loop is free between slices. The engine matches one batch while the
   * previous one writes, and each of that batch's statements is sent only when the loop gets to
   * its predecessor's answer: matching a batch of 20,000 in one go (~0.6 s at 1M) left PostgreSQL
   * idle on the write side for as long.
   */
  async matchInSlices(
    pending: readonly MatchRecord[],
    pins: Pins,
    keysOf: ((r: MatchRecord) => readonly BlockingKey[]) | undefined,
    slice: number,
    pause: () => Promise<unknown>,
  ): Promise<BatchResult> {
    const out = emptyResult();
    for (let i = 0; i < pending.length; i += slice) {
      if (i) await pause();
      this.matchInto(out, pending.slice(i, i + slice), pins, keysOf);
    }
    return out;
  }

  private matchInto(out: BatchResult, pending: readonly MatchRecord[], pins: Pins, keysOf?: (r: MatchRecord) => readonly BlockingKey[]): void {
    const { model, decision } = this.opts;
    const vector = new Uint8Array(COMPARISON_COUNT);
    const scoreLike = { matchWeight: 0, probability: 0, modelVersion: model.version };
    const candidates = new Map<number, MatchRecord>();
    // Reused for every record (cleared, not reallocated): this loop runs a million times a run.
    const forbiddenPersons = new Set<number>();
    /** Persons ruled out by a decision (one of their records is positively someone else), not by a pin. */
    const ruledOut = new Set<number>();
    const perPerson = new Map<number, Scored>();
    /** Earlier-linked records this one links to, by record: the relink suspects once it has its person. */
    const earlierLinks = new Map<number, Scored>();
    const setApart = (p: number, q: number) => {
      if (p === q) return;
      (this.apart.get(p) ?? this.apart.set(p, new Set()).get(p)!).add(q);
      (this.apart.get(q) ?? this.apart.set(q, new Set()).get(q)!).add(p);
    };
    for (const [p, qs] of pins.apartPersons ?? []) for (const q of qs) setApart(p, q);
    const pinnedApart = (p: number, q: number) => this.apart.get(p)?.has(q) === true;
    for (const r of pending) {
      const keys = keysOf ? keysOf(r) : blockingKeys(r.prepared, this.rules);
      candidates.clear();
      for (const k of keys) {
        const key = `${k.rule}:${k.key}`;
        const list = this.index.get(key);
        if (this.oversized.has(key) || (list && list.length > this.opts.maxBlockSize)) {
          out.oversizedKeys++;
          continue;
        }
        if (!list) continue;
        let n = 0;
        for (const c of list) {
          if (c.entityId === r.entityId || c.personId === null) continue;
          n++;
          candidates.set(c.entityId, c);
        }
        if (n) out.comparisonsByRule[k.rule] = (out.comparisonsByRule[k.rule] ?? 0) + n;
      }

      forbiddenPersons.clear();
      ruledOut.clear();
      earlierLinks.clear();
      for (const p of pins.cannotLinkPersons.get(r.entityId) ?? []) forbiddenPersons.add(p);
      const forbiddenEntities = pins.cannotLinkEntities.get(r.entityId);
      perPerson.clear();
      let sharedDocument = false;
      let holder: Scored | null = null;
      const weigh = (a: PreparedRecord, c: MatchRecord, count: boolean): Decision | null => {
        const pid = c.personId!;
        // A person one of whose records is someone else is out, but its other records are still
        // weighed (not counted as pairs): one of them may belong with this record's person instead.
        const ruled = ruledOut.has(pid);
        if (forbiddenPersons.has(pid) && !ruled) return null;
        compare(a, c.prepared, vector);
        if (count && !ruled) {
          out.pairsCompared++;
          const pattern = encodePattern(vector);
          out.patterns.set(pattern, (out.patterns.get(pattern) ?? 0) + 1);
        }
        const w = matchWeight(model, vector, a, c.prepared);
        scoreLike.matchWeight = w;
        scoreLike.probability = probabilityFromWeight(w);
        const pin: StewardPin | null = forbiddenEntities?.has(c.entityId) ? 'distinct' : null;
        const d = decide(a, c.prepared, vector, scoreLike, decision, pin);
        if (d.outcome === 'link' && !this.placed.has(c.entityId)) earlierLinks.set(c.entityId, { d, c, vector: vector.slice(), prepared: a });
        if (ruled) return null;
        if (d.outcome === 'distinct') {
          // One positively different record in a person rules the whole person out.
          forbiddenPersons.add(pid);
          ruledOut.add(pid);
          perPerson.delete(pid);
          return d;
        }
        const best = perPerson.get(pid);
        if (
          !best ||
          OUTCOME_RANK[d.outcome] > OUTCOME_RANK[best.d.outcome] ||
          (d.outcome === best.d.outcome && (tierRank(d) > tierRank(best.d) || (tierRank(d) === tierRank(best.d) && d.matchWeight > best.d.matchWeight)))
        ) {
          perPerson.set(pid, { d, c, vector: vector.slice(), prepared: a });
        }
        return d;
      };
      for (const c of candidates.values()) {
        const d = weigh(r.prepared, c, true);
        if (d && d.reasons.includes('DOCUMENT_SHARED_OR_MISTYPED')) {
          sharedDocument = true;
          holder ??= perPerson.get(c.personId!) ?? null;
        }
      }
      // The number belongs to someone else (same number, clearly another person): weigh the other
      // candidates again without it, so it does not count against the record's own person.
      if (sharedDocument && r.prepared.docKey !== null) {
        const bare = withoutDocument(r.prepared);
        for (const c of candidates.values()) {
          if (c.prepared.docKey === r.prepared.docKey) continue;
          const before = perPerson.get(c.personId!);
          const d = weigh(bare, c, false);
          const after = perPerson.get(c.personId!);
          if (d && after && after !== before && after.d === d) d.reasons.push('DOCUMENT_OF_ANOTHER_PERSON');
        }
      }

      const pinned = pins.mustLink.get(r.entityId);
      const must = pinned ? [...pinned].filter((p) => !forbiddenPersons.has(p)) : [];
      const links: [number, Scored][] = [];
      for (const e of perPerson) if (e[1].d.outcome === 'link') links.push(e);
      // Ranked by weight, not probability: probabilities of strong pairs all round to 1, and a tie
      // would go to the lower person id (an exact name losing to a merely compatible one).
      if (links.length > 1) links.sort(([pa, a], [pb, b]) => tierRank(b.d) - tierRank(a.d) || b.d.matchWeight - a.d.matchWeight || pa - pb);

      // Two persons the record links to cannot be one when any of their records conflict (two
      // cédulas, consecutive numbers with the same surnames, twins of a household).
      const personsConflict = (p: number, q: number) => {
        for (const x of candidates.values()) {
          if (x.personId !== p) continue;
          for (const y of candidates.values()) if (y.personId === q && recordsConflict(x.prepared, y.prepared)) return true;
        }
        return false;
      };
      // A person made for a record left ambiguous between two others stays apart from both: merging
      // it with either would answer the question put to the steward.
      const unresolvedBetween = (p: number, q: number) => this.unresolved.get(p)?.has(q) === true || this.unresolved.get(q)?.has(p) === true;
      // Household or municipality shared with the matched record: what tells namesakes (another town)
      // apart when names and birth date are all there is.
      const local = (v: Scored) =>
        (v.prepared.household !== null && v.prepared.household === v.c.prepared.household) || v.vector[C_MUNICIPALITY] === L.municipality.exact;
      // Linked by names and birth date alone to two persons that cannot be one, the record joins the
      // better only when the evidence tells them apart: its weight against the other is at least the
      // link threshold's odds (two hypotheses, one of them true: P(better) = 1 / (1 + 2^-(w1 - w2))),
      // or only the better shares its household or municipality. Otherwise neither: a steward decides.
      let ambiguous: [number, Scored][] = [];
      if (!must.length && links.length > 1 && !hasDocumentEvidence(links[0][1].vector)) {
        const [p0, best] = links[0];
        const odds = Math.log2(decision.linkProbability / (1 - decision.linkProbability));
        const rivals = links
          .slice(1)
          .filter(([p, v]) => personsConflict(p0, p) && !(best.d.matchWeight - v.d.matchWeight >= odds || (local(best) && !local(v))));
        if (rivals.length) ambiguous = [links[0], ...rivals];
      }

      let assignment: Assignment;
      if (must.length) {
        const target = Math.min(...must);
        assignment = { entityId: r.entityId, personId: target, ...stewardLink() };
      } else if (links.length && !ambiguous.length) {
        const [target, best] = links[0];
        assignment = {
          entityId: r.entityId,
          personId: target,
          linkType: linkTypeOf(best.d),
          reasons: best.d.reasons,
          score: best.d.probability,
          matchWeight: round(best.d.matchWeight),
          matchedEntityId: best.c.entityId,
          // Rule tiers are explained by their reasons (same number, name check, birth date…); the
          // model's field-by-field weights are kept for the links the model itself decided.
          contributions: best.d.tier === 'probabilistic' ? explain(model, best).contributions : null,
          modelVersion: best.d.modelVersion,
        };
      } else {
        const reasons = sharedDocument ? ['DOCUMENT_OF_ANOTHER_PERSON'] : [];
        if (ambiguous.length) reasons.push('AMBIGUOUS_BETWEEN_PERSONS');
        assignment = {
          entityId: r.entityId,
          personId: this.nextProvisional--,
          linkType: 'new_person',
          reasons,
          score: null,
          matchWeight: null,
          matchedEntityId: null,
          contributions: null,
          modelVersion: null,
        };
      }
      out.assignments.push(assignment);
      // Linked to its own person, but its number is someone else's: the document conflict still goes to
      // a steward (the record's document is wrong; it is kept out of the person's identifiers).
      // (Not when the record's own person holds the number through another record: then the conflict
      // is the other holder's, reported with its own record.)
      const ownNumber = () => {
        for (const c of candidates.values()) if (c.personId === assignment.personId && c.prepared.docKey === r.prepared.docKey) return true;
        return false;
      };
      if (
        holder &&
        assignment.linkType !== 'new_person' &&
        holder.c.personId !== assignment.personId &&
        holder.d.reviewCategory === 'DOCUMENT_CONFLICT' &&
        !ownNumber()
      ) {
        out.reviews.push({
          reason: 'DOCUMENT_CONFLICT',
          entityId: r.entityId,
          personA: assignment.personId,
          personB: holder.c.personId!,
          candidateEntityId: holder.c.entityId,
          score: holder.d.probability,
          explanation: explain(model, holder),
        });
      }

      // A record that links strongly to two persons says they are one: propose merging them — unless
      // the records it matched in each cannot be one person (namesakes with different cédulas, twins
      // with consecutive numbers: a record without a document links to both by names and birth date).
      // Then the record keeps its best person and a steward sees the other.
      const kept = links.find(([p]) => p === assignment.personId)?.[1] ?? null;
      // A merge the engine will not propose: the record keeps its person and a steward sees the pair.
      const reviewAgainst = (other: (typeof links)[number][0], v: (typeof links)[number][1], reason?: string) => {
        const explanation = explain(model, v);
        if (reason) withReason(explanation, v.d.reasons, reason);
        out.reviews.push({
          reason: 'POSSIBLE_MATCH',
          entityId: r.entityId,
          personA: assignment.personId,
          personB: other,
          candidateEntityId: v.c.entityId,
          score: v.d.probability,
          explanation,
        });
      };
      const mergedWith = new Set<number>();
      for (const [other, v] of must.length ? links : ambiguous.length ? [] : links.slice(1)) {
        if (other === assignment.personId) continue;
        // A steward said records of these two persons are different people: never a merge proposal
        // (the merge repository would refuse it); the record keeps its person and, unless a steward
        // placed it, the other one is put to a steward for this record.
        if (pinnedApart(assignment.personId, other)) {
          if (!must.length) reviewAgainst(other, v, 'MERGE_PINNED_APART');
          continue;
        }
        // Nor on names and birth date alone: two persons the engine kept apart are not joined
        // through a record with document evidence for neither (a record with one person's number
        // and the other's names and birthday does join a person without documents to its number).
        const weak = kept !== null && !must.length && !hasDocumentEvidence(kept.vector) && !hasDocumentEvidence(v.vector);
        if (kept && (personsConflict(assignment.personId, other) || weak || unresolvedBetween(assignment.personId, other))) {
          if (!must.length) reviewAgainst(other, v, weak ? 'MERGE_WITHOUT_DOCUMENT_EVIDENCE' : undefined);
          continue;
        }
        out.merges.push({ personA: assignment.personId, personB: other, entityId: r.entityId, score: v.d.probability, explanation: explain(model, v) });
        mergedWith.add(other);
      }
      // Earlier links in doubt: records of other persons this one links to, where no merge of the two
      // persons is proposed (a merge answers the question for every record at once). Not for a record
      // left ambiguous: it belongs to neither person yet.
      if (!ambiguous.length) {
        for (const v of earlierLinks.values()) {
          const from = v.c.personId!;
          if (from === assignment.personId || mergedWith.has(from)) continue;
          out.relinks.push({
            entityId: v.c.entityId,
            fromPerson: from,
            toPerson: assignment.personId,
            newcomerEntityId: r.entityId,
            score: v.d.probability,
            explanation: explain(model, v),
          });
        }
      }
      // Ambiguous between persons: each of them goes to a steward, the explanation saying why.
      if (ambiguous.length) this.unresolved.set(assignment.personId, new Set(ambiguous.map(([p]) => p)));
      for (const [pid, v] of ambiguous) {
        const explanation = explain(model, v);
        withReason(explanation, v.d.reasons, 'AMBIGUOUS_BETWEEN_PERSONS');
        out.reviews.push({
          reason: 'POSSIBLE_TWINS',
          entityId: r.entityId,
          personA: assignment.personId,
          personB: pid,
          candidateEntityId: v.c.entityId,
          score: v.d.probability,
          explanation,
        });
      }
      // Doubtful: the best non-linked candidate goes to a steward (only when nothing linked).
      if (assignment.linkType === 'new_person' && !ambiguous.length) {
        let review: [number, Scored] | null = null;
        for (const e of perPerson) if (e[1].d.outcome === 'review' && (!review || e[1].d.matchWeight > review[1].d.matchWeight)) review = e;
        if (review) {
          const [pid, v] = review;
          out.reviews.push({
            reason: v.d.reviewCategory ?? 'POSSIBLE_MATCH',
            entityId: r.entityId,
            personA: assignment.personId,
            personB: pid,
            candidateEntityId: v.c.entityId,
            score: v.d.probability,
            explanation: explain(model, v),
          });
        }
      }

      // The record's own pins now keep its person apart from the persons it was pinned away from.
      this.placed.set(r.entityId, assignment.personId);
      for (const p of pins.cannotLinkPersons.get(r.entityId) ?? []) setApart(assignment.personId, p);
      for (const e of forbiddenEntities ?? []) {
        const p = this.placed.get(e);
        if (p !== undefined) setApart(assignment.personId, p);
      }
      const assigned: MatchRecord = { entityId: r.entityId, personId: assignment.personId, prepared: r.prepared };
      for (const k of keys) this.add(`${k.rule}:${k.key}`, assigned);
    }
  }
}

function emptyResult(): BatchResult {
  return { assignments: [], reviews: [], merges: [], relinks: [], pairsCompared: 0, comparisonsByRule: {}, oversizedKeys: 0, patterns: new Map() };
}
