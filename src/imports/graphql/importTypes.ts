import { IMPORT_STATES, graphqlEnumOf } from '../../../schema';
import { NodeList, RunTimes, Source, JSONScalar } from '../../graphql/shared';
import { Field, Float, ID, Int, ObjectType, registerEnumType } from 'type-graphql';
export const ImportState = graphqlEnumOf(IMPORT_STATES);
registerEnumType(ImportState, {
  name: 'ImportState',
  description: 'received (pending a worker) → parsing → staged → applied → done, or failed.',
});

export const IssueSeverity = { ERROR: 'error', WARNING: 'warning' } as const;
registerEnumType(IssueSeverity, { name: 'IssueSeverity' });

@ObjectType({ simpleResolvers: true, description: 'One problem with one row of an imported file. Messages never quote the value.' })
export class ImportRowError {
  @Field(() => ID)
  id!: string;

  @Field(() => Int, { description: 'Physical 1-based line of the file (the header is line 1).' })
  line!: number;

  @Field(() => String, { description: 'Column as the source names it, or (row).' })
  field!: string;

  @Field(() => String, { description: 'Stable code, e.g. INVALID_DATE, UNKNOWN_MUNICIPALITY, DUPLICATE_KEY.' })
  code!: string;

  @Field(() => String)
  message!: string;

  @Field(() => IssueSeverity)
  severity!: string;
}

@ObjectType({ simpleResolvers: true })
export class ImportRowErrorConnection extends NodeList(ImportRowError) {}

@ObjectType({ simpleResolvers: true })
export class ErrorCount {
  @Field(() => String)
  code!: string;

  @Field(() => String)
  field!: string;

  @Field(() => IssueSeverity)
  severity!: string;

  @Field(() => Int)
  count!: number;
}

@ObjectType({ simpleResolvers: true, description: 'Why records were held back from disappearing: rows the hub could not read might be theirs.' })
export class HeldBackReason {
  @Field(() => String, {
    description:
      'UNREADABLE_ROWS (rejected rows naming no record: every absent record held back), CUT_OFF_LAST_LINE (the file ends in a rejected line without a line break), POSSIBLE_KEYS (rows read only with another delimiter: their records held back).',
  })
  code!: string;

  @Field(() => Int, { description: 'Rows of the file behind the reason.' })
  rows!: number;
}

@ObjectType({ description: 'An import of one registry file: a durable state machine with counters and a diff against the previous snapshot.' })
export class ImportRun extends RunTimes {
  @Field(() => ID)
  id!: string;

  @Field(() => Source)
  source!: string;

  @Field(() => String)
  fileName!: string;

  @Field(() => String, { description: 'SHA-256 of the file bytes: the same bytes never import twice.' })
  sha256!: string;

  @Field(() => Float)
  fileBytes!: number;

  @Field(() => String, { nullable: true, description: 'utf-8 or windows-1252 (Latin-1 files decode as windows-1252).' })
  encoding!: string | null;

  @Field(() => ImportState)
  state!: string;

  @Field(() => Float, { description: 'Share of the file parsed, 0–1.' })
  progress!: number;

  @Field(() => Int)
  rowsTotal!: number;

  @Field(() => Int)
  rowsLoaded!: number;

  @Field(() => Int)
  rowsRejected!: number;

  @Field(() => Int)
  rowsWithWarnings!: number;

  @Field(() => Int, { description: 'Records new in this snapshot (or back after having disappeared).' })
  added!: number;

  @Field(() => Int, { description: 'Records whose content changed since the previous snapshot.' })
  changed!: number;

  @Field(() => Int)
  unchanged!: number;

  @Field(() => Int, { description: 'Records of the previous snapshot absent from this one (marked, never deleted).' })
  disappeared!: number;

  @Field(() => Int, { description: 'Records whose row in this extract was rejected (with a readable key): they keep their previous version.' })
  keptRejected!: number;

  @Field(() => Int, { description: 'Absent records held back from disappearing because unreadable rows might be theirs (see heldBackReasons).' })
  heldBack!: number;

  @Field(() => [HeldBackReason])
  heldBackReasons!: HeldBackReason[];

  @Field(() => Int)
  chunksTotal!: number;

  @Field(() => Int)
  chunksDone!: number;

  @Field(() => Float, { nullable: true })
  errorRate!: number | null;

  @Field(() => Float, {
    nullable: true,
    description:
      'The run’s limit on the share of rejected rows (ERROR_RATE_EXCEEDED above it): given at submission or retry, else the settings of the process that submitted it.',
  })
  maxErrorRate!: number | null;

  @Field(() => Float, {
    nullable: true,
    description: 'The run’s limit on the share of the source’s records one extract may make disappear (DISAPPEARANCE_LIMIT_EXCEEDED above it).',
  })
  maxDisappearedRate!: number | null;

  @Field(() => String, { nullable: true, description: 'Why the run failed, e.g. ERROR_RATE_EXCEEDED, WRONG_COLUMN_COUNT.' })
  failureCode!: string | null;

  @Field(() => String, { nullable: true })
  failureReason!: string | null;

  @Field(() => [ErrorCount], { description: 'Row issues counted by code and field.' })
  errorCounts!: ErrorCount[];

  @Field(() => JSONScalar, { nullable: true, description: 'Nightly summary: rows, errors, diff counts, links, review items.' })
  summary!: unknown;

  @Field(() => ID, { nullable: true, description: 'The previous accepted snapshot of the same source this run was diffed against.' })
  previousRunId!: string | null;

  internalId!: number;
}

@ObjectType({ simpleResolvers: true })
export class ImportRunConnection extends NodeList(ImportRun) {}

@ObjectType({ simpleResolvers: true })
export class StartImportResult {
  @Field(() => ImportRun)
  run!: ImportRun;

  @Field(() => Boolean, {
    description: 'false when the same bytes were already submitted with the same source and that run did not fail: the existing run is returned.',
  })
  created!: boolean;

  @Field(() => [ID], { description: 'Failed runs of the same bytes this new run follows (a failed run never blocks its bytes).' })
  failedBefore!: string[];
}
