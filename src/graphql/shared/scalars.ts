import { GraphQLScalarType } from 'graphql';
import { GraphQLLocalDate } from 'graphql-scalars';

export { GraphQLJSON as JSONScalar, DateTimeResolver as DateTimeScalar } from 'graphql-scalars';

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
const digit = (s: string, i: number) => {
  const c = s.charCodeAt(i) - 48;
  return c >= 0 && c <= 9 ? c : -1;
};

/**
 * `YYYY-MM-DD` naming a day of the proleptic Gregorian calendar (years 0000–9999): exactly what
 * graphql-scalars' LocalDate accepts, decided from the characters alone. Its own check builds a Date
 * and an ISO string per value, ~3 % of the hub's CPU on a households page (~330 birth dates).
 */
export function isLocalDate(s: string): boolean {
  if (s.length !== 10 || s.charCodeAt(4) !== 45 || s.charCodeAt(7) !== 45) return false;
  const y0 = digit(s, 0),
    y1 = digit(s, 1),
    y2 = digit(s, 2),
    y3 = digit(s, 3),
    m0 = digit(s, 5),
    m1 = digit(s, 6),
    d0 = digit(s, 8),
    d1 = digit(s, 9);
  if ((y0 | y1 | y2 | y3 | m0 | m1 | d0 | d1) < 0) return false;
  const year = y0 * 1000 + y1 * 100 + y2 * 10 + y3;
  const month = m0 * 10 + m1;
  const day = d0 * 10 + d1;
  if (month < 1 || month > 12 || day < 1) return false;
  const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  return day <= (month === 2 && leap ? 29 : DAYS_IN_MONTH[month - 1]!);
}

/**
 * graphql-scalars' LocalDate (same name, description, input parsing and errors), serializing a
 * valid date string without the Date round trip; anything else goes to its serializer (which throws
 * its own error). Same SDL, same accepted values (tests/unit/graphql/localDate.test.ts).
 */
export const LocalDateScalar = new GraphQLScalarType({
  ...GraphQLLocalDate.toConfig(),
  serialize: (value: unknown) => (typeof value === 'string' && isLocalDate(value) ? value : GraphQLLocalDate.serialize(value)),
});
