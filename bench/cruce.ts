/**
 * The cruce's targets (issue 13), measured. Not part of the tests.
 *
 *   npx tsx bench/cruce.ts [--persons 100000] [--rows 100000] [--absent 0.1] [--seed 7] [--sync-runs 5] [--keep]
 *
 * 1. A synthetic registry: a Sisbén IV file of `--persons` persons (src/synthetic/linkage, realistic
 *    name frequencies, twins and namesakes) through the real import and reconciliation, in a fresh
 *    PostgreSQL database created for the run and dropped afterwards.
 * 2. A labelled list of `--rows` rows: registry persons (drawn from the registry's own records, so the
 *    truth is the person each record belongs to) with the usual noise — dots in numbers (30 %),
 *    accents lost (20 %), a typo in a name (10 %), swapped surnames (5 %), no document (10 %) — and
 *    `--absent` persons who are not in the registry (fresh numbers, or no document).
 * 3. The list as a file through the CLI path (CruceService.runLocalFile: parse, match, answer files,
 *    services, audit): wall time and rows/s (target: 100,000 rows ≤ 30 s).
 * 4. matchPersons of 1,000 rows over HTTP (GraphQL, bearer token, limits and audit on), `--sync-runs`
 *    times: p50 and max (target < 2 s).
 * 5. Accuracy against the labels: share of present persons answered with the right person (≥ 99 %),
 *    share of absent persons matched to someone (≤ 0.1 %), by match type and by noise class.
 */
import { readFile } from 'node:fs/promises';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'drizzle-orm';
import postgres from 'postgres';
import { startRuntime } from '../jobs/runtime';
import { loadConfig } from '../src/platform/config';
import { createPostgresDatabase } from '../src/platform/db/postgres';
import { createLogger } from '../src/platform/logger';
import { startHttpServer } from '../src/http/server';
import { generateLinkage } from '../src/synthetic';
import { Rng } from '../src/synthetic';
import { typo } from '../src/synthetic/linkage/noise';
import { TEST_PG_ADMIN_URL } from '../tests/harness/env';
import { benchArgs, KEEP_OPTION } from './args';

const { flag, num } = benchArgs(
  `The cruce's targets: a labelled list against a synthetic registry (file rows/s, matchPersons latency, accuracy).
  npx tsx bench/cruce.ts [--persons 100000] [--rows 100000] [--absent 0.1] [--seed 7] [--sync-runs 5] [--keep]`,
  {
    persons: { type: 'string', value: 'N', help: 'persons of the registry (default 100,000)' },
    rows: { type: 'string', value: 'N', help: 'rows of the list (default 100,000)' },
    absent: { type: 'string', value: 'SHARE', help: 'share of the list that is not in the registry (default 0.1)' },
    seed: { type: 'string', value: 'N', help: 'random seed (default 7)' },
    'sync-runs': { type: 'string', value: 'N', help: 'matchPersons calls of 1,000 rows over HTTP (default 5)' },
    keep: KEEP_OPTION,
  },
);
const fmt = (n: number) => Math.round(n).toLocaleString('en');
const pct = (x: number, d = 2) => `${(x * 100).toFixed(d)} %`;

const persons = num('persons', 100_000);
const rows = num('rows', 100_000);
const absentShare = num('absent', 0.1);
const seed = num('seed', 7);
const syncRuns = num('sync-runs', 5);

interface Entity {
  person: string;
  doc_type: string | null;
  doc_number: string | null;
  first_name: string | null;
  second_name: string | null;
  first_surname: string | null;
  second_surname: string | null;
  birth_date: string | null;
  sex: string | null;
  municipality_code: string | null;
}

interface Labelled {
  cells: string[];
  /** The person the row belongs to; null for an absent person. */
  truth: string | null;
  noise: string[];
}

const HEADER = [
  'tipo_documento',
  'numero_documento',
  'primer_nombre',
  'segundo_nombre',
  'primer_apellido',
  'segundo_apellido',
  'fecha_nacimiento',
  'sexo',
  'municipio',
];
const dmy = (iso: string | null) => (iso ? `${iso.slice(8, 10)}/${iso.slice(5, 7)}/${iso.slice(0, 4)}` : '');
const dots = (n: string) => n.replace(/\B(?=(\d{3})+(?!\d))/g, '.');
const unaccent = (s: string) => s.normalize('NFD').replace(/[\u0300-\u036f]/g, '');

function presentRow(e: Entity, r: Rng): Labelled {
  const noise: string[] = [];
  let first = e.first_name ?? '';
  let s1 = e.first_surname ?? '';
  let s2 = e.second_surname ?? '';
  let type = e.doc_type ?? '';
  let number = e.doc_number ?? '';
  if (number && r.chance(0.3) && /^\d+$/.test(number)) {
    number = dots(number);
    noise.push('dots');
  }
  if (r.chance(0.2)) {
    [first, s1, s2] = [first, s1, s2].map(unaccent);
    noise.push('accents');
  }
  if (r.chance(0.1)) {
    if (r.chance(0.5)) first = typo(first, r) ?? first;
    else s1 = typo(s1, r) ?? s1;
    noise.push('typo');
  }
  if (s2 && r.chance(0.05)) {
    [s1, s2] = [s2, s1];
    noise.push('swapped');
  }
  if (number && r.chance(0.1)) {
    type = '';
    number = '';
    noise.push('noDocument');
  }
  if (!e.doc_number) noise.push('noDocumentInRegistry');
  return {
    cells: [type, number, first, e.second_name ?? '', s1, s2, dmy(e.birth_date), e.sex ?? '', e.municipality_code ?? ''],
    truth: e.person,
    noise,
  };
}

async function main() {
  console.log(`cruce bench: registry ${fmt(persons)} persons, list ${fmt(rows)} rows (${pct(absentShare, 0)} absent), seed ${seed}`);
  console.log(
    `machine: ${cpus().length} cores, load ${loadavg()
      .map((l) => l.toFixed(1))
      .join(' ')}`,
  );
  const dir = await mkdtemp(join(tmpdir(), 'juntos-bench-cruce-'));
  const name = `juntos_bench_cruce_${process.pid}`;
  const admin = postgres(TEST_PG_ADMIN_URL, { onnotice: () => {}, max: 1 });
  await admin.unsafe(`create database "${name}"`);
  const u = new URL(TEST_PG_ADMIN_URL);
  u.pathname = `/${name}`;
  const db = createPostgresDatabase({ url: u.toString(), poolMax: 4 });
  try {
    await db.migrate();
    const config = loadConfig({
      NODE_ENV: 'production',
      LOG_LEVEL: 'silent',
      DATABASE_URL: u.toString(),
      DATA_DIR: join(dir, 'data'),
      INBOX_DIR: join(dir, 'inbox'),
    });
    const rt = await startRuntime({ config, db, logger: createLogger({ level: 'silent' }), workers: false });
    const { imports, reconciliation, cruce, clients } = rt.app.services;

    // 1. The registry.
    let t = performance.now();
    const manifest = await generateLinkage({ persons, seed, outDir: join(dir, 'registry'), sources: ['sisben'], coverage: { sisben: 1 } });
    const file = manifest.files[0];
    const { run } = await imports.submit(file.path, { source: 'sisben', requestedBy: 'bench' });
    await imports.process(run.id);
    const [recon] = await db.rows<{ id: string }>(sql`select id from reconciliation_runs where import_run_id = ${run.id}`);
    await reconciliation.process(Number(recon.id));
    const [{ n }] = await db.rows<{ n: string }>(sql`select count(*) as n from persons where status = 'active'`);
    console.log(
      `registry: ${fmt(file.rows)} Sisbén rows → ${fmt(Number(n))} persons in ${((performance.now() - t) / 1000).toFixed(1)} s (import + reconciliation)`,
    );

    // 2. The labelled list.
    const entities = await db.rows<Entity>(
      sql`select p.public_id::text as person, e.doc_type, e.doc_number, e.first_name, e.second_name, e.first_surname, e.second_surname,
          e.birth_date::text as birth_date, e.sex, e.municipality_code
        from source_entities e join persons p on p.id = e.person_id where p.status = 'active' order by e.id`,
    );
    const known = new Set(entities.map((e) => e.doc_number).filter(Boolean));
    const r = new Rng(seed * 977 + 3);
    const absentPool = new LinkagePool(seed + 1000);
    const list: Labelled[] = [];
    const absentRows = Math.round(rows * absentShare);
    for (let i = 0; i < rows - absentRows; i++) list.push(presentRow(entities[r.int(0, entities.length - 1)], r));
    for (let i = 0; i < absentRows; i++) list.push(await absentPool.row(r, known));
    // Shuffle so absent rows are spread through the batches.
    for (let i = list.length - 1; i > 0; i--) {
      const j = r.int(0, i);
      [list[i], list[j]] = [list[j], list[i]];
    }
    const text = [HEADER, ...list.map((l) => l.cells)].map((c) => c.join(';')).join('\r\n') + '\r\n';
    const listPath = join(dir, 'lista.csv');
    await writeFile(listPath, text);

    // 3. The file cruce.
    const access = { actor: 'bench', role: 'admin' as const, scope: null, clientId: null };
    t = performance.now();
    const cpu0 = process.cpuUsage();
    const done = await cruce.runLocalFile(access, { agency: 'bench' }, listPath);
    const ms = performance.now() - t;
    const cpu = process.cpuUsage(cpu0);
    console.log(
      `\nfile cruce of ${fmt(rows)} rows: ${(ms / 1000).toFixed(1)} s (${fmt(rows / (ms / 1000))} rows/s; Node CPU ${((cpu.user + cpu.system) / 1e6).toFixed(1)} s)` +
        `  target ≤ 30 s for 100,000 rows: ${rows >= 100_000 ? (ms <= 30_000 ? 'met' : 'NOT met') : 'n/a (smaller list)'}`,
    );
    console.log(
      `  phases (wall ms): ${Object.entries(cruce.lastTimings)
        .map(([k, v]) => `${k} ${fmt(v)}`)
        .join(' · ')}`,
    );
    console.log(
      `  Documento ${fmt(done.rowsDocument)} · Fonético ${fmt(done.rowsPhonetic)} · No cruzó ${fmt(done.rowsUnmatched)} · errors ${fmt(done.rowsRejected)} · ambiguous ${fmt(done.rowsAmbiguous)}`,
    );

    // 5. Accuracy.
    const csv = (await readFile(cruce.outputPath(done, 'csv')!, 'utf8')).replace(/^\uFEFF/, '').split('\r\n');
    const header = csv[0].split(';');
    const col = (h: string) => header.indexOf(h);
    const answers = csv
      .slice(1)
      .filter(Boolean)
      .map((l) => l.split(';'));
    let present = 0;
    let right = 0;
    let wrong = 0;
    let absent = 0;
    let falseMatches = 0;
    const byNoise = new Map<string, { n: number; right: number }>();
    const byType = new Map<string, number>();
    answers.forEach((a, i) => {
      const label = list[i];
      const got = a[col('id_persona')] || null;
      byType.set(a[col('tipo_cruce')], (byType.get(a[col('tipo_cruce')]) ?? 0) + 1);
      if (label.truth === null) {
        absent++;
        if (got) falseMatches++;
        return;
      }
      present++;
      const ok = got === label.truth;
      if (ok) right++;
      else if (got) wrong++;
      for (const k of label.noise.length ? label.noise : ['clean']) {
        const s = byNoise.get(k) ?? { n: 0, right: 0 };
        s.n++;
        if (ok) s.right++;
        byNoise.set(k, s);
      }
    });
    console.log(
      `\naccuracy: present persons answered with the right person ${pct(right / present)} (${fmt(right)}/${fmt(present)}; wrong person ${fmt(wrong)})` +
        `  target ≥ 99 %: ${right / present >= 0.99 ? 'met' : 'NOT met'}`,
    );
    console.log(
      `          absent persons matched to someone ${pct(falseMatches / Math.max(1, absent), 3)} (${fmt(falseMatches)}/${fmt(absent)})  target ≤ 0.1 %: ${falseMatches / Math.max(1, absent) <= 0.001 ? 'met' : 'NOT met'}`,
    );
    console.log('  right person by noise class:');
    for (const [k, s] of [...byNoise].sort((a, b) => b[1].n - a[1].n)) console.log(`    ${k.padEnd(22)} ${fmt(s.n).padStart(8)} rows  ${pct(s.right / s.n)}`);

    // 4. matchPersons over HTTP.
    const server = await startHttpServer(rt.app, { port: 0, host: '127.0.0.1' });
    try {
      const { token } = await clients.create({ name: 'bench-reader', role: 'reader', scope: [], actor: 'bench' });
      const keys = ['docType', 'docNumber', 'firstName', 'secondName', 'firstSurname', 'secondSurname', 'birthDate', 'sex', 'municipality'];
      const times: number[] = [];
      for (let k = 0; k < syncRuns; k++) {
        const batch = list.slice(k * 1000, k * 1000 + 1000).map((l) => Object.fromEntries(keys.map((key, i) => [key, l.cells[i] || null])));
        const started = performance.now();
        const res = await fetch(`${server.url}/graphql`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
          body: JSON.stringify({
            query: `mutation($rows: [CruceRowInput!]!) { matchPersons(rows: $rows, agency: "bench") { run { rowsTotal } lines { line matchType personId nameDistance flags facts { sisbenGroup healthState isDisplaced } } } }`,
            variables: { rows: batch },
          }),
        });
        const body = (await res.json()) as { errors?: unknown[]; data?: { matchPersons: { lines: unknown[] } } };
        times.push(performance.now() - started);
        if (body.errors || body.data?.matchPersons.lines.length !== 1000)
          throw new Error(`matchPersons failed: ${JSON.stringify(body.errors ?? '').slice(0, 300)}`);
      }
      times.sort((a, b) => a - b);
      const p50 = times[Math.floor(times.length / 2)];
      console.log(
        `\nmatchPersons of 1,000 rows over HTTP (${syncRuns} runs): p50 ${(p50 / 1000).toFixed(2)} s, max ${(times[times.length - 1] / 1000).toFixed(2)} s  target < 2 s: ${p50 < 2000 ? 'met' : 'NOT met'}`,
      );
    } finally {
      await server.close();
    }
    await rt.close(0);
  } finally {
    await db.close();
    if (!flag('keep')) await admin.unsafe(`drop database if exists "${name}" with (force)`);
    await admin.end();
    await rm(dir, { recursive: true, force: true });
  }
}

/** Persons who are not in the registry: another synthetic population, with numbers nobody holds. */
class LinkagePool {
  private readonly people: Entity[] = [];
  private next = 0;
  constructor(private readonly seed: number) {}

  async row(r: Rng, known: ReadonlySet<string | null>): Promise<Labelled> {
    if (this.next >= this.people.length) await this.refill();
    const e = this.people[this.next++];
    let number = '';
    if (r.chance(0.85)) {
      do number = String(r.int(1_000_000_000, 1_999_999_999));
      while (known.has(number));
    }
    return {
      cells: [
        number ? 'CC' : '',
        number,
        e.first_name ?? '',
        e.second_name ?? '',
        e.first_surname ?? '',
        e.second_surname ?? '',
        dmy(e.birth_date),
        e.sex ?? '',
        e.municipality_code ?? '',
      ],
      truth: null,
      noise: ['absent'],
    };
  }

  private async refill() {
    const { Population } = await import('../src/synthetic');
    const pop = new Population({ seed: this.seed + this.people.length, asOf: '2024-12-31' });
    for (let h = 0; this.people.length < this.next + 5_000; h++) {
      for (const m of pop.household(h).members) {
        this.people.push({
          person: '',
          doc_type: null,
          doc_number: null,
          first_name: m.firstName,
          second_name: m.secondName,
          first_surname: m.firstSurname,
          second_surname: m.secondSurname,
          birth_date: m.birthDate,
          sex: m.sex,
          municipality_code: pop.household(h).municipality,
        });
      }
    }
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
