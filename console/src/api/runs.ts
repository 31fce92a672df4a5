import { graphql } from '../gql';

export const ReconciliationRuns = graphql(`
  query ReconciliationRuns($first: Int!) {
    reconciliationRuns(first: $first) {
      nodes {
        id
        state
        trigger
        createdAt
        startedAt
        finishedAt
        processed
        recordsPending
        pairsCompared
        autoLinked
        newPersons
        reviewItems
        mergesProposed
        mergesApplied
        breakerTripped
        attempts
        failureReason
        modelVersion
        importRunId
        measuredPrecision {
          sampled
          confirmed
          rejected
          pending
          precision
          lowerBound
        }
      }
      hasNextPage
    }
  }
`);

export const StartReconciliation = graphql(`
  mutation StartReconciliation {
    startReconciliation {
      created
      run {
        id
        state
      }
    }
  }
`);

export const ImportRuns = graphql(`
  query ImportRuns($first: Int!, $after: String, $source: Source, $state: ImportState) {
    importRuns(first: $first, after: $after, source: $source, state: $state) {
      nodes {
        id
        source
        fileName
        state
        progress
        rowsTotal
        rowsLoaded
        rowsRejected
        rowsWithWarnings
        added
        changed
        disappeared
        unchanged
        createdAt
        finishedAt
        failureCode
        attempts
      }
      hasNextPage
      endCursor
    }
  }
`);

export const ImportRunDetail = graphql(`
  query ImportRunDetail($id: ID!, $after: String, $severity: IssueSeverity) {
    importRun(id: $id) {
      id
      source
      fileName
      fileBytes
      sha256
      encoding
      state
      progress
      chunksDone
      chunksTotal
      rowsTotal
      rowsLoaded
      rowsRejected
      rowsWithWarnings
      added
      changed
      disappeared
      unchanged
      errorRate
      attempts
      createdAt
      startedAt
      finishedAt
      failureCode
      failureReason
      previousRunId
      errorCounts {
        code
        field
        severity
        count
      }
      errors(first: 100, after: $after, severity: $severity) {
        nodes {
          id
          line
          field
          code
          severity
          message
        }
        hasNextPage
        endCursor
      }
    }
  }
`);

/** Row errors only, page by page, for the CSV download. */
export const ImportRunErrors = graphql(`
  query ImportRunErrors($id: ID!, $after: String) {
    importRun(id: $id) {
      id
      errors(first: 100, after: $after) {
        nodes {
          line
          field
          code
          severity
          message
        }
        hasNextPage
        endCursor
      }
    }
  }
`);

export const RetryImport = graphql(`
  mutation RetryImport($id: ID!) {
    retryImportRun(id: $id) {
      id
      state
    }
  }
`);

export const StartImport = graphql(`
  mutation StartImport($path: String!) {
    startImport(path: $path) {
      created
      run {
        id
        state
      }
    }
  }
`);
