import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { sql } from 'drizzle-orm';
import type { SourceName } from '../kernel';
import { generateFile } from '../synthetic';
import type { App } from '../app';
import { num, t } from './i18n';

/**
 * Fills an empty registry with a synthetic, realistic population so a new user can query at once:
 * the demo writes Sisbén IV, BDUA, RUAF and RUV files (real layouts and encodings; the same persons
 * across registries, with their spellings and documents), the Sisbén IV hogares/viviendas file of
 * the same households and a Mapa de Oferta Local, and runs them through the real pipeline —
 * import, reconciliation, golden records — exactly as agency files would go.
 */
export async function seedDemo(
  app: App,
  opts: { households: number; seed?: number; onProgress?: (message: string) => void },
): Promise<{ skipped: boolean; persons: number; households: number }> {
  const say = opts.onProgress ?? (() => {});
  const [{ n }] = await app.db.rows<{ n: number }>(sql`select count(*)::int as n from persons`);
  if (n > 0) {
    say(t('demo.already', { count: num(n) }));
    return { skipped: true, persons: n, households: 0 };
  }
  const dir = join(app.config.DATA_DIR, 'demo');
  await mkdir(dir, { recursive: true });
  const seed = opts.seed ?? 20_091_231;
  // About 3.3 persons per household; the other registries cover most of the same people.
  const persons = Math.round(opts.households * 3.3);
  const plan: { source: SourceName; rows: number }[] = [
    { source: 'sisben', rows: persons },
    { source: 'bdua', rows: Math.round(persons * 0.85) },
    { source: 'ruaf', rows: Math.round(persons * 0.6) },
    { source: 'ruv', rows: Math.round(persons * 0.12) },
    // The dwelling and household conditions of the same Sisbén households (rows = persons of the
    // Sisbén file, so the keys join), and the local offer of services in their municipalities.
    { source: 'sisben_hogares', rows: persons },
    { source: 'oferta', rows: Math.max(20, Math.round(opts.households / 12)) },
  ];
  // File names as the registries deliver them: BDUA's régimen comes from `…MS…` (subsidiado) in the name.
  const fileNames: Record<SourceName, string> = {
    sisben: 'demo-sisben-personas.txt',
    bdua: 'DEMO-MS0031122024.TXT',
    ruaf: 'demo-ruaf.txt',
    ruv: 'VICTIMAS_202412.txt',
    sisben_hogares: 'demo-sisben-hogares.csv',
    oferta: 'demo-mapa-oferta-local.csv',
  };
  for (const { source, rows } of plan) {
    const out = join(dir, fileNames[source]);
    // The registries are a 2024-12-31 cut; the local offer is the one in force this year, since the
    // territorial report reads the offer whose period includes today (otherwise the demo shows no cupos).
    const asOf = source === 'oferta' ? new Date().toISOString().slice(0, 10) : '2024-12-31';
    await generateFile({ source, rows, seed, out, asOf });
    say(t('demo.importing', { rows: num(rows), source }));
    const { run } = await app.services.imports.submit(out, { source, requestedBy: 'demo' });
    const done = await waitForImport(app, run.id);
    if (done !== 'done') throw new Error(`demo import of ${source} ended ${done}`);
  }
  say(t('demo.reconciling'));
  await waitForReconciliation(app);
  const [counts] = await app.db.rows<{ persons: number; households: number }>(
    sql`select (select count(*)::int from persons where status = 'active') as persons, (select count(*)::int from households) as households`,
  );
  say(t('demo.ready', { persons: num(counts.persons), households: num(counts.households) }));
  return { skipped: false, ...counts };
}

async function waitForImport(app: App, runId: number): Promise<string> {
  for (;;) {
    const run = await app.services.imports.getRun(runId);
    if (run && (run.state === 'done' || run.state === 'failed')) return run.state;
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** Waits for the reconciliation runs the imports started; a stuck run surfaces as an error, not a hang. */
async function waitForReconciliation(app: App): Promise<void> {
  for (let attempt = 0; attempt < 3; attempt++) {
    for (;;) {
      if (!(await app.services.reconciliation.unfinishedRunIds()).length) break;
      await new Promise((r) => setTimeout(r, 250));
    }
    const [{ pending }] = await app.db.rows<{ pending: number }>(sql`select count(*)::int as pending from source_entities where match_pending`);
    if (pending === 0) return;
    const run = await app.services.reconciliation.requestRun('manual');
    await app.services.reconciliation.waitFor(run.id);
  }
  throw new Error('demo: reconciliation left records unmatched; see the logs');
}
