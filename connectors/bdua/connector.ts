/**
 * BDUA maestro de afiliados (ADRES → EPS): 43 comma-separated columns, no header, Windows-1252,
 * `DD/MM/AAAA`. One row per affiliate of one EPS: identity + a SALUD affiliation. sourceKey = AFL_ID
 * (the BDUA serial of the affiliate, stable across monthly extracts).
 */
import { BDUA_STATE_CODES, type Regime } from '../../src/domain/reference/affiliations';
import { SISPRO_DOCUMENT_CODES } from '../../src/domain/reference/documentTypes';
import type { Connector, NormalizedRecord, ParseContext } from '../types';
import { checkDate, checkDocument, checkMunicipalityParts, checkName, checkUndecodable } from '../common/checks';
import { columns } from '../common/columns';
import { parseDelimited, type RecordMapper } from '../common/delimited';
import { RowIssues } from '../common/issues';
import type { ColumnMap, Layout } from '../common/layout';
import { BDUA_LAYOUT } from './layout';

const AFL_ID = /^[0-9A-Za-z]{1,20}$/;
const ENT_ID = /^[0-9A-Za-z]{2,10}$/;
/** `23678-MS0021032024.TXT`: MS subsidiado, MC contributivo, then 2 digits and the cut date DDMMAAAA. */
const FILE_REGIME = /(?:^|[^A-Z0-9])M([SC])\d{2}(\d{8})?(?:[^A-Z0-9]|$)/i;
const NAME_HINT = /(?:^|[^A-Z0-9])M[SC]\d{10}\.TXT$/i;
const EPS_CODE = /^(?:EPS[SCI]?\d|ESS\d|EAS\d|CCF\d|RES\d|EMP\d|EPSI|EPSS|EPSC)/i;
const DMY = /^\d{1,2}\/\d{1,2}\/\d{4}$/;

/** Régimen from the file name (`…MS…TXT` subsidiado, `…MC…TXT` contributivo). */
export function regimeFromFileName(fileName: string): Regime | null {
  const base = fileName.split(/[\\/]/).pop() ?? fileName;
  const m = FILE_REGIME.exec(base);
  if (!m) return null;
  return m[1].toUpperCase() === 'S' ? 'SUBSIDIADO' : 'CONTRIBUTIVO';
}

const REGIME_CODES: Record<string, Regime> = {
  S: 'SUBSIDIADO',
  SUBSIDIADO: 'SUBSIDIADO',
  C: 'CONTRIBUTIVO',
  CONTRIBUTIVO: 'CONTRIBUTIVO',
  E: 'ESPECIAL',
  ESPECIAL: 'ESPECIAL',
  X: 'EXCEPCION',
  EXCEPCION: 'EXCEPCION',
};
const EXTRA: readonly [string, string][] = [
  ['headDocType', 'TPS_IDN_ID_CF'],
  ['headDocNumber', 'HST_IDN_NUMERO_IDENTIFICACION_CF'],
  ['affiliateType', 'TPS_AFL_ID'],
  ['kinship', 'TPS_PRN_ID'],
  ['populationGroup', 'TPS_GRP_PBL_ID'],
  ['zone', 'ZNS_ID'],
  ['ethnicity', 'CNT_AFL_TPS_PRT_ETN_ID'],
  ['subsidyModality', 'TPS_MDL_SBS_ID'],
  ['familyGroupId', 'GRP_FML_COTIZANTE_ID'],
  ['primaryIps', 'COD_IPS_P'],
  ['sisbenIvSubgroup', 'SUB_SISBEN_IV'],
  ['rnecCross', 'CRUCE_BDEX_RNEC'],
  ['portability', 'PORTABILIDAD'],
  ['disability', 'AFL_DISCAPACIDAD'],
];
const MAPPED = [
  'aflId',
  'administratorCode',
  'docType',
  'docNumber',
  'firstSurname',
  'secondSurname',
  'firstName',
  'secondName',
  'birthDate',
  'sex',
  'department',
  'municipality',
  'state',
  'startDate',
  'endDate',
  'stateStartDate',
  'systemAffiliationDate',
  'regime',
  ...EXTRA.map((e) => e[0]),
];

function createMapper(map: ColumnMap, ctx: ParseContext): RecordMapper {
  const c = columns(map);
  const L = (n: string) => c.label(n);
  const [iAfl, iEnt, iTd, iNd, iAp1, iAp2, iNo1, iNo2, iBirth, iSex, iDept, iMun, iState, iStart, iEnd, iStateStart, iSgsss, iReg] = [
    'aflId',
    'administratorCode',
    'docType',
    'docNumber',
    'firstSurname',
    'secondSurname',
    'firstName',
    'secondName',
    'birthDate',
    'sex',
    'department',
    'municipality',
    'state',
    'startDate',
    'endDate',
    'stateStartDate',
    'systemAffiliationDate',
    'regime',
  ].map(c.at);
  const iAflType = c.at('affiliateType');
  const extra = EXTRA.map(([k, name]) => [c.at(k), name] as const).filter(([i]) => i >= 0);
  const used = c.used(MAPPED);
  const fileRegime = regimeFromFileName(ctx.fileName);
  const { today, municipalities } = ctx;
  const past = { today };
  const requiredPast = { required: true, today };
  const openEnd = { today: '9999-12-31', openEnd: true };
  const v = c.value;

  // Column labels for row issues, resolved once per file.
  const L_administratorCode = L('administratorCode');
  const L_aflId = L('aflId');
  const L_birthDate = L('birthDate');
  const L_department = L('department');
  const L_docNumber = L('docNumber');
  const L_docType = L('docType');
  const L_endDate = L('endDate');
  const L_firstName = L('firstName');
  const L_firstSurname = L('firstSurname');
  const L_municipality = L('municipality');
  const L_regime = L('regime');
  const L_secondName = L('secondName');
  const L_secondSurname = L('secondSurname');
  const L_sex = L('sex');
  const L_startDate = L('startDate');
  const L_state = L('state');
  const L_stateStartDate = L('stateStartDate');
  const L_systemAffiliationDate = L('systemAffiliationDate');
  return (rec) => {
    const iss = new RowIssues(rec.line);
    checkUndecodable(rec, used.indexes, used.labels, iss);
    const afl = v(rec, iAfl);
    let aflOk = false;
    if (afl === '') iss.error(L_aflId, 'MISSING_REQUIRED', `${L_aflId} is required.`);
    else if (!AFL_ID.test(afl)) iss.error(L_aflId, 'INVALID_CODE', `${L_aflId} must be letters and digits (at most 20).`);
    else aflOk = true;
    const ent = v(rec, iEnt).toUpperCase();
    if (ent === '') iss.error(L_administratorCode, 'MISSING_REQUIRED', `${L_administratorCode} is required.`);
    else if (!ENT_ID.test(ent)) iss.error(L_administratorCode, 'INVALID_CODE', `${L_administratorCode} is not an EPS code (letters and digits, e.g. EPS037).`);

    const { docType, docNumber } = checkDocument(v(rec, iTd), v(rec, iNd), SISPRO_DOCUMENT_CODES, L_docType, L_docNumber, iss);
    const firstSurname = checkName(v(rec, iAp1), L_firstSurname, iss, true);
    const secondSurname = checkName(v(rec, iAp2), L_secondSurname, iss, false);
    const firstName = checkName(v(rec, iNo1), L_firstName, iss, true);
    const secondName = checkName(v(rec, iNo2), L_secondName, iss, false);
    const birthDate = checkDate(v(rec, iBirth), L_birthDate, iss, requiredPast);

    const sexRaw = v(rec, iSex).toUpperCase();
    let sex: 'M' | 'F' | null = null;
    if (sexRaw === 'M') sex = 'M';
    else if (sexRaw === 'F') sex = 'F';
    else if (sexRaw === '') iss.error(L_sex, 'MISSING_REQUIRED', `${L_sex} is required.`);
    else iss.error(L_sex, 'INVALID_CODE', `${L_sex} must be M or F.`);

    const municipalityCode = checkMunicipalityParts(v(rec, iDept), v(rec, iMun), `${L_department}+${L_municipality}`, iss, municipalities, true);

    const stateCode = v(rec, iState).toUpperCase();
    let state = BDUA_STATE_CODES[stateCode];
    if (stateCode === '') iss.error(L_state, 'MISSING_REQUIRED', `${L_state} is required.`);
    else if (state === undefined) {
      state = 'OTRO';
      iss.warn(L_state, 'UNKNOWN_STATE_CODE', `${L_state} is not a known BDUA state (AC, AF, RE, DS, SM, SD, ST, PL); kept as OTRO.`);
    }
    const startDate = checkDate(v(rec, iStart), L_startDate, iss, past);
    const endDate = iEnd >= 0 ? checkDate(v(rec, iEnd), L_endDate, iss, openEnd) : null;
    const stateStart = iStateStart >= 0 ? checkDate(v(rec, iStateStart), L_stateStartDate, iss, openEnd) : null;
    const sgsss = iSgsss >= 0 ? checkDate(v(rec, iSgsss), L_systemAffiliationDate, iss, past) : null;
    if (startDate !== null && endDate !== null && endDate < startDate) {
      iss.warn(L_endDate, 'DATE_ORDER', `${L_endDate} is before ${L_startDate}.`);
    }

    let regime: Regime | null = fileRegime;
    if (iReg >= 0) {
      const r = v(rec, iReg).toUpperCase();
      if (r !== '') {
        regime = REGIME_CODES[r] ?? 'OTRO';
        if (!(r in REGIME_CODES)) iss.warn(L_regime, 'INVALID_CODE', `${L_regime} is not a known régimen code; kept as OTRO.`);
      }
    }

    if (iss.failed) return iss.result(rec.raw, null, aflOk ? afl : null);
    const x: Record<string, string | null> = { fecha_inicio_condicion: stateStart, fecha_afiliacion_sgsss: sgsss };
    for (const [i, name] of extra) x[name] = v(rec, i) || null;
    const record: NormalizedRecord = {
      sourceKey: afl,
      identity: { docType, docNumber, firstName, secondName, firstSurname, secondSurname, birthDate, sex },
      municipalityCode,
      affiliation: {
        subsystem: 'SALUD',
        administratorCode: ent,
        administratorName: null,
        regime,
        affiliateType: v(rec, iAflType) || null,
        state: state!,
        stateCode,
        startDate,
        endDate,
        municipalityCode,
        program: null,
      },
      extra: x,
    };
    return iss.result(rec.raw, record);
  };
}

export function createBduaConnector(layout: Layout = BDUA_LAYOUT): Connector {
  return {
    source: 'bdua',
    label: 'BDUA maestro de afiliados (ADRES)',
    detect(fileName, headLines) {
      const byName = NAME_HINT.test(fileName) ? 0.6 : /bdua/i.test(fileName) ? 0.4 : 0;
      const lines = headLines.filter((l) => l.trim() !== '').slice(0, 5);
      let byContent = 0;
      if (lines.length) {
        const cells = lines.map((l) => l.split(','));
        const width = cells.filter((c) => c.length === layout.columnCount).length / cells.length;
        const looks = cells.filter((c) => EPS_CODE.test(c[1]?.trim() ?? '') && DMY.test(c[10]?.trim() ?? '')).length / cells.length;
        if (width >= 0.6 && looks >= 0.6) byContent = 0.95;
        else if (width >= 0.6) byContent = 0.6;
        else if (/^AFL_ID,ENT_ID,/i.test(lines[0])) byContent = 0.9;
      }
      return Math.min(1, byContent ? byContent + byName / 10 : byName);
    },
    parse(text, ctx) {
      return parseDelimited(text, ctx, { layout, createMapper });
    },
  };
}
