/**
 * Sisbén IV persons (DNP). One row per person; household = ficha + hogar; membership role =
 * parentesco; order = ide_persona. Validation follows the DNP "mallas" (domain.md §1.3); what is an
 * error and what is a warning is listed in connectors/README.md.
 */
import { SISBEN_DOCUMENT_CODES } from '../../src/domain/reference/documentTypes';
import { parseSisbenSubgroup, SISBEN_GROUPS, type SisbenGroup } from '../../src/domain/reference/sisben';
import type { Connector, NormalizedRecord, ParseContext } from '../types';
import { ageAt } from '../common/dates';
import { checkDate, checkDocumentOrNone, checkMunicipalityCode, checkName, checkUndecodable } from '../common/checks';
import { columns } from '../common/columns';
import { parseDelimited, type RecordMapper } from '../common/delimited';
import { RowIssues } from '../common/issues';
import type { ColumnMap, Layout } from '../common/layout';
import { detectByHeader } from '../common/detect';
import { checkDepartmentAgrees, checkFicha, checkKeyNumber, checkZone } from '../common/sisbenChecks';
import { smallInt } from '../common/values';
import { SISBEN_LAYOUT } from './layout';

/** Subgroup spellings seen in a file are few (A1, a1, A01…): memoize their parse. */
const subgroupMemo = new Map<string, ReturnType<typeof parseSisbenSubgroup>>();
function subgroupOf(raw: string): ReturnType<typeof parseSisbenSubgroup> {
  let v = subgroupMemo.get(raw);
  if (v === undefined) {
    v = parseSisbenSubgroup(raw);
    if (subgroupMemo.size > 1000) subgroupMemo.clear();
    subgroupMemo.set(raw, v);
  }
  return v;
}
/** Parentesco values a person under 14 cannot hold (mallas): jefe, cónyuge, padre/madre, abuelo, suegro. */
const ADULT_ROLES = new Set([1, 2, 5, 8, 9]);
const MAPPED = [
  'municipality',
  'department',
  'ficha',
  'household',
  'person',
  'firstSurname',
  'secondSurname',
  'firstName',
  'secondName',
  'sex',
  'docType',
  'docNumber',
  'birthDate',
  'kinship',
  'zone',
  'classification',
  'group',
  'level',
  'cutDate',
  'surveyDate',
  'docIssueDate',
  'nationalId',
  'building',
  'age',
];

function createMapper(map: ColumnMap, ctx: ParseContext): RecordMapper {
  const c = columns(map);
  const L = (n: string) => c.label(n);
  const iMun = c.at('municipality'),
    iDept = c.at('department'),
    iFicha = c.at('ficha'),
    iHog = c.at('household'),
    iPer = c.at('person');
  const iAp1 = c.at('firstSurname'),
    iAp2 = c.at('secondSurname'),
    iNo1 = c.at('firstName'),
    iNo2 = c.at('secondName');
  const iSex = c.at('sex'),
    iTd = c.at('docType'),
    iNd = c.at('docNumber'),
    iBirth = c.at('birthDate'),
    iKin = c.at('kinship');
  const iZone = c.at('zone'),
    iClass = c.at('classification'),
    iGroup = c.at('group'),
    iLevel = c.at('level');
  const iCut = c.at('cutDate'),
    iSurvey = c.at('surveyDate'),
    iIssue = c.at('docIssueDate'),
    iNat = c.at('nationalId'),
    iBld = c.at('building'),
    iAge = c.at('age');
  const lMun = L('municipality'),
    lFicha = L('ficha'),
    lHog = L('household'),
    lPer = L('person'),
    lSex = L('sex'),
    lTd = L('docType'),
    lNd = L('docNumber');
  const lBirth = L('birthDate'),
    lKin = L('kinship'),
    lZone = L('zone'),
    lCut = L('cutDate'),
    lSurvey = L('surveyDate'),
    lIssue = L('docIssueDate');
  const lSub = iClass >= 0 ? L('classification') : L('level');
  const lAp1 = L('firstSurname'),
    lAp2 = L('secondSurname'),
    lNo1 = L('firstName'),
    lNo2 = L('secondName'),
    lDept = L('department');
  const used = c.used(MAPPED);
  const hasExtra = iNat >= 0 || iIssue >= 0 || iBld >= 0 || iAge >= 0 || iDept >= 0;
  const { today, municipalities } = ctx;
  const past = { today };
  const requiredPast = { required: true, today };
  const v = c.value;

  return (rec) => {
    const iss = new RowIssues(rec.line);
    checkUndecodable(rec, used.indexes, used.labels, iss);

    // Keys: ficha, hogar, persona.
    const ficha = checkFicha(v(rec, iFicha), lFicha, iss);
    const hogar = checkKeyNumber(v(rec, iHog), lHog, iss);
    const persona = checkKeyNumber(v(rec, iPer), lPer, iss);

    const municipalityCode = checkMunicipalityCode(v(rec, iMun), lMun, iss, municipalities, true);
    if (municipalityCode !== null && iDept >= 0) checkDepartmentAgrees(v(rec, iDept), municipalityCode, lDept, lMun, iss);

    const firstSurname = checkName(v(rec, iAp1), lAp1, iss, true);
    const secondSurname = iAp2 >= 0 ? checkName(v(rec, iAp2), lAp2, iss, false) : null;
    const firstName = checkName(v(rec, iNo1), lNo1, iss, true);
    const secondName = iNo2 >= 0 ? checkName(v(rec, iNo2), lNo2, iss, false) : null;

    const sexRaw = v(rec, iSex);
    let sex: 'M' | 'F' | null = null;
    if (sexRaw === '1' || sexRaw === '1.0') sex = 'M';
    else if (sexRaw === '2' || sexRaw === '2.0') sex = 'F';
    else if (sexRaw === '') iss.error(lSex, 'MISSING_REQUIRED', `${lSex} is required.`);
    else iss.error(lSex, 'INVALID_CODE', `${lSex} must be 1 (hombre) or 2 (mujer).`);

    const { docType, docNumber } = checkDocumentOrNone(v(rec, iTd), v(rec, iNd), SISBEN_DOCUMENT_CODES, lTd, lNd, iss);
    const birthDate = checkDate(v(rec, iBirth), lBirth, iss, requiredPast);
    const cutDate = iCut >= 0 ? checkDate(v(rec, iCut), lCut, iss, past) : null;
    const surveyDate = iSurvey >= 0 ? checkDate(v(rec, iSurvey), lSurvey, iss, past) : null;
    const issueDate = iIssue >= 0 ? checkDate(v(rec, iIssue), lIssue, iss, past) : null;

    let role: number | null = null;
    if (iKin >= 0) {
      const k = v(rec, iKin);
      if (k !== '') {
        role = smallInt(k, 1, 19);
        if (role === null) iss.error(lKin, 'INVALID_CODE', `${lKin} must be a parentesco code from 1 to 19.`);
      }
    }
    const zone = iZone >= 0 ? checkZone(v(rec, iZone), lZone, iss) : null;

    // Classification: one column (`B4`) or group letter + level (`B` + `4`, or the level alone as `B4`).
    let group: SisbenGroup | null = null;
    let subgroup: string | null = null;
    const cls = iClass >= 0 ? v(rec, iClass) : '';
    const grp = iGroup >= 0 ? v(rec, iGroup).toUpperCase() : '';
    const lvl = iLevel >= 0 ? v(rec, iLevel) : '';
    const subRaw = cls !== '' ? cls : /^\d+$/.test(lvl) && grp !== '' ? grp + lvl : lvl;
    if (subRaw === '') {
      iss.error(lSub, 'MISSING_REQUIRED', `${lSub} (Sisbén IV subgroup) is required.`);
    } else {
      const sg = subgroupOf(subRaw);
      if (sg === null) iss.error(lSub, 'INVALID_SUBGROUP', `${lSub} is not a Sisbén IV subgroup (A1–A5, B1–B7, C1–C18, D1–D21).`);
      else if (grp !== '' && grp !== sg.group && grp in SISBEN_GROUPS)
        iss.error(lSub, 'INVALID_SUBGROUP', `${lSub} does not belong to the group in ${L('group')}.`);
      else {
        group = sg.group;
        subgroup = sg.code;
      }
    }

    // Plausibility rules (warnings): document type vs age, parentesco vs age and order.
    if (birthDate !== null) {
      const age = ageAt(birthDate, cutDate ?? today);
      if (docType === 'TI' && age < 7) iss.warn(lTd, 'DOCUMENT_AGE_MISMATCH', `${lTd} is TI but the person is younger than 7.`);
      else if (docType === 'CC' && age < 18) iss.warn(lTd, 'DOCUMENT_AGE_MISMATCH', `${lTd} is CC but the person is younger than 18.`);
      if (age > 117) iss.warn(lBirth, 'AGE_OUT_OF_RANGE', `${lBirth} gives an age over 117 years.`);
      if (role !== null && age < 14 && ADULT_ROLES.has(role)) iss.warn(lKin, 'KINSHIP_AGE_MISMATCH', `${lKin} is a role a person under 14 cannot hold.`);
      if (issueDate !== null && issueDate < birthDate) iss.warn(lIssue, 'DOCUMENT_DATE_MISMATCH', `${lIssue} is before ${lBirth}.`);
    }
    if (role !== null && persona !== null && (persona === 1) !== (role === 1)) {
      iss.warn(
        lKin,
        'KINSHIP_ORDER_MISMATCH',
        persona === 1 ? `${lPer} 1 must be the jefe del hogar (${lKin} 1).` : `Only ${lPer} 1 can be the jefe del hogar.`,
      );
    }

    if (iss.failed) return iss.result(rec.raw, null, ficha !== null && hogar !== null && persona !== null ? `${ficha}-${hogar}-${persona}` : null);
    const record: NormalizedRecord = {
      sourceKey: `${ficha}-${hogar}-${persona}`,
      identity: { docType, docNumber, firstName, secondName, firstSurname, secondSurname, birthDate, sex },
      municipalityCode,
      household: { key: `${ficha}-${hogar}`, municipalityCode: municipalityCode!, zone, ficha, role, order: persona },
      sisben: { group: group!, subgroup: subgroup!, cutDate, surveyDate },
    };
    if (hasExtra) {
      const extra: Record<string, string | null> = {};
      if (iNat >= 0) extra.ide_nacional = v(rec, iNat) || null;
      if (iIssue >= 0) extra.fec_documento = issueDate;
      if (iBld >= 0) extra.ide_edificacion = v(rec, iBld) || null;
      if (iAge >= 0) extra.edad_calculada = v(rec, iAge) || null;
      if (iDept >= 0) extra.cod_dpto = v(rec, iDept) || null;
      record.extra = extra;
    }
    return iss.result(rec.raw, record);
  };
}

const NAME_HINT = /sisben|sisb[eé]n|\bcns_personas\b|personas.*sisben/i;

export function createSisbenConnector(layout: Layout = SISBEN_LAYOUT): Connector {
  return {
    source: 'sisben',
    label: 'Sisbén IV (DNP) — personas',
    detect: detectByHeader(layout, NAME_HINT),
    parse(text, ctx) {
      return parseDelimited(text, ctx, { layout, createMapper });
    },
  };
}
