/**
 * Text repair shared by connectors (decoding registry files) and identity normalization.
 * Pure functions; no I/O.
 */

// A UTF-8 multi-byte sequence read as Windows-1252/Latin-1 shows up as Ã or Â followed by a byte
// in 0x80–0xBF rendered as a cp1252 character (e.g. "Ã‘" for Ñ, "Ã±" for ñ, "Ã³" for ó).
const MOJIBAKE_HINT =
  /[ÃÂ][\u0080-\u00BF\u0152\u0153\u0160\u0161\u0178\u017D\u017E\u0192\u02C6\u02DC\u2013\u2014\u2018-\u201E\u2020-\u2022\u2026\u2030\u2039\u203A\u20AC\u2122]/;

// cp1252 characters in 0x80–0x9F map back to these bytes.
const CP1252_REVERSE: Record<string, number> = {
  '\u20AC': 0x80,
  '\u201A': 0x82,
  '\u0192': 0x83,
  '\u201E': 0x84,
  '\u2026': 0x85,
  '\u2020': 0x86,
  '\u2021': 0x87,
  '\u02C6': 0x88,
  '\u2030': 0x89,
  '\u0160': 0x8a,
  '\u2039': 0x8b,
  '\u0152': 0x8c,
  '\u017D': 0x8e,
  '\u2018': 0x91,
  '\u2019': 0x92,
  '\u201C': 0x93,
  '\u201D': 0x94,
  '\u2022': 0x95,
  '\u2013': 0x96,
  '\u2014': 0x97,
  '\u02DC': 0x98,
  '\u2122': 0x99,
  '\u0161': 0x9a,
  '\u203A': 0x9b,
  '\u0153': 0x9c,
  '\u017E': 0x9e,
  '\u0178': 0x9f,
};

const utf8Strict = new TextDecoder('utf-8', { fatal: true });

/** Re-encodes a string as the cp1252 bytes it was wrongly decoded from; null if impossible. */
function toCp1252Bytes(s: string): Uint8Array | null {
  const out = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x100) out[i] = c;
    else {
      const b = CP1252_REVERSE[s[i]];
      if (b === undefined) return null;
      out[i] = b;
    }
  }
  return out;
}

/**
 * Repairs double-encoded UTF-8 ("NUÃ‘EZ" → "NUÑEZ", "BOGOTÃ, D.C" stays as is when it cannot be
 * decoded unambiguously). Applied repeatedly for text that went through the round trip twice.
 * Text without the tell-tale pattern is returned untouched (and fast).
 */
export function repairMojibake(s: string): string {
  let current = s;
  for (let pass = 0; pass < 3 && MOJIBAKE_HINT.test(current); pass++) {
    const bytes = toCp1252Bytes(current);
    if (!bytes) return repairSegments(current);
    try {
      current = utf8Strict.decode(bytes);
    } catch {
      return repairSegments(current);
    }
  }
  return current;
}

// When the whole string is not valid after the round trip (mixed clean and broken text), repair
// each broken two-byte sequence on its own.
function repairSegments(s: string): string {
  return s.replace(
    /[ÃÂ][\u0080-\u00BF\u0152\u0153\u0160\u0161\u0178\u017D\u017E\u0192\u02C6\u02DC\u2013\u2014\u2018-\u201E\u2020-\u2022\u2026\u2030\u2039\u203A\u20AC\u2122]/g,
    (pair) => {
      const bytes = toCp1252Bytes(pair);
      if (!bytes) return pair;
      try {
        return utf8Strict.decode(bytes);
      } catch {
        return pair;
      }
    },
  );
}

/** Collapses runs of whitespace to one space and trims. */
export function collapseSpaces(s: string): string {
  return s.replace(/\s+/g, ' ').trim();
}

/** Removes diacritics (Á→A, Ü→U, Ñ→N) for comparison; keep the original for display. */
export function foldAccents(s: string): string {
  return s.normalize('NFD').replace(/[\u0300-\u036f]/g, '');
}

/** Display form of a name field: repaired, NFC, upper-case, single-spaced; null when empty. */
export function displayText(s: string | null | undefined): string | null {
  if (s == null) return null;
  const v = collapseSpaces(repairMojibake(s).normalize('NFC').toUpperCase());
  return v === '' ? null : v;
}
