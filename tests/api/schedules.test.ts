import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  bearer,
  createInbox,
  createTestDatabase,
  dropPrefix,
  TEST_REDIS_URL,
  testHub,
  uniquePrefix,
  waitFor,
  type ApiHub,
  type Inbox,
  type TestDatabase,
} from '../harness';

/**
 * Schedules and retries for operators (issue 14): the BullMQ job schedulers with their rule, next
 * run and last run's outcome, and runScheduleNow (operators only, audited) on a real Redis.
 */
const IDS = ['inbox-scan-bdua', 'inbox-scan-oferta', 'inbox-scan-ruaf', 'inbox-scan-ruv', 'inbox-scan-sisben', 'inbox-scan-sisben_hogares', 'runs-sweep'];
const SCHEDULES =
  '{ schedules { id jobName cron timeZone everyMs declared live nextRunAt lastRun { jobId manual state at startedAt finishedAt attempts failedReason } } }';

let t: TestDatabase;
let api: ApiHub;
let inbox: Inbox;
const prefix = uniquePrefix('schedapi');
const tokens: Record<string, string> = {};

beforeAll(async () => {
  t = await createTestDatabase();
  inbox = await createInbox();
  api = await testHub()
    .database(t)
    .config({ REDIS_URL: TEST_REDIS_URL, QUEUE_PREFIX: prefix, INBOX_DIR: inbox.dir, INBOX_SETTLE_MS: '0', SWEEP_INTERVAL_MS: '600000' })
    .workers()
    .schedules()
    .http()
    .start();
  tokens.operator = await api.token('operator');
  tokens.steward = await api.token('steward');
  tokens.reader = await api.token('reader');
});
afterAll(async () => {
  await api?.close();
  await dropPrefix(prefix);
  await inbox?.remove();
  await t?.drop();
});

const as = (who: string, query: string, variables?: Record<string, unknown>) => api.gql(query, variables, bearer(tokens[who]));
const schedule = async (id: string) => (await as('operator', SCHEDULES)).data.schedules.find((s: any) => s.id === id);

describe('schedules', () => {
  it('lists the BullMQ job schedulers with their rule and next run, for operators only', async () => {
    const res = await as('operator', SCHEDULES);
    expect(res.errors).toBeUndefined();
    const list = res.data.schedules;
    expect(list.map((s: any) => s.id)).toEqual(IDS);
    const ruaf = list.find((s: any) => s.id === 'inbox-scan-ruaf');
    expect(ruaf).toMatchObject({ jobName: 'inbox.scan', cron: '0 2 * * *', timeZone: 'America/Bogota', everyMs: null, declared: true, live: true });
    expect(new Date(ruaf.nextRunAt).getTime()).toBeGreaterThan(Date.now());
    expect(list.find((s: any) => s.id === 'runs-sweep')).toMatchObject({ jobName: 'runs.sweep', cron: null, everyMs: 600000, live: true });
    for (const who of ['steward', 'reader']) {
      const refused = await as(who, SCHEDULES);
      expect(refused.status, who).toBe(403);
      expect(refused.errors?.[0].extensions?.code).toBe('FORBIDDEN');
    }
  });

  it('runs a schedule now: queued with an id of its own, its outcome becomes the last run, and the request is audited', async () => {
    const RUN =
      'mutation($id: String!) { runScheduleNow(id: $id) { __typename ... on ScheduleRunQueued { jobId schedule { id } } ... on ScheduleNotFound { message } } }';
    expect((await as('steward', RUN, { id: 'inbox-scan-ruaf' })).status).toBe(403);
    const res = await api.gql(RUN, { id: 'inbox-scan-ruaf' }, { ...bearer(tokens.operator), 'x-request-id': 'run-now-1' });
    expect(res.errors).toBeUndefined();
    expect(res.data.runScheduleNow).toMatchObject({ __typename: 'ScheduleRunQueued', schedule: { id: 'inbox-scan-ruaf' } });
    const jobId = res.data.runScheduleNow.jobId;
    expect(jobId).toMatch(/^manual-inbox-scan-ruaf-\d+$/);
    await waitFor('the scan to complete', async () => (await schedule('inbox-scan-ruaf')).lastRun?.state === 'COMPLETED', 20_000);
    const after = await schedule('inbox-scan-ruaf');
    expect(after.lastRun).toMatchObject({ jobId, manual: true, state: 'COMPLETED', attempts: 1, failedReason: null });
    expect(new Date(after.lastRun.finishedAt).getTime()).toBeGreaterThanOrEqual(new Date(after.lastRun.at).getTime());
    // The timetable is untouched: still live, the next nightly run still ahead.
    expect(after.live).toBe(true);
    expect(new Date(after.nextRunAt).getTime()).toBeGreaterThan(Date.now());
    // Another schedule's last run is not this one.
    expect((await schedule('inbox-scan-bdua')).lastRun).toBeNull();

    const audit = await t.db.rows<{ action: string; before: any; after: any }>(
      sql`select action, before, after from audit_events where request_id = 'run-now-1' and field = 'Mutation.runScheduleNow' order by id`,
    );
    expect(audit.map((a) => a.action)).toEqual(['mutation', 'mutation.outcome']);
    expect(audit[0].before.arguments).toEqual({ id: 'inbox-scan-ruaf' });

    const missing = await as('operator', RUN, { id: 'nope' });
    expect(missing.data.runScheduleNow).toEqual({ __typename: 'ScheduleNotFound', message: 'No such schedule.' });
  });
});

describe('schedules without a worker', () => {
  it('lists what the configuration declares, not live, with the next run the rule gives', async () => {
    const bare = await testHub().database(t).http().start();
    try {
      const res = await bare.gql(SCHEDULES);
      expect(res.errors).toBeUndefined();
      const ruaf = res.data.schedules.find((s: any) => s.id === 'inbox-scan-ruaf');
      expect(ruaf).toMatchObject({ declared: true, live: false, cron: '0 2 * * *', lastRun: null });
      expect(new Date(ruaf.nextRunAt).getTime()).toBeGreaterThan(Date.now());
    } finally {
      await bare.close();
    }
  });
});
