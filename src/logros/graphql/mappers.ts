import type { DwellingRow, LogroHistoryRow, LogroRunRow, LogroStateRow } from '../logroRepository';
import type { DwellingRecord, HouseholdLogro, LogroRun, LogroStateChange, PersonLogro } from './logroTypes';

export const toLogroRun = (r: LogroRunRow): LogroRun => ({
  id: String(r.id),
  state: r.state,
  trigger: r.trigger,
  mode: r.mode,
  ruleVersion: r.ruleVersion,
  asOf: r.asOf,
  reconciliationRunId: r.reconciliationRunId == null ? null : String(r.reconciliationRunId),
  importRunId: r.importRunId == null ? null : String(r.importRunId),
  personsEvaluated: r.personsEvaluated,
  householdsEvaluated: r.householdsEvaluated,
  changes: r.changes,
  failureReason: r.failureReason,
  createdAt: r.createdAt,
  finishedAt: r.finishedAt,
});

const evidenceOf = (r: LogroStateRow) => ({
  reason: r.reason,
  details: r.details ?? [],
  sourceRecordId: r.evidenceRecordId,
  dwellingRecordId: r.evidenceDwellingId,
  runId: r.decidedRunId,
});

export const toPersonLogro = (r: LogroStateRow): PersonLogro => ({
  logroId: r.logro,
  state: r.state,
  ruleVersion: r.ruleVersion,
  evidence: evidenceOf(r),
  updatedAt: r.updatedAt,
  subjectId: r.subjectId,
});

export const toHouseholdLogro = (r: LogroStateRow): HouseholdLogro => ({
  logroId: r.logro,
  state: r.state,
  membersApplicable: r.membersApplicable ?? 0,
  membersReached: r.membersReached ?? 0,
  membersPending: r.membersPending ?? 0,
  membersWithoutData: r.membersWithoutData ?? 0,
  ruleVersion: r.ruleVersion,
  evidence: evidenceOf(r),
  updatedAt: r.updatedAt,
  subjectId: r.subjectId,
});

export const toStateChange = (r: LogroHistoryRow): LogroStateChange => ({
  previousState: r.previousState,
  state: r.state,
  reason: r.reason,
  ruleVersion: r.ruleVersion,
  changedAt: r.changedAt,
  sourceRecordId: r.evidenceRecordId,
  dwellingRecordId: r.evidenceDwellingId,
  runId: r.logroRunId,
});

export const toDwellingRecord = (r: DwellingRow): DwellingRecord => ({
  id: String(r.id),
  importRunId: String(r.importRunId),
  lineNo: r.lineNo,
  cutDate: r.cutDate,
  current: r.current,
});
