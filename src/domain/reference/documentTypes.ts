/**
 * Identity document types, named by the SISPRO `TipoIdPISIS` letter codes (BDUA, RUAF, RIPS).
 * Each source has its own coding; the per-source maps below translate into these codes.
 */
export const DOCUMENT_TYPE_CODES = ['RC', 'TI', 'CC', 'CE', 'PA', 'CD', 'SC', 'PE', 'PT', 'CN', 'DE', 'AS', 'MS', 'NU', 'SI'] as const;
export type DocumentTypeCode = (typeof DOCUMENT_TYPE_CODES)[number];

export interface DocumentTypeInfo {
  code: DocumentTypeCode;
  name: string;
  /** Numbers of this type are digits only (dots, spaces and commas are formatting). */
  numeric: boolean;
  /**
   * Position in the Registraduría's NUIP life cycle (CN/RC/NUIP → TI → CC): documents in this
   * family carry the same number as the person grows up; `null` for documents outside it.
   */
  lifeCycleRank: number | null;
  /** Whether the document is issued to Colombian nationals (false: foreigners' documents). */
  national: boolean;
}

export const DOCUMENT_TYPES: readonly DocumentTypeInfo[] = [
  { code: 'CN', name: 'Certificado de nacido vivo', numeric: true, lifeCycleRank: 0, national: true },
  { code: 'RC', name: 'Registro civil de nacimiento', numeric: true, lifeCycleRank: 1, national: true },
  { code: 'NU', name: 'Número único de identificación personal (NUIP)', numeric: true, lifeCycleRank: 1, national: true },
  { code: 'TI', name: 'Tarjeta de identidad', numeric: true, lifeCycleRank: 2, national: true },
  { code: 'CC', name: 'Cédula de ciudadanía', numeric: true, lifeCycleRank: 3, national: true },
  { code: 'CE', name: 'Cédula de extranjería', numeric: false, lifeCycleRank: null, national: false },
  { code: 'PA', name: 'Pasaporte', numeric: false, lifeCycleRank: null, national: false },
  { code: 'CD', name: 'Carné diplomático', numeric: false, lifeCycleRank: null, national: false },
  { code: 'SC', name: 'Salvoconducto de permanencia o para refugiado', numeric: false, lifeCycleRank: null, national: false },
  { code: 'PE', name: 'Permiso especial de permanencia (PEP)', numeric: false, lifeCycleRank: null, national: false },
  { code: 'PT', name: 'Permiso por protección temporal (PPT)', numeric: false, lifeCycleRank: null, national: false },
  { code: 'DE', name: 'Documento extranjero (DNI del país de origen)', numeric: false, lifeCycleRank: null, national: false },
  { code: 'AS', name: 'Adulto sin identificación', numeric: false, lifeCycleRank: null, national: true },
  { code: 'MS', name: 'Menor sin identificación', numeric: false, lifeCycleRank: null, national: true },
  { code: 'SI', name: 'Sin identificación', numeric: false, lifeCycleRank: null, national: true },
];

export const DOCUMENT_TYPE_BY_CODE: ReadonlyMap<DocumentTypeCode, DocumentTypeInfo> = new Map(DOCUMENT_TYPES.map((t) => [t.code, t]));

export function isDocumentTypeCode(value: string): value is DocumentTypeCode {
  return DOCUMENT_TYPE_BY_CODE.has(value as DocumentTypeCode);
}

/** Sisbén IV `Tip_documento` (DNP dictionary, July 2019; also UNIDOS E05/E08 and the DPS RA template). */
export const SISBEN_DOCUMENT_CODES: Readonly<Record<string, DocumentTypeCode>> = {
  '0': 'SI',
  '1': 'RC',
  '2': 'TI',
  '3': 'CC',
  '4': 'CE',
  '5': 'DE',
  '6': 'PA',
  '7': 'SC',
  '8': 'PE',
  '9': 'PT',
};

/** RUV / RUPD person extract `TIPODOCUMENTO` values (DPS victims script), plus letter aliases seen in RA files. */
export const RUV_DOCUMENT_CODES: Readonly<Record<string, DocumentTypeCode>> = {
  RC: 'RC',
  NUIP: 'NU',
  TI: 'TI',
  CC: 'CC',
  CE: 'CE',
  DNI: 'DE',
  PA: 'PA',
  PAS: 'PA',
  PASAPORTE: 'PA',
  SR: 'SC',
  SAL: 'SC',
  PEP: 'PE',
  PPT: 'PT',
};

/** SISPRO letter codes as they arrive in BDUA / RUAF, including legacy aliases. */
export const SISPRO_DOCUMENT_CODES: Readonly<Record<string, DocumentTypeCode>> = {
  ...Object.fromEntries(DOCUMENT_TYPE_CODES.map((c) => [c, c])),
  NV: 'CN',
  UN: 'NU',
  NUIP: 'NU',
  PEP: 'PE',
  PPT: 'PT',
};
