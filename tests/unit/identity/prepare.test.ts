import { describe, expect, it } from 'vitest';
import {
  normalizeGivenNames,
  normalizeSurnames,
  prepare,
  soundexEs,
  termFrequencies,
  toFrequencies,
  withoutDocument,
  withTermFrequencies,
} from '../../../src/domain/identity';
import { adult } from './helpers';

describe('prepare', () => {
  it('computes every normalized form once', () => {
    const r = prepare(
      {
        docType: 'CC',
        docNumber: '1.023.456.789',
        firstName: 'María del',
        secondName: 'Carmen',
        firstSurname: 'DE',
        secondSurname: 'LA HOZ',
        birthDate: '1990-05-07',
        sex: '2',
      },
      { id: 'sisben:1', source: 'sisben', municipalityCode: '5001', householdKey: 'sisben:9-01', documentValidated: true },
    );
    expect(r).toMatchObject({
      id: 'sisben:1',
      source: 'sisben',
      docType: 'CC',
      docKey: '1023456789',
      docRank: 3,
      docProvisional: false,
      docNuip: true,
      docValidated: true,
      given1: 'MARIA',
      givenRest: 'CARMEN',
      givenCore: ['MARIA', 'CARMEN'],
      given1Phon: 'M600',
      givenPlaceholder: false,
      s1: 'HOZ',
      s1Glued: 'DELAHOZ',
      s1Phon: 'O200',
      s2: null,
      s2Phon: '',
      married: null,
      nameTokens: ['MARIA', 'CARMEN', 'HOZ'],
      nameTokenKeys: ['M600', 'K650', 'O200'],
      dpsName: 'MARIA HOZ',
      phoneticName: '',
      dobQuality: 2,
      dobYear: 1990,
      dobMonth: 5,
      dobDay: 7,
      dobIso: '1990-05-07',
      sex: 'F',
      municipality: '05001',
      department: '05',
      municipalityId: 5001,
      household: 'sisben:9-01',
      displayName: 'MARÍA DEL CARMEN DE LA HOZ',
    });
    expect(Number.isNaN(r.tfGiven1Log2)).toBe(true);
  });

  it('the DPS phonetic key needs the first given name and both surnames', () => {
    expect(adult({ firstName: 'JHON', firstSurname: 'CASTILLO', secondSurname: 'NUÑEZ' }).phoneticName).toBe('J500K237N520');
    expect(adult({ secondSurname: null }).phoneticName).toBe('');
  });

  it('unknowns stay unknown', () => {
    const r = prepare({}, { id: 'x' });
    expect(r).toMatchObject({
      docType: null,
      docKey: null,
      docRank: -1,
      given1: null,
      s1: null,
      dobQuality: 0,
      dobIso: null,
      sex: null,
      municipality: null,
      municipalityId: -1,
      household: null,
      source: null,
      displayName: null,
      dpsName: '',
    });
  });

  it('1 January is kept but marked as a default date; future dates are unknown', () => {
    expect(adult({ birthDate: '1980-01-01' })).toMatchObject({ dobQuality: 1, dobIso: '1980-01-01' });
    expect(prepare({ birthDate: '2031-01-05' }, { id: 'x', today: '2025-06-30' }).dobQuality).toBe(0);
  });

  it('AS/MS/SI numbers are provisional', () => {
    expect(adult({ docType: 'MS', docNumber: '76001I0012' })).toMatchObject({ docProvisional: true, docKey: '76001I0012', docRank: -1 });
  });
});

describe('term frequencies', () => {
  it('counts first given names, surnames (both positions) and municipalities', () => {
    const records = [
      adult({ firstName: 'MARIA', firstSurname: 'GOMEZ', secondSurname: 'PEREZ' }, { municipalityCode: '11001' }),
      adult({ firstName: 'MARIA', firstSurname: 'PEREZ', secondSurname: null }, { municipalityCode: '11001' }),
      adult({ firstName: 'ANA', firstSurname: 'RUIZ', secondSurname: 'GOMEZ' }, { municipalityCode: '05001' }),
      adult({ firstName: null, secondName: null, firstSurname: null, secondSurname: null }, { municipalityCode: null }),
    ];
    const tf = termFrequencies(records);
    expect(tf.givenName).toEqual(
      new Map([
        ['MARIA', 2 / 3],
        ['ANA', 1 / 3],
      ]),
    );
    expect(tf.surname).toEqual(
      new Map([
        ['GOMEZ', 2 / 5],
        ['PEREZ', 2 / 5],
        ['RUIZ', 1 / 5],
      ]),
    );
    expect(tf.municipality).toEqual(
      new Map([
        ['11001', 2 / 3],
        ['05001', 1 / 3],
      ]),
    );

    const r = withTermFrequencies(records[0], tf);
    expect(r.tfGiven1Log2).toBeCloseTo(Math.log2(2 / 3), 12);
    expect(r.tfS1Log2).toBeCloseTo(Math.log2(2 / 5), 12);
    expect(r.tfS2Log2).toBeCloseTo(Math.log2(2 / 5), 12);
    expect(r.tfMunicipalityLog2).toBeCloseTo(Math.log2(2 / 3), 12);
    expect(withTermFrequencies(adult({ firstName: 'ZORAIDA' }), tf).tfGiven1Log2).toBe(-Infinity);
    expect({ ...withTermFrequencies(records[0], {}), tfGiven1Log2: 0, tfS1Log2: 0, tfS2Log2: 0, tfMunicipalityLog2: 0 }).toEqual({
      ...records[0],
      tfGiven1Log2: 0,
      tfS1Log2: 0,
      tfS2Log2: 0,
      tfMunicipalityLog2: 0,
    });
  });

  it('toFrequencies divides by the total (given or summed)', () => {
    expect(
      toFrequencies(
        new Map([
          ['A', 1],
          ['B', 3],
        ]),
      ),
    ).toEqual(
      new Map([
        ['A', 0.25],
        ['B', 0.75],
      ]),
    );
    expect(toFrequencies(new Map([['A', 1]]), 10)).toEqual(new Map([['A', 0.1]]));
    expect(toFrequencies(new Map())).toEqual(new Map());
  });

  it('withoutDocument: the same record with no document at all, same shape', () => {
    const r = adult();
    const bare = withoutDocument(r);
    expect(bare).toMatchObject({ docType: null, docKey: null, docRank: -1, docProvisional: false, docNuip: false, docValidated: false });
    expect(Object.keys(bare)).toEqual(Object.keys(r));
    expect({
      ...bare,
      docType: r.docType,
      docKey: r.docKey,
      docRank: r.docRank,
      docProvisional: r.docProvisional,
      docNuip: r.docNuip,
      docValidated: r.docValidated,
    }).toEqual(r);
  });

  it('remembered names and keys give the same results as fresh ones (and are not shared mutable state)', () => {
    const a = normalizeGivenNames('MARÍA DEL', 'CARMEN');
    const b = normalizeGivenNames('MARÍA DEL', 'CARMEN');
    expect(b).toEqual(a);
    expect(normalizeGivenNames('MARÍA', null)).not.toEqual(a);
    expect(normalizeGivenNames(null, 'MARÍA')).toEqual(normalizeGivenNames(undefined, 'MARÍA'));
    expect(normalizeSurnames('DE', 'LA HOZ')).toEqual(normalizeSurnames('DE', 'LA HOZ'));
    expect(soundexEs('CASTILLO')).toBe(soundexEs('CASTILLO'));
    expect(soundexEs('CASTIYO')).toBe('K237');
    // Thousands of distinct values later, results are still right (the memory is bounded, not stale).
    for (let i = 0; i < 250_000; i++) soundexEs(`X${i.toString(36)}`);
    expect(soundexEs('CASTILLO')).toBe('K237');
  });
});
