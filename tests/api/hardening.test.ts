import { mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { logRedisErrors } from '../../jobs/drivers/bullmq';
import { createRedis } from '../../jobs/drivers/redis';
import { createLogger } from '../../src/platform/logger';
import { seedRegistry, type SeededRegistry } from '../harness/factories/registry';
import { bearer, createTestDatabase, freePort, testHub, waitFor, type ApiHub, type TestDatabase } from '../harness';

/** Issue 17.6: the smaller findings, one test each. */
let t: TestDatabase;
let api: ApiHub;
let seed: SeededRegistry;
let inbox: string;

beforeAll(async () => {
  t = await createTestDatabase();
  seed = await seedRegistry(t.db, { households: 8, membersPerHousehold: 3 });
  inbox = await mkdtemp(join(tmpdir(), 'juntos-inbox-'));
  api = await testHub().database(t).config({ INBOX_DIR: inbox }).http().start();
});
afterAll(async () => {
  await api?.close();
  await t?.drop();
  if (inbox) await rm(inbox, { recursive: true, force: true });
});

describe('Household.sisbenFicha reads', () => {
  it('are audited once per member person, so identifierReads finds them', async () => {
    const h = seed.households[1];
    const members = seed.persons.filter((p) => p.householdIndex === h.index);
    const steward = await api.token('steward');
    const res = await api.gql(`{ household(id: "${h.publicId}") { sisbenFicha } }`, undefined, { ...bearer(steward), 'x-request-id': 'ficha-1' });
    expect(res.errors).toBeUndefined();
    expect(res.data.household.sisbenFicha).toBeTruthy();
    const rows = await t.db.rows<{ person_id: string; field: string }>(
      sql`select person_id, field from audit_events where request_id = 'ficha-1' and action = 'read' order by person_id`,
    );
    expect(rows.map((r) => Number(r.person_id))).toEqual(members.map((m) => m.id).sort((a, b) => a - b));
    expect(new Set(rows.map((r) => r.field))).toEqual(new Set(['Household.sisbenFicha']));
    const [{ id: clientId }] = await t.db.rows<{ id: string }>(sql`select public_id as id from api_clients order by id desc limit 1`);
    const reads = await api.gql(`query($c: ID!, $from: DateTime!, $to: DateTime!) { identifierReads(client: $c, from: $from, to: $to) { nodes { fields } } }`, {
      c: clientId,
      from: new Date(Date.now() - 60_000).toISOString(),
      to: new Date(Date.now() + 60_000).toISOString(),
    });
    expect(reads.errors).toBeUndefined();
    expect(reads.data.identifierReads.nodes).toHaveLength(members.length);
  });
});

describe('PersonMerge.reason, actor, undoneBy and undoReason', () => {
  it('are refused to readers, before execution; stewards read them', async () => {
    const reader = await api.token('reader');
    const p = seed.persons[0].publicId;
    for (const field of ['reason', 'actor', 'undoneBy', 'undoReason']) {
      const res = await api.gql(`{ person(id: "${p}") { merges { ${field} } } }`, undefined, bearer(reader));
      expect(res.errors?.[0].extensions?.code, field).toBe('FORBIDDEN');
      expect(res.data ?? null).toBeNull();
    }
    expect((await api.gql(`{ person(id: "${p}") { merges { id kind } } }`, undefined, bearer(reader))).errors).toBeUndefined();
    const steward = await api.token('steward');
    expect((await api.gql(`{ person(id: "${p}") { merges { reason actor undoneBy undoReason } } }`, undefined, bearer(steward))).errors).toBeUndefined();
  });
});

describe('import runs and row errors for a scoped steward', () => {
  it('shows only runs that brought records of the territory, and only issues of its lines', async () => {
    // A national run whose records are all of other territories, and row issues on the Sisbén run:
    // one on a line of a 05001 person, one on a 76001 person's line, one on a rejected line.
    const [other] = await t.db.rows<{ id: string }>(
      sql`insert into import_runs (source, file_name, file_path, sha256, file_bytes, state) values ('sisben', 'otro.txt', '/otro.txt', md5('otro') || md5('x'), 1, 'failed') returning id`,
    );
    const lineOf = async (personId: number) =>
      (
        await t.db.rows<{ line: number }>(
          sql`select r.line_no as line from source_records r join source_entities e on e.id = r.source_entity_id where e.person_id = ${personId} and r.import_run_id = ${seed.runIds.sisben} limit 1`,
        )
      )[0].line;
    const medellin = seed.persons.find((p) => p.municipalityCode === '05001')!;
    const cali = seed.persons.find((p) => p.municipalityCode === '76001')!;
    const mLine = await lineOf(medellin.id);
    const cLine = await lineOf(cali.id);
    await t.db.rows(
      sql`insert into import_row_errors (import_run_id, line, field, code, message, severity) values
          (${seed.runIds.sisben}, ${mLine}, 'x', 'INVALID_DATE', 'm', 'warning'),
          (${seed.runIds.sisben}, ${cLine}, 'x', 'INVALID_DATE', 'c', 'warning'),
          (${seed.runIds.sisben}, 99999, 'x', 'WRONG_COLUMN_COUNT', 'r', 'error')`,
    );
    const scoped = await api.token('steward', ['05']);
    const national = await api.token('steward');
    const list = async (token: string) =>
      (await api.gql(`{ importRuns(first: 50) { nodes { id fileName } } }`, undefined, bearer(token))).data.importRuns.nodes.map((n: any) => n.id);
    const mine = await list(scoped);
    expect(mine).toContain(String(seed.runIds.sisben));
    expect(mine).not.toContain(String(other.id));
    expect(await list(national)).toContain(String(other.id));
    expect((await api.gql(`{ importRun(id: "${other.id}") { id } }`, undefined, bearer(scoped))).data.importRun).toBeNull();
    const errors = async (token: string) =>
      (
        await api.gql(`{ importRun(id: "${seed.runIds.sisben}") { errors(first: 50) { nodes { message } } } }`, undefined, bearer(token))
      ).data.importRun.errors.nodes.map((n: any) => n.message);
    expect(await errors(scoped)).toEqual(['m']);
    expect(await errors(national)).toEqual(['m', 'c', 'r']);
  });
});

describe('startImport errors', () => {
  it('say the same whether a path outside the inbox exists or not (links included)', async () => {
    const outside = await mkdtemp(join(tmpdir(), 'juntos-outside-'));
    try {
      await writeFile(join(outside, 'exists.txt'), 'secret');
      await symlink(join(outside, 'exists.txt'), join(inbox, 'link-exists.txt'));
      await symlink(join(outside, 'missing.txt'), join(inbox, 'link-missing.txt'));
      const operator = await api.token('operator');
      const answers: string[] = [];
      for (const p of [
        `../${outside.split('/').pop()}/exists.txt`,
        `../${outside.split('/').pop()}/missing.txt`,
        join(outside, 'exists.txt'),
        'link-exists.txt',
        'link-missing.txt',
        'nope.txt',
      ]) {
        const res = await api.gql('mutation($p: String!) { startImport(path: $p) { created } }', { p }, bearer(operator));
        answers.push(JSON.stringify(res.errors?.map((e) => [e.message, e.extensions])));
      }
      expect(new Set(answers).size).toBe(1);
      expect(answers[0]).toContain('BAD_USER_INPUT');
    } finally {
      await rm(outside, { recursive: true, force: true });
    }
  });
});

describe('subscriptions', () => {
  it('`subscription { x }` is a typed client error, not INTERNAL_SERVER_ERROR', async () => {
    const res = await api.gql('subscription { x }');
    expect(res.status).toBe(400);
    expect(res.errors?.[0].extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
  });
});

describe('global concurrency cap', () => {
  it('a request over API_MAX_CONCURRENT_REQUESTS answers 503 SERVER_BUSY at once; capacity returns', async () => {
    const capped = await testHub().database(t).config({ API_MAX_CONCURRENT_REQUESTS: '1', API_REQUEST_TIMEOUT_MS: '20000' }).http().start();
    const blocker = await t.db.client.reserve();
    try {
      await blocker`begin`;
      await blocker`lock table persons in access exclusive mode`;
      const stuck = capped.gql('{ persons(first: 5) { edges { node { id } } } }');
      await waitFor('the first request to hold the slot', async () => (await capped.gql('{ departments { code } }')).status === 503, 10_000, 50);
      const busy = await capped.gql('{ departments { code } }');
      expect(busy.status).toBe(503);
      expect(busy.errors?.[0].extensions).toMatchObject({ code: 'SERVER_BUSY', retryAfterSeconds: 1 });
      await blocker`rollback`;
      expect((await stuck).errors).toBeUndefined();
      expect((await capped.gql('{ departments { code } }')).errors).toBeUndefined();
    } finally {
      await blocker`rollback`.catch(() => {});
      blocker.release();
      await capped.close();
    }
  });
});

describe('unauthenticated requests', () => {
  it('are limited per address before any token lookup; tokens already verified still pass', async () => {
    const limited = await testHub().database(t).config({ API_AUTH_FAILURES_PER_MINUTE: '30' }).http().start();
    try {
      const good = await limited.token('reader');
      // The token cache works once the revocation subscription is up; then a verified token is kept.
      expect((await limited.gql('{ departments { code } }', undefined, bearer(good))).errors).toBeUndefined();
      await waitFor('the token cache to be live', async () => (limited.app.services.clients as unknown as { watching: boolean }).watching, 10_000, 20);
      expect((await limited.gql('{ departments { code } }', undefined, bearer(good))).errors).toBeUndefined(); // now verified (cached)
      const fresh = await limited.token('reader'); // never used: not verified in this process
      const random = () => ({ authorization: `Bearer jh_${Buffer.from(crypto.getRandomValues(new Uint8Array(32))).toString('base64url')}` });
      const statuses: number[] = [];
      for (let i = 0; i < 10; i++) statuses.push((await limited.gql('{ departments { code } }', undefined, random())).status);
      // A burst of 3 (a tenth of the minute's 30) gets 401; the rest 429.
      expect(statuses.slice(0, 3)).toEqual([401, 401, 401]);
      expect(new Set(statuses.slice(3))).toEqual(new Set([429]));
      const before = limited.db.stats.queries;
      const throttled = await limited.gql('{ departments { code } }', undefined, random());
      expect(throttled.status).toBe(429);
      expect(throttled.errors?.[0].extensions).toMatchObject({ code: 'RATE_LIMITED', retryAfterSeconds: expect.any(Number) });
      expect(limited.db.stats.queries).toBe(before); // no token lookup
      expect((await limited.gql('{ departments { code } }', undefined, bearer(good))).errors).toBeUndefined();
      expect((await limited.gql('{ departments { code } }', undefined, bearer(fresh))).status).toBe(429);
      expect((await limited.gql('{ departments { code } }', undefined, { authorization: '' })).status).toBe(429);
    } finally {
      await limited.close();
    }
  });
});

describe('Redis connection errors in the log', () => {
  it('carry the message and code, not "[object Object]"', async () => {
    const lines: string[] = [];
    const logger = createLogger({ level: 'warn', destination: { write: (s: string) => void lines.push(s) } as never });
    const port = await freePort();
    const connection = createRedis(`redis://127.0.0.1:${port}`, 'worker');
    logRedisErrors(connection, logger, 'worker');
    try {
      await waitFor('a redis connection error in the log', async () => lines.some((l) => l.includes('redis connection error')), 15_000, 50);
      const line = JSON.parse(lines.find((l) => l.includes('redis connection error (worker)'))!);
      expect(JSON.stringify(line)).not.toContain('[object Object]');
      expect(line.err.code).toBe('ECONNREFUSED');
      expect(line.err.message).toContain(String(port));
    } finally {
      connection.disconnect();
    }
  });
});
