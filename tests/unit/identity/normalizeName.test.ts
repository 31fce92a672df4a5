import { describe, expect, it } from 'vitest';
import { normalizeGivenNames, normalizeName, normalizeSurnames, PARTICLES } from '../../../src/domain/identity';

describe('given names', () => {
  it('MARIA DEL CARMEN split three ways gives the same first name and rest', () => {
    const splits: [string | null, string | null][] = [
      ['MARIA', 'DEL CARMEN'],
      ['MARIA DEL', 'CARMEN'],
      ['MARIA DEL CARMEN', null],
      ['María del Carmen', ''],
    ];
    for (const [a, b] of splits) {
      const g = normalizeGivenNames(a, b);
      expect(g.first).toBe('MARIA');
      expect(g.rest).toBe('CARMEN');
      expect(g.core).toEqual(['MARIA', 'CARMEN']);
      expect(g.tokens).toEqual(['MARIA', 'DEL', 'CARMEN']);
      expect(g.placeholder).toBe(false);
    }
  });

  it('keeps three or more names in order (SIUNIDOS puts all but the first in segundo nombre)', () => {
    const g = normalizeGivenNames('MARIA', 'DEL CARMEN ROSA');
    expect(g.first).toBe('MARIA');
    expect(g.rest).toBe('CARMEN ROSA');
  });

  it('JUAN DE DIOS and MARIA DE LOS ANGELES drop their particles', () => {
    expect(normalizeGivenNames('JUAN DE DIOS', null).core).toEqual(['JUAN', 'DIOS']);
    expect(normalizeGivenNames('MARIA', 'DE LOS ANGELES').core).toEqual(['MARIA', 'ANGELES']);
  });

  it('expands registry abbreviations of given names', () => {
    expect(normalizeGivenNames('MA.', 'DEL CARMEN').first).toBe('MARIA');
    expect(normalizeGivenNames('FCO', 'JAVIER').first).toBe('FRANCISCO');
  });

  it('uses the second field when the first is missing or null-like', () => {
    expect(normalizeGivenNames(null, 'CARLOS').first).toBe('CARLOS');
    expect(normalizeGivenNames('NULL', 'CARLOS').first).toBe('CARLOS');
    expect(normalizeGivenNames('SIN DATO', null).first).toBeNull();
  });

  it('treats newborn placeholders as no given name, across both fields', () => {
    for (const [a, b] of [
      ['HIJO DE', 'MARIA'],
      ['RN', 'PEREZ'],
      ['HIJA DE MARTA', null],
      ['NN', null],
    ] as const) {
      const g = normalizeGivenNames(a, b);
      expect(g.first).toBeNull();
      expect(g.rest).toBeNull();
      expect(g.placeholder).toBe(true);
    }
  });

  it('a name made only of particles is kept rather than lost', () => {
    expect(normalizeGivenNames('DE LOS', null).core).toEqual(['DE', 'LOS']);
  });
});

describe('surnames', () => {
  it('DE LA HOZ split across fields is one first surname with no second surname', () => {
    const s = normalizeSurnames('DE', 'LA HOZ');
    expect(s.first).toEqual({ tokens: ['DE', 'LA', 'HOZ'], core: 'HOZ', glued: 'DELAHOZ' });
    expect(s.second).toBeNull();
    const t = normalizeSurnames('DE LA', 'HOZ PEREZ');
    expect(t.first?.core).toBe('HOZ');
    expect(t.second?.core).toBe('PEREZ');
  });

  it('particles stay with their surname in either position', () => {
    const s = normalizeSurnames('GOMEZ', 'DE LA HOZ');
    expect(s.first?.core).toBe('GOMEZ');
    expect(s.second).toEqual({ tokens: ['DE', 'LA', 'HOZ'], core: 'HOZ', glued: 'DELAHOZ' });
    expect(normalizeSurnames('DEL CASTILLO', 'MC CORMICK').second).toEqual({ tokens: ['MC', 'CORMICK'], core: 'CORMICK', glued: 'MCCORMICK' });
    expect(normalizeSurnames('DE LOS RIOS', null).first?.glued).toBe('DELOSRIOS');
  });

  it('a glued particle is a plain word whose glued form matches the spaced one', () => {
    const glued = normalizeSurnames('DELAHOZ', null).first!;
    const spaced = normalizeSurnames('DE LA HOZ', null).first!;
    expect(glued.glued).toBe(spaced.glued);
    expect(glued.core).toBe('DELAHOZ');
  });

  it('married forms: "PEREZ DE GOMEZ" and "VDA. DE GOMEZ"', () => {
    const a = normalizeSurnames('PEREZ DE GOMEZ', null);
    expect(a.first?.core).toBe('PEREZ');
    expect(a.second).toBeNull();
    expect(a.married?.core).toBe('GOMEZ');

    const b = normalizeSurnames('LOPEZ', 'VDA. DE GOMEZ');
    expect(b.first?.core).toBe('LOPEZ');
    expect(b.second).toBeNull();
    expect(b.married?.core).toBe('GOMEZ');

    const c = normalizeSurnames('PEREZ', 'LOPEZ DE GOMEZ');
    expect(c.second?.core).toBe('LOPEZ');
    expect(c.married?.core).toBe('GOMEZ');

    const d = normalizeSurnames('ROJAS VIUDA DE ARIAS', null);
    expect(d.first?.core).toBe('ROJAS');
    expect(d.married?.core).toBe('ARIAS');
  });

  it('"DE LEON" alone in the second field is a surname, not a married form', () => {
    const s = normalizeSurnames('GARCIA', 'DE LEON');
    expect(s.second?.core).toBe('LEON');
    expect(s.married).toBeNull();
  });

  it('two surnames typed in the first field are split; extra words are kept aside', () => {
    const s = normalizeSurnames('GOMEZ PINZON', null);
    expect(s.first?.core).toBe('GOMEZ');
    expect(s.second?.core).toBe('PINZON');
    const t = normalizeSurnames('GOMEZ PINZON', 'RUIZ');
    expect(t.first?.core).toBe('GOMEZ');
    expect(t.second?.core).toBe('RUIZ');
    expect(t.extra.map((u) => u.core)).toEqual(['PINZON']);
  });

  it('a second surname without a first one moves up; placeholders are missing', () => {
    const s = normalizeSurnames('', 'GOMEZ');
    expect(s.first?.core).toBe('GOMEZ');
    expect(s.second).toBeNull();
    expect(normalizeSurnames('PEREZ', 'NO APLICA').second).toBeNull();
    expect(normalizeSurnames('NULL', 'N/A')).toEqual({ first: null, second: null, married: null, extra: [] });
  });

  it('a lone particle-like surname (SANTA) is kept', () => {
    expect(normalizeSurnames('SANTA', null).first?.core).toBe('SANTA');
  });

  it('ANSI and UTF-8 spellings of NUÑEZ agree', () => {
    for (const v of ['NUÑEZ', 'NUNEZ', 'NUÃ‘EZ', 'NU?EZ', 'Núñez']) expect(normalizeSurnames(v, null).first?.core).toBe('NUNEZ');
  });
});

describe('normalizeName', () => {
  it('collects every core word of the name', () => {
    const n = normalizeName({ firstName: 'MARIA DEL', secondName: 'CARMEN', firstSurname: 'DE', secondSurname: 'LA HOZ' });
    expect(n.tokens).toEqual(['MARIA', 'CARMEN', 'HOZ']);
    const m = normalizeName({ firstName: 'ANA', firstSurname: 'PEREZ DE GOMEZ', secondSurname: 'RUIZ' });
    expect(m.tokens).toEqual(['ANA', 'PEREZ', 'RUIZ', 'GOMEZ']);
  });

  it('knows the particles of domain.md §5.1', () => {
    expect([...PARTICLES].sort()).toEqual(['DE', 'DEL', 'LA', 'LAS', 'LOS', 'MAC', 'MC', 'SAN', 'SANTA', 'VAN', 'VON', 'Y']);
  });
});
