import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { detectSource } from '../../../connectors';
import { inspectFile } from '../../../src/imports';

const head = async (p: string) => (await inspectFile(fileURLToPath(new URL(`../../../connectors/${p}`, import.meta.url)))).headLines;

describe('detectSource', () => {
  it.each([
    ['sisben', 'sisben/samples/sisben_iv_personas_muestra_con_errores.csv'],
    ['bdua', 'bdua/samples/900156264-MS0031122024_con_errores.TXT'],
    ['ruv', 'ruv/samples/VICTIMAS_202412_con_errores.txt'],
    ['ruaf', 'ruaf/samples/RUAF_afiliados_muestra_con_errores.txt'],
    ['ruaf', 'ruaf/samples/ARL_maestro_ruaf_muestra_con_errores.txt'],
  ])('recognizes %s from content alone (renamed file)', async (source, p) => {
    const found = detectSource('upload.txt', await head(p));
    expect(found?.source).toBe(source);
  });

  it.each([
    ['23678-MS0021032024.TXT', 'bdua'],
    ['VICTIMAS_201908.txt', 'ruv'],
    ['base_sisben_iv_corte.csv', 'sisben'],
    ['extracto_RUAF_2024.txt', 'ruaf'],
  ])('recognizes %s by its name when the content says nothing', (name, source) => {
    expect(detectSource(name, ['x'])?.source).toBe(source);
  });

  it('lets content beat a misleading name', async () => {
    const ruvHead = await head('ruv/samples/VICTIMAS_202412_con_errores.txt');
    expect(detectSource('sisben_personas.csv', ruvHead)?.source).toBe('ruv');
    const bduaHead = await head('bdua/samples/900156264-MS0031122024_con_errores.TXT');
    expect(detectSource('VICTIMAS_202401.txt', bduaHead)?.source).toBe('bdua');
  });

  it('is more confident with name and content together', async () => {
    const h = await head('ruv/samples/VICTIMAS_202412_con_errores.txt');
    expect(detectSource('VICTIMAS_202412.txt', h)!.confidence).toBeGreaterThan(detectSource('upload.txt', h)!.confidence);
  });

  it('returns null for an unrelated file', () => {
    expect(detectSource('notes.txt', ['Hola, esto no es un extracto', 'nada que ver'])).toBeNull();
  });
});
