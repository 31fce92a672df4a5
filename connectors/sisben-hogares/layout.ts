/** The built-in Sisbén IV hogares layout (data in layouts/dnp-2019.json). */
import { parseLayout } from '../common/layout';
import dnp2019 from './layouts/dnp-2019.json' with { type: 'json' };

export const SISBEN_HOGARES_LAYOUT = parseLayout(dnp2019);
