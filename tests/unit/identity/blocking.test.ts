import { describe, expect, it } from 'vitest';
import {
  BLOCK_BY_BIRTH_DATE_MUNICIPALITY_GIVEN_INITIAL,
  BLOCK_BY_BIRTH_DATE_MUNICIPALITY_INITIAL,
  BLOCK_BY_DOCUMENT,
  BLOCK_BY_PHONETIC_FULL_NAME_DAY_MONTH,
  BLOCK_BY_PHONETIC_FULL_NAME_YEAR,
  BLOCK_BY_PHONETIC_FULL_NAME,
  BLOCK_BY_PHONETIC_NAME_YEAR,
  BLOCK_BY_PHONETIC_SURNAME_YEAR,
  BLOCK_BY_SURNAMES_UNORDERED_DAY_MONTH,
  BLOCKING_RULES,
  blockingKeys,
  blockingRulesByName,
  candidatePairs,
  countComparisons,
  DEFAULT_BLOCKING_RULES,
} from '../../../src/domain/identity';
import { adult, rec } from './helpers';

describe('blocking rules', () => {
  it('have unique ids and names, descriptions, and the documented defaults', () => {
    const rules = Object.values(BLOCKING_RULES);
    expect(new Set(rules.map((r) => r.id)).size).toBe(rules.length);
    expect(new Set(rules.map((r) => r.name)).size).toBe(rules.length);
    for (const r of rules) expect(r.description.length).toBeGreaterThan(20);
    // Chosen with bench/linkage.ts --blocking (docs/reconciliation.md).
    expect(DEFAULT_BLOCKING_RULES.map((r) => [r.id, r.name])).toEqual([
      [1, 'document'],
      [7, 'phoneticFullNameYear'],
      [8, 'phoneticFullNameDayMonth'],
      [9, 'birthDateMunicipalityGivenInitial'],
    ]);
    for (const r of rules) expect(r.uses.length).toBeGreaterThan(0);
  });

  it('document: the number whatever the type (TI and CC of one NUIP share the key)', () => {
    expect(BLOCK_BY_DOCUMENT.key(adult({ docType: 'TI', docNumber: '1.023.456.789' }))).toBe('1023456789');
    expect(BLOCK_BY_DOCUMENT.key(adult({ docType: 'CC', docNumber: '1023456789' }))).toBe('1023456789');
    expect(BLOCK_BY_DOCUMENT.key(adult({ docNumber: null }))).toBeNull();
  });

  it('phonetic first surname + first given name + birth year', () => {
    expect(BLOCK_BY_PHONETIC_NAME_YEAR.key(adult({ firstName: 'JHON', firstSurname: 'CASTILLO' }))).toBe('K237J5001990');
    expect(BLOCK_BY_PHONETIC_NAME_YEAR.key(adult({ firstName: 'JOHN', firstSurname: 'CASTIYO' }))).toBe('K237J5001990');
    expect(BLOCK_BY_PHONETIC_NAME_YEAR.key(adult({ birthDate: null }))).toBeNull();
  });

  it('birth date + municipality + first-surname initial', () => {
    expect(BLOCK_BY_BIRTH_DATE_MUNICIPALITY_INITIAL.key(adult({ firstSurname: 'DE LA HOZ' }, { municipalityCode: '5001' }))).toBe('1990051705001H');
    expect(BLOCK_BY_BIRTH_DATE_MUNICIPALITY_INITIAL.key(adult({}, { municipalityCode: null }))).toBeNull();
  });

  it('unordered surnames and day/month: swapped surnames and DD/MM swaps share a key', () => {
    const a = adult({ firstSurname: 'GOMEZ', secondSurname: 'PEREZ', birthDate: '1990-05-07' });
    const b = adult({ firstSurname: 'PEREZ', secondSurname: 'GOMEZ', birthDate: '1990-07-05' });
    expect(BLOCK_BY_SURNAMES_UNORDERED_DAY_MONTH.key(a)).toBe('G520P62019900507');
    expect(BLOCK_BY_SURNAMES_UNORDERED_DAY_MONTH.key(b)).toBe(BLOCK_BY_SURNAMES_UNORDERED_DAY_MONTH.key(a));
    expect(BLOCK_BY_SURNAMES_UNORDERED_DAY_MONTH.key(adult({ secondSurname: null }))).toBeNull();
  });

  it('loose rules for diagnostics and small sets', () => {
    expect(BLOCK_BY_PHONETIC_FULL_NAME.key(adult())).toBe('M600R362V160');
    expect(BLOCK_BY_PHONETIC_SURNAME_YEAR.key(adult())).toBe('R3621990');
  });

  it('full phonetic name + birth year, or + day and month (a wrong year); exact date + municipality + given-name initial', () => {
    const a = adult({ firstName: 'JHON', firstSurname: 'CASTILLO', secondSurname: 'NUÑEZ', birthDate: '1990-05-17' });
    const b = adult({ firstName: 'JOHN', firstSurname: 'CASTIYO', secondSurname: 'NUNEZ', birthDate: '1991-05-17' });
    expect(BLOCK_BY_PHONETIC_FULL_NAME_YEAR.key(a)).toBe('J500K237N5201990');
    expect(BLOCK_BY_PHONETIC_FULL_NAME_YEAR.key(b)).not.toBe(BLOCK_BY_PHONETIC_FULL_NAME_YEAR.key(a));
    expect(BLOCK_BY_PHONETIC_FULL_NAME_DAY_MONTH.key(a)).toBe('J500K237N5200517');
    expect(BLOCK_BY_PHONETIC_FULL_NAME_DAY_MONTH.key(b)).toBe(BLOCK_BY_PHONETIC_FULL_NAME_DAY_MONTH.key(a));
    // A made-up 1 January date says nothing about the day: no day-month key, but the year key stays.
    expect(BLOCK_BY_PHONETIC_FULL_NAME_DAY_MONTH.key(adult({ birthDate: '1990-01-01' }))).toBeNull();
    expect(BLOCK_BY_PHONETIC_FULL_NAME_YEAR.key(adult({ birthDate: '1990-01-01' }))).not.toBeNull();
    expect(BLOCK_BY_PHONETIC_FULL_NAME_YEAR.key(adult({ secondSurname: null }))).toBeNull();
    // Glued particle (DELAHOZ) against spaced (DE LA HOZ): the surname keys differ, the given-name one does not.
    const c = adult({ firstSurname: 'DE LA HOZ' }, { municipalityCode: '08001' });
    const d = adult({ firstSurname: 'DELAHOZ' }, { municipalityCode: '08001' });
    expect(BLOCK_BY_BIRTH_DATE_MUNICIPALITY_GIVEN_INITIAL.key(c)).toBe('1990051708001M');
    expect(BLOCK_BY_BIRTH_DATE_MUNICIPALITY_GIVEN_INITIAL.key(d)).toBe(BLOCK_BY_BIRTH_DATE_MUNICIPALITY_GIVEN_INITIAL.key(c));
    expect(BLOCK_BY_BIRTH_DATE_MUNICIPALITY_INITIAL.key(d)).not.toBe(BLOCK_BY_BIRTH_DATE_MUNICIPALITY_INITIAL.key(c));
  });

  it('keys are short ASCII strings', () => {
    const r = adult({ firstName: 'MAXIMILIANO', firstSurname: 'VALDERRAMA', secondSurname: 'SANTAMARIA' });
    for (const k of blockingKeys(r, Object.values(BLOCKING_RULES))) {
      expect(k.key).toMatch(/^[0-9A-Z]{1,20}$/);
    }
  });

  it('blockingKeys lists the rules that yield a key, by id', () => {
    expect(blockingKeys(adult())).toEqual([
      { rule: 1, key: '1023456789' },
      { rule: 7, key: 'M600R362V1601990' },
      { rule: 8, key: 'M600R362V1600517' },
      { rule: 9, key: '1990051705001M' },
    ]);
    expect(blockingKeys(adult(), [BLOCK_BY_PHONETIC_NAME_YEAR, BLOCK_BY_BIRTH_DATE_MUNICIPALITY_INITIAL, BLOCK_BY_SURNAMES_UNORDERED_DAY_MONTH])).toEqual([
      { rule: 2, key: 'R362M6001990' },
      { rule: 3, key: '1990051705001R' },
      { rule: 4, key: 'R362V16019900517' },
    ]);
    expect(blockingKeys(rec({}))).toEqual([]);
  });

  it('rules by name, in order; unknown names are a configuration error', () => {
    expect(blockingRulesByName(['phoneticNameYear', 'document']).map((r) => r.id)).toEqual([2, 1]);
    expect(() => blockingRulesByName(['nope'])).toThrow(/unknown blocking rule "nope"/);
  });
});

describe('comparison counts (diagnostics)', () => {
  // Four records: 0 and 1 share a document; 1 and 2 share phonetic name + year; 3 is alone.
  const records = [
    adult({ docNumber: '52123456', firstName: 'ANA', firstSurname: 'RUIZ', birthDate: '1970-03-03' }),
    adult({ docNumber: '52123456', firstName: 'MARIA', firstSurname: 'GOMEZ', birthDate: '1980-04-04' }),
    adult({ docNumber: '79845123', firstName: 'MARIA', firstSurname: 'GOMES', birthDate: '1980-09-09' }),
    adult({ docNumber: '11222333', firstName: 'LUZ', firstSurname: 'PEREZ', birthDate: '1999-01-02' }, { municipalityCode: null }),
  ];

  it('deduplication: pairs per rule, new pairs, cumulative, largest block', () => {
    const counts = countComparisons([BLOCK_BY_DOCUMENT, BLOCK_BY_PHONETIC_NAME_YEAR, BLOCK_BY_PHONETIC_SURNAME_YEAR], records);
    expect(counts).toEqual([
      { rule: 'document', comparisons: 1, newComparisons: 1, cumulative: 1, recordsWithoutKey: 0, largestBlock: 2 },
      { rule: 'phoneticNameYear', comparisons: 1, newComparisons: 1, cumulative: 2, recordsWithoutKey: 0, largestBlock: 2 },
      { rule: 'phoneticSurnameYear', comparisons: 1, newComparisons: 0, cumulative: 2, recordsWithoutKey: 0, largestBlock: 2 },
    ]);
    expect(countComparisons([BLOCK_BY_BIRTH_DATE_MUNICIPALITY_INITIAL], records)[0].recordsWithoutKey).toBe(1);
  });

  it('linkage between two lists', () => {
    const left = [records[0], records[1]];
    const right = [records[1], records[2], records[3]];
    const counts = countComparisons([BLOCK_BY_DOCUMENT, BLOCK_BY_PHONETIC_NAME_YEAR], left, right);
    // document: 52123456 has 2 on the left × 1 on the right.
    expect(counts[0]).toMatchObject({ comparisons: 2, newComparisons: 2, cumulative: 2, largestBlock: 3 });
    // phonetic name + year (G520M6001980): left 1 × right 2, of which (1, 1) already came by document.
    expect(counts[1]).toMatchObject({ comparisons: 2, newComparisons: 1, cumulative: 3 });
  });

  it('candidatePairs yields each pair once, under its first rule', () => {
    const pairs = candidatePairs([BLOCK_BY_DOCUMENT, BLOCK_BY_PHONETIC_NAME_YEAR, BLOCK_BY_PHONETIC_SURNAME_YEAR], records);
    expect(pairs).toEqual([
      { left: 0, right: 1, rule: 'document' },
      { left: 1, right: 2, rule: 'phoneticNameYear' },
    ]);
    const link = candidatePairs([BLOCK_BY_DOCUMENT, BLOCK_BY_PHONETIC_NAME_YEAR], [records[0], records[1]], [records[1], records[2], records[3]]);
    expect(link).toEqual([
      { left: 0, right: 0, rule: 'document' },
      { left: 1, right: 0, rule: 'document' },
      { left: 1, right: 1, rule: 'phoneticNameYear' },
    ]);
  });
});
