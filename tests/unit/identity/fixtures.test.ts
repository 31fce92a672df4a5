/**
 * The fixtures listed at the end of domain.md §5.5, end to end: prepare → compare → score → decide.
 */
import { describe, expect, it } from 'vitest';
import { levelLabels } from '../../../src/domain/identity';
import { adult, evaluate, rec } from './helpers';

const run = (a: ReturnType<typeof adult>, b: ReturnType<typeof adult>) => {
  const r = evaluate(a, b);
  return { levels: levelLabels(r.vector), decision: r.decision, score: r.score };
};

describe('domain.md §5.5 fixtures', () => {
  it('CC with dots', () => {
    const r = run(adult({ docNumber: '1.023.456.789' }), adult({ docNumber: '1023456789' }));
    expect(r.levels.document).toBe('exact');
    expect(r.decision).toMatchObject({ outcome: 'link', tier: 'deterministic' });
  });

  it('TI → CC evolution with the same NUIP', () => {
    const teen = adult({ docType: 'TI', docNumber: '1023456789', birthDate: '2004-03-09' });
    const grown = adult({ docType: 'CC', docNumber: '1023456789', birthDate: '2004-03-09' });
    const r = run(teen, grown);
    expect(r.levels.document).toBe('evolution');
    expect(r.decision).toMatchObject({
      outcome: 'link',
      tier: 'deterministic',
      reasons: ['SAME_DOCUMENT', 'DOCUMENT_EVOLUTION', 'NAME_CHECK_PASSED', 'BIRTH_DATE_WITHIN_TOLERANCE'],
    });
  });

  it('RC serial vs NUIP: not evidence against, the phonetic tier links', () => {
    const serial = adult({ docType: 'RC', docNumber: '23456781', birthDate: '2012-10-02' });
    const nuip = adult({ docType: 'NUIP', docNumber: '1098765432', birthDate: '2012-10-02' });
    const r = run(serial, nuip);
    expect(r.levels.document).toBe('notComparable');
    expect(r.decision).toMatchObject({ outcome: 'link', tier: 'phonetic' });
  });

  it('twins with the same birth date and household', () => {
    const a = adult(
      { docType: 'RC', docNumber: null, firstName: 'SARA', secondName: 'SOFIA', birthDate: '2018-07-21' },
      { householdKey: 'sisben:76001-4471-01' },
    );
    const b = adult(
      { docType: 'RC', docNumber: null, firstName: 'SARA', secondName: 'LUCIA', birthDate: '2018-07-21' },
      { householdKey: 'sisben:76001-4471-01' },
    );
    const r = run(a, b);
    expect(r.score.probability).toBeGreaterThan(0.99);
    expect(r.decision).toMatchObject({ outcome: 'distinct', tier: 'guard', reasons: ['TWINS_GUARD'] });
  });

  it('"MARIA DEL CARMEN" split three ways', () => {
    const splits = [
      { firstName: 'MARIA', secondName: 'DEL CARMEN' },
      { firstName: 'MARIA DEL', secondName: 'CARMEN' },
      { firstName: 'MARIA DEL CARMEN', secondName: null },
    ];
    for (const x of splits) {
      for (const y of splits) {
        const r = run(adult({ ...x, docNumber: null }), adult({ ...y, docNumber: null }));
        expect(r.levels.givenNames).toBe('exact');
        expect(r.decision.outcome).toBe('link');
      }
    }
  });

  it('"DE LA HOZ" split across fields', () => {
    const r = run(
      adult({ firstSurname: 'DE', secondSurname: 'LA HOZ', docNumber: null }),
      adult({ firstSurname: 'DE LA HOZ', secondSurname: null, docNumber: null }),
    );
    expect(r.levels.surnames).toBe('exactSecondMissing');
    expect(r.decision.outcome).toBe('link');
  });

  it('JHON / JOHN', () => {
    const r = run(
      adult({ firstName: 'JHON', secondName: null, sex: 'M', docNumber: null }),
      adult({ firstName: 'JOHN', secondName: null, sex: 'M', docNumber: null }),
    );
    expect(r.levels.givenNames).toBe('phonetic');
    expect(r.decision).toMatchObject({ outcome: 'link', tier: 'phonetic' });
  });

  it('yeísmo CASTILLO / CASTIYO', () => {
    const r = run(adult({ firstSurname: 'CASTILLO', docNumber: null }), adult({ firstSurname: 'CASTIYO', docNumber: null }));
    expect(r.levels.surnames).toBe('closeBoth');
    expect(r.decision.outcome).toBe('link');
  });

  it('ANSI vs UTF-8 "NUÑEZ"', () => {
    for (const ansi of ['NUÃ‘EZ', 'NU?EZ', 'NUNEZ']) {
      const r = run(adult({ secondSurname: 'NUÑEZ', docNumber: null }), adult({ secondSurname: ansi, docNumber: null }));
      expect(r.levels.surnames).toBe('exact');
      expect(r.decision.outcome).toBe('link');
    }
  });

  it('swapped surnames', () => {
    const r = run(adult({ firstSurname: 'CHAVERRA', secondSurname: 'RODRIGUEZ', docNumber: null }), adult({ docNumber: null }));
    expect(r.levels.surnames).toBe('swapped');
    // The DPS phonetic key with the surnames the other way round, and the same birth date.
    expect(r.decision).toMatchObject({ outcome: 'link', tier: 'phonetic', reasons: ['PHONETIC_NAME_SURNAMES_SWAPPED'] });
  });

  it('missing segundo apellido', () => {
    const r = run(adult({ secondSurname: null, docNumber: null }), adult({ docNumber: null }));
    expect(r.levels.surnames).toBe('exactSecondMissing');
    expect(r.decision.outcome).toBe('link');
  });

  it('DD/MM swap', () => {
    const withDoc = run(adult({ birthDate: '1990-05-07' }), adult({ birthDate: '1990-07-05' }));
    expect(withDoc.levels.birthDate).toBe('dayMonthSwap');
    expect(withDoc.decision).toMatchObject({ outcome: 'link', tier: 'deterministic' });
    const noDoc = run(adult({ birthDate: '1990-05-07', docNumber: null }), adult({ birthDate: '1990-07-05', docNumber: null }));
    expect(noDoc.decision).toMatchObject({ outcome: 'link', tier: 'probabilistic' });
  });

  it('Venezuelan PEP holder with DNI in another source', () => {
    const pep = adult({
      docType: 'PEP',
      docNumber: '456789123456789',
      firstName: 'YOHANDRY',
      secondName: null,
      firstSurname: 'GUTIERREZ',
      secondSurname: 'BRICEÑO',
    });
    const dni = adult({ docType: 'DNI', docNumber: 'V23456781', firstName: 'YOHANDRY', secondName: null, firstSurname: 'GUTIERREZ', secondSurname: 'BRICENO' });
    const r = run(pep, dni);
    expect(r.levels.document).toBe('notComparable');
    expect(r.decision).toMatchObject({ outcome: 'link', tier: 'phonetic' });
  });

  it('AS/MS number 76001I0012', () => {
    const a = adult({ docType: 'AS', docNumber: '76001I0012' });
    const b = adult({ docType: 'AS', docNumber: '76001i0012' });
    expect(a.docKey).toBe('76001I0012');
    const r = run(a, b);
    expect(r.levels.document).toBe('provisionalEqual');
    expect(r.decision.outcome).toBe('link');
    // A different AS number is no evidence either way.
    expect(run(a, adult({ docType: 'AS', docNumber: '76001I0013' })).levels.document).toBe('missing');
  });

  it('DIVIPOLA code 5001 (missing zero) and a Registraduría code in a DANE field', () => {
    const divipola = new Set(['05001', '76001']);
    const a = rec({}, { municipalityCode: '5001', municipalities: divipola });
    const b = rec({}, { municipalityCode: '05001', municipalities: divipola });
    expect(a.municipality).toBe('05001');
    expect(evaluate(a, b).vector[5]).toBe(1);
    const registraduria = rec({}, { municipalityCode: '01001', municipalities: divipola });
    expect(registraduria.municipality).toBeNull();
    expect(evaluate(a, registraduria).vector[5]).toBe(0);
  });
});
