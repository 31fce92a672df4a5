/**
 * Sisbén IV hogares and viviendas (DNP). One row per household (ide_ficha_origen + ide_hogar) with
 * the household's variables (CNS_HOGARES) and those of the dwelling of its ficha (CNS_VIVIENDAS),
 * the way the DNP extract and the DPS bases deliver them joined. The key is the one the Sisbén
 * person file gives the household, so a household's dwelling joins its members.
 *
 * Errors: the key and the place (ficha, hogar, municipio, clase), and an unknown code in a variable
 * a Logro Básico is computed from (walls, floors, water, sewer and sanitation, energy, rooms,
 * bedrooms, persons): loading a wrong value would decide a logro wrongly, while a rejected row keeps
 * the household's previous version. Warnings: unknown codes in the informative variables (read as
 * empty), and plausibility (more bedrooms than rooms, a toilet connected to a sewer the dwelling
 * does not have).
 */
import type { Connector, ParseContext } from '../types';
import { checkDate, checkMunicipalityCode, checkUndecodable } from '../common/checks';
import { columns } from '../common/columns';
import { parseDelimited, type RecordMapper } from '../common/delimited';
import { RowIssues } from '../common/issues';
import type { ColumnMap, Layout } from '../common/layout';
import { detectByHeader } from '../common/detect';
import { checkDepartmentAgrees, checkFicha, checkKeyNumber, checkZone } from '../common/sisbenChecks';
import { smallInt } from '../common/values';
import { SISBEN_HOGARES_LAYOUT } from './layout';
import type { SisbenHogarRecord } from './record';

type CodeField = Exclude<
  {
    [K in keyof SisbenHogarRecord]: SisbenHogarRecord[K] extends number | null ? K : never;
  }[keyof SisbenHogarRecord],
  'householdNo'
>;
type FlagField = {
  [K in keyof SisbenHogarRecord]: SisbenHogarRecord[K] extends boolean | null ? K : never;
}[keyof SisbenHogarRecord];

interface CodeSpec {
  field: CodeField;
  min: number;
  max: number;
  /** Codes that mean "no aplica por flujo" or "no sabe": read as empty, no issue. */
  skip?: readonly number[];
  /** Source code → stored code (e.g. walls `0` = sin paredes → 8). */
  alias?: Readonly<Record<number, number>>;
  /** A Logro Básico is computed from it: an unknown value is an error, not a warning. */
  logro: boolean;
  what: string;
}

/** DNP dictionary code lists (July 2019; docs/imports.md and connectors/README.md list the labels). */
const CODES: readonly CodeSpec[] = [
  { field: 'dwellingType', min: 1, max: 5, logro: false, what: 'a tipo de vivienda code from 1 to 5' },
  { field: 'wallMaterial', min: 1, max: 8, alias: { 0: 8 }, logro: true, what: 'a material de paredes code from 1 to 8 (0 or 8 = sin paredes)' },
  { field: 'floorMaterial', min: 1, max: 6, logro: true, what: 'a material de pisos code from 1 to 6' },
  { field: 'dwellingRooms', min: 1, max: 50, skip: [99], logro: false, what: 'a number of rooms from 1 to 50' },
  { field: 'dwellingHouseholds', min: 1, max: 15, skip: [99], logro: false, what: 'a number of households from 1 to 15' },
  { field: 'tenure', min: 1, max: 5, skip: [9], logro: false, what: 'a tipo de ocupación code from 1 to 5' },
  { field: 'rooms', min: 1, max: 50, skip: [99], logro: true, what: 'a number of rooms from 1 to 50' },
  { field: 'bedrooms', min: 0, max: 50, skip: [99], logro: true, what: 'a number of bedrooms from 0 to 50' },
  { field: 'toiletType', min: 1, max: 5, skip: [9], logro: true, what: 'a tipo de sanitario code from 1 to 5' },
  { field: 'toiletLocation', min: 1, max: 2, skip: [3, 9], logro: false, what: 'a ubicación del sanitario code 1 or 2' },
  { field: 'waterSource', min: 1, max: 10, skip: [99], logro: true, what: 'an origen del agua code from 1 to 10' },
  { field: 'drinkingWater', min: 1, max: 6, skip: [9], logro: false, what: 'a uso del agua para beber code from 1 to 6' },
  { field: 'garbageDisposal', min: 1, max: 7, skip: [9], logro: false, what: 'an eliminación de basuras code from 1 to 7' },
  { field: 'cookingFuel', min: 0, max: 9, skip: [99], logro: false, what: 'an energía para cocinar code from 0 to 9' },
  { field: 'persons', min: 1, max: 25, logro: true, what: 'a number of persons from 1 to 25' },
];

interface FlagSpec {
  field: FlagField;
  /** The code that means true (1 = sí for the ind_ columns; 2 = compartido for tip_uso_sanitario). */
  yes: number;
  no: number;
  logro: boolean;
}

const FLAGS: readonly FlagSpec[] = [
  { field: 'hasEnergy', yes: 1, no: 2, logro: true },
  { field: 'hasSewer', yes: 1, no: 2, logro: true },
  { field: 'hasGas', yes: 1, no: 2, logro: false },
  { field: 'hasGarbageCollection', yes: 1, no: 2, logro: false },
  { field: 'hasAqueduct', yes: 1, no: 2, logro: true },
  { field: 'toiletShared', yes: 2, no: 1, logro: false },
  { field: 'waterAllWeek', yes: 1, no: 2, logro: false },
  { field: 'hasKitchen', yes: 1, no: 2, logro: false },
];

const MAPPED = [
  'municipality',
  'department',
  'ficha',
  'household',
  'zone',
  'cutDate',
  'surveyDate',
  ...CODES.map((c) => c.field),
  ...FLAGS.map((f) => f.field),
];

function createMapper(map: ColumnMap, ctx: ParseContext): RecordMapper<SisbenHogarRecord> {
  const c = columns(map);
  const L = (n: string) => c.label(n);
  const iMun = c.at('municipality'),
    iDept = c.at('department'),
    iFicha = c.at('ficha'),
    iHog = c.at('household'),
    iZone = c.at('zone'),
    iCut = c.at('cutDate'),
    iSurvey = c.at('surveyDate');
  const codes = CODES.map((s) => ({ ...s, at: c.at(s.field), label: L(s.field) })).filter((s) => s.at >= 0);
  const flags = FLAGS.map((s) => ({ ...s, at: c.at(s.field), label: L(s.field) })).filter((s) => s.at >= 0);
  const used = c.used(MAPPED);
  const { today, municipalities } = ctx;
  const past = { today };
  const v = c.value;
  const lFicha = L('ficha'),
    lHog = L('household'),
    lMun = L('municipality'),
    lDept = L('department'),
    lZone = L('zone');

  return (rec) => {
    const iss = new RowIssues(rec.line);
    checkUndecodable(rec, used.indexes, used.labels, iss);

    const ficha = checkFicha(v(rec, iFicha), lFicha, iss);
    const hogar = checkKeyNumber(v(rec, iHog), lHog, iss);

    const municipalityCode = checkMunicipalityCode(v(rec, iMun), lMun, iss, municipalities, true);
    if (municipalityCode !== null && iDept >= 0) checkDepartmentAgrees(v(rec, iDept), municipalityCode, lDept, lMun, iss);
    const zone = iZone >= 0 ? checkZone(v(rec, iZone), lZone, iss) : null;
    const cutDate = iCut >= 0 ? checkDate(v(rec, iCut), L('cutDate'), iss, past) : null;
    const surveyDate = iSurvey >= 0 ? checkDate(v(rec, iSurvey), L('surveyDate'), iss, past) : null;

    const record: SisbenHogarRecord = {
      sourceKey: `${ficha}-${hogar}`,
      ficha: ficha ?? '',
      householdNo: hogar ?? 0,
      municipalityCode: municipalityCode ?? '',
      zone,
      cutDate,
      surveyDate,
      dwellingType: null,
      wallMaterial: null,
      floorMaterial: null,
      hasEnergy: null,
      hasSewer: null,
      hasGas: null,
      hasGarbageCollection: null,
      hasAqueduct: null,
      dwellingRooms: null,
      dwellingHouseholds: null,
      tenure: null,
      rooms: null,
      bedrooms: null,
      toiletType: null,
      toiletLocation: null,
      toiletShared: null,
      waterSource: null,
      waterAllWeek: null,
      drinkingWater: null,
      garbageDisposal: null,
      hasKitchen: null,
      cookingFuel: null,
      persons: null,
    };

    for (const s of codes) {
      const raw = v(rec, s.at);
      if (raw === '') continue;
      const n = smallInt(raw, 0, 999);
      const value = n === null ? null : (s.alias?.[n] ?? n);
      if (value !== null && s.skip?.includes(value)) continue;
      if (value === null || value < s.min || value > s.max) {
        const message = `${s.label} must be ${s.what}.`;
        if (s.logro) iss.error(s.label, 'INVALID_CODE', message);
        else iss.warn(s.label, 'INVALID_CODE', `${message} Read as empty.`);
        continue;
      }
      record[s.field] = value;
    }
    for (const s of flags) {
      const raw = v(rec, s.at);
      if (raw === '') continue;
      const n = smallInt(raw, 0, 99);
      if (n === 9 || n === 99) continue; // no aplica por flujo / no sabe
      if (n !== s.yes && n !== s.no) {
        const message = `${s.label} must be ${Math.min(s.yes, s.no)} or ${Math.max(s.yes, s.no)}.`;
        if (s.logro) iss.error(s.label, 'INVALID_CODE', message);
        else iss.warn(s.label, 'INVALID_CODE', `${message} Read as empty.`);
        continue;
      }
      record[s.field] = n === s.yes;
    }

    // Plausibility (warnings): the survey's own consistency rules that real records break.
    if (record.rooms !== null && record.bedrooms !== null && record.bedrooms > record.rooms) {
      iss.warn(L('bedrooms'), 'ROOMS_INCONSISTENT', `${L('bedrooms')} is larger than ${L('rooms')}.`);
    }
    if (record.toiletType === 1 && record.hasSewer === false) {
      iss.warn(L('toiletType'), 'INCONSISTENT_SERVICES', `${L('toiletType')} says connected to a sewer but ${L('hasSewer')} says the dwelling has none.`);
    }

    const keyOk = ficha !== null && hogar !== null;
    if (iss.failed) return iss.result<SisbenHogarRecord>(rec.raw, null, keyOk ? record.sourceKey : null);
    return iss.result<SisbenHogarRecord>(rec.raw, record);
  };
}

const NAME_HINT = /hogar|vivienda|cns_hogares|cns_viviendas/i;

export function createSisbenHogaresConnector(layout: Layout = SISBEN_HOGARES_LAYOUT): Connector<SisbenHogarRecord> {
  return {
    source: 'sisben_hogares',
    label: 'Sisbén IV (DNP) — hogares y viviendas',
    detect: detectByHeader(layout, NAME_HINT),
    parse(text, ctx) {
      return parseDelimited(text, ctx, { layout, createMapper });
    },
  };
}
