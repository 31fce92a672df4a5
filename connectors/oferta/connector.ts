/**
 * Mapa de Oferta Local: the programs, projects and actions entities offer in each municipality, the
 * Logros Básicos each one serves, its cupos and its period (domain.md §4.2, módulo de oferta). The
 * layout is the hub's own (no official file layout was found), with the column names of the DPS
 * registros administrativos template where it has them (ID OFERTA, CODIGO MUNICIPIO DANE).
 *
 * Every field but the NIT, the zone and the target population is needed to count supply, so any
 * problem in them is an error; a rejected row keeps the offer's previous version.
 */
import { LOGROS_BASICOS } from '../../src/domain/reference/logros';
import type { Zone } from '../../src/domain/reference/sisben';
import { foldAccents, collapseSpaces } from '../../src/domain/text';
import type { Connector, ParseContext } from '../types';
import { checkMunicipalityCode, checkMunicipalityParts, checkUndecodable } from '../common/checks';
import { columns } from '../common/columns';
import { MIN_DATE, parseDate } from '../common/dates';
import { parseDelimited, type RecordMapper } from '../common/delimited';
import { RowIssues } from '../common/issues';
import type { ColumnMap, Layout } from '../common/layout';
import { detectByHeader } from '../common/detect';
import { isNullLike } from '../common/values';
import { OFERTA_LAYOUT } from './layout';
import type { OfferRecord } from './record';

const OFFER_CODE = /^[0-9A-Za-z][0-9A-Za-z._/-]{0,39}$/;
const NIT = /^[0-9]{5,13}$/;
const MAX_TEXT = 300;
const MAX_PLACES = 10_000_000;
const LOGRO_IDS = new Set(LOGROS_BASICOS.map((l) => l.id));
const MAX_LOGRO = Math.max(...LOGRO_IDS);
/** `24;26`, `LB24, LB26`, `LB 24 / 26`, `24|26|28`. */
const LOGRO_SEPARATORS = /[;,|/\s]+/;

const ZONE_LABELS: Record<string, Zone> = {
  '1': 'cabecera',
  '2': 'centro_poblado',
  '3': 'rural_disperso',
  CABECERA: 'cabecera',
  'CABECERA MUNICIPAL': 'cabecera',
  URBANA: 'cabecera',
  URBANO: 'cabecera',
  'CENTRO POBLADO': 'centro_poblado',
  'RURAL DISPERSO': 'rural_disperso',
};
/** Zone values meaning "the whole municipality". */
const ALL_ZONES = new Set(['', 'TODAS', 'TODOS', 'TODA', 'MUNICIPIO', 'TOTAL']);

const MAPPED = [
  'offerCode',
  'department',
  'municipality',
  'entity',
  'entityNit',
  'program',
  'logros',
  'places',
  'periodStart',
  'periodEnd',
  'zone',
  'targetPopulation',
];

/** Whole number of cupos: digits, optionally with `.` thousands grouping (`1.200`); no decimals. */
export function parsePlaces(raw: string): number | null {
  const s = raw.replace(/\s/g, '');
  if (/^\d{1,9}$/.test(s)) return Number(s);
  if (/^\d{1,3}(\.\d{3})+$/.test(s)) return Number(s.replace(/\./g, ''));
  if (/^\d+\.0+$/.test(s)) return Number(s.slice(0, s.indexOf('.'))); // Excel `120.0`
  return null;
}

/** Logro numbers from a list; `bad` = entries that are not Logros Básicos. */
export function parseLogros(raw: string): { logros: number[]; bad: number } {
  const out = new Set<number>();
  let bad = 0;
  for (const part of raw.toUpperCase().split(LOGRO_SEPARATORS)) {
    if (part === '' || part === 'LB') continue;
    const m = /^(?:LB|LOGRO)?0*(\d{1,3})$/.exec(part);
    const n = m ? Number(m[1]) : NaN;
    if (!Number.isInteger(n) || n < 1 || n > MAX_LOGRO || !LOGRO_IDS.has(n)) bad++;
    else out.add(n);
  }
  return { logros: [...out].sort((a, b) => a - b), bad };
}

function text(raw: string): string | null {
  if (isNullLike(raw)) return null;
  return collapseSpaces(raw);
}

function createMapper(map: ColumnMap, ctx: ParseContext): RecordMapper<OfferRecord> {
  const c = columns(map);
  const L = (n: string) => c.label(n);
  const i = Object.fromEntries(MAPPED.map((n) => [n, c.at(n)])) as Record<string, number>;
  const used = c.used(MAPPED);
  const { municipalities } = ctx;
  const v = c.value;

  const requiredText = (rec: Parameters<RecordMapper>[0], field: string, iss: RowIssues): string | null => {
    const label = L(field);
    const t = text(v(rec, i[field]));
    if (t === null) iss.error(label, 'MISSING_REQUIRED', `${label} is required.`);
    else if (t.length > MAX_TEXT) iss.error(label, 'INVALID_CODE', `${label} is longer than ${MAX_TEXT} characters.`);
    else return t;
    return null;
  };
  const periodDate = (rec: Parameters<RecordMapper>[0], field: string, iss: RowIssues): string | null => {
    const label = L(field);
    const raw = v(rec, i[field]);
    if (raw === '') {
      iss.error(label, 'MISSING_REQUIRED', `${label} is required.`);
      return null;
    }
    const d = parseDate(raw);
    if (d === null) iss.error(label, 'INVALID_DATE', `${label} is not a real date in DD/MM/AAAA (or AAAA-MM-DD) form.`);
    else if (d < MIN_DATE) iss.error(label, 'DATE_TOO_OLD', `${label} is before 01/01/1900.`);
    else return d; // periods may lie in the future: offers are published ahead
    return null;
  };

  return (rec) => {
    const iss = new RowIssues(rec.line);
    checkUndecodable(rec, used.indexes, used.labels, iss);

    const lCode = L('offerCode');
    const offerCode = v(rec, i.offerCode);
    let codeOk = false;
    if (offerCode === '') iss.error(lCode, 'MISSING_REQUIRED', `${lCode} is required.`);
    else if (!OFFER_CODE.test(offerCode)) iss.error(lCode, 'INVALID_CODE', `${lCode} must be letters, digits, dots, slashes or hyphens (at most 40).`);
    else codeOk = true;

    const munRaw = v(rec, i.municipality);
    const deptRaw = i.department >= 0 ? v(rec, i.department) : '';
    // A 3-digit municipio with its departamento column (the RA template) or a full DIVIPOLA code.
    const municipalityCode =
      deptRaw !== '' && munRaw.length <= 3
        ? checkMunicipalityParts(deptRaw, munRaw, L('municipality'), iss, municipalities, true)
        : checkMunicipalityCode(munRaw, L('municipality'), iss, municipalities, true);
    if (municipalityCode !== null && deptRaw !== '' && deptRaw.padStart(2, '0') !== municipalityCode.slice(0, 2)) {
      iss.warn(L('department'), 'INCONSISTENT_DEPARTMENT', `${L('department')} does not match the department of ${L('municipality')}.`);
    }

    const entity = requiredText(rec, 'entity', iss);
    const program = requiredText(rec, 'program', iss);
    let entityNit: string | null = null;
    if (i.entityNit >= 0) {
      const raw = v(rec, i.entityNit).replace(/[.\s-]/g, '');
      if (raw !== '' && !isNullLike(raw)) {
        if (NIT.test(raw)) entityNit = raw;
        else iss.warn(L('entityNit'), 'INVALID_CODE', `${L('entityNit')} is not a NIT (digits, optional check digit); read as empty.`);
      }
    }

    const lLogros = L('logros');
    const logrosRaw = v(rec, i.logros);
    let logros: number[] = [];
    if (isNullLike(logrosRaw)) iss.error(lLogros, 'MISSING_REQUIRED', `${lLogros} is required (at least one Logro Básico, 1–45).`);
    else {
      const parsed = parseLogros(logrosRaw);
      if (parsed.bad > 0) iss.error(lLogros, 'INVALID_CODE', `${lLogros} must list Logros Básicos by number (1–45), separated by ; , | or /.`);
      else if (parsed.logros.length === 0) iss.error(lLogros, 'MISSING_REQUIRED', `${lLogros} is required (at least one Logro Básico, 1–45).`);
      logros = parsed.logros;
    }

    const lPlaces = L('places');
    const placesRaw = v(rec, i.places);
    let places: number | null = null;
    if (placesRaw === '') iss.error(lPlaces, 'MISSING_REQUIRED', `${lPlaces} is required.`);
    else {
      places = parsePlaces(placesRaw);
      if (places === null || places > MAX_PLACES) {
        iss.error(lPlaces, 'INVALID_CODE', `${lPlaces} must be a whole number of places from 0 to ${MAX_PLACES.toLocaleString('en')}.`);
        places = null;
      }
    }

    const periodStart = periodDate(rec, 'periodStart', iss);
    const periodEnd = periodDate(rec, 'periodEnd', iss);
    if (periodStart !== null && periodEnd !== null && periodEnd < periodStart) {
      iss.error(L('periodEnd'), 'DATE_ORDER', `${L('periodEnd')} is before ${L('periodStart')}.`);
    }

    let zone: Zone | null = null;
    if (i.zone >= 0) {
      const raw = v(rec, i.zone);
      const key = collapseSpaces(foldAccents(raw).toUpperCase().replace(/_/g, ' '));
      if (!ALL_ZONES.has(key) && !isNullLike(raw)) {
        zone = ZONE_LABELS[key] ?? null;
        if (zone === null)
          iss.warn(L('zone'), 'INVALID_CODE', `${L('zone')} must be 1, 2, 3 or cabecera / centro poblado / rural disperso; read as the whole municipality.`);
      }
    }
    const targetPopulation = i.targetPopulation >= 0 ? text(v(rec, i.targetPopulation)) : null;

    const keyOk = codeOk && municipalityCode !== null && periodStart !== null;
    const sourceKey = keyOk ? `${offerCode}-${municipalityCode}-${periodStart}` : null;
    if (iss.failed) return iss.result<OfferRecord>(rec.raw, null, sourceKey);
    const record: OfferRecord = {
      sourceKey: sourceKey!,
      offerCode,
      municipalityCode: municipalityCode!,
      entity: entity!,
      entityNit,
      program: program!,
      logros,
      places: places!,
      periodStart: periodStart!,
      periodEnd: periodEnd!,
      zone,
      targetPopulation: targetPopulation && targetPopulation.length > MAX_TEXT ? targetPopulation.slice(0, MAX_TEXT) : targetPopulation,
    };
    return iss.result<OfferRecord>(rec.raw, record);
  };
}

const NAME_HINT = /oferta/i;

export function createOfertaConnector(layout: Layout = OFERTA_LAYOUT): Connector<OfferRecord> {
  return {
    source: 'oferta',
    label: 'Mapa de Oferta Local',
    detect: detectByHeader(layout, NAME_HINT),
    parse(text, ctx) {
      return parseDelimited(text, ctx, { layout, createMapper });
    },
  };
}
