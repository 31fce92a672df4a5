import { RECONCILIATION_STATES, graphqlEnumOf } from '../../../schema';
import { NodeList, RunTimes } from '../../graphql/shared';
import { Field, Float, ID, Int, ObjectType, registerEnumType } from 'type-graphql';
export const ReconciliationState = graphqlEnumOf(RECONCILIATION_STATES);
registerEnumType(ReconciliationState, {
  name: 'ReconciliationState',
  description:
    'pending → running (matching batches) → merging (held merges, household checks, audit sample) → done; failed when the circuit breaker held merges back.',
});

@ObjectType({ simpleResolvers: true, description: 'Candidate pairs one blocking rule generated (diagnostics: linkage cost is the number of pairs).' })
export class BlockingRuleStat {
  @Field(() => String)
  rule!: string;

  @Field(() => Float)
  comparisons!: number;
}

@ObjectType({ simpleResolvers: true, description: 'Precision of a run’s automatic links, measured by stewards’ verdicts on its AUTO_LINK_AUDIT sample.' })
export class MeasuredPrecision {
  @Field(() => Int, { description: 'Automatic links sampled into the review queue.' })
  sampled!: number;

  @Field(() => Int, { description: 'Verdicts SAME_PERSON (the link was right).' })
  confirmed!: number;

  @Field(() => Int, { description: 'Verdicts DIFFERENT_PERSONS (the link was wrong; the record was detached).' })
  rejected!: number;

  @Field(() => Int, { description: 'Sampled items without a verdict yet.' })
  pending!: number;

  @Field(() => Float, { nullable: true, description: 'confirmed / (confirmed + rejected); null until a verdict exists.' })
  precision!: number | null;

  @Field(() => Float, { nullable: true, description: 'Lower bound of the 95 % Wilson interval of the precision.' })
  lowerBound!: number | null;
}

@ObjectType({ description: 'A reconciliation run: matching of everything added or changed since the last one. No personal data.' })
export class ReconciliationRun extends RunTimes {
  @Field(() => ID)
  id!: string;

  @Field(() => ReconciliationState)
  state!: string;

  @Field(() => String, { description: 'import or manual.' })
  trigger!: string;

  @Field(() => ID, { nullable: true, description: 'The import that triggered it.' })
  importRunId!: string | null;

  @Field(() => String, { nullable: true, description: 'Version of the linkage model that scored its pairs.' })
  modelVersion!: string | null;

  @Field(() => Int, { description: 'Records waiting to be matched when it started.' })
  recordsPending!: number;

  @Field(() => Int)
  processed!: number;

  @Field(() => Float)
  pairsCompared!: number;

  @Field(() => Int, { description: 'Records linked to an existing person automatically.' })
  autoLinked!: number;

  @Field(() => Int)
  newPersons!: number;

  @Field(() => Int, { description: 'Review items raised.' })
  reviewItems!: number;

  @Field(() => Int)
  mergesProposed!: number;

  @Field(() => Int)
  mergesApplied!: number;

  @Field(() => Boolean, { description: 'Automatic merges exceeded RECONCILE_MAX_AUTO_MERGE_RATE and were held for review.' })
  breakerTripped!: boolean;

  @Field(() => [BlockingRuleStat])
  blockingStats!: BlockingRuleStat[];

  @Field(() => Float, { nullable: true, description: 'Link threshold (match probability) the run used.' })
  linkProbability!: number | null;

  @Field(() => Float, { nullable: true, description: 'Review threshold the run used.' })
  reviewProbability!: number | null;

  @Field(() => String, { nullable: true })
  failureReason!: string | null;

  internalId!: number;
}

@ObjectType({ simpleResolvers: true })
export class ReconciliationRunConnection extends NodeList(ReconciliationRun) {}

@ObjectType({ simpleResolvers: true })
export class StartReconciliationResult {
  @Field(() => ReconciliationRun)
  run!: ReconciliationRun;

  @Field(() => Boolean, { description: 'false: a run was already under way; this is it.' })
  created!: boolean;
}
