import { EXPORT_STATES, graphqlEnumOf } from '../../../schema';
import { Field, Float, ID, Int, ObjectType, registerEnumType } from 'type-graphql';
import { Allow, RecordStatus, Source, DateTimeScalar, PersonalType, Sensitive } from '../../graphql/shared';
import { Contribution } from './reviewTypes';

export const LinkType = {
  NEW_PERSON: 'new_person',
  DETERMINISTIC: 'deterministic',
  PHONETIC: 'phonetic',
  PROBABILISTIC: 'probabilistic',
  STEWARD: 'steward',
} as const;
registerEnumType(LinkType, {
  name: 'LinkType',
  description:
    'How a record joined its person: it started a new person, or matched a record already linked (deterministic, phonetic or probabilistic tier), or a steward placed it.',
});

@ObjectType({ description: 'How one source record came to belong to its person: the explanation of a link.' })
@PersonalType()
export class RecordLink {
  @Field(() => LinkType)
  @Sensitive('public')
  linkType!: string;

  @Field(() => Float, { nullable: true, description: 'Match probability against the record it matched (null for a new person or a steward placement).' })
  @Sensitive('public')
  score!: number | null;

  @Field(() => Float, { nullable: true, description: 'Sum of the evidence in bits.' })
  @Sensitive('public')
  matchWeight!: number | null;

  @Field(() => [String], { description: 'Decision reason codes.' })
  @Sensitive('public')
  reasons!: string[];

  @Field(() => String, {
    nullable: true,
    description:
      'The rule that decided the link, a stable identifier (deterministic.same_document_same_names, phonetic.no_document, model.fellegi_sunter(<model version>), steward.same_person_pin…).',
  })
  @Sensitive('public')
  rule!: string | null;

  @Field(() => [Contribution], { description: 'Per-field evidence: level and weight of each compared field.' })
  @Sensitive('public')
  contributions!: Contribution[];

  @Field(() => String, { nullable: true })
  @Sensitive('public')
  modelVersion!: string | null;

  @Field(() => ID, { nullable: true, description: 'The reconciliation run that made (or last re-examined) the link.' })
  @Sensitive('public')
  reconciliationRunId!: string | null;

  @Field(() => DateTimeScalar)
  @Sensitive('public')
  linkedAt!: Date;

  recordId!: number;
  matchedRecordId!: number | null;
  personId!: number;
  runId!: number | null;
}

@ObjectType({ description: 'A person merged into this one (automatically or by a steward). Undo with unmerge(mergeId).' })
@PersonalType()
export class PersonMerge {
  @Field(() => ID, { description: 'Pass to unmerge.' })
  @Sensitive('public')
  id!: string;

  @Field(() => ID, { description: 'Public id of the person merged away (it resolves to this person while the merge stands).' })
  @Sensitive('public')
  mergedPersonId!: string;

  @Field(() => String, { description: 'automatic or steward.' })
  @Sensitive('public')
  kind!: string;

  // Who merged and why are the stewards' own working notes (free text may name people): stewards
  // and admins only; a reader selecting them is refused before execution.
  @Field(() => String, { description: 'Who merged (client:<public id> or system:reconciliation). Stewards and admins only.' })
  @Sensitive('public')
  @Allow('steward', 'admin')
  actor!: string;

  @Field(() => String, { description: 'Why (a steward’s free text, or the automatic rule). Stewards and admins only.' })
  @Sensitive('personal')
  @Allow('steward', 'admin')
  reason!: string;

  @Field(() => Int, { description: 'Records the merge moved.' })
  @Sensitive('public')
  movedRecords!: number;

  @Field(() => ID, { nullable: true })
  @Sensitive('public')
  reconciliationRunId!: string | null;

  @Field(() => DateTimeScalar)
  @Sensitive('public')
  mergedAt!: Date;

  @Field(() => DateTimeScalar, { nullable: true })
  @Sensitive('public')
  undoneAt!: Date | null;

  @Field(() => String, { nullable: true, description: 'Who undid it. Stewards and admins only.' })
  @Sensitive('public')
  @Allow('steward', 'admin')
  undoneBy!: string | null;

  @Field(() => String, { nullable: true, description: 'Why it was undone (a steward’s free text). Stewards and admins only.' })
  @Sensitive('personal')
  @Allow('steward', 'admin')
  undoReason!: string | null;
}

@ObjectType({ description: 'One source record moved from one person to another (a relink). Undo with undoRecordMove(moveId).' })
@PersonalType()
export class RecordMove {
  @Field(() => ID, { description: 'Pass to undoRecordMove.' })
  @Sensitive('public')
  id!: string;

  @Field(() => ID, { description: 'Public id of the person the record moved from.' })
  @Sensitive('public')
  fromPersonId!: string;

  @Field(() => ID, { description: 'Public id of the person the record moved to.' })
  @Sensitive('public')
  toPersonId!: string;

  @Field(() => String, { description: 'automatic or steward.' })
  @Sensitive('public')
  kind!: string;

  @Field(() => String, { nullable: true, description: 'The relink rule that moved it (relink.deterministic_evidence); null for a steward’s move.' })
  @Sensitive('public')
  rule!: string | null;

  @Field(() => ID, { nullable: true })
  @Sensitive('public')
  reconciliationRunId!: string | null;

  @Field(() => DateTimeScalar)
  @Sensitive('public')
  movedAt!: Date;

  @Field(() => DateTimeScalar, { nullable: true })
  @Sensitive('public')
  undoneAt!: Date | null;

  @Field(() => String, { nullable: true, description: 'Who undid it. Stewards and admins only.' })
  @Sensitive('public')
  @Allow('steward', 'admin')
  undoneBy!: string | null;

  @Field(() => String, { nullable: true, description: 'Why it was undone (a steward’s free text). Stewards and admins only.' })
  @Sensitive('personal')
  @Allow('steward', 'admin')
  undoReason!: string | null;

  entityId!: number;
}

@ObjectType({ description: 'The value one linked record holds for a golden attribute.' })
@PersonalType()
export class CompetingValue {
  @Field(() => String, { nullable: true })
  @Sensitive('personal')
  value!: string | null;

  @Field(() => Source)
  @Sensitive('public')
  source!: string;

  @Field(() => RecordStatus)
  @Sensitive('public')
  recordStatus!: string;

  @Field(() => Boolean, { description: 'This record’s value is the golden one (survivorship: source precedence, then the most recent).' })
  @Sensitive('public')
  won!: boolean;

  recordId!: number;
  personId!: number;
}

@ObjectType({ description: 'For one golden attribute, what every linked record says.' })
@PersonalType()
export class CompetingValues {
  @Field(() => String, { description: 'name, birthDate, sex or municipality.' })
  @Sensitive('public')
  attribute!: string;

  @Field(() => [CompetingValue])
  @Sensitive('personal')
  values!: CompetingValue[];
}

export const LinksExportState = graphqlEnumOf(EXPORT_STATES);
registerEnumType(LinksExportState, { name: 'LinksExportState' });

@ObjectType({
  simpleResolvers: true,
  description:
    'A links export ("cruce"): a CSV of source,file,line,person_id,link_type,score written to the server’s EXPORT_DIR (owner-only). ' +
    'The file is not served over the API: it links persons to registries and is handed over by the hub’s operators.',
})
export class LinksExport {
  @Field(() => ID)
  id!: string;

  @Field(() => LinksExportState)
  state!: string;

  @Field(() => Source, { nullable: true, description: 'null: every source.' })
  source!: string | null;

  @Field(() => String, { nullable: true, description: 'File name inside EXPORT_DIR, once done.' })
  fileName!: string | null;

  @Field(() => Int)
  rows!: number;

  @Field(() => String)
  requestedBy!: string;

  @Field(() => String, { nullable: true })
  failureReason!: string | null;

  @Field(() => DateTimeScalar)
  createdAt!: Date;

  @Field(() => DateTimeScalar, { nullable: true })
  finishedAt!: Date | null;
}
