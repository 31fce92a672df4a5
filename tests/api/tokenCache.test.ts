import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPostgresDatabase } from '../../src/platform/db/postgres';
import type { Database } from '../../src/platform/db';
import { bearer, createTestDatabase, testHub, waitFor, type ApiHub, type TestDatabase, type TestHub } from '../harness';

/**
 * Verified tokens are cached per API process, and revocation stays prompt: at once in the process
 * that revokes, on PostgreSQL's notification in every other one, and — if notifications were missed
 * while the channel was down — as soon as it is back. The cache here lives 5 minutes, so only those
 * mechanisms (not its expiry) can make a revoked token fail within these tests' waits.
 */
let t: TestDatabase;
let api: ApiHub;
let otherDb: Database;
let other: TestHub; // a second process on the same database (what `juntos-hub clients revoke` is)

beforeAll(async () => {
  t = await createTestDatabase();
  // Many deliberate 401s from one address: the per-address limit of failed authentications is lifted.
  api = await testHub().database(t).config({ API_TOKEN_CACHE_SECONDS: '300', API_AUTH_FAILURES_PER_MINUTE: '100000' }).http().start();
  otherDb = createPostgresDatabase({ url: t.url, poolMax: 2 });
  other = await testHub().database(otherDb).start();
});
afterAll(async () => {
  await other?.close();
  await otherDb?.close();
  await api?.close();
  await t?.drop();
});

const ping = (token: string) => api.gql('{ __typename }', undefined, bearer(token));
const clientOf = async (token: string) => (await api.app.services.clients.authenticate(`Bearer ${token}`))!;

/** A reader whose token this process has verified and now answers from its cache (no statement per request). */
async function cachedReader(): Promise<{ token: string; publicId: string; id: number }> {
  const token = await api.token('reader');
  await waitFor(
    'the token to be served from the cache',
    async () => {
      const before = api.db.stats.queries;
      const res = await ping(token);
      expect(res.status).toBe(200);
      return api.db.stats.queries === before;
    },
    10_000,
    20,
  );
  const p = await clientOf(token);
  return { token, publicId: p.publicId, id: p.clientId };
}

const refusedSoon = (token: string) => waitFor('the revoked token to be refused', async () => (await ping(token)).status === 401, 15_000, 50);

describe('verified-token cache', () => {
  it('answers repeated requests of a live token without a database round trip', async () => {
    const { token } = await cachedReader();
    const before = api.db.stats.queries;
    for (let i = 0; i < 5; i++) expect((await ping(token)).status).toBe(200);
    expect(api.db.stats.queries - before).toBe(0);
  });

  it('a token revoked in this process is refused on the very next request', async () => {
    const { token, publicId } = await cachedReader();
    const revoked = await api.gql(`mutation($id: ID!) { revokeApiClient(id: $id) { id revokedAt } }`, { id: publicId });
    expect(revoked.errors).toBeUndefined();
    const res = await ping(token);
    expect(res.status).toBe(401);
    expect(res.errors?.[0].extensions?.code).toBe('UNAUTHENTICATED');
  });

  it('a token revoked by another process is refused once PostgreSQL notifies this one', async () => {
    const { token, publicId } = await cachedReader();
    await other.app.services.clients.revoke(publicId, { actor: 'cli:test' });
    await refusedSoon(token);
  });

  it('a change made straight in the database is announced by the trigger as well', async () => {
    const { token, id } = await cachedReader();
    await t.db.rows(sql`update api_clients set revoked_at = now(), revoked_by = 'dba' where id = ${id}`);
    await refusedSoon(token);
  });

  it('a revoked token stays refused on every later request, and an unknown one is refused', async () => {
    const { token, publicId } = await cachedReader();
    await api.app.services.clients.revoke(publicId, { actor: 'test' });
    for (let i = 0; i < 3; i++) expect((await ping(token)).status).toBe(401);
    expect((await ping('jh_' + 'A'.repeat(43))).status).toBe(401);
  });

  it('after the notification channel was down, the cache is emptied when it comes back', async () => {
    const { token, id } = await cachedReader();
    // A revocation whose notification is lost (the trigger is off for it), as while the channel is down…
    await t.owner().rows(sql.raw(`alter table api_clients disable trigger api_clients_changed`));
    try {
      await t.db.rows(sql`update api_clients set revoked_at = now(), revoked_by = 'lost' where id = ${id}`);
    } finally {
      await t.owner().rows(sql.raw(`alter table api_clients enable trigger api_clients_changed`));
    }
    // …goes unseen by the cache (what API_TOKEN_CACHE_SECONDS bounds)…
    expect((await ping(token)).status).toBe(200);
    // …until the LISTEN connection drops and resubscribes: then everything cached is forgotten.
    const listeners = await t.db.rows<{ pid: number }>(
      sql`select pid from pg_stat_activity where datname = current_database() and pid <> pg_backend_pid() and query ilike 'listen%'`,
    );
    expect(listeners.length).toBeGreaterThan(0);
    for (const { pid } of listeners) await t.db.rows(sql`select pg_terminate_backend(${pid})`);
    await refusedSoon(token);
  });
});
