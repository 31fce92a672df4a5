import type { Zone } from '../../src/domain/reference/sisben';

/**
 * A Sisbén IV household with the dwelling of its ficha (DNP `CNS_HOGARES` + `CNS_VIVIENDAS`). Codes
 * are the DNP dictionary's (connectors/README.md lists them); null = not in the file, empty, or
 * "no aplica por flujo".
 */
export interface SisbenHogarRecord {
  /** `ficha-hogar` (hogar as an integer): the key of the household the Sisbén person file creates. */
  sourceKey: string;
  ficha: string;
  householdNo: number;
  municipalityCode: string;
  zone: Zone | null;
  cutDate: string | null;
  surveyDate: string | null;
  dwellingType: number | null;
  wallMaterial: number | null;
  floorMaterial: number | null;
  hasEnergy: boolean | null;
  hasSewer: boolean | null;
  hasGas: boolean | null;
  hasGarbageCollection: boolean | null;
  hasAqueduct: boolean | null;
  dwellingRooms: number | null;
  dwellingHouseholds: number | null;
  tenure: number | null;
  rooms: number | null;
  bedrooms: number | null;
  toiletType: number | null;
  toiletLocation: number | null;
  toiletShared: boolean | null;
  waterSource: number | null;
  waterAllWeek: boolean | null;
  drinkingWater: number | null;
  garbageDisposal: number | null;
  hasKitchen: boolean | null;
  cookingFuel: number | null;
  persons: number | null;
}
