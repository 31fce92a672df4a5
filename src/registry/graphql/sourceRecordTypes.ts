import { Field, ID, Int, ObjectType } from 'type-graphql';
import { RecordStatus, Source, DateTimeScalar, PersonalType, Sensitive } from '../../graphql/shared';
import type { LineLocation, RecordLocation } from '../../archive';

/** A record's raw line: a legacy copy (records imported before the archive existed), or its place in the archive. */
export type RawLineSource = { copy: string } | { archived: LineLocation };

/**
 * A record's normalized values: the copy records written before 0026 keep, or where to re-derive them
 * (its archived line, read with the run's connector and checked against its content digest).
 */
export type ValuesSource = { stored: unknown } | { derived: RecordLocation };

@ObjectType({ description: 'An imported row: where a value came from (provenance).' })
@PersonalType<SourceRecord>({ auditSubject: (r) => ({ subjectType: 'source_record', subjectId: r.id, personId: r.personId }) })
export class SourceRecord {
  @Field(() => ID)
  @Sensitive('public')
  id!: string;

  @Field(() => Source)
  @Sensitive('public')
  source!: string;

  @Field(() => ID, { description: 'The import run that loaded this version of the record.' })
  @Sensitive('public')
  importRunId!: string;

  @Field(() => String)
  @Sensitive('public')
  fileName!: string;

  @Field(() => Int, { description: 'Physical 1-based line in the file (the header is line 1).' })
  @Sensitive('public')
  line!: number;

  @Field(() => RecordStatus, { description: 'VANISHED when a later extract of the source no longer has this record.' })
  @Sensitive('public')
  status!: string;

  @Field(() => DateTimeScalar)
  @Sensitive('public')
  importedAt!: Date;

  @Field(() => String, { description: 'Deterministic key of the record within its source.' })
  @Sensitive('identifier')
  sourceKey!: string;

  /** Where the raw line is (resolved by SourceRecordResolver.raw from the archive); not a field. */
  rawAt!: RawLineSource;

  /** Where the normalized values are (resolved by SourceRecordResolver.normalized); not a field. */
  valuesAt!: ValuesSource;

  personId!: number | null;
}
