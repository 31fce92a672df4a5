import { describe, expect, it } from 'vitest';
import { compare, decide, DEFAULT_DECISION_CONFIG, nameCheck, passesNameCheck, REASON_CODES, score, tokenSetSimilarity } from '../../../src/domain/identity';
import { adult, evaluate, MODEL, rec } from './helpers';

describe('nameCheck (DPS rule or word-set similarity)', () => {
  it('Levenshtein of "given1 surname1" over the longer length', () => {
    const a = adult({ firstSurname: 'RODRIGUEZ' });
    const b = adult({ firstSurname: 'RODRIGEZ' });
    const c = nameCheck(a, b);
    expect(c.distanceRatio).toBeCloseTo(1 / 15, 12);
    expect(c.passed).toBe(true);
  });

  it('passes on swapped fields through the word set even when the DPS ratio fails', () => {
    const a = adult({ firstName: 'RODRIGUEZ', secondName: null, firstSurname: 'MARIA', secondSurname: 'CHAVERRA' });
    const b = adult({ secondName: null });
    const c = nameCheck(a, b);
    expect(c.distanceRatio).toBeGreaterThanOrEqual(0.5);
    expect(c.tokenSimilarity).toBe(1);
    expect(c.passed).toBe(true);
    expect(passesNameCheck(a, b)).toBe(true);
  });

  it('fails for different people', () => {
    const a = adult();
    const b = adult({ firstName: 'JUAN', secondName: 'ESTEBAN', firstSurname: 'PEREZ', secondSurname: 'GOMEZ' });
    const c = nameCheck(a, b);
    expect(c.passed).toBe(false);
    expect(c.tokenSimilarity).toBe(0);
    expect(passesNameCheck(a, b)).toBe(false);
  });

  it('a record without given name or surname has ratio 1', () => {
    expect(nameCheck(rec({ firstSurname: 'PEREZ' }), adult()).distanceRatio).toBe(1);
  });

  it('tokenSetSimilarity is the Dice coefficient over words, matching exact, phonetic then close words', () => {
    expect(tokenSetSimilarity(['MARIA', 'PEREZ'], ['PEREZ', 'MARIA'])).toBe(1);
    expect(tokenSetSimilarity(['MARIA', 'PEREZ'], ['MARIA', 'CARMEN', 'PEREZ', 'LOPEZ'])).toBeCloseTo(4 / 6, 12);
    expect(tokenSetSimilarity(['JHON'], ['JOHN'], ['J500'], ['J500'])).toBe(1);
    expect(tokenSetSimilarity(['JHON'], ['JOHN'])).toBe(1);
    expect(tokenSetSimilarity(['ANA'], ['LUZ'])).toBe(0);
    expect(tokenSetSimilarity([], ['LUZ'])).toBe(0);
  });
});

describe('decide', () => {
  it('steward pins win over everything', () => {
    const a = adult();
    const b = adult({ firstName: 'PEDRO', secondName: null, docNumber: '79845123' }, { householdKey: 'h' });
    const v = compare(a, b);
    const s = score(MODEL, v, a, b);
    expect(decide(a, b, v, s, DEFAULT_DECISION_CONFIG, 'link')).toMatchObject({
      outcome: 'link',
      tier: 'steward',
      reasons: ['STEWARD_PINNED_LINK'],
      reviewCategory: null,
    });
    const same = adult();
    const w = compare(a, same);
    expect(decide(a, same, w, score(MODEL, w, a, same), DEFAULT_DECISION_CONFIG, 'distinct')).toMatchObject({
      outcome: 'distinct',
      tier: 'steward',
      reasons: ['STEWARD_PINNED_DISTINCT'],
    });
  });

  it('carries the score and the model version', () => {
    const { decision, score: s } = evaluate(adult(), adult());
    expect(decision.matchWeight).toBe(s.matchWeight);
    expect(decision.probability).toBe(s.probability);
    expect(decision.modelVersion).toBe(MODEL.version);
  });

  describe('deterministic tier', () => {
    it('links the same number with a compatible type, names and birth date in tolerance', () => {
      for (const b of [
        adult(),
        adult({ birthDate: '1990-05-18' }),
        adult({ birthDate: '1991-05-17' }),
        adult({ docType: null }),
        adult({ secondSurname: null }),
      ]) {
        expect(evaluate(adult(), b).decision).toMatchObject({
          outcome: 'link',
          tier: 'deterministic',
          reasons: ['SAME_DOCUMENT', 'NAME_CHECK_PASSED', 'BIRTH_DATE_WITHIN_TOLERANCE'],
        });
      }
    });

    it('same number on clearly different people goes to review, never linked', () => {
      const mother = adult({ birthDate: '1985-02-11' });
      const child = adult({ firstName: 'JUAN', secondName: 'ESTEBAN', firstSurname: 'PEREZ', secondSurname: 'RODRIGUEZ', birthDate: '2020-06-01', sex: 'M' });
      expect(evaluate(mother, child).decision).toMatchObject({
        outcome: 'review',
        tier: 'deterministic',
        reasons: ['DOCUMENT_SHARED_OR_MISTYPED'],
        reviewCategory: 'DOCUMENT_CONFLICT',
      });
      const father = adult({ birthDate: '1960-05-17' });
      expect(evaluate(father, adult()).decision.reasons).toEqual(['DOCUMENT_SHARED_OR_MISTYPED']);
    });

    it('same number, names agree, birth date unknown or slightly off: the score decides', () => {
      expect(evaluate(adult({ birthDate: null }), adult()).decision).toMatchObject({ outcome: 'link', tier: 'probabilistic' });
      expect(evaluate(adult({ birthDate: '1990-08-17' }), adult()).decision).toMatchObject({ outcome: 'link', tier: 'probabilistic' });
    });

    it('a newborn placeholder carrying the mother’s number is a shared document', () => {
      const mother = adult({ birthDate: '1985-02-11' });
      const newborn = adult({
        firstName: 'HIJO DE',
        secondName: 'MARIA',
        firstSurname: 'PEREZ',
        secondSurname: 'RODRIGUEZ',
        birthDate: '2020-06-01',
        sex: null,
      });
      expect(evaluate(mother, newborn).decision).toMatchObject({ outcome: 'review', reasons: ['DOCUMENT_SHARED_OR_MISTYPED', 'NEWBORN_PLACEHOLDER'] });
    });

    it('two newborn placeholders with the same number and birth date are never auto-linked', () => {
      const a = adult({ firstName: 'RN', secondName: null, birthDate: '2024-03-01' });
      const b = adult({ firstName: 'RN', secondName: null, birthDate: '2024-03-01' });
      expect(evaluate(a, b).decision).toMatchObject({
        outcome: 'review',
        tier: 'probabilistic',
        reasons: ['SCORE_ABOVE_LINK_THRESHOLD', 'NEWBORN_PLACEHOLDER'],
      });
    });
  });

  describe('guards', () => {
    it('two different Registraduría-validated numbers of the same type are distinct people', () => {
      const a = adult({ docNumber: '79845123' }, { documentValidated: true });
      const b = adult({}, { documentValidated: true });
      expect(evaluate(a, b).decision).toMatchObject({ outcome: 'distinct', tier: 'guard', reasons: ['DIFFERENT_VALIDATED_DOCUMENTS'], reviewCategory: null });
      // RC and NUIP are the same type for this rule; TI and CC are not.
      const rc = adult({ docType: 'RC', docNumber: '1098765432' }, { documentValidated: true });
      const nu = adult({ docType: 'NU', docNumber: '1098765433' }, { documentValidated: true });
      expect(evaluate(rc, nu).decision.outcome).toBe('distinct');
      const ti = adult({ docType: 'TI', docNumber: '98052312345' }, { documentValidated: true });
      expect(evaluate(ti, b).decision.reasons).not.toContain('DIFFERENT_VALIDATED_DOCUMENTS');
    });

    it('one validated number is not enough for the guard', () => {
      const a = adult({ docNumber: '79845123' }, { documentValidated: true });
      expect(evaluate(a, adult()).decision).toMatchObject({ outcome: 'review', reasons: ['SCORE_ABOVE_LINK_THRESHOLD', 'DIFFERENT_DOCUMENT_NUMBERS'] });
    });

    it('twins: same household and birth date, different given names → distinct', () => {
      const a = adult({ docNumber: null, firstName: 'JUAN', secondName: 'DAVID', sex: 'M' }, { householdKey: 'sisben:123-01' });
      const b = adult({ docNumber: null, firstName: 'JUAN', secondName: 'JOSE', sex: 'M' }, { householdKey: 'sisben:123-01' });
      expect(evaluate(a, b).decision).toMatchObject({ outcome: 'distinct', tier: 'guard', reasons: ['TWINS_GUARD'] });
      const c = adult({ docNumber: null, firstName: 'LAURA', secondName: null }, { householdKey: 'sisben:123-01' });
      const d = adult({ docNumber: null, firstName: 'SOFIA', secondName: null }, { householdKey: 'sisben:123-01' });
      expect(evaluate(c, d).decision.outcome).toBe('distinct');
    });

    it('twins with look-alike names: distinct when the sexes differ, review when they do not', () => {
      const daniel = (sex: string | null) => adult({ docNumber: null, firstName: 'DANIEL', secondName: null, sex }, { householdKey: 'h' });
      const daniela = (sex: string | null) => adult({ docNumber: null, firstName: 'DANIELA', secondName: null, sex }, { householdKey: 'h' });
      expect(evaluate(daniel('M'), daniela('F')).decision).toMatchObject({ outcome: 'distinct', reasons: ['TWINS_GUARD'] });
      expect(evaluate(daniel(null), daniela(null)).decision).toMatchObject({
        outcome: 'review',
        reasons: ['POSSIBLE_TWINS'],
        reviewCategory: 'POSSIBLE_TWINS',
      });
    });

    it('twins sharing one document number: review, both reasons', () => {
      const a = adult({ firstName: 'JUAN', secondName: 'DAVID', sex: 'M' }, { householdKey: 'h' });
      const b = adult({ firstName: 'JUAN', secondName: 'JOSE', sex: 'M' }, { householdKey: 'h' });
      expect(evaluate(a, b).decision).toMatchObject({
        outcome: 'review',
        reasons: ['TWINS_GUARD', 'DOCUMENT_SHARED_OR_MISTYPED'],
        reviewCategory: 'DOCUMENT_CONFLICT',
      });
    });

    it('the same person twice in a household is not a twin; without documents a compound name against its first word is a doubt', () => {
      const a = adult({}, { householdKey: 'h' });
      const b = adult({ secondName: null }, { householdKey: 'h' });
      expect(evaluate(a, b).decision.outcome).toBe('link');
      // A household lists each member once: MARIA CAMILA and MARIA born the same day, no document, may be twins.
      const c = adult({ docNumber: null }, { householdKey: 'h' });
      const d = adult({ docNumber: null, secondName: null }, { householdKey: 'h' });
      expect(evaluate(c, d).decision).toMatchObject({ outcome: 'review', reviewCategory: 'POSSIBLE_TWINS' });
      // With two numbers that differ, twins.
      const e = adult({ docType: 'RC', docNumber: '1102345678', birthDate: '2019-03-03' }, { householdKey: 'h' });
      const f = adult({ docType: 'RC', docNumber: '1187654321', secondName: null, birthDate: '2019-03-03' }, { householdKey: 'h' });
      expect(evaluate(e, f).decision.outcome).toBe('distinct');
    });

    it('the guard needs the same household and the same birth date', () => {
      const a = adult({ docNumber: null, firstName: 'LAURA', secondName: null }, { householdKey: 'h1' });
      const b = adult({ docNumber: null, firstName: 'SOFIA', secondName: null }, { householdKey: 'h2' });
      expect(evaluate(a, b).decision.tier).toBe('probabilistic');
      const c = adult({ docNumber: null, firstName: 'SOFIA', secondName: null, birthDate: '1992-01-20' }, { householdKey: 'h1' });
      expect(evaluate(a, c).decision.tier).toBe('probabilistic');
    });

    it('possible twins without household information are not auto-linked', () => {
      const a = adult({ docNumber: null, firstName: 'JUAN', secondName: 'DAVID', sex: 'M' });
      const b = adult({ docNumber: null, firstName: 'JUAN', secondName: 'JOSE', sex: 'M' });
      expect(evaluate(a, b).decision).toMatchObject({
        outcome: 'review',
        reasons: ['SCORE_ABOVE_LINK_THRESHOLD', 'POSSIBLE_TWINS'],
        reviewCategory: 'POSSIBLE_TWINS',
      });
    });

    it('nor twins with different first names recorded without their household (surnames and birthday agree)', () => {
      // One twin has no document in one source: nothing but the shared surnames and birthday is left.
      const a = adult({ docNumber: null, firstName: 'PAOLA', secondName: null, birthDate: '2012-11-06' });
      const b = adult({ docType: 'TI', docNumber: '1026115774', firstName: 'DIANA', secondName: null, birthDate: '2012-11-06' });
      const d = evaluate(a, b).decision;
      expect(d.outcome).not.toBe('link');
      if (d.outcome === 'review') expect(d.reasons).toContain('POSSIBLE_TWINS');
    });
  });

  describe('phonetic tier', () => {
    it('also when the document numbers are one keying error apart (a transposed or mistyped digit)', () => {
      const a = adult({
        docType: 'RC',
        docNumber: '1155069255',
        firstName: 'SERGIO',
        secondName: null,
        firstSurname: 'DE LOS RIOS',
        secondSurname: 'CABRERA',
        birthDate: '2019-06-06',
        sex: 'M',
      });
      const b = adult({
        docType: 'RC',
        docNumber: '1155069525',
        firstName: 'SERJIO',
        secondName: null,
        firstSurname: 'DE LOS RIOS',
        secondSurname: 'CABRERA',
        birthDate: '2019-06-06',
        sex: 'M',
      });
      // A transposition with names and birth date agreeing links on its own (see the hard cases below).
      expect(evaluate(a, b).decision).toMatchObject({
        outcome: 'link',
        tier: 'deterministic',
        reasons: ['DOCUMENT_TRANSPOSED_DIGITS', 'NAME_CHECK_PASSED', 'BIRTH_DATE_WITHIN_TOLERANCE'],
      });
      const c = adult({
        docType: 'RC',
        docNumber: '1155069535',
        firstName: 'SERJIO',
        secondName: null,
        firstSurname: 'DE LOS RIOS',
        secondSurname: 'CABRERA',
        birthDate: '2019-06-06',
        sex: 'M',
      });
      expect(evaluate(c, b).decision).toMatchObject({ outcome: 'link', tier: 'phonetic', reasons: ['PHONETIC_NAME_AND_BIRTH_DATE'] });
    });

    it('same phonetic key of first name and both surnames, same birth date, no document', () => {
      const a = adult({ docNumber: null, firstName: 'JHON', secondName: null, firstSurname: 'CASTILLO', secondSurname: 'NUÑEZ', sex: 'M' });
      const b = adult({ docNumber: null, firstName: 'JOHN', secondName: 'FREDY', firstSurname: 'CASTIYO', secondSurname: 'NUNEZ', sex: 'M' });
      expect(evaluate(a, b).decision).toMatchObject({ outcome: 'link', tier: 'phonetic', reasons: ['PHONETIC_NAME_AND_BIRTH_DATE'] });
    });

    it('not with different sexes, a 1 January birth date, a missing second surname or a document conflict', () => {
      const base = { docNumber: null, firstName: 'JHON', secondName: null, firstSurname: 'CASTILLO', secondSurname: 'NUÑEZ' };
      expect(evaluate(adult({ ...base, sex: 'M' }), adult({ ...base, firstName: 'JOHN', sex: 'F' })).decision.tier).not.toBe('phonetic');
      expect(evaluate(adult({ ...base, birthDate: '1990-01-01' }), adult({ ...base, firstName: 'JOHN', birthDate: '1990-01-01' })).decision.tier).not.toBe(
        'phonetic',
      );
      expect(evaluate(adult({ ...base, secondSurname: null }), adult({ ...base, secondSurname: null })).decision.tier).not.toBe('phonetic');
      expect(evaluate(adult({ ...base, docNumber: '79845123' }), adult({ ...base, docNumber: '52123456' })).decision.tier).not.toBe('phonetic');
    });
  });

  describe('probabilistic tier', () => {
    it('never links on names alone', () => {
      const a = adult({ docNumber: null, birthDate: null });
      const b = adult({ docNumber: null, birthDate: null });
      const { decision } = evaluate(a, b);
      expect(decision.probability).toBeGreaterThan(0.98);
      const lax = { ...DEFAULT_DECISION_CONFIG, linkProbability: 0.9 };
      const v = compare(a, b);
      expect(decide(a, b, v, score(MODEL, v, a, b), lax)).toMatchObject({ outcome: 'review', reasons: ['SCORE_ABOVE_LINK_THRESHOLD', 'NAMES_ONLY_EVIDENCE'] });
    });

    it('never links across two different numbers of the same type', () => {
      expect(evaluate(adult({ docNumber: '79845123' }), adult()).decision).toMatchObject({
        outcome: 'review',
        reasons: ['SCORE_ABOVE_LINK_THRESHOLD', 'DIFFERENT_DOCUMENT_NUMBERS'],
        reviewCategory: 'POSSIBLE_MATCH',
      });
    });

    it('thresholds: link above the upper, review between, no link below', () => {
      const a = adult({ docNumber: null });
      const b = adult({ docNumber: null, firstSurname: 'CHAVERRA', secondSurname: 'RODRIGUEZ', birthDate: '1990-05-18' });
      const v = compare(a, b);
      const s = score(MODEL, v, a, b);
      expect(s.probability).toBeGreaterThan(0.99);
      expect(decide(a, b, v, s).outcome).toBe('link');
      expect(decide(a, b, v, { ...s, probability: 0.7 })).toMatchObject({
        outcome: 'review',
        reasons: ['SCORE_IN_REVIEW_BAND'],
        reviewCategory: 'POSSIBLE_MATCH',
      });
      expect(decide(a, b, v, { ...s, probability: 0.2 })).toMatchObject({
        outcome: 'no_link',
        reasons: ['SCORE_BELOW_REVIEW_THRESHOLD'],
        reviewCategory: null,
      });
      const strict = { ...DEFAULT_DECISION_CONFIG, linkProbability: 0.999999999, reviewProbability: 0.9 };
      expect(decide(a, b, v, s, strict).outcome).toBe('review');
    });

    it('different people are not linked', () => {
      const a = adult({ docNumber: null });
      const b = adult({
        docNumber: null,
        firstName: 'PEDRO',
        secondName: null,
        firstSurname: 'GOMEZ',
        secondSurname: 'RUIZ',
        birthDate: '1970-01-05',
        sex: 'M',
      });
      expect(evaluate(a, b).decision).toMatchObject({ outcome: 'no_link', tier: 'probabilistic' });
    });
  });

  it('every reason code is documented and unique', () => {
    expect(new Set(REASON_CODES).size).toBe(REASON_CODES.length);
  });

  describe('hard cases (issue 11)', () => {
    it('namesakes: same full name and birth date, different valid cédulas, other towns → two people', () => {
      const a = adult({ docNumber: '43876512' }, { municipalityCode: '05001' });
      const b = adult({ docNumber: '52987654' }, { municipalityCode: '76001' });
      expect(evaluate(a, b).decision).toMatchObject({ outcome: 'distinct', tier: 'guard', reasons: ['DIFFERENT_VALID_DOCUMENTS'] });
      // Numbers of different lengths of one type (an old serial against a NUIP) are not a conflict.
      const old = adult({ docType: 'TI', docNumber: '80051512345' });
      const nuip = adult({ docType: 'TI', docNumber: '1023456789' });
      expect(evaluate(old, nuip).decision.outcome).not.toBe('distinct');
    });

    it('twins with consecutive numbers, same surnames, compound or similar given names → two people, without a household', () => {
      const a = adult({ docType: 'RC', docNumber: '1102345678', firstName: 'DANIELA', secondName: null, birthDate: '2019-03-03' });
      const b = adult({ docType: 'RC', docNumber: '1102345679', firstName: 'DANIELA', secondName: 'ANDREA', birthDate: '2019-03-03' });
      expect(evaluate(a, b).decision).toMatchObject({ outcome: 'distinct', reasons: ['TWINS_GUARD', 'CONSECUTIVE_DOCUMENTS'] });
      const c = adult({ docType: 'RC', docNumber: '1102345680', firstName: 'YEISON', secondName: null, birthDate: '2019-03-03', sex: 'M' });
      const d = adult({ docType: 'RC', docNumber: '1102345681', firstName: 'YEFERSON', secondName: null, birthDate: '2019-03-03', sex: 'M' });
      expect(evaluate(c, d).decision.outcome).toBe('distinct');
      // Identical given names with consecutive numbers: a duplicate with a mistyped digit, or twins? A steward decides.
      const e = adult({ docType: 'RC', docNumber: '1102345679', firstName: 'DANIELA', secondName: null, birthDate: '2019-03-03' });
      expect(evaluate(a, e).decision).toMatchObject({ outcome: 'review', reviewCategory: 'POSSIBLE_TWINS' });
    });

    it('a transposed digit with a name typo or swapped surnames is the same person, not silently separate', () => {
      const a = adult({ docNumber: '1023456789' });
      expect(evaluate(a, adult({ docNumber: '1023465789', firstName: 'MARAI' })).decision).toMatchObject({
        outcome: 'link',
        tier: 'deterministic',
        reasons: ['DOCUMENT_TRANSPOSED_DIGITS', 'NAME_CHECK_PASSED', 'BIRTH_DATE_WITHIN_TOLERANCE'],
      });
      expect(evaluate(a, adult({ docNumber: '1032456789', firstSurname: 'CHAVERRA', secondSurname: 'RODRIGUEZ' })).decision).toMatchObject({
        outcome: 'link',
        reasons: ['DOCUMENT_TRANSPOSED_DIGITS', 'NAME_CHECK_PASSED', 'BIRTH_DATE_WITHIN_TOLERANCE'],
      });
      // Further apart (a typo, swapped surnames and a birth date months away): review, not a new person in silence.
      const far = evaluate(a, adult({ docNumber: '1023456798', firstName: 'MARAI', birthDate: '1990-09-17' })).decision;
      expect(far.outcome === 'link' || far.outcome === 'review').toBe(true);
    });

    it('same document and names, birth date a few days off → the same person', () => {
      const d = evaluate(adult(), adult({ birthDate: '1990-05-24' })).decision;
      expect(d).toMatchObject({ outcome: 'link', tier: 'deterministic', reasons: ['SAME_DOCUMENT', 'NAME_CHECK_PASSED', 'BIRTH_DATE_DAYS_APART'] });
      // Years apart is still a document conflict.
      expect(evaluate(adult(), adult({ birthDate: '2015-05-17' })).decision.outcome).toBe('review');
    });

    it('surnames swapped and no document: the phonetic key read the other way round', () => {
      const a = adult({ docNumber: null });
      const b = adult({ docNumber: null, firstSurname: 'CHAVERRA', secondSurname: 'RODRIGUES' });
      expect(evaluate(a, b).decision).toMatchObject({ outcome: 'link', tier: 'phonetic', reasons: ['PHONETIC_NAME_SURNAMES_SWAPPED'] });
    });

    it('never links through an absent or placeholder document', () => {
      const a = adult({
        docNumber: '1111111',
        firstName: 'DARIO',
        secondName: null,
        firstSurname: 'CUESTA',
        secondSurname: 'LOZANO',
        birthDate: '1960-02-02',
        sex: 'M',
      });
      const b = adult({
        docNumber: '1111111',
        firstName: 'MARTA',
        secondName: null,
        firstSurname: 'LOPERA',
        secondSurname: 'GIRALDO',
        birthDate: '1985-11-30',
      });
      const r = evaluate(a, b);
      expect(r.vector[4]).toBe(0); // placeholder: no document evidence at all
      expect(r.decision.outcome).toBe('no_link');
    });
  });
});
