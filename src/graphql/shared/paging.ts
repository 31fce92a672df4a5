import { encodeCursor } from '../../kernel';

/**
 * A page of an operational list (`nodes`, `hasNextPage`, `endCursor`): the cursor of the next page
 * is the sort key of the last row. The page size itself is checked once, by checkPageSize
 * (src/kernel/paging.ts), in the services and in the guard plugin before execution.
 */
export function nodePage<T, N>(rows: readonly T[], hasNextPage: boolean, keyOf: (row: T) => number, toNode: (row: T) => N) {
  return {
    nodes: rows.map(toNode),
    hasNextPage,
    endCursor: rows.length ? encodeCursor(keyOf(rows[rows.length - 1])) : null,
  };
}
