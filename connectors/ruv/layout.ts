/** The built-in RUV layout (data in layouts/dps-victimas-v1.json). */
import { parseLayout } from '../common/layout';
import dpsVictimasV1 from './layouts/dps-victimas-v1.json' with { type: 'json' };

export const RUV_LAYOUT = parseLayout(dpsVictimasV1);
