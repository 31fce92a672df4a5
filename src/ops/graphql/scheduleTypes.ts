import { createUnionType, Field, Int, ObjectType, registerEnumType } from 'type-graphql';
import { DateTimeScalar } from '../../graphql/shared';

export const ScheduledRunState = { WAITING: 'waiting', ACTIVE: 'active', COMPLETED: 'completed', FAILED: 'failed' } as const;
registerEnumType(ScheduledRunState, { name: 'ScheduledRunState', description: 'A scheduled job’s delivery state (the runs it starts have their own).' });

@ObjectType({ simpleResolvers: true, description: 'The latest job of a schedule: due, running or finished.' })
export class ScheduledRun {
  @Field(() => String)
  jobId!: string;

  @Field(() => Boolean, { description: 'Started by hand (runScheduleNow) rather than by the timetable.' })
  manual!: boolean;

  @Field(() => ScheduledRunState)
  state!: string;

  @Field(() => DateTimeScalar, { description: 'When it was due, or requested.' })
  at!: Date;

  @Field(() => DateTimeScalar, { nullable: true })
  startedAt!: Date | null;

  @Field(() => DateTimeScalar, { nullable: true })
  finishedAt!: Date | null;

  @Field(() => Int, { description: 'Attempts made (failed ones are retried with backoff).' })
  attempts!: number;

  @Field(() => String, { nullable: true, description: 'Why it failed (a scrubbed message: never personal data).' })
  failedReason!: string | null;
}

@ObjectType({ simpleResolvers: true, description: 'A periodic job of the hub (BullMQ job scheduler with Redis; in-process without).' })
export class Schedule {
  @Field(() => String, { description: 'Stable id, e.g. inbox-scan-sisben, runs-sweep.' })
  id!: string;

  @Field(() => String, { description: 'The job it runs: inbox.scan or runs.sweep.' })
  jobName!: string;

  @Field(() => String, { nullable: true, description: 'Cron pattern (null for an interval).' })
  cron!: string | null;

  @Field(() => String, { nullable: true, description: 'Time zone of the cron pattern.' })
  timeZone!: string | null;

  @Field(() => Int, { nullable: true, description: 'Interval in milliseconds (null for a cron pattern).' })
  everyMs!: number | null;

  @Field(() => Boolean, { description: 'Declared by the hub’s configuration.' })
  declared!: boolean;

  @Field(() => Boolean, { description: 'Held by the queue. With Redis, false until a worker has declared it (start one).' })
  live!: boolean;

  @Field(() => DateTimeScalar, { nullable: true })
  nextRunAt!: Date | null;

  @Field(() => ScheduledRun, { nullable: true, description: 'Its latest job and its outcome; null when it never ran (or the queue no longer keeps it).' })
  lastRun!: ScheduledRun | null;
}

@ObjectType({ simpleResolvers: true, description: 'The schedule’s job was queued; follow it in lastRun.' })
export class ScheduleRunQueued {
  @Field(() => String)
  jobId!: string;

  @Field(() => Schedule)
  schedule!: Schedule;

  kind = 'ScheduleRunQueued' as const;
}

@ObjectType({ simpleResolvers: true, description: 'No schedule by that id.' })
export class ScheduleNotFound {
  @Field(() => String)
  message!: string;

  kind = 'ScheduleNotFound' as const;
}

const runNowTypes = [ScheduleRunQueued, ScheduleNotFound] as const;
export const RunScheduleNowResult = createUnionType({
  name: 'RunScheduleNowResult',
  types: () => runNowTypes,
  resolveType: (v: { kind: string }) => v.kind,
});
