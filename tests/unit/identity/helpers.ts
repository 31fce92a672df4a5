import {
  compare,
  compileModel,
  decide,
  prepare,
  score,
  type IdentityContext,
  type IdentityInput,
  type PreparedRecord,
  type TermFrequencies,
} from '../../../src/domain/identity';

let counter = 0;

/** A prepared record from a partial identity (defaults: no document, no names, nothing known). */
export function rec(identity: IdentityInput, context: Partial<IdentityContext> = {}, tf?: TermFrequencies): PreparedRecord {
  counter++;
  return prepare(identity, { id: `r${counter}`, ...context }, tf);
}

/** A complete, typical adult record; override any field. */
export function adult(overrides: IdentityInput = {}, context: Partial<IdentityContext> = {}, tf?: TermFrequencies): PreparedRecord {
  return rec(
    {
      docType: 'CC',
      docNumber: '1023456789',
      firstName: 'MARIA',
      secondName: 'CAMILA',
      firstSurname: 'RODRIGUEZ',
      secondSurname: 'CHAVERRA',
      birthDate: '1990-05-17',
      sex: 'F',
      ...overrides,
    },
    { municipalityCode: '05001', ...context },
    tf,
  );
}

export const MODEL = compileModel();

/** compare → score → decide with the default model and thresholds. */
export function evaluate(a: PreparedRecord, b: PreparedRecord) {
  const vector = compare(a, b);
  const s = score(MODEL, vector, a, b);
  return { vector, score: s, decision: decide(a, b, vector, s) };
}
