import { Field, Int, ObjectType } from 'type-graphql';
import { DateTimeScalar } from './scalars';

/**
 * When a durable run (import, reconciliation, cruce) was created, started and finished, and how many
 * attempts it took: every run type extends it, so operators read one vocabulary across the runs.
 */
@ObjectType()
export abstract class RunTimes {
  @Field(() => Int, { description: 'Times a process has taken the run up (more than 1 after a crash or a retry).' })
  attempts!: number;

  @Field(() => DateTimeScalar)
  createdAt!: Date;

  @Field(() => DateTimeScalar, { nullable: true })
  startedAt!: Date | null;

  @Field(() => DateTimeScalar, { nullable: true })
  finishedAt!: Date | null;
}
