import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRuntime, type Runtime } from '../../jobs/runtime';
import { createPgliteDatabase } from '../../src/platform/db/pglite';
import type { Database } from '../../src/platform/db';
import { startHttpServer, type HttpServer } from '../../src/http/server';
import { createLogger } from '../../src/platform/logger';
import { seedDemo } from '../../src/cli/seedDemo';
import { testConfig } from '../harness';

/**
 * The embedded default end to end: PGlite (no DATABASE_URL), in-process jobs (no REDIS_URL), the
 * demo seeded through the real pipeline (import → reconciliation), and the API answering on it.
 */
describe('embedded default (PGlite + in-process jobs)', () => {
  let dir: string;
  let db: Database;
  let rt: Runtime;
  let http: HttpServer;
  let token: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'juntos-embedded-'));
    db = await createPgliteDatabase();
    await db.migrate();
    const config = testConfig({ DATA_DIR: dir });
    const embedded = { ...config, DATABASE_URL: undefined, databaseKind: 'pglite' as const };
    rt = await startRuntime({ config: embedded, db, logger: createLogger({ level: 'silent' }), workers: true });
    http = await startHttpServer(rt.app, { port: 0, host: '127.0.0.1' });
    token = (await rt.app.services.clients.create({ name: 'embedded-test', role: 'steward', actor: 'test' })).token;
  }, 120_000);

  afterAll(async () => {
    await http?.close();
    await rt?.close();
    await db?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('seeds the demo through import and reconciliation, and serves it', async () => {
    const seeded = await seedDemo(rt.app, { households: 40, seed: 7 });
    expect(seeded.skipped).toBe(false);
    expect(seeded.households).toBeGreaterThan(30);
    expect(seeded.persons).toBeGreaterThan(100);

    const res = await fetch(`${http.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({
        query: `{ persons(first: 5) { edges { node { id fullName identifiers { type number } sourceRecords { source } } } }
                  importRuns { nodes { source state rowsLoaded } } }`,
      }),
    });
    const body = (await res.json()) as any;
    expect(body.errors).toBeUndefined();
    expect(body.data.persons.edges).toHaveLength(5);
    // Persons gather records of several registries: the reconciliation linked them.
    const sources = new Set(body.data.persons.edges.flatMap((e: any) => e.node.sourceRecords.map((r: any) => r.source)));
    expect(sources.has('SISBEN')).toBe(true);
    expect(sources.size).toBeGreaterThan(1);
    expect(body.data.importRuns.nodes.map((r: any) => [r.source, r.state]).sort()).toEqual([
      ['BDUA', 'DONE'],
      ['OFERTA', 'DONE'],
      ['RUAF', 'DONE'],
      ['RUV', 'DONE'],
      ['SISBEN', 'DONE'],
      ['SISBEN_HOGARES', 'DONE'],
    ]);

    // The demo's local offer is the one in force today, so the territorial report (offer whose
    // period includes today, by default) shows cupos against the demand.
    const report = await fetch(`${http.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ query: '{ territorialReport(level: DEPARTMENT) { lines { logroId supply } } }' }),
    });
    const lines = ((await report.json()) as any).data.territorialReport.lines as { logroId: number; supply: number }[];
    expect(lines.filter((l) => l.supply > 0).length).toBeGreaterThan(0);

    // A second demo on a filled registry does nothing.
    expect((await seedDemo(rt.app, { households: 40 })).skipped).toBe(true);
  }, 120_000);
});
