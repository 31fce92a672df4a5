import { AppError } from './errors';

/**
 * Opaque keyset cursors. The cursor encodes the internal sort key (a bigint id); it is stable under
 * inserts between pages because new rows get higher ids than any cursor already handed out... and a
 * row never moves. Offsets are never used: they degrade linearly on 50M-row tables.
 */
const PREFIX = 'k1:';

export function encodeCursor(id: number): string {
  return Buffer.from(`${PREFIX}${id}`, 'utf8').toString('base64url');
}

export function decodeCursor(cursor: string): number {
  const text = Buffer.from(cursor, 'base64url').toString('utf8');
  if (!text.startsWith(PREFIX)) throw new AppError('BAD_USER_INPUT', 'Malformed cursor: pass an endCursor returned by this API.');
  const id = Number(text.slice(PREFIX.length));
  if (!Number.isSafeInteger(id) || id < 0) throw new AppError('BAD_USER_INPUT', 'Malformed cursor: pass an endCursor returned by this API.');
  return id;
}

/** The message of a `first` outside 0..max (the services and the GraphQL guard give the same). */
export const pageSizeMessage = (max: number) => `\`first\` must be between 0 and ${max}.`;

/** Every list is capped: a page size must be an integer in 0..max. */
export function checkPageSize(first: number, max: number): void {
  if (!Number.isInteger(first) || first < 0 || first > max) {
    throw new AppError('BAD_USER_INPUT', pageSizeMessage(max), { field: 'first', max });
  }
}

export interface PageRequest {
  first: number;
  after?: number;
}

export interface Page<T> {
  items: T[];
  hasNextPage: boolean;
}

/** Fetch `first + 1` rows to learn whether another page exists without counting. */
export function toPage<T>(rows: T[], first: number): Page<T> {
  return { items: rows.slice(0, first), hasNextPage: rows.length > first };
}
