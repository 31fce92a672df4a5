import { describe, expect, it } from 'vitest';
import {
  compare,
  compareBirthDates,
  compareDocuments,
  compareGivenNames,
  compareMunicipalities,
  compareSex,
  compareSurnames,
  COMPARISONS,
  L,
  levelLabels,
  type IdentityInput,
} from '../../../src/domain/identity';
import { rec } from './helpers';

const given = (a: [string | null, string | null], b: [string | null, string | null], extraB: IdentityInput = {}) =>
  GIVEN[compareGivenNames(rec({ firstName: a[0], secondName: a[1] }), rec({ firstName: b[0], secondName: b[1], ...extraB }))];
const GIVEN = COMPARISONS[0].levels;
const SURN = COMPARISONS[1].levels;
const surn = (a: [string | null, string | null], b: [string | null, string | null]) =>
  SURN[compareSurnames(rec({ firstSurname: a[0], secondSurname: a[1] }), rec({ firstSurname: b[0], secondSurname: b[1] }))];

describe('comparison definitions', () => {
  it('every comparison starts with the missing level and describes each level', () => {
    for (const c of COMPARISONS) {
      expect(c.levels[0]).toBe('missing');
      expect(c.descriptions).toHaveLength(c.levels.length);
      expect(new Set(c.levels).size).toBe(c.levels.length);
      expect(c.levels.length).toBeLessThanOrEqual(16);
    }
    expect(COMPARISONS.map((c) => c.name)).toEqual(['givenNames', 'surnames', 'birthDate', 'sex', 'document', 'municipality']);
    expect(L.document.exact).toBe(1);
    expect(L.surnames.swapped).toBe(3);
  });
});

describe('given names', () => {
  it('exact, also for a compound name split three ways', () => {
    expect(given(['MARIA', 'CAMILA'], ['MARÍA', 'CAMILA'])).toBe('exact');
    expect(given(['MARIA', 'DEL CARMEN'], ['MARIA DEL', 'CARMEN'])).toBe('exact');
    expect(given(['MARIA', 'DEL CARMEN'], ['MARIA DEL CARMEN', null])).toBe('exact');
    expect(given(['JUAN', null], ['JUAN', null])).toBe('exact');
  });

  it('compatible: same first name, the second missing on one side or a subset', () => {
    expect(given(['MARIA', 'CAMILA'], ['MARIA', null])).toBe('compatible');
    expect(given(['MARIA', 'DEL CARMEN ROSA'], ['MARIA', 'ROSA'])).toBe('compatible');
  });

  it('reordered: same names in another order, or only another of the names', () => {
    expect(given(['CARMEN', 'MARIA'], ['MARIA', 'CARMEN'])).toBe('reordered');
    expect(given(['CAMILA', null], ['MARIA', 'CAMILA'])).toBe('reordered');
  });

  it('firstEqual: same first name, different second names', () => {
    expect(given(['JUAN', 'DAVID'], ['JUAN', 'JOSE'])).toBe('firstEqual');
  });

  it('Jaro-Winkler bands and the phonetic level (JHON/JOHN)', () => {
    expect(given(['YULIETH', null], ['YULIET', null])).toBe('jw95');
    expect(given(['MARLENY', null], ['MARLENI', null])).toBe('phonetic');
    expect(given(['JHONATAN', null], ['JHONATHAN', null])).toBe('jw95');
    expect(given(['JHON', 'FREDY'], ['JOHN', 'FREDDY'])).toBe('phonetic');
    expect(given(['YEISON', null], ['JEISON', null])).toBe('phonetic');
    expect(given(['STIVEN', null], ['STEVEN', null])).toBe('phonetic');
    expect(given(['MARIA', null], ['MARTA', null])).toBe('jw88');
  });

  it('crossField: a given name found among the other record’s surnames', () => {
    const a = rec({ firstName: 'LOPEZ', firstSurname: 'ANDRES' });
    const b = rec({ firstName: 'ANDRES', firstSurname: 'LOPEZ' });
    expect(GIVEN[compareGivenNames(a, b)]).toBe('crossField');
  });

  it('different, and missing when either side has no given name (placeholders included)', () => {
    expect(given(['JUAN', null], ['CARLOS', null])).toBe('different');
    expect(given([null, null], ['CARLOS', null])).toBe('missing');
    expect(given(['HIJO DE', 'MARIA'], ['CARLOS', null])).toBe('missing');
  });

  it('is symmetric', () => {
    const pairs: [[string, string | null], [string, string | null]][] = [
      [
        ['MARIA', 'CAMILA'],
        ['MARIA', null],
      ],
      [
        ['CARMEN', 'MARIA'],
        ['MARIA', 'CARMEN'],
      ],
      [
        ['JHON', null],
        ['JOHN', null],
      ],
      [
        ['CAMILA', null],
        ['MARIA', 'CAMILA'],
      ],
    ];
    for (const [a, b] of pairs) expect(given(a, b)).toBe(given(b, a));
  });
});

describe('surnames', () => {
  it('exact, including particles dropped, glued or split across fields', () => {
    expect(surn(['RODRIGUEZ', 'CHAVERRA'], ['RODRÍGUEZ', 'CHAVERRA'])).toBe('exact');
    expect(surn(['DE LA HOZ', 'PEREZ'], ['HOZ', 'PEREZ'])).toBe('exact');
    expect(surn(['DE LA HOZ', 'PEREZ'], ['DELAHOZ', 'PEREZ'])).toBe('exact');
    expect(surn(['NUÑEZ', 'ROJAS'], ['NUÃ‘EZ', 'ROJAS'])).toBe('exact');
  });

  it('DE LA HOZ split across fields equals DE LA HOZ in one field', () => {
    expect(surn(['DE', 'LA HOZ'], ['DE LA HOZ', null])).toBe('exactSecondMissing');
    expect(surn(['DE', 'LA HOZ'], ['DE LA HOZ', 'GARCIA'])).toBe('exactSecondMissing');
  });

  it('missing second surname on one side', () => {
    expect(surn(['GOMEZ', 'PEREZ'], ['GOMEZ', null])).toBe('exactSecondMissing');
    expect(surn(['GOMEZ', 'PEREZ'], ['GOMES', null])).toBe('closeSecondMissing');
  });

  it('swapped surnames', () => {
    expect(surn(['GOMEZ', 'PEREZ'], ['PEREZ', 'GOMEZ'])).toBe('swapped');
    expect(surn(['GOMEZ', 'PERES'], ['PEREZ', 'GOMES'])).toBe('swapped');
  });

  it('close (yeísmo CASTILLO/CASTIYO, S/Z, typos) on one or both', () => {
    expect(surn(['CASTILLO', 'PEREZ'], ['CASTIYO', 'PEREZ'])).toBe('closeBoth');
    expect(surn(['GOMEZ', 'MARTINEZ'], ['GOMEZ', 'MARTINES'])).toBe('closeBoth');
    expect(surn(['GONZALEZ', 'DIAZ'], ['GONSALES', 'DIAS'])).toBe('closeBoth');
    expect(surn(['GOMEZ', 'RUIZ'], ['GOMZE', 'RUIZ'])).toBe('closeBoth');
  });

  it('second surname different (married name, another mother)', () => {
    expect(surn(['GOMEZ', 'PEREZ'], ['GOMEZ', 'RUIZ'])).toBe('firstExactSecondDiffers');
    expect(surn(['CASTILLO', 'PEREZ'], ['CASTIYO', 'RUIZ'])).toBe('firstCloseSecondDiffers');
  });

  it('crossPosition: a child first registered with the mother’s surname, or only second surnames equal', () => {
    expect(surn(['PEREZ', null], ['GOMEZ', 'PEREZ'])).toBe('crossPosition');
    expect(surn(['GOMEZ', 'PEREZ'], ['PEREZ', null])).toBe('crossPosition');
    expect(surn(['GOMEZ', 'PEREZ'], ['RUIZ', 'PEREZ'])).toBe('crossPosition');
    expect(surn(['GOMEZ', 'PEREZ'], ['RUIZ', 'GOMEZ'])).toBe('crossPosition');
  });

  it('different and missing', () => {
    expect(surn(['GOMEZ', 'PEREZ'], ['RUIZ', 'LOPEZ'])).toBe('different');
    expect(surn([null, null], ['RUIZ', 'LOPEZ'])).toBe('missing');
    expect(surn(['NULL', 'N/A'], ['RUIZ', 'LOPEZ'])).toBe('missing');
  });

  it('is symmetric', () => {
    const cases: [[string, string | null], [string, string | null]][] = [
      [
        ['GOMEZ', 'PEREZ'],
        ['PEREZ', 'GOMEZ'],
      ],
      [
        ['GOMEZ', 'PEREZ'],
        ['GOMEZ', null],
      ],
      [
        ['PEREZ', null],
        ['GOMEZ', 'PEREZ'],
      ],
      [
        ['CASTILLO', 'PEREZ'],
        ['CASTIYO', 'RUIZ'],
      ],
      [
        ['GOMEZ', 'PEREZ'],
        ['RUIZ', 'PEREZ'],
      ],
    ];
    for (const [a, b] of cases) expect(surn(a, b)).toBe(surn(b, a));
  });
});

describe('birth date', () => {
  const level = (a: string | null, b: string | null) => COMPARISONS[2].levels[compareBirthDates(rec({ birthDate: a }), rec({ birthDate: b }))];
  it('levels', () => {
    expect(level('1990-05-17', '1990-05-17')).toBe('exact');
    expect(level('1990-01-01', '1990-01-01')).toBe('exactDefault');
    expect(level('1990-05-07', '1990-07-05')).toBe('dayMonthSwap');
    expect(level('1990-05-17', '1990-05-16')).toBe('oneDay');
    expect(level('1990-05-17', '1991-05-17')).toBe('yearOff');
    expect(level('1990-05-17', '1990-05-03')).toBe('sameYearMonth');
    expect(level('1990-01-01', '1990-09-03')).toBe('defaultSameYear');
    expect(level('1990-02-17', '1990-09-03')).toBe('sameYear');
    expect(level('1990-05-17', '1970-05-17')).toBe('different');
    expect(level('1990-05-17', null)).toBe('missing');
    expect(level('1900-01-01', '1900-01-01')).toBe('missing');
  });
});

describe('sex', () => {
  const level = (a: string | null, b: string | null) => COMPARISONS[3].levels[compareSex(rec({ sex: a }), rec({ sex: b }))];
  it('levels', () => {
    expect(level('M', '1')).toBe('equal');
    expect(level('F', 'M')).toBe('different');
    expect(level('I', 'M')).toBe('missing');
    expect(level(null, 'M')).toBe('missing');
  });
});

describe('document', () => {
  const level = (a: [string | null, string | null], b: [string | null, string | null]) =>
    COMPARISONS[4].levels[compareDocuments(rec({ docType: a[0], docNumber: a[1] }), rec({ docType: b[0], docNumber: b[1] }))];

  it('exact: same number and type, with formatting, or one type unknown', () => {
    expect(level(['CC', '1.023.456.789'], ['CC', '1023456789'])).toBe('exact');
    expect(level(['CC', '52123456'], [null, '52.123.456'])).toBe('exact');
    expect(level(['RC', '1023456789'], ['NU', '1023456789'])).toBe('exact');
  });

  it('evolution: TI → CC with the same NUIP, RC → TI, CN → RC', () => {
    expect(level(['TI', '1023456789'], ['CC', '1023456789'])).toBe('evolution');
    expect(level(['RC', '1098765432'], ['TI', '1098765432'])).toBe('evolution');
    expect(level(['CN', '1098765432'], ['RC', '1098765432'])).toBe('evolution');
  });

  it('same number under unrelated types', () => {
    expect(level(['CC', '52123456'], ['CE', '52123456'])).toBe('sameNumberOtherType');
  });

  it('provisional AS/MS numbers: equal is weak evidence, different is no evidence', () => {
    expect(level(['AS', '76001I0012'], ['AS', '76001I0012'])).toBe('provisionalEqual');
    expect(level(['AS', '76001I0012'], ['AS', '76001I0013'])).toBe('missing');
    expect(level(['MS', '76001I0012'], ['CC', '1023456789'])).toBe('missing');
  });

  it('one keying error with compatible types; a transposition of adjacent digits is its own level', () => {
    expect(level(['CC', '1023456789'], ['CC', '1023456798'])).toBe('transposition');
    expect(level(['CC', '1023456789'], ['CC', '1024356789'])).toBe('transposition');
    expect(level(['TI', '1023456789'], ['CC', '1023456780'])).toBe('oneKeyingError');
    expect(level(['CC', '1023456789'], ['CC', '102345789'])).toBe('oneKeyingError');
    // Two swaps, or digits swapped two apart, are not one transposition.
    expect(level(['CC', '1023456789'], ['CC', '1032456798'])).toBe('different');
  });

  it('consecutive numbers (issued one after the other, as twins’ are) are not a keying error', () => {
    expect(level(['RC', '1102345678'], ['RC', '1102345679'])).toBe('consecutive');
    expect(level(['CC', '1023456789'], ['CC', '1023456790'])).toBe('consecutive');
    expect(level(['TI', '1023456788'], ['CC', '1023456790'])).toBe('consecutive');
    expect(level(['CC', '43876512'], ['CC', '43876515'])).toBe('oneKeyingError');
  });

  it('different 10-digit (NUIP-era) numbers along the life cycle are different documents', () => {
    expect(level(['TI', '1023456789'], ['CC', '1098765432'])).toBe('different');
    expect(level(['RC', '1155069525'], ['TI', '1023456789'])).toBe('different');
  });

  it('not comparable: PEP against DNI, old TI against CC, RC serial against NUIP', () => {
    expect(level(['PE', '456789123456789'], ['DE', 'V12345678'])).toBe('notComparable');
    expect(level(['TI', '80051512345'], ['CC', '1023456789'])).toBe('notComparable');
    expect(level(['RC', '23456781'], ['RC', '1098765432'])).toBe('notComparable');
    expect(level(['RC', '23456781'], ['NU', '1098765432'])).toBe('notComparable');
  });

  it('different numbers of the same type', () => {
    expect(level(['CC', '1023456789'], ['CC', '79845123'])).toBe('different');
    expect(level(['RC', '1023456789'], ['RC', '1098765432'])).toBe('different');
    expect(level(['CC', '79845123'], [null, '52123456'])).toBe('different');
  });

  it('missing', () => {
    expect(level(['CC', null], ['CC', '1023456789'])).toBe('missing');
    expect(level(['CC', '0'], ['CC', '0'])).toBe('missing');
    expect(level(['SI', '1023456789'], ['CC', '1023456780'])).toBe('missing');
    expect(level(['SI', '1023456789'], ['CC', '1023456789'])).toBe('provisionalEqual');
  });
});

describe('municipality', () => {
  const level = (a: string | null, b: string | null) =>
    COMPARISONS[5].levels[compareMunicipalities(rec({}, { municipalityCode: a }), rec({}, { municipalityCode: b }))];
  it('levels, with the DIVIPOLA leading zero restored', () => {
    expect(level('5001', '05001')).toBe('exact');
    expect(level('05001', '05088')).toBe('sameDepartment');
    expect(level('05001', '11001')).toBe('different');
    expect(level(null, '11001')).toBe('missing');
  });
});

describe('compare', () => {
  it('fills a reusable vector in COMPARISONS order', () => {
    const a = rec(
      { docType: 'CC', docNumber: '52123456', firstName: 'ANA', firstSurname: 'PEREZ', secondSurname: 'GOMEZ', birthDate: '1980-02-03', sex: 'F' },
      { municipalityCode: '11001' },
    );
    const b = rec(
      { docType: 'CC', docNumber: '52.123.456', firstName: 'ANA', firstSurname: 'GOMEZ', secondSurname: 'PEREZ', birthDate: '1980-03-02', sex: 'F' },
      { municipalityCode: '11001' },
    );
    const out = new Uint8Array(6);
    expect(compare(a, b, out)).toBe(out);
    expect(levelLabels(out)).toEqual({
      givenNames: 'exact',
      surnames: 'swapped',
      birthDate: 'dayMonthSwap',
      sex: 'equal',
      document: 'exact',
      municipality: 'exact',
    });
    expect([...compare(b, a)]).toEqual([...out]);
  });
});
