import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/platform/logger';
import { bearer, createTestDatabase, testHub, type ApiHub, type TestDatabase } from '../harness';

/**
 * The request's child logger (requestId, clientId) is made only when something in the request
 * logs: a pino child per request was a measurable share of a small query's CPU. A request that
 * does log still gets its requestId and client on the line.
 */
let t: TestDatabase;
let api: ApiHub;
const lines: Record<string, unknown>[] = [];
const logger = createLogger({ level: 'info', destination: { write: (s: string) => void lines.push(JSON.parse(s)) } as never });
let children = 0;
const child = logger.child.bind(logger);
logger.child = ((...a: Parameters<typeof child>) => (children++, child(...a))) as typeof logger.child;

beforeAll(async () => {
  t = await createTestDatabase();
  api = await testHub().database(t).logger(logger).http().start();
});
afterAll(async () => {
  await api?.close();
  await t?.drop();
});

describe('the per-request logger', () => {
  it('is not made for a request that logs nothing', async () => {
    const token = await api.token('reader');
    await api.gql('{ __typename }', undefined, bearer(token));
    const before = children;
    for (let i = 0; i < 5; i++) expect((await api.gql('{ departments { code } }', undefined, bearer(token))).errors).toBeUndefined();
    expect(children).toBe(before);
  });

  it('is made, with the request id and client, when the request logs', async () => {
    const token = await api.token('reader');
    lines.length = 0;
    // At debug level the guard logs each admitted operation through the request's logger.
    logger.level = 'debug';
    try {
      const res = await api.gql('query Ping { departments { code } }', undefined, bearer(token));
      expect(res.errors).toBeUndefined();
    } finally {
      logger.level = 'info';
    }
    const admitted = lines.find((l) => l.msg === 'operation admitted');
    expect(admitted).toMatchObject({ operationName: 'Ping' });
    expect(typeof admitted?.requestId).toBe('string');
    expect(typeof admitted?.clientId).toBe('string');
  });
});
