export { TableImportService, type ImportRules, type RunLimits, type TableStaged } from './tableImportService';
export { TableImportRepository, type TableDiff } from './tableImportRepository';
export { TABLE_SPECS, type TableSourceSpec } from './tableSpecs';
