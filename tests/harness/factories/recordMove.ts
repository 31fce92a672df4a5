import type { Database } from '../../../src/platform/db';
import type { TestHub } from '../hub';
import { entityOf, personOf } from '../lookups';
import { bduaFile, bduaKey, sisbenFile, sisbenKey, type HouseholdSpec, type PersonSpec } from './files';

/**
 * One record move made by a run, through the real pipeline (the twins of
 * tests/integration/reconciliation.relink.test.ts): Diana Carolina's BDUA row (TI, first name only)
 * joins her undocumented twin Diana Marcela by the phonetic tier; her own Sisbén row with the same
 * TI then moves it to her.
 */
export const MOTHER: PersonSpec = {
  serial: 1600,
  docType: 'CC',
  doc: '43222111',
  first: 'LUZ',
  second: 'MARINA',
  surname1: 'RUIZ',
  surname2: 'CORDOBA',
  birth: '1984-01-15',
  sex: 'F',
  role: 1,
};
export const MARCELA: PersonSpec = {
  serial: 1601,
  docType: 'SI',
  doc: '',
  first: 'DIANA',
  second: 'MARCELA',
  surname1: 'LOPEZ',
  surname2: 'RUIZ',
  birth: '2012-03-04',
  sex: 'F',
  role: 3,
};
export const CAROLINA: PersonSpec = { ...MARCELA, serial: 1602, docType: 'TI', doc: '1012345699', second: 'CAROLINA' };
export const CAROLINA_BDUA: PersonSpec = { ...CAROLINA, serial: 1603, second: null };
export const TWINS_HOUSEHOLD: HouseholdSpec = { ficha: '500010001601', municipality: '05001', members: [MOTHER, MARCELA] };

/** Imports and reconciles the three files by hand (a hub without workers); returns the internal ids involved. */
export async function makeRecordMove(hub: Pick<TestHub, 'importContent' | 'app'>, t: { db: Database }) {
  const H = TWINS_HOUSEHOLD;
  const reconcile = (runId: number | null) => hub.app.services.reconciliation.process(runId!);
  await reconcile((await hub.importContent('sisben_iv_personas_1.csv', sisbenFile([H]), 'sisben')).reconciliationRunId);
  await reconcile((await hub.importContent('10001-MS0031122024.TXT', bduaFile([{ person: CAROLINA_BDUA, household: H }]), 'bdua')).reconciliationRunId);
  const marcela = (await personOf(t.db, 'sisben', sisbenKey(H, 2)))!;
  const joinedWrongly = (await personOf(t.db, 'bdua', bduaKey(CAROLINA_BDUA))) === marcela;
  const s2 = await hub.importContent('sisben_iv_personas_2.csv', sisbenFile([{ ...H, members: [...H.members, CAROLINA] }]), 'sisben');
  await reconcile(s2.reconciliationRunId);
  const carolina = (await personOf(t.db, 'sisben', sisbenKey(H, 3)))!;
  const row = await entityOf(t.db, 'bdua', bduaKey(CAROLINA_BDUA));
  return { marcela, carolina, row, joinedWrongly, movedTo: await personOf(t.db, 'bdua', bduaKey(CAROLINA_BDUA)) };
}
