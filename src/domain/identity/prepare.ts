import type { IdentityFields } from './identityFields';
import type { DocumentTypeCode } from '../reference/documentTypes';
import { documentClass, documentKey, isNuipShaped, lifeCycleRank } from './normalizeDocument';
import { normalizeMunicipality, normalizeSex, parseBirthDate, type Sex } from './normalizeDemographics';
import { normalizeName } from './normalizeName';
import { soundexEs } from './phonetic';
import { displayText } from '../text';
import { hashString, letterSignature } from './similarity';

/**
 * The identity block to prepare: the connectors' normalized `IdentityFields`, or looser strings
 * (raw registry codes such as sex "1"/"2" or document type "NUIP" are accepted).
 */
export type IdentityInput = { [K in keyof IdentityFields]?: string | null };

/** Facts about a record that are not part of its identity block. */
export interface IdentityContext {
  /** The record's id (carried through to blocking keys, scores and decisions). */
  id: string;
  /** Source name (sisben, bdua, ruaf, ruv …). */
  source?: string | null;
  /** DIVIPOLA municipality of residence or affiliation. */
  municipalityCode?: string | null;
  /**
   * Household key, unique across sources (e.g. `sisben:<ficha>-<hogar>`): two records with the same
   * key live in the same household (twins guard).
   */
  householdKey?: string | null;
  /** The document number was confirmed by the Registraduría (BDUA `CRUCE_BDEX_RNEC`). */
  documentValidated?: boolean;
  /** ISO "today": birth dates after it are treated as unknown. */
  today?: string;
  /** Valid DIVIPOLA codes; codes outside the list are treated as unknown. */
  municipalities?: ReadonlySet<string>;
}

/**
 * Relative frequencies (0–1) of values in the population being reconciled, for term-frequency
 * adjustment: an agreement on a common value (RODRIGUEZ) is weaker evidence than on a rare one
 * (CHAVERRA). Keys are comparison forms: folded first given name, surname core, DIVIPOLA code.
 */
export interface TermFrequencies {
  givenName?: ReadonlyMap<string, number>;
  surname?: ReadonlyMap<string, number>;
  municipality?: ReadonlyMap<string, number>;
}

/** Birth-date quality as a number for the hot path: 0 unknown, 1 default (1 January), 2 ok. */
export type DateQualityCode = 0 | 1 | 2;

export interface PreparedRecord {
  readonly id: string;
  readonly source: string | null;

  readonly docType: DocumentTypeCode | null;
  /** Comparison key of the number (type-independent), null when missing or a placeholder. */
  readonly docKey: string | null;
  /** Life-cycle rank of the type (CN 0, RC/NU 1, TI 2, CC 3), -1 outside it or unknown. */
  readonly docRank: number;
  /** AS/MS/SI: provisional identifier, never evidence against a match. */
  readonly docProvisional: boolean;
  /** 10-digit number (NUIP era). */
  readonly docNuip: boolean;
  readonly docValidated: boolean;

  readonly given1: string | null;
  readonly givenRest: string | null;
  readonly givenCore: readonly string[];
  readonly given1Phon: string;
  readonly givenPlaceholder: boolean;
  /** Hashes and letter signature of the given-name forms (hot-path shortcuts, see similarity.ts). */
  readonly given1Hash: number;
  readonly given1Sig: number;
  readonly given1PhonHash: number;
  readonly givenCoreHashes: readonly number[];

  readonly s1: string | null;
  readonly s1Glued: string | null;
  readonly s1Phon: string;
  readonly s2: string | null;
  readonly s2Glued: string | null;
  readonly s2Phon: string;
  readonly married: string | null;
  readonly s1Hash: number;
  readonly s1GluedHash: number;
  readonly s1PhonHash: number;
  readonly s1Sig: number;
  readonly s2Hash: number;
  readonly s2GluedHash: number;
  readonly s2PhonHash: number;
  readonly s2Sig: number;

  /** Every core word of the name, and its phonetic key (aligned). */
  readonly nameTokens: readonly string[];
  readonly nameTokenKeys: readonly string[];
  readonly nameTokenHashes: readonly number[];
  /** `given1 s1` as DPS compares it (Levenshtein rule); "" when either is missing. */
  readonly dpsName: string;
  /** DPS phonetic key: keys of given1 + s1 + s2, "" unless all three exist. */
  readonly phoneticName: string;

  readonly dobQuality: DateQualityCode;
  readonly dobDays: number;
  readonly dobYear: number;
  readonly dobMonth: number;
  readonly dobDay: number;
  /** ISO date when known (also for 1 January), else null. */
  readonly dobIso: string | null;

  readonly sex: Sex | null;
  readonly municipality: string | null;
  readonly department: string | null;
  /** DIVIPOLA code as a number (05001 → 5001), −1 when unknown; department = ⌊code / 1000⌋. */
  readonly municipalityId: number;
  readonly household: string | null;

  /**
   * log2 of the relative frequency of given1, s1, s2 and the municipality in the supplied tables:
   * −Infinity when the value is absent from its table (rarer than anything counted), NaN when no
   * table was supplied (no adjustment).
   */
  readonly tfGiven1Log2: number;
  readonly tfS1Log2: number;
  readonly tfS2Log2: number;
  readonly tfMunicipalityLog2: number;

  /** Display form of the full name (accents and Ñ kept) for stewards. */
  readonly displayName: string | null;
}

function frequencyLog2(map: ReadonlyMap<string, number> | undefined, key: string | null): number {
  if (map === undefined || key === null) return Number.NaN;
  // A value absent from the table is rarer than anything in it: the model's floor applies at scoring.
  return Math.log2(map.get(key) ?? 0);
}

/**
 * Copies a record through one object literal so that every prepared record has the same hidden
 * class: the comparisons then stay monomorphic (measured: a second shape costs ~20 % throughput).
 */
function assemble(r: PreparedRecord): PreparedRecord {
  // Fields the comparisons read come first: they share the record's first cache lines.
  return {
    given1: r.given1,
    given1Hash: r.given1Hash,
    given1Sig: r.given1Sig,
    given1PhonHash: r.given1PhonHash,
    given1Phon: r.given1Phon,
    givenRest: r.givenRest,
    givenCore: r.givenCore,
    givenCoreHashes: r.givenCoreHashes,
    s1: r.s1,
    s1Hash: r.s1Hash,
    s1GluedHash: r.s1GluedHash,
    s1PhonHash: r.s1PhonHash,
    s1Sig: r.s1Sig,
    s2: r.s2,
    s2Hash: r.s2Hash,
    s2GluedHash: r.s2GluedHash,
    s2PhonHash: r.s2PhonHash,
    s2Sig: r.s2Sig,
    s1Glued: r.s1Glued,
    s1Phon: r.s1Phon,
    s2Glued: r.s2Glued,
    s2Phon: r.s2Phon,
    dobQuality: r.dobQuality,
    dobDays: r.dobDays,
    dobYear: r.dobYear,
    dobMonth: r.dobMonth,
    dobDay: r.dobDay,
    sex: r.sex,
    docKey: r.docKey,
    docType: r.docType,
    docRank: r.docRank,
    docProvisional: r.docProvisional,
    docNuip: r.docNuip,
    municipalityId: r.municipalityId,
    nameTokenHashes: r.nameTokenHashes,
    nameTokens: r.nameTokens,
    tfGiven1Log2: r.tfGiven1Log2,
    tfS1Log2: r.tfS1Log2,
    tfS2Log2: r.tfS2Log2,
    tfMunicipalityLog2: r.tfMunicipalityLog2,
    household: r.household,
    docValidated: r.docValidated,
    givenPlaceholder: r.givenPlaceholder,
    phoneticName: r.phoneticName,
    dpsName: r.dpsName,
    nameTokenKeys: r.nameTokenKeys,
    married: r.married,
    id: r.id,
    source: r.source,
    dobIso: r.dobIso,
    municipality: r.municipality,
    department: r.department,
    displayName: r.displayName,
  };
}

/** Prepares one record. Pure; call it once per record and keep the result for every comparison. */
export function prepare(identity: IdentityInput, context: IdentityContext, tf?: TermFrequencies): PreparedRecord {
  const doc = documentKey(identity.docType, identity.docNumber);
  const docType = doc.type;
  const name = normalizeName(identity);
  const given = name.given;
  const { first: u1, second: u2, married } = name.surnames;
  const dob = parseBirthDate(identity.birthDate, context.today);
  const municipality = normalizeMunicipality(context.municipalityCode ?? null, context.municipalities);

  const given1 = given.first;
  const s1 = u1 ? u1.core : null;
  const s2 = u2 ? u2.core : null;
  const given1Phon = given1 ? soundexEs(given1) : '';
  const s1Phon = s1 ? phon(s1) : '';
  const s2Phon = s2 ? phon(s2) : '';
  const nameTokenKeys = name.tokens.map(soundexEs);

  const displayParts = [identity.firstName, identity.secondName, identity.firstSurname, identity.secondSurname]
    .map((p) => displayText(p))
    .filter((p): p is string => p !== null);

  const rank = lifeCycleRank(docType);
  return assemble({
    id: context.id,
    source: context.source ?? null,
    docType,
    docKey: doc.key,
    docRank: rank ?? -1,
    docProvisional: docType !== null && documentClass(docType) === 'provisional',
    docNuip: doc.key !== null && isNuipShaped(doc.key),
    docValidated: context.documentValidated === true,

    given1,
    givenRest: given.rest,
    givenCore: given.core,
    given1Phon,
    givenPlaceholder: given.placeholder,
    given1Hash: given1 ? hashString(given1) : 0,
    given1Sig: given1 ? letterSignature(given1) : 0,
    given1PhonHash: hashString(given1Phon),
    givenCoreHashes: given.core.map(hashString),

    s1,
    s1Glued: u1 ? u1.glued : null,
    s1Phon,
    s2,
    s2Glued: u2 ? u2.glued : null,
    s2Phon,
    married: married ? married.core : null,
    s1Hash: s1 ? hashString(s1) : 0,
    s1GluedHash: u1 ? hashString(u1.glued) : 0,
    s1PhonHash: hashString(s1Phon),
    s1Sig: s1 ? letterSignature(s1) : 0,
    s2Hash: s2 ? hashString(s2) : 0,
    s2GluedHash: u2 ? hashString(u2.glued) : 0,
    s2PhonHash: hashString(s2Phon),
    s2Sig: s2 ? letterSignature(s2) : 0,

    nameTokens: name.tokens,
    nameTokenKeys,
    nameTokenHashes: name.tokens.map(hashString),
    dpsName: given1 && s1 ? `${given1} ${s1}` : '',
    phoneticName: given1Phon && s1Phon && s2Phon ? `${given1Phon}${s1Phon}${s2Phon}` : '',

    dobQuality: dob.quality === 'unknown' ? 0 : dob.quality === 'default' ? 1 : 2,
    dobDays: dob.days,
    dobYear: dob.year,
    dobMonth: dob.month,
    dobDay: dob.day,
    dobIso: dob.quality === 'unknown' ? null : `${String(dob.year).padStart(4, '0')}-${String(dob.month).padStart(2, '0')}-${String(dob.day).padStart(2, '0')}`,

    sex: normalizeSex(identity.sex),
    municipality,
    department: municipality ? municipality.slice(0, 2) : null,
    municipalityId: municipality ? Number(municipality) : -1,
    household: context.householdKey ? context.householdKey : null,

    tfGiven1Log2: frequencyLog2(tf?.givenName, given1),
    tfS1Log2: frequencyLog2(tf?.surname, s1),
    tfS2Log2: frequencyLog2(tf?.surname, s2),
    tfMunicipalityLog2: frequencyLog2(tf?.municipality, municipality),

    displayName: displayParts.length > 0 ? displayParts.join(' ') : null,
  });
}

/** Phonetic key of a surname core; multi-word cores ("PINZON RUIZ") are keyed word by word and joined. */
function phon(core: string): string {
  if (!core.includes(' ')) return soundexEs(core);
  return core.split(' ').map(soundexEs).join('');
}

/** The same record with term frequencies looked up in `tf` (e.g. once the tables are counted). */
export function withTermFrequencies(record: PreparedRecord, tf: TermFrequencies): PreparedRecord {
  return assemble({
    ...record,
    tfGiven1Log2: frequencyLog2(tf.givenName, record.given1),
    tfS1Log2: frequencyLog2(tf.surname, record.s1),
    tfS2Log2: frequencyLog2(tf.surname, record.s2),
    tfMunicipalityLog2: frequencyLog2(tf.municipality, record.municipality),
  });
}

/**
 * The same record without its document (used when the number turns out to belong to someone else,
 * e.g. a child registered with the mother's cédula: it must not count against the child's own records).
 */
export function withoutDocument(record: PreparedRecord): PreparedRecord {
  return assemble({ ...record, docType: null, docKey: null, docRank: -1, docProvisional: false, docNuip: false, docValidated: false });
}

/**
 * Counts values over prepared records and returns relative frequencies: first given names, surnames
 * (both positions pooled) and municipalities. Suited to samples; in the database, the same counts come
 * from GROUP BY queries on the prepared columns.
 */
export function termFrequencies(records: Iterable<PreparedRecord>): Required<TermFrequencies> {
  const given = new Map<string, number>();
  const surname = new Map<string, number>();
  const muni = new Map<string, number>();
  let nGiven = 0;
  let nSurname = 0;
  let nMuni = 0;
  const bump = (m: Map<string, number>, k: string) => m.set(k, (m.get(k) ?? 0) + 1);
  for (const r of records) {
    if (r.given1) {
      bump(given, r.given1);
      nGiven++;
    }
    for (const s of [r.s1, r.s2]) {
      if (s) {
        bump(surname, s);
        nSurname++;
      }
    }
    if (r.municipality) {
      bump(muni, r.municipality);
      nMuni++;
    }
  }
  return {
    givenName: toFrequencies(given, nGiven),
    surname: toFrequencies(surname, nSurname),
    municipality: toFrequencies(muni, nMuni),
  };
}

/** Turns value counts into relative frequencies (count / total). */
export function toFrequencies(counts: ReadonlyMap<string, number>, total?: number): Map<string, number> {
  let n = total ?? 0;
  if (total === undefined) for (const c of counts.values()) n += c;
  const out = new Map<string, number>();
  if (n <= 0) return out;
  for (const [k, c] of counts) out.set(k, c / n);
  return out;
}
