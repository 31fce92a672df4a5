import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LINKS_CSV_HEADER } from '../../../src/stewardship';
import { KEYS, PEOPLE, importScenario } from '../../harness/factories/stewardship';
import { createTestDatabase, testHub, type TestDatabase, type TestHub } from '../../harness';

let t: TestDatabase;
let hub: TestHub;
let exportDir: string;

beforeAll(async () => {
  t = await createTestDatabase();
  exportDir = mkdtempSync(join(tmpdir(), 'juntos-exports-'));
  hub = await testHub()
    .database(t.db)
    .pipelineDefaults()
    .config({ EXPORT_DIR: join(exportDir, 'out') })
    .workers()
    .start();
  await importScenario(hub);
});
afterAll(async () => {
  await hub?.close();
  await t?.drop();
  rmSync(exportDir, { recursive: true, force: true });
});

/** What the CSV must hold: one row per record, from the database directly. */
async function expectedRows(source?: string): Promise<string[]> {
  const rows = await t.db.rows<{ line: string }>(
    sql`select e.source || ',' || r.file_name || ',' || s.line_no || ',' || p.public_id || ',' || l.link_type || ',' || coalesce(l.score::text, '') as line
      from source_entities e join source_records s on s.id = e.current_record_id join import_runs r on r.id = s.import_run_id
      join persons p on p.id = e.person_id join entity_links l on l.source_entity_id = e.id
      ${source ? sql`where e.source = ${source}::source` : sql``} order by e.id`,
  );
  return rows.map((r) => r.line);
}

describe('links export', () => {
  it('the job writes one row per source record into EXPORT_DIR, owner-only, and records the export', async () => {
    const app = hub.rt.app;
    const requested = await app.services.linksExport.request(null, 'client:test-operator');
    expect(requested.state).toBe('pending');
    await hub.rt.drain();
    const done = (await app.services.linksExport.get(requested.id))!;
    expect(done).toMatchObject({ state: 'done', rows: 5 + 5, requestedBy: 'client:test-operator' });
    expect(done.fileName).toMatch(new RegExp(`^links-${requested.id}-all-\\d{8}\\.csv$`));
    const path = join(exportDir, 'out', done.fileName!);
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(statSync(join(exportDir, 'out')).mode & 0o077).toBe(0);
    expect(readdirSync(join(exportDir, 'out')).filter((f) => f.endsWith('.part'))).toEqual([]);
    const lines = readFileSync(path, 'utf8').trimEnd().split('\n');
    expect(lines[0]).toBe(LINKS_CSV_HEADER);
    const body = lines.slice(1).map((l) => l.replace(/,(\d(?:\.\d+)?(?:e-?\d+)?)$/, (_m, s) => `,${Number(s)}`));
    const want = (await expectedRows()).map((l) => l.replace(/,([\d.e-]+)$/, (_m, s) => `,${Number(s)}`));
    expect(body).toEqual(want);
    // No names or document numbers in the file.
    const text = readFileSync(path, 'utf8');
    for (const p of Object.values(PEOPLE)) {
      expect(text).not.toContain(p.doc);
      expect(text).not.toContain(p.surname1);
    }
    expect(text).not.toContain(KEYS.ruafA);
  });

  it('--source limits it to one source, and the stream writer is the same the CLI uses', async () => {
    const out = new PassThrough();
    const chunks: Buffer[] = [];
    out.on('data', (c) => chunks.push(c));
    const n = await hub.rt.app.services.linksExport.writeCsv(out, 'ruaf');
    out.end();
    const lines = Buffer.concat(chunks).toString('utf8').trimEnd().split('\n');
    expect(n).toBe(5);
    expect(lines).toHaveLength(6);
    expect(lines.slice(1).every((l) => l.startsWith('ruaf,RUAF_afiliados_1.csv,'))).toBe(true);
    expect(lines.slice(1).map((l) => l.split(',')[2])).toEqual(['2', '3', '4', '5', '6']);
  });

  it('a job run twice writes the export once (the second finds it done)', async () => {
    const app = hub.rt.app;
    const r = await app.services.linksExport.request('sisben', 'client:test-operator');
    await hub.rt.drain();
    await app.services.linksExport.process(r.id);
    const done = (await app.services.linksExport.get(r.id))!;
    expect(done).toMatchObject({ state: 'done', rows: 5, source: 'sisben' });
    expect(readdirSync(join(exportDir, 'out')).filter((f) => f.startsWith(`links-${r.id}-`))).toHaveLength(1);
  });
});
