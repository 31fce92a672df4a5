/** The built-in BDUA layout (data in layouts/adres-maestro-43.json). */
import { parseLayout } from '../common/layout';
import adresMaestro43 from './layouts/adres-maestro-43.json' with { type: 'json' };

export const BDUA_LAYOUT = parseLayout(adresMaestro43);
