/**
 * The comparisons take shortcuts on the hot path (hashes, letter-signature bounds). These properties
 * check them against a plain reading of the level definitions on strings.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  compare,
  compareGivenNames,
  compareSurnames,
  JW_HIGH,
  JW_MID,
  jaroWinkler,
  prepare,
  SURNAME_CLOSE_JW,
  withTermFrequencies,
  type PreparedRecord,
} from '../../../src/domain/identity';

const GIVEN = [
  'MARIA',
  'MARIO',
  'MARTA',
  'JHON',
  'JOHN',
  'JUAN',
  'DEL',
  'CARMEN',
  'JOSE',
  'DANIEL',
  'DANIELA',
  'YULIETH',
  'YULIET',
  'NULL',
  'MA.',
  'DE LOS',
  'ANGELES',
  'LOPEZ',
];
const SURNAMES = [
  'GOMEZ',
  'GOMES',
  'GOMZE',
  'PEREZ',
  'PERES',
  'CASTILLO',
  'CASTIYO',
  'DE',
  'LA HOZ',
  'DE LA HOZ',
  'DELAHOZ',
  'HOZ',
  'RUIZ',
  'VDA DE',
  'MARIA',
  'N/A',
  'RODRIGUEZ',
  'RODRIGEZ',
];

const field = (vocab: string[]) =>
  fc.option(
    fc.array(fc.constantFrom(...vocab), { minLength: 1, maxLength: 2 }).map((w) => w.join(' ')),
    { nil: null },
  );
const record = fc
  .record({ firstName: field(GIVEN), secondName: field(GIVEN), firstSurname: field(SURNAMES), secondSurname: field(SURNAMES) })
  .map((identity) => prepare(identity, { id: 'p' }));

function subset(big: readonly string[], small: readonly string[]): boolean {
  return small.every((t) => big.includes(t));
}

function referenceGiven(a: PreparedRecord, b: PreparedRecord): number {
  if (a.given1 === null || b.given1 === null) return 0;
  const either = subset(a.givenCore, b.givenCore) || subset(b.givenCore, a.givenCore);
  if (a.given1 === b.given1) {
    if (a.givenRest === b.givenRest) return 1;
    if (a.givenRest === null || b.givenRest === null || either) return 2;
    return 4;
  }
  if (either) return 3;
  const jw = jaroWinkler(a.given1, b.given1);
  if (jw >= JW_HIGH) return 5;
  if (a.given1Phon === b.given1Phon) return 6;
  if (jw >= JW_MID) return 7;
  if (b.nameTokens.includes(a.given1) || a.nameTokens.includes(b.given1)) return 8;
  return 9;
}

function grade(x: string, xg: string, xp: string, y: string, yg: string, yp: string): number {
  if (x === y || xg === yg) return 3;
  if (xp === yp) return 2;
  return jaroWinkler(x, y) >= SURNAME_CLOSE_JW ? 2 : 0;
}

function referenceSurnames(a: PreparedRecord, b: PreparedRecord): number {
  if (a.s1 === null || b.s1 === null) return 0;
  const g = (p: 1 | 2, q: 1 | 2) =>
    grade(
      p === 1 ? a.s1! : a.s2!,
      p === 1 ? a.s1Glued! : a.s2Glued!,
      p === 1 ? a.s1Phon : a.s2Phon,
      q === 1 ? b.s1! : b.s2!,
      q === 1 ? b.s1Glued! : b.s2Glued!,
      q === 1 ? b.s1Phon : b.s2Phon,
    );
  const has2 = a.s2 !== null && b.s2 !== null;
  const g11 = g(1, 1);
  if (g11 === 3) {
    if (!has2) return 2;
    const g22 = g(2, 2);
    return g22 === 3 ? 1 : g22 === 2 ? 4 : 6;
  }
  if (has2 && g(1, 2) >= 2 && g(2, 1) >= 2) return 3;
  if (g11 === 2) {
    if (!has2) return 5;
    return g(2, 2) >= 2 ? 4 : 7;
  }
  if (b.s2 !== null && g(1, 2) >= 2) return 8;
  if (a.s2 !== null && g(2, 1) >= 2) return 8;
  if (has2 && g(2, 2) === 3) return 8;
  return 9;
}

describe('hot-path comparisons agree with the level definitions', () => {
  it('given names', () => {
    fc.assert(
      fc.property(record, record, (a, b) => {
        expect(compareGivenNames(a, b)).toBe(referenceGiven(a, b));
      }),
      { numRuns: 5000 },
    );
  });

  it('surnames', () => {
    fc.assert(
      fc.property(record, record, (a, b) => {
        expect(compareSurnames(a, b)).toBe(referenceSurnames(a, b));
      }),
      { numRuns: 5000 },
    );
  });

  it('symmetry of given-name and surname levels', () => {
    fc.assert(
      fc.property(record, record, (a, b) => {
        expect(compareGivenNames(a, b)).toBe(compareGivenNames(b, a));
        expect(compareSurnames(a, b)).toBe(compareSurnames(b, a));
      }),
      { numRuns: 3000 },
    );
  });

  it('the whole comparison vector is symmetric', () => {
    const full = fc
      .record({
        firstName: field(GIVEN),
        secondName: field(GIVEN),
        firstSurname: field(SURNAMES),
        secondSurname: field(SURNAMES),
        docType: fc.constantFrom('CC', 'TI', 'RC', 'NU', 'CE', 'PE', 'DE', 'AS', null),
        docNumber: fc.constantFrom('1023456789', '1023456798', '1023456780', '23456781', '52123456', 'V23456781', '76001I0012', null),
        birthDate: fc.constantFrom('1990-05-17', '1990-17-05', '1990-05-18', '1991-05-17', '1990-01-01', '1990-07-05', '1990-05-07', null),
        sex: fc.constantFrom('M', 'F', 'I', null),
      })
      .chain((identity) => fc.constantFrom('05001', '05088', '11001', null).map((m) => prepare(identity, { id: 'p', municipalityCode: m })));
    fc.assert(
      fc.property(full, full, (a, b) => {
        expect([...compare(a, b)]).toEqual([...compare(b, a)]);
      }),
      { numRuns: 5000 },
    );
  });

  it('prepared records keep one shape (same keys in the same order)', () => {
    const a = prepare({ firstName: 'ANA' }, { id: 'a' });
    const b = withTermFrequencies(a, { surname: new Map() });
    expect(Object.keys(b)).toEqual(Object.keys(a));
  });
});
