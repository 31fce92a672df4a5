import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateFile } from '../../../src/synthetic';

// Issue 10, defect 10: the demo showed persons ACTIVO in subsidiado (the BDUA MS file) and in
// contributivo (RUAF) at once. RUAF's health row must say the régimen of the BDUA file it goes with.
describe('synthetic RUAF health affiliations', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'jh-affil-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  async function activeHealthRegimes(regime?: 'MS' | 'MC'): Promise<Map<string, Set<string>>> {
    const out = join(dir, `ruaf-${regime ?? 'default'}.csv`);
    await generateFile({ source: 'ruaf', rows: 3000, seed: 20_091_231, out, asOf: '2024-12-31', ...(regime ? { regime } : {}) });
    const [header, ...lines] = (await readFile(out, 'utf8')).split('\r\n').filter((l) => l !== '');
    const cols = header.split(';');
    const at = (n: string) => cols.indexOf(n);
    const byPerson = new Map<string, Set<string>>();
    for (const line of lines) {
      const f = line.split(';');
      if (f[at('subsistema')] !== 'SALUD' || f[at('estado')] !== 'ACTIVO') continue;
      const key = `${f[at('tipo_documento')]}:${f[at('numero_documento')]}`;
      byPerson.set(key, (byPerson.get(key) ?? new Set()).add(f[at('regimen')]));
    }
    return byPerson;
  }

  it('says subsidiado, as the default BDUA file (MS) does, for every active health row', async () => {
    const regimes = await activeHealthRegimes();
    expect(regimes.size).toBeGreaterThan(1000);
    const seen = new Set([...regimes.values()].flatMap((s) => [...s]));
    expect(seen).toEqual(new Set(['SUBSIDIADO']));
  });

  it('says contributivo when written with an MC BDUA file', async () => {
    const seen = new Set([...(await activeHealthRegimes('MC')).values()].flatMap((s) => [...s]));
    expect(seen).toEqual(new Set(['CONTRIBUTIVO']));
  });
});
