import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedLogroFixtures, type LogroPersonSpec, type SeededLogros } from '../harness/factories/logros';
import { testHub, type TestHub } from '../harness';

/**
 * A full run rebuilds the state tables (truncate and reload) instead of upserting row by row: the
 * result must be the upsert's. A repeated full run with no change leaves every row as it was (runs and
 * updated_at included) and writes no history; a change in one source decides only that state anew.
 */
const clock = { now: () => new Date('2026-12-02T12:00:00Z') };
const SPECS: LogroPersonSpec[] = [
  {
    key: 'a',
    names: { first: 'MARIA', surname1: 'PEREZ', surname2: 'GOMEZ' },
    birthDate: '1980-05-10',
    sisben: [{ household: 'H1', docType: 'CC', docNumber: '1001' }],
    bdua: { docType: 'CC', docNumber: '1001', state: 'ACTIVO' },
  },
  {
    key: 'b',
    names: { first: 'JOSE', surname1: 'PEREZ', surname2: 'GOMEZ' },
    birthDate: '1982-01-10',
    sisben: [{ household: 'H1', docType: 'CC', docNumber: '1002' }],
    bdua: { docType: 'CC', docNumber: '1002', state: 'ACTIVO' },
  },
];

let hub: TestHub;
let seeded: SeededLogros;
type Snap = { id: string; logro: number; state: string; decided: string; evaluated: string; updated: string }[];

async function snapshot(table: 'person_logros' | 'household_logros'): Promise<Snap> {
  const col = sql.raw(table === 'person_logros' ? 'person_id' : 'household_id');
  return hub.db.rows<Snap[number]>(sql`select ${col}::text as id, logro, state, decided_run_id::text as decided, evaluated_run_id::text as evaluated,
    updated_at::text as updated from ${sql.raw(table)} order by 1, 2`);
}

/** The kept counts must be what a GROUP BY of the state tables says (a full run counts its rows as it writes them). */
async function expectCountsOfStates() {
  const persons = sql`select coalesce(municipality_code, '') as m, logro, state, coalesce(sisben_group, '') as g, displaced, coalesce(health_state::text, '') as h,
    count(*)::int as n from person_logros group by 1, 2, 3, 4, 5, 6 order by 1, 2, 3, 4, 5, 6`;
  const kept = sql`select municipality_code as m, logro, state, sisben_group as g, displaced, health_state as h, n from person_logro_counts order by 1, 2, 3, 4, 5, 6`;
  const expectedPersons = await hub.db.rows(persons);
  expect(expectedPersons.length).toBeGreaterThan(0);
  expect(await hub.db.rows(kept)).toEqual(expectedPersons);
  const households = sql`select municipality_code::text as m, logro, state, coalesce(sisben_group, '') as g, displaced, count(*)::int as n
    from household_logros group by 1, 2, 3, 4, 5 order by 1, 2, 3, 4, 5`;
  const keptHouseholds = sql`select municipality_code as m, logro, state, sisben_group as g, displaced, n from household_logro_counts order by 1, 2, 3, 4, 5`;
  const expectedHouseholds = await hub.db.rows(households);
  expect(expectedHouseholds.length).toBeGreaterThan(0);
  expect(await hub.db.rows(keptHouseholds)).toEqual(expectedHouseholds);
}

async function runFull() {
  const run = await hub.app.services.logros.requestFull('manual');
  return (await hub.app.services.logros.process(run.id))!;
}

beforeAll(async () => {
  hub = await testHub().clock(clock).start();
  seeded = await seedLogroFixtures(hub.db, SPECS);
});
afterAll(async () => {
  await hub?.close();
});

describe('full run: rebuild of the state tables', () => {
  it('a repeated full run without changes leaves every row as it was and writes no history', async () => {
    const first = await runFull();
    expect(first.state).toBe('done');
    const persons = await snapshot('person_logros');
    const households = await snapshot('household_logros');
    expect(persons.length).toBeGreaterThan(0);
    expect(households.length).toBeGreaterThan(0);
    expect(persons.every((r) => r.decided === String(first.id) && r.evaluated === String(first.id))).toBe(true);

    const second = await runFull();
    expect(second.state).toBe('done');
    expect(second.changes).toBe(0);
    expect(await snapshot('person_logros')).toEqual(persons);
    expect(await snapshot('household_logros')).toEqual(households);
    await expectCountsOfStates();
  });

  it('a row that changed but kept its state keeps its decided run; it is evaluated anew and writes no history', async () => {
    const before = await snapshot('person_logros');
    const a = String(seeded.persons.get('a')!.id);
    await hub.db.rows(sql`update persons set sisben_group = 'B' where id = ${Number(a)}`);
    const run = await runFull();
    expect(run.state).toBe('done');
    expect(run.changes).toBe(0);
    const after = await snapshot('person_logros');
    expect(after.length).toBe(before.length);
    for (const row of after) {
      const old = before.find((r) => r.id === row.id && r.logro === row.logro)!;
      if (row.id === a) {
        expect([row.state, row.decided, row.evaluated]).toEqual([old.state, old.decided, String(run.id)]);
        expect(row.updated).not.toBe(old.updated);
      } else {
        expect(row).toEqual(old);
      }
    }
    const [h] = await hub.db.rows<{ n: number }>(sql`select count(*)::int as n from person_logro_history where logro_run_id = ${run.id}`);
    expect(h.n).toBe(0);
    await expectCountsOfStates();
  });

  it('a changed affiliation decides that state anew; the others keep their runs', async () => {
    const before = await snapshot('person_logros');
    const b = seeded.persons.get('b')!.id;
    await hub.db.rows(sql`update affiliations set state = 'RETIRADO' where person_id = ${b}`);
    const third = await runFull();
    expect(third.state).toBe('done');
    const after = await snapshot('person_logros');
    expect(after.length).toBe(before.length);
    for (const row of after) {
      const old = before.find((r) => r.id === row.id && r.logro === row.logro)!;
      if (row.id === String(b) && row.logro === 13) {
        expect([row.state, row.decided, row.evaluated]).toEqual(['POR_ALCANZAR', String(third.id), String(third.id)]);
        expect(old.state).toBe('ALCANZADO');
      } else {
        expect(row).toEqual(old);
      }
    }
    const history = await hub.db.rows<{ n: number }>(
      sql`select count(*)::int as n from person_logro_history where logro_run_id = ${third.id} and person_id = ${b} and logro = 13 and previous_state = 'ALCANZADO'`,
    );
    expect(history[0].n).toBe(1);
    await expectCountsOfStates();
  });

  it('leaves the keys and indexes it dropped for the reload in place, and the history complete', async () => {
    // The first run loaded the empty history without its keys too; later ones keep the history's.
    const indexes = await hub.db.rows<{ name: string; def: string }>(sql`select indexname as name, indexdef as def from pg_indexes
      where tablename in ('person_logros', 'household_logros', 'person_logro_history', 'household_logro_history') order by 1`);
    expect(indexes.map((i) => i.name)).toEqual([
      'household_logro_history_household_idx',
      'household_logro_history_pkey',
      'household_logros_household_id_logro_pk',
      'household_logros_municipality_idx',
      'person_logro_history_person_idx',
      'person_logro_history_pkey',
      'person_logros_person_id_logro_pk',
    ]);
    const [keys] = await hub.db.rows<{ n: number }>(sql`select count(*)::int as n from pg_constraint
      where contype = 'p' and conrelid in ('person_logros'::regclass, 'household_logros'::regclass, 'person_logro_history'::regclass,
        'household_logro_history'::regclass, 'person_logro_counts'::regclass, 'household_logro_counts'::regclass)`);
    expect(keys.n).toBe(6);
    const [left] = await hub.db.rows<{ n: number }>(sql`select count(*)::int as n from juntos_bulk_dropped`);
    expect(left.n).toBe(0);
    // Every current state has its first state in the history.
    const [missing] = await hub.db.rows<{ n: number }>(sql`select count(*)::int as n from person_logros pl
      where not exists (select 1 from person_logro_history h where h.person_id = pl.person_id and h.logro = pl.logro and h.previous_state is null)`);
    expect(missing.n).toBe(0);
  });
});
