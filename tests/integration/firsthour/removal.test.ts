import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { goldenDrift, testHub, type TestHub } from '../../harness';
import { explain, runCli } from './cli';

/**
 * Issue 10, defect 4b: a sample imported first (with a higher limit) made the next real file of its
 * source fail DISAPPEARANCE_LIMIT_EXCEEDED, and nothing removed a source's records. `runs remove`
 * takes away what one run brought, `sources reset` a whole source; both with a dry run that prints
 * counts only, audited, persons rebuilt from what they still hold, stewards' pins kept.
 */
let h: TestHub;
let env: Record<string, string>;
const count = async (q: ReturnType<typeof sql>) => (await h.db.rows<{ n: number }>(q))[0].n;
const json = (s: string) => JSON.parse(s.trim().split('\n').pop()!);

beforeAll(async () => {
  h = await testHub().workers().start();
  env = { NODE_ENV: 'test', LOG_LEVEL: 'silent', DATABASE_URL: h.database!.url, RECONCILE_TRAINING_SAMPLE: '0' };
}, 60_000);
afterAll(() => h?.close());

describe('removing the records of a sample run, then of a whole source', () => {
  let sampleRun: number;
  let realRun: number;
  let bduaRun: number;
  let sampleNames: string[];

  beforeAll(async () => {
    // The "sample": RUAF records of the same persons as a BDUA file (same seed, same people).
    const sample = await h.generate('RUAF_muestra.txt', { source: 'ruaf', rows: 40, seed: 4001, asOf: '2024-12-31' });
    const bdua = await h.generate('900156264-MS0031122024.TXT', { source: 'bdua', rows: 60, seed: 4001, asOf: '2024-12-31' });
    sampleRun = (await h.importFile(sample.path, 'ruaf')).id;
    bduaRun = (await h.importFile(bdua.path, 'bdua')).id;
    await h.rt.drain();
    await h.app.services.reconciliationRuns.reconcileAll();
    sampleNames = (
      await h.db.rows<{ n: string }>(sql`select first_surname as n from source_entities where source = 'ruaf' and first_surname is not null limit 10`)
    ).map((r) => r.n);
    // A steward's pin between a sample record and a BDUA record: decisions are never removed.
    const [a] = await h.db.rows<{ id: number }>(sql`select id::int from source_entities where source = 'ruaf' order by id limit 1`);
    const [b] = await h.db.rows<{ id: number }>(sql`select id::int from source_entities where source = 'bdua' order by id limit 1`);
    await h.db.rows(sql`insert into link_constraints (kind, entity_a_id, entity_b_id, actor, reason)
      values ('cannot_link', ${Math.min(a.id, b.id)}, ${Math.max(a.id, b.id)}, 'steward:test', 'test pin')`);
    // The real file of the source, other persons: the sample's records would all disappear.
    const real = await h.generate('RUAF_real.txt', { source: 'ruaf', rows: 150, seed: 4002, asOf: '2024-12-31' });
    const failed = await h.importFile(real.path, 'ruaf');
    expect(failed.state).toBe('failed');
    expect(failed.failureCode).toBe('DISAPPEARANCE_LIMIT_EXCEEDED');
    realRun = failed.id;
  }, 240_000);

  it('the dry run prints counts only and changes nothing', async () => {
    const before = await count(sql`select count(*)::int as n from source_entities where source = 'ruaf'`);
    expect(before).toBe(40);
    const args = ['runs', 'remove', String(sampleRun), '--dry-run'];
    const r = await runCli(args, { env, timeoutMs: 60_000 });
    expect(r.code, explain(args, r)).toBe(0);
    expect(r.stdout).toMatch(new RegExp(`^Simulación \\(no se borra nada\\): retirar lo que trajo la corrida ${sampleRun} \\(ruaf, RUAF_muestra\\.txt\\)`));
    expect(r.stdout).toMatch(/registros de fuente +\d+ retirados \(40 entidades\)/);
    expect(r.stdout).toContain('repita la orden sin --dry-run');
    for (const name of sampleNames) expect(r.stdout).not.toContain(name);
    const j = await runCli([...args, '--json'], { env, timeoutMs: 60_000 });
    expect(json(j.stdout)).toMatchObject({ dryRun: true, source: 'ruaf', entities: 40, decisionsKept: 1, auditId: null });
    expect(await count(sql`select count(*)::int as n from source_entities where source = 'ruaf'`)).toBe(40);
    expect(await count(sql`select count(*)::int as n from audit_events where action like 'records.%'`)).toBe(0);
  }, 120_000);

  it('refuses what it cannot undo: a failed run, a bad id', async () => {
    const failed = await runCli(['runs', 'remove', String(realRun)], { env, timeoutMs: 60_000 });
    expect(failed.code, explain(['runs', 'remove'], failed)).toBe(1);
    expect(failed.stderr).toMatch(/^CONFLICT: /);
    const bad = await runCli(['runs', 'remove', 'x1'], { env, timeoutMs: 60_000 });
    expect(bad.code).toBe(2);
    const unknown = await runCli(['sources', 'reset', 'nosuch', '--dry-run'], { env, timeoutMs: 60_000 });
    expect(unknown.code).toBe(2);
  }, 120_000);

  it('removes the run’s records, rebuilds their persons, keeps pins, audits; the real file then imports', async () => {
    const personsOfSample = await h.db.rows<{ id: number; others: number }>(sql`select e.person_id::int as id,
        (select count(*)::int from source_entities o where o.person_id = e.person_id and o.source <> 'ruaf') as others
      from source_entities e where e.source = 'ruaf' and e.person_id is not null group by e.person_id`);
    expect(personsOfSample.length).toBeGreaterThan(0);
    const shared = personsOfSample.filter((p) => p.others > 0).map((p) => p.id);
    const alone = personsOfSample.filter((p) => p.others === 0).map((p) => p.id);
    expect(shared.length).toBeGreaterThan(0);
    const args = ['runs', 'remove', String(sampleRun), '--json'];
    const r = await runCli(args, { env, timeoutMs: 90_000 });
    expect(r.code, explain(args, r)).toBe(0);
    const report = json(r.stdout);
    expect(report).toMatchObject({ dryRun: false, entities: 40, personsRebuilt: personsOfSample.length, decisionsKept: 1, runs: [sampleRun] });
    expect(report.auditId).toBeTruthy();
    expect(await count(sql`select count(*)::int as n from source_entities where source = 'ruaf'`)).toBe(0);
    expect(await count(sql`select count(*)::int as n from source_records where import_run_id = ${sampleRun}`)).toBe(0);
    expect(await count(sql`select count(*)::int as n from affiliations where source = 'ruaf'`)).toBe(0);
    // Persons with BDUA records stay, rebuilt from them; persons only the sample had are gone.
    const left = await h.db.rows<{ id: number }>(sql`select id::int from persons where id = any(${`{${[...shared, ...alone].join(',')}}`}::bigint[])`);
    expect(new Set(left.map((p) => p.id))).toEqual(new Set(shared));
    expect(await goldenDrift(h.app)).toEqual([]);
    expect(
      await count(sql`select count(*)::int as n from persons p where p.status = 'active'
      and not exists (select 1 from source_entities e where e.person_id = p.id)`),
    ).toBe(0);
    // The steward's pin is untouched; the audit has the counts (no personal data).
    expect(await count(sql`select count(*)::int as n from link_constraints where reason = 'test pin' and revoked_at is null`)).toBe(1);
    const [audit] = await h.db.rows<{ actor: string; subject_id: string; after: Record<string, unknown> }>(
      sql`select actor, subject_id, after from audit_events where action = 'records.remove_run'`,
    );
    expect(audit).toMatchObject({ subject_id: String(sampleRun), after: { entities: 40, source: 'ruaf' } });
    expect(audit.actor).toMatch(/^cli:/);
    for (const name of sampleNames) expect(JSON.stringify(audit.after)).not.toContain(name);
    // The real file, retried as it was: a first snapshot of the source now.
    const retry = await runCli(['runs', 'retry', String(realRun), '--json'], { env, timeoutMs: 120_000 });
    expect(retry.code, explain(['runs', 'retry'], retry)).toBe(0);
    expect(json(retry.stdout)).toMatchObject({ state: 'done', added: 150 });
  }, 240_000);

  it('sources reset removes a whole source (dry run first), audited', async () => {
    // The retry's process ran the reconciliation it started to the end (issue 10, defect 1): nothing is
    // under way, so the removal is not refused.
    expect(await count(sql`select count(*)::int as n from reconciliation_runs where state not in ('done', 'failed')`)).toBe(0);
    const dry = await runCli(['sources', 'reset', 'ruaf', '--dry-run', '--json'], { env, timeoutMs: 60_000 });
    expect(dry.code, explain(['sources', 'reset'], dry)).toBe(0);
    expect(json(dry.stdout)).toMatchObject({ dryRun: true, source: 'ruaf', entities: 150 });
    const args = ['sources', 'reset', 'ruaf', '--lang', 'en'];
    const r = await runCli(args, { env: env, timeoutMs: 90_000 });
    expect(r.code, explain(args, r)).toBe(0);
    expect(r.stdout).toMatch(/^Done: reset source ruaf/);
    expect(await count(sql`select count(*)::int as n from source_entities where source = 'ruaf'`)).toBe(0);
    expect(await count(sql`select count(*)::int as n from source_entities where source = 'bdua'`)).toBe(60);
    expect(await count(sql`select count(*)::int as n from audit_events where action = 'records.reset_source' and subject_id = 'ruaf'`)).toBe(1);
    expect(await goldenDrift(h.app)).toEqual([]);
    // The BDUA run is untouched and still the source's latest.
    expect((await h.imports.getRun(bduaRun))?.state).toBe('done');
  }, 240_000);
});
