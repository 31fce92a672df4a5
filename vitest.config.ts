import { createRequire } from 'node:module';
import { defineConfig } from 'vitest/config';

const require = createRequire(import.meta.url);

export default defineConfig({
  resolve: {
    // graphql 16 ships both index.js and index.mjs without an exports map: Node (and type-graphql,
    // Apollo) load the CommonJS build, while Vite would pick the .mjs one for transformed files,
    // giving two graphql realms. Pin every import to the one Node uses.
    alias: [{ find: /^graphql$/, replacement: require.resolve('graphql') }],
  },
  test: {
    include: ['tests/**/*.test.ts'],
    environment: 'node',
    globalSetup: ['tests/setup/global.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // Files are isolated by database and queue prefix, so they may run in parallel.
    fileParallelism: true,
  },
});
