import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'drizzle-orm';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BullMqJobQueue } from '../../jobs/drivers/bullmq';
import { startRuntime, type Runtime } from '../../jobs/runtime';
import { loadConfig } from '../../src/platform/config';
import { startHttpServer, type HttpServer } from '../../src/http/server';
import { createLogger } from '../../src/platform/logger';
import { bearer, createTestDatabase, TEST_REDIS_URL, type TestDatabase } from '../harness';

/**
 * Personal-data canaries in an import file must never reach the logs, Redis (BullMQ keys and job
 * payloads) or client-facing errors: the real pipeline, with BullMQ on the local Redis.
 */
const CANARY_NAMES = ['ZYXCANARIO', 'QWERTYÑANDÚ', 'MALFILACANARIA'];
const CANARY_DOCS = ['7391846205', '8462957310', '5550001112', '9081726354'];
const HEADER =
  'cod_mpio;ide_ficha_origen;ide_hogar;ide_persona;pri_apellido;seg_apellido;pri_nombre;seg_nombre;sexo_persona;tip_documento;num_documento;fec_nacimiento;tip_parentesco;cod_clase;clasificacion;fec_corte';
const ROWS = [
  '05001;7001;1;1;ZYXCANARIO;GÓMEZ;MARÍA;;2;3;7.391.846.205;12/03/1975;1;1;A3;30/06/2024',
  '05001;7001;1;2;ZYXCANARIO;QWERTYÑANDÚ;JHON;;1;3;8462957310;05/07/1990;2;1;A3;30/06/2024',
  // Bad rows: an impossible date and a malformed document, each next to canaries.
  '05001;7001;1;3;MALFILACANARIA;QWERTYÑANDÚ;LUZ;;2;3;5550001112;31/02/1980;3;1;A3;30/06/2024',
  '05001;7001;1;4;MALFILACANARIA;ZYXCANARIO;ANA;;2;3;90817AB26354;01/01/2001;3;1;A3;30/06/2024',
  '05001;7002;1;1;PÉREZ;NÚÑEZ;PEDRO;;1;3;9081726354;02/02/1962;1;1;B1;30/06/2024',
];

/** The forms a value can take on its way through the pipeline (folded, lowercased, digits only). */
const forms = (v: string) => {
  const folded = v.normalize('NFD').replace(/\p{M}/gu, '');
  return [...new Set([v, v.toLowerCase(), folded, folded.toLowerCase(), v.replace(/\D/g, '') || v])].filter((f) => f.length >= 6);
};
const CANARY_FORMS = [...CANARY_NAMES, ...CANARY_DOCS].flatMap(forms);

let t: TestDatabase;
let runtime: Runtime;
let http: HttpServer;
let inbox: string;
const prefix = `canary${randomBytes(4).toString('hex')}`;
const logs: string[] = [];
const redis = new Redis(TEST_REDIS_URL, { maxRetriesPerRequest: null });

beforeAll(async () => {
  t = await createTestDatabase();
  inbox = await mkdtemp(join(tmpdir(), 'juntos-canary-'));
  const config = loadConfig({
    NODE_ENV: 'test',
    DATABASE_URL: t.url,
    REDIS_URL: TEST_REDIS_URL,
    QUEUE_PREFIX: prefix,
    INBOX_DIR: inbox,
    IMPORT_MAX_ERROR_RATE: '0.9',
    LOG_LEVEL: 'trace',
  });
  const logger = createLogger({ level: 'trace', destination: { write: (s: string) => void logs.push(s) } as never });
  runtime = await startRuntime({ config, db: t.db, logger, workers: true });
  // The producer connection fails fast while offline (by design); let it connect first.
  const producer = (runtime.queue as unknown as BullMqJobQueue).connection;
  for (let i = 0; producer.status !== 'ready' && i < 100; i++) await new Promise((r) => setTimeout(r, 50));
  http = await startHttpServer(runtime.app, { port: 0, host: '127.0.0.1' });
});
afterAll(async () => {
  await http?.close();
  await runtime?.close(2_000);
  const keys = await redis.keys(`${prefix}:*`);
  if (keys.length) await redis.del(...keys);
  redis.disconnect();
  await rm(inbox, { recursive: true, force: true });
  await t?.drop();
});

/** Submits through the service, as the API does (the BullMQ producer enqueues the run's job). */
async function submit(file: string) {
  return (await runtime.app.services.imports.submit(file, { requestedBy: 'canary-test' })).run;
}

async function redisDump(): Promise<{ keys: string[]; text: string }> {
  const keys: string[] = [];
  let cursor = '0';
  do {
    const [next, batch] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
    keys.push(...batch);
    cursor = next;
  } while (cursor !== '0');
  const parts: string[] = [];
  for (const k of keys) {
    const type = await redis.type(k);
    if (type === 'string') parts.push(String(await redis.get(k)));
    else if (type === 'hash') parts.push(JSON.stringify(await redis.hgetall(k)));
    else if (type === 'list') parts.push(JSON.stringify(await redis.lrange(k, 0, -1)));
    else if (type === 'set') parts.push(JSON.stringify(await redis.smembers(k)));
    else if (type === 'zset') parts.push(JSON.stringify(await redis.zrange(k, 0, -1, 'WITHSCORES')));
    else if (type === 'stream') parts.push(JSON.stringify(await redis.xrange(k, '-', '+')));
  }
  return { keys, text: `${keys.join('\n')}\n${parts.join('\n')}` };
}

describe('personal-data canaries', () => {
  it('never appear in logs, Redis keys and values, job payloads or client errors', async () => {
    const file = join(inbox, 'sisben_canary.csv');
    await writeFile(file, [HEADER, ...ROWS].join('\n') + '\n', 'utf8');
    const run = await submit(file);
    const deadline = Date.now() + 60_000;
    let state = run.state;
    while (!['done', 'failed'].includes(state) && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 200));
      state = (await runtime.app.services.imports.getRun(run.id))!.state;
    }
    const finished = (await runtime.app.services.imports.getRun(run.id))!;
    expect(finished.state).toBe('done');
    expect(finished.rowsRejected).toBe(2);

    // Not vacuous: the canaries did go through the pipeline into the database...
    const [{ n }] = await t.db.rows<{ n: number }>(
      sql`select count(*)::int as n from source_entities where ${'ZYXCANARIO'} in (first_name, second_name, first_surname, second_surname)`,
    );
    expect(n).toBeGreaterThan(0);

    // ... and the API reports the bad rows to an operator, without quoting them.
    const operator = (await runtime.app.services.clients.create({ name: 'canary-operator', role: 'operator', actor: 'test' })).token;
    const res = await fetch(`${http.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...bearer(operator) },
      body: JSON.stringify({
        query: `{ importRun(id: "${run.id}") { state rowsRejected failureReason errorCounts { code field count } errors(first: 50) { nodes { line field code message } } } }`,
      }),
    });
    const apiText = await res.text();
    const body = JSON.parse(apiText);
    expect(body.data.importRun.errors.nodes.map((e: any) => e.line)).toEqual(expect.arrayContaining([4, 5]));
    // A client error path too: an operator may not read persons; the refusal names no value.
    const refused = await fetch(`${http.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...bearer(operator) },
      body: JSON.stringify({ query: `{ personByDocument(type: CC, number: "${CANARY_DOCS[0]}") { id } }` }),
    });
    expect(refused.status).toBe(403);
    const refusedText = await refused.text();

    const dump = await redisDump();
    expect(dump.keys.length).toBeGreaterThan(0);
    expect(dump.text).toMatch(new RegExp(`runId\\\\?":${run.id}[,}]`)); // the job payload is there, ids only
    const logText = logs.join('');
    expect(logText).toContain(String(run.id));

    for (const canary of CANARY_FORMS) {
      expect(logText, `log contains ${canary}`).not.toContain(canary);
      expect(dump.text, `Redis contains ${canary}`).not.toContain(canary);
      expect(apiText, `API error contains ${canary}`).not.toContain(canary);
      expect(refusedText).not.toContain(canary);
    }
  });
});
