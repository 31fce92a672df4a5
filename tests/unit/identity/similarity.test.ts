import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { hashString, jaroWinkler, jaroWinklerAtLeast, jaroWinklerUpperBound, letterSignature, levenshtein } from '../../../src/domain/identity';

describe('jaroWinkler (talisman)', () => {
  it('textbook values', () => {
    expect(jaroWinkler('MARTHA', 'MARHTA')).toBeCloseTo(0.961111, 6);
    expect(jaroWinkler('DWAYNE', 'DUANE')).toBeCloseTo(0.84, 6);
    expect(jaroWinkler('DIXON', 'DICKSONX')).toBeCloseTo(0.813333, 6);
    expect(jaroWinkler('JHON', 'JOHN')).toBeCloseTo(0.925, 6);
    expect(jaroWinkler('CASTILLO', 'CASTIYO')).toBeCloseTo(0.921429, 6);
  });

  it('1 for equal, 0 for empty', () => {
    expect(jaroWinkler('ANA', 'ANA')).toBe(1);
    expect(jaroWinkler('', 'ANA')).toBe(0);
    expect(jaroWinkler('ANA', '')).toBe(0);
  });
});

describe('Jaro-Winkler shortcuts', () => {
  const name = fc.string({ unit: fc.constantFrom(...'ABCDEFGHIJLMNOPRSTUVYZ '.split('')), minLength: 0, maxLength: 20 });

  it('the signature bound never falls below the real similarity', () => {
    fc.assert(
      fc.property(name, name, (a, b) => {
        expect(jaroWinklerUpperBound(letterSignature(a), letterSignature(b))).toBeGreaterThanOrEqual(jaroWinkler(a, b) - 1e-12);
      }),
      { numRuns: 3000 },
    );
  });

  it('jaroWinklerAtLeast returns the real similarity whenever it reaches the floor, else 0', () => {
    fc.assert(
      fc.property(name, name, fc.constantFrom(0, 0.7, 0.88, 0.92, 0.95), (a, b, floor) => {
        const jw = jaroWinkler(a, b);
        const r = jaroWinklerAtLeast(a, b, floor);
        if (jw >= floor) expect(r).toBeCloseTo(jw, 12);
        else expect(r === 0 || Math.abs(r - jw) < 1e-12).toBe(true);
      }),
      { numRuns: 3000 },
    );
  });

  it('prunes names that share few letters', () => {
    expect(jaroWinklerUpperBound(letterSignature('JUAN'), letterSignature('CARLOS'))).toBeLessThan(0.88);
    expect(jaroWinklerAtLeast('JUAN', 'CARLOS', 0.88)).toBe(0);
    expect(jaroWinklerUpperBound(letterSignature('MARIA'), letterSignature('MARTA'))).toBeGreaterThanOrEqual(0.88);
  });

  it('signatures: letters and length; long strings claim no bound', () => {
    const s = letterSignature('ABA');
    expect(s & 0x3ffffff).toBe(0b11);
    expect(s >>> 26).toBe(3);
    expect(jaroWinklerUpperBound(letterSignature('MAXIMILIANOGONZALEZ'), letterSignature('ZZ'))).toBe(1);
    expect(jaroWinklerUpperBound(letterSignature(''), letterSignature('ANA'))).toBe(0);
    expect(Number.isInteger(letterSignature('ZYXWVUTSRQPONMLKJIHGFEDCBA'))).toBe(true);
  });

  it('hashes are 30-bit, deterministic, and tell common names apart', () => {
    const names = ['MARIA', 'JOSE', 'JUAN', 'LUIS', 'CARLOS', 'ANA', 'RODRIGUEZ', 'GOMEZ', 'GONZALEZ', 'MARTINEZ', 'K237', 'J500'];
    const hashes = names.map(hashString);
    expect(new Set(hashes).size).toBe(names.length);
    for (const h of hashes) {
      expect(h).toBeGreaterThanOrEqual(0);
      expect(h).toBeLessThan(2 ** 30);
    }
    expect(hashString('MARIA')).toBe(hashString('MARIA'));
  });
});

describe('levenshtein (fastest-levenshtein)', () => {
  it('edit distance', () => {
    expect(levenshtein('MARIA PEREZ', 'MARIA GOMEZ')).toBe(3);
    expect(levenshtein('', 'ANA')).toBe(3);
    expect(levenshtein('GOMEZ', 'GOMZE')).toBe(2);
  });
});
