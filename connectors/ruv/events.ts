/**
 * Hecho victimizante by code or by label. Labels arrive with broken accents (`DesapariciÃ³n`,
 * `Desaparici?n`, `Desaparicin`), upper case without accents, and variants ("Reclutamiento ilegal de
 * menores"), so they are matched by prefix on a letters-only key, tolerating one lost or mangled
 * letter. The prefix table is data: add a variant by adding a line.
 */
import { repairMojibake, foldAccents } from '../../src/domain/text';
import { VICTIMIZING_EVENTS } from '../../src/domain/reference/victims';

/** [prefix of the letters-only label, COD_HECHO]. Longer prefixes win over shorter ones. */
export const EVENT_PREFIXES: readonly (readonly [string, number])[] = [
  ['ACTOTERRORISTA', 1],
  ['ATENTADO', 1],
  ['COMBATE', 1],
  ['ENFRENTAMIENTO', 1],
  ['HOSTIGAMIENTO', 1],
  ['AMENAZA', 2],
  ['DELITOSCONTRALALIBERTAD', 3],
  ['DELITOSCONTRALAINTEGRIDADSEXUAL', 3],
  ['VIOLENCIASEXUAL', 3],
  ['DELITOSSEXUALES', 3],
  ['DESAPARICI', 4],
  ['DESPLAZAMIENTO', 5],
  ['HOMICIDIO', 6],
  ['MASACRE', 6],
  ['MINASANTIPERSONA', 7],
  ['MINAANTIPERSONA', 7],
  ['MUNICIONSINEXPLOTAR', 7],
  ['ARTEFACTOEXPLOSIVO', 7],
  ['MAP', 7],
  ['MUSE', 7],
  ['SECUESTRO', 8],
  ['TORTURA', 9],
  ['VINCULACI', 10],
  ['RECLUTAMIENTO', 10],
  ['RECLUTAMIENTOILEGAL', 10],
  ['ABANDONO', 11],
  ['DESPOJO', 11],
  ['PERDIDADEBIENES', 12],
  ['PERDIDADEMUEBLES', 12],
  ['LESIONESPERSONALESFISICAS', 13],
  ['LESIONESFISICAS', 13],
  ['LESIONESPERSONALESPSICOLOGICAS', 14],
  ['LESIONESPSICOLOGICAS', 14],
  ['CONFINAMIENTO', 15],
  ['SININFORMACION', 20],
  ['SINDATO', 20],
];

const CODES = new Set(VICTIMIZING_EVENTS.map((e) => e.code));
const SHORT = new Set(['MAP', 'MUSE']); // acronyms: exact match only

/** Letters-only key: mojibake repaired, accents folded, upper case, anything but A–Z dropped. */
export function eventKey(label: string): string {
  return foldAccents(repairMojibake(label))
    .toUpperCase()
    .replace(/[^A-Z]/g, '');
}

/** True when `key` starts with `prefix` allowing one deleted or substituted letter (a lost accent). */
function fuzzyStartsWith(key: string, prefix: string): boolean {
  if (key.startsWith(prefix)) return true;
  if (prefix.length < 7) return false;
  for (let i = 0; i < prefix.length; i++) {
    if (key.charCodeAt(i) === prefix.charCodeAt(i)) continue;
    // deletion: the label lost prefix[i]; substitution: the label has another letter there
    return key.startsWith(prefix.slice(i + 1), i) || key.startsWith(prefix.slice(i + 1), i + 1);
  }
  return true;
}

const memo = new Map<string, number | null>();

/** COD_HECHO from a numeric code or a label; null when not recognized. */
export function eventCode(raw: string): number | null {
  const s = raw.trim();
  if (s === '') return null;
  const hit = memo.get(s);
  if (hit !== undefined) return hit;
  let result: number | null = null;
  if (/^\d{1,2}(\.0+)?$/.test(s)) {
    const n = parseInt(s, 10);
    result = CODES.has(n) ? n : null;
  } else {
    const key = eventKey(s);
    let bestLen = 0;
    for (const [prefix, code] of EVENT_PREFIXES) {
      if (prefix.length <= bestLen) continue;
      const ok = SHORT.has(prefix) ? key === prefix : fuzzyStartsWith(key, prefix);
      if (ok) {
        result = code;
        bestLen = prefix.length;
      }
    }
  }
  if (memo.size > 10_000) memo.clear();
  memo.set(s, result);
  return result;
}
