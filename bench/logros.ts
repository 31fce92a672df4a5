/**
 * Logros Básicos at scale: a fresh PostgreSQL database is filled straight in SQL (generate_series,
 * server side) with a registry of N persons in households of 1–6 members over every DIVIPOLA
 * municipality — Sisbén records for everyone, a BDUA affiliation for ~92% (active, suspended or
 * retired), documents by age with gaps, RUV displacements for ~6% — and then:
 *
 *   1. the logros of every person and household computed from scratch (one full logro run);
 *   2. an incremental run after a nightly BDUA cut that changes ~1% of the affiliations and drops
 *      ~0.2% (a reconciliation run over that import, as the pipeline would leave it);
 *   3. the national territorial report (every municipality × logro, and per department) answered by
 *      the service from the maintained aggregates, as readers get it (disclosure control on): p50/p99.
 *
 *   npx tsx bench/logros.ts [--persons 1000000] [--reports 200] [--keep] [--again] [--digest] [--fillfactor 100] [--explain 1000]
 *     [--registry NAME]
 *
 * --again adds a second full run after the incremental one, over the states already computed (what a
 * rule change or an operator's recompute does: every row compared with the old one). --digest prints
 * an md5 of every state, history, count and report table after each run, to compare two versions of
 * the code on the same generated registry (timestamps enter as the run that wrote them). --fillfactor N
 * sets persons' and person_identifiers' fillfactor to N after the registry is generated and rewrites
 * both tables compactly (VACUUM FULL), to compare migration 0024's 50 with the default 100 on equal
 * terms (without the rewrite, the generator's updates would leave a fillfactor 100 table half dead).
 * --registry NAME generates the registry once into database NAME (kept; drop it when done) and runs on a
 * copy of it (CREATE DATABASE … TEMPLATE), or copies it if NAME exists already: both sides of an A/B
 * start from the same registry without generating it twice (--persons and --fillfactor apply when it
 * is generated). --explain MS loads auto_explain on the bench's connection (a superuser's, as TEST_PG_ADMIN_URL's):
 * the plan with actual times of every statement of the runs over MS ms goes to the server log, under
 * the backend pid the bench prints (the timing instrumentation slows the runs: profile, do not time).
 *
 * Targets (issue 12): from scratch ≤ 60 s for 1,000,000 persons, incremental ≤ 10 s, report < 200 ms.
 * Not part of the tests.
 */
import { cpus, loadavg, totalmem } from 'node:os';
import { sql } from 'drizzle-orm';
import postgres from 'postgres';
import { createApp } from '../src/app';
import { InlineJobQueue } from '../jobs/drivers/inline';
import { loadConfig } from '../src/platform/config';
import { createPostgresDatabase } from '../src/platform/db/postgres';
import { createLogger } from '../src/platform/logger';
import { TEST_PG_ADMIN_URL } from '../tests/harness/env';
import { benchArgs, KEEP_OPTION } from './args';

const { arg, flag, num } = benchArgs(
  `Logros Básicos at scale: from scratch, incremental after a nightly cut, the national report's p50/p99.
  npx tsx bench/logros.ts [--persons 1000000] [--reports 200] [--keep] [--again] [--digest] [--fillfactor 100] [--explain 1000]`,
  {
    persons: { type: 'string', value: 'N', help: 'persons of the generated registry (default 1,000,000)' },
    reports: { type: 'string', value: 'N', help: 'national reports answered for the p50/p99 (default 200)' },
    keep: KEEP_OPTION,
    again: { type: 'boolean', help: 'a second full run over the computed states (a rule change)' },
    digest: { type: 'boolean', help: 'md5 of every state, history, count and report table after each run' },
    fillfactor: { type: 'string', value: 'N', help: "persons' and person_identifiers' fillfactor, tables rewritten (VACUUM FULL)" },
    explain: { type: 'string', value: 'MS', help: 'auto_explain of every statement over MS ms, to the server log' },
    registry: { type: 'string', value: 'NAME', help: 'generate the registry once into NAME (kept) and run on a copy of it' },
  },
);
const personsWanted = num('persons', 1_000_000);
const reports = num('reports', 200);
const keep = flag('keep');
const again = flag('again');
const digest = flag('digest');
const fillfactor = arg('fillfactor') == null ? null : num('fillfactor', 100);
const explainMs = arg('explain') == null ? null : num('explain', 0);
const registry = arg('registry');
const fmt = (n: number) => Math.round(n).toLocaleString('en');
const secs = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];

async function main() {
  console.log(
    `machine: ${cpus().length} × ${cpus()[0]?.model ?? '?'}, ${fmt(totalmem() / 1048576)} MB RAM, Node ${process.version}, load average ${loadavg()
      .map((x) => x.toFixed(2))
      .join(' ')}`,
  );
  const name = `juntos_bench_logros_${process.pid}`;
  const admin = postgres(TEST_PG_ADMIN_URL, { onnotice: () => {}, max: 1 });
  const urlOf = (db: string) => {
    const u = new URL(TEST_PG_ADMIN_URL);
    u.pathname = `/${db}`;
    return u.toString();
  };
  const url = urlOf(name);
  // Migrations need two connections (one holds the advisory lock); the bench then uses one, because
  // the generator builds temporary tables that later statements read.
  const migrate = async (target: string) => {
    const migrator = createPostgresDatabase({ url: urlOf(target), poolMax: 2 });
    await migrator.migrate();
    await migrator.close();
  };
  /** The registry generated into `target` (fresh, migrated), with --fillfactor applied. */
  const fill = async (target: string) => {
    const gen = createPostgresDatabase({ url: urlOf(target), poolMax: 1 });
    try {
      const t0 = performance.now();
      await generate(gen.rows.bind(gen), personsWanted);
      const [{ persons, households }] = await gen.rows<{ persons: number; households: number }>(
        sql`select (select count(*) from persons)::int as persons, (select count(*) from households)::int as households`,
      );
      console.log(`registry: ${fmt(persons)} persons in ${fmt(households)} households, generated in SQL in ${secs(performance.now() - t0)}`);
      if (fillfactor != null) {
        if (!Number.isInteger(fillfactor) || fillfactor < 10 || fillfactor > 100) throw new Error('--fillfactor takes an integer from 10 to 100');
        for (const t of ['persons', 'person_identifiers']) {
          await gen.rows(sql.raw(`alter table ${t} set (fillfactor = ${fillfactor})`));
          await gen.rows(sql.raw(`vacuum (full, analyze) ${t}`));
        }
        const [{ size }] = await gen.rows<{ size: string }>(sql`select pg_size_pretty(pg_relation_size('persons')) as size`);
        console.log(`persons and person_identifiers rewritten with fillfactor ${fillfactor} (persons heap ${size})`);
      }
    } finally {
      await gen.close();
    }
  };
  if (registry != null) {
    // One generated registry for both sides of an A/B: each run starts from a copy of it.
    if (!/^[a-z0-9_]+$/.test(registry)) throw new Error('--registry takes a database name of a-z, 0-9 and _');
    const [exists] = await admin`select 1 from pg_database where datname = ${registry}`;
    if (!exists) {
      await admin.unsafe(`create database "${registry}"`);
      await migrate(registry);
      await fill(registry);
      console.log(`registry kept in database ${registry} (drop it when done)`);
    } else console.log(`registry copied from database ${registry}`);
    const t0 = performance.now();
    await admin.unsafe(`create database "${name}" template "${registry}"`);
    console.log(`copied in ${secs(performance.now() - t0)}`);
    await migrate(name);
  } else {
    await admin.unsafe(`create database "${name}"`);
    await migrate(name);
    await fill(name);
  }
  const db = createPostgresDatabase({ url, poolMax: 1 });
  try {
    const config = loadConfig({ NODE_ENV: 'production', LOG_LEVEL: 'silent', DATABASE_URL: url });
    const logger = createLogger({ level: 'silent' });
    const app = createApp({ config, db, logger, queue: new InlineJobQueue(logger) });

    if (explainMs != null) {
      await db.rows(sql`load 'auto_explain'`);
      await db.rows(sql.raw(`set auto_explain.log_min_duration = ${Math.max(0, Math.round(explainMs))}`));
      await db.rows(sql`set auto_explain.log_analyze = on`);
      await db.rows(sql`set auto_explain.log_buffers = on`);
      const [{ pid }] = await db.rows<{ pid: number }>(sql`select pg_backend_pid() as pid`);
      console.log(`auto_explain: plans of statements over ${explainMs} ms in the server log under backend pid ${pid}`);
    }

    // 1. From scratch.
    const full = await app.services.logros.requestFull('manual');
    const t1 = performance.now();
    const fullDone = (await app.services.logros.process(full.id))!;
    const fullMs = performance.now() - t1;
    console.log(
      `from scratch: ${secs(fullMs)} for ${fmt(fullDone.personsEvaluated)} persons and ${fmt(fullDone.householdsEvaluated)} households ` +
        `(${fmt(fullDone.changes)} states written to history; target ≤ 60 s for 1,000,000 persons)`,
    );
    console.log(`  phases (ms): ${JSON.stringify(fullDone.timings)}`);
    if (digest) await printDigests(db.rows.bind(db), 'after the full run');

    // 2. A nightly BDUA cut: ~1% of affiliations change state, ~0.2% drop out of the extract.
    const recId = await nightlyCut(db.rows.bind(db));
    const inc = await app.services.logros.requestAfterReconciliation(recId);
    const t2 = performance.now();
    const incDone = (await app.services.logros.process(inc.id))!;
    const incMs = performance.now() - t2;
    console.log(
      `incremental after a nightly cut: ${secs(incMs)} (${incDone.mode}) for ${fmt(incDone.personsEvaluated)} persons and ${fmt(incDone.householdsEvaluated)} households, ` +
        `${fmt(incDone.changes)} state changes (target ≤ 10 s)`,
    );
    console.log(`  phases (ms): ${JSON.stringify(incDone.timings)}`);
    if (digest) await printDigests(db.rows.bind(db), 'after the incremental run');

    if (again) {
      const second = await app.services.logros.requestFull('manual');
      const t3 = performance.now();
      const secondDone = (await app.services.logros.process(second.id))!;
      console.log(`full run again over computed states: ${secs(performance.now() - t3)} (${fmt(secondDone.changes)} states written to history)`);
      console.log(`  phases (ms): ${JSON.stringify(secondDone.timings)}`);
      if (digest) await printDigests(db.rows.bind(db), 'after the second full run');
    }

    // 3. The national territorial report, as a reader gets it.
    const today = new Date().toISOString().slice(0, 10);
    for (const level of ['municipality', 'department'] as const) {
      const times: number[] = [];
      let lines = 0;
      for (let i = 0; i < reports; i++) {
        const s = performance.now();
        const r = await app.services.logroReports.territorialReport({ level }, { role: 'reader', scope: null }, today);
        times.push(performance.now() - s);
        lines = r.lines.length;
      }
      times.sort((a, b) => a - b);
      console.log(
        `national territorial report by ${level} (${fmt(lines)} lines, reader): p50 ${percentile(times, 50).toFixed(1)} ms, p99 ${percentile(times, 99).toFixed(1)} ms (target < 200 ms)`,
      );
    }
  } finally {
    await db.close();
    if (!keep) await admin.unsafe(`drop database if exists "${name}" with (force)`);
    else console.log(`kept database ${name}`);
    await admin.end();
  }
}

type Rows = (q: ReturnType<typeof sql>) => Promise<unknown[]>;

/**
 * An md5 per logro table: of every row's md5 in key order (the rows' text itself would pass the 1 GB
 * limit of a string at 1,000,000 persons). updated_at and changed_at enter as their rank among the
 * distinct timestamps (each run writes one now()), history rows without their identity.
 */
async function printDigests(rows: Rows, when: string) {
  const tables: [string, string, string][] = [
    ['person_logros', 'person_id, logro', 'updated_at'],
    ['household_logros', 'household_id, logro', 'updated_at'],
    ['person_logro_history', 'person_id, logro, logro_run_id', 'changed_at'],
    ['household_logro_history', 'household_id, logro, logro_run_id', 'changed_at'],
    ['person_logro_counts', 'municipality_code, logro, state, sisben_group, displaced, health_state', ''],
    ['household_logro_counts', 'municipality_code, logro, state, sisben_group, displaced', ''],
    ['household_logro_report', 'municipality_code, logro', ''],
  ];
  const out: string[] = [];
  for (const [table, key, ts] of tables) {
    const rank = ts ? `, dense_rank() over (order by ${ts}) as ts_rank` : '';
    const drop = ts ? ` - '${ts}'${table.endsWith('history') ? " - 'id'" : ''}` : '';
    const [r] = (await rows(
      sql.raw(`select count(*)::int as n, md5(coalesce(string_agg(md5((to_jsonb(t)${drop})::text), ',' order by ${key}), '')) as md5
        from (select *${rank} from ${table}) t`),
    )) as { n: number; md5: string }[];
    out.push(`${table} ${fmt(r.n)} ${r.md5}`);
  }
  console.log(`  digests ${when}: ${out.join('; ')}`);
}

/**
 * A registry the size of a department's worth of Sisbén: households of 1–6 members (hash-drawn),
 * persons with documents by age (RC/TI/CC; 3% without any, 2% with a document no longer right for the
 * age), Sisbén records for all (4% of them with a differing name), BDUA for 92% (85% active), RUV
 * displacement for 6% of households.
 */
async function generate(rows: Rows, n: number) {
  await rows(sql`set maintenance_work_mem = '256MB'`);
  await rows(sql`insert into import_runs (source, file_name, file_path, sha256, file_bytes, state)
    select s::source, s || '-bench.txt', '/bench/' || s, md5(s) || md5(s || 'x'), 1, 'done' from unnest(array['sisben', 'bdua', 'ruv']) s`);
  // Households: members 1–6 from a hash of the index, municipalities spread over DIVIPOLA.
  await rows(sql`create temp table gen_h as
    with m as (select code, row_number() over (order by code) - 1 as i, count(*) over () as k from municipalities)
    select g as hh, 1 + (hashint4(g) & 2147483647) % 6 as members,
      (select code from m where m.i = (hashint4(g * 7) & 2147483647) % m.k) as mun,
      (array['A','B','C','D'])[1 + (hashint4(g * 13) & 2147483647) % 4] as grp
    from generate_series(1, ${Math.ceil(n / 3.5)}) g`);
  await rows(sql`create temp table gen_p as
    select row_number() over (order by h.hh, k)::bigint as pn, h.hh, k as ord, h.mun, h.grp
    from gen_h h cross join lateral generate_series(1, h.members) k`);
  await rows(sql`delete from gen_p where pn > ${n}`);
  await rows(sql`alter table gen_p add primary key (pn)`);
  const [runs] = (await rows(
    sql`select (select id from import_runs where source = 'sisben') as s, (select id from import_runs where source = 'bdua') as b, (select id from import_runs where source = 'ruv') as r`,
  )) as { s: number; b: number; r: number }[];
  // Persons: ages 0–90, sex, names from small lists.
  await rows(sql`insert into persons (first_name, first_surname, second_surname, birth_date, sex, municipality_code, sisben_group, sisben_subgroup, is_victim, is_displaced)
    select (array['MARIA','JOSE','LUZ','JUAN','ANA','LUIS','ROSA','CARLOS'])[1 + pn % 8], (array['PEREZ','GOMEZ','DIAZ','RUIZ','MORA','SOTO'])[1 + pn % 6],
      (array['LOPEZ','ROJAS','VARGAS'])[1 + pn % 3],
      (date '2026-12-02' - ((hashint8(pn) & 2147483647) % 33000)::int),
      (case when pn % 2 = 0 then 'F' else 'M' end)::sex, mun, grp, grp || '1', false, false
    from gen_p order by pn`);
  // persons.id is an identity assigned in pn order on a fresh database: id = pn.
  await rows(sql`create temp table gen_doc as
    select p.id as pn, (case when (hashint8(p.id * 3) & 2147483647) % 100 < 3 then null
      when (hashint8(p.id * 5) & 2147483647) % 100 < 2 then 'RC'
      when extract(year from age(date '2026-12-02', p.birth_date)) < 7 then 'RC'
      when extract(year from age(date '2026-12-02', p.birth_date)) < 18 then 'TI' else 'CC' end) as doc_type,
      (1000000000 + p.id)::text as doc_number, p.birth_date
    from persons p`);
  await rows(sql`alter table gen_doc add primary key (pn)`);
  // Sisbén entities and records (one per person; 4% with a differing second surname).
  await rows(sql`insert into source_entities (source, source_key, current_record_id, content_hash, first_seen_run_id, changed_run_id, doc_type, doc_number,
      first_name, first_surname, second_surname, birth_date, municipality_code, household_key, person_id, match_pending)
    select 'sisben', 'S' || g.pn, g.pn, decode(md5('s' || g.pn), 'hex'), ${runs.s}, ${runs.s}, coalesce(d.doc_type, 'SI'), case when d.doc_type is null then null else d.doc_number end,
      p.first_name, p.first_surname, case when (hashint8(g.pn * 11) & 2147483647) % 100 < 4 then 'X' else p.second_surname end, p.birth_date, g.mun, 'H' || g.hh, g.pn, false
    from gen_p g join persons p on p.id = g.pn join gen_doc d on d.pn = g.pn order by g.pn`);
  await rows(sql`insert into source_records (source, source_entity_id, import_run_id, line_no, source_key, content_hash, raw, normalized)
    select 'sisben', e.id, ${runs.s}, e.id, e.source_key, e.content_hash, 'x', '{}'::jsonb from source_entities e where e.source = 'sisben' order by e.id`);
  await rows(sql`update source_entities e set current_record_id = r.id from source_records r where r.source_entity_id = e.id and e.source = 'sisben'`);
  // BDUA for 92%: 85% of them active, the rest suspended or retired.
  await rows(sql`insert into source_entities (source, source_key, current_record_id, content_hash, first_seen_run_id, changed_run_id, doc_type, doc_number,
      first_name, first_surname, second_surname, birth_date, municipality_code, person_id, match_pending)
    select 'bdua', 'B' || p.id, 0, decode(md5('b' || p.id), 'hex'), ${runs.b}, ${runs.b}, coalesce(d.doc_type, 'CC'), d.doc_number,
      p.first_name, p.first_surname, p.second_surname, p.birth_date, p.municipality_code, p.id, false
    from persons p join gen_doc d on d.pn = p.id where (hashint8(p.id * 17) & 2147483647) % 100 < 92 order by p.id`);
  await rows(sql`insert into source_records (source, source_entity_id, import_run_id, line_no, source_key, content_hash, raw, normalized)
    select 'bdua', e.id, ${runs.b}, e.id, e.source_key, e.content_hash, 'x', '{}'::jsonb from source_entities e where e.source = 'bdua' order by e.id`);
  await rows(sql`update source_entities e set current_record_id = r.id from source_records r where r.source_entity_id = e.id and e.source = 'bdua'`);
  await rows(sql`insert into affiliations (source_entity_id, source_record_id, person_id, source, subsystem, administrator_code, state, state_code)
    select e.id, e.current_record_id, e.person_id, 'bdua', 'SALUD', 'EPS037',
      (case when (hashint8(e.id * 19) & 2147483647) % 100 < 85 then 'ACTIVO' when e.id % 2 = 0 then 'SUSPENDIDO' else 'RETIRADO' end)::affiliation_state, 'AC'
    from source_entities e where e.source = 'bdua'`);
  // Golden provenance: BDUA wins the name where it exists.
  await rows(sql`update persons p set name_source_record_id = coalesce(b.current_record_id, s.current_record_id), birth_date_source_record_id = coalesce(b.current_record_id, s.current_record_id),
      health_state = a.state
    from source_entities s left join source_entities b on b.person_id = s.person_id and b.source = 'bdua' left join affiliations a on a.source_entity_id = b.id
    where s.person_id = p.id and s.source = 'sisben'`);
  await rows(sql`insert into person_identifiers (person_id, doc_type, doc_number, source_record_id)
    select e.person_id, e.doc_type, e.doc_number, e.current_record_id from source_entities e where e.source = 'sisben' and e.doc_number is not null`);
  // Households and memberships.
  await rows(sql`insert into households (source, source_key, municipality_code, sisben_ficha, sisben_group, sisben_subgroup, source_record_id)
    select 'sisben', 'H' || hh, mun, 'F' || hh, grp, grp || '1', 0 from gen_h where exists (select 1 from gen_p where gen_p.hh = gen_h.hh) order by hh`);
  await rows(sql`insert into household_memberships (household_id, source_entity_id, source_record_id, person_id, member_order)
    select h.id, e.id, e.current_record_id, e.person_id, g.ord from gen_p g join source_entities e on e.source = 'sisben' and e.source_key = 'S' || g.pn
      join households h on h.source = 'sisben' and h.source_key = 'H' || g.hh`);
  // RUV: the members of 6% of households displaced.
  await rows(sql`insert into source_entities (source, source_key, current_record_id, content_hash, first_seen_run_id, changed_run_id, doc_type, doc_number, person_id, match_pending)
    select 'ruv', 'R' || g.pn, 0, decode(md5('r' || g.pn), 'hex'), ${runs.r}, ${runs.r}, 'CC', d.doc_number, g.pn, false
    from gen_p g join gen_doc d on d.pn = g.pn where (hashint4(g.hh * 23) & 2147483647) % 100 < 6`);
  await rows(sql`insert into source_records (source, source_entity_id, import_run_id, line_no, source_key, content_hash, raw, normalized)
    select 'ruv', e.id, ${runs.r}, e.id, e.source_key, e.content_hash, 'x', '{}'::jsonb from source_entities e where e.source = 'ruv'`);
  await rows(sql`update source_entities e set current_record_id = r.id from source_records r where r.source_entity_id = e.id and e.source = 'ruv'`);
  await rows(
    sql`insert into victim_registrations (source_entity_id, source_record_id, person_id, event_code) select id, current_record_id, person_id, 5 from source_entities where source = 'ruv'`,
  );
  await rows(sql`update persons p set is_victim = true, is_displaced = true from victim_registrations v where v.person_id = p.id`);
  // Sisbén IV hogares/viviendas for 97% of households (the habitability logros), codes hash-drawn.
  const [hog] = (await rows(sql`insert into import_runs (source, file_name, file_path, sha256, file_bytes, state)
    values ('sisben_hogares', 'hogares-bench.csv', '/bench/hogares', md5('hog') || md5('hogx'), 1, 'done') returning id`)) as { id: number }[];
  await rows(sql`insert into sisben_hogares (import_run_id, line_no, source_key, content_hash, raw, ficha, household_no, municipality_code, zone,
      wall_material, floor_material, has_energy, has_sewer, has_aqueduct, bedrooms, toilet_type, water_source)
    select ${hog.id}, h.id, h.source_key, decode(md5(h.source_key), 'hex'), 'x', h.sisben_ficha, 1, h.municipality_code,
      (array['cabecera', 'cabecera', 'centro_poblado', 'rural_disperso'])[1 + (hashint8(h.id * 31) & 2147483647) % 4]::zone,
      1 + (hashint8(h.id * 37) & 2147483647) % 8, 1 + (hashint8(h.id * 41) & 2147483647) % 6, (hashint8(h.id * 43) & 2147483647) % 100 < 95,
      (hashint8(h.id * 47) & 2147483647) % 100 < 70, (hashint8(h.id * 53) & 2147483647) % 100 < 85, (hashint8(h.id * 59) & 2147483647) % 4,
      1 + (hashint8(h.id * 61) & 2147483647) % 5, 1 + (hashint8(h.id * 67) & 2147483647) % 10
    from households h where (hashint8(h.id * 71) & 2147483647) % 100 < 97 order by h.id`);
  await rows(sql`analyze`);
}

/** A BDUA cut applied and reconciled: ~1% of affiliations change state, ~0.2% vanish. Returns the reconciliation run. */
async function nightlyCut(rows: Rows): Promise<number> {
  const [imp] = (await rows(
    sql`insert into import_runs (source, file_name, file_path, sha256, file_bytes, state) values ('bdua', 'bdua-cut-2.txt', '/bench/bdua-2', md5('c2') || md5('c2x'), 1, 'done') returning id`,
  )) as { id: number }[];
  await rows(sql`create temp table cut as select e.id, (hashint8(e.id * 29) & 2147483647) % 1000 as h from source_entities e where e.source = 'bdua'`);
  await rows(sql`delete from cut where h >= 12`);
  await rows(sql`update affiliations a set state = (case when a.state = 'ACTIVO' then 'SUSPENDIDO' else 'ACTIVO' end)::affiliation_state
    from cut where cut.id = a.source_entity_id and cut.h < 10`);
  await rows(sql`update affiliations a set status = 'vanished' from cut where cut.id = a.source_entity_id and cut.h >= 10`);
  await rows(sql`update source_entities e set changed_run_id = ${imp.id} from cut where cut.id = e.id and cut.h < 10`);
  await rows(sql`update source_entities e set status = 'vanished', vanished_run_id = ${imp.id} from cut where cut.id = e.id and cut.h >= 10`);
  const [rec] = (await rows(
    sql`insert into reconciliation_runs (state, trigger, import_run_id, finished_at) values ('done', 'import', ${imp.id}, now()) returning id`,
  )) as { id: number }[];
  await rows(sql`insert into entity_links (source_entity_id, link_type, reasons, reconciliation_run_id)
    select id, 'deterministic', array['SAME_DOCUMENT'], ${rec.id} from cut where h < 10 on conflict do nothing`);
  await rows(sql`analyze affiliations`);
  return Number(rec.id);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
