/**
 * Structure of a Colombian name (domain.md §5.1): given names and two surnames, with particles,
 * compound given names split in any way across the two fields, a particle moved into the previous
 * field, married forms and placeholders.
 *
 * Everything here works on comparison forms (see normalizeText.ts): upper-case A–Z and spaces.
 */
import { cleanNameField, cleanNameText, isNewbornPlaceholder, splitTokens } from './normalizeText';

/** Particles of compound names and surnames (DE LA HOZ, DEL CARMEN, MC CORMICK, SAN JUAN …). */
export const PARTICLES: ReadonlySet<string> = new Set(['DE', 'DEL', 'LA', 'LAS', 'LOS', 'SAN', 'SANTA', 'Y', 'VAN', 'VON', 'MC', 'MAC']);

/** Markers of a widow's married form ("VDA. DE GOMEZ", "VIUDA DE GOMEZ"). */
const WIDOW_MARKERS: ReadonlySet<string> = new Set(['VDA', 'VIUDA', 'VDE']);

/** Abbreviations of given names written in registries ("MA. DEL CARMEN", "FCO. JAVIER"). */
const GIVEN_ABBREVIATIONS: Readonly<Record<string, string>> = {
  MA: 'MARIA',
  MRA: 'MARIA',
  FCO: 'FRANCISCO',
  FDO: 'FERNANDO',
  GMO: 'GUILLERMO',
  JSE: 'JOSE',
};

export function isParticle(token: string): boolean {
  return PARTICLES.has(token);
}

export interface GivenNames {
  /** All tokens in order, particles included (`MARIA DEL CARMEN` → MARIA, DEL, CARMEN). */
  tokens: string[];
  /** Tokens without particles (MARIA, CARMEN): the same whichever way the fields were split. */
  core: string[];
  /** First core token (MARIA), or null when there is no given name. */
  first: string | null;
  /** Remaining core tokens joined by one space (CARMEN), or null. */
  rest: string | null;
  /** The given names were a newborn / unidentified placeholder ("HIJO DE …", "RN", "NN"). */
  placeholder: boolean;
}

/**
 * Given names from the primer / segundo nombre fields. "MARIA DEL CARMEN" gives first=MARIA,
 * rest=CARMEN whether it arrives as ("MARIA", "DEL CARMEN"), ("MARIA DEL", "CARMEN") or
 * ("MARIA DEL CARMEN", null).
 */
export function normalizeGivenNames(first: string | null | undefined, second: string | null | undefined): GivenNames {
  return memoized(givenMemo, first, second, computeGivenNames);
}

/**
 * Results already computed, by field pair: registries repeat the same names millions of times.
 * Bounded (cleared when full). The results are shared: callers must not mutate them.
 */
const givenMemo = new Map<string, GivenNames>();
const surnameMemo = new Map<string, Surnames>();
const MEMO_LIMIT = 100_000;

function memoized<T>(
  memo: Map<string, T>,
  a: string | null | undefined,
  b: string | null | undefined,
  compute: (a: string | null | undefined, b: string | null | undefined) => T,
): T {
  const key = `${a ?? '\u0000'}\u0001${b ?? '\u0000'}`;
  const known = memo.get(key);
  if (known !== undefined) return known;
  const value = compute(a, b);
  if (memo.size >= MEMO_LIMIT) memo.clear();
  memo.set(key, value);
  return value;
}

function computeGivenNames(first: string | null | undefined, second: string | null | undefined): GivenNames {
  const joined = `${cleanNameText(first)} ${cleanNameText(second)}`.trim();
  if (joined !== '' && isNewbornPlaceholder(joined)) {
    return { tokens: [], core: [], first: null, rest: null, placeholder: true };
  }
  const all = [...splitTokens(cleanNameField(first)), ...splitTokens(cleanNameField(second))].map((t) => GIVEN_ABBREVIATIONS[t] ?? t);
  let core = all.filter((t) => !PARTICLES.has(t));
  if (core.length === 0) core = all.slice();
  return {
    tokens: all,
    core,
    first: core.length > 0 ? core[0] : null,
    rest: core.length > 1 ? core.slice(1).join(' ') : null,
    placeholder: false,
  };
}

export interface SurnameUnit {
  /** Tokens with particles (DE, LA, HOZ). */
  tokens: string[];
  /** Without particles (HOZ): the form that survives a dropped particle. */
  core: string;
  /** All tokens glued (DELAHOZ): the form that survives a glued particle. */
  glued: string;
}

export interface Surnames {
  /** Primer apellido (father's surname, by convention). */
  first: SurnameUnit | null;
  /** Segundo apellido (mother's surname); null when missing. */
  second: SurnameUnit | null;
  /** Husband's surname of a married or widow's form ("PEREZ DE GOMEZ", "VDA. DE GOMEZ"). */
  married: SurnameUnit | null;
  /** Further surname words that fit neither position. */
  extra: SurnameUnit[];
}

function unitOf(toks: string[]): SurnameUnit {
  const core = toks.filter((t) => !PARTICLES.has(t));
  return {
    tokens: toks,
    core: (core.length > 0 ? core : toks).join(' '),
    glued: toks.join(''),
  };
}

/** Groups tokens into surname units: particles attach to the next word (DE LA HOZ, MC CORMICK). */
function groupUnits(toks: string[]): { units: SurnameUnit[]; dangling: string[] } {
  const units: SurnameUnit[] = [];
  let pending: string[] = [];
  for (const t of toks) {
    pending.push(t);
    if (!PARTICLES.has(t)) {
      units.push(unitOf(pending));
      pending = [];
    }
  }
  return { units, dangling: pending };
}

/** Splits a widow's marker or a married form "X DE Y" off a surname field. */
function splitMarried(toks: string[]): { own: string[]; married: string[] } {
  const w = toks.findIndex((t) => WIDOW_MARKERS.has(t));
  if (w >= 0) {
    let rest = toks.slice(w + 1);
    if (rest[0] === 'DE') rest = rest.slice(1);
    return { own: toks.slice(0, w), married: rest };
  }
  if (toks.length === 3 && toks[1] === 'DE' && !PARTICLES.has(toks[0]) && !PARTICLES.has(toks[2])) {
    return { own: [toks[0]], married: [toks[2]] };
  }
  return { own: toks, married: [] };
}

/**
 * Surnames from the primer / segundo apellido fields:
 * - a particle left at the end of the first field joins the next field's first word
 *   (("DE", "LA HOZ") → first surname DE LA HOZ, no second surname);
 * - married forms: "VDA. DE GOMEZ" anywhere, or a field that is exactly "PEREZ DE GOMEZ";
 * - two surnames typed in the first field with the second empty are split;
 * - a second surname without a first one moves up.
 */
export function normalizeSurnames(first: string | null | undefined, second: string | null | undefined): Surnames {
  return memoized(surnameMemo, first, second, computeSurnames);
}

function computeSurnames(first: string | null | undefined, second: string | null | undefined): Surnames {
  const s1 = splitMarried(splitTokens(cleanNameField(first)));
  const s2 = splitMarried(splitTokens(cleanNameField(second)));
  let t1 = s1.own;
  let t2 = s2.own;
  const marriedTokens = s1.married.length > 0 ? s1.married : s2.married;

  if (t1.length === 0) {
    t1 = t2;
    t2 = [];
  } else if (PARTICLES.has(t1[t1.length - 1]) && t2.length > 0) {
    let k = 0;
    while (k < t2.length && PARTICLES.has(t2[k])) k++;
    t1 = [...t1, ...t2.slice(0, k + 1)];
    t2 = t2.slice(k + 1);
  }

  const g1 = groupUnits(t1);
  const g2 = groupUnits(t2);
  let units1 = g1.units;
  const units2 = g2.units;
  if (units1.length === 0 && units2.length === 0) {
    // Only particles ("SANTA" alone is a real surname): keep them rather than lose the surname.
    const leftovers = [...g1.dangling, ...g2.dangling];
    units1 = leftovers.length > 0 ? [unitOf(leftovers)] : [];
  }

  let firstUnit: SurnameUnit | null = units1[0] ?? null;
  let secondUnit: SurnameUnit | null;
  let extra: SurnameUnit[];
  if (units2.length === 0) {
    secondUnit = units1[1] ?? null;
    extra = units1.slice(2);
  } else {
    secondUnit = units2[0];
    extra = [...units1.slice(1), ...units2.slice(1)];
  }
  if (firstUnit === null && secondUnit !== null) {
    firstUnit = secondUnit;
    secondUnit = null;
  }
  const married = marriedTokens.length > 0 ? (groupUnits(marriedTokens).units[0] ?? null) : null;
  return { first: firstUnit, second: secondUnit, married, extra };
}

export interface NormalizedName {
  given: GivenNames;
  surnames: Surnames;
  /** Every core word of the name (given names, surnames, married and extra surnames), in order. */
  tokens: string[];
}

export function normalizeName(parts: {
  firstName?: string | null;
  secondName?: string | null;
  firstSurname?: string | null;
  secondSurname?: string | null;
}): NormalizedName {
  const given = normalizeGivenNames(parts.firstName, parts.secondName);
  const surnames = normalizeSurnames(parts.firstSurname, parts.secondSurname);
  const all: string[] = [...given.core];
  for (const u of [surnames.first, surnames.second, ...surnames.extra, surnames.married]) {
    if (u) all.push(...u.core.split(' '));
  }
  return { given, surnames, tokens: all };
}
