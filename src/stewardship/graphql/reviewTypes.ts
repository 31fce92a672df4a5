import { NodeList, DocumentType, DateTimeScalar, PersonalType, Sensitive } from '../../graphql/shared';
import { createUnionType, Extensions, Field, Float, ID, Int, ObjectType, registerEnumType } from 'type-graphql';
import { REVIEW_REASONS, REVIEW_STATUSES, graphqlEnumOf, type ReviewReason as ReviewReasonValue } from '../../../schema';
import type { ReviewItemRow } from '../reviewRepository';
import { Person, TOTAL_COUNT_COST } from '../../registry';

export const ReviewReason = graphqlEnumOf(REVIEW_REASONS);
/** One description per reason of the table's enum (a reason added there must be described here). */
const reasonDescriptions: Record<ReviewReasonValue, { description: string }> = {
  POSSIBLE_MATCH: { description: 'Match probability between the review and link thresholds: are these two persons one?' },
  DOCUMENT_CONFLICT: { description: 'Same document number on what look like different people (shared or mistyped document).' },
  POSSIBLE_TWINS: { description: 'Same household and birth date, names too close to tell twins from a duplicate.' },
  HOUSEHOLD_CHANGE: { description: 'A person now appears in a second household (a move or a split): is the new membership the same person?' },
  LINKED_RECORD_CHANGED: { description: 'A linked record changed and no longer agrees with the rest of its person: does it still belong there?' },
  MERGE_HELD_BY_BREAKER: { description: 'An automatic merge of two existing persons held back by the circuit breaker.' },
  AUTO_LINK_AUDIT: { description: 'A random sample of automatic links: the verdicts measure their precision.' },
  RELINK_CANDIDATE: {
    description:
      'A later record makes another person a better match for a linked record: does the record belong with the candidate record? SAME_PERSON moves it there; DIFFERENT_PERSONS keeps it where it is.',
  },
};
registerEnumType(ReviewReason, {
  name: 'ReviewReason',
  description: 'Why the engine asks a steward (docs/stewardship.md).',
  valuesConfig: reasonDescriptions,
});

export const ReviewStatus = graphqlEnumOf(REVIEW_STATUSES);
registerEnumType(ReviewStatus, {
  name: 'ReviewStatus',
  description: 'OPEN and DEFERRED items are the queue; STALE ones concern a person merged or changed since (the engine raises a new item if still in doubt).',
});

export const ReviewDecisionKind = { SAME_PERSON: 'SAME_PERSON', DIFFERENT_PERSONS: 'DIFFERENT_PERSONS', DEFER: 'DEFER' } as const;
registerEnumType(ReviewDecisionKind, {
  name: 'ReviewDecisionKind',
  valuesConfig: {
    SAME_PERSON: { description: 'Merge the two persons (survivor: the older) and pin the records together; for a single-person item, confirm and pin.' },
    DIFFERENT_PERSONS: {
      description: 'Pin the records apart; for a linked record (audit sample, changed record, household change), detach it into a new person.',
    },
    DEFER: { description: 'Keep the item in the queue (DEFERRED) with the reason.' },
  },
});

@ObjectType({ simpleResolvers: true, description: 'One field’s evidence in a comparison (bits: log2 m/u plus the term-frequency adjustment).' })
export class Contribution {
  @Field(() => String, { description: 'givenNames, surnames, birthDate, sex, document or municipality.' })
  field!: string;

  @Field(() => String, { description: 'Agreement level, e.g. exact, phonetic, oneDayApart.' })
  level!: string;

  @Field(() => Float)
  weight!: number;
}

@ObjectType({ simpleResolvers: true, description: 'Why the engine decided what it did about a pair of records.' })
export class MatchExplanation {
  @Field(() => String, { nullable: true, description: 'deterministic, phonetic, probabilistic, guard or steward.' })
  tier!: string | null;

  @Field(() => [String], { description: 'Decision reason codes (SAME_DOCUMENT, SCORE_ABOVE_LINK_THRESHOLD, DIFFERENT_DOCUMENT_NUMBERS...).' })
  reasons!: string[];

  @Field(() => String, {
    nullable: true,
    description:
      'The rule that decided, a stable identifier: deterministic.same_document_same_names, phonetic.no_document, guard.twins_consecutive_documents, guard.namesake_conflicting_documents, model.fellegi_sunter(<model version>)… (docs/reconciliation.md).',
  })
  rule!: string | null;

  @Field(() => Float, { nullable: true })
  matchWeight!: number | null;

  @Field(() => Float, { nullable: true })
  probability!: number | null;

  @Field(() => String, { nullable: true })
  modelVersion!: string | null;

  @Field(() => [Contribution])
  contributions!: Contribution[];
}

@ObjectType({ description: 'One identity field of two records side by side, with the agreement level and its weight.' })
@PersonalType()
export class FieldComparison {
  @Field(() => String, { description: 'givenNames, surnames, birthDate, sex, document (its type; numbers in leftDocument/rightDocument) or municipality.' })
  @Sensitive('public')
  field!: string;

  @Field(() => String)
  @Sensitive('public')
  level!: string;

  @Field(() => String, { description: 'The level in plain words.' })
  @Sensitive('public')
  description!: string;

  @Field(() => Float, { description: 'Bits of evidence; 0 when either value is missing.' })
  @Sensitive('public')
  weight!: number;

  @Field(() => String, { nullable: true })
  @Sensitive('personal')
  left!: string | null;

  @Field(() => String, { nullable: true })
  @Sensitive('personal')
  right!: string | null;
}

@ObjectType({ description: 'A compared record’s document (the number is disclosed in full to stewards and audited).' })
@PersonalType<ComparedDocument>({ auditSubject: (d) => ({ subjectType: 'source_entity', subjectId: String(d.entityId), personId: d.personId }) })
export class ComparedDocument {
  @Field(() => DocumentType, { nullable: true })
  @Sensitive('personal')
  type!: string | null;

  @Field(() => String, { nullable: true })
  @Sensitive('identifier')
  number!: string | null;

  entityId!: number;
  personId!: number | null;
}

@ObjectType({ simpleResolvers: true, description: 'How one model scores the compared pair.' })
export class ModelView {
  @Field(() => String)
  modelVersion!: string;

  @Field(() => Float)
  probability!: number;

  @Field(() => Float, { description: 'Sum of the weights and the prior, in bits.' })
  matchWeight!: number;

  @Field(() => String, { description: 'What the engine would decide with this model: link, review, no_link or distinct.' })
  outcome!: string;

  @Field(() => String)
  tier!: string;
}

export const ComparisonModel = { RAISING_MODEL: 'RAISING_MODEL', CURRENT_MODEL: 'CURRENT_MODEL' } as const;
registerEnumType(ComparisonModel, {
  name: 'ComparisonModel',
  description: 'Which model scored a comparison.',
  valuesConfig: {
    RAISING_MODEL: { description: 'The model that raised the item (the one its explanation and score come from).' },
    CURRENT_MODEL: { description: 'Today’s model: the raising model is no longer stored (or the item names none).' },
  },
});

export const PairSide = { A: 'A', B: 'B' } as const;
registerEnumType(PairSide, { name: 'PairSide', description: 'personA or personB of a review item.' });

@ObjectType({
  description:
    'The two records of a review item field by field: left is person A’s record, right person B’s. Scored by the model that raised the item ' +
    '(scoredWith), so probability agrees with the item’s score and explanation; `current` is today’s model’s view of the same pair.',
})
@PersonalType()
export class RecordComparison {
  @Field(() => [FieldComparison])
  @Sensitive('personal')
  fields!: FieldComparison[];

  @Field(() => ComparedDocument)
  @Sensitive('personal')
  leftDocument!: ComparedDocument;

  @Field(() => ComparedDocument)
  @Sensitive('personal')
  rightDocument!: ComparedDocument;

  @Field(() => Float, { description: 'Sum of the weights and the prior, in bits.' })
  @Sensitive('public')
  matchWeight!: number;

  @Field(() => Float)
  @Sensitive('public')
  probability!: number;

  @Field(() => String, { description: 'What the engine would decide today: link, review, no_link or distinct.' })
  @Sensitive('public')
  outcome!: string;

  @Field(() => String)
  @Sensitive('public')
  tier!: string;

  @Field(() => [String])
  @Sensitive('public')
  reasons!: string[];

  @Field(() => String, { description: 'The model that scored fields, matchWeight, probability, outcome and tier.' })
  @Sensitive('public')
  modelVersion!: string;

  @Field(() => ComparisonModel)
  @Sensitive('public')
  scoredWith!: string;

  @Field(() => ModelView, { description: 'Today’s model on the same pair (equal to the above when it is the raising model).' })
  @Sensitive('public')
  current!: ModelView;

  @Field(() => PairSide, { nullable: true, description: 'Whose record the left column is: A (always, unless both records are person B’s).' })
  @Sensitive('public')
  leftSide!: string | null;

  @Field(() => PairSide, { nullable: true, description: 'Whose record the right column is: B for two-person items; A when both records are person A’s.' })
  @Sensitive('public')
  rightSide!: string | null;

  leftRecordId!: number;
  rightRecordId!: number;
  leftPersonId!: number | null;
  rightPersonId!: number | null;
}

@ObjectType({ description: 'A steward’s decision on a review item (the history: deferrals included).' })
@PersonalType()
export class ReviewDecisionRecord {
  @Field(() => ID)
  @Sensitive('public')
  id!: string;

  @Field(() => ReviewDecisionKind)
  @Sensitive('public')
  decision!: string;

  @Field(() => String, { description: 'The steward’s own words.' })
  @Sensitive('personal')
  reason!: string;

  @Field(() => String, { description: 'Who decided (client:<public id>).' })
  @Sensitive('public')
  actor!: string;

  @Field(() => ID, { nullable: true, description: 'The merge a SAME_PERSON decision applied (undo it with unmerge).' })
  @Sensitive('public')
  mergeId!: string | null;

  @Field(() => DateTimeScalar)
  @Sensitive('public')
  decidedAt!: Date;
}

@ObjectType({ description: 'A question for a data steward about one or two persons.' })
@PersonalType()
export class ReviewItem {
  @Field(() => ID)
  @Sensitive('public')
  id!: string;

  @Field(() => ReviewReason)
  @Sensitive('public')
  reason!: string;

  @Field(() => ReviewStatus)
  @Sensitive('public')
  status!: string;

  @Field(() => Int, { description: 'Pass as expectedVersion when deciding; claiming changes it.' })
  @Sensitive('public')
  version!: number;

  @Field(() => Float, { nullable: true, description: 'Match probability when the item was raised.' })
  @Sensitive('public')
  score!: number | null;

  @Field(() => String, { nullable: true, description: 'DANE code of the municipality the item is filed under.' })
  @Sensitive('personal')
  municipalityCode!: string | null;

  @Field(() => ID, { nullable: true, description: 'The reconciliation run that raised it.' })
  @Sensitive('public')
  reconciliationRunId!: string | null;

  @Field(() => String, { nullable: true, description: 'The steward holding the claim (client:<public id>), while it lasts.' })
  @Sensitive('public')
  claimedBy!: string | null;

  @Field(() => DateTimeScalar, { nullable: true })
  @Sensitive('public')
  claimedUntil!: Date | null;

  @Field(() => DateTimeScalar)
  @Sensitive('public')
  createdAt!: Date;

  @Field(() => DateTimeScalar, { nullable: true })
  @Sensitive('public')
  decidedAt!: Date | null;

  internalId!: number;
  personAId!: number;
  personBId!: number | null;
  sourceEntityId!: number | null;
  candidateEntityId!: number | null;
  householdId!: number | null;
  explanationJson!: unknown;
  row!: ReviewItemRow;
}

@ObjectType({ simpleResolvers: true })
export class ReviewItemConnection extends NodeList(ReviewItem, { endCursorDescription: 'Pass as `after` for the next page.' }) {
  @Field(() => Int, { description: 'How many items match the filters (inside your territory), whatever the page; one count, charged once.' })
  @Extensions({ cost: TOTAL_COUNT_COST })
  totalCount!: () => Promise<number>;
}

@ObjectType({ simpleResolvers: true })
export class ReviewReasonCount {
  @Field(() => ReviewReason)
  reason!: string;

  @Field(() => Int)
  count!: number;
}

@ObjectType({ simpleResolvers: true })
export class ReviewStatusCount {
  @Field(() => ReviewStatus)
  status!: string;

  @Field(() => Int)
  count!: number;
}

@ObjectType({ simpleResolvers: true, description: 'The review items matching the filters, counted by reason and by status.' })
export class ReviewCounts {
  @Field(() => Int)
  total!: number;

  @Field(() => [ReviewReasonCount], { description: 'Most frequent first.' })
  byReason!: ReviewReasonCount[];

  @Field(() => [ReviewStatusCount])
  byStatus!: ReviewStatusCount[];
}

// --- typed results (expected failures are data, not errors) -------------------------------------

@ObjectType({ description: 'The decision was applied.' })
@PersonalType()
export class ReviewDecided {
  @Field(() => ReviewItem)
  @Sensitive('personal')
  item!: ReviewItem;

  @Field(() => ReviewDecisionKind)
  @Sensitive('public')
  decision!: string;

  @Field(() => ID)
  @Sensitive('public')
  decisionId!: string;

  @Field(() => ID, { nullable: true, description: 'SAME_PERSON on two persons: the merge (undo with unmerge).' })
  @Sensitive('public')
  mergeId!: string | null;

  @Field(() => Person, { nullable: true, description: 'The person holding the records now (the survivor of a merge).' })
  @Sensitive('personal')
  person!: Person | null;

  @Field(() => Person, { nullable: true, description: 'DIFFERENT_PERSONS that detached a record: its new person.' })
  @Sensitive('personal')
  newPerson!: Person | null;

  @Field(() => Int)
  @Sensitive('public')
  pinsCreated!: number;

  @Field(() => Int)
  @Sensitive('public')
  pinsRevoked!: number;

  kind = 'ReviewDecided' as const;
}

@ObjectType({ description: 'The claim is yours until claimedUntil.' })
@PersonalType()
export class ReviewItemClaimed {
  @Field(() => ReviewItem)
  @Sensitive('personal')
  item!: ReviewItem;

  @Field(() => DateTimeScalar)
  @Sensitive('public')
  claimedUntil!: Date;

  kind = 'ReviewItemClaimed' as const;
}

@ObjectType({ description: 'The claim was released.' })
@PersonalType()
export class ReviewItemReleased {
  @Field(() => ReviewItem)
  @Sensitive('personal')
  item!: ReviewItem;

  kind = 'ReviewItemReleased' as const;
}

@ObjectType({ description: 'Someone already decided this item.' })
@PersonalType()
export class AlreadyDecided {
  @Field(() => ReviewItem)
  @Sensitive('personal')
  item!: ReviewItem;

  @Field(() => ReviewDecisionRecord, { nullable: true, description: 'The decision that was taken, by whom and when.' })
  @Sensitive('personal')
  previousDecision!: ReviewDecisionRecord | null;

  kind = 'AlreadyDecided' as const;
}

@ObjectType({ description: 'Another steward holds the claim.' })
@PersonalType()
export class ClaimedByOther {
  @Field(() => ReviewItem)
  @Sensitive('personal')
  item!: ReviewItem;

  @Field(() => DateTimeScalar)
  @Sensitive('public')
  claimedUntil!: Date;

  kind = 'ClaimedByOther' as const;
}

@ObjectType({ description: 'A person of the item was merged away or changed beyond it: nothing to decide any more.' })
@PersonalType()
export class StaleItem {
  @Field(() => ReviewItem)
  @Sensitive('personal')
  item!: ReviewItem;

  @Field(() => String)
  @Sensitive('public')
  message!: string;

  kind = 'StaleItem' as const;
}

@ObjectType({ description: 'Something changed since you looked (another decision, a run): reload (claim again) and decide again.' })
@PersonalType()
export class Conflict {
  @Field(() => ReviewItem, { nullable: true })
  @Sensitive('personal')
  item!: ReviewItem | null;

  @Field(() => Int, { nullable: true, description: 'The item’s current version.' })
  @Sensitive('public')
  currentVersion!: number | null;

  @Field(() => String)
  @Sensitive('public')
  message!: string;

  kind = 'Conflict' as const;
}

@ObjectType({ description: 'You hold no live claim on this item (never claimed, released or expired): claim it, review it, then decide.' })
@PersonalType()
export class NotClaimed {
  @Field(() => String, { description: 'Always NOT_CLAIMED (stable, for clients to branch on).' })
  @Sensitive('public')
  code!: string;

  @Field(() => ReviewItem)
  @Sensitive('personal')
  item!: ReviewItem;

  @Field(() => String)
  @Sensitive('public')
  message!: string;

  kind = 'NotClaimed' as const;
}

@ObjectType({ description: 'The decision does not apply to this item (e.g. nothing left to separate).' })
@PersonalType()
export class InvalidDecision {
  @Field(() => ReviewItem)
  @Sensitive('personal')
  item!: ReviewItem;

  @Field(() => String)
  @Sensitive('public')
  message!: string;

  kind = 'InvalidDecision' as const;
}

@ObjectType({ simpleResolvers: true, description: 'Nothing by that id (or outside your territory).' })
export class NotFound {
  @Field(() => String)
  message!: string;

  kind = 'NotFound' as const;
}

@ObjectType({ description: 'The merge was undone: both persons are back as they were, with their public ids.' })
@PersonalType()
export class Unmerged {
  @Field(() => ID)
  @Sensitive('public')
  mergeId!: string;

  @Field(() => Person, { nullable: true })
  @Sensitive('personal')
  survivor!: Person | null;

  @Field(() => Person, { nullable: true, description: 'The person the merge had absorbed, active again.' })
  @Sensitive('personal')
  restored!: Person | null;

  kind = 'Unmerged' as const;
}

@ObjectType({ simpleResolvers: true, description: 'This merge was already undone.' })
export class MergeAlreadyUndone {
  @Field(() => ID)
  mergeId!: string;

  @Field(() => DateTimeScalar, { nullable: true })
  undoneAt!: Date | null;

  kind = 'MergeAlreadyUndone' as const;
}

@ObjectType({ simpleResolvers: true, description: 'The survivor was merged again since: undo the later merge first.' })
export class MergeSuperseded {
  @Field(() => ID)
  mergeId!: string;

  @Field(() => ID, { nullable: true })
  laterMergeId!: string | null;

  kind = 'MergeSuperseded' as const;
}

@ObjectType({ description: 'The move was undone: the record is back with the person it came from, pinned apart from the other.' })
@PersonalType()
export class RecordMoveUndone {
  @Field(() => ID)
  @Sensitive('public')
  moveId!: string;

  @Field(() => Person, { nullable: true, description: 'The person that holds the record again (null when outside your territory).' })
  @Sensitive('personal')
  person!: Person | null;

  @Field(() => Person, { nullable: true, description: 'The person the record had moved to.' })
  @Sensitive('personal')
  movedFrom!: Person | null;

  kind = 'RecordMoveUndone' as const;
}

@ObjectType({ simpleResolvers: true, description: 'This move was already undone.' })
export class RecordMoveAlreadyUndone {
  @Field(() => ID)
  moveId!: string;

  @Field(() => DateTimeScalar, { nullable: true })
  undoneAt!: Date | null;

  kind = 'RecordMoveAlreadyUndone' as const;
}

@ObjectType({ simpleResolvers: true, description: 'The record changed since: it was moved or merged again, so this move cannot be put back.' })
export class RecordMoveSuperseded {
  @Field(() => ID)
  moveId!: string;

  @Field(() => String)
  message!: string;

  kind = 'RecordMoveSuperseded' as const;
}

type Kinded = { kind: string };
const byKind = <T extends readonly (abstract new (...args: never[]) => Kinded)[]>(types: T) => {
  const names = new Map(types.map((t) => [t.name, t]));
  return (value: Kinded) => names.get(value.kind)?.name;
};

const decideTypes = [ReviewDecided, AlreadyDecided, ClaimedByOther, NotClaimed, StaleItem, Conflict, InvalidDecision, NotFound] as const;
export const DecideReviewItemResult = createUnionType({
  name: 'DecideReviewItemResult',
  description: 'ReviewDecided, or why not (expected failures are data).',
  types: () => decideTypes,
  resolveType: byKind(decideTypes),
});

const claimTypes = [ReviewItemClaimed, AlreadyDecided, ClaimedByOther, StaleItem, NotFound] as const;
export const ClaimReviewItemResult = createUnionType({ name: 'ClaimReviewItemResult', types: () => claimTypes, resolveType: byKind(claimTypes) });

const releaseTypes = [ReviewItemReleased, ClaimedByOther, NotFound] as const;
export const ReleaseReviewItemResult = createUnionType({ name: 'ReleaseReviewItemResult', types: () => releaseTypes, resolveType: byKind(releaseTypes) });

const unmergeTypes = [Unmerged, MergeAlreadyUndone, MergeSuperseded, Conflict, NotFound] as const;
export const UnmergeResult = createUnionType({ name: 'UnmergeResult', types: () => unmergeTypes, resolveType: byKind(unmergeTypes) });

const undoMoveTypes = [RecordMoveUndone, RecordMoveAlreadyUndone, RecordMoveSuperseded, Conflict, NotFound] as const;
export const UndoRecordMoveResult = createUnionType({
  name: 'UndoRecordMoveResult',
  types: () => undoMoveTypes,
  resolveType: byKind(undoMoveTypes),
});
