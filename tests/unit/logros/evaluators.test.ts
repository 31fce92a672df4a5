import { describe, expect, it } from 'vitest';
import { RULE_SET, ageOn, combineHousehold, evaluateLb1, evaluateLb13, evaluateLb3, evaluateLb45, type Coverage, type PersonFacts } from '../../../src/logros';

/** The specification of each rule, with expected states written by hand (docs/logros.md). */
const ALL: Coverage = { health: true, sisben: true, victims: true };
const NONE: Coverage = { health: false, sisben: false, victims: false };

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
