import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * API tokens: `jh_` + 43 base64url characters (256 random bits). The prefix makes a leaked token
 * recognizable to secret scanners and to people; the server keeps only its SHA-256.
 */
export const TOKEN_PREFIX = 'jh_';
const TOKEN_RE = /^jh_[A-Za-z0-9_-]{43}$/;
/** How much of the token `clients list` shows (the prefix plus 6 characters: not enough to guess the rest). */
const VISIBLE = TOKEN_PREFIX.length + 6;

export function generateToken(): { token: string; hash: string; visiblePrefix: string } {
  const token = TOKEN_PREFIX + randomBytes(32).toString('base64url');
  return { token, hash: hashToken(token), visiblePrefix: token.slice(0, VISIBLE) };
}

export function hashToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

export const isWellFormedToken = (token: string): boolean => TOKEN_RE.test(token);

/** Compares two hex digests in constant time (the lookup is by digest; this re-checks what came back). */
export function sameDigest(a: string, b: string): boolean {
  const x = Buffer.from(a, 'hex');
  const y = Buffer.from(b, 'hex');
  return x.length === y.length && x.length > 0 && timingSafeEqual(x, y);
}

/** The token of an `Authorization: Bearer <token>` header, or null. */
export function bearerToken(header: string | undefined): string | null {
  if (!header) return null;
  const m = /^Bearer[ ]+(\S+)\s*$/i.exec(header);
  return m ? m[1] : null;
}
