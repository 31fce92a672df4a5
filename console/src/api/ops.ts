import { graphql } from '../gql';

export const Schedules = graphql(`
  query Schedules {
    schedules {
      id
      jobName
      cron
      timeZone
      everyMs
      declared
      live
      nextRunAt
      lastRun {
        jobId
        manual
        state
        at
        startedAt
        finishedAt
        attempts
        failedReason
      }
    }
  }
`);

export const RunScheduleNow = graphql(`
  mutation RunScheduleNow($id: String!) {
    runScheduleNow(id: $id) {
      __typename
      ... on ScheduleRunQueued {
        jobId
        schedule {
          id
        }
      }
      ... on ScheduleNotFound {
        message
      }
    }
  }
`);

export const TerritorialReportQuery = graphql(`
  query TerritorialReportQuery($level: TerritoryLevel!, $department: String, $logros: [Int!]) {
    territorialReport(level: $level, department: $department, logros: $logros) {
      level
      disclosureThreshold
      lines {
        logroId
        department {
          code
          name
        }
        municipality {
          code
          name
        }
        demand {
          value
          suppressed
        }
        supply
        gap {
          value
          suppressed
        }
        reached {
          value
          suppressed
        }
        withoutData {
          value
          suppressed
        }
      }
    }
  }
`);

export const LogroCatalogue = graphql(`
  query LogroCatalogue {
    logroDimensions {
      id
      logros {
        id
        text
      }
    }
  }
`);
