import type { RequestContext } from '../../graphql/shared';
import type { ScheduleService } from '../scheduleService';

/** What the operations resolvers use of a request. */
export interface OpsContext extends RequestContext {
  services: { schedules: ScheduleService };
}
