import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bduaFile, sisbenFile, type HouseholdSpec, type PersonSpec } from '../harness/factories/files';
import { goldenDrift, testHub, type TestHub } from '../harness';

/**
 * Property (issue 17): after any sequence of imports — records changing, moving, being
 * reclassified, disappearing and coming back, in Sisbén and BDUA — every person's golden record
 * equals a rebuild from scratch of its current records.
 */
const people: PersonSpec[] = [
  { serial: 11, docType: 'CC', doc: '71111111', first: 'ANA', second: 'MARÍA', surname1: 'RESTREPO', surname2: 'GIL', birth: '1975-02-03', sex: 'F' },
  { serial: 12, docType: 'CC', doc: '72222222', first: 'LUIS', second: null, surname1: 'RESTREPO', surname2: 'PÉREZ', birth: '1973-04-05', sex: 'M', role: 2 },
  { serial: 13, docType: 'TI', doc: '1073333333', first: 'SARA', second: null, surname1: 'RESTREPO', surname2: 'GIL', birth: '2010-06-07', sex: 'F' },
  { serial: 14, docType: 'CC', doc: '74444444', first: 'OMAR', second: 'DE JESÚS', surname1: 'CANO', surname2: 'ríos', birth: '1949-08-09', sex: 'M' },
  { serial: 15, docType: 'CC', doc: '75555555', first: 'NIDIA', second: null, surname1: 'LOAIZA', surname2: null, birth: '1990-10-11', sex: 'F' },
];
const households = [
  { ficha: '500010001100', members: [0, 1, 2] },
  { ficha: '500010001200', members: [3] },
  { ficha: '500010001300', members: [4] },
];
const SUBGROUPS = ['A2', 'B5', 'C9'];
const TOWNS = ['05001', '76001'];

/** One person in one extract: absent, or present with one of two spellings of the first name. */
const presence = fc.constantFrom('absent', 'same', 'renamed');
const sisbenExtract = fc.record({
  persons: fc.array(presence, { minLength: people.length, maxLength: people.length }),
  subgroups: fc.array(fc.constantFrom(...SUBGROUPS), { minLength: households.length, maxLength: households.length }),
  towns: fc.array(fc.constantFrom(...TOWNS), { minLength: households.length, maxLength: households.length }),
});
const bduaExtract = fc.array(presence, { minLength: people.length, maxLength: people.length });
const step = fc.oneof(fc.record({ sisben: sisbenExtract }), fc.record({ bdua: bduaExtract }));

const spell = (p: PersonSpec, how: string): PersonSpec => (how === 'renamed' ? { ...p, first: `${p.first}A` } : p);

function sisben(e: { persons: string[]; subgroups: string[]; towns: string[] }): HouseholdSpec[] {
  const out: HouseholdSpec[] = [];
  households.forEach((h, i) => {
    const members = h.members.filter((m) => e.persons[m] !== 'absent').map((m) => spell(people[m], e.persons[m]));
    if (members.length) out.push({ ficha: h.ficha, municipality: e.towns[i], subgroup: e.subgroups[i], members });
  });
  return out;
}

let hub: TestHub;
let n = 0;

beforeAll(async () => {
  hub = await testHub().pipelineDefaults().workers().start();
});
afterAll(async () => {
  await hub?.close();
});

describe('golden records equal a rebuild after any sequence of imports', () => {
  it('holds after every import', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(step, { minLength: 2, maxLength: 4 }), async (steps) => {
        for (const s of steps) {
          n++;
          if ('sisben' in s) {
            const hh = sisben(s.sisben);
            if (!hh.length) continue; // an empty extract is refused (EMPTY_FILE), nothing applied
            await hub.importContent(`sisben_iv_personas_${n}.csv`, sisbenFile(hh), 'sisben');
          } else {
            const rows = people
              .map((p, i) => ({ how: s.bdua[i], p, h: households.find((h) => h.members.includes(i))! }))
              .filter((r) => r.how !== 'absent')
              .map((r) => ({ person: spell(r.p, r.how), household: { ficha: r.h.ficha, municipality: '05001', members: [] } }));
            if (!rows.length) continue;
            await hub.importContent('10001-MS0031122024.TXT', bduaFile(rows), 'bdua');
          }
          expect(await goldenDrift(hub.app)).toEqual([]);
        }
      }),
      { numRuns: 6, seed: 1717, endOnFailure: true },
    );
  });
});
