import { EXPORT_STATES, graphqlEnumOf } from '../../../schema';
import { Field, ID, Int, ObjectType, registerEnumType } from 'type-graphql';
import { DateTimeScalar } from '../../graphql/shared';

export const LogroExportFormat = { CSV: 'csv', XLSX: 'xlsx' } as const;
registerEnumType(LogroExportFormat, { name: 'LogroExportFormat' });

export const LogroExportKind = { TERRITORIAL_REPORT: 'territorial_report', PENDING_HOUSEHOLDS: 'pending_households' } as const;
registerEnumType(LogroExportKind, { name: 'LogroExportKind' });

export const LogroExportState = graphqlEnumOf(EXPORT_STATES);
registerEnumType(LogroExportState, { name: 'LogroExportState' });

@ObjectType({
  simpleResolvers: true,
  description:
    'An export of the outcome layer written by a background job to the server’s EXPORT_DIR (owner-only; handed over by the hub’s operators, not served over the API). ' +
    'Poll it for progress.',
})
export class LogroExport {
  @Field(() => ID)
  id!: string;

  @Field(() => LogroExportKind)
  kind!: string;

  @Field(() => LogroExportFormat)
  format!: string;

  @Field(() => LogroExportState)
  state!: string;

  @Field(() => Int, { description: 'Rows written so far.' })
  rowsDone!: number;

  @Field(() => Int, { nullable: true, description: 'Rows the file will have (known once the job started).' })
  rowsTotal!: number | null;

  @Field(() => String, { nullable: true, description: 'File name inside EXPORT_DIR, once done.' })
  fileName!: string | null;

  @Field(() => String)
  requestedBy!: string;

  @Field(() => String, { nullable: true })
  failureReason!: string | null;

  @Field(() => DateTimeScalar)
  createdAt!: Date;

  @Field(() => DateTimeScalar, { nullable: true })
  finishedAt!: Date | null;
}
