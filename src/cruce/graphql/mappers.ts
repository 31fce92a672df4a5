import type { CruceLine as Line } from '../answer';
import type { CruceRunRow, DeliveredServiceRow } from '../cruceRepository';
import type { CruceLine, CruceRun, DeliveredService } from './cruceTypes';

/** Download route of a run's answer file (src/http, same bearer token). */
export const answerUrl = (run: CruceRunRow, format: 'csv' | 'xlsx') => `/cruce/${run.publicId}/respuesta.${format}`;

export function toCruceRun(r: CruceRunRow): CruceRun {
  return {
    id: r.publicId,
    state: r.state,
    origin: r.origin,
    agency: r.agency,
    purpose: r.purpose,
    fileName: r.fileName,
    encoding: r.encoding,
    delimiter: r.delimiter,
    progress: r.state === 'done' ? 1 : r.rowsTotal > 0 ? r.rowsProcessed / r.rowsTotal : 0,
    rowsTotal: r.rowsTotal,
    rowsProcessed: r.rowsProcessed,
    rowsDocument: r.rowsDocument,
    rowsPhonetic: r.rowsPhonetic,
    rowsUnmatched: r.rowsUnmatched,
    rowsRejected: r.rowsRejected,
    rowsAmbiguous: r.rowsAmbiguous,
    servicesRecorded: r.servicesRecorded,
    csvUrl: r.outputCsv ? answerUrl(r, 'csv') : null,
    xlsxUrl: r.outputXlsx ? answerUrl(r, 'xlsx') : null,
    failureCode: r.failureCode,
    failureReason: r.failureReason,
    attempts: r.attempts,
    createdAt: r.createdAt,
    startedAt: r.startedAt,
    finishedAt: r.finishedAt,
  };
}

export function toCruceLine(l: Line): CruceLine {
  return {
    line: l.line,
    matchType: l.matchType,
    personId: l.personPublicId,
    nameDistance: l.nameDistance,
    flags: l.flags,
    reasons: l.reasons,
    facts: l.facts && {
      sisbenGroup: l.facts.sisbenGroup,
      sisbenSubgroup: l.facts.sisbenSubgroup,
      healthState: l.facts.healthState,
      healthRegime: l.facts.healthRegime,
      healthAdministrator: l.facts.healthAdministrator,
      isVictim: l.facts.isVictim,
      isDisplaced: l.facts.isDisplaced,
      victimEvents: l.facts.victimEvents,
      extraFacts: Object.entries(l.facts.extra).map(([key, value]) => ({ key, value })),
    },
    serviceRecorded: l.serviceRecorded,
    errors: l.errors,
    warnings: l.warnings,
  };
}

export function toDeliveredService(s: DeliveredServiceRow): DeliveredService {
  return {
    source: `cruce:${s.agency}`,
    agency: s.agency,
    program: s.program,
    entity: s.entity,
    logro: s.logro,
    logroId: s.logroId,
    attentionDate: s.attentionDate,
    state: s.state,
    status: s.status,
    firstRunId: s.firstRunPublicId,
    firstLine: s.firstLine,
    lastRunId: s.lastRunPublicId,
    lastLine: s.lastLine,
    updatedAt: s.updatedAt,
  };
}
