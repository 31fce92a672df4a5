/** The built-in Mapa de Oferta Local layout (data in layouts/mapa-oferta-v1.json). */
import { parseLayout } from '../common/layout';
import mapaOfertaV1 from './layouts/mapa-oferta-v1.json' with { type: 'json' };

export const OFERTA_LAYOUT = parseLayout(mapaOfertaV1);
