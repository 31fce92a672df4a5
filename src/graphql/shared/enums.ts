import { registerEnumType } from 'type-graphql';
import { SOURCE_NAMES } from '../../kernel';
import { AFFILIATION_STATES, SUBSYSTEMS } from '../../domain/reference/affiliations';
import { DOCUMENT_TYPES, DOCUMENT_TYPE_CODES } from '../../domain/reference/documentTypes';
import { SISBEN_GROUP_CODES, SISBEN_GROUPS } from '../../domain/reference/sisben';

const asEnum = <T extends string>(values: readonly T[]) => Object.fromEntries(values.map((v) => [v, v])) as { [K in T]: K };

export const DocumentType = asEnum(DOCUMENT_TYPE_CODES);
registerEnumType(DocumentType, {
  name: 'DocumentType',
  description: 'Identity document type, by SISPRO letter code (TipoIdPISIS).',
  valuesConfig: Object.fromEntries(DOCUMENT_TYPES.map((t) => [t.code, { description: t.name }])),
});

export const Source = asEnum(SOURCE_NAMES.map((s) => s.toUpperCase() as Uppercase<typeof s>));
registerEnumType(Source, {
  name: 'Source',
  description: 'Registry a record was imported from.',
  valuesConfig: {
    SISBEN: { description: 'Sisbén IV (DNP): socioeconomic classification, households.' },
    BDUA: { description: 'BDUA (ADRES): health affiliation, maestro de afiliados.' },
    RUAF: { description: 'RUAF (MinSalud/SISPRO): affiliations to every social-protection subsystem.' },
    RUV: { description: 'RUV / RUPD (Unidad para las Víctimas): victims and displaced population.' },
  },
});
export const toSourceEnum = (s: string) => s.toUpperCase() as keyof typeof Source;
export const fromSourceEnum = (s: string) => s.toLowerCase() as (typeof SOURCE_NAMES)[number];

export const SisbenGroup = asEnum(SISBEN_GROUP_CODES);
registerEnumType(SisbenGroup, {
  name: 'SisbenGroup',
  description: 'Sisbén IV group.',
  valuesConfig: Object.fromEntries(SISBEN_GROUP_CODES.map((g) => [g, { description: SISBEN_GROUPS[g].name }])),
});

export const Sex = { M: 'M', F: 'F', I: 'I' } as const;
registerEnumType(Sex, {
  name: 'Sex',
  valuesConfig: { M: { description: 'Hombre' }, F: { description: 'Mujer' }, I: { description: 'Intersexual' } },
});

export const Zone = { CABECERA: 'cabecera', CENTRO_POBLADO: 'centro_poblado', RURAL_DISPERSO: 'rural_disperso' } as const;
registerEnumType(Zone, {
  name: 'Zone',
  description: 'Sisbén / DANE clase: cabecera municipal, centro poblado, rural disperso.',
});

export const AffiliationState = asEnum(AFFILIATION_STATES);
registerEnumType(AffiliationState, { name: 'AffiliationState', description: 'Normalized affiliation state.' });

export const Subsystem = asEnum(SUBSYSTEMS);
registerEnumType(Subsystem, { name: 'Subsystem', description: 'Subsystem of the Sistema de Protección Social (RUAF).' });

export const RecordStatus = { ACTIVE: 'active', VANISHED: 'vanished' } as const;
registerEnumType(RecordStatus, {
  name: 'RecordStatus',
  description: "ACTIVE while the record is in its source's latest extract; VANISHED once a later extract no longer has it.",
});
