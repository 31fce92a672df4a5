import type { IncomingMessage, ServerResponse } from 'node:http';
import { HeaderMap, type ApolloServer } from '@apollo/server';
import type { GraphQLContext } from '../graphql/context';
import type { ConcurrencyGate } from '../graphql/security/rateLimiter';
import type { OpsMetrics } from '../ops';
import type { Logger } from '../platform/logger';
import { BODY_ERRORS, graphqlError, internalErrorBody, NOT_JSON_MESSAGE, requestIdOf, SERVER_BUSY_BODY, usableJsonBody } from './bodyErrors';

/** The body limit of /graphql, on both paths (Express's json parser gets the same). */
export const GRAPHQL_BODY_LIMIT = 256 * 1024;

/** `application/json`, optionally `charset=utf-8`: what every GraphQL client sends. */
const PLAIN_JSON = /^application\/json\s*(;\s*charset\s*=\s*"?utf-8"?\s*)?$/i;

/** The first character that is not JSON whitespace (space, tab, line feed, carriage return). */
function firstNonWhitespace(text: string): string {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c !== 0x20 && c !== 0x09 && c !== 0x0a && c !== 0x0d) return text[i]!;
  }
  return '';
}

export interface GraphqlRouteOptions {
  apollo: ApolloServer<GraphQLContext>;
  gate: ConcurrencyGate;
  logger: Logger;
  metrics: OpsMetrics;
  /** Builds the request's context (authentication first); may throw a GraphQLError. */
  context: (req: IncomingMessage) => Promise<GraphQLContext>;
  newId: () => string;
}

/**
 * The everyday request — POST /graphql, a plain UTF-8 JSON body with a Content-Length under the
 * limit — served on node:http directly: no Express routing, body-parser or `res.send` (with its
 * ETag hash) per request; about a tenth of a small query's CPU. The steps and their order are the
 * Express route's (src/http/server.ts): metrics, request id, the in-flight cap before the body is
 * read, the body's checks with the same JSON errors and log lines (bodyErrors.ts), then Apollo.
 * Anything else (GET, other content types or charsets, compressed or chunked bodies, other
 * paths) returns false and goes to the Express app, untouched.
 */
export function graphqlRoute(opts: GraphqlRouteOptions): (req: IncomingMessage, res: ServerResponse) => boolean {
  const { apollo, gate, logger, metrics, newId } = opts;

  const send = (res: ServerResponse, status: number, body: unknown, headers?: Record<string, string>) => {
    if (res.headersSent) return void res.socket?.destroy();
    res.statusCode = status;
    if (headers) for (const k in headers) res.setHeader(k, headers[k]!);
    res.setHeader('content-type', 'application/json; charset=utf-8');
    res.end(JSON.stringify(body));
  };

  const refuseBody = (req: IncomingMessage, res: ServerResponse, type: keyof typeof BODY_ERRORS) => {
    const known = BODY_ERRORS[type]!;
    logger.info({ requestId: requestIdOf(req), bodyError: type, status: known.status, method: req.method, path: '/' }, 'request body refused');
    send(res, known.status, graphqlError(known.message, 'BAD_REQUEST'));
  };

  const execute = async (req: IncomingMessage, res: ServerResponse, body: unknown) => {
    const headers = new HeaderMap();
    for (const key in req.headers) {
      const value = req.headers[key];
      if (value !== undefined) headers.set(key, Array.isArray(value) ? value.join(', ') : value);
    }
    const response = await apollo.executeHTTPGraphQLRequest({
      httpGraphQLRequest: { method: 'POST', headers, search: '', body },
      context: () => opts.context(req),
    });
    for (const [key, value] of response.headers) res.setHeader(key, value);
    res.statusCode = response.status ?? 200;
    if (response.body.kind === 'complete') {
      // A string body: Node writes it with the headers in one write and sets Content-Length.
      res.end(response.body.string);
      return;
    }
    for await (const chunk of response.body.asyncIterator) res.write(chunk);
    res.end();
  };

  const onBody = (req: IncomingMessage, res: ServerResponse, raw: Buffer) => {
    // As body-parser reads it: UTF-8 without a byte-order mark; empty is `{}`; strict (an object or array).
    let text = raw.toString('utf8');
    if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    let body: unknown = {};
    if (text.length) {
      const first = firstNonWhitespace(text);
      if (first !== '{' && first !== '[') return refuseBody(req, res, 'entity.parse.failed');
      try {
        body = JSON.parse(text);
      } catch {
        return refuseBody(req, res, 'entity.parse.failed');
      }
    }
    if (!usableJsonBody(body)) {
      logger.info({ requestId: requestIdOf(req), bodyError: 'not.json', method: req.method, path: '/' }, 'request body refused');
      return send(res, 400, graphqlError(NOT_JSON_MESSAGE, 'BAD_REQUEST'));
    }
    execute(req, res, body).catch((err: unknown) => {
      // As the Express app's last handler: masked, with the request id to quote.
      const correlationId = requestIdOf(req) ?? newId();
      logger.error({ err, correlationId, status: 500, method: req.method, path: '/' }, 'http request failed');
      send(res, 500, internalErrorBody(correlationId));
    });
  };

  return (req, res) => {
    if (req.method !== 'POST' || req.url !== '/graphql') return false;
    const h = req.headers;
    const length = h['content-length'];
    if (h['content-encoding'] !== undefined || h['transfer-encoding'] !== undefined || length === undefined || !/^\d{1,7}$/.test(length)) return false;
    if (Number(length) > GRAPHQL_BODY_LIMIT || !PLAIN_JSON.test(h['content-type'] ?? '')) return false;

    const end = metrics.httpDuration.startTimer();
    res.on('finish', () => end({ method: 'POST', route: '/graphql', status: `${Math.floor(res.statusCode / 100)}xx` }));
    requestIdOf(req, newId);

    // The global cap comes first: a request over it costs neither a body read nor a token lookup.
    const release = gate.tryEnter();
    if (!release) {
      logger.warn({ requestId: requestIdOf(req), inFlight: gate.active }, 'graphql request refused: server busy');
      req.resume();
      send(res, 503, SERVER_BUSY_BODY, { 'retry-after': '1' });
      return true;
    }
    res.on('close', release);
    res.on('finish', release);

    const chunks: Buffer[] = [];
    let settled = false;
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      if (settled) return;
      settled = true;
      onBody(req, res, chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks));
    });
    const aborted = () => {
      if (settled) return;
      settled = true;
      refuseBody(req, res, 'request.aborted');
    };
    req.on('error', aborted);
    req.on('close', () => !req.complete && aborted());
    return true;
  };
}
