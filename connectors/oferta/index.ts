export { createOfertaConnector, parseLogros, parsePlaces } from './connector';
export { OFERTA_LAYOUT } from './layout';
export type { OfferRecord } from './record';
