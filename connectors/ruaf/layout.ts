/** Built-in RUAF layouts (data in layouts/*.json); agencies add theirs with loadLayout(path). */
import { fileURLToPath } from 'node:url';
import { loadLayout, type Layout } from '../common/layout';

const load = (name: string) => loadLayout(fileURLToPath(new URL(`./layouts/${name}`, import.meta.url)));

/** Hub canonical RUAF record (domain.md §1.2), with or without header. */
export const RUAF_CANONICAL_LAYOUT: Layout = load('canonical-v1.json');
/** Riesgos laborales detail record as an ARL mirrors it (24 columns). */
export const RUAF_ARL_LAYOUT: Layout = load('arl-maestro-v1.json');
export const RUAF_LAYOUTS: readonly Layout[] = [RUAF_CANONICAL_LAYOUT, RUAF_ARL_LAYOUT];
