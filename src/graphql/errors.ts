import { randomUUID } from 'node:crypto';
import { unwrapResolverError } from '@apollo/server/errors';
import { GraphQLError, type GraphQLFormattedError } from 'graphql';
import { AppError } from '../kernel';
import type { Logger } from '../platform/logger';

/** Codes produced by Apollo/graphql itself for malformed requests: safe to show as they are. */
const CLIENT_CODES = new Set([
  'GRAPHQL_PARSE_FAILED',
  'GRAPHQL_VALIDATION_FAILED',
  'BAD_USER_INPUT',
  'BAD_REQUEST',
  'PERSISTED_QUERY_NOT_FOUND',
  'PERSISTED_QUERY_NOT_SUPPORTED',
  'OPERATION_RESOLUTION_FAILURE',
]);

/** Extension keys the security plugins set that clients may see (numbers, never data). */
const SAFE_HINTS = ['retryAfterSeconds', 'cost'] as const;

/**
 * Masks unexpected errors: the client gets INTERNAL_SERVER_ERROR and a correlation id, the log gets
 * the error (with PostgreSQL `detail` dropped: it can quote a document number).
 */
export function createFormatError(logger: Logger) {
  return (formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError => {
    const original = unwrapResolverError(error);
    if (original instanceof AppError) {
      return {
        message: original.message,
        locations: formatted.locations,
        path: formatted.path,
        extensions: { code: original.code, ...(original.retriable ? { retriable: true } : {}), ...original.details },
      };
    }
    const code = formatted.extensions?.code;
    if (typeof code === 'string' && CLIENT_CODES.has(code)) {
      return { message: formatted.message, locations: formatted.locations, path: formatted.path, extensions: { code } };
    }
    if (original instanceof GraphQLError && original.extensions?.code && original.extensions.code !== 'INTERNAL_SERVER_ERROR') {
      // Errors raised deliberately by plugins (limits, auth, rate) carry their own safe code and hints.
      const hints = Object.fromEntries(SAFE_HINTS.filter((k) => original.extensions[k] !== undefined).map((k) => [k, original.extensions[k]]));
      return { message: formatted.message, locations: formatted.locations, path: formatted.path, extensions: { code: original.extensions.code, ...hints } };
    }
    const correlationId = randomUUID();
    logger.error({ err: original, correlationId, path: formatted.path }, 'unexpected GraphQL error');
    return {
      message: 'Internal server error. Quote the correlation id when reporting it.',
      path: formatted.path,
      extensions: { code: 'INTERNAL_SERVER_ERROR', correlationId },
    };
  };
}
