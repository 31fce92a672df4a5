import { Arg, Ctx, Mutation, Query, Resolver } from 'type-graphql';
import { Allow, OPERATION_ROLES } from '../../graphql/shared';
import type { ScheduleView } from '../scheduleService';
import type { OpsContext } from './context';
import { RunScheduleNowResult, Schedule } from './scheduleTypes';

const toSchedule = (s: ScheduleView): Schedule => ({
  id: s.id,
  jobName: s.jobName,
  cron: s.pattern,
  timeZone: s.tz,
  everyMs: s.everyMs,
  declared: s.declared,
  live: s.live,
  nextRunAt: s.nextRunAt,
  lastRun: s.lastRun,
});

/** Schedules and retries for operators: no personal data (ids, rules, delivery states). */
@Resolver(() => Schedule)
export class ScheduleResolver {
  @Allow(...OPERATION_ROLES)
  @Query(() => [Schedule], { description: 'The job schedulers (inbox scan per source, sweeper): rule, next run, last run and its outcome.' })
  async schedules(@Ctx() ctx: OpsContext): Promise<Schedule[]> {
    return (await ctx.services.schedules.list()).map(toSchedule);
  }

  @Allow(...OPERATION_ROLES)
  @Mutation(() => RunScheduleNowResult, {
    description: 'Runs a schedule’s job now (a retry after a failed night, or a delivery that came late); its timetable is unchanged. Audited.',
  })
  async runScheduleNow(@Arg('id', () => String, { description: 'Schedule.id' }) id: string, @Ctx() ctx: OpsContext) {
    const o = await ctx.services.schedules.runNow(id);
    if (o.kind === 'notFound') return { kind: 'ScheduleNotFound' as const, message: o.message };
    return { kind: 'ScheduleRunQueued' as const, jobId: o.jobId, schedule: toSchedule(o.schedule) };
  }
}
