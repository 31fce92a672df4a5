/**
 * Issue 17, finding 5: disappearance is never caused by rows the hub could not read. A record whose
 * row is unreadable is held back (kept active, its facts and household too), and the run says how
 * many and why; the disappearance guard still weighs every absent record.
 */
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sisbenFile, sisbenKey, type HouseholdSpec, type PersonSpec } from '../harness/factories/files';
import { goldenDrift, testHub, type ApiHub } from '../harness';

const NAMES = ['ANA', 'LUIS', 'SARA', 'OMAR', 'NIDIA', 'JORGE', 'ELSA', 'IVÁN', 'MARTA', 'HUGO'];
const households: HouseholdSpec[] = Array.from({ length: 20 }, (_, i) => ({
  ficha: String(500010002000 + i),
  municipality: i % 2 ? '76001' : '05001',
  subgroup: ['A2', 'B4', 'C7'][i % 3],
  members: Array.from({ length: 2 }, (_, m): PersonSpec => ({
    serial: 100 + i * 2 + m,
    docType: 'CC',
    doc: String(80000000 + i * 2 + m),
    first: NAMES[(i + m) % NAMES.length],
    second: null,
    surname1: 'QUINTERO',
    surname2: NAMES[i % NAMES.length],
    birth: `19${60 + i}-0${m + 1}-1${m}`,
    sex: m ? 'F' : 'M',
    role: m + 1,
  })),
}));
const ALL = sisbenFile(households).toString('utf8').split('\n');
const HEADER = ALL[0];
/** Data line of household `h`, member `m` (1-based), as in the full file. */
const lineOf = (h: number, m: number) => ALL[1 + h * 2 + (m - 1)];
const file = (lines: string[], end = '\n') => Buffer.from([HEADER, ...lines].join('\n') + end, 'utf8');
const everyLine = () => households.flatMap((_, h) => [lineOf(h, 1), lineOf(h, 2)]);

let hub: ApiHub;
const status = async (key: string) => {
  const [r] = await hub.db.rows<{ status: string; facts: string; household: string; group: string | null }>(sql`
    select e.status::text, (select f.status::text from sisben_classifications f where f.source_entity_id = e.id) as facts,
      (select h.status::text from household_memberships m join households h on h.id = m.household_id where m.source_entity_id = e.id order by m.id desc limit 1) as household,
      (select p.sisben_group from persons p where p.id = e.person_id) as group
    from source_entities e where e.source = 'sisben' and e.source_key = ${key}`);
  return r;
};
const runOf = async (id: number) => {
  const r = await hub.gql<{ importRun: any }>(
    `query($id: ID!) { importRun(id: $id) { state disappeared keptRejected heldBack heldBackReasons { code rows } } }`,
    { id: String(id) },
  );
  expect(r.errors).toBeUndefined();
  return r.data!.importRun;
};

beforeAll(async () => {
  hub = await testHub().config({ IMPORT_MAX_ERROR_RATE: '0.2', IMPORT_MAX_DISAPPEARED_RATE: '0.2' }).workers().http().start();
  await hub.importContent('sisben_iv_personas_base.csv', file(everyLine()), 'sisben');
});
afterAll(async () => {
  await hub?.close();
});

describe('records whose rows could not be read are held back, not vanished', () => {
  it('rows written with another delimiter hold back exactly their records; truly absent ones disappear', async () => {
    // Households 0 and 1 written with `|` instead of `;` (4 rows); household 19 absent for real.
    const lines = everyLine()
      .map((l, i) => (i < 4 ? l.replaceAll(';', '|') : l))
      .slice(0, -2);
    const r = await hub.importContent('sisben_iv_personas_mixto.csv', file(lines), 'sisben');
    const run = await runOf(r.importRunId);
    expect(run).toEqual({
      state: 'DONE',
      disappeared: 2,
      keptRejected: 0,
      heldBack: 4,
      heldBackReasons: [{ code: 'POSSIBLE_KEYS', rows: 4 }],
    });
    for (const [h, m] of [
      [0, 1],
      [0, 2],
      [1, 1],
      [1, 2],
    ])
      expect(await status(sisbenKey(households[h], m))).toEqual({ status: 'active', facts: 'active', household: 'active', group: households[h].subgroup![0] });
    expect((await status(sisbenKey(households[19], 1))).status).toBe('vanished');
    expect(await goldenDrift(hub.app)).toEqual([]);
    // The summary the CLI prints (runs show) carries the same.
    const summary = await hub.imports.summary((await hub.imports.getRun(r.importRunId))!);
    expect(summary.heldBack).toEqual({ records: 4, reasons: [{ code: 'POSSIBLE_KEYS', rows: 4 }] });
  });

  it('a row that names no record holds back every absent record', async () => {
    // Household 19 is back; household 18 absent; one row of household 2 lost a column (its key cannot be read).
    const lines = everyLine()
      .filter((_, i) => i !== 36 && i !== 37)
      .map((l, i) => (i === 4 ? l.split(';').slice(0, -1).join(';') : l));
    const r = await hub.importContent('sisben_iv_personas_columna.csv', file(lines), 'sisben');
    const run = await runOf(r.importRunId);
    expect(run).toEqual({ state: 'DONE', disappeared: 0, keptRejected: 0, heldBack: 3, heldBackReasons: [{ code: 'UNREADABLE_ROWS', rows: 1 }] });
    expect((await status(sisbenKey(households[18], 1))).status).toBe('active');
    expect((await status(sisbenKey(households[2], 1))).status).toBe('active');
    expect((await status(sisbenKey(households[19], 1))).status).toBe('active'); // reappeared
    expect(await goldenDrift(hub.app)).toEqual([]);
  });

  it('a cut-off last line holds back every absent record', async () => {
    // The transfer stopped inside the last row's last date (31/12/2024 → 31/12/202): rejected, its key intact.
    const lines = everyLine().slice(0, -4);
    const last = lines[lines.length - 1];
    lines[lines.length - 1] = last.slice(0, -1);
    const r = await hub.importContent('sisben_iv_personas_cortado.csv', file(lines, ''), 'sisben');
    const run = await runOf(r.importRunId);
    expect(run.disappeared).toBe(0);
    expect(run.heldBackReasons).toEqual([{ code: 'CUT_OFF_LAST_LINE', rows: 1 }]);
    // Households 18 and 19 absent (4 records), the cut row kept at its previous version.
    expect([run.heldBack, run.keptRejected]).toEqual([4, 1]);
    expect((await status(sisbenKey(households[19], 2))).status).toBe('active');
  });

  it('a clean file then lets the absent records disappear', async () => {
    const r = await hub.importContent('sisben_iv_personas_limpio.csv', file(everyLine().slice(0, -2)), 'sisben');
    expect(await runOf(r.importRunId)).toMatchObject({ disappeared: 2, heldBack: 0, heldBackReasons: [] });
    expect(await goldenDrift(hub.app)).toEqual([]);
  });

  it('the disappearance guard still weighs held-back records', async () => {
    // Half the file and an unreadable row: everything absent would be held back, but the guard fails the run first.
    const lines = everyLine().slice(0, 20);
    lines[3] = lines[3].split(';').slice(0, -1).join(';');
    const path = await hub.file('sisben_iv_personas_mitad.csv', file(lines));
    const run = await hub.importFile(path, 'sisben');
    expect([run.state, run.failureCode, run.disappeared]).toEqual(['failed', 'DISAPPEARANCE_LIMIT_EXCEEDED', 0]);
  });
});
