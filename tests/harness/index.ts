/**
 * The one test harness of the tests that need services (PostgreSQL, Redis): see hub.ts for the
 * TestHub builder. Record factories are imported from ./factories/<what> by name (registry rows,
 * registry files of exact persons, the stewardship scenario). Unit tests (tests/unit) never import
 * this harness: they run without any service.
 */
export { testHub, TestHubBuilder, testConfig, bearer, PIPELINE_DEFAULTS, type TestHub, type ApiHub, type GqlResponse } from './hub';
export { createTestDatabase, type TestDatabase } from './database';
export { TEST_PG_ADMIN_URL, TEST_REDIS_URL, TEST_OWNER_ROLE, TEST_RUNTIME_ROLE, databaseUrl } from './env';
export { goldenDrift, type GoldenDrift } from './golden';
export { personOf, entityOf, itemAbout, personState, clusters, steward } from './lookups';
export { CANONICAL_TABLES, importCounts, allTableCounts, canonicalDigest, statusCounts, stateDigest } from './digests';
export { createInbox, type Inbox } from './inbox';
export { ROOT, CLI, sleep, waitFor, spawnCli, startWorkerProcess, freePort, type Child } from './processes';
export { privateRedis, dropPrefix, uniquePrefix, type PrivateRedis } from './redis';
