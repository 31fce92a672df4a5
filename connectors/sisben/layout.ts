/** The built-in Sisbén IV layout (data in layouts/dnp-2019.json). */
import { fileURLToPath } from 'node:url';
import { loadLayout } from '../common/layout';

export const SISBEN_LAYOUT = loadLayout(fileURLToPath(new URL('./layouts/dnp-2019.json', import.meta.url)));
