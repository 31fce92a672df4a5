/**
 * Hechos victimizantes (`COD_HECHO`, RNI / Unidad para las Víctimas catalogue). Codes are versioned:
 * a 2015 homologation used 13 "Otros" and 14 "Sin información"; this is the current list.
 */
export const VICTIMIZING_EVENTS: readonly { code: number; label: string }[] = [
  { code: 1, label: 'Acto terrorista / Atentados / Combates / Enfrentamientos / Hostigamientos' },
  { code: 2, label: 'Amenaza' },
  { code: 3, label: 'Delitos contra la libertad y la integridad sexual en desarrollo del conflicto armado' },
  { code: 4, label: 'Desaparición forzada' },
  { code: 5, label: 'Desplazamiento forzado' },
  { code: 6, label: 'Homicidio' },
  { code: 7, label: 'Minas Antipersonal, Munición sin Explotar y Artefacto Explosivo improvisado' },
  { code: 8, label: 'Secuestro' },
  { code: 9, label: 'Tortura' },
  { code: 10, label: 'Vinculación de Niños Niñas y Adolescentes a Actividades Relacionadas con grupos armados' },
  { code: 11, label: 'Abandono o Despojo Forzado de Tierras' },
  { code: 12, label: 'Perdida de Bienes Muebles o Inmuebles' },
  { code: 13, label: 'Lesiones Personales Físicas' },
  { code: 14, label: 'Lesiones Personales Psicológicas' },
  { code: 15, label: 'Confinamiento' },
  { code: 20, label: 'Sin información' },
];

export const DISPLACEMENT_EVENT_CODE = 5;

/** Estado de valoración / inclusión in the RUV. */
export const INCLUSION_STATES = ['INCLUIDO', 'NO_INCLUIDO', 'EN_VALORACION', 'EXCLUIDO'] as const;
export type InclusionState = (typeof INCLUSION_STATES)[number];
