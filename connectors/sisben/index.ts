export { createSisbenConnector } from './connector';
export { SISBEN_LAYOUT } from './layout';
