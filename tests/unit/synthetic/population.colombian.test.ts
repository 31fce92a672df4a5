import { describe, expect, it } from 'vitest';
import { Population, type SyntheticPerson } from '../../../src/synthetic/population';
import { SURNAMES } from '../../../src/synthetic/names';

const HOUSEHOLDS = 6000;
const pop = new Population({ seed: 20091231 });
const households = Array.from({ length: HOUSEHOLDS }, (_, i) => pop.household(i));
const persons = households.flatMap((h) => h.members);
const days = (a: string, b: string) => Math.abs(Date.parse(a) - Date.parse(b)) / 86_400_000;
const ageOn = (birth: string, asOf: string) => Number(asOf.slice(0, 4)) - Number(birth.slice(0, 4)) - (asOf.slice(5) < birth.slice(5) ? 1 : 0);

describe('synthetic population: Colombian names and consistent families (issue 10)', () => {
  it('draws surnames with Colombian frequencies, none of the Mexican-only lists', () => {
    const counts = new Map<string, number>();
    for (const p of persons) for (const s of [p.firstSurname, p.secondSurname]) if (s) counts.set(s, (counts.get(s) ?? 0) + 1);
    const total = [...counts.values()].reduce((a, b) => a + b, 0);
    const ranked = [...counts.entries()].sort((a, b) => b[1] - a[1]);
    // The head of the national ranking leads, with a few per cent each, as in the Registraduría's counts.
    expect(ranked.slice(0, 5).map(([s]) => s)).toEqual(expect.arrayContaining(['RODRÍGUEZ', 'GÓMEZ']));
    const topShare = ranked[0][1] / total;
    expect(topShare).toBeGreaterThan(0.025);
    expect(topShare).toBeLessThan(0.07);
    // …and the tail is still there: namesakes are common, not universal.
    expect(counts.size).toBeGreaterThan(300);
    for (const mexican of ['ARCHULETA', 'SALCIDO', 'SEDILLO', 'MIRELES']) expect(counts.has(mexican)).toBe(false);
    for (const s of counts.keys()) expect(SURNAMES.includes(s) || s.includes(' ')).toBe(true);
  });

  it('spaces siblings at least ten months apart and keeps mothers of child-bearing age', () => {
    let pairs = 0;
    for (const h of households) {
      const kids = h.members
        .filter((m) => m.role === 3)
        .map((m) => m.birthDate)
        .sort();
      for (let i = 1; i < kids.length; i++) {
        pairs++;
        expect(days(kids[i - 1], kids[i])).toBeGreaterThanOrEqual(300);
      }
      const mother = h.members.find((m) => (m.role === 1 || m.role === 2) && m.sex === 'F');
      if (!mother) continue;
      for (const kid of h.members.filter((m) => m.role === 3)) {
        const atBirth = ageOn(mother.birthDate, kid.birthDate);
        expect(atBirth).toBeGreaterThanOrEqual(14);
        expect(atBirth).toBeLessThanOrEqual(50);
      }
    }
    expect(pairs).toBeGreaterThan(1000);
  });

  it('gives each person the document of their age (RC under 7, TI 7–17, CC 18 and over)', () => {
    const national = persons.filter((p: SyntheticPerson) => !p.foreign);
    for (const p of national) {
      const age = ageOn(p.birthDate, pop.asOf);
      expect(p.docType).toBe(age < 7 ? 'RC' : age < 18 ? 'TI' : 'CC');
    }
  });

  it('is deterministic per seed', () => {
    expect(new Population({ seed: 20091231 }).household(4321)).toEqual(households[4321]);
    expect(new Population({ seed: 7 }).household(4321)).not.toEqual(households[4321]);
  });
});
