import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { en } from '../../../console/src/i18n/en';
import { es } from '../../../console/src/i18n/es';

type Tree = { [k: string]: string | Tree };
function flatten(t: Tree, prefix = ''): Map<string, string> {
  const out = new Map<string, string>();
  for (const [k, v] of Object.entries(t)) {
    const key = prefix ? `${prefix}.${k}` : k;
    if (typeof v === 'string') out.set(key, v);
    else for (const [kk, vv] of flatten(v, key)) out.set(kk, vv);
  }
  return out;
}
const vars = (s: string) => [...s.matchAll(/\{\{(\w+)\}\}/g)].map((m) => m[1]).sort();

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    if (statSync(p).isDirectory()) return f === 'gql' || f === 'i18n' ? [] : sources(p);
    return /\.tsx?$/.test(f) ? [p] : [];
  });
}

describe('console strings', () => {
  const esKeys = flatten(es as Tree);
  const enKeys = flatten(en as Tree);

  it('exist in Spanish and English, non-empty, with the same placeholders', () => {
    expect([...enKeys.keys()].sort()).toEqual([...esKeys.keys()].sort());
    for (const [k, v] of esKeys) {
      expect(v.trim(), `es ${k}`).not.toBe('');
      expect(enKeys.get(k)!.trim(), `en ${k}`).not.toBe('');
      expect(vars(enKeys.get(k)!), `placeholders of ${k}`).toEqual(vars(v));
    }
  });

  it('cover every literal key the pages use', () => {
    const root = join(import.meta.dirname, '../../../console/src');
    const missing: string[] = [];
    for (const file of sources(root)) {
      for (const m of readFileSync(file, 'utf8').matchAll(/\bt\('([\w.]+)'/g)) {
        const key = m[1];
        const plural = esKeys.has(`${key}_one`) && esKeys.has(`${key}_other`);
        if (!esKeys.has(key) && !plural) missing.push(`${key} (${file.slice(root.length + 1)})`);
      }
    }
    expect(missing).toEqual([]);
  });
});
