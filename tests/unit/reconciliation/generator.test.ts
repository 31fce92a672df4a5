import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { collect, getConnector, parseBytes } from '../../../connectors';
import {
  municipalityCodes,
  generateLinkage,
  noisyAppearance,
  NOISE_PROFILES,
  LinkagePopulation,
  birthDateError,
  mistypeDigit,
  nameVariant,
  particleVariant,
  phoneticRespelling,
  resplitGivenNames,
  transposeDigits,
  typo,
  Rng,
} from '../../../src/synthetic';
import { soundexEs } from '../../../src/domain/identity';

const dirs: string[] = [];
const tmp = () => {
  const d = mkdtempSync(join(tmpdir(), 'juntos-linkage-gen-'));
  dirs.push(d);
  return d;
};
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));
const digest = (path: string) => createHash('sha256').update(readFileSync(path)).digest('hex');

describe('labelled linkage generator', () => {
  it('is deterministic by seed (files and truth identical byte for byte) and differs with the seed', async () => {
    const a = await generateLinkage({ persons: 1_500, seed: 9, outDir: tmp() });
    const b = await generateLinkage({ persons: 1_500, seed: 9, outDir: tmp() });
    const c = await generateLinkage({ persons: 1_500, seed: 10, outDir: tmp() });
    for (let i = 0; i < a.files.length; i++) expect(digest(b.files[i].path)).toBe(digest(a.files[i].path));
    expect(digest(b.truthPath)).toBe(digest(a.truthPath));
    expect(digest(c.truthPath)).not.toBe(digest(a.truthPath));
    expect(a.persons).toBeGreaterThanOrEqual(1_500);
  });

  it('writes files the connectors read without errors, one truth row per record, every key known', async () => {
    const m = await generateLinkage({ persons: 3_000, seed: 21, outDir: tmp() });
    const truth = readFileSync(m.truthPath, 'utf8')
      .trim()
      .split('\n')
      .slice(1)
      .map((l) => l.split('\t'));
    const keys = new Map(truth.map(([source, key, person]) => [`${source}\t${key}`, Number(person)]));
    expect(keys.size).toBe(truth.length);
    const ctx = (fileName: string) => ({ fileName, today: '2025-01-01', municipalities: municipalityCodes() });
    let records = 0;
    for (const f of m.files) {
      const rows = await collect(parseBytes(readFileSync(f.path), getConnector(f.source), ctx(f.fileName)));
      const bad = rows.filter((r) => !r.ok);
      expect(bad, `${f.source}: ${JSON.stringify(bad.slice(0, 2))}`).toHaveLength(0);
      expect(rows).toHaveLength(f.rows);
      for (const r of rows) if (r.ok) expect(keys.has(`${f.source}\t${r.record.sourceKey}`), `${f.source} ${r.record.sourceKey}`).toBe(true);
      records += rows.length;
    }
    expect(records).toBe(truth.length);
    // Several records per person, across sources.
    expect(new Set(truth.map((t) => t[2])).size).toBeLessThan(truth.length * 0.7);
    // Every documented noise class occurs.
    const tags = new Set(truth.flatMap((t) => (t[3] ? t[3].split(',') : [])));
    for (const tag of [
      'typo-given',
      'typo-surname',
      'phonetic',
      'variant',
      'resplit',
      'particle',
      'surname-swap',
      'no-second-surname',
      'dob-swap',
      'doc-evolution',
      'doc-transposed',
      'no-document',
      'twin',
      'namesake',
      'shared-doc',
      'duplicate',
    ]) {
      expect(tags, tag).toContain(tag);
    }
  });

  it('twins share household, surnames and birth date, not given names or documents', () => {
    const pop = new LinkagePopulation(3, '2024-12-31', { twins: 1, twinsSimilarNames: 0 });
    let found = 0;
    for (let i = 0; i < 200 && found < 5; i++) {
      const { household, tags } = pop.household(i);
      const twins = household.members.filter((m) => tags.get(m.serial)?.includes('twin'));
      if (twins.length !== 2) continue;
      found++;
      const [a, b] = twins;
      expect(a.birthDate).toBe(b.birthDate);
      expect([a.firstSurname, a.secondSurname]).toEqual([b.firstSurname, b.secondSurname]);
      expect(a.firstName).not.toBe(b.firstName);
      expect(a.docNumber).not.toBe(b.docNumber);
    }
    expect(found).toBe(5);
  });

  it('twins with close given names: same first name or a compound name, or first names spelled alike', () => {
    const pop = new LinkagePopulation(3, '2024-12-31', { twins: 1, twinsSimilarNames: 1 });
    let found = 0;
    for (let i = 0; i < 300 && found < 12; i++) {
      const { household, tags } = pop.household(i);
      const twins = household.members.filter((m) => tags.get(m.serial)?.includes('twin-similar-names'));
      if (twins.length !== 2) continue;
      found++;
      const [a, b] = twins;
      expect(a.sex).toBe(b.sex);
      expect(`${a.firstName} ${a.secondName ?? ''}`).not.toBe(`${b.firstName} ${b.secondName ?? ''}`);
      expect(a.firstName.slice(0, 2)).toBe(b.firstName.slice(0, 2));
    }
    expect(found).toBe(12);
  });

  it('undocumented persons: whole victim households and unregistered babies', () => {
    const pop = new LinkagePopulation(5, '2024-12-31', { undocumentedVictimHouseholds: 1, undocumentedBabies: 0 });
    for (let i = 0; i < 50; i++) {
      const { household, tags } = pop.household(i);
      const all = household.members.every((m) => tags.get(m.serial)?.includes('undocumented'));
      const none = household.members.every((m) => !tags.get(m.serial)?.includes('undocumented'));
      expect(i % 5 === 0 ? all : none).toBe(true);
    }
  });

  it('a shared document is the mother’s cédula on a small child', () => {
    const pop = new LinkagePopulation(4, '2024-12-31');
    const profile = { ...NOISE_PROFILES.bdua, sharedDoc: 1 };
    for (let i = 0; i < 300; i++) {
      const { household } = pop.household(i);
      const mother = household.members.find((m) => m.sex === 'F' && (m.role === 1 || m.role === 2) && m.docType === 'CC');
      const baby = household.members.find((m) => m.role === 3 && m.birthDate > '2022-01-01');
      if (!mother || !baby) continue;
      const a = noisyAppearance(baby, household, profile, new Rng(1), '2024-12-31');
      expect(a.tags).toContain('shared-doc');
      expect(a.person).toMatchObject({ docType: 'CC', docNumber: mother.docNumber, firstName: baby.firstName });
      return;
    }
    throw new Error('no household with a mother and a baby');
  });
});

describe('noise of registries', () => {
  const r = () => new Rng(42);
  it('typos keep the first letter and change one character', () => {
    for (let s = 1; s < 50; s++) {
      const v = typo('RODRIGUEZ', new Rng(s));
      if (v === null) continue;
      expect(v[0]).toBe('R');
      expect(v).not.toBe('RODRIGUEZ');
      expect(Math.abs(v.length - 9)).toBeLessThanOrEqual(1);
    }
  });
  it('phonetic respellings, name variants, resplit given names, particles', () => {
    // A respelling sounds the same: the Spanish phonetic key does not change.
    for (const name of ['VALENCIA', 'CASTILLO', 'GERMAN', 'HERNANDEZ', 'QUINTERO', 'YOLANDA', 'ZAPATA', 'NUÑEZ', 'CARREÑO']) {
      for (let seed = 1; seed < 8; seed++) {
        const v = phoneticRespelling(name, new Rng(seed));
        expect(v).not.toBeNull();
        expect(v).not.toBe(name);
        expect(soundexEs(v!), `${name} → ${v}`).toBe(soundexEs(name));
      }
    }
    expect(['JOHN', 'JON']).toContain(nameVariant('JHON', r()));
    expect(nameVariant('PEDRO', r())).toBeNull();
    const split = resplitGivenNames('MARÍA DEL CARMEN', null, r());
    expect(split).not.toBeNull();
    expect(`${split!.first} ${split!.second ?? ''}`.trim()).toBe('MARÍA DEL CARMEN');
    const p = particleVariant('DE LA HOZ', 'PÉREZ', r());
    expect([
      { s1: 'HOZ', s2: 'PÉREZ' },
      { s1: 'DELAHOZ', s2: 'PÉREZ' },
      { s1: 'DE', s2: 'LA HOZ PÉREZ' },
    ]).toContainEqual(p);
    expect(particleVariant('GÓMEZ', null, r())).toBeNull();
  });
  it('document and birth-date errors', () => {
    const t = transposeDigits('1023456789', r())!;
    expect([...t].sort().join('')).toBe([...'1023456789'].sort().join(''));
    expect(t).not.toBe('1023456789');
    const m = mistypeDigit('1023456789', r())!;
    expect(m).toHaveLength(10);
    expect([...m].filter((c, i) => c !== '1023456789'[i])).toHaveLength(1);
    expect(birthDateError('1990-05-07', 'swap', r(), '2024-12-31')).toBe('1990-07-05');
    expect(birthDateError('1990-05-17', 'swap', r(), '2024-12-31')).toBeNull();
    expect(birthDateError('1990-05-07', 'default', r(), '2024-12-31')).toBe('1990-01-01');
    expect(['1990-05-06', '1990-05-08']).toContain(birthDateError('1990-05-07', 'day', r(), '2024-12-31'));
    expect(['1989-05-07', '1991-05-07']).toContain(birthDateError('1990-05-07', 'year', r(), '2024-12-31'));
  });
});
