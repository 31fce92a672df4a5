import {
  C_MUNICIPALITY,
  L,
  compare,
  decide,
  decideRelink,
  decidingRule,
  hasDocumentEvidence,
  score,
  type Decision,
  type DecisionConfig,
  type PreparedRecord,
  type RelinkSide,
} from '../domain/identity';
import { add, type RunState } from './engine';
import type { MovedLink } from './mergeRepository';
import { prepareEntity } from './prepareEntity';
import type { EntityRow, ReconciliationRepository, ReconciliationRunRow, ReviewWrite } from './reconciliationRepository';
import type { RelinkRepository, RelinkRow } from './relinkRepository';

const OUTCOME_RANK: Record<Decision['outcome'], number> = { link: 3, review: 2, no_link: 1, distinct: 0 };
const TIER_RANK: Record<string, number> = { steward: 4, deterministic: 3, phonetic: 2, probabilistic: 1, guard: 0 };
const round = (x: number) => (Number.isFinite(x) ? Math.round(x * 1000) / 1000 : x);

interface Side extends RelinkSide {
  entityId: number;
  contributions: { field: string; level: string; weight: number }[];
}

/** What an accepted relink carries to the end of the run (applied there under the breaker). */
export interface AcceptedRelink {
  link: MovedLink;
  weight: number;
}

const better = (a: Decision, b: Decision) =>
  OUTCOME_RANK[a.outcome] > OUTCOME_RANK[b.outcome] ||
  (a.outcome === b.outcome &&
    ((TIER_RANK[a.tier] ?? 0) > (TIER_RANK[b.tier] ?? 0) || ((TIER_RANK[a.tier] ?? 0) === (TIER_RANK[b.tier] ?? 0) && a.matchWeight > b.matchWeight)));

/**
 * The end of a run's batches: every earlier link the matcher found in doubt (relink suspects) is
 * weighed against all the records of both persons as they are now, and decided by `decideRelink` —
 * accepted (moved at the end of the run, under the circuit breaker), put to a steward
 * (`RELINK_CANDIDATE`), or left with the rule that says why. Idempotent: only proposals still
 * `proposed` are weighed, and review items are one per record and pair of persons.
 */
export class RelinkEvaluator {
  constructor(
    private readonly repo: ReconciliationRepository,
    private readonly relinks: RelinkRepository,
    private readonly decision: DecisionConfig,
  ) {}

  async evaluate(run: ReconciliationRunRow, state: RunState): Promise<void> {
    const started = performance.now();
    const rows = await this.relinks.ofRun(run.id, 'proposed');
    if (!rows.length) return;
    await this.repo.transaction(async (tx) => {
      await this.repo.lock(tx);
      const current = await this.relinks.currentPersons(tx, [...new Set(rows.flatMap((r) => [r.fromPerson, r.toPerson]))]);
      const now = await this.repo.linkState(tx, [...new Set(rows.map((r) => r.entityId))]);
      const groups = new Map<string, { rows: RelinkRow[]; from: number; to: number; entityId: number }>();
      const superseded: number[] = [];
      for (const r of rows) {
        const from = current.get(r.fromPerson) ?? r.fromPerson;
        const to = current.get(r.toPerson) ?? r.toPerson;
        if (now.get(r.entityId)?.personId !== from || from === to) {
          superseded.push(r.id);
          continue;
        }
        const k = `${r.entityId}:${to}`;
        const g = groups.get(k) ?? groups.set(k, { rows: [], from, to, entityId: r.entityId }).get(k)!;
        g.rows.push(r);
      }
      await this.relinks.setStatus(tx, superseded, 'superseded', 'relink.superseded');
      if (!groups.size) return;
      const list = [...groups.values()];
      const persons = [...new Set(list.flatMap((g) => [g.from, g.to]))];
      const byPerson = new Map<number, EntityRow[]>();
      for (const e of await this.repo.entitiesOfPersons(tx, persons)) (byPerson.get(e.personId!) ?? byPerson.set(e.personId!, []).get(e.personId!)!).push(e);
      const entityIds = list.map((g) => g.entityId);
      const pins = await this.repo.pins(tx, entityIds);
      const linkTypes = await this.relinks.linkTypes(tx, entityIds);
      const prepared = new Map<number, PreparedRecord>();
      const prep = (e: EntityRow) => {
        let p = prepared.get(e.id);
        if (!p)
          prepared.set(
            e.id,
            (p = (state.cache.get(e.id)?.recordId === e.recordId ? state.cache.get(e.id)!.prepared : null) ?? prepareEntity(e, state.ctx, state.model.tf)),
          );
        return p;
      };
      const oddsBits = Math.log2(this.decision.linkProbability / (1 - this.decision.linkProbability));
      const reviews: ReviewWrite[] = [];
      for (const g of list) {
        const record = (byPerson.get(g.from) ?? []).find((e) => e.id === g.entityId);
        const ids = g.rows.map((r) => r.id);
        if (!record) {
          await this.relinks.setStatus(tx, ids, 'superseded', 'relink.superseded');
          continue;
        }
        const a = prep(record);
        let conflicts = false;
        const weigh = (others: readonly EntityRow[]): Side | null => {
          let best: Side | null = null;
          for (const o of others) {
            if (o.id === g.entityId) continue;
            const b = prep(o);
            const v = compare(a, b);
            const s = score(state.model.model, v, a, b);
            const d = decide(a, b, v, s, this.decision);
            if (d.outcome === 'distinct') conflicts = true;
            if (!best || better(d, best.d)) {
              best = {
                d,
                entityId: o.id,
                local: (a.household !== null && a.household === b.household) || v[C_MUNICIPALITY] === L.municipality.exact,
                documentEvidence: hasDocumentEvidence(v),
                contributions: s.contributions.map((c) => ({ field: c.field, level: c.level, weight: round(c.weight) })),
              };
            }
          }
          return best;
        };
        const cur = weigh(byPerson.get(g.from) ?? []);
        conflicts = false;
        const cand = weigh(byPerson.get(g.to) ?? []);
        const own = pins.filter((p) => p.entityId === g.entityId);
        const verdict = decideRelink({
          current: cur,
          candidate: cand,
          candidateConflicts: conflicts,
          stewardDecided: linkTypes.get(g.entityId) === 'steward' || own.some((p) => p.kind === 'must_link'),
          pinnedApart: own.some((p) => p.kind === 'cannot_link' && p.otherPersonId === g.to),
          oddsBits,
        });
        const side = (x: Side | null) =>
          x && { record: x.entityId, tier: x.d.tier, outcome: x.d.outcome, rule: decidingRule(x.d), reasons: x.d.reasons, matchWeight: round(x.d.matchWeight) };
        const explanation = { from: g.from, to: g.to, current: side(cur), candidate: side(cand) };
        if (verdict.action === 'move' && cand) {
          const accepted: AcceptedRelink = {
            weight: cand.d.matchWeight,
            link: {
              linkType: cand.d.tier === 'deterministic' ? 'deterministic' : cand.d.tier === 'phonetic' ? 'phonetic' : 'probabilistic',
              reasons: [...cand.d.reasons, 'RELINKED'],
              score: cand.d.probability,
              matchWeight: round(cand.d.matchWeight),
              matchedEntityId: cand.entityId,
              contributions: null,
              modelVersion: cand.d.modelVersion,
              runId: run.id,
            },
          };
          await this.relinks.setStatus(tx, ids, 'accepted', verdict.rule, { ...explanation, accepted });
        } else if (verdict.action === 'review' && cand) {
          const reasons = [...cand.d.reasons, 'RELINK_CANDIDATE'];
          reviews.push({
            reason: 'RELINK_CANDIDATE',
            entityId: g.entityId,
            personA: g.from,
            personB: g.to,
            candidateEntityId: cand.entityId,
            score: cand.d.probability,
            explanation: {
              tier: cand.d.tier,
              rule: decidingRule({ tier: cand.d.tier, reasons, modelVersion: cand.d.modelVersion }),
              reasons,
              matchWeight: round(cand.d.matchWeight),
              probability: cand.d.probability,
              modelVersion: cand.d.modelVersion,
              contributions: cand.contributions,
              current: side(cur),
            },
          });
          await this.relinks.setStatus(tx, ids, 'review', verdict.rule, explanation);
        } else {
          await this.relinks.setStatus(tx, ids, verdict.action === 'refuse' ? 'refused' : 'rejected', verdict.rule, explanation);
        }
      }
      const created = await this.repo.insertReviewItems(tx, run.id, reviews);
      if (created) await this.repo.addCounters(tx, run.id, { processed: 0, pairs: 0, autoLinked: 0, newPersons: 0, reviews: created, merges: 0, blocking: {} });
    });
    add(state.timings, 'relinks', performance.now() - started);
  }
}

/** Runs in the finisher: the accepted relinks of a run, best evidence first (a record wanted by two persons goes to the better). */
export async function acceptedRelinks(relinks: RelinkRepository, runId: number): Promise<(RelinkRow & { accepted: AcceptedRelink })[]> {
  const rows = await relinks.ofRun(runId, 'accepted');
  return rows
    .map((r) => ({ ...r, accepted: (r.explanation as { accepted: AcceptedRelink }).accepted }))
    .sort((x, y) => y.accepted.weight - x.accepted.weight || x.id - y.id);
}
