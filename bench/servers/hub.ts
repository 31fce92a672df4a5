/**
 * The hub's API process as `juntos-hub serve` runs it with a separate worker: configuration from the
 * environment (parsed by src/config), PostgreSQL at DATABASE_URL, the HTTP server with every guard
 * (token auth, roles, scopes, masking, read audit, depth/alias/cost limits, rate limiter, deadlines,
 * error masking). Started by bench/api-vs-postgraphile.ts as a child process (its own RSS and CPU).
 * Over IPC it reports its URL and, on request, how many SQL statements it has sent (the drizzle
 * counter the API tests assert on).
 *
 *   DATABASE_URL=… NODE_ENV=production node --import tsx bench/servers/hub.ts
 */
import { startRuntime } from '../../jobs/runtime';
import { loadConfigFromEnv } from '../../src/platform/config';
import { openDatabase } from '../../src/platform/db';
import { startHttpServer } from '../../src/http/server';
import { createLogger } from '../../src/platform/logger';

const config = loadConfigFromEnv();
if (!config.DATABASE_URL) throw new Error('DATABASE_URL is required');
const logger = createLogger({ level: config.LOG_LEVEL ?? 'warn', destination: process.stderr as never });
const db = await openDatabase(config, logger);
// The API process only: jobs are another process's work (as with REDIS_URL set).
const runtime = await startRuntime({ config, db, logger, workers: false });
const http = await startHttpServer(runtime.app, { port: 0, host: '127.0.0.1' });

const reply = (m: object) => process.send?.(m);
reply({ type: 'ready', url: `${http.url}/graphql` });
if (!process.send) console.log(`${http.url}/graphql`);

process.on('message', (m: { type?: string }) => {
  if (m?.type === 'stats') reply({ type: 'stats', queries: db.stats.queries });
  // Which executor served the bench's operations (src/graphql/jitExecutor.ts), on stderr at the end.
  if (m?.type === 'stop') {
    process.stderr.write(`hub executor: ${JSON.stringify(http.executor)}\n`);
    void (async () => {
      await http.close();
      await runtime.close(500);
      await db.close();
      process.exit(0);
    })();
  }
});
