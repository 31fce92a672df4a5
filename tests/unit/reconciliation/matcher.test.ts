import { describe, expect, it } from 'vitest';
import {
  BLOCK_BY_DOCUMENT,
  BLOCK_BY_PHONETIC_NAME_YEAR,
  DEFAULT_BLOCKING_RULES,
  DEFAULT_DECISION_CONFIG,
  blockingKeys,
  compileModel,
  decodePattern,
  type IdentityInput,
  type PreparedRecord,
} from '../../../src/domain/identity';
import { adult } from '../identity/helpers';
import { BatchMatcher, NO_PINS, type MatchRecord, type Pins } from '../../../src/reconciliation/matcher';

const MODEL = compileModel();

/** The typical adult of the identity tests, in a household when given one, on a fixed date. */
const person = (overrides: IdentityInput = {}, context: { municipalityCode?: string; householdKey?: string | null } = {}): PreparedRecord =>
  adult(overrides, { municipalityCode: context.municipalityCode ?? '05001', householdKey: context.householdKey ?? null, today: '2025-01-01' });

const linked = (entityId: number, personId: number, prepared: PreparedRecord): MatchRecord => ({ entityId, personId, prepared });
const pending = (entityId: number, prepared: PreparedRecord): MatchRecord => ({ entityId, personId: null, prepared });

function matcher(maxBlockSize = 200) {
  return new BatchMatcher({ model: MODEL, decision: DEFAULT_DECISION_CONFIG, rules: DEFAULT_BLOCKING_RULES, maxBlockSize });
}

function pins(p: Partial<{ mustLink: [number, number[]][]; cannotLinkEntities: [number, number[]][]; cannotLinkPersons: [number, number[]][] }>): Pins {
  const m = (xs: [number, number[]][] = []) => new Map(xs.map(([k, v]) => [k, new Set(v)]));
  return { mustLink: m(p.mustLink), cannotLinkEntities: m(p.cannotLinkEntities), cannotLinkPersons: m(p.cannotLinkPersons) };
}

describe('BatchMatcher', () => {
  it('links a record to the person of a linked record with the same document (deterministic tier, explained by its reasons)', () => {
    const m = matcher();
    m.addLinked([linked(1, 100, person())]);
    const r = m.match([pending(2, person({ firstName: 'MARÍA', secondName: null }))]);
    expect(r.assignments).toHaveLength(1);
    const a = r.assignments[0];
    expect(a).toMatchObject({ entityId: 2, personId: 100, linkType: 'deterministic', matchedEntityId: 1 });
    expect(a.reasons).toEqual(['SAME_DOCUMENT', 'NAME_CHECK_PASSED', 'BIRTH_DATE_WITHIN_TOLERANCE']);
    expect(a.contributions).toBeNull();
    expect(a.modelVersion).toBe(MODEL.version);
    expect(r.pairsCompared).toBe(1);
    expect(r.reviews).toEqual([]);
    expect(r.merges).toEqual([]);
  });

  it('keeps the field-by-field weights of links the model decides (probabilistic tier)', () => {
    const m = matcher();
    m.addLinked([linked(1, 100, person({ docType: null, docNumber: null }))]);
    const r = m.match([pending(2, person({ birthDate: '1990-05-18' }))]);
    const a = r.assignments[0];
    expect(a).toMatchObject({ personId: 100, linkType: 'probabilistic', reasons: ['SCORE_ABOVE_LINK_THRESHOLD'] });
    expect(a.contributions?.map((c) => c.field)).toEqual(['givenNames', 'surnames', 'birthDate', 'sex', 'document', 'municipality']);
    expect(a.contributions?.find((c) => c.field === 'birthDate')?.level).toBe('oneDay');
    expect(a.score).toBeGreaterThanOrEqual(0.99);
  });

  it('links a TI record to the CC record of the same number (document evolution)', () => {
    const m = matcher();
    m.addLinked([linked(1, 100, person({ birthDate: '2006-02-01' }))]);
    const r = m.match([pending(2, person({ docType: 'TI', birthDate: '2006-02-01' }))]);
    expect(r.assignments[0]).toMatchObject({ personId: 100, linkType: 'deterministic' });
    expect(r.assignments[0].reasons).toContain('DOCUMENT_EVOLUTION');
  });

  it('gives a record without candidates a new provisional person, and a second record of the same person in the batch joins it', () => {
    const m = matcher();
    const r = m.match([
      pending(1, person()),
      pending(2, person({ secondName: null })),
      pending(3, person({ docNumber: '52111222', firstName: 'ANA', firstSurname: 'PEREZ', birthDate: '1970-01-02' })),
    ]);
    const [a, b, c] = r.assignments;
    expect(a.linkType).toBe('new_person');
    expect(a.personId).toBeLessThan(0);
    expect(b.personId).toBe(a.personId);
    expect(b.linkType).toBe('deterministic');
    expect(c.linkType).toBe('new_person');
    expect(c.personId).not.toBe(a.personId);
  });

  it('never links on names alone: same full name, no document, different birth date → a new person', () => {
    const m = matcher();
    m.addLinked([linked(1, 100, person({ docType: null, docNumber: null, birthDate: '1990-05-17' }))]);
    // Shares the phonetic name + year key only through the year: put it in the same year, other day.
    const r = m.match([pending(2, person({ docType: null, docNumber: null, birthDate: '1990-11-03' }))]);
    expect(r.assignments[0].linkType).toBe('new_person');
  });

  it('sends the same document on clearly different people to review as a document conflict (child with the mother’s cédula)', () => {
    const m = matcher();
    m.addLinked([linked(1, 100, person())]);
    const child = person({ firstName: 'SANTIAGO', secondName: null, firstSurname: 'GOMEZ', secondSurname: 'RODRIGUEZ', birthDate: '2023-03-01', sex: 'M' });
    const r = m.match([pending(2, child)]);
    expect(r.assignments[0].linkType).toBe('new_person');
    expect(r.reviews).toHaveLength(1);
    expect(r.reviews[0]).toMatchObject({ reason: 'DOCUMENT_CONFLICT', entityId: 2, personB: 100, candidateEntityId: 1 });
    expect(r.reviews[0].personA).toBe(r.assignments[0].personId);
  });

  it('keeps twins of one household apart (same birth date and surnames, different given names)', () => {
    const m = matcher();
    const hh = { householdKey: 'sisben:1-1' };
    m.addLinked([
      linked(1, 100, person({ docType: 'RC', docNumber: '1100000001', firstName: 'LUIS', secondName: null, sex: 'M', birthDate: '2020-04-04' }, hh)),
    ]);
    const twin = person({ docType: 'RC', docNumber: '1100000002', firstName: 'CARLOS', secondName: null, sex: 'M', birthDate: '2020-04-04' }, hh);
    const r = m.match([pending(2, twin)]);
    expect(r.assignments[0].linkType).toBe('new_person');
    expect(r.reviews).toEqual([]);
  });

  it('notes an earlier-linked record of a ruled-out person that links to the record as a relink suspect', () => {
    // Twin A without a document, and twin B's BDUA row ("DIANA", her TI) that joined A by names and birth date.
    const m = matcher();
    const hh = { householdKey: 'sisben:1-1' };
    const twinA = person({ docType: null, docNumber: null, firstName: 'DIANA', secondName: 'MARCELA', birthDate: '2012-03-04' }, hh);
    const bdua = person({ docType: 'TI', docNumber: '1012345678', firstName: 'DIANA', secondName: null, birthDate: '2012-03-04' });
    m.addLinked([linked(1, 100, twinA), linked(2, 100, bdua)]);
    // Twin B's own Sisbén row: same TI, in the household — twin A rules person 100 out.
    const twinB = person({ docType: 'TI', docNumber: '1012345678', firstName: 'DIANA', secondName: 'CAROLINA', birthDate: '2012-03-04' }, hh);
    const r = m.match([pending(3, twinB)]);
    expect(r.assignments[0].linkType).toBe('new_person');
    expect(r.relinks).toEqual([expect.objectContaining({ entityId: 2, fromPerson: 100, toPerson: r.assignments[0].personId, newcomerEntityId: 3 })]);
    expect(r.relinks[0].explanation.rule).toBe('deterministic.same_document_same_names');
    // Only the pairs that count are counted: those of the ruled-out person are not pairs compared.
    expect(r.pairsCompared).toBeLessThanOrEqual(2);
  });

  it('notes no relink suspect when the record joins the person, or a merge of the two persons is proposed', () => {
    const m = matcher();
    m.addLinked([linked(1, 100, person()), linked(2, 200, person({ docType: 'TI' }))]);
    const r = m.match([pending(3, person({ secondName: null }))]);
    expect(r.merges).toHaveLength(1);
    expect(r.relinks).toEqual([]);
  });

  it('honours a cannot-link pin against a record (the whole person is ruled out) and a must-link pin', () => {
    const m = matcher();
    m.addLinked([linked(1, 100, person())]);
    const r1 = m.match([pending(2, person())], pins({ cannotLinkEntities: [[2, [1]]] }));
    expect(r1.assignments[0].linkType).toBe('new_person');

    const m2 = matcher();
    m2.addLinked([linked(1, 100, person())]);
    const r2 = m2.match(
      [pending(3, person({ docNumber: '99887766', firstName: 'PEDRO', firstSurname: 'LOPEZ', birthDate: '1950-01-01', sex: 'M' }))],
      pins({ mustLink: [[3, [100]]] }),
    );
    expect(r2.assignments[0]).toMatchObject({ personId: 100, linkType: 'steward', reasons: ['STEWARD_PINNED_LINK'] });

    const m3 = matcher();
    m3.addLinked([linked(1, 100, person())]);
    const r3 = m3.match([pending(4, person())], pins({ cannotLinkPersons: [[4, [100]]] }));
    expect(r3.assignments[0].linkType).toBe('new_person');
    expect(r3.pairsCompared).toBe(0);
  });

  it('proposes merging two persons when a record links to both', () => {
    const m = matcher();
    const withDoc = person();
    const noDoc = person({ docType: null, docNumber: null });
    m.addLinked([linked(1, 100, withDoc), linked(2, 200, noDoc)]);
    const r = m.match([pending(3, person())]);
    expect(r.assignments[0]).toMatchObject({ personId: 100, linkType: 'deterministic' });
    expect(r.merges).toHaveLength(1);
    expect(r.merges[0]).toMatchObject({ personA: 100, personB: 200, entityId: 3 });
    expect(r.merges[0].explanation.tier).toBe('phonetic');
  });

  it('proposes no merge of two persons a steward pinned apart: the record keeps its person, the other goes to review', () => {
    const withDoc = person();
    const noDoc = person({ docType: null, docNumber: null });
    const apart = {
      ...NO_PINS,
      apartPersons: new Map([
        [100, new Set([200])],
        [200, new Set([100])],
      ]),
    };
    const m = matcher();
    m.addLinked([linked(1, 100, withDoc), linked(2, 200, noDoc)]);
    const r = m.match([pending(3, person())], apart);
    expect(r.assignments[0]).toMatchObject({ personId: 100, linkType: 'deterministic' });
    expect(r.merges).toEqual([]);
    expect(r.reviews).toHaveLength(1);
    expect(r.reviews[0]).toMatchObject({ reason: 'POSSIBLE_MATCH', entityId: 3, personA: 100, personB: 200, candidateEntityId: 2 });
    expect(r.reviews[0].explanation.reasons).toContain('MERGE_PINNED_APART');
  });

  it('keeps apart, within one batch, the person of a pinned record from the person it was pinned away from', () => {
    // Record 3 is pinned apart from record 1 (person 100) and founds its own person; record 4 then
    // links to both: no merge proposal across the pin.
    const m = matcher();
    m.addLinked([linked(1, 100, person())]);
    const r = m.match(
      [pending(3, person({ docType: null, docNumber: null })), pending(4, person())],
      pins({ cannotLinkEntities: [[3, [1]]], cannotLinkPersons: [[3, [100]]] }),
    );
    expect(r.assignments[0].linkType).toBe('new_person');
    expect(r.assignments[1]).toMatchObject({ personId: 100 });
    expect(r.merges).toEqual([]);
  });

  it('skips keys shared by more records than the block limit and counts them', () => {
    const m = matcher(2);
    const crowd = [1, 2, 3].map((i) => linked(i, 100 + i, person({ docNumber: `7000000${i}`, birthDate: `1990-05-1${i}` })));
    m.addLinked(crowd);
    const probe = person({ docNumber: '70000009', birthDate: '1990-05-19' });
    const r = m.match([pending(9, probe)]);
    // The phonetic name + year key is shared by 3 records (> 2): skipped.
    expect(r.oversizedKeys).toBeGreaterThanOrEqual(1);
    expect(r.comparisonsByRule[BLOCK_BY_PHONETIC_NAME_YEAR.id] ?? 0).toBe(0);
    m.markOversized([`${BLOCK_BY_DOCUMENT.id}:70000001`]);
    const r2 = m.match([pending(10, person({ docNumber: '70000001', birthDate: '1990-05-11' }))]);
    expect(r2.comparisonsByRule[BLOCK_BY_DOCUMENT.id] ?? 0).toBe(0);
  });

  it('counts comparisons per rule, pairs once, and tallies their comparison vectors', () => {
    const m = matcher();
    m.addLinked([linked(1, 100, person()), linked(2, 200, person({ docNumber: '55555555', firstName: 'MARTA' }))]);
    const r = m.match([pending(3, person())]);
    // Record 1 shares every key; record 2 shares the birth-date and surname keys.
    expect(r.comparisonsByRule[BLOCK_BY_DOCUMENT.id]).toBe(1);
    expect(Object.values(r.comparisonsByRule).reduce((a, b) => a + b, 0)).toBeGreaterThan(r.pairsCompared);
    expect(r.pairsCompared).toBe(2);
    expect([...r.patterns.values()].reduce((a, b) => a + b, 0)).toBe(2);
    for (const key of r.patterns.keys()) expect(decodePattern(key)).toHaveLength(6);
  });

  it('uses the keys the caller computed, and is deterministic', () => {
    const batch = [pending(1, person()), pending(2, person({ secondName: null })), pending(3, person({ docNumber: '123456', firstName: 'JUAN', sex: 'M' }))];
    const keys = new Map(batch.map((r) => [r.entityId, blockingKeys(r.prepared)]));
    const a = matcher().match(batch, NO_PINS, (r) => keys.get(r.entityId)!);
    const b = matcher().match(batch);
    expect(a.assignments).toEqual(b.assignments);
    expect(a.comparisonsByRule).toEqual(b.comparisonsByRule);
  });

  it('a record without a document that fits two namesakes with different cédulas keeps one and proposes no merge', () => {
    const m = matcher();
    m.addLinked([
      linked(1, 100, person({ docNumber: '43876512' }, { municipalityCode: '05001' })),
      linked(2, 200, person({ docNumber: '52987654' }, { municipalityCode: '76001' })),
    ]);
    const r = m.match([pending(3, person({ docType: null, docNumber: null }, { municipalityCode: '76001' }))]);
    expect(r.assignments[0]).toMatchObject({ personId: 200, linkType: 'phonetic' });
    expect(r.merges).toEqual([]);
    expect(r.reviews).toMatchObject([{ reason: 'POSSIBLE_MATCH', personA: 200, personB: 100, candidateEntityId: 1 }]);
  });

  it('twins with consecutive numbers stay two persons, and a document-less record of one does not merge them', () => {
    const m = matcher();
    const twin = (doc: string | null, first: string, second: string | null) =>
      person({ docType: doc ? 'RC' : null, docNumber: doc, firstName: first, secondName: second, birthDate: '2019-03-03' }, { householdKey: null });
    m.addLinked([linked(1, 100, twin('1102345678', 'DANIELA', null))]);
    const r = m.match([pending(2, twin('1102345679', 'DANIELA', 'ANDREA'))]);
    expect(r.assignments[0].linkType).toBe('new_person');
    const m2 = matcher();
    m2.addLinked([linked(1, 100, twin('1102345678', 'DANIELA', null)), linked(2, 200, twin('1102345679', 'DANIELA', 'ANDREA'))]);
    const r2 = m2.match([pending(3, twin(null, 'DANIELA', null))]);
    expect(r2.merges).toEqual([]);
  });
});
