/**
 * Calendar dates as they arrive in registry files: `DD/MM/AAAA` (BDUA, Sisbén, RUV), also with `-`
 * or `.`, one-digit day/month, a trailing time (`00:00:00`, Oracle/Excel exports), or ISO
 * `YYYY-MM-DD` / `YYYY/MM/DD`. Month-first (US) dates are never accepted: they are ambiguous.
 * Results are ISO `YYYY-MM-DD` strings, compared as strings.
 */

export const MIN_DATE = '1900-01-01';
/** "Open" end dates used by BDUA and other systems. */
const OPEN_END = new Set(['2999-12-31', '9999-12-31', '3000-01-01']);

const DMY = /^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?: ?[AaPp]\.? ?[Mm]\.?)?)?$/;
const YMD = /^(\d{4})[/-](\d{1,2})[/-](\d{1,2})(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?$/;

const DAYS = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

function iso(y: number, m: number, d: number): string | null {
  if (m < 1 || m > 12 || d < 1) return null;
  const leap = (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
  const max = m === 2 && leap ? 29 : DAYS[m - 1];
  if (d > max) return null;
  return `${String(y).padStart(4, '0')}-${m < 10 ? '0' : ''}${m}-${d < 10 ? '0' : ''}${d}`;
}

function parseUncached(s: string): string | null {
  let m = DMY.exec(s);
  if (m) return iso(Number(m[3]), Number(m[2]), Number(m[1]));
  m = YMD.exec(s);
  if (m) return iso(Number(m[1]), Number(m[2]), Number(m[3]));
  return null;
}

// Birth and affiliation dates repeat a lot (~40k distinct values per century): bounded memos make
// date parsing nearly free on large files while keeping memory flat.
const cache = new Map<string, string | null>();
const CACHE_MAX = 100_000;
// `DD/MM/AAAA` dates of years 1800–2999 are memoized in a flat table indexed by their numeric value:
// no string hashing on the hot path.
const TABLE_FROM = 1800;
const TABLE_YEARS = 1200;
const table: (string | null | undefined)[] = new Array(TABLE_YEARS * 416);

function digit(s: string, i: number): number {
  const c = s.charCodeAt(i) - 48;
  return c >= 0 && c <= 9 ? c : -100;
}

/** ISO date for a real calendar date in an accepted format; null otherwise (e.g. `31/02/2001`). */
export function parseDate(s: string): string | null {
  if (s.length === 10 && s.charCodeAt(2) === 47 && s.charCodeAt(5) === 47) {
    const d = digit(s, 0) * 10 + digit(s, 1);
    const m = digit(s, 3) * 10 + digit(s, 4);
    const y = digit(s, 6) * 1000 + digit(s, 7) * 100 + digit(s, 8) * 10 + digit(s, 9);
    if (d >= 0 && m >= 0 && y >= TABLE_FROM && y < TABLE_FROM + TABLE_YEARS && m <= 12 && d <= 31) {
      const key = (y - TABLE_FROM) * 416 + m * 32 + d;
      let v = table[key];
      if (v === undefined) table[key] = v = iso(y, m, d);
      return v;
    }
  }
  const hit = cache.get(s);
  if (hit !== undefined) return hit;
  const v = parseUncached(s);
  if (cache.size >= CACHE_MAX) cache.clear();
  cache.set(s, v);
  return v;
}

/** True for the sentinel end dates that mean "still open" (`31/12/2999`). */
export function isOpenEnd(isoDate: string): boolean {
  return OPEN_END.has(isoDate);
}

/** Completed years between two ISO dates. */
export function ageAt(birth: string, ref: string): number {
  const years = num(ref, 0, 4) - num(birth, 0, 4);
  return num(ref, 5, 7) * 100 + num(ref, 8, 10) < num(birth, 5, 7) * 100 + num(birth, 8, 10) ? years - 1 : years;
}

function num(s: string, from: number, to: number): number {
  let n = 0;
  for (let i = from; i < to; i++) n = n * 10 + s.charCodeAt(i) - 48;
  return n;
}
