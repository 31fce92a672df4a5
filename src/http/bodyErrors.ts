import type { IncomingMessage } from 'node:http';
import type { ErrorRequestHandler, RequestHandler } from 'express';
import type { Logger } from '../platform/logger';

/**
 * Errors of the HTTP layer itself (before GraphQL runs): body-parser refusing a body, or anything a
 * route throws. Express's default handler would answer an HTML page (with a stack in development)
 * and `console.error` the error object — body-parser's errors carry the raw body in `body`, so a
 * document number in a malformed request would reach stderr unredacted. These handlers answer a
 * GraphQL-shaped JSON error and log only the error's type and status.
 */

/** body-parser error types (`err.type`) → HTTP status and a message that never quotes the body. */
export const BODY_ERRORS: Record<string, { status: number; message: string }> = {
  'entity.parse.failed': { status: 400, message: 'The request body is not valid JSON.' },
  'entity.too.large': { status: 413, message: 'The request body is too large.' },
  'entity.verify.failed': { status: 403, message: 'The request body was refused.' },
  'encoding.unsupported': { status: 415, message: 'The request body uses an unsupported content encoding.' },
  'charset.unsupported': { status: 415, message: 'The request body uses an unsupported charset; send UTF-8.' },
  'request.aborted': { status: 400, message: 'The request was aborted before its body arrived.' },
  'request.size.invalid': { status: 400, message: 'The request body does not match its Content-Length.' },
  'parameters.too.many': { status: 413, message: 'The request has too many parameters.' },
};

type HttpError = Error & { type?: unknown; status?: unknown; statusCode?: unknown; expose?: unknown };

const REQUEST_ID_RE = /^[A-Za-z0-9._-]{1,64}$/;

/** The request's id: the caller's `x-request-id` when it is a safe token, else a new UUID. */
export function requestIdOf(req: Pick<IncomingMessage, 'headers'>, newId?: () => string): string | undefined {
  const r = req as Pick<IncomingMessage, 'headers'> & { requestId?: string };
  if (r.requestId === undefined && newId) {
    const header = req.headers['x-request-id'];
    r.requestId = typeof header === 'string' && REQUEST_ID_RE.test(header) ? header : newId();
  }
  return r.requestId;
}

export const graphqlError = (message: string, code: string, extra: Record<string, unknown> = {}) => ({ errors: [{ message, extensions: { code, ...extra } }] });

/** A request over the in-flight cap (503, `Retry-After: 1`), on both /graphql paths. */
export const SERVER_BUSY_BODY = graphqlError('The server is busy; retry shortly.', 'SERVER_BUSY', { retryAfterSeconds: 1 });

/** Anything unexpected: masked, with the id the caller quotes when reporting it. */
export const internalErrorBody = (correlationId: string) => graphqlError('Internal server error.', 'INTERNAL_SERVER_ERROR', { correlationId });

/** Right after the body parser of /graphql: malformed, oversized or undecodable bodies. */
export function bodyErrorHandler(logger: Logger): ErrorRequestHandler {
  return (err: HttpError, req, res, next) => {
    const known = typeof err?.type === 'string' ? BODY_ERRORS[err.type] : undefined;
    if (!known) return next(err);
    // Type and status only: the error's message can quote the body ("Unexpected token … at position 75").
    logger.info({ requestId: requestIdOf(req), bodyError: err.type, status: known.status, method: req.method, path: req.path }, 'request body refused');
    if (res.headersSent) return void req.socket.destroy();
    res.status(known.status).type('application/json').json(graphqlError(known.message, 'BAD_REQUEST'));
  };
}

/** Last handler of the app: anything unexpected becomes a masked JSON 500 with a correlation id. */
export function finalErrorHandler(logger: Logger, newId: () => string): ErrorRequestHandler {
  return (err: HttpError, req, res, _next) => {
    const correlationId = requestIdOf(req) ?? newId();
    const status = typeof err?.status === 'number' && err.status >= 400 && err.status < 500 && err.expose === true ? err.status : 500;
    // `err` goes through pino's serializer (scrubbed message, no `body`, personal fields redacted).
    // pino's `err` serializer keeps type, scrubbed message and frames: never `body` or SQL parameters.
    logger.error({ err, correlationId, status, method: req.method, path: req.path }, 'http request failed');
    if (res.headersSent) return void req.socket.destroy();
    if (status < 500) res.status(status).json(graphqlError('The request could not be processed.', 'BAD_REQUEST'));
    else res.status(500).json(internalErrorBody(correlationId));
  };
}

/**
 * A POST to /graphql whose body is not a JSON object or array (no body, `{}`, XML, octet-stream…) is
 * refused before authentication, with the same JSON error: the client learns what is wrong with its
 * request, not that it lacks a token. (Apollo's CSRF check answers text/plain, form and multipart
 * bodies the same way; batched arrays go on to Apollo, which refuses them with its own 400.)
 */
export function requireJsonBody(logger: Logger): RequestHandler {
  return (req, res, next) => {
    if (req.method !== 'POST' || usableJsonBody(req.body)) return next();
    if (CSRF_TYPES.test(req.headers['content-type'] ?? '')) return next();
    logger.info({ requestId: requestIdOf(req), bodyError: 'not.json', method: req.method, path: req.path }, 'request body refused');
    res.status(400).json(graphqlError(NOT_JSON_MESSAGE, 'BAD_REQUEST'));
  };
}

export const NOT_JSON_MESSAGE = 'Send the request as a JSON object ({"query": "…", "variables": {…}}) with Content-Type: application/json.';

/** A parsed body Apollo can read: a non-empty object, or an array (which Apollo refuses as a batch). */
export const usableJsonBody = (body: unknown): boolean => typeof body === 'object' && body !== null && (Array.isArray(body) || Object.keys(body).length > 0);

/** Content types Apollo's CSRF prevention answers itself (with the reason), so they pass through. */
const CSRF_TYPES = /^\s*(text\/plain|application\/x-www-form-urlencoded|multipart\/form-data)\b/i;
