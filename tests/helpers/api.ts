import { randomBytes } from 'node:crypto';
import type { ApolloServerPlugin } from '@apollo/server';
import { createApp, type App } from '../../src/app';
import { InlineJobQueue } from '../../jobs/drivers/inline';
import type { Role } from '../../src/kernel';
import { loadConfig } from '../../src/platform/config';
import type { Database } from '../../src/platform/db';
import type { GraphQLContext } from '../../src/graphql/context';
import { startHttpServer, type HttpServer } from '../../src/http/server';
import { createLogger, type Logger } from '../../src/platform/logger';

export interface GqlResponse<T = any> {
  status: number;
  data?: T;
  errors?: { message: string; path?: (string | number)[]; extensions?: Record<string, any> }[];
}

export interface TestApi {
  app: App;
  http: HttpServer;
  /** Token of the admin client every request uses unless `headers.authorization` says otherwise. */
  adminToken: string;
  /** Sends a GraphQL operation as the default admin client (pass `authorization` in headers to act as another, or '' for none). */
  gql<T = any>(query: string, variables?: Record<string, unknown>, headers?: Record<string, string>): Promise<GqlResponse<T>>;
  /** Creates an API client and returns its token. */
  token(role: Role, scope?: string[]): Promise<string>;
  close(): Promise<void>;
}

export function testConfig(overrides: Record<string, string> = {}) {
  return loadConfig({ NODE_ENV: 'test', LOG_LEVEL: 'silent', DATABASE_URL: 'postgres://unused', ...overrides });
}

export const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

/**
 * The real HTTP server (Express + Apollo) on an ephemeral port, over the given database. Every
 * request authenticates: by default as an admin client created here.
 */
export async function startTestApi(
  db: Database,
  overrides: Record<string, string> = {},
  opts: { plugins?: ApolloServerPlugin<GraphQLContext>[]; logger?: Logger } = {},
): Promise<TestApi> {
  const config = testConfig(overrides);
  const logger = opts.logger ?? createLogger({ level: 'silent' });
  const app = createApp({ config, db, logger, queue: new InlineJobQueue(logger) });
  const http = await startHttpServer(app, { port: 0, host: '127.0.0.1', plugins: opts.plugins });
  const token = async (role: Role, scope: string[] = []) =>
    (await app.services.clients.create({ name: `test-${role}-${randomBytes(4).toString('hex')}`, role, scope, actor: 'test' })).token;
  const adminToken = await token('admin');
  return {
    app,
    http,
    adminToken,
    token,
    async gql(query, variables, headers = {}) {
      const auth = 'authorization' in headers ? {} : bearer(adminToken);
      const res = await fetch(`${http.url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...auth, ...Object.fromEntries(Object.entries(headers).filter(([, v]) => v !== '')) },
        body: JSON.stringify({ query, variables }),
      });
      const body = (await res.json()) as Omit<GqlResponse, 'status'>;
      return { status: res.status, ...body };
    },
    async close() {
      await http.close();
    },
  };
}
