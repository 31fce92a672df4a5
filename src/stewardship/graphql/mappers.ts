import { decidingRule } from '../../domain/identity';
import type { LinksExportRow } from '../linksExportRepository';
import type { EntityLinkRow, MergeRow, MoveRow, ReviewDecisionRow, ReviewItemRow } from '../reviewRepository';
import { toSourceEnum } from '../../graphql/shared';
import type { LinksExport, PersonMerge, RecordLink, RecordMove } from './linksTypes';
import type { MatchExplanation, ReviewDecisionRecord, ReviewItem } from './reviewTypes';

// Rows become plain objects shaped like the GraphQL classes; internal ids ride along unexposed.

export const toReviewItem = (r: ReviewItemRow): ReviewItem => ({
  id: String(r.id),
  internalId: r.id,
  reason: r.reason,
  status: r.status,
  version: r.version,
  score: r.score,
  municipalityCode: r.municipalityCode,
  reconciliationRunId: r.reconciliationRunId === null ? null : String(r.reconciliationRunId),
  claimedBy: r.claimExpiresAt && r.claimExpiresAt > new Date() ? r.claimedBy : null,
  claimedUntil: r.claimExpiresAt && r.claimExpiresAt > new Date() ? r.claimExpiresAt : null,
  createdAt: r.createdAt,
  decidedAt: r.decidedAt,
  personAId: r.personAId,
  personBId: r.personBId,
  sourceEntityId: r.sourceEntityId,
  candidateEntityId: r.candidateEntityId,
  householdId: r.householdId,
  explanationJson: r.explanation,
  row: r,
});

export const toDecisionRecord = (d: ReviewDecisionRow): ReviewDecisionRecord => ({
  id: String(d.id),
  decision: d.decision,
  reason: d.reason,
  actor: d.actor,
  mergeId: d.mergeId === null ? null : String(d.mergeId),
  decidedAt: d.createdAt,
});

/** Stored explanations differ by reason: the matcher's full explanation, or reason codes only. */
export function toExplanation(json: unknown): MatchExplanation | null {
  if (!json || typeof json !== 'object') return null;
  const e = json as Record<string, unknown>;
  const num = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? v : null);
  const tier = typeof e.tier === 'string' ? e.tier : null;
  const reasons = Array.isArray(e.reasons) ? e.reasons.map(String) : [];
  const modelVersion = typeof e.modelVersion === 'string' ? e.modelVersion : null;
  return {
    tier,
    reasons,
    // Items stored before rule identifiers existed: the same rule, derived from tier and reasons.
    rule: typeof e.rule === 'string' ? e.rule : decidingRule({ tier, reasons, modelVersion }),
    matchWeight: num(e.matchWeight),
    probability: num(e.probability),
    modelVersion: typeof e.modelVersion === 'string' ? e.modelVersion : null,
    contributions: Array.isArray(e.contributions)
      ? e.contributions.map((c) => ({ field: String(c.field), level: String(c.level), weight: Number(c.weight) }))
      : [],
  };
}

export const toRecordLink = (l: EntityLinkRow): RecordLink => ({
  linkType: l.linkType,
  score: l.score,
  matchWeight: l.matchWeight,
  reasons: l.reasons,
  rule: decidingRule({ tier: l.linkType, reasons: l.reasons, modelVersion: l.modelVersion }),
  contributions: Array.isArray(l.contributions)
    ? l.contributions.map((c) => ({ field: String(c.field), level: String(c.level), weight: Number(c.weight) }))
    : [],
  modelVersion: l.modelVersion,
  reconciliationRunId: l.reconciliationRunId === null ? null : String(l.reconciliationRunId),
  linkedAt: l.updatedAt,
  recordId: l.recordId,
  matchedRecordId: l.matchedRecordId,
  personId: l.personId,
  runId: l.reconciliationRunId,
});

export const toPersonMerge = (m: MergeRow): PersonMerge => ({
  id: String(m.id),
  mergedPersonId: m.mergedPublicId,
  kind: m.kind,
  actor: m.actor,
  reason: m.reason,
  movedRecords: m.movedEntityIds.length,
  reconciliationRunId: m.reconciliationRunId === null ? null : String(m.reconciliationRunId),
  mergedAt: m.createdAt,
  undoneAt: m.undoneAt,
  undoneBy: m.undoneBy,
  undoReason: m.undoReason,
});

export const toRecordMove = (m: MoveRow): RecordMove => ({
  id: String(m.id),
  fromPersonId: m.fromPublicId,
  toPersonId: m.toPublicId,
  kind: m.kind,
  rule: m.rule,
  reconciliationRunId: m.reconciliationRunId === null ? null : String(m.reconciliationRunId),
  movedAt: m.createdAt,
  undoneAt: m.undoneAt,
  undoneBy: m.undoneBy,
  undoReason: m.undoReason,
  entityId: m.entityId,
});

export const toLinksExport = (r: LinksExportRow): LinksExport => ({
  id: String(r.id),
  state: r.state,
  source: r.source ? toSourceEnum(r.source) : null,
  fileName: r.fileName,
  rows: r.rows,
  requestedBy: r.requestedBy,
  failureReason: r.failureReason,
  createdAt: r.createdAt,
  finishedAt: r.finishedAt,
});
