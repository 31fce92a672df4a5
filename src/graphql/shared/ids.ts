import { AppError } from '../../kernel';

/**
 * The internal id of a GraphQL `ID` argument naming a row (runs, review items, exports): a positive
 * integer, or BAD_USER_INPUT `Not <what>.` on `field`.
 */
export function parseId(id: string, what: string, field = 'id'): number {
  const n = Number(id);
  if (!Number.isSafeInteger(n) || n <= 0) throw new AppError('BAD_USER_INPUT', `Not ${what}.`, { field });
  return n;
}
