import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ApolloServerPlugin } from '@apollo/server';
import express, { type NextFunction, type Request, type RequestHandler, type Response } from 'express';
import { Kind } from 'graphql';
import type { App } from '../app';
import type { GraphQLContext } from '../graphql/context';
import type { OpsMetrics } from '../ops';
import { checkOperator } from './operatorAuth';

/** Route label: a fixed set, so a scan of random URLs cannot blow up the series count. */
const ROUTES = ['/graphql', '/graphiql', '/metrics', '/healthz', '/readyz', '/admin'] as const;
const routeOf = (path: string) => ROUTES.find((r) => path === r || path.startsWith(`${r}/`)) ?? 'other';

/** HTTP latency of every request, labelled by method, route and status class (2xx, 4xx...). */
export function httpMetrics(metrics: OpsMetrics): RequestHandler {
  return (req: Request, res: Response, next: NextFunction) => {
    const end = metrics.httpDuration.startTimer();
    res.on('finish', () => {
      const method = ['GET', 'POST', 'HEAD', 'PUT', 'DELETE', 'PATCH', 'OPTIONS'].includes(req.method) ? req.method : 'OTHER';
      end({ method, route: routeOf(req.originalUrl.split('?')[0]), status: `${Math.floor(res.statusCode / 100)}xx` });
    });
    next();
  };
}

/**
 * GraphQL latency by operation type and first root field. The field is taken from the schema's
 * root type only when it exists there (clients choose operation names; the schema bounds fields).
 */
export function graphqlMetrics(metrics: OpsMetrics): ApolloServerPlugin<GraphQLContext> {
  return {
    async requestDidStart({ schema }) {
      const end = metrics.graphqlDuration.startTimer();
      let operation = 'unknown';
      let field = 'unknown';
      return {
        async didResolveOperation(ctx) {
          const op = ctx.operation;
          if (!op) return;
          operation = op.operation;
          const root =
            op.operation === 'mutation' ? schema.getMutationType() : op.operation === 'subscription' ? schema.getSubscriptionType() : schema.getQueryType();
          const first = op.selectionSet.selections.find((s) => s.kind === Kind.FIELD);
          const name = first && first.kind === Kind.FIELD ? first.name.value : null;
          field = name && (name === '__schema' || name === '__type' || root?.getFields()[name]) ? name : 'other';
        },
        async willSendResponse({ response }) {
          const body = response.body;
          const errors = body.kind === 'single' ? body.singleResult.errors : undefined;
          end({ operation, field, outcome: errors?.length ? 'error' : 'ok' });
        },
      };
    },
  };
}

/**
 * GET /metrics (Prometheus text format). Protected: an operator/admin API token, or METRICS_TOKEN
 * (a static secret for scrapers). `state`: include the PostgreSQL-derived figures.
 */
export function metricsRoute(app: App, opts: { state: boolean }): RequestHandler {
  const metrics = app.services.ops.metrics;
  return async (req, res) => {
    const who = await checkOperator(app, req, { metricsToken: true });
    if (!who.ok) {
      if (who.status === 401) res.setHeader('www-authenticate', 'Bearer realm="juntos-hub metrics"');
      res
        .status(who.status)
        .type('text')
        .send(who.status === 401 ? 'authentication required\n' : 'operator or admin role required\n');
      return;
    }
    try {
      const text = await metrics.render(opts);
      res.setHeader('cache-control', 'no-store');
      res.type(metrics.contentType).send(text);
    } catch (err) {
      app.logger.warn({ err }, 'metrics rendering failed');
      res.status(500).type('text').send('metrics unavailable\n');
    }
  };
}

export interface MetricsServer {
  url: string;
  close(): Promise<void>;
}

/** The worker's own endpoint (METRICS_PORT): its job durations, the queue depth and process figures. */
export async function startMetricsServer(app: App, port: number, host = app.config.HOST): Promise<MetricsServer> {
  const e = express();
  e.disable('x-powered-by');
  e.get('/healthz', (_req, res) => void res.json({ status: 'ok' }));
  e.get('/metrics', metricsRoute(app, { state: false }));
  const server = http.createServer(e);
  await new Promise<void>((resolve) => server.listen(port, host, resolve));
  const { port: bound } = server.address() as AddressInfo;
  return {
    url: `http://${host.includes(':') ? `[${host}]` : host}:${bound}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
