/**
 * Snapshot semantics: each file is a full extract of its source. A changed extract gives exactly
 * the added / changed / disappeared counts the generator planned; a record that disappears is
 * marked vanished (never deleted), its facts retired and its memberships closed; a record that
 * comes back counts as added and is active again; source_records only ever grows.
 */
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Expected } from '../../src/synthetic';
import type { ImportRunRow } from '../../src/imports';
import { statusCounts, testHub, type TestHub } from '../harness';

type RecordRow = { id: number; import_run_id: number; line_no: number; source_key: string; h: string; raw: string; normalized: string; entity: number };
const allRecords = (h: TestHub) =>
  h.db.rows<RecordRow>(sql`select id::int, import_run_id::int, line_no, source_key, encode(content_hash, 'hex') as h, raw, normalized::text as normalized,
    source_entity_id::int as entity from source_records order by id`);

describe.each([
  { chunkSize: '50000', label: 'one chunk' },
  { chunkSize: '37', label: 'many small chunks' },
])('snapshots of Sisbén ($label)', ({ chunkSize }) => {
  const ROWS = 500;
  const SEED = 31;
  let h: TestHub;
  let base: { run: ImportRunRow; expected: Expected };
  let changed: { run: ImportRunRow; expected: Expected };
  let recordsBefore: RecordRow[];

  beforeAll(async () => {
    h = await testHub().config({ IMPORT_CHUNK_SIZE: chunkSize }).start();
    const b = await h.generate('sisben_base.csv', { source: 'sisben', rows: ROWS, seed: SEED });
    base = { run: await h.importFile(b.path, 'sisben'), expected: b.expected };
    recordsBefore = await allRecords(h);
    const c = await h.generate('sisben_changed.csv', { source: 'sisben', rows: ROWS, seed: SEED, changes: { added: 20, changed: 30, removed: 15 } });
    changed = { run: await h.importFile(c.path, 'sisben'), expected: c.expected };
  });
  afterAll(async () => {
    await h.close();
  });

  it('the base extract adds every record', () => {
    expect(base.run.state).toBe('done');
    expect([base.run.added, base.run.changed, base.run.unchanged, base.run.disappeared]).toEqual([ROWS, 0, 0, 0]);
  });

  it('a changed extract gives exactly the planned added / changed / disappeared counts', async () => {
    const ch = changed.expected.changes!;
    expect([ch.added.length, ch.changed.length, ch.removed.length]).toEqual([20, 30, 15]);
    expect(changed.run.state).toBe('done');
    expect(changed.run.previousRunId).toBe(base.run.id);
    expect({ added: changed.run.added, changed: changed.run.changed, unchanged: changed.run.unchanged, disappeared: changed.run.disappeared }).toEqual({
      added: 20,
      changed: 30,
      unchanged: ROWS - 30 - 15,
      disappeared: 15,
    });
    // The chunks add up to the run's counters.
    const [sum] = await h.db.rows<
      Record<string, number>
    >(sql`select sum(added)::int as added, sum(changed)::int as changed, sum(unchanged)::int as unchanged, count(*)::int as chunks
      from import_chunks where import_run_id = ${changed.run.id}`);
    expect(sum).toEqual({ added: 20, changed: 30, unchanged: ROWS - 45, chunks: changed.run.chunksTotal });
    // Exactly the planned keys.
    const keys = async (q: ReturnType<typeof sql>) => (await h.db.rows<{ k: string }>(q)).map((r) => r.k).sort();
    expect(await keys(sql`select source_key as k from source_entities where first_seen_run_id = ${changed.run.id}`)).toEqual([...ch.added].sort());
    expect(
      await keys(sql`select source_key as k from source_entities where changed_run_id = ${changed.run.id} and first_seen_run_id <> ${changed.run.id}`),
    ).toEqual([...ch.changed].sort());
    expect(await keys(sql`select source_key as k from source_entities where vanished_run_id = ${changed.run.id}`)).toEqual([...ch.removed].sort());
  });

  it('disappeared records are marked vanished, never deleted; their facts retired and memberships closed', async () => {
    const removed = changed.expected.changes!.removed;
    expect(await statusCounts(h.db, 'sisben')).toEqual({ active: ROWS - 15 + 20, vanished: 15, records: ROWS + 20 + 30 });
    const [r] = await h.db.rows<Record<string, number>>(sql`
      with gone as (select id from source_entities where source_key = any(${`{${removed.join(',')}}`}::text[]))
      select
        (select count(*)::int from gone) as entities,
        (select count(*)::int from source_entities e join gone g using (id) where e.status = 'vanished' and e.match_pending) as vanished,
        (select count(*)::int from sisben_classifications f join gone g on g.id = f.source_entity_id where f.status = 'vanished') as facts_retired,
        (select count(*)::int from household_memberships m join gone g on g.id = m.source_entity_id where m.valid_to is not null) as memberships_closed,
        (select count(*)::int from household_memberships m join gone g on g.id = m.source_entity_id where m.valid_to is null) as memberships_open,
        (select count(*)::int from source_records s join gone g on g.id = s.source_entity_id) as records_kept`);
    expect(r).toEqual({ entities: 15, vanished: 15, facts_retired: 15, memberships_closed: 15, memberships_open: 0, records_kept: 15 });
    // A household whose every member disappeared is vanished; one with a current member is active.
    const [hh] = await h.db.rows<{ wrong: number }>(sql`select count(*)::int as wrong from households h
      where (h.status = 'active') <> exists (select 1 from household_memberships m where m.household_id = h.id and m.valid_to is null)`);
    expect(hh.wrong).toBe(0);
  });

  it('source_records is append-only: earlier versions are untouched, each change adds one', async () => {
    const after = await allRecords(h);
    const byId = new Map(after.map((r) => [r.id, r]));
    for (const r of recordsBefore) expect(byId.get(r.id)).toEqual(r);
    expect(after.length - recordsBefore.length).toBe(changed.run.added + changed.run.changed);
    // Every entity's current version is its newest record.
    const [bad] = await h.db.rows<{ n: number }>(sql`select count(*)::int as n from source_entities e
      where e.current_record_id <> (select max(r.id) from source_records r where r.source_entity_id = e.id)`);
    expect(bad.n).toBe(0);
  });

  it('the base extract again: reappearing records count as added and are active again; changes revert', async () => {
    // The same content with CRLF line ends: other bytes (a new run), the same records.
    const again = await h.generate('sisben_base_crlf.csv', { source: 'sisben', rows: ROWS, seed: SEED, eol: 'crlf' });
    const run = await h.importFile(again.path, 'sisben');
    expect(run.state).toBe('done');
    expect({ added: run.added, changed: run.changed, unchanged: run.unchanged, disappeared: run.disappeared }).toEqual({
      added: 15,
      changed: 30,
      unchanged: ROWS - 45,
      disappeared: 20,
    });
    const removed = changed.expected.changes!.removed;
    const [r] = await h.db.rows<Record<string, number>>(sql`
      with back as (select id from source_entities where source_key = any(${`{${removed.join(',')}}`}::text[]))
      select
        (select count(*)::int from source_entities e join back b using (id) where e.status = 'active' and e.vanished_run_id is null and e.changed_run_id = ${run.id}) as active,
        (select count(*)::int from sisben_classifications f join back b on b.id = f.source_entity_id where f.status = 'active') as facts,
        (select count(*)::int from household_memberships m join back b on b.id = m.source_entity_id where m.valid_to is null) as memberships`);
    expect(r).toEqual({ active: 15, facts: 15, memberships: 15 });
    // Entities are never deleted: the 20 added by the changed extract are vanished now.
    expect(await statusCounts(h.db, 'sisben')).toEqual({ active: ROWS, vanished: 20, records: ROWS + 20 + 30 + 15 + 30 });
    // A reverted record's content digest is its first version's again.
    const [same] = await h.db.rows<{ n: number }>(sql`select count(*)::int as n from source_entities e
      where e.changed_run_id = ${run.id} and e.content_hash = (select r.content_hash from source_records r where r.source_entity_id = e.id and r.import_run_id = ${base.run.id})`);
    expect(same.n).toBe(45);
  });
});

describe('snapshots of BDUA and RUV retire their facts', () => {
  let h: TestHub;
  beforeAll(async () => {
    h = await testHub().config({ IMPORT_CHUNK_SIZE: '64' }).start();
  });
  afterAll(async () => {
    await h.close();
  });

  for (const source of ['bdua', 'ruv'] as const) {
    it(`${source}: removed records' ${source === 'bdua' ? 'affiliations' : 'victim registrations'} are retired`, async () => {
      const name = source === 'bdua' ? (v: string) => `9000${v}-MS0031122024.TXT` : (v: string) => `VICTIMAS_2024${v}.txt`;
      const b = await h.generate(name('1'), { source, rows: 400, seed: 41 });
      const base = await h.importFile(b.path, source);
      expect(base.state).toBe('done');
      const c = await h.generate(name('2'), { source, rows: 400, seed: 41, changes: { added: 5, changed: 8, removed: 6 } });
      const run = await h.importFile(c.path, source);
      const ch = c.expected.changes!;
      expect([run.state, run.added, run.changed, run.disappeared]).toEqual(['done', ch.added.length, ch.changed.length, ch.removed.length]);
      const table = sql.raw(source === 'bdua' ? 'affiliations' : 'victim_registrations');
      const [r] = await h.db.rows<Record<string, number>>(sql`select
        (select count(*)::int from ${table} f join source_entities e on e.id = f.source_entity_id where e.status = 'vanished' and f.status = 'vanished') as retired,
        (select count(*)::int from ${table} f join source_entities e on e.id = f.source_entity_id where e.status = 'vanished' and f.status = 'active') as still_active,
        (select count(*)::int from ${table} f join source_entities e on e.id = f.source_entity_id where e.status = 'active' and f.status = 'active' and f.source_record_id = e.current_record_id) as current`);
      expect(r).toEqual({ retired: ch.removed.length, still_active: 0, current: run.rowsLoaded });
    });
  }
});
