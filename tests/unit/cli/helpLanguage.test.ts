import type { Command } from 'commander';
import { afterAll, describe, expect, it } from 'vitest';
import { es } from '../../../src/cli/i18n/es';
import { en } from '../../../src/cli/i18n/en';
import { setLanguage, type Language } from '../../../src/cli/i18n';
import { buildProgram } from '../../../src/cli/program';

/**
 * Spanish by default, English switchable (issue 10): no command's help may be left in English when
 * the CLI speaks Spanish. Two checks: the catalogues have the same keys and translate every message
 * (but for an allow-list of identifiers), and the command tree, walked through commander's own
 * objects, takes every description and option/argument text from the catalogue of its language.
 */
const flatten = (o: object, prefix = ''): Record<string, string> =>
  Object.entries(o).reduce<Record<string, string>>(
    (acc, [k, v]) => Object.assign(acc, typeof v === 'string' ? { [`${prefix}${k}`]: v } : flatten(v as object, `${prefix}${k}.`)),
    {},
  );

// The same in both languages on purpose: identifiers, column headings that are acronyms, placeholders.
const SAME_IN_BOTH = new Set(['errors.prefix', 'errors.appError', 'runs.cols.id', 'runs.header', 'clients.cols.id', 'clients.cols.token']);

afterAll(() => setLanguage('es'));

describe('CLI catalogues', () => {
  it('have the same keys in es and en, and every message differs except identifiers', () => {
    const e = flatten(es);
    const n = flatten(en);
    expect(Object.keys(n).sort()).toEqual(Object.keys(e).sort());
    const same = Object.keys(e).filter((k) => e[k] === n[k] && !SAME_IN_BOTH.has(k));
    expect(same, `untranslated (es equals en): ${same.join(', ')}`).toEqual([]);
  });
});

interface Texts {
  [where: string]: string;
}

/** Every human text of the tree: descriptions, argument and option help, per command path. */
function texts(lang: Language): { texts: Texts; help: Record<string, string> } {
  setLanguage(lang);
  const program = buildProgram();
  const out: Texts = {};
  const help: Record<string, string> = {};
  const walk = (cmd: Command, path: string) => {
    out[`${path}: description`] = cmd.description();
    for (const a of cmd.registeredArguments) out[`${path} <${a.name()}>`] = a.description;
    for (const o of cmd.options) out[`${path} ${o.long ?? o.short}`] = o.description;
    help[path] = cmd.helpInformation();
    for (const sub of cmd.commands) walk(sub, `${path} ${sub.name()}`);
  };
  walk(program, 'juntos-hub');
  return { texts: out, help };
}

describe('CLI help in both languages', () => {
  const esTree = texts('es');
  const enTree = texts('en');

  it('walks every command (nested ones too)', () => {
    const paths = Object.keys(esTree.help);
    for (const p of [
      'juntos-hub runs show',
      'juntos-hub runs retry',
      'juntos-hub runs remove',
      'juntos-hub sources reset',
      'juntos-hub audit verify',
      'juntos-hub archive gc',
    ])
      expect(paths).toContain(p);
    expect(paths.length).toBeGreaterThan(25);
  });

  it('has a text for every command, argument and option, different in es and en', () => {
    expect(Object.keys(enTree.texts).sort()).toEqual(Object.keys(esTree.texts).sort());
    const empty = Object.entries(esTree.texts).filter(([, v]) => !v?.trim());
    expect(empty.map(([k]) => k)).toEqual([]);
    const untranslated = Object.keys(esTree.texts).filter((k) => esTree.texts[k] === enTree.texts[k]);
    expect(untranslated, `the same text in es and en: ${untranslated.join(', ')}`).toEqual([]);
  });

  it("renders no English in the Spanish help (commander's own words included)", () => {
    const english = /\b(Usage|Options|Commands|Arguments|display help|default:|\[options\]|\[command\]|the|print|only|with|when|this)\b/;
    const leaks = Object.entries(esTree.help)
      .map(([path, text]) => [path, english.exec(text)?.[0]] as const)
      .filter(([, word]) => word);
    expect(leaks, leaks.map(([p, w]) => `${p}: "${w}"`).join('\n')).toEqual([]);
    expect(enTree.help['juntos-hub runs show']).toMatch(/^Usage: juntos-hub runs show \[options\] <id>/);
    expect(esTree.help['juntos-hub runs show']).toMatch(/^Uso: juntos-hub runs show \[opciones\] <id>/);
    expect(esTree.help['juntos-hub runs show']).toMatch(/\(predeterminado: "20"\)/);
  });
});
