/**
 * The module boundaries of docs/architecture.md, checked by `npm run lint` (and so by .ci/run).
 * Feature folders are every folder under src/ that is not one of the shared layers below; a new
 * feature is covered without editing this file.
 */
const SHARED_LAYERS = ['kernel', 'domain', 'platform', 'graphql', 'http', 'cli', 'synthetic'];
const FEATURE = `src/(?!(?:${SHARED_LAYERS.join('|')})/)[^/]+/`;
/** Modules that do I/O: the pure layers (kernel, domain, connectors) must not reach them. */
const IO_MODULES = [
  '^(node:)?(fs|fs/promises|net|http|https|child_process|worker_threads|dgram|cluster|readline)$',
  '^(postgres|@electric-sql/pglite|bullmq|ioredis|pino|express|drizzle-orm)(/|$)',
];

module.exports = {
  forbidden: [
    { name: 'no-circular', severity: 'error', comment: 'Import cycles hide the architecture.', from: {}, to: { circular: true } },
    {
      name: 'kernel-imports-nothing',
      severity: 'error',
      comment: 'src/kernel is the base every layer may import; it imports nothing of the project.',
      from: { path: '^src/kernel/' },
      to: { path: '^(src|schema|connectors|jobs|tests|bench|console)/', pathNot: '^src/kernel/' },
    },
    {
      name: 'domain-imports-only-kernel',
      severity: 'error',
      from: { path: '^src/domain/' },
      to: { path: '^(src|schema|connectors|jobs|tests|bench|console)/', pathNot: '^src/(kernel|domain)/' },
    },
    {
      name: 'connectors-import-only-domain-and-kernel',
      severity: 'error',
      from: { path: '^connectors/' },
      to: { path: '^(src|schema|jobs|tests|bench|console)/', pathNot: '^src/(kernel|domain)/' },
    },
    {
      name: 'schema-imports-only-kernel-and-domain',
      severity: 'error',
      from: { path: '^schema/' },
      to: { path: '^(src|connectors|jobs|tests|bench|console)/', pathNot: '^src/(kernel|domain)/' },
    },
    {
      name: 'pure-layers-do-no-io',
      severity: 'error',
      comment: 'kernel, domain and connectors are pure: parsing and rules, no files, databases, queues or logs.',
      from: { path: '^(src/kernel|src/domain|connectors)/' },
      to: { dependencyTypes: ['core', 'npm', 'npm-dev', 'npm-optional', 'npm-peer', 'npm-no-pkg', 'npm-unknown'], path: IO_MODULES },
    },
    {
      name: 'feature-through-its-index',
      severity: 'error',
      comment: 'Another feature is reached only through its public index.ts.',
      from: { path: `^(${FEATURE})` },
      to: { path: `^${FEATURE}`, pathNot: ['^$1', `^${FEATURE}index\\.ts$`] },
    },
    {
      name: 'shared-layers-use-feature-indexes',
      severity: 'error',
      comment: 'jobs, the CLI, HTTP and the schema assembly call features through their index.ts.',
      from: { path: '^(jobs|src/(cli|http|graphql|platform|synthetic))/' },
      to: { path: `^${FEATURE}`, pathNot: `^${FEATURE}index\\.ts$` },
    },
    {
      name: 'production-code-does-not-import-tests',
      severity: 'error',
      from: { path: '^(src|schema|connectors|jobs|bin)/' },
      to: { path: '^(tests|bench)/' },
    },
    {
      name: 'platform-below-features',
      severity: 'error',
      comment: 'src/platform (database, config, queue, logger) serves the features; it does not know them.',
      from: { path: '^src/platform/' },
      to: { path: `^(${FEATURE}|src/(graphql|http|cli)/|jobs/)` },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^(node_modules|console/dist|console/src/gql|test-artifacts|migrations)' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default'],
      extensions: ['.ts', '.tsx', '.js', '.mjs'],
    },
  },
};
