export { createRuafConnector, chooseRuafLayout } from './connector';
export { RUAF_LAYOUTS, RUAF_CANONICAL_LAYOUT, RUAF_ARL_LAYOUT } from './layout';
export { RUAF_REGIME_CODES, RUAF_SEX_CODES, RUAF_STATE_CODES, RUAF_SUBSYSTEM_CODES } from './codes';
