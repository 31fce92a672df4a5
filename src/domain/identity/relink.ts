/**
 * Re-evaluation of an earlier link: a record R linked to person P, and a later record of person Q
 * that matched R. Whether R moves to Q, goes to a steward, or stays — from R's best evidence against
 * the other records of each person. Pure: the engine gathers the evidence and the pins.
 */
import type { Decision } from './decide';

const TIER_RANK: Record<string, number> = { steward: 4, deterministic: 3, phonetic: 2, probabilistic: 1, guard: 0 };

export interface RelinkSide {
  /** R's best decision against the person's other records (by outcome, tier, then weight). */
  d: Decision;
  /** The matched record shares R's household or municipality. */
  local: boolean;
  /** The matched pair carries document evidence (the same number, or one keying error apart). */
  documentEvidence: boolean;
}

export interface RelinkEvidence {
  /** Against the other records of R's current person; null when it has no other record. */
  current: RelinkSide | null;
  /** Against the records of the candidate person; null when none is left. */
  candidate: RelinkSide | null;
  /** A record of the candidate person is positively someone else than R (a guard or a steward's pin). */
  candidateConflicts: boolean;
  /** A steward placed R (a steward link, a detach) or pinned it to a record of its person. */
  stewardDecided: boolean;
  /** A steward pinned R apart from a record of the candidate person. */
  pinnedApart: boolean;
  /** Link threshold as odds in bits (log₂ p/(1−p)): the weight margin that tells two persons apart. */
  oddsBits: number;
}

export type RelinkAction = 'move' | 'review' | 'refuse' | 'keep';

export interface RelinkVerdict {
  action: RelinkAction;
  /** The relink.* rule (decidingRule.ts names the first three from the link's or item's reasons). */
  rule:
    | 'relink.deterministic_evidence'
    | 'relink.weaker_evidence'
    | 'relink.refused_steward_decision'
    | 'relink.refused_pinned_apart'
    | 'relink.refused_conflicting_record'
    | 'relink.single_record_person'
    | 'relink.no_better_person';
}

const rank = (d: Decision) => TIER_RANK[d.tier] ?? 0;

/**
 * The order of the rules: a steward's decision is never overridden (a placed or pinned record, a pin
 * against the candidate person); a record any record of the candidate person rules out stays; a
 * record alone in its person is a merge question (the merge proposals answer it), not a move. Then
 * the candidate must be strictly better — a higher tier, or the same tier by the link threshold's odds
 * or by household/municipality where the current one has neither. It moves automatically only on
 * deterministic evidence with a document, against a current link that is not deterministic; any
 * other strictly better candidate is put to a steward.
 */
export function decideRelink(e: RelinkEvidence): RelinkVerdict {
  if (e.stewardDecided) return { action: 'refuse', rule: 'relink.refused_steward_decision' };
  if (e.pinnedApart) return { action: 'refuse', rule: 'relink.refused_pinned_apart' };
  if (e.candidateConflicts) return { action: 'refuse', rule: 'relink.refused_conflicting_record' };
  if (e.current === null) return { action: 'keep', rule: 'relink.single_record_person' };
  const q = e.candidate;
  if (!q || q.d.outcome !== 'link') return { action: 'keep', rule: 'relink.no_better_person' };
  const p = e.current;
  const currentLinks = p.d.outcome === 'link';
  const better =
    !currentLinks || rank(q.d) > rank(p.d) || (rank(q.d) === rank(p.d) && (q.d.matchWeight - p.d.matchWeight >= e.oddsBits || (q.local && !p.local)));
  if (!better) return { action: 'keep', rule: 'relink.no_better_person' };
  const decisive = q.d.tier === 'deterministic' && q.documentEvidence && !(currentLinks && p.d.tier === 'deterministic');
  return decisive ? { action: 'move', rule: 'relink.deterministic_evidence' } : { action: 'review', rule: 'relink.weaker_evidence' };
}
