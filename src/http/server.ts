import { randomUUID } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { ApolloServer, type ApolloServerPlugin } from '@apollo/server';
import { expressMiddleware } from '@as-integrations/express5';
import { ApolloServerPluginCacheControlDisabled, ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import { ApolloServerPluginDrainHttpServer } from '@apollo/server/plugin/drainHttpServer';
import express from 'express';
import { sql } from 'drizzle-orm';
import { GraphQLError } from 'graphql';
import type { App } from '../app';
import type { Principal } from '../kernel';
import type { Logger } from '../platform/logger';
import type { GraphQLContext } from '../graphql/context';
import { createFormatError } from '../graphql/errors';
import { createLoaders } from '../graphql/loaders';
import { buildApiSchema } from '../graphql/schema';
import { AuditTrail } from '../graphql/shared';
import { guardPlugin } from '../graphql/security/guardPlugin';
import { documentLimitRules } from '../graphql/security/limits';
import { ConcurrencyGate, TokenBucketRateLimiter, type RateLimiter } from '../graphql/security/rateLimiter';
import { bodyErrorHandler, finalErrorHandler, requestIdOf, requireJsonBody, SERVER_BUSY_BODY } from './bodyErrors';
import { consoleRouter, type ConsoleOptions } from './console';
import { graphiqlAssets, graphiqlPage } from './graphiql';
import { graphqlMetrics, httpMetrics, metricsRoute } from './metrics';
import { queueDashboard } from './queueDashboard';
import { cruceDownloadRoute } from './cruceDownload';
import { GRAPHQL_BODY_LIMIT, graphqlRoute } from './graphqlRoute';
import { jitGateway, type JitStats } from '../graphql/jitExecutor';

export interface HttpServer {
  url: string;
  server: http.Server;
  apollo: ApolloServer<GraphQLContext>;
  /** Which executor served the queries so far (tests check the compiled path is the one taken). */
  executor: JitStats;
  close(): Promise<void>;
}

export interface HttpServerOptions {
  port?: number;
  host?: string;
  /** Extra Apollo plugins (observability; tests count resolver calls with one). */
  plugins?: ApolloServerPlugin<GraphQLContext>[];
  /** Defaults to a per-process token bucket of API_RATE_LIMIT_PER_MINUTE cost units per client. */
  rateLimiter?: RateLimiter;
  /** The web console at /console (docs: README "Console"); `serve --demo` passes its demo token. */
  console?: ConsoleOptions;
}

const authThrottled = (retryAfterSeconds: number) =>
  new GraphQLError('Too many failed authentications from this address; retry later.', {
    extensions: {
      code: 'RATE_LIMITED',
      retryAfterSeconds,
      http: { status: 429, headers: new Map([['retry-after', String(retryAfterSeconds)]]) },
    },
  });

/** Burst of the per-client buckets: ten seconds of the allowance, never below the largest admissible query. */
export const rateBurst = (c: { API_RATE_BURST?: number; API_RATE_LIMIT_PER_MINUTE: number; API_MAX_COST: number }) =>
  c.API_RATE_BURST ?? Math.min(c.API_RATE_LIMIT_PER_MINUTE, Math.max(c.API_MAX_COST, Math.ceil(c.API_RATE_LIMIT_PER_MINUTE / 6)));

const unauthenticated = () =>
  new GraphQLError('Authentication required: send `Authorization: Bearer <token>` with a live API client token.', {
    extensions: {
      code: 'UNAUTHENTICATED',
      http: { status: 401, headers: new Map([['www-authenticate', 'Bearer realm="juntos-hub"']]) },
    },
  });

/**
 * The base of each request's context: its child logger (requestId, clientId) is made when something
 * in the request logs, which most requests never do (a pino child per request was a measurable
 * share of a small query's CPU). The getter sits on the prototype because Apollo copies the
 * context's own properties into a fresh object of the same prototype before executing.
 */
class LazyLoggerContext {
  requestLogger: Logger | undefined;
  declare requestId: string;
  declare principal: Principal;
  constructor(readonly baseLogger: Logger) {}
  get logger(): Logger {
    return (this.requestLogger ??= this.baseLogger.child({ requestId: this.requestId, clientId: this.principal.publicId }));
  }
}

export async function startHttpServer(app: App, opts: HttpServerOptions = {}): Promise<HttpServer> {
  const { config, logger } = app;
  const production = config.NODE_ENV === 'production';
  const expressApp = express();
  expressApp.disable('x-powered-by');
  if (config.API_TRUST_PROXY !== undefined) {
    const hops = Number(config.API_TRUST_PROXY);
    expressApp.set('trust proxy', Number.isInteger(hops) ? hops : config.API_TRUST_PROXY === 'true' ? true : config.API_TRUST_PROXY);
  }
  expressApp.use(httpMetrics(app.services.ops.metrics));
  expressApp.use((req, _res, next) => void (requestIdOf(req, randomUUID), next()));
  // Requests are dispatched below: the fast /graphql path first, then the Express app.
  const server = http.createServer();

  const { gateway, stats: executor } = jitGateway(await buildApiSchema(), { enabled: config.API_EXECUTOR === 'jit' });
  const apollo = new ApolloServer<GraphQLContext>({
    // The schema comes through a gateway only to execute with the hub's executor (jitExecutor.ts).
    gateway,
    // Hardening (docs/security.md): every setting explicit, whatever Apollo's defaults become.
    introspection: !production,
    hideSchemaDetailsFromClientErrors: production,
    csrfPrevention: true,
    persistedQueries: config.API_PERSISTED_QUERIES ? {} : false,
    allowBatchedHttpRequests: false,
    // The hub's own SIGTERM/SIGINT handler stops HTTP, the jobs and the database and exits 0; Apollo's
    // would stop only itself and then re-raise the signal (exit 143).
    stopOnTerminationSignals: false,
    includeStacktraceInErrorResponses: false,
    parseOptions: { maxTokens: config.API_MAX_TOKENS },
    validationRules: documentLimitRules(config),
    formatError: createFormatError(logger),
    plugins: [
      guardPlugin({
        maxCost: config.API_MAX_COST,
        maxPageSize: config.API_MAX_PAGE_SIZE,
        defaultPageSize: 20,
        maxVisits: 50_000,
        rateLimiter: opts.rateLimiter ?? new TokenBucketRateLimiter(config.API_RATE_LIMIT_PER_MINUTE, { burst: rateBurst(config) }),
        logger,
      }),
      ...(opts.plugins ?? []),
      graphqlMetrics(app.services.ops.metrics),
      ApolloServerPluginDrainHttpServer({ httpServer: server }),
      // No cache hints are used; the plugin halves throughput on large lists.
      ApolloServerPluginCacheControlDisabled(),
      // GraphiQL is served by the hub itself (below), never Apollo's CDN-loaded landing page.
      ApolloServerPluginLandingPageDisabled(),
    ],
  });
  await apollo.start();

  expressApp.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  // Readiness of the hub as a whole: the database, and the job workers apart from it (docs/operations.md).
  // With Redis and no worker, imports and reconciliations would only queue: not ready (503), unless
  // the probe asks for the database alone (`?only=db`, for a load balancer that keeps serving reads).
  expressApp.get('/readyz', async (req, res) => {
    let db: 'ok' | 'unavailable' = 'ok';
    try {
      await app.db.rows(sql`select 1`);
    } catch (err) {
      logger.warn({ err }, 'readiness check failed: database');
      db = 'unavailable';
    }
    const mode = app.queue.kind === 'bullmq' ? 'redis' : 'embedded';
    const counts = await Promise.all(['imports', 'reconciliation'].map((q) => app.queue.workerCount(q).catch(() => null)));
    const workers = counts.some((c) => c === null) ? null : Math.min(...(counts as number[]));
    const jobs = { mode, workers, status: mode === 'embedded' || (workers ?? 0) > 0 ? 'ok' : workers === 0 ? 'no-worker' : 'unknown' };
    const dbOnly = req.query.only === 'db';
    const ready = db === 'ok' && (dbOnly || jobs.status === 'ok');
    res.status(ready ? 200 : 503).json({ status: ready ? 'ready' : 'unavailable', database: app.db.kind, db, jobs });
  });

  // Operators (docs/operations.md): Prometheus metrics and the queue dashboard, behind operator auth.
  expressApp.get('/metrics', metricsRoute(app, { state: true }));
  expressApp.use(queueDashboard(app));

  // Cruce answers (src/cruce): the client that ran the cruce downloads them with its bearer token.
  expressApp.get('/cruce/:id/:file', (req, res, next) => void cruceDownloadRoute(app)(req, res).catch(next));

  // The console for stewards and operators: same origin as /graphql, its own strict CSP.
  expressApp.use('/console', consoleRouter(opts.console));
  expressApp.get('/', (_req, res) => res.redirect(302, '/console/'));

  if (config.graphiql) {
    expressApp.use('/graphiql', graphiqlAssets());
    expressApp.get('/graphql', (req, res, next) => {
      if (req.query.query === undefined && req.accepts(['json', 'html']) === 'html') res.type('html').send(graphiqlPage('/graphql'));
      else next();
    });
  }

  // Failed authentications per address (a burst of a tenth of the minute): checked before the token
  // lookup, so a flood of random tokens costs no database round trip once its address is throttled.
  const authFailures = new TokenBucketRateLimiter<string>(config.API_AUTH_FAILURES_PER_MINUTE, {
    burst: Math.max(1, Math.ceil(config.API_AUTH_FAILURES_PER_MINUTE / 10)),
  });
  const gate = new ConcurrencyGate(config.API_MAX_CONCURRENT_REQUESTS);

  const trustProxy = config.API_TRUST_PROXY !== undefined;
  // Express's own `req.ip` (its 'trust proxy' setting applied), for a request the fast path serves.
  const expressIp = Object.getOwnPropertyDescriptor(express.request, 'ip')!.get!;
  const addressOf = (req: http.IncomingMessage): string =>
    (trustProxy ? (expressIp.call({ app: expressApp, headers: req.headers, socket: req.socket, connection: req.socket }) as string | undefined) : undefined) ??
    req.socket.remoteAddress ??
    'unknown';

  const context = async (req: http.IncomingMessage, address: string): Promise<GraphQLContext> => {
    const deadline = Date.now() + config.API_REQUEST_TIMEOUT_MS;
    const requestId = requestIdOf(req, randomUUID)!;
    const throttled = !authFailures.has(address);
    const principal = await app.services.clients.authenticate(req.headers.authorization, { lookup: !throttled });
    if (!principal) {
      const charged = authFailures.take(address, 1);
      if (throttled || !charged.ok) throw authThrottled(Math.ceil((charged.ok ? 1000 : charged.retryAfterMs) / 1000));
      throw unauthenticated();
    }
    const scope = principal.scope;
    return Object.assign(new LazyLoggerContext(logger), {
      requestId,
      services: app.services,
      loaders: createLoaders(app.repositories, scope),
      scope,
      principal,
      audit: new AuditTrail(principal, requestId, (events) => app.services.audit.record(events)),
      deadline,
    }) as GraphQLContext;
  };

  // The everyday POST never reaches Express (graphqlRoute.ts); everything else below is Express's.
  const fastGraphql = graphqlRoute({
    apollo,
    gate,
    logger,
    metrics: app.services.ops.metrics,
    context: (req) => context(req, addressOf(req)),
    newId: randomUUID,
  });
  server.on('request', (req: http.IncomingMessage, res: http.ServerResponse) => {
    if (!fastGraphql(req, res)) expressApp(req, res);
  });

  expressApp.use(
    '/graphql',
    // The global cap comes first: a request over it costs neither a body parse nor a token lookup.
    ((req, res, next) => {
      if (req.method !== 'POST' && req.method !== 'GET') return next();
      const release = gate.tryEnter();
      if (!release) {
        logger.warn({ requestId: requestIdOf(req), inFlight: gate.active }, 'graphql request refused: server busy');
        res.status(503).set('retry-after', '1').type('application/json').json(SERVER_BUSY_BODY);
        return;
      }
      res.on('close', release);
      res.on('finish', release);
      next();
    }) as express.RequestHandler,
    express.json({ limit: GRAPHQL_BODY_LIMIT }),
    // A malformed, oversized or undecodable body: a GraphQL-shaped JSON error, and the body never logged.
    bodyErrorHandler(logger),
    requireJsonBody(logger),
    expressMiddleware(apollo, { context: ({ req }) => context(req, req.ip ?? req.socket.remoteAddress ?? 'unknown') }),
  );

  // Last: whatever a route throws becomes a masked JSON error (Express's own handler would answer
  // HTML and print the error object, request body included, to stderr).
  expressApp.use(finalErrorHandler(logger, randomUUID));

  await new Promise<void>((resolve) => server.listen(opts.port ?? config.PORT, opts.host ?? config.HOST, resolve));
  const { port } = server.address() as AddressInfo;
  const host = opts.host ?? config.HOST;
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
  return {
    url,
    server,
    apollo,
    executor,
    async close() {
      await apollo.stop();
    },
  };
}
