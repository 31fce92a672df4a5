import { visit, type DocumentNode } from 'graphql';

/**
 * Characters no API input may carry: C0 controls except tab, line feed and carriage return (a
 * steward's reason may have lines), DEL, C1 controls, and unpaired UTF-16 surrogates. PostgreSQL
 * refuses NUL in text and jsonb (SQLSTATE 22P05 / 22021) and a lone surrogate in jsonb, so such a
 * value would otherwise fail deep inside an action, after part of the request already ran, and
 * reach the database log; refused up front, nothing runs.
 */
// eslint-disable-next-line no-control-regex
const FORBIDDEN = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

export interface ForbiddenText {
  /** Where: `$name.path.to[0]` for variables, `literal` for text written in the document. */
  where: string;
  /** The offending code point as U+XXXX (never the value around it). */
  codePoint: string;
}

const codePointOf = (s: string): string => {
  const m = FORBIDDEN.exec(s)!;
  return `U+${m[0].charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}`;
};

function inValue(value: unknown, where: string, depth: number): ForbiddenText | null {
  if (typeof value === 'string') return FORBIDDEN.test(value) ? { where, codePoint: codePointOf(value) } : null;
  if (value === null || typeof value !== 'object' || depth > 32) return null;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const hit = inValue(value[i], `${where}[${i}]`, depth + 1);
      if (hit) return hit;
    }
    return null;
  }
  for (const [k, v] of Object.entries(value)) {
    if (FORBIDDEN.test(k)) return { where, codePoint: codePointOf(k) };
    const hit = inValue(v, `${where}.${k}`, depth + 1);
    if (hit) return hit;
  }
  return null;
}

/**
 * The literals' verdict per parsed document: Apollo's document store hands back the same (immutable)
 * DocumentNode for a query text it has seen, so a repeated query is walked once.
 */
const literalVerdicts = new WeakMap<DocumentNode, ForbiddenText | null>();

function inLiterals(document: DocumentNode): ForbiddenText | null {
  if (literalVerdicts.has(document)) return literalVerdicts.get(document)!;
  let found: ForbiddenText | null = null;
  visit(document, {
    StringValue(node) {
      if (!found && FORBIDDEN.test(node.value)) found = { where: 'literal', codePoint: codePointOf(node.value) };
    },
  });
  literalVerdicts.set(document, found);
  return found;
}

/** The first forbidden character in the request's variables or in the document's string literals, or null. */
export function findForbiddenText(document: DocumentNode, variables: Record<string, unknown> | undefined | null): ForbiddenText | null {
  for (const [name, value] of Object.entries(variables ?? {})) {
    const hit = inValue(value, `$${name}`, 0);
    if (hit) return hit;
  }
  return inLiterals(document);
}
