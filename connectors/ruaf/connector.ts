/**
 * RUAF affiliation extracts: one row per person × subsystem × administradora. The official annexes
 * vary by version, so the column map is configuration: a layout (JSON) says where each field is.
 * sourceKey = document type + number + subsystem + administradora (+ programa for asistencia social).
 */
import type { AffiliationState, Regime, Subsystem } from '../../src/domain/reference/affiliations';
import { SISBEN_DOCUMENT_CODES, SISPRO_DOCUMENT_CODES, RUV_DOCUMENT_CODES, type DocumentTypeCode } from '../../src/domain/reference/documentTypes';
import type { Connector, NormalizedRecord, ParseContext } from '../types';
import { checkDate, checkDocument, checkMunicipalityCode, checkMunicipalityParts, checkName, checkUndecodable } from '../common/checks';
import { columns } from '../common/columns';
import { parseDelimited, type RecordMapper } from '../common/delimited';
import { RowIssues } from '../common/issues';
import { codeKey, headerScore, type ColumnMap, type Layout } from '../common/layout';
import { splitLine } from '../common/reader';
import { RUAF_REGIME_CODES, RUAF_SEX_CODES, RUAF_STATE_CODES, RUAF_SUBSYSTEM_CODES } from './codes';
import { RUAF_LAYOUTS } from './layout';

const DOC_CODES: Record<string, Readonly<Record<string, DocumentTypeCode>>> = {
  sisben: SISBEN_DOCUMENT_CODES,
  sispro: SISPRO_DOCUMENT_CODES,
  ruv: RUV_DOCUMENT_CODES,
};
const ADMIN = /^[0-9A-Za-z-]{1,20}$/;
const KNOWN = [
  'docType',
  'docNumber',
  'firstSurname',
  'secondSurname',
  'firstName',
  'secondName',
  'birthDate',
  'sex',
  'subsystem',
  'administratorCode',
  'administratorName',
  'regime',
  'affiliateType',
  'state',
  'startDate',
  'endDate',
  'municipality',
  'department',
  'municipalityPart',
  'program',
];

function keyed<T>(base: Record<string, T>, extra: Record<string, string> | undefined): Map<string, T> {
  const m = new Map<string, T>();
  for (const [k, v] of Object.entries(base)) m.set(codeKey(k), v);
  for (const [k, v] of Object.entries(extra ?? {})) m.set(codeKey(k), v as T);
  return m;
}

function createMapperFor(layout: Layout) {
  const subsystems = keyed<Subsystem>(RUAF_SUBSYSTEM_CODES, layout.codes.subsystem);
  const states = keyed<AffiliationState>(RUAF_STATE_CODES, layout.codes.state);
  const regimes = keyed<Regime>(RUAF_REGIME_CODES, layout.codes.regime);
  const sexes = keyed<'M' | 'F' | 'I'>(RUAF_SEX_CODES, layout.codes.sex);
  const docCodes = { ...DOC_CODES[layout.documentCodes ?? 'sispro'], ...(layout.codes.docType as Record<string, DocumentTypeCode> | undefined) };

  return (map: ColumnMap, ctx: ParseContext): RecordMapper => {
    const c = columns(map);
    const L = (n: string) => c.label(n);
    const at = Object.fromEntries(KNOWN.map((k) => [k, c.at(k)])) as Record<string, number>;
    const extraCols = Object.keys(map.index)
      .filter((k) => !KNOWN.includes(k))
      .map((k) => [map.index[k], map.label[k]] as const);
    const used = c.used(Object.keys(map.index));
    const { today, municipalities } = ctx;
    const past = { today };
    const openEnd = { today: '9999-12-31', openEnd: true };
    const val = (rec: Parameters<RecordMapper>[0], name: string) => (at[name] >= 0 ? c.value(rec, at[name]) : (c.constant(name) ?? ''));

    return (rec) => {
      const iss = new RowIssues(rec.line);
      checkUndecodable(rec, used.indexes, used.labels, iss);
      const before = iss.errorCount;
      const { docType, docNumber } = checkDocument(val(rec, 'docType'), val(rec, 'docNumber'), docCodes, L('docType'), L('docNumber'), iss);
      const docOk = iss.errorCount === before;
      const firstSurname = checkName(val(rec, 'firstSurname'), L('firstSurname'), iss, true);
      const secondSurname = checkName(val(rec, 'secondSurname'), L('secondSurname'), iss, false);
      const firstName = checkName(val(rec, 'firstName'), L('firstName'), iss, true);
      const secondName = checkName(val(rec, 'secondName'), L('secondName'), iss, false);
      const birthDate = checkDate(val(rec, 'birthDate'), L('birthDate'), iss, past);
      const sexRaw = val(rec, 'sex');
      const sex = sexRaw === '' ? null : (sexes.get(codeKey(sexRaw)) ?? null);
      if (sexRaw !== '' && sex === null) iss.warn(L('sex'), 'INVALID_CODE', `${L('sex')} is not a known sex code (M/F, H/M, 1/2); left empty.`);

      const subRaw = val(rec, 'subsystem');
      const subsystem = subRaw === '' ? null : (subsystems.get(codeKey(subRaw)) ?? null);
      if (subRaw === '') iss.error(L('subsystem'), 'MISSING_REQUIRED', `${L('subsystem')} is required.`);
      else if (subsystem === null)
        iss.error(
          L('subsystem'),
          'INVALID_CODE',
          `${L('subsystem')} is not a RUAF subsystem (salud, pensiones, riesgos laborales, compensación familiar, cesantías, pensionados, asistencia social).`,
        );

      const admin = val(rec, 'administratorCode').toUpperCase();
      let adminOk = false;
      if (admin === '') iss.error(L('administratorCode'), 'MISSING_REQUIRED', `${L('administratorCode')} is required.`);
      else if (!ADMIN.test(admin))
        iss.error(L('administratorCode'), 'INVALID_CODE', `${L('administratorCode')} must be letters, digits or hyphens (at most 20).`);
      else adminOk = true;

      const stateRaw = val(rec, 'state');
      let state = stateRaw === '' ? undefined : states.get(codeKey(stateRaw));
      if (stateRaw === '') iss.error(L('state'), 'MISSING_REQUIRED', `${L('state')} is required.`);
      else if (state === undefined) {
        state = 'OTRO';
        iss.warn(L('state'), 'UNKNOWN_STATE_CODE', `${L('state')} is not a known affiliation state; kept as OTRO.`);
      }
      const regRaw = val(rec, 'regime');
      let regime: Regime | null = null;
      if (regRaw !== '') {
        regime = regimes.get(codeKey(regRaw)) ?? 'OTRO';
        if (!regimes.has(codeKey(regRaw))) iss.warn(L('regime'), 'INVALID_CODE', `${L('regime')} is not a known régimen; kept as OTRO.`);
      }
      const startDate = checkDate(val(rec, 'startDate'), L('startDate'), iss, past);
      const endDate = checkDate(val(rec, 'endDate'), L('endDate'), iss, openEnd);
      if (startDate && endDate && endDate < startDate) iss.warn(L('endDate'), 'DATE_ORDER', `${L('endDate')} is before ${L('startDate')}.`);

      let municipalityCode: string | null = null;
      if (at.municipality >= 0) municipalityCode = checkMunicipalityCode(val(rec, 'municipality'), L('municipality'), iss, municipalities, false);
      else if (at.municipalityPart >= 0) {
        municipalityCode = checkMunicipalityParts(
          val(rec, 'department'),
          val(rec, 'municipalityPart'),
          `${L('department')}+${L('municipalityPart')}`,
          iss,
          municipalities,
          false,
        );
      }
      const program = val(rec, 'program') || null;

      const programKey = subsystem === 'ASISTENCIA_SOCIAL' && program ? `:${codeKey(program)}` : '';
      if (iss.failed) {
        const keyOk = docOk && subsystem !== null && adminOk;
        return iss.result(rec.raw, null, keyOk ? `${docType}:${docNumber}:${subsystem}:${admin}${programKey}` : null);
      }
      const record: NormalizedRecord = {
        sourceKey: `${docType}:${docNumber}:${subsystem}:${admin}${programKey}`,
        identity: { docType, docNumber, firstName, secondName, firstSurname, secondSurname, birthDate, sex },
        municipalityCode,
        affiliation: {
          subsystem: subsystem!,
          administratorCode: admin,
          administratorName: val(rec, 'administratorName') || null,
          regime,
          affiliateType: val(rec, 'affiliateType') || null,
          state: state!,
          stateCode: stateRaw,
          startDate,
          endDate,
          municipalityCode,
          program,
        },
      };
      if (extraCols.length) {
        const extra: Record<string, string | null> = {};
        for (const [i, name] of extraCols) extra[name] = c.value(rec, i) || null;
        record.extra = extra;
      }
      return iss.result(rec.raw, record);
    };
  };
}

/** Chooses the layout that best fits the first lines: header names first, then column count. */
export function chooseRuafLayout(headLines: readonly string[], layouts: readonly Layout[] = RUAF_LAYOUTS): { layout: Layout; score: number } | null {
  const first = headLines.find((l) => l.trim() !== '');
  if (!first) return null;
  let best: { layout: Layout; score: number } | null = null;
  for (const layout of layouts) {
    for (const d of layout.delimiters) {
      if (!first.includes(d)) continue;
      const cells = splitLine(first, d);
      let score = headerScore(layout, cells);
      if (score === 0 && cells.length === layout.columnCount) score = 0.5;
      if (score > (best?.score ?? 0)) best = { layout, score };
    }
  }
  return best;
}

/**
 * A RUAF connector. With one layout it uses it; with several (the default: canonical and ARL) it picks,
 * per file, the layout whose header names or column count fit the first lines.
 */
export function createRuafConnector(layouts: Layout | readonly Layout[] = RUAF_LAYOUTS): Connector {
  const list = Array.isArray(layouts) ? (layouts as readonly Layout[]) : [layouts as Layout];
  const mappers = new Map(list.map((l) => [l, createMapperFor(l)]));
  return {
    source: 'ruaf',
    label: 'RUAF (Registro Único de Afiliados)',
    detect(fileName, headLines) {
      const byName = /ruaf/i.test(fileName) ? 0.5 : 0;
      const byContent = chooseRuafLayout(headLines, list)?.score ?? 0;
      return Math.min(1, byContent ? byContent + byName / 10 : byName);
    },
    async *parse(text, ctx) {
      const it = text[Symbol.asyncIterator]();
      const first = await it.next();
      const head = first.done ? '' : first.value;
      // A later byte range of the file is read with the layout its head chose.
      const resumed = ctx.range?.resume ? list.find((l) => l.id === ctx.range!.resume!.reading.layoutId) : undefined;
      const chosen = resumed ?? (list.length === 1 ? list[0] : (chooseRuafLayout(head.split(/\r\n|\n|\r/, 20), list)?.layout ?? list[0]));
      async function* replay(): AsyncGenerator<string, void, undefined> {
        if (!first.done) yield head;
        while (true) {
          const n = await it.next();
          if (n.done) return;
          yield n.value;
        }
      }
      yield* parseDelimited(replay(), ctx, { layout: chosen, createMapper: mappers.get(chosen)! });
    },
  };
}
