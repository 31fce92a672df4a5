export { createSisbenHogaresConnector } from './connector';
export { SISBEN_HOGARES_LAYOUT } from './layout';
export type { SisbenHogarRecord } from './record';
