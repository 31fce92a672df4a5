/* eslint-disable */
/** Internal type. DO NOT USE DIRECTLY. */
type Exact<T extends { [key: string]: unknown }> = { [K in keyof T]: T[K] };
/** Internal type. DO NOT USE DIRECTLY. */
export type Incremental<T> = T | { [P in keyof T]?: P extends ' $fragmentName' | '__typename' ? T[P] : never };
import type { DocumentTypeDecoration } from '@graphql-typed-document-node/core';
/** Normalized affiliation state. */
export type AffiliationState =
  | 'ACTIVO'
  | 'DESAFILIADO'
  | 'FALLECIDO'
  | 'OTRO'
  | 'PROTECCION_LABORAL'
  | 'RETIRADO'
  | 'SUSPENDIDO';

/** Which model scored a comparison. */
export type ComparisonModel =
  /** Today’s model: the raising model is no longer stored (or the item names none). */
  | 'CURRENT_MODEL'
  /** The model that raised the item (the one its explanation and score come from). */
  | 'RAISING_MODEL';

/** Identity document type, by SISPRO letter code (TipoIdPISIS). */
export type DocumentType =
  /** Adulto sin identificación */
  | 'AS'
  /** Cédula de ciudadanía */
  | 'CC'
  /** Carné diplomático */
  | 'CD'
  /** Cédula de extranjería */
  | 'CE'
  /** Certificado de nacido vivo */
  | 'CN'
  /** Documento extranjero (DNI del país de origen) */
  | 'DE'
  /** Menor sin identificación */
  | 'MS'
  /** Número único de identificación personal (NUIP) */
  | 'NU'
  /** Pasaporte */
  | 'PA'
  /** Permiso especial de permanencia (PEP) */
  | 'PE'
  /** Permiso por protección temporal (PPT) */
  | 'PT'
  /** Registro civil de nacimiento */
  | 'RC'
  /** Salvoconducto de permanencia o para refugiado */
  | 'SC'
  /** Sin identificación */
  | 'SI'
  /** Tarjeta de identidad */
  | 'TI';

/** received (pending a worker) → parsing → staged → applied → done, or failed. */
export type ImportState =
  | 'APPLIED'
  | 'DONE'
  | 'FAILED'
  | 'PARSING'
  | 'RECEIVED'
  | 'STAGED';

export type IssueSeverity =
  | 'ERROR'
  | 'WARNING';

/** How a record joined its person: it started a new person, or matched a record already linked (deterministic, phonetic or probabilistic tier), or a steward placed it. */
export type LinkType =
  | 'DETERMINISTIC'
  | 'NEW_PERSON'
  | 'PHONETIC'
  | 'PROBABILISTIC'
  | 'STEWARD';

/** State of a Logro Básico (Estrategia UNIDOS), plus SIN_DATO when the registries the hub holds cannot tell. */
export type LogroState =
  /** Reached. */
  | 'ALCANZADO'
  /** The logro does not apply (e.g. LB 45 for a family that is not displaced). */
  | 'NO_APLICA'
  /** Not reached yet (por alcanzar): demand for the local offer. */
  | 'POR_ALCANZAR'
  /** No data to decide (a source not loaded, no other source to compare with). */
  | 'SIN_DATO';

/** personA or personB of a review item. */
export type PairSide =
  | 'A'
  | 'B';

/** pending → running (matching batches) → merging (held merges, household checks, audit sample) → done; failed when the circuit breaker held merges back. */
export type ReconciliationState =
  | 'DONE'
  | 'FAILED'
  | 'MERGING'
  | 'PENDING'
  | 'RUNNING';

/** ACTIVE while the record is in its source's latest extract; VANISHED once a later extract no longer has it. */
export type RecordStatus =
  | 'ACTIVE'
  | 'VANISHED';

export type ReviewDecisionKind =
  /** Keep the item in the queue (DEFERRED) with the reason. */
  | 'DEFER'
  /** Pin the records apart; for a linked record (audit sample, changed record, household change), detach it into a new person. */
  | 'DIFFERENT_PERSONS'
  /** Merge the two persons (survivor: the older) and pin the records together; for a single-person item, confirm and pin. */
  | 'SAME_PERSON';

/** Why the engine asks a steward (docs/stewardship.md). */
export type ReviewReason =
  /** A random sample of automatic links: the verdicts measure their precision. */
  | 'AUTO_LINK_AUDIT'
  /** Same document number on what look like different people (shared or mistyped document). */
  | 'DOCUMENT_CONFLICT'
  /** A person now appears in a second household (a move or a split): is the new membership the same person? */
  | 'HOUSEHOLD_CHANGE'
  /** A linked record changed and no longer agrees with the rest of its person: does it still belong there? */
  | 'LINKED_RECORD_CHANGED'
  /** An automatic merge of two existing persons held back by the circuit breaker. */
  | 'MERGE_HELD_BY_BREAKER'
  /** Match probability between the review and link thresholds: are these two persons one? */
  | 'POSSIBLE_MATCH'
  /** Same household and birth date, names too close to tell twins from a duplicate. */
  | 'POSSIBLE_TWINS'
  /** A later record makes another person a better match for a linked record: does the record belong with the candidate record? SAME_PERSON moves it there; DIFFERENT_PERSONS keeps it where it is. */
  | 'RELINK_CANDIDATE';

/** OPEN and DEFERRED items are the queue; STALE ones concern a person merged or changed since (the engine raises a new item if still in doubt). */
export type ReviewStatus =
  | 'DECIDED'
  | 'DEFERRED'
  | 'OPEN'
  | 'STALE';

/** A scheduled job’s delivery state (the runs it starts have their own). */
export type ScheduledRunState =
  | 'ACTIVE'
  | 'COMPLETED'
  | 'FAILED'
  | 'WAITING';

export type Sex =
  /** Mujer */
  | 'F'
  /** Intersexual */
  | 'I'
  /** Hombre */
  | 'M';

/** Sisbén IV group. */
export type SisbenGroup =
  /** Pobreza extrema */
  | 'A'
  /** Pobreza moderada */
  | 'B'
  /** Vulnerable */
  | 'C'
  /** Población no pobre, no vulnerable */
  | 'D';

/** Registry a record was imported from. */
export type Source =
  /** BDUA (ADRES): health affiliation, maestro de afiliados. */
  | 'BDUA'
  | 'OFERTA'
  /** RUAF (MinSalud/SISPRO): affiliations to every social-protection subsystem. */
  | 'RUAF'
  /** RUV / RUPD (Unidad para las Víctimas): victims and displaced population. */
  | 'RUV'
  /** Sisbén IV (DNP): socioeconomic classification, households. */
  | 'SISBEN'
  | 'SISBEN_HOGARES';

/** The territory each line of a report stands for. */
export type TerritoryLevel =
  | 'DEPARTMENT'
  | 'MUNICIPALITY'
  | 'NATIONAL';

/** Sisbén / DANE clase: cabecera municipal, centro poblado, rural disperso. */
export type Zone =
  | 'CABECERA'
  | 'CENTRO_POBLADO'
  | 'RURAL_DISPERSO';

export type SchedulesQueryVariables = Exact<{ [key: string]: never; }>;


export type SchedulesQuery = { schedules: Array<{ id: string, jobName: string, cron: string | null, timeZone: string | null, everyMs: number | null, declared: boolean, live: boolean, nextRunAt: string | null, lastRun: { jobId: string, manual: boolean, state: ScheduledRunState, at: string, startedAt: string | null, finishedAt: string | null, attempts: number, failedReason: string | null } | null }> };

export type RunScheduleNowMutationVariables = Exact<{
  id: string;
}>;


export type RunScheduleNowMutation = { runScheduleNow:
    | { __typename: 'ScheduleNotFound', message: string }
    | { __typename: 'ScheduleRunQueued', jobId: string, schedule: { id: string } }
   };

export type TerritorialReportQueryQueryVariables = Exact<{
  level: TerritoryLevel;
  department?: string | null | undefined;
  logros?: Array<number> | number | null | undefined;
}>;


export type TerritorialReportQueryQuery = { territorialReport: { level: TerritoryLevel, disclosureThreshold: number | null, lines: Array<{ logroId: number, supply: number, department: { code: string, name: string } | null, municipality: { code: string, name: string } | null, demand: { value: number | null, suppressed: boolean }, gap: { value: number | null, suppressed: boolean }, reached: { value: number | null, suppressed: boolean }, withoutData: { value: number | null, suppressed: boolean } }> } };

export type LogroCatalogueQueryVariables = Exact<{ [key: string]: never; }>;


export type LogroCatalogueQuery = { logroDimensions: Array<{ id: number, logros: Array<{ id: number, text: string }> }> };

export type ReviewItemDetailQueryVariables = Exact<{
  id: string | number;
}>;


export type ReviewItemDetailQuery = { reviewItem: { id: string, reason: ReviewReason, status: ReviewStatus, version: number, score: number | null, createdAt: string, decidedAt: string | null, claimedBy: string | null, claimedUntil: string | null, municipalityCode: string | null, reconciliationRunId: string | null, explanation: { tier: string | null, rule: string | null, reasons: Array<string>, probability: number | null, matchWeight: number | null, modelVersion: string | null, contributions: Array<{ field: string, level: string, weight: number }> } | null, comparison: { probability: number, matchWeight: number, outcome: string, tier: string, modelVersion: string, scoredWith: ComparisonModel, leftSide: PairSide | null, rightSide: PairSide | null, reasons: Array<string>, current: { modelVersion: string, probability: number, outcome: string }, fields: Array<{ field: string, level: string, description: string, weight: number, left: string | null, right: string | null }>, leftDocument: { type: DocumentType | null, number: string | null }, rightDocument: { type: DocumentType | null, number: string | null }, leftRecord: { id: string, source: Source, fileName: string, line: number } | null, rightRecord: { id: string, source: Source, fileName: string, line: number } | null } | null, record: { id: string, source: Source, fileName: string, line: number } | null, candidateRecord: { id: string, source: Source, fileName: string, line: number } | null, link: { linkType: LinkType, score: number | null, reasons: Array<string> } | null, personA: { id: string, fullName: string | null, birthDate: string | null, sex: Sex | null, municipality: { code: string, name: string } | null, identifiers: Array<{ type: DocumentType, number: string }>, sourceRecords: Array<{ id: string, source: Source, fileName: string, line: number, status: RecordStatus }>, households: Array<{ validTo: string | null, role: { label: string } | null, household: { id: string, source: Source, zone: Zone | null, sisbenGroup: SisbenGroup | null, municipality: { name: string }, members: Array<{ order: number | null, role: { label: string } | null, person: { id: string, fullName: string | null, birthDate: string | null } | null }> } | null }> } | null, personB: { id: string, fullName: string | null, birthDate: string | null, sex: Sex | null, municipality: { code: string, name: string } | null, identifiers: Array<{ type: DocumentType, number: string }>, sourceRecords: Array<{ id: string, source: Source, fileName: string, line: number, status: RecordStatus }>, households: Array<{ validTo: string | null, role: { label: string } | null, household: { id: string, source: Source, zone: Zone | null, sisbenGroup: SisbenGroup | null, municipality: { name: string }, members: Array<{ order: number | null, role: { label: string } | null, person: { id: string, fullName: string | null, birthDate: string | null } | null }> } | null }> } | null, decisions: Array<{ id: string, actor: string, decision: ReviewDecisionKind, reason: string, decidedAt: string, mergeId: string | null }> } | null };

export type ReviewDetailFragment = { id: string, reason: ReviewReason, status: ReviewStatus, version: number, score: number | null, createdAt: string, decidedAt: string | null, claimedBy: string | null, claimedUntil: string | null, municipalityCode: string | null, reconciliationRunId: string | null, explanation: { tier: string | null, rule: string | null, reasons: Array<string>, probability: number | null, matchWeight: number | null, modelVersion: string | null, contributions: Array<{ field: string, level: string, weight: number }> } | null, comparison: { probability: number, matchWeight: number, outcome: string, tier: string, modelVersion: string, scoredWith: ComparisonModel, leftSide: PairSide | null, rightSide: PairSide | null, reasons: Array<string>, current: { modelVersion: string, probability: number, outcome: string }, fields: Array<{ field: string, level: string, description: string, weight: number, left: string | null, right: string | null }>, leftDocument: { type: DocumentType | null, number: string | null }, rightDocument: { type: DocumentType | null, number: string | null }, leftRecord: { id: string, source: Source, fileName: string, line: number } | null, rightRecord: { id: string, source: Source, fileName: string, line: number } | null } | null, record: { id: string, source: Source, fileName: string, line: number } | null, candidateRecord: { id: string, source: Source, fileName: string, line: number } | null, link: { linkType: LinkType, score: number | null, reasons: Array<string> } | null, personA: { id: string, fullName: string | null, birthDate: string | null, sex: Sex | null, municipality: { code: string, name: string } | null, identifiers: Array<{ type: DocumentType, number: string }>, sourceRecords: Array<{ id: string, source: Source, fileName: string, line: number, status: RecordStatus }>, households: Array<{ validTo: string | null, role: { label: string } | null, household: { id: string, source: Source, zone: Zone | null, sisbenGroup: SisbenGroup | null, municipality: { name: string }, members: Array<{ order: number | null, role: { label: string } | null, person: { id: string, fullName: string | null, birthDate: string | null } | null }> } | null }> } | null, personB: { id: string, fullName: string | null, birthDate: string | null, sex: Sex | null, municipality: { code: string, name: string } | null, identifiers: Array<{ type: DocumentType, number: string }>, sourceRecords: Array<{ id: string, source: Source, fileName: string, line: number, status: RecordStatus }>, households: Array<{ validTo: string | null, role: { label: string } | null, household: { id: string, source: Source, zone: Zone | null, sisbenGroup: SisbenGroup | null, municipality: { name: string }, members: Array<{ order: number | null, role: { label: string } | null, person: { id: string, fullName: string | null, birthDate: string | null } | null }> } | null }> } | null, decisions: Array<{ id: string, actor: string, decision: ReviewDecisionKind, reason: string, decidedAt: string, mergeId: string | null }> };

export type SidePersonFragment = { id: string, fullName: string | null, birthDate: string | null, sex: Sex | null, municipality: { code: string, name: string } | null, identifiers: Array<{ type: DocumentType, number: string }>, sourceRecords: Array<{ id: string, source: Source, fileName: string, line: number, status: RecordStatus }>, households: Array<{ validTo: string | null, role: { label: string } | null, household: { id: string, source: Source, zone: Zone | null, sisbenGroup: SisbenGroup | null, municipality: { name: string }, members: Array<{ order: number | null, role: { label: string } | null, person: { id: string, fullName: string | null, birthDate: string | null } | null }> } | null }> };

export type PersonDetailQueryVariables = Exact<{
  id: string | number;
}>;


export type PersonDetailQuery = { person: { id: string, fullName: string | null, firstName: string | null, secondName: string | null, firstSurname: string | null, secondSurname: string | null, birthDate: string | null, sex: Sex | null, isVictim: boolean, isDisplaced: boolean, sisbenGroup: SisbenGroup | null, sisbenSubgroup: string | null, healthState: AffiliationState | null, mergedFrom: Array<string>, municipality: { code: string, name: string, department: { name: string } } | null, identifiers: Array<{ type: DocumentType, number: string, seenCount: number, sourceRecord: { id: string, source: Source, fileName: string, line: number } | null }>, provenance: Array<{ field: string, value: string | null, sourceRecord: { id: string, source: Source, fileName: string, line: number, importRunId: string, importedAt: string } | null }>, competingValues: Array<{ attribute: string, values: Array<{ value: string | null, source: Source, won: boolean, recordStatus: RecordStatus, record: { id: string, fileName: string, line: number } | null }> }>, sourceRecords: Array<{ id: string, source: Source, fileName: string, line: number, status: RecordStatus, importRunId: string, importedAt: string }>, links: Array<{ linkType: LinkType, score: number | null, matchWeight: number | null, reasons: Array<string>, linkedAt: string, reconciliationRunId: string | null, modelVersion: string | null, contributions: Array<{ field: string, level: string, weight: number }>, record: { id: string, source: Source, fileName: string, line: number } | null, matchedRecord: { id: string, source: Source, fileName: string, line: number } | null }>, households: Array<{ validFrom: string | null, validTo: string | null, role: { label: string } | null, household: { id: string, source: Source, zone: Zone | null, sisbenGroup: SisbenGroup | null, sisbenSubgroup: string | null, municipality: { name: string }, members: Array<{ order: number | null, role: { label: string } | null, person: { id: string, fullName: string | null } | null }> } | null }>, merges: Array<{ id: string, mergedPersonId: string, kind: string, mergedAt: string, movedRecords: number, undoneAt: string | null }>, recordMoves: Array<{ id: string, fromPersonId: string, toPersonId: string, kind: string, rule: string | null, reconciliationRunId: string | null, movedAt: string, undoneAt: string | null, record: { id: string, source: Source, fileName: string, line: number } | null }> } | null };

export type PersonHistoryQueryVariables = Exact<{
  id: string | number;
}>;


export type PersonHistoryQuery = { person: { id: string, merges: Array<{ id: string, actor: string, reason: string, undoneBy: string | null, undoReason: string | null }>, recordMoves: Array<{ id: string, undoneBy: string | null, undoReason: string | null }>, reviewItems: Array<{ id: string, reason: ReviewReason, status: ReviewStatus, createdAt: string, decidedAt: string | null, decisions: Array<{ id: string, actor: string, decision: ReviewDecisionKind, reason: string, decidedAt: string, mergeId: string | null }> }> } | null };

export type PersonsByDocumentQueryVariables = Exact<{
  type: DocumentType;
  number: string;
}>;


export type PersonsByDocumentQuery = { personsByDocument: Array<{ id: string, fullName: string | null, birthDate: string | null, municipality: { name: string } | null }> };

export type PersonLogrosQueryVariables = Exact<{
  id: string | number;
}>;


export type PersonLogrosQuery = { person: { id: string, logros: Array<{ logroId: number, state: LogroState, ruleVersion: string, updatedAt: string, logro: { id: number, text: string } | null, evidence: { reason: string, details: Array<string>, sourceRecord: { id: string, source: Source, fileName: string, line: number } | null, run: { id: string } | null } }> } | null };

export type ReviewQueueQueryVariables = Exact<{
  first: number;
  after?: string | null | undefined;
  reason?: Array<ReviewReason> | ReviewReason | null | undefined;
  municipality?: string | null | undefined;
  status?: Array<ReviewStatus> | ReviewStatus | null | undefined;
  minScore?: number | null | undefined;
  maxScore?: number | null | undefined;
  hasScore?: boolean | null | undefined;
  raisedBefore?: string | null | undefined;
}>;


export type ReviewQueueQuery = { reviewItems: { totalCount: number, hasNextPage: boolean, endCursor: string | null, nodes: Array<{ id: string, reason: ReviewReason, status: ReviewStatus, score: number | null, createdAt: string, municipalityCode: string | null, claimedBy: string | null, claimedUntil: string | null, personA: { id: string, fullName: string | null } | null, personB: { id: string, fullName: string | null } | null, record: { id: string, source: Source } | null }> } };

export type ReviewCountsQueryQueryVariables = Exact<{
  municipality?: string | null | undefined;
  status?: Array<ReviewStatus> | ReviewStatus | null | undefined;
}>;


export type ReviewCountsQueryQuery = { reviewCounts: { total: number, byReason: Array<{ reason: ReviewReason, count: number }>, byStatus: Array<{ status: ReviewStatus, count: number }> } };

export type ClaimItemMutationVariables = Exact<{
  id: string | number;
}>;


export type ClaimItemMutation = { claimReviewItem:
    | { __typename: 'AlreadyDecided', previousDecision: { actor: string, decision: ReviewDecisionKind, decidedAt: string } | null }
    | { __typename: 'ClaimedByOther', claimedUntil: string }
    | { __typename: 'NotFound', message: string }
    | { __typename: 'ReviewItemClaimed', claimedUntil: string, item: { id: string, reason: ReviewReason, status: ReviewStatus, version: number, score: number | null, createdAt: string, decidedAt: string | null, claimedBy: string | null, claimedUntil: string | null, municipalityCode: string | null, reconciliationRunId: string | null, explanation: { tier: string | null, rule: string | null, reasons: Array<string>, probability: number | null, matchWeight: number | null, modelVersion: string | null, contributions: Array<{ field: string, level: string, weight: number }> } | null, comparison: { probability: number, matchWeight: number, outcome: string, tier: string, modelVersion: string, scoredWith: ComparisonModel, leftSide: PairSide | null, rightSide: PairSide | null, reasons: Array<string>, current: { modelVersion: string, probability: number, outcome: string }, fields: Array<{ field: string, level: string, description: string, weight: number, left: string | null, right: string | null }>, leftDocument: { type: DocumentType | null, number: string | null }, rightDocument: { type: DocumentType | null, number: string | null }, leftRecord: { id: string, source: Source, fileName: string, line: number } | null, rightRecord: { id: string, source: Source, fileName: string, line: number } | null } | null, record: { id: string, source: Source, fileName: string, line: number } | null, candidateRecord: { id: string, source: Source, fileName: string, line: number } | null, link: { linkType: LinkType, score: number | null, reasons: Array<string> } | null, personA: { id: string, fullName: string | null, birthDate: string | null, sex: Sex | null, municipality: { code: string, name: string } | null, identifiers: Array<{ type: DocumentType, number: string }>, sourceRecords: Array<{ id: string, source: Source, fileName: string, line: number, status: RecordStatus }>, households: Array<{ validTo: string | null, role: { label: string } | null, household: { id: string, source: Source, zone: Zone | null, sisbenGroup: SisbenGroup | null, municipality: { name: string }, members: Array<{ order: number | null, role: { label: string } | null, person: { id: string, fullName: string | null, birthDate: string | null } | null }> } | null }> } | null, personB: { id: string, fullName: string | null, birthDate: string | null, sex: Sex | null, municipality: { code: string, name: string } | null, identifiers: Array<{ type: DocumentType, number: string }>, sourceRecords: Array<{ id: string, source: Source, fileName: string, line: number, status: RecordStatus }>, households: Array<{ validTo: string | null, role: { label: string } | null, household: { id: string, source: Source, zone: Zone | null, sisbenGroup: SisbenGroup | null, municipality: { name: string }, members: Array<{ order: number | null, role: { label: string } | null, person: { id: string, fullName: string | null, birthDate: string | null } | null }> } | null }> } | null, decisions: Array<{ id: string, actor: string, decision: ReviewDecisionKind, reason: string, decidedAt: string, mergeId: string | null }> } }
    | { __typename: 'StaleItem', message: string }
   };

export type ReleaseItemMutationVariables = Exact<{
  id: string | number;
}>;


export type ReleaseItemMutation = { releaseReviewItem:
    | { __typename: 'ClaimedByOther', claimedUntil: string }
    | { __typename: 'NotFound', message: string }
    | { __typename: 'ReviewItemReleased' }
   };

export type DecideItemMutationVariables = Exact<{
  id: string | number;
  decision: ReviewDecisionKind;
  reason: string;
  expectedVersion: number;
}>;


export type DecideItemMutation = { decideReviewItem:
    | { __typename: 'AlreadyDecided', previousDecision: { actor: string, decision: ReviewDecisionKind, decidedAt: string } | null }
    | { __typename: 'ClaimedByOther', claimedUntil: string }
    | { __typename: 'Conflict', message: string, currentVersion: number | null }
    | { __typename: 'InvalidDecision', message: string }
    | { __typename: 'NotClaimed' }
    | { __typename: 'NotFound', message: string }
    | { __typename: 'ReviewDecided', decision: ReviewDecisionKind, decisionId: string, mergeId: string | null, person: { id: string } | null, newPerson: { id: string } | null }
    | { __typename: 'StaleItem', message: string }
   };

export type UnmergeMergeMutationVariables = Exact<{
  mergeId: string | number;
  reason: string;
}>;


export type UnmergeMergeMutation = { unmerge:
    | { __typename: 'Conflict', message: string }
    | { __typename: 'MergeAlreadyUndone', undoneAt: string | null }
    | { __typename: 'MergeSuperseded', laterMergeId: string | null }
    | { __typename: 'NotFound', message: string }
    | { __typename: 'Unmerged', mergeId: string, survivor: { id: string } | null, restored: { id: string } | null }
   };

export type UndoRecordMoveMutationVariables = Exact<{
  moveId: string | number;
  reason: string;
}>;


export type UndoRecordMoveMutation = { undoRecordMove:
    | { __typename: 'Conflict', message: string }
    | { __typename: 'NotFound', message: string }
    | { __typename: 'RecordMoveAlreadyUndone', undoneAt: string | null }
    | { __typename: 'RecordMoveSuperseded', message: string }
    | { __typename: 'RecordMoveUndone', moveId: string, person: { id: string } | null }
   };

export type TokenCheckQueryVariables = Exact<{ [key: string]: never; }>;


export type TokenCheckQuery = { kinshipRoles: Array<{ code: number }> };

export type CanReviewQueryVariables = Exact<{ [key: string]: never; }>;


export type CanReviewQuery = { reviewItems: { hasNextPage: boolean } };

export type CanReadRunsQueryVariables = Exact<{ [key: string]: never; }>;


export type CanReadRunsQuery = { importRuns: { hasNextPage: boolean } };

export type CanAdminQueryVariables = Exact<{ [key: string]: never; }>;


export type CanAdminQuery = { apiClients: Array<{ id: string }> };

export type ReconciliationRunsQueryVariables = Exact<{
  first: number;
}>;


export type ReconciliationRunsQuery = { reconciliationRuns: { hasNextPage: boolean, nodes: Array<{ id: string, state: ReconciliationState, trigger: string, createdAt: string, startedAt: string | null, finishedAt: string | null, processed: number, recordsPending: number, pairsCompared: number, autoLinked: number, newPersons: number, reviewItems: number, mergesProposed: number, mergesApplied: number, breakerTripped: boolean, attempts: number, failureReason: string | null, modelVersion: string | null, importRunId: string | null, measuredPrecision: { sampled: number, confirmed: number, rejected: number, pending: number, precision: number | null, lowerBound: number | null } }> } };

export type StartReconciliationMutationVariables = Exact<{ [key: string]: never; }>;


export type StartReconciliationMutation = { startReconciliation: { created: boolean, run: { id: string, state: ReconciliationState } } };

export type ImportRunsQueryVariables = Exact<{
  first: number;
  after?: string | null | undefined;
  source?: Source | null | undefined;
  state?: ImportState | null | undefined;
}>;


export type ImportRunsQuery = { importRuns: { hasNextPage: boolean, endCursor: string | null, nodes: Array<{ id: string, source: Source, fileName: string, state: ImportState, progress: number, rowsTotal: number, rowsLoaded: number, rowsRejected: number, rowsWithWarnings: number, added: number, changed: number, disappeared: number, unchanged: number, createdAt: string, finishedAt: string | null, failureCode: string | null, attempts: number }> } };

export type ImportRunDetailQueryVariables = Exact<{
  id: string | number;
  after?: string | null | undefined;
  severity?: IssueSeverity | null | undefined;
}>;


export type ImportRunDetailQuery = { importRun: { id: string, source: Source, fileName: string, fileBytes: number, sha256: string, encoding: string | null, state: ImportState, progress: number, chunksDone: number, chunksTotal: number, rowsTotal: number, rowsLoaded: number, rowsRejected: number, rowsWithWarnings: number, added: number, changed: number, disappeared: number, unchanged: number, errorRate: number | null, attempts: number, createdAt: string, startedAt: string | null, finishedAt: string | null, failureCode: string | null, failureReason: string | null, previousRunId: string | null, errorCounts: Array<{ code: string, field: string, severity: IssueSeverity, count: number }>, errors: { hasNextPage: boolean, endCursor: string | null, nodes: Array<{ id: string, line: number, field: string, code: string, severity: IssueSeverity, message: string }> } } | null };

export type ImportRunErrorsQueryVariables = Exact<{
  id: string | number;
  after?: string | null | undefined;
}>;


export type ImportRunErrorsQuery = { importRun: { id: string, errors: { hasNextPage: boolean, endCursor: string | null, nodes: Array<{ line: number, field: string, code: string, severity: IssueSeverity, message: string }> } } | null };

export type RetryImportMutationVariables = Exact<{
  id: string | number;
}>;


export type RetryImportMutation = { retryImportRun: { id: string, state: ImportState } };

export type StartImportMutationVariables = Exact<{
  path: string;
}>;


export type StartImportMutation = { startImport: { created: boolean, run: { id: string, state: ImportState } } };

export type HomeQueueQueryVariables = Exact<{ [key: string]: never; }>;


export type HomeQueueQuery = { reviewItems: { hasNextPage: boolean, nodes: Array<{ id: string }> } };

export type HomeRunsQueryVariables = Exact<{ [key: string]: never; }>;


export type HomeRunsQuery = { importRuns: { nodes: Array<{ id: string, state: ImportState }> } };

export type MunicipalitiesQueryVariables = Exact<{ [key: string]: never; }>;


export type MunicipalitiesQuery = { municipalities: Array<{ code: string, name: string, department: { name: string } }> };

export class TypedDocumentString<TResult, TVariables>
  extends String
  implements DocumentTypeDecoration<TResult, TVariables>
{
  __apiType?: NonNullable<DocumentTypeDecoration<TResult, TVariables>['__apiType']>;
  private value: string;
  public __meta__?: Record<string, any> | undefined;

  constructor(value: string, __meta__?: Record<string, any> | undefined) {
    super(value);
    this.value = value;
    this.__meta__ = __meta__;
  }

  override toString(): string & DocumentTypeDecoration<TResult, TVariables> {
    return this.value;
  }
}
export const SidePersonFragmentDoc = new TypedDocumentString(`
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
    `, {"fragmentName":"SidePerson"}) as unknown as TypedDocumentString<SidePersonFragment, unknown>;
export const ReviewDetailFragmentDoc = new TypedDocumentString(`
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
}`, {"fragmentName":"ReviewDetail"}) as unknown as TypedDocumentString<ReviewDetailFragment, unknown>;
export const SchedulesDocument = new TypedDocumentString(`
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
    `) as unknown as TypedDocumentString<SchedulesQuery, SchedulesQueryVariables>;
export const RunScheduleNowDocument = new TypedDocumentString(`
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
    `) as unknown as TypedDocumentString<RunScheduleNowMutation, RunScheduleNowMutationVariables>;
export const TerritorialReportQueryDocument = new TypedDocumentString(`
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
    `) as unknown as TypedDocumentString<TerritorialReportQueryQuery, TerritorialReportQueryQueryVariables>;
export const LogroCatalogueDocument = new TypedDocumentString(`
    query LogroCatalogue {
  logroDimensions {
    id
    logros {
      id
      text
    }
  }
}
    `) as unknown as TypedDocumentString<LogroCatalogueQuery, LogroCatalogueQueryVariables>;
export const ReviewItemDetailDocument = new TypedDocumentString(`
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
}`) as unknown as TypedDocumentString<ReviewItemDetailQuery, ReviewItemDetailQueryVariables>;
export const PersonDetailDocument = new TypedDocumentString(`
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
    `) as unknown as TypedDocumentString<PersonDetailQuery, PersonDetailQueryVariables>;
export const PersonHistoryDocument = new TypedDocumentString(`
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
    `) as unknown as TypedDocumentString<PersonHistoryQuery, PersonHistoryQueryVariables>;
export const PersonsByDocumentDocument = new TypedDocumentString(`
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
    `) as unknown as TypedDocumentString<PersonsByDocumentQuery, PersonsByDocumentQueryVariables>;
export const PersonLogrosDocument = new TypedDocumentString(`
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
    `) as unknown as TypedDocumentString<PersonLogrosQuery, PersonLogrosQueryVariables>;
export const ReviewQueueDocument = new TypedDocumentString(`
    query ReviewQueue($first: Int!, $after: String, $reason: [ReviewReason!], $municipality: String, $status: [ReviewStatus!], $minScore: Float, $maxScore: Float, $hasScore: Boolean, $raisedBefore: DateTime) {
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
    `) as unknown as TypedDocumentString<ReviewQueueQuery, ReviewQueueQueryVariables>;
export const ReviewCountsQueryDocument = new TypedDocumentString(`
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
    `) as unknown as TypedDocumentString<ReviewCountsQueryQuery, ReviewCountsQueryQueryVariables>;
export const ClaimItemDocument = new TypedDocumentString(`
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
}`) as unknown as TypedDocumentString<ClaimItemMutation, ClaimItemMutationVariables>;
export const ReleaseItemDocument = new TypedDocumentString(`
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
    `) as unknown as TypedDocumentString<ReleaseItemMutation, ReleaseItemMutationVariables>;
export const DecideItemDocument = new TypedDocumentString(`
    mutation DecideItem($id: ID!, $decision: ReviewDecisionKind!, $reason: String!, $expectedVersion: Int!) {
  decideReviewItem(
    id: $id
    decision: $decision
    reason: $reason
    expectedVersion: $expectedVersion
  ) {
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
    `) as unknown as TypedDocumentString<DecideItemMutation, DecideItemMutationVariables>;
export const UnmergeMergeDocument = new TypedDocumentString(`
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
    `) as unknown as TypedDocumentString<UnmergeMergeMutation, UnmergeMergeMutationVariables>;
export const UndoRecordMoveDocument = new TypedDocumentString(`
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
    `) as unknown as TypedDocumentString<UndoRecordMoveMutation, UndoRecordMoveMutationVariables>;
export const TokenCheckDocument = new TypedDocumentString(`
    query TokenCheck {
  kinshipRoles {
    code
  }
}
    `) as unknown as TypedDocumentString<TokenCheckQuery, TokenCheckQueryVariables>;
export const CanReviewDocument = new TypedDocumentString(`
    query CanReview {
  reviewItems(first: 1) {
    hasNextPage
  }
}
    `) as unknown as TypedDocumentString<CanReviewQuery, CanReviewQueryVariables>;
export const CanReadRunsDocument = new TypedDocumentString(`
    query CanReadRuns {
  importRuns(first: 1) {
    hasNextPage
  }
}
    `) as unknown as TypedDocumentString<CanReadRunsQuery, CanReadRunsQueryVariables>;
export const CanAdminDocument = new TypedDocumentString(`
    query CanAdmin {
  apiClients {
    id
  }
}
    `) as unknown as TypedDocumentString<CanAdminQuery, CanAdminQueryVariables>;
export const ReconciliationRunsDocument = new TypedDocumentString(`
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
    `) as unknown as TypedDocumentString<ReconciliationRunsQuery, ReconciliationRunsQueryVariables>;
export const StartReconciliationDocument = new TypedDocumentString(`
    mutation StartReconciliation {
  startReconciliation {
    created
    run {
      id
      state
    }
  }
}
    `) as unknown as TypedDocumentString<StartReconciliationMutation, StartReconciliationMutationVariables>;
export const ImportRunsDocument = new TypedDocumentString(`
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
    `) as unknown as TypedDocumentString<ImportRunsQuery, ImportRunsQueryVariables>;
export const ImportRunDetailDocument = new TypedDocumentString(`
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
    `) as unknown as TypedDocumentString<ImportRunDetailQuery, ImportRunDetailQueryVariables>;
export const ImportRunErrorsDocument = new TypedDocumentString(`
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
    `) as unknown as TypedDocumentString<ImportRunErrorsQuery, ImportRunErrorsQueryVariables>;
export const RetryImportDocument = new TypedDocumentString(`
    mutation RetryImport($id: ID!) {
  retryImportRun(id: $id) {
    id
    state
  }
}
    `) as unknown as TypedDocumentString<RetryImportMutation, RetryImportMutationVariables>;
export const StartImportDocument = new TypedDocumentString(`
    mutation StartImport($path: String!) {
  startImport(path: $path) {
    created
    run {
      id
      state
    }
  }
}
    `) as unknown as TypedDocumentString<StartImportMutation, StartImportMutationVariables>;
export const HomeQueueDocument = new TypedDocumentString(`
    query HomeQueue {
  reviewItems(first: 100) {
    nodes {
      id
    }
    hasNextPage
  }
}
    `) as unknown as TypedDocumentString<HomeQueueQuery, HomeQueueQueryVariables>;
export const HomeRunsDocument = new TypedDocumentString(`
    query HomeRuns {
  importRuns(first: 5) {
    nodes {
      id
      state
    }
  }
}
    `) as unknown as TypedDocumentString<HomeRunsQuery, HomeRunsQueryVariables>;
export const MunicipalitiesDocument = new TypedDocumentString(`
    query Municipalities {
  municipalities {
    code
    name
    department {
      name
    }
  }
}
    `) as unknown as TypedDocumentString<MunicipalitiesQuery, MunicipalitiesQueryVariables>;