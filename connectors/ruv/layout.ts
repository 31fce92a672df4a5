/** The built-in RUV layout (data in layouts/dps-victimas-v1.json). */
import { fileURLToPath } from 'node:url';
import { loadLayout } from '../common/layout';

export const RUV_LAYOUT = loadLayout(fileURLToPath(new URL('./layouts/dps-victimas-v1.json', import.meta.url)));
