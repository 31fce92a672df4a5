import type { TypedDocumentString } from '../gql/graphql';

/** A GraphQL error the API answered: `code` is its stable `extensions.code` (FORBIDDEN, NOT_FOUND…). */
export class ApiError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly status: number,
  ) {
    super(message);
  }
}

type Handler = () => void;
let token: string | null = null;
let onUnauthenticated: Handler = () => {};

/** The session's token (held in memory here; the session module keeps it in sessionStorage). */
export function setToken(t: string | null, unauthenticated?: Handler) {
  token = t;
  if (unauthenticated) onUnauthenticated = unauthenticated;
}

/**
 * Sends one operation to the hub's /graphql (same origin) with the session's bearer token. The
 * JSON body is a non-simple request, which the API's CSRF prevention requires. A 401 ends the
 * session (revoked or expired token); other failures throw an ApiError with the API's code.
 */
export async function execute<R, V>(doc: TypedDocumentString<R, V>, variables?: V, bearer = token): Promise<R> {
  const res = await fetch('/graphql', {
    method: 'POST',
    credentials: 'omit',
    cache: 'no-store',
    headers: { 'content-type': 'application/json', accept: 'application/json', ...(bearer ? { authorization: `Bearer ${bearer}` } : {}) },
    body: JSON.stringify({ query: doc.toString(), variables: variables ?? {} }),
  });
  let body: { data?: R; errors?: { message: string; extensions?: { code?: string } }[] };
  try {
    body = await res.json();
  } catch {
    throw new ApiError('NETWORK', `HTTP ${res.status}`, res.status);
  }
  if (res.status === 401 && bearer === token) onUnauthenticated();
  const err = body.errors?.[0];
  if (err) throw new ApiError(err.extensions?.code ?? 'UNKNOWN', err.message, res.status);
  if (!body.data) throw new ApiError('UNKNOWN', `HTTP ${res.status}`, res.status);
  return body.data;
}
