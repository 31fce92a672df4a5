/** The built-in BDUA layout (data in layouts/adres-maestro-43.json). */
import { fileURLToPath } from 'node:url';
import { loadLayout } from '../common/layout';

export const BDUA_LAYOUT = loadLayout(fileURLToPath(new URL('./layouts/adres-maestro-43.json', import.meta.url)));
