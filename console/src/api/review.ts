import { graphql } from '../gql';

export const REASONS = [
  'POSSIBLE_MATCH',
  'DOCUMENT_CONFLICT',
  'POSSIBLE_TWINS',
  'MERGE_HELD_BY_BREAKER',
  'LINKED_RECORD_CHANGED',
  'HOUSEHOLD_CHANGE',
  'AUTO_LINK_AUDIT',
  'RELINK_CANDIDATE',
] as const;

export const ReviewQueue = graphql(`
  query ReviewQueue(
    $first: Int!
    $after: String
    $reason: [ReviewReason!]
    $municipality: String
    $status: [ReviewStatus!]
    $minScore: Float
    $maxScore: Float
    $hasScore: Boolean
    $raisedBefore: DateTime
  ) {
    reviewItems(
      first: $first
      after: $after
      reason: $reason
      municipality: $municipality
      status: $status
      minScore: $minScore
      maxScore: $maxScore
      hasScore: $hasScore
      raisedBefore: $raisedBefore
    ) {
      totalCount
      nodes {
        id
        reason
        status
        score
        createdAt
        municipalityCode
        claimedBy
        claimedUntil
        personA {
          id
          fullName
        }
        personB {
          id
          fullName
        }
        record {
          id
          source
        }
      }
      hasNextPage
      endCursor
    }
  }
`);

export const ReviewCountsQuery = graphql(`
  query ReviewCountsQuery($municipality: String, $status: [ReviewStatus!]) {
    reviewCounts(municipality: $municipality, status: $status) {
      total
      byReason {
        reason
        count
      }
      byStatus {
        status
        count
      }
    }
  }
`);

export const ClaimItem = graphql(`
  mutation ClaimItem($id: ID!) {
    claimReviewItem(id: $id) {
      __typename
      ... on ReviewItemClaimed {
        claimedUntil
        item {
          ...ReviewDetail
        }
      }
      ... on ClaimedByOther {
        claimedUntil
      }
      ... on AlreadyDecided {
        previousDecision {
          actor
          decision
          decidedAt
        }
      }
      ... on StaleItem {
        message
      }
      ... on NotFound {
        message
      }
    }
  }
`);

export const ReleaseItem = graphql(`
  mutation ReleaseItem($id: ID!) {
    releaseReviewItem(id: $id) {
      __typename
      ... on ClaimedByOther {
        claimedUntil
      }
      ... on NotFound {
        message
      }
    }
  }
`);

export const DecideItem = graphql(`
  mutation DecideItem($id: ID!, $decision: ReviewDecisionKind!, $reason: String!, $expectedVersion: Int!) {
    decideReviewItem(id: $id, decision: $decision, reason: $reason, expectedVersion: $expectedVersion) {
      __typename
      ... on ReviewDecided {
        decision
        decisionId
        mergeId
        person {
          id
        }
        newPerson {
          id
        }
      }
      ... on Conflict {
        message
        currentVersion
      }
      ... on AlreadyDecided {
        previousDecision {
          actor
          decision
          decidedAt
        }
      }
      ... on ClaimedByOther {
        claimedUntil
      }
      ... on StaleItem {
        message
      }
      ... on InvalidDecision {
        message
      }
      ... on NotFound {
        message
      }
    }
  }
`);

export const Unmerge = graphql(`
  mutation UnmergeMerge($mergeId: ID!, $reason: String!) {
    unmerge(mergeId: $mergeId, reason: $reason) {
      __typename
      ... on Unmerged {
        mergeId
        survivor {
          id
        }
        restored {
          id
        }
      }
      ... on MergeSuperseded {
        laterMergeId
      }
      ... on MergeAlreadyUndone {
        undoneAt
      }
      ... on Conflict {
        message
      }
      ... on NotFound {
        message
      }
    }
  }
`);

export const UndoRecordMove = graphql(`
  mutation UndoRecordMove($moveId: ID!, $reason: String!) {
    undoRecordMove(moveId: $moveId, reason: $reason) {
      __typename
      ... on RecordMoveUndone {
        moveId
        person {
          id
        }
      }
      ... on RecordMoveAlreadyUndone {
        undoneAt
      }
      ... on RecordMoveSuperseded {
        message
      }
      ... on Conflict {
        message
      }
      ... on NotFound {
        message
      }
    }
  }
`);
