/**
 * Logros: the outcome layer INFOJUNTOS existed for. The state of each Logro Básico per person and per
 * household (ALCANZADO / POR ALCANZAR / NO APLICA / SIN DATO) with evidence and history, computed
 * set-based in SQL after every reconciliation run under a versioned rule set; the pure evaluators
 * are its specification. Other features import only this file.
 */
import {
  HouseholdLogroResolver,
  HouseholdLogrosResolver,
  LogroEvidenceResolver,
  LogroRunResolver,
  LogroStateChangeResolver,
  PersonLogroResolver,
  PersonLogrosResolver,
} from './graphql/logroResolver';
import { TerritorialReportResolver } from './graphql/reportResolver';
import { LogroExportResolver } from './graphql/exportResolver';

export { LogroRepository, type LogroRunRow, type LogroStateRow, type LogroHistoryRow } from './logroRepository';
export { LogroService } from './logroService';
export { LogroReportRepository, type TerritoryLevel, type ReportFilter, type CountFacet, type CountFilter } from './logroReportRepository';
export { LogroReportService, type TerritorialReport, type ReportLine } from './logroReportService';
export { OfferSupply } from './offerSupply';
export { LogroExportRepository, type LogroExportRow, type LogroExportKind, type LogroExportFormat } from './logroExportRepository';
export { LogroExportService } from './logroExportService';
export { type Disclosed } from './disclosure';
export { RULE_SET, PERSON_LOGROS, HOUSEHOLD_LOGROS, COMPUTED_LOGROS, LOGRO_STATE_VALUES, type RuleSet, type LogroState, type HouseholdLogro } from './rules';
export * from './evaluators';

// GraphQL
export { createLogrosLoaders, type LogrosLoaders } from './graphql/loaders';
export type { LogrosContext } from './graphql/context';

/** The logros resolvers, collected by the schema assembly (src/graphql/schema.ts). */
export const logrosResolvers = [
  PersonLogrosResolver,
  HouseholdLogrosResolver,
  PersonLogroResolver,
  HouseholdLogroResolver,
  LogroEvidenceResolver,
  LogroStateChangeResolver,
  LogroRunResolver,
  TerritorialReportResolver,
  LogroExportResolver,
] as const;
