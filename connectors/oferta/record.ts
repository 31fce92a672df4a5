import type { Zone } from '../../src/domain/reference/sisben';

/** One program of the Mapa de Oferta Local in one municipality for one period. */
export interface OfferRecord {
  /** `id_oferta-cod_mpio-fecha_inicio` (ISO date). */
  sourceKey: string;
  offerCode: string;
  municipalityCode: string;
  entity: string;
  entityNit: string | null;
  program: string;
  /** Logro Básico numbers (1–45), sorted, without repeats, at least one. */
  logros: number[];
  /** Cupos offered (they count as supply for each logro listed). */
  places: number;
  periodStart: string;
  periodEnd: string;
  /** Zone the offer is limited to; null = the whole municipality. */
  zone: Zone | null;
  targetPopulation: string | null;
}
