/**
 * RUV / RUPD person extracts (`VICTIMAS_YYYYMM.txt`): `»`-delimited, ISO-8859-1, header, dd/mm/YYYY.
 * One row per person × hecho victimizante (a person appears once per hecho and declaration).
 * sourceKey = document type + number + hecho + occurrence date + occurrence municipality; rows without
 * a document (no TIPODOCUMENTO/DOCUMENTO, `SR` without a number, a placeholder number) load with a
 * NO_DOCUMENT / PLACEHOLDER_DOCUMENT warning and use the register's person id when the file has one,
 * else a digest of names and birth date (`SD:<hex>`).
 */
import { RUV_DOCUMENT_CODES } from '../../src/domain/reference/documentTypes';
import type { InclusionState } from '../../src/domain/reference/victims';
import type { Connector, NormalizedRecord, ParseContext } from '../types';
import { createHash } from 'node:crypto';
import { checkDate, checkDocumentOrNone, checkMunicipalityCode, checkName, checkUndecodable } from '../common/checks';
import { columns } from '../common/columns';
import { parseDelimited, type RecordMapper } from '../common/delimited';
import { RowIssues } from '../common/issues';
import { codeKey, headerScore, type ColumnMap, type Layout } from '../common/layout';
import { splitLine } from '../common/reader';
import { eventCode } from './events';
import { RUV_LAYOUT } from './layout';

const SEX: Record<string, 'M' | 'F' | 'I' | null> = {
  HOMBRE: 'M',
  MASCULINO: 'M',
  H: 'M',
  '1': 'M',
  MUJER: 'F',
  FEMENINO: 'F',
  F: 'F',
  '2': 'F',
  INTERSEXUAL: 'I',
  I: 'I',
  LGBTI: null,
  'NO DEFINIDO': null,
  'NO INFORMA': null,
  'SIN INFORMACION': null,
  ND: null,
};
const INCLUSION: Record<string, InclusionState> = {
  INCLUIDO: 'INCLUIDO',
  INCLUIDA: 'INCLUIDO',
  'NO INCLUIDO': 'NO_INCLUIDO',
  'NO INCLUIDA': 'NO_INCLUIDO',
  NO_INCLUIDO: 'NO_INCLUIDO',
  'EN VALORACION': 'EN_VALORACION',
  EN_VALORACION: 'EN_VALORACION',
  EXCLUIDO: 'EXCLUIDO',
  EXCLUIDA: 'EXCLUIDO',
};
const VICTIM_TYPE: Record<string, 'DIRECTA' | 'INDIRECTA'> = {
  DIRECTA: 'DIRECTA',
  DIRECTO: 'DIRECTA',
  'VICTIMA DIRECTA': 'DIRECTA',
  D: 'DIRECTA',
  INDIRECTA: 'INDIRECTA',
  INDIRECTO: 'INDIRECTA',
  'VICTIMA INDIRECTA': 'INDIRECTA',
  I: 'INDIRECTA',
};
const PERSON_ID = /^[0-9A-Za-z-]{1,30}$/;
const NAME_HINT = /victimas?_?\d{6}|\bruv\b|rupd|victimas/i;

/**
 * The key part of a RUV row with neither a document nor a register id: `SD:` and a digest of the
 * cleaned names and the ISO birth date (stable across extracts; the key itself holds no personal data).
 */
export function anonymousPersonKey(
  firstName: string | null,
  secondName: string | null,
  firstSurname: string | null,
  secondSurname: string | null,
  birthDate: string | null,
): string {
  const digest = createHash('sha256').update([firstName, secondName, firstSurname, secondSurname, birthDate].map((x) => x ?? '').join('|'));
  return `SD:${digest.digest('hex').slice(0, 20)}`;
}

function createMapper(map: ColumnMap, ctx: ParseContext): RecordMapper {
  const c = columns(map);
  const L = (n: string) => c.label(n);
  const names = [
    'personId',
    'docType',
    'docNumber',
    'firstName',
    'secondName',
    'firstSurname',
    'secondSurname',
    'birthDate',
    'sex',
    'ethnicity',
    'disability',
    'eventCode',
    'event',
    'victimType',
    'occurrenceDate',
    'declarationDate',
    'inclusionDate',
    'inclusionState',
    'occurrenceMunicipality',
    'declarationMunicipality',
    'arrivalMunicipality',
    'source',
  ];
  const at = Object.fromEntries(names.map((n) => [n, c.at(n)])) as Record<string, number>;
  const used = c.used(names);
  const { today, municipalities } = ctx;
  const past = { today };
  const val = (rec: Parameters<RecordMapper>[0], n: string) => c.value(rec, at[n]);
  const opt = (n: string) => at[n] >= 0;
  const lEvent = at.eventCode >= 0 ? L('eventCode') : L('event');
  const muni = (rec: Parameters<RecordMapper>[0], n: string, iss: RowIssues) =>
    opt(n) ? checkMunicipalityCode(val(rec, n), L(n), iss, municipalities, false) : null;

  return (rec) => {
    const iss = new RowIssues(rec.line);
    checkUndecodable(rec, used.indexes, used.labels, iss);

    // The key's parts are tracked as they are checked: an error row still names its record when they parsed.
    let keyErrors = iss.errorCount;
    const personId = opt('personId') ? val(rec, 'personId') : '';
    if (personId !== '' && !PERSON_ID.test(personId)) iss.error(L('personId'), 'INVALID_CODE', `${L('personId')} must be letters, digits or hyphens.`);
    const tdRaw = val(rec, 'docType');
    const ndRaw = val(rec, 'docNumber');
    const doc = checkDocumentOrNone(tdRaw, ndRaw, RUV_DOCUMENT_CODES, L('docType'), L('docNumber'), iss);
    const docErrors = iss.errorCount !== keyErrors;
    const firstName = checkName(val(rec, 'firstName'), L('firstName'), iss, true);
    const secondName = opt('secondName') ? checkName(val(rec, 'secondName'), L('secondName'), iss, false) : null;
    const firstSurname = checkName(val(rec, 'firstSurname'), L('firstSurname'), iss, true);
    const secondSurname = opt('secondSurname') ? checkName(val(rec, 'secondSurname'), L('secondSurname'), iss, false) : null;
    const birthDate = opt('birthDate') ? checkDate(val(rec, 'birthDate'), L('birthDate'), iss, past) : null;
    // Without a document or a register id, the person is named by a digest of names and birth date:
    // stable from one extract to the next, and no personal data in the key itself.
    const anonymous = doc.docNumber === null && personId === '';
    let keyOk = !docErrors && (!anonymous || (firstName !== null && firstSurname !== null));

    let sex: 'M' | 'F' | 'I' | null = null;
    const sexRaw = opt('sex') ? val(rec, 'sex') : '';
    if (sexRaw !== '') {
      const k = codeKey(sexRaw);
      if (k in SEX) sex = SEX[k];
      else iss.warn(L('sex'), 'INVALID_CODE', `${L('sex')} is not a known value (HOMBRE, MUJER, INTERSEXUAL, LGBTI, NO DEFINIDO); left empty.`);
    }

    const evRaw = opt('eventCode') && val(rec, 'eventCode') !== '' ? val(rec, 'eventCode') : opt('event') ? val(rec, 'event') : '';
    const event = evRaw === '' ? null : eventCode(evRaw);
    if (evRaw === '') iss.error(lEvent, 'MISSING_REQUIRED', `${lEvent} (hecho victimizante) is required.`);
    else if (event === null) iss.error(lEvent, 'INVALID_CODE', `${lEvent} is not a known hecho victimizante (code 1–15 or 20, or its label).`);
    if (event === null) keyOk = false;

    let victimType: 'DIRECTA' | 'INDIRECTA' | null = null;
    if (opt('victimType') && val(rec, 'victimType') !== '') {
      victimType = VICTIM_TYPE[codeKey(val(rec, 'victimType'))] ?? null;
      if (victimType === null) iss.warn(L('victimType'), 'INVALID_CODE', `${L('victimType')} is not DIRECTA or INDIRECTA; left empty.`);
    }
    let inclusionState: InclusionState | null = null;
    if (opt('inclusionState') && val(rec, 'inclusionState') !== '') {
      inclusionState = INCLUSION[codeKey(val(rec, 'inclusionState'))] ?? null;
      if (inclusionState === null)
        iss.warn(L('inclusionState'), 'INVALID_CODE', `${L('inclusionState')} is not INCLUIDO, NO INCLUIDO, EN VALORACION or EXCLUIDO; left empty.`);
    }
    keyErrors = iss.errorCount;
    const occurrenceDate = opt('occurrenceDate') ? checkDate(val(rec, 'occurrenceDate'), L('occurrenceDate'), iss, past) : null;
    if (iss.errorCount !== keyErrors) keyOk = false;
    const declarationDate = opt('declarationDate') ? checkDate(val(rec, 'declarationDate'), L('declarationDate'), iss, past) : null;
    const inclusionDate = opt('inclusionDate') ? checkDate(val(rec, 'inclusionDate'), L('inclusionDate'), iss, past) : null;
    if (occurrenceDate && declarationDate && declarationDate < occurrenceDate) {
      iss.warn(L('declarationDate'), 'DATE_ORDER', `${L('declarationDate')} is before ${L('occurrenceDate')}.`);
    }
    keyErrors = iss.errorCount;
    const occurrenceMunicipality = muni(rec, 'occurrenceMunicipality', iss);
    if (iss.errorCount !== keyErrors) keyOk = false;
    const declarationMunicipality = muni(rec, 'declarationMunicipality', iss);
    const arrivalMunicipality = muni(rec, 'arrivalMunicipality', iss);

    const who =
      doc.docNumber !== null
        ? `${doc.docType}:${doc.docNumber}`
        : personId !== ''
          ? `ID:${personId}`
          : anonymousPersonKey(firstName, secondName, firstSurname, secondSurname, birthDate);
    const sourceKey = `${who}:${event}:${occurrenceDate ?? ''}:${occurrenceMunicipality ?? ''}`;
    if (iss.failed) return iss.result(rec.raw, null, keyOk ? sourceKey : null);
    const record: NormalizedRecord = {
      sourceKey,
      identity: { docType: doc.docType, docNumber: doc.docNumber, firstName, secondName, firstSurname, secondSurname, birthDate, sex },
      municipalityCode: arrivalMunicipality ?? declarationMunicipality,
      victim: {
        eventCode: event!,
        victimType,
        occurrenceDate,
        declarationDate,
        inclusionDate,
        occurrenceMunicipality,
        declarationMunicipality,
        arrivalMunicipality,
        inclusionState,
      },
    };
    const extra: Record<string, string | null> = {};
    let any = false;
    for (const n of ['personId', 'ethnicity', 'disability', 'source'] as const) {
      if (opt(n)) {
        extra[n === 'personId' ? 'id_persona' : n === 'ethnicity' ? 'etnia' : n === 'disability' ? 'discapacidad' : 'fuente'] = val(rec, n) || null;
        any = true;
      }
    }
    if (sexRaw !== '' && sex === null) {
      extra.sexo = codeKey(sexRaw);
      any = true;
    }
    if (any) record.extra = extra;
    return iss.result(rec.raw, record);
  };
}

export function createRuvConnector(layout: Layout = RUV_LAYOUT): Connector {
  return {
    source: 'ruv',
    label: 'RUV / RUPD (Unidad para las Víctimas)',
    detect(fileName, headLines) {
      const byName = NAME_HINT.test(fileName) ? 0.6 : 0;
      const first = headLines.find((l) => l.trim() !== '') ?? '';
      let byContent = 0;
      for (const d of layout.delimiters) {
        if (first.includes(d)) byContent = Math.max(byContent, headerScore(layout, splitLine(first, d)) * (d === '\u00bb' ? 1 : 0.95));
      }
      if (!byContent && first.split('\u00bb').length >= 5) byContent = 0.6; // » is distinctive of RUV extracts
      return Math.min(1, byContent ? byContent + byName / 20 : byName);
    },
    parse(text, ctx) {
      return parseDelimited(text, ctx, { layout, createMapper });
    },
  };
}
