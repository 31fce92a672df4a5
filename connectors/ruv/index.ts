export { createRuvConnector } from './connector';
export { RUV_LAYOUT } from './layout';
export { eventCode, eventKey, EVENT_PREFIXES } from './events';
