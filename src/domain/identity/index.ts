/**
 * Identity reconciliation core (pure). A reconciliation job calls, in order:
 *   prepare → blockingKeys (stored, joined in SQL) → compare → matchWeight / score → decide.
 * Training: estimateUFromRecords (or estimateU over random-pair vectors) → trainM over candidate-pair
 * vectors → compileModel. See README.md in this folder.
 */
export * from './normalizeText';
export * from './normalizeName';
export * from './identityFields';
export * from './documentNumber';
export * from './normalizeDocument';
export * from './normalizeDemographics';
export * from './phonetic';
export * from './similarity';
export * from './prepare';
export * from './comparisons';
export * from './model';
export * from './em';
export * from './decide';
export * from './blocking';
export * from './decidingRule';
export * from './relink';
