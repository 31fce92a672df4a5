import { graphql } from '../gql';

/** What the side-by-side shows of each person: golden values, documents, households and members. */
export const ReviewItemDetail = graphql(`
  query ReviewItemDetail($id: ID!) {
    reviewItem(id: $id) {
      ...ReviewDetail
    }
  }

  fragment ReviewDetail on ReviewItem {
    id
    reason
    status
    version
    score
    createdAt
    decidedAt
    claimedBy
    claimedUntil
    municipalityCode
    reconciliationRunId
    explanation {
      tier
      rule
      reasons
      probability
      matchWeight
      modelVersion
      contributions {
        field
        level
        weight
      }
    }
    comparison {
      probability
      matchWeight
      outcome
      tier
      modelVersion
      scoredWith
      leftSide
      rightSide
      current {
        modelVersion
        probability
        outcome
      }
      reasons
      fields {
        field
        level
        description
        weight
        left
        right
      }
      leftDocument {
        type
        number
      }
      rightDocument {
        type
        number
      }
      leftRecord {
        id
        source
        fileName
        line
      }
      rightRecord {
        id
        source
        fileName
        line
      }
    }
    record {
      id
      source
      fileName
      line
    }
    candidateRecord {
      id
      source
      fileName
      line
    }
    link {
      linkType
      score
      reasons
    }
    personA {
      ...SidePerson
    }
    personB {
      ...SidePerson
    }
    decisions {
      id
      actor
      decision
      reason
      decidedAt
      mergeId
    }
  }

  fragment SidePerson on Person {
    id
    fullName
    birthDate
    sex
    municipality {
      code
      name
    }
    identifiers {
      type
      number
    }
    sourceRecords {
      id
      source
      fileName
      line
      status
    }
    households {
      validTo
      role {
        label
      }
      household {
        id
        source
        zone
        sisbenGroup
        municipality {
          name
        }
        members {
          order
          role {
            label
          }
          person {
            id
            fullName
            birthDate
          }
        }
      }
    }
  }
`);

export const PersonDetail = graphql(`
  query PersonDetail($id: ID!) {
    person(id: $id) {
      id
      fullName
      firstName
      secondName
      firstSurname
      secondSurname
      birthDate
      sex
      isVictim
      isDisplaced
      sisbenGroup
      sisbenSubgroup
      healthState
      mergedFrom
      municipality {
        code
        name
        department {
          name
        }
      }
      identifiers {
        type
        number
        seenCount
        sourceRecord {
          id
          source
          fileName
          line
        }
      }
      provenance {
        field
        value
        sourceRecord {
          id
          source
          fileName
          line
          importRunId
          importedAt
        }
      }
      competingValues {
        attribute
        values {
          value
          source
          won
          recordStatus
          record {
            id
            fileName
            line
          }
        }
      }
      sourceRecords {
        id
        source
        fileName
        line
        status
        importRunId
        importedAt
      }
      links {
        linkType
        score
        matchWeight
        reasons
        linkedAt
        reconciliationRunId
        modelVersion
        contributions {
          field
          level
          weight
        }
        record {
          id
          source
          fileName
          line
        }
        matchedRecord {
          id
          source
          fileName
          line
        }
      }
      households {
        validFrom
        validTo
        role {
          label
        }
        household {
          id
          source
          zone
          sisbenGroup
          sisbenSubgroup
          municipality {
            name
          }
          members {
            order
            role {
              label
            }
            person {
              id
              fullName
            }
          }
        }
      }
      merges {
        id
        mergedPersonId
        kind
        mergedAt
        movedRecords
        undoneAt
      }
      recordMoves {
        id
        fromPersonId
        toPersonId
        kind
        rule
        reconciliationRunId
        movedAt
        undoneAt
        record {
          id
          source
          fileName
          line
        }
      }
    }
  }
`);

/** Stewards and admins only: the review items about a person and their decisions, and who undid a merge or a record move (their notes). */
export const PersonHistory = graphql(`
  query PersonHistory($id: ID!) {
    person(id: $id) {
      id
      merges {
        id
        actor
        reason
        undoneBy
        undoReason
      }
      recordMoves {
        id
        undoneBy
        undoReason
      }
      reviewItems(status: [OPEN, DEFERRED, DECIDED, STALE]) {
        id
        reason
        status
        createdAt
        decidedAt
        decisions {
          id
          actor
          decision
          reason
          decidedAt
          mergeId
        }
      }
    }
  }
`);

export const PersonsByDocument = graphql(`
  query PersonsByDocument($type: DocumentType!, $number: String!) {
    personsByDocument(type: $type, number: $number) {
      id
      fullName
      birthDate
      municipality {
        name
      }
    }
  }
`);

export const PersonLogros = graphql(`
  query PersonLogros($id: ID!) {
    person(id: $id) {
      id
      logros {
        logroId
        state
        ruleVersion
        updatedAt
        logro {
          id
          text
        }
        evidence {
          reason
          details
          sourceRecord {
            id
            source
            fileName
            line
          }
          run {
            id
          }
        }
      }
    }
  }
`);
