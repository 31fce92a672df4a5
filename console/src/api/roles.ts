import { graphql } from '../gql';
import { ApiError, execute } from './client';

export type Role = 'reader' | 'steward' | 'operator' | 'admin';

const TokenCheck = graphql(`
  query TokenCheck {
    kinshipRoles {
      code
    }
  }
`);
const CanReview = graphql(`
  query CanReview {
    reviewItems(first: 1) {
      hasNextPage
    }
  }
`);
const CanReadRuns = graphql(`
  query CanReadRuns {
    importRuns(first: 1) {
      hasNextPage
    }
  }
`);
const CanAdmin = graphql(`
  query CanAdmin {
    apiClients {
      id
    }
  }
`);

const allowed = (p: Promise<unknown>) =>
  p.then(
    () => true,
    (e) => {
      if (e instanceof ApiError && e.code === 'FORBIDDEN') return false;
      throw e;
    },
  );

/**
 * The token's role, as the API itself answers it: the page asks what the token may call and shows
 * that (every action stays authorized by the API on each call). The API has no `viewer` query
 * yet (see notes/console-api-needs.md), so this takes a few small probes.
 */
export async function detectRole(token: string): Promise<Role> {
  await execute(TokenCheck, {}, token); // 401 for an unknown or revoked token
  const [review, runs, admin] = await Promise.all([
    allowed(execute(CanReview, {}, token)),
    allowed(execute(CanReadRuns, {}, token)),
    allowed(execute(CanAdmin, {}, token)),
  ]);
  if (admin) return 'admin';
  if (review) return 'steward';
  if (runs) return 'operator';
  return 'reader';
}

/** What each role may open (mirrors docs/security.md; the API enforces it whatever the page shows). */
export const can = {
  review: (r: Role) => r === 'steward' || r === 'admin',
  persons: (r: Role) => r !== 'operator',
  // Aggregates only (disclosure control below steward): every role, operators included.
  territorial: (_r: Role) => true,
  runs: (r: Role) => r !== 'reader',
  operate: (r: Role) => r === 'operator' || r === 'admin',
};
