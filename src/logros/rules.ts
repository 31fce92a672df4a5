/**
 * The logro rules as data with a version. Every state the hub stores names the rule set that decided
 * it; a state decided by another version is recomputed (the next run after a change is a full run).
 * Changing a parameter here means a new `version`: never edit the parameters of a published one.
 *
 * Sources: Manual de Operaciones Red JUNTOS v5 (LB texts, domain.md §4.4) and the Estrategia UNIDOS
 * 2020 "Guía técnica de algoritmos" (states, household rule, Sisbén-based habitability, §4.6).
 */
import type { AffiliationState } from '../domain/reference/affiliations';

export type LogroState = 'ALCANZADO' | 'POR_ALCANZAR' | 'NO_APLICA' | 'SIN_DATO';
export const LOGRO_STATE_VALUES: readonly LogroState[] = ['ALCANZADO', 'POR_ALCANZAR', 'NO_APLICA', 'SIN_DATO'];

export interface RuleSet {
  version: string;
  description: string;
  /** LB 1: the document each age requires (full years on the as-of date; a birthday counts from its day). */
  lb1: {
    /** Under this age: registro civil (RC, or its NUIP). */
    rcUnder: number;
    /** From this age: cédula de ciudadanía. Between the two: tarjeta de identidad. */
    ccFrom: number;
    rcTypes: readonly string[];
    tiTypes: readonly string[];
    ccTypes: readonly string[];
    /** Foreigners' documents that reach the logro at any age (regular migratory status). */
    foreignTypes: readonly string[];
    /** Placeholders that are not a document (adulto / menor sin identificación). */
    placeholderTypes: readonly string[];
  };
  /** LB 13: affiliation states of an active SALUD record (BDUA/RUAF) that count as affiliated. */
  lb13: { sources: readonly string[]; reachingStates: readonly AffiliationState[]; deceasedStates: readonly AffiliationState[] };
  /** LB 45: RUV hecho victimizante that makes a family displaced. */
  lb45: { displacementEventCode: number };
  /**
   * Habitability (LB 24, 26, 28, 29, 32): decided per household from its Sisbén IV dwelling record
   * (`sisben_hogares`), codes of the DNP dictionary. Urban = cabecera; centro poblado and rural
   * disperso follow the rural rule, as in the UNIDOS 2020 guide (question A04).
   */
  habitat: {
    /** LB 24 water, rural: improved sources of `tip_origen_agua` (urban: the dwelling has an aqueduct). */
    ruralImprovedWaterSources: readonly number[];
    /** LB 24 sanitation, rural: adequate `tip_sanitario` (urban: the dwelling has a sewer). */
    ruralAdequateToilets: readonly number[];
    /** LB 29: `tip_mat_pisos` codes that are dirt floors. */
    dirtFloors: readonly number[];
    /** LB 32: adequate `tip_mat_paredes` per zone. */
    urbanAdequateWalls: readonly number[];
    ruralAdequateWalls: readonly number[];
    /** LB 28: persons per bedroom that is overcrowding — urban from this value (≥), rural above it (>); no bedroom at all is overcrowding. */
    urbanOvercrowdedFrom: number;
    ruralOvercrowdedAbove: number;
  };
}

export const RULE_SET: RuleSet = {
  version: 'unidos2020-v2',
  description:
    'Logros Básicos answerable from registries (LB 1, 3, 13, 45; habitability 24, 26, 28, 29, 32 from Sisbén IV) after the Red JUNTOS texts and the Estrategia UNIDOS 2020 algorithms.',
  lb1: {
    rcUnder: 7,
    ccFrom: 18,
    rcTypes: ['RC', 'NU'],
    tiTypes: ['TI'],
    ccTypes: ['CC'],
    foreignTypes: ['CE', 'PE', 'PT', 'SC'],
    placeholderTypes: ['AS', 'MS', 'SI'],
  },
  lb13: { sources: ['bdua', 'ruaf'], reachingStates: ['ACTIVO', 'PROTECCION_LABORAL'], deceasedStates: ['FALLECIDO'] },
  lb45: { displacementEventCode: 5 },
  // Estrategia UNIDOS 2020, Guía técnica de algoritmos (26-11-2020) and its DPS scripts LOGRO09, 10, 21, 22, 23.
  habitat: {
    ruralImprovedWaterSources: [1, 2, 6],
    ruralAdequateToilets: [1, 2],
    dirtFloors: [5],
    urbanAdequateWalls: [1, 2, 3, 4],
    ruralAdequateWalls: [1, 2, 3, 4, 5],
    urbanOvercrowdedFrom: 3,
    ruralOvercrowdedAbove: 3,
  },
};

/** Logros decided per person (the household's state combines its members'). */
export const PERSON_LOGROS = [1, 3, 13, 45] as const;
export type PersonLogro = (typeof PERSON_LOGROS)[number];
/**
 * Logros decided per household from its dwelling (Sisbén IV hogares/viviendas): every member shares
 * the household's state; a person in several households takes the worst of them.
 */
export const HOUSEHOLD_LOGROS = [24, 26, 28, 29, 32] as const;
export type HouseholdLogro = (typeof HOUSEHOLD_LOGROS)[number];
/** Every logro the hub computes. */
export const COMPUTED_LOGROS = [...PERSON_LOGROS, ...HOUSEHOLD_LOGROS].sort((a, b) => a - b);
