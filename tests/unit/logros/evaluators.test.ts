import { describe, expect, it } from 'vitest';
import {
  RULE_SET,
  ageOn,
  combineHousehold,
  evaluateHabitat,
  evaluateLb1,
  evaluateLb13,
  evaluateLb3,
  evaluateLb45,
  personHabitat,
  type Coverage,
  type DwellingFact,
  type PersonFacts,
} from '../../../src/logros';

/** The specification of each rule, with expected states written by hand (docs/logros.md). */
const ALL: Coverage = { health: true, sisben: true, victims: true, dwellings: true };
const NONE: Coverage = { health: false, sisben: false, victims: false, dwellings: false };

function person(over: Partial<PersonFacts> & { birthDate?: string | null } = {}): PersonFacts {
  const { birthDate = '1980-05-10', ...rest } = over;
  return {
    golden: {
      firstName: 'MARIA',
      secondName: null,
      firstSurname: 'PEREZ',
      secondSurname: 'GOMEZ',
      birthDate,
      nameRecordId: 100,
      birthDateRecordId: 101,
    },
    nameFromSisben: false,
    birthDateFromSisben: false,
    documents: [],
    affiliations: [],
    victimRegistrations: [],
    sisben: [],
    otherSourceDocuments: [],
    ...rest,
  };
}
const doc = (docType: string, sourceRecordId = 10, docNumber = '123') => ({ docType, docNumber, sourceRecordId });

describe('ageOn', () => {
  it('counts a birthday from its day, like PostgreSQL age()', () => {
    expect(ageOn('2019-03-15', '2026-03-14')).toBe(6);
    expect(ageOn('2019-03-15', '2026-03-15')).toBe(7);
    expect(ageOn('2008-12-02', '2026-12-01')).toBe(17);
    expect(ageOn('2008-12-02', '2026-12-02')).toBe(18);
    // 29 February: the birthday in a common year is 1 March.
    expect(ageOn('2008-02-29', '2026-02-28')).toBe(17);
    expect(ageOn('2008-02-29', '2026-03-01')).toBe(18);
  });
});

describe('LB 1 documents by age', () => {
  const asOf = '2026-12-02';
  it('RC under 7, TI from 7 to 17, CC from 18', () => {
    expect(evaluateLb1(person({ birthDate: '2021-01-01', documents: [doc('RC', 11)] }), asOf, RULE_SET)).toEqual({
      state: 'ALCANZADO',
      reason: 'DOCUMENT_FOR_AGE',
      evidenceRecordId: 11,
    });
    expect(evaluateLb1(person({ birthDate: '2012-01-01', documents: [doc('TI', 12)] }), asOf, RULE_SET).state).toBe('ALCANZADO');
    expect(evaluateLb1(person({ birthDate: '1990-01-01', documents: [doc('CC', 13)] }), asOf, RULE_SET).state).toBe('ALCANZADO');
  });
  it('on the 7th birthday the registro civil is no longer enough; the day before it is', () => {
    const rcOnly = { documents: [doc('RC')] };
    expect(evaluateLb1(person({ birthDate: '2019-12-03', ...rcOnly }), asOf, RULE_SET).state).toBe('ALCANZADO');
    expect(evaluateLb1(person({ birthDate: '2019-12-02', ...rcOnly }), asOf, RULE_SET)).toEqual({
      state: 'POR_ALCANZAR',
      reason: 'DOCUMENT_NOT_FOR_AGE',
      evidenceRecordId: 101,
    });
  });
  it('on the 18th birthday a TI is no longer enough; the day before it is', () => {
    const tiOnly = { documents: [doc('TI')] };
    expect(evaluateLb1(person({ birthDate: '2008-12-03', ...tiOnly }), asOf, RULE_SET).state).toBe('ALCANZADO');
    expect(evaluateLb1(person({ birthDate: '2008-12-02', ...tiOnly }), asOf, RULE_SET).state).toBe('POR_ALCANZAR');
    // An adult who kept the TI and also has the CC: reached, the CC is the evidence.
    expect(evaluateLb1(person({ birthDate: '2008-12-02', documents: [doc('TI', 5), doc('CC', 9)] }), asOf, RULE_SET).evidenceRecordId).toBe(9);
  });
  it('a person without a document has not reached it, whatever is known of the age', () => {
    expect(evaluateLb1(person({ documents: [] }), asOf, RULE_SET)).toEqual({ state: 'POR_ALCANZAR', reason: 'NO_DOCUMENT', evidenceRecordId: 100 });
    expect(evaluateLb1(person({ birthDate: null, documents: [doc('MS')] }), asOf, RULE_SET).reason).toBe('NO_DOCUMENT');
  });
  it('no birth date: no data, unless a foreigner’s document decides it', () => {
    expect(evaluateLb1(person({ birthDate: null, documents: [doc('CC', 7)] }), asOf, RULE_SET)).toEqual({
      state: 'SIN_DATO',
      reason: 'NO_BIRTH_DATE',
      evidenceRecordId: 7,
    });
    expect(evaluateLb1(person({ birthDate: null, documents: [doc('PT', 8)] }), asOf, RULE_SET)).toEqual({
      state: 'ALCANZADO',
      reason: 'FOREIGN_DOCUMENT',
      evidenceRecordId: 8,
    });
  });
  it('a passport is not an identification document for LB 1', () => {
    expect(evaluateLb1(person({ documents: [doc('PA')] }), asOf, RULE_SET).state).toBe('POR_ALCANZAR');
  });
});

describe('LB 13 health affiliation', () => {
  const aff = (state: string, over: Partial<{ source: string; status: 'active' | 'vanished'; subsystem: string; id: number }> = {}) => ({
    source: over.source ?? 'bdua',
    subsystem: over.subsystem ?? 'SALUD',
    state,
    status: over.status ?? 'active',
    sourceRecordId: over.id ?? 50,
  });
  it('an active BDUA or RUAF affiliation reaches it', () => {
    expect(evaluateLb13(person({ affiliations: [aff('ACTIVO', { id: 51 })] }), ALL, RULE_SET)).toEqual({
      state: 'ALCANZADO',
      reason: 'ACTIVE_AFFILIATION',
      evidenceRecordId: 51,
    });
    expect(evaluateLb13(person({ affiliations: [aff('ACTIVO', { source: 'ruaf' })] }), ALL, RULE_SET).state).toBe('ALCANZADO');
  });
  it('suspended or retired do not count; a record dropped from the latest cut does not either', () => {
    expect(evaluateLb13(person({ affiliations: [aff('SUSPENDIDO', { id: 52 }), aff('RETIRADO', { id: 53 })] }), ALL, RULE_SET)).toEqual({
      state: 'POR_ALCANZAR',
      reason: 'AFFILIATION_NOT_ACTIVE',
      evidenceRecordId: 53,
    });
    expect(evaluateLb13(person({ affiliations: [aff('ACTIVO', { status: 'vanished' })] }), ALL, RULE_SET).reason).toBe('NO_AFFILIATION');
  });
  it('another subsystem (pensions) is not health', () => {
    expect(evaluateLb13(person({ affiliations: [aff('ACTIVO', { subsystem: 'PENSIONES' })] }), ALL, RULE_SET).state).toBe('POR_ALCANZAR');
  });
  it('deceased: does not apply', () => {
    expect(evaluateLb13(person({ affiliations: [aff('FALLECIDO')] }), ALL, RULE_SET).state).toBe('NO_APLICA');
  });
  it('absent from BDUA and RUAF: not reached if the hub holds them, no data otherwise', () => {
    expect(evaluateLb13(person(), ALL, RULE_SET).state).toBe('POR_ALCANZAR');
    expect(evaluateLb13(person(), NONE, RULE_SET)).toEqual({ state: 'SIN_DATO', reason: 'NO_HEALTH_SOURCE', evidenceRecordId: null });
  });
});

describe('LB 45 displaced families', () => {
  it('a displacement in RUV makes it apply (POR ALCANZAR: no accompaniment data); other hechos do not', () => {
    expect(evaluateLb45(person({ victimRegistrations: [{ eventCode: 5, status: 'active', sourceRecordId: 70 }] }), ALL, RULE_SET)).toEqual({
      state: 'POR_ALCANZAR',
      reason: 'DISPLACED',
      evidenceRecordId: 70,
    });
    expect(evaluateLb45(person({ victimRegistrations: [{ eventCode: 2, status: 'active', sourceRecordId: 71 }] }), ALL, RULE_SET).state).toBe('NO_APLICA');
    expect(evaluateLb45(person({ victimRegistrations: [{ eventCode: 5, status: 'vanished', sourceRecordId: 72 }] }), ALL, RULE_SET).state).toBe('NO_APLICA');
    expect(evaluateLb45(person(), NONE, RULE_SET).state).toBe('SIN_DATO');
  });
});

describe('LB 3 Sisbén equal to the identity documents', () => {
  const sis = (over: Partial<PersonFacts['sisben'][number]> = {}) => ({
    recordId: 90,
    docType: 'CC',
    docNumber: '123',
    firstName: 'MARIA',
    secondName: null,
    firstSurname: 'PEREZ',
    secondSurname: 'GOMEZ',
    birthDate: '1980-05-10',
    ...over,
  });
  const other = [{ docType: 'CC', docNumber: '123' }];
  it('the same names, document and birth date as the other sources: reached', () => {
    expect(evaluateLb3(person({ sisben: [sis()], otherSourceDocuments: other }), ALL, RULE_SET)).toEqual({
      state: 'ALCANZADO',
      reason: 'SISBEN_MATCHES',
      evidenceRecordId: 90,
    });
  });
  it('names which differ: not reached, with the field names (never values)', () => {
    expect(evaluateLb3(person({ sisben: [sis({ secondName: 'DEL CARMEN', birthDate: '1980-05-11' })], otherSourceDocuments: other }), ALL, RULE_SET)).toEqual({
      state: 'POR_ALCANZAR',
      reason: 'SISBEN_DIFFERS',
      details: ['name', 'birthDate'],
      evidenceRecordId: 90,
    });
    expect(evaluateLb3(person({ sisben: [sis({ docType: 'TI' })], otherSourceDocuments: other }), ALL, RULE_SET).details).toEqual(['document']);
  });
  it('a Sisbén record without a document: not reached', () => {
    expect(evaluateLb3(person({ sisben: [sis({ docType: 'SI', docNumber: null })], otherSourceDocuments: other }), ALL, RULE_SET).reason).toBe(
      'SISBEN_WITHOUT_DOCUMENT',
    );
  });
  it('only Sisbén knows the person: nothing to compare with', () => {
    const onlySisben = person({ sisben: [sis()], nameFromSisben: true, birthDateFromSisben: true });
    expect(evaluateLb3(onlySisben, ALL, RULE_SET)).toEqual({ state: 'SIN_DATO', reason: 'NO_OTHER_SOURCE', evidenceRecordId: 90 });
  });
  it('a field the other sources lack is not compared', () => {
    // The birth date came from Sisbén (the other sources have none): a different one cannot be told.
    const f = person({ sisben: [sis({ birthDate: '1999-01-01' })], birthDateFromSisben: true, otherSourceDocuments: other });
    expect(evaluateLb3(f, ALL, RULE_SET).state).toBe('ALCANZADO');
  });
  it('not in Sisbén: not reached when the hub holds Sisbén, no data otherwise', () => {
    expect(evaluateLb3(person(), ALL, RULE_SET).reason).toBe('NOT_IN_SISBEN');
    expect(evaluateLb3(person(), NONE, RULE_SET).state).toBe('SIN_DATO');
  });
  it('a person in two Sisbén households: the worst record decides', () => {
    const f = person({ sisben: [sis({ recordId: 91 }), sis({ recordId: 92, firstSurname: 'PERES' })], otherSourceDocuments: other });
    expect(evaluateLb3(f, ALL, RULE_SET)).toMatchObject({ state: 'POR_ALCANZAR', evidenceRecordId: 92 });
  });
});

describe('household combination', () => {
  it('every member to whom the logro applies has reached it', () => {
    expect(combineHousehold(['ALCANZADO', 'ALCANZADO', 'NO_APLICA'])).toMatchObject({ state: 'ALCANZADO', membersApplicable: 2, membersReached: 2 });
    expect(combineHousehold(['ALCANZADO', 'POR_ALCANZAR'])).toMatchObject({ state: 'POR_ALCANZAR', membersPending: 1 });
  });
  it('POR ALCANZAR wins over SIN DATO; SIN DATO over ALCANZADO', () => {
    expect(combineHousehold(['SIN_DATO', 'POR_ALCANZAR', 'ALCANZADO']).state).toBe('POR_ALCANZAR');
    expect(combineHousehold(['SIN_DATO', 'ALCANZADO']).state).toBe('SIN_DATO');
  });
  it('applies to no member: NO APLICA; no members: SIN DATO', () => {
    expect(combineHousehold(['NO_APLICA', 'NO_APLICA'])).toMatchObject({ state: 'NO_APLICA', membersApplicable: 0 });
    expect(combineHousehold([]).state).toBe('SIN_DATO');
  });
});

/** A decent urban dwelling (every habitability logro reached); each test changes what it is about. */
function dwelling(over: Partial<DwellingFact> = {}): DwellingFact {
  return {
    recordId: 500,
    zone: 'cabecera',
    wallMaterial: 1,
    floorMaterial: 3,
    hasEnergy: true,
    hasSewer: true,
    hasAqueduct: true,
    bedrooms: 2,
    toiletType: 1,
    waterSource: 1,
    ...over,
  };
}
const hab = (d: DwellingFact | null, members = 4, coverage = ALL) => evaluateHabitat({ dwelling: d, members }, coverage, RULE_SET);
const states = (d: DwellingFact | null, members = 4) => Object.values(hab(d, members)).map((x) => x.state);

describe('habitability (LB 24, 26, 28, 29, 32) from the Sisbén IV dwelling', () => {
  it('a decent dwelling reaches all five, with the dwelling record as evidence', () => {
    const r = hab(dwelling());
    expect([r[24].reason, r[26].reason, r[28].reason, r[29].reason, r[32].reason]).toEqual([
      'WATER_AND_SANITATION',
      'HAS_ENERGY',
      'NOT_OVERCROWDED',
      'NO_DIRT_FLOOR',
      'ADEQUATE_WALLS',
    ]);
    expect(Object.values(r).every((x) => x.state === 'ALCANZADO' && x.evidenceDwellingId === 500 && x.evidenceRecordId === null)).toBe(true);
  });

  it('no dwelling record: SIN DATO for all five (no hogares cut at all: NO_DWELLING_SOURCE)', () => {
    expect(states(null)).toEqual(['SIN_DATO', 'SIN_DATO', 'SIN_DATO', 'SIN_DATO', 'SIN_DATO']);
    expect(hab(null)[24]).toMatchObject({ reason: 'NO_DWELLING_RECORD', evidenceDwellingId: null });
    expect(hab(null, 4, NONE)[28]).toMatchObject({ reason: 'NO_DWELLING_SOURCE' });
  });

  it('LB 24 urban: aqueduct and sewer of the dwelling', () => {
    expect(hab(dwelling({ hasAqueduct: false }))[24]).toMatchObject({ state: 'POR_ALCANZAR', reason: 'INADEQUATE_SERVICES', details: ['water'] });
    expect(hab(dwelling({ hasSewer: false, hasAqueduct: false }))[24]).toMatchObject({ state: 'POR_ALCANZAR', details: ['water', 'sanitation'] });
    // The urban rule does not look at the water source or the toilet.
    expect(hab(dwelling({ waterSource: 5, toiletType: 5 }))[24].state).toBe('ALCANZADO');
    expect(hab(dwelling({ hasSewer: null }))[24]).toMatchObject({ state: 'SIN_DATO', reason: 'MISSING_VARIABLES', details: ['hasSewer'] });
    // A known failure wins over a missing variable.
    expect(hab(dwelling({ hasSewer: null, hasAqueduct: false }))[24]).toMatchObject({ state: 'POR_ALCANZAR', details: ['water'] });
  });

  it('LB 24 rural: improved water source (1 acueducto, 2 pozo con bomba, 6 pila pública) and a toilet to sewer or septic tank', () => {
    const rural = (o: Partial<DwellingFact>) => dwelling({ zone: 'rural_disperso', hasAqueduct: false, hasSewer: false, ...o });
    expect(hab(rural({ waterSource: 2, toiletType: 2 }))[24].state).toBe('ALCANZADO');
    expect(hab(rural({ waterSource: 6, toiletType: 1 }))[24].state).toBe('ALCANZADO');
    expect(hab(rural({ waterSource: 3, toiletType: 1 }))[24]).toMatchObject({ state: 'POR_ALCANZAR', details: ['water'] });
    expect(hab(rural({ waterSource: 9, toiletType: 4 }))[24]).toMatchObject({ state: 'POR_ALCANZAR', details: ['water', 'sanitation'] });
    expect(hab(dwelling({ zone: 'centro_poblado', waterSource: 1, toiletType: 3 }))[24]).toMatchObject({ state: 'POR_ALCANZAR', details: ['sanitation'] });
    expect(hab(rural({ waterSource: null, toiletType: null }))[24]).toMatchObject({ state: 'SIN_DATO', details: ['waterSource', 'toiletType'] });
  });

  it('no zone: the rules that depend on it have no data (once, not twice, in the details)', () => {
    const r = hab(dwelling({ zone: null }));
    expect(r[24]).toMatchObject({ state: 'SIN_DATO', reason: 'MISSING_VARIABLES', details: ['zone'] });
    expect(r[28]).toMatchObject({ state: 'SIN_DATO', details: ['zone'] });
    expect(r[32]).toMatchObject({ state: 'SIN_DATO', details: ['zone'] });
    expect([r[26].state, r[29].state]).toEqual(['ALCANZADO', 'ALCANZADO']);
  });

  it('LB 26: the dwelling has electricity', () => {
    expect(hab(dwelling({ hasEnergy: false }))[26]).toMatchObject({ state: 'POR_ALCANZAR', reason: 'NO_ENERGY' });
    expect(hab(dwelling({ hasEnergy: null }))[26]).toMatchObject({ state: 'SIN_DATO', details: ['hasEnergy'] });
  });

  it('LB 28 on the boundary: urban overcrowded from 3 persons per bedroom, rural above 3', () => {
    expect(hab(dwelling({ bedrooms: 2 }), 5)[28].state).toBe('ALCANZADO'); // 2.5
    expect(hab(dwelling({ bedrooms: 2 }), 6)[28]).toMatchObject({ state: 'POR_ALCANZAR', reason: 'OVERCROWDED' }); // 3
    expect(hab(dwelling({ zone: 'rural_disperso', bedrooms: 2 }), 6)[28].state).toBe('ALCANZADO'); // 3
    // 3.5 is above 3 (the DPS script's integer division would have made it 3).
    expect(hab(dwelling({ zone: 'centro_poblado', bedrooms: 2 }), 7)[28].state).toBe('POR_ALCANZAR');
    expect(hab(dwelling({ bedrooms: 0 }), 1)[28]).toMatchObject({ state: 'POR_ALCANZAR', reason: 'NO_BEDROOM' });
    expect(hab(dwelling({ bedrooms: null }), 3)[28]).toMatchObject({ state: 'SIN_DATO', details: ['bedrooms'] });
    expect(hab(dwelling(), 0)[28]).toMatchObject({ state: 'SIN_DATO', reason: 'NO_MEMBERS' });
  });

  it('LB 29: dirt floors (5 tierra o arena) only', () => {
    expect(hab(dwelling({ floorMaterial: 5 }))[29]).toMatchObject({ state: 'POR_ALCANZAR', reason: 'DIRT_FLOOR' });
    for (const f of [1, 2, 4, 6]) expect(hab(dwelling({ floorMaterial: f }))[29].state).toBe('ALCANZADO');
    expect(hab(dwelling({ floorMaterial: null }))[29]).toMatchObject({ state: 'SIN_DATO', details: ['floorMaterial'] });
  });

  it('LB 32: adequate walls 1–4 in a cabecera, 1–5 (rough wood too) in rural areas; no walls is inadequate', () => {
    expect(hab(dwelling({ wallMaterial: 4 }))[32].state).toBe('ALCANZADO');
    expect(hab(dwelling({ wallMaterial: 5 }))[32]).toMatchObject({ state: 'POR_ALCANZAR', reason: 'INADEQUATE_WALLS' });
    expect(hab(dwelling({ zone: 'rural_disperso', wallMaterial: 5 }))[32].state).toBe('ALCANZADO');
    expect(hab(dwelling({ zone: 'rural_disperso', wallMaterial: 6 }))[32].state).toBe('POR_ALCANZAR');
    expect(hab(dwelling({ zone: 'rural_disperso', wallMaterial: 8 }))[32].state).toBe('POR_ALCANZAR');
    expect(hab(dwelling({ wallMaterial: null }))[32]).toMatchObject({ state: 'SIN_DATO', details: ['wallMaterial'] });
  });

  it('a member shares the household state; in two households the worst decides; in none, SIN DATO', () => {
    const good = hab(dwelling({ recordId: 1 }))[29];
    const bad = hab(dwelling({ recordId: 2, floorMaterial: 5 }))[29];
    const none = hab(null)[29];
    expect(personHabitat([{ householdId: 10, decision: good }])).toBe(good);
    expect(
      personHabitat([
        { householdId: 10, decision: bad },
        { householdId: 11, decision: good },
      ]),
    ).toBe(bad);
    expect(
      personHabitat([
        { householdId: 10, decision: none },
        { householdId: 11, decision: good },
      ]),
    ).toBe(none);
    expect(personHabitat([])).toMatchObject({ state: 'SIN_DATO', reason: 'NO_HOUSEHOLD' });
  });
});
