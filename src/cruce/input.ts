/**
 * The cruce input layout (docs/cruce.md): one person per row, with optional columns for the service
 * the agency delivered. Pure: a row of named string values in, a validated input or row issues out.
 * The file reader (file.ts) and the GraphQL `matchPersons` rows both come through here, so a row is
 * judged the same way whichever door it came in by.
 *
 * Issue messages name the field and the rule, never the value (they are shown and stored).
 */
import { checkDate, checkMunicipalityCode, checkName, type DateRules } from '../../connectors/common/checks';
import { RowIssues } from '../../connectors/common/issues';
import { cleanField, isNullLike } from '../../connectors/common/values';
import { headerKey } from '../../connectors/common/layout';
import { normalizeDocumentNumber } from '../domain/identity';
import { normalizeSex } from '../domain/identity';
import { RUV_DOCUMENT_CODES, SISBEN_DOCUMENT_CODES, SISPRO_DOCUMENT_CODES, type DocumentTypeCode } from '../domain/reference/documentTypes';

/** Canonical column names, in the order of the documented layout and of the response echo. */
export const INPUT_FIELDS = [
  'tipo_documento',
  'numero_documento',
  'primer_nombre',
  'segundo_nombre',
  'primer_apellido',
  'segundo_apellido',
  'fecha_nacimiento',
  'sexo',
  'municipio',
  'programa',
  'entidad',
  'logro',
  'fecha_atencion',
  'estado',
] as const;
export type InputField = (typeof INPUT_FIELDS)[number];

/** Columns every file must have (their values may still be empty where the rules allow it). */
export const REQUIRED_COLUMNS: readonly InputField[] = ['tipo_documento', 'numero_documento', 'primer_nombre', 'primer_apellido', 'fecha_nacimiento'];

/** The service columns: a row with any of them records a delivered service. */
export const SERVICE_FIELDS: readonly InputField[] = ['programa', 'entidad', 'logro', 'fecha_atencion', 'estado'];

/**
 * Header spellings accepted per column, compared as header keys (lower case, no accents, letters
 * and digits only): the documented names, the DPS registros administrativos template's names and the
 * usual abbreviations.
 */
const HEADER_ALIASES: Readonly<Record<InputField, readonly string[]>> = {
  tipo_documento: ['tipo_documento', 'tipo documento', 'tipo de documento', 'tipo_doc', 'tipodoc', 'tipo identificacion', 'tipo_identificacion', 'tipo_id'],
  numero_documento: [
    'numero_documento',
    'numero documento',
    'numero de documento',
    'num_documento',
    'nro_documento',
    'no_documento',
    'documento',
    'numero identificacion',
    'numero_identificacion',
    'identificacion',
  ],
  primer_nombre: ['primer_nombre', 'primer nombre', 'nombre1', 'pri_nombre'],
  segundo_nombre: ['segundo_nombre', 'segundo nombre', 'nombre2', 'seg_nombre'],
  primer_apellido: ['primer_apellido', 'primer apellido', 'apellido1', 'pri_apellido'],
  segundo_apellido: ['segundo_apellido', 'segundo apellido', 'apellido2', 'seg_apellido'],
  fecha_nacimiento: ['fecha_nacimiento', 'fecha nacimiento', 'fecha de nacimiento', 'fec_nacimiento', 'fechanacimiento'],
  sexo: ['sexo', 'genero', 'sexo_persona'],
  municipio: ['municipio', 'codigo municipio', 'codigo_municipio', 'codigo municipio dane', 'cod_mpio', 'cod_municipio', 'divipola'],
  programa: ['programa', 'id oferta', 'oferta', 'servicio'],
  entidad: ['entidad', 'entidad_operadora', 'operador'],
  logro: ['logro', 'logro y/o privacion gestionada', 'logro_privacion', 'logro gestionado'],
  fecha_atencion: ['fecha_atencion', 'fecha atencion', 'fecha de atencion', 'fecha de la atencion', 'fecha_de_atencion'],
  estado: ['estado', 'estado acceso a oferta', 'estado_acceso', 'estado del servicio'],
};

const HEADER_INDEX: ReadonlyMap<string, InputField> = new Map(
  (Object.entries(HEADER_ALIASES) as [InputField, readonly string[]][]).flatMap(([field, names]) => names.map((n) => [headerKey(n), field] as const)),
);

/** The canonical column a header cell names, or null (extra columns are ignored). */
export function columnOf(headerCell: string): InputField | null {
  return HEADER_INDEX.get(headerKey(headerCell)) ?? null;
}

/** Document type codes a cruce file may use: SISPRO letters, the RUV/RA aliases and the Sisbén/RA digits 0–9. */
const DOCUMENT_CODES: Readonly<Record<string, DocumentTypeCode>> = {
  ...SISPRO_DOCUMENT_CODES,
  ...RUV_DOCUMENT_CODES,
  ...SISBEN_DOCUMENT_CODES,
  'NO TIENE': 'SI',
  'SIN DOCUMENTO': 'SI',
  NT: 'SI',
};

export interface DeliveredService {
  program: string;
  entity: string | null;
  /** The logro text as sent (upper case). */
  logro: string | null;
  /** Logro Básico number 1–45 when the value names one (`LB13`, `LB 13`, `13`, `LOGRO 13`). */
  logroId: number | null;
  attentionDate: string | null;
  state: string | null;
}

/** A validated person to match. Names in display form; the matcher normalizes them. */
export interface CruceInput {
  line: number;
  docType: DocumentTypeCode | null;
  docNumber: string | null;
  firstName: string | null;
  secondName: string | null;
  firstSurname: string | null;
  secondSurname: string | null;
  birthDate: string | null;
  sex: 'M' | 'F' | 'I' | null;
  municipalityCode: string | null;
  service: DeliveredService | null;
}

export interface InputIssue {
  line: number;
  field: string;
  code: string;
  message: string;
  severity: 'error' | 'warning';
}

export type InputRow = { ok: true; input: CruceInput; warnings: InputIssue[] } | { ok: false; line: number; errors: InputIssue[]; warnings: InputIssue[] };

export interface ValidationContext {
  /** ISO date: birth and attention dates after it are errors. */
  today: string;
  municipalities: ReadonlySet<string>;
}

const MAX_TEXT = 200;
const LOGRO_NUMBER = /^(?:LB|LOGRO|L)?\s*0*(\d{1,2})$/;

function text(v: string, field: string, iss: RowIssues): string | null {
  if (isNullLike(v)) return null;
  const t = v.replace(/\s+/g, ' ').toUpperCase();
  if (t.length > MAX_TEXT) {
    iss.error(field, 'VALUE_TOO_LONG', `${field} has more than ${MAX_TEXT} characters.`);
    return null;
  }
  return t;
}

/**
 * Validates one row. `values` holds the raw cell of each canonical column present (absent columns are
 * undefined); `special` says whether the row has non-ASCII text (mojibake repair, NFC).
 */
export function validateRow(line: number, values: Partial<Record<InputField, string>>, ctx: ValidationContext, special = true): InputRow {
  const iss = new RowIssues(line);
  const v = (f: InputField) => cleanField(values[f], special);
  const dateRules: DateRules = { today: ctx.today };

  // Document: type and number are both optional (a person without a document is matched on names
  // and birth date), but what is there must be valid.
  const typeRaw = v('tipo_documento');
  const numberRaw = v('numero_documento');
  let docType: DocumentTypeCode | null = null;
  let docNumber: string | null = null;
  if (!isNullLike(typeRaw)) {
    let key = typeRaw.replace(/\.0+$/, '').toUpperCase();
    if (/^0\d$/.test(key)) key = key.slice(1);
    const t = DOCUMENT_CODES[key] ?? null;
    if (t === null)
      iss.error('tipo_documento', 'INVALID_DOCUMENT_TYPE', 'tipo_documento is not a known document type (RC, TI, CC, CE, PA, PEP, PPT, … or 0–9).');
    docType = t;
  }
  if (docType === 'SI') {
    docType = null;
  } else if (!isNullLike(numberRaw)) {
    const n = normalizeDocumentNumber(iss.failed ? null : docType, numberRaw);
    if (n.ok) docNumber = n.value;
    else iss.error('numero_documento', n.code, `numero_documento: ${n.reason}.`);
    if (docType === null && !iss.failed)
      iss.warn('tipo_documento', 'MISSING_DOCUMENT_TYPE', 'tipo_documento is empty: the number is matched whatever its type.');
  } else if (docType !== null) {
    iss.warn('numero_documento', 'MISSING_DOCUMENT_NUMBER', 'numero_documento is empty: the person is matched on names and birth date.');
  }

  const firstName = checkName(v('primer_nombre'), 'primer_nombre', iss, true);
  const secondName = checkName(v('segundo_nombre'), 'segundo_nombre', iss, false);
  const firstSurname = checkName(v('primer_apellido'), 'primer_apellido', iss, true);
  const secondSurname = checkName(v('segundo_apellido'), 'segundo_apellido', iss, false);
  const birthRaw = v('fecha_nacimiento');
  const birthDate = isNullLike(birthRaw) ? null : checkDate(birthRaw, 'fecha_nacimiento', iss, dateRules);
  if (birthDate === null && isNullLike(birthRaw) && docNumber === null) {
    iss.warn('fecha_nacimiento', 'CANNOT_MATCH_WITHOUT_DOCUMENT_OR_BIRTH_DATE', 'Without a document number or a birth date the person cannot be matched.');
  }

  const sexRaw = v('sexo');
  let sex: CruceInput['sex'] = null;
  if (!isNullLike(sexRaw)) {
    sex = normalizeSex(sexRaw);
    if (sex === null) iss.error('sexo', 'INVALID_SEX', 'sexo must be M, F, H, 1 (hombre), 2 (mujer), 3 (intersexual), HOMBRE or MUJER.');
  }
  const municipioRaw = v('municipio');
  const municipalityCode = isNullLike(municipioRaw) ? null : checkMunicipalityCode(municipioRaw, 'municipio', iss, ctx.municipalities, false);

  // The delivered service: the programme names it; without one, the other service columns mean nothing.
  let service: DeliveredService | null = null;
  const present = SERVICE_FIELDS.filter((f) => !isNullLike(v(f)));
  if (present.length > 0) {
    const program = text(v('programa'), 'programa', iss);
    if (program === null && !iss.failed)
      iss.error('programa', 'MISSING_REQUIRED', 'programa is required when the row reports a service (entidad, logro, fecha_atencion or estado).');
    const entity = text(v('entidad'), 'entidad', iss);
    const logro = text(v('logro'), 'logro', iss);
    let logroId: number | null = null;
    if (logro !== null) {
      const m = LOGRO_NUMBER.exec(logro);
      if (m && Number(m[1]) >= 1 && Number(m[1]) <= 45) logroId = Number(m[1]);
      else iss.warn('logro', 'UNKNOWN_LOGRO', 'logro does not name a Logro Básico by number (LB1–LB45): kept as text.');
    }
    const attRaw = v('fecha_atencion');
    const attentionDate = isNullLike(attRaw) ? null : checkDate(attRaw, 'fecha_atencion', iss, dateRules);
    const state = text(v('estado'), 'estado', iss);
    if (program !== null) service = { program, entity, logro, logroId, attentionDate, state };
  }

  const warnings = [] as InputIssue[];
  const result = iss.result('', null);
  warnings.push(...(result.warnings as InputIssue[]));
  if (iss.failed) return { ok: false, line, errors: result.ok ? [] : (result.errors as InputIssue[]), warnings };
  return {
    ok: true,
    input: { line, docType, docNumber, firstName, secondName, firstSurname, secondSurname, birthDate, sex, municipalityCode, service },
    warnings,
  };
}
