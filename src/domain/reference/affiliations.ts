/** Subsystems of the Sistema de Protección Social reported to RUAF (Decreto 1637 de 2006). */
export const SUBSYSTEMS = ['SALUD', 'PENSIONES', 'RIESGOS_LABORALES', 'COMPENSACION_FAMILIAR', 'CESANTIAS', 'PENSIONADOS', 'ASISTENCIA_SOCIAL'] as const;
export type Subsystem = (typeof SUBSYSTEMS)[number];

/** Normalized affiliation state; the source's own code is kept next to it (`stateCode`). */
export const AFFILIATION_STATES = ['ACTIVO', 'SUSPENDIDO', 'RETIRADO', 'FALLECIDO', 'PROTECCION_LABORAL', 'DESAFILIADO', 'OTRO'] as const;
export type AffiliationState = (typeof AFFILIATION_STATES)[number];

/**
 * BDUA `TPS_EST_AFL_ID` → normalized state. AC/AF/RE are confirmed in EPS code; DS, SM, PL, SD and ST
 * are cited but not verified against the Res. 762/2023 annex (README: assumptions).
 */
export const BDUA_STATE_CODES: Readonly<Record<string, AffiliationState>> = {
  AC: 'ACTIVO',
  AF: 'FALLECIDO',
  RE: 'RETIRADO',
  DS: 'DESAFILIADO',
  SM: 'SUSPENDIDO',
  SD: 'SUSPENDIDO',
  ST: 'SUSPENDIDO',
  PL: 'PROTECCION_LABORAL',
};

export const REGIMES = ['CONTRIBUTIVO', 'SUBSIDIADO', 'ESPECIAL', 'EXCEPCION', 'PRIMA_MEDIA', 'AHORRO_INDIVIDUAL', 'OTRO'] as const;
export type Regime = (typeof REGIMES)[number];
