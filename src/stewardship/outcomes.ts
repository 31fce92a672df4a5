import type { MergeRow, MoveRow, ReviewDecisionKind, ReviewDecisionRow, ReviewItemRow } from './reviewRepository';

/** Who acts: the API client (or CLI) as the audit log names it. */
export interface StewardActor {
  actor: string;
  actorRole: string | null;
  requestId: string | null;
}

/**
 * Expected outcomes of steward operations, as data (never thrown): the GraphQL layer maps each to
 * a member of a result union.
 */
export type NotFound = { kind: 'notFound'; message: string };
export type AlreadyDecided = { kind: 'alreadyDecided'; item: ReviewItemRow; decision: ReviewDecisionRow | null };
export type ClaimedByOther = { kind: 'claimedByOther'; item: ReviewItemRow; claimedUntil: Date };
export type StaleItem = { kind: 'stale'; item: ReviewItemRow; message: string };
export type Conflict = { kind: 'conflict'; item: ReviewItemRow | null; message: string };
export type NotClaimed = { kind: 'notClaimed'; item: ReviewItemRow; message: string };
export type InvalidDecision = { kind: 'invalid'; item: ReviewItemRow; message: string };

export type ClaimOutcome = { kind: 'claimed'; item: ReviewItemRow } | NotFound | AlreadyDecided | ClaimedByOther | StaleItem;
export type ReleaseOutcome = { kind: 'released'; item: ReviewItemRow } | NotFound | ClaimedByOther;

export interface DecidedResult {
  kind: 'decided';
  item: ReviewItemRow;
  decision: ReviewDecisionKind;
  decisionId: number;
  /** SAME_PERSON on two persons: the merge (undo it with unmerge). */
  mergeId: number | null;
  /** The person that holds both records after a merge, or the item's person. */
  personId: number;
  /** DIFFERENT_PERSONS that detached a record: the new person. */
  newPersonId: number | null;
  pinsCreated: number;
  pinsRevoked: number;
}

export type DecideOutcome = DecidedResult | NotFound | AlreadyDecided | ClaimedByOther | NotClaimed | StaleItem | Conflict | InvalidDecision;

export type UnmergeOutcome =
  | { kind: 'unmerged'; merge: MergeRow; survivorId: number; restoredId: number }
  | NotFound
  | { kind: 'alreadyUndone'; merge: MergeRow }
  | { kind: 'superseded'; merge: MergeRow; laterMergeId: number | null }
  | Conflict;

export type UndoMoveOutcome =
  | { kind: 'undone'; move: MoveRow; fromPersonId: number; toPersonId: number }
  | NotFound
  | { kind: 'alreadyUndone'; move: MoveRow }
  | { kind: 'superseded'; move: MoveRow; message: string }
  | Conflict;
