import { describe, expect, it } from 'vitest';
import { BIRTH_DATE_TOLERATED, birthDateAgreement, normalizeMunicipality, normalizeSex, parseBirthDate, sexAgreement } from '../../../src/domain/identity';

const d = (s: string) => parseBirthDate(s);

describe('parseBirthDate', () => {
  it('parses ISO and DD/MM/YYYY', () => {
    expect(d('1990-05-17')).toEqual({ quality: 'ok', days: 7441, year: 1990, month: 5, day: 17 });
    expect(d('17/05/1990')).toEqual(d('1990-05-17'));
    expect(d('1990-05-17T00:00:00Z').days).toBe(7441);
  });

  it('1 January is a default date (weak); 1900-01-01 and earlier are unknown', () => {
    expect(d('1985-01-01').quality).toBe('default');
    expect(d('1900-01-01').quality).toBe('unknown');
    expect(d('1899-12-31').quality).toBe('unknown');
    expect(d('1900-01-02').quality).toBe('ok');
  });

  it('impossible, malformed and future dates are unknown', () => {
    for (const v of ['1990-02-30', '1990-13-01', '31/04/2001', '1990/05/17', 'abc', '', '1990-5', '00/00/0000']) {
      expect(d(v).quality).toBe('unknown');
    }
    expect(parseBirthDate(null).quality).toBe('unknown');
    expect(parseBirthDate('2030-01-02', '2025-06-30').quality).toBe('unknown');
    expect(parseBirthDate('2025-06-30', '2025-06-30').quality).toBe('ok');
    expect(Number.isNaN(d('abc').days)).toBe(true);
  });
});

describe('birthDateAgreement', () => {
  const cases: [string, string, string][] = [
    ['1990-05-17', '1990-05-17', 'exact'],
    ['1990-01-01', '1990-01-01', 'exactDefault'],
    ['1990-05-07', '1990-07-05', 'dayMonthSwap'],
    ['1990-05-17', '1990-05-18', 'oneDay'],
    ['1990-05-31', '1990-06-01', 'oneDay'],
    ['1989-12-31', '1990-01-01', 'oneDay'],
    ['1990-05-17', '1991-05-17', 'yearOff'],
    ['1990-05-17', '1989-05-17', 'yearOff'],
    ['1990-05-17', '1990-05-25', 'sameYearMonth'],
    ['1990-01-01', '1990-08-20', 'defaultSameYear'],
    ['1990-03-01', '1990-08-20', 'sameYear'],
    ['1990-05-17', '1992-05-17', 'different'],
    ['1990-05-17', '1900-01-01', 'unknown'],
  ];
  it.each(cases)('%s vs %s → %s', (a, b, level) => {
    expect(birthDateAgreement(d(a), d(b))).toBe(level);
    expect(birthDateAgreement(d(b), d(a))).toBe(level);
  });

  it('tolerates exactly the deterministic tier levels', () => {
    expect([...BIRTH_DATE_TOLERATED].sort()).toEqual(['dayMonthSwap', 'exact', 'exactDefault', 'oneDay', 'yearOff']);
  });
});

describe('sex', () => {
  it.each([
    ['M', 'M'],
    ['m', 'M'],
    ['1', 'M'],
    ['HOMBRE', 'M'],
    ['MASCULINO', 'M'],
    ['H', 'M'],
    ['F', 'F'],
    ['2', 'F'],
    ['Mujer', 'F'],
    ['FEMENINO', 'F'],
    ['I', 'I'],
    ['3', 'I'],
    ['INTERSEXUAL', 'I'],
    ['LGBTI', null],
    ['NO DEFINIDO', null],
    ['', null],
    [null, null],
  ] as const)('%j → %j', (raw, sex) => {
    expect(normalizeSex(raw)).toBe(sex);
  });

  it('compatibility: equal, different, unknown (missing or intersex vs M/F)', () => {
    expect(sexAgreement('M', 'M')).toBe('equal');
    expect(sexAgreement('I', 'I')).toBe('equal');
    expect(sexAgreement('M', 'F')).toBe('different');
    expect(sexAgreement('I', 'F')).toBe('unknown');
    expect(sexAgreement(null, 'F')).toBe('unknown');
  });
});

describe('normalizeMunicipality', () => {
  it('restores the leading zero of a 4-digit DIVIPOLA code', () => {
    expect(normalizeMunicipality('5001')).toBe('05001');
    expect(normalizeMunicipality('05001')).toBe('05001');
    expect(normalizeMunicipality(' 11001 ')).toBe('11001');
  });

  it('rejects anything else, and codes outside the DIVIPOLA list when given', () => {
    expect(normalizeMunicipality('501')).toBeNull();
    expect(normalizeMunicipality('00000')).toBeNull();
    expect(normalizeMunicipality('BOGOTA')).toBeNull();
    expect(normalizeMunicipality(null)).toBeNull();
    const divipola = new Set(['05001', '11001']);
    expect(normalizeMunicipality('01001', divipola)).toBeNull();
    expect(normalizeMunicipality('5001', divipola)).toBe('05001');
  });
});
