import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Command } from 'commander';
import type { App } from '../../app';
import { cliLogger, loadCliConfig, openMigratedDatabase } from '../runtime';
import { t } from '../i18n';

const DEMO_CLIENT = 'demo';

/** Where `serve --demo` keeps its token, so every start on one data directory prints the same one. */
export const demoTokenFile = (dataDir: string) => join(dataDir, 'demo-token');

/**
 * The demo's admin token, stable across restarts of one data directory: the hub stores only token
 * hashes, so the token itself is kept in DATA_DIR/demo-token (owner-only). A missing file, or a token
 * whose client was revoked, gets a fresh client and token.
 */
async function demoClientToken(app: App): Promise<string> {
  const actor = { actor: 'cli:serve --demo' };
  const file = demoTokenFile(app.config.DATA_DIR);
  const kept = (await readFile(file, 'utf8').catch(() => '')).trim();
  if (kept && (await app.services.clients.authenticate(`Bearer ${kept}`))) return kept;
  if (await app.services.clients.find(DEMO_CLIENT)) await app.services.clients.revoke(DEMO_CLIENT, actor).catch(() => {});
  const { token } = await app.services.clients.create({ name: DEMO_CLIENT, role: 'admin', ...actor });
  await mkdir(app.config.DATA_DIR, { recursive: true });
  await writeFile(file, `${token}\n`, { mode: 0o600 });
  return token;
}

export function registerServe(program: Command) {
  program
    .command('serve')
    .description(t('help.serve.description'))
    .option('-p, --port <port>', t('help.serve.port'))
    .option('--host <host>', t('help.serve.host'))
    .option('--demo', t('help.serve.demo'))
    .action(async (opts: { port?: string; host?: string; demo?: boolean }) => {
      const config = loadCliConfig(opts.port ? { PORT: opts.port } : {});
      const logger = cliLogger(config, { longRunning: true });
      const db = await openMigratedDatabase(config, logger);
      // Without Redis the API process also runs the jobs (embedded default); with Redis, `juntos-hub worker` does.
      const [{ startRuntime }, { startHttpServer }] = await Promise.all([import('../../../jobs/runtime'), import('../../http/server')]);
      const runtime = await startRuntime({ config, db, logger, workers: !config.REDIS_URL, schedules: !config.REDIS_URL, role: 'serve' });
      const app = runtime.app;
      if (opts.demo) {
        const { seedDemo } = await import('../seedDemo');
        await seedDemo(app, { households: 2000, onProgress: (m) => process.stderr.write(`  demo: ${m}\n`) });
      }
      const demoToken = opts.demo ? await demoClientToken(app) : null;
      // First start after a pull that changed the console: rebuild it (npm install builds it too).
      const { ensureConsoleBuild } = await import('../../../console/scripts/build.mjs');
      await ensureConsoleBuild().catch((err: unknown) => logger.warn({ err }, 'console build failed: /console will answer 503'));
      const http = await startHttpServer(app, { host: opts.host, console: { demoToken } });
      logger.info({ url: `${http.url}/graphql`, database: db.kind }, 'juntos-hub is serving');
      process.stderr.write(`\n  ${t('serve.api', { url: `${http.url}/graphql`, database: db.kind })}\n`);
      process.stderr.write(`  ${t('serve.console', { url: `${http.url}/console/`, demo: demoToken ? t('serve.consoleDemo') : '' })}\n`);
      if (demoToken) process.stderr.write(`  ${t('serve.token')}\n    ${demoToken}\n`);
      process.stderr.write('\n');

      const shutdown = async (signal: string) => {
        logger.info({ signal }, 'shutting down');
        await http.close();
        await runtime.close();
        await db.close();
        process.exit(0);
      };
      process.once('SIGINT', () => void shutdown('SIGINT'));
      process.once('SIGTERM', () => void shutdown('SIGTERM'));
    });
}
