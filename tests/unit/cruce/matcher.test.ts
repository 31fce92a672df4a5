import { describe, expect, it } from 'vitest';
import { compileModel, DEFAULT_DECISION_CONFIG, DEFAULT_PARAMETERS, prepare, type IdentityInput } from '../../../src/domain/identity';
import { matchRow, type CandidatePerson } from '../../../src/cruce';

const settings = { model: compileModel(DEFAULT_PARAMETERS), decision: DEFAULT_DECISION_CONFIG };
const ctx = { today: '2026-12-02', municipalities: new Set(['05001', '76001']) };
let n = 0;
const rec = (i: IdentityInput, municipalityCode = '05001') => prepare(i, { id: `r${++n}`, municipalityCode, ...ctx });
const person = (personId: number, ...records: IdentityInput[]): CandidatePerson => ({ personId, records: records.map((r) => rec(r)) });

const MARIA = {
  docType: 'CC',
  docNumber: '43876512',
  firstName: 'MARIA',
  secondName: 'DEL CARMEN',
  firstSurname: 'MUÑOZ',
  secondSurname: 'PEÑA',
  birthDate: '1972-03-14',
  sex: 'F',
};
const SANTIAGO = {
  docType: 'TI',
  docNumber: '1034567890',
  firstName: 'SANTIAGO',
  firstSurname: 'CASTAÑEDA',
  secondSurname: 'MUÑOZ',
  birthDate: '2010-01-05',
  sex: 'M',
};

describe('cruce matcher', () => {
  it('Documento: same number and type, names pass; the distance is 0 for the same name', () => {
    const o = matchRow(rec({ ...MARIA, docNumber: '43.876.512' }), [person(1, MARIA)], settings);
    expect(o).toMatchObject({ type: 'DOCUMENTO', personId: 1, nameDistance: 0, flags: [] });
    expect(o.reasons).toContain('SAME_DOCUMENT');
  });

  it('Documento along the life cycle: the list says CC, the registry holds the TI with the same NUIP', () => {
    const o = matchRow(rec({ ...SANTIAGO, docType: 'CC' }), [person(2, SANTIAGO)], settings);
    expect(o).toMatchObject({ type: 'DOCUMENTO', personId: 2, flags: ['DOCUMENT_EVOLUTION'] });
    // An unrelated type with the same number is not a Documento match (CE vs TI); the engine may still
    // link on names with the number as supporting evidence.
    expect(matchRow(rec({ ...SANTIAGO, docType: 'CE', birthDate: '1990-01-01' }), [person(2, SANTIAGO)], settings).type).not.toBe('DOCUMENTO');
  });

  it('Documento with a typo in the names reports the distance and a birth date that differs', () => {
    const o = matchRow(rec({ ...MARIA, firstName: 'MARIAA', birthDate: '1980-01-01' }), [person(1, MARIA)], settings);
    expect(o.type).toBe('DOCUMENTO');
    expect(o.nameDistance).toBeGreaterThan(0);
    expect(o.flags).toContain('BIRTH_DATE_DIFFERS');
  });

  it('ambiguous holders: the smallest name distance wins and the line is flagged', () => {
    const father = {
      docType: 'CC',
      docNumber: '71234567',
      firstName: 'JOSE',
      secondName: 'ANTONIO',
      firstSurname: 'CASTAÑEDA',
      secondSurname: 'ALVAREZ',
      birthDate: '1965-11-02',
      sex: 'M',
    };
    const son = { ...father, firstName: 'JUAN', secondName: null, secondSurname: 'MUÑOZ', birthDate: '2000-08-09' };
    const input = rec({ ...father, secondName: null });
    for (const order of [
      [person(10, son), person(11, father)],
      [person(11, father), person(10, son)],
    ]) {
      const o = matchRow(input, order, settings);
      expect(o).toMatchObject({ type: 'DOCUMENTO', personId: 11, flags: ['AMBIGUOUS'] });
    }
  });

  it('a number held by someone with other names is set aside: no match, flagged, and names still tried', () => {
    const o = matchRow(
      rec({ docType: 'CC', docNumber: '43876512', firstName: 'PEDRO', firstSurname: 'GOMEZ', birthDate: '1980-01-01' }),
      [person(1, MARIA)],
      settings,
    );
    expect(o).toMatchObject({ type: 'NO_CRUZO', personId: null, flags: ['DOCUMENT_NAME_MISMATCH'] });
  });

  it('Fonético: no document, phonetic key of the names and the same birth date (accents and B/V, S/Z variants)', () => {
    const o = matchRow(
      rec({ firstName: 'MARÍA', firstSurname: 'MUNOS', secondSurname: 'PENA', birthDate: '14/03/1972', sex: 'F' }),
      [person(1, MARIA)],
      settings,
    );
    expect(o.type).toBe('FONETICO');
    expect(o.personId).toBe(1);
    expect(o.reasons).toContain('PHONETIC_NAME_AND_BIRTH_DATE');
  });

  it('Fonético matches a registry person without a document; a different birth date does not', () => {
    const pedro = { firstName: 'PEDRO', secondName: 'PABLO', firstSurname: 'RUIZ', secondSurname: 'CHAVERRA', birthDate: '1950-05-05', sex: 'M' };
    expect(matchRow(rec({ ...pedro, docType: 'CC', docNumber: '80000001' }), [person(5, pedro)], settings).type).toBe('FONETICO');
    expect(matchRow(rec({ ...pedro, birthDate: '1961-09-19' }), [person(5, pedro)], settings).type).toBe('NO_CRUZO');
  });

  it('names alone never match, and two different numbers of the same type block the phonetic tier', () => {
    expect(matchRow(rec({ ...MARIA, docType: null, docNumber: null, birthDate: null }), [person(1, MARIA)], settings).type).toBe('NO_CRUZO');
    expect(matchRow(rec({ ...MARIA, docNumber: '99887766' }), [person(1, MARIA)], settings).type).not.toBe('DOCUMENTO');
  });

  it('twins (same surnames and birthday, other given name) are not the same person', () => {
    const twin = { ...MARIA, docType: null, docNumber: null, firstName: 'ROSA', secondName: null };
    expect(matchRow(rec(twin), [person(1, MARIA)], settings).type).toBe('NO_CRUZO');
  });

  it('no candidates: No cruzó', () => {
    expect(matchRow(rec(MARIA), [], settings)).toMatchObject({ type: 'NO_CRUZO', personId: null, flags: [] });
  });
});
