import { createRequire } from 'node:module';
import { defineConfig } from 'vitest/config';

const require = createRequire(import.meta.url);

/**
 * Two projects: `unit` (tests/unit, pure code: no PostgreSQL, no Redis — the service URLs point at
 * a closed port, so a unit test that reaches for a service fails) and `integration` (every test
 * that needs the real services, through the harness in tests/harness; the global setup builds the
 * migrated template database each test file clones). `npm test` runs both, `npm run test:unit` the
 * first alone. A third, `e2e` (tests/e2e), drives the console in headless chromium against a real
 * hub (`npm run test:e2e`).
 */
export default defineConfig({
  resolve: {
    // graphql 16 ships both index.js and index.mjs without an exports map: Node (and type-graphql,
    // Apollo) load the CommonJS build, while Vite would pick the .mjs one for transformed files,
    // giving two graphql realms. Pin every import to the one Node uses.
    alias: [{ find: /^graphql$/, replacement: require.resolve('graphql') }],
  },
  test: {
    environment: 'node',
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // Files are isolated by database and queue prefix, so they may run in parallel. Vitest's default
    // (one worker fewer than the cores) runs one file at a time on a 2-core CI machine, while most
    // files spend their time waiting on child processes, PostgreSQL and Redis: three at once halves
    // the suite there. TEST_MAX_WORKERS overrides it (1 to debug one file at a time).
    fileParallelism: true,
    maxWorkers: Number(process.env.TEST_MAX_WORKERS ?? 3),
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          include: ['tests/unit/**/*.test.ts'],
          env: { TEST_PG_ADMIN_URL: 'postgres://unit-tests-have-no-database@127.0.0.1:1/none', TEST_REDIS_URL: 'redis://127.0.0.1:1' },
        },
      },
      {
        extends: true,
        test: {
          name: 'integration',
          include: ['tests/{integration,api,ops,security}/**/*.test.ts'],
          globalSetup: ['tests/harness/globalSetup.ts'],
        },
      },
      {
        extends: true,
        test: {
          // The console in a real browser (Debian's chromium) against a real hub: services and a browser.
          name: 'e2e',
          include: ['tests/e2e/**/*.test.ts'],
          globalSetup: ['tests/harness/globalSetup.ts'],
        },
      },
    ],
  },
});
