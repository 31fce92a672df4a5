/** Built-in RUAF layouts (data in layouts/*.json); agencies add theirs with loadLayout(path) (src/imports). */
import { parseLayout, type Layout } from '../common/layout';
import arlMaestroV1 from './layouts/arl-maestro-v1.json' with { type: 'json' };
import canonicalV1 from './layouts/canonical-v1.json' with { type: 'json' };

/** Hub canonical RUAF record (domain.md §1.2), with or without header. */
export const RUAF_CANONICAL_LAYOUT: Layout = parseLayout(canonicalV1);
/** Riesgos laborales detail record as an ARL mirrors it (24 columns). */
export const RUAF_ARL_LAYOUT: Layout = parseLayout(arlMaestroV1);
export const RUAF_LAYOUTS: readonly Layout[] = [RUAF_CANONICAL_LAYOUT, RUAF_ARL_LAYOUT];
