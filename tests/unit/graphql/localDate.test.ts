import { GraphQLLocalDate } from 'graphql-scalars';
import { describe, expect, it } from 'vitest';
import { LocalDateScalar, isLocalDate } from '../../../src/graphql/shared/scalars';

/**
 * The hub's LocalDate serializes without graphql-scalars' Date round trip: it must accept exactly
 * the values graphql-scalars' LocalDate accepts and refuse the others with its error.
 */
const libraryAccepts = (v: unknown) => {
  try {
    return GraphQLLocalDate.serialize(v) === v;
  } catch {
    return false;
  }
};

const pad = (n: number, w: number) => String(n).padStart(w, '0');

describe('LocalDate scalar', () => {
  it('accepts exactly what graphql-scalars accepts', () => {
    const values: unknown[] = [
      '2020-01-01',
      '2020-02-29',
      '2019-02-29',
      '1900-02-29',
      '2000-02-29',
      '0000-02-29',
      '0000-01-01',
      '9999-12-31',
      '2020-13-01',
      '2020-00-10',
      '2020-04-31',
      '2020-04-00',
      '2020-1-01',
      '2020-01-01 ',
      ' 2020-01-01',
      '2020-01-01\n',
      '2020/01/01',
      '20200101xx',
      '２020-01-01',
      '2020-01-3a',
      '',
      20200101,
      null,
      new Date(0),
    ];
    // Every day of a leap and a common year, and the edges of every month across four centuries.
    for (const year of [1600, 1700, 1900, 1999, 2000, 2023, 2024, 2100]) {
      for (let month = 0; month <= 13; month++) {
        for (let day = 0; day <= 32; day++) values.push(`${pad(year, 4)}-${pad(month, 2)}-${pad(day, 2)}`);
      }
    }
    for (const v of values) {
      const ours = typeof v === 'string' && isLocalDate(v);
      expect([v, ours]).toEqual([v, libraryAccepts(v)]);
      if (libraryAccepts(v)) expect(LocalDateScalar.serialize(v)).toBe(v);
      else expect(() => LocalDateScalar.serialize(v)).toThrow();
    }
  });

  it('is graphql-scalars’ LocalDate in the schema: name, description, input parsing', () => {
    expect(LocalDateScalar.name).toBe(GraphQLLocalDate.name);
    expect(LocalDateScalar.description).toBe(GraphQLLocalDate.description);
    expect(LocalDateScalar.specifiedByURL).toBe(GraphQLLocalDate.specifiedByURL);
    expect(LocalDateScalar.parseValue('2024-02-29')).toBe('2024-02-29');
    expect(() => LocalDateScalar.parseValue('2023-02-29')).toThrow(/not a valid LocalDate/);
  });
});
