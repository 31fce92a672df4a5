/**
 * The logro rules as pure functions: the specification of what the SQL in logroSql.ts computes
 * set-based. Unit tests pin them to hand-written expected states; an integration test asserts the SQL
 * gives the same states on the same fixtures. No I/O here.
 */
import type { HouseholdLogro, LogroState, RuleSet } from './rules';

export interface Decision {
  state: LogroState;
  /** Stable code of why (docs/logros.md lists them per logro). */
  reason: string;
  /** Field names behind the reason (never values). */
  details?: string[];
  /** The source record that decided it (null when the decision is an absence). */
  evidenceRecordId: number | null;
}

export interface DocumentFact {
  docType: string;
  docNumber: string;
  sourceRecordId: number;
}

export interface AffiliationFact {
  source: string;
  subsystem: string;
  state: string;
  /** active: in its source's latest snapshot; vanished: dropped from a later extract. */
  status: 'active' | 'vanished';
  sourceRecordId: number;
}

export interface VictimFact {
  eventCode: number;
  status: 'active' | 'vanished';
  sourceRecordId: number;
}

export interface NameFields {
  firstName: string | null;
  secondName: string | null;
  firstSurname: string | null;
  secondSurname: string | null;
}

/** An active Sisbén IV person record (source entity, current version). */
export interface SisbenFact extends NameFields {
  recordId: number;
  docType: string | null;
  docNumber: string | null;
  birthDate: string | null;
}

export interface PersonFacts {
  /** Golden values and the provenance of each. */
  golden: NameFields & { birthDate: string | null; nameRecordId: number | null; birthDateRecordId: number | null };
  /** Whether the golden name / birth date were taken from a Sisbén record (then they are no reference for LB 3). */
  nameFromSisben: boolean;
  birthDateFromSisben: boolean;
  /** The person's typed identity documents (person_identifiers). */
  documents: DocumentFact[];
  affiliations: AffiliationFact[];
  victimRegistrations: VictimFact[];
  sisben: SisbenFact[];
  /** Documents on the person's active records of sources other than Sisbén. */
  otherSourceDocuments: { docType: string; docNumber: string }[];
}

/** Which sources the hub holds a snapshot of: an absence in a source never loaded is no evidence. */
export interface Coverage {
  health: boolean;
  sisben: boolean;
  victims: boolean;
  /** A cut of the Sisbén IV hogares/viviendas extract (the habitability logros). */
  dwellings: boolean;
}

/** Full years between `birth` and `asOf` (ISO dates), as PostgreSQL's age(): a 29 February birthday counts from 1 March. */
export function ageOn(birth: string, asOf: string): number {
  const [by, bm, bd] = birth.split('-').map(Number);
  const [y, m, d] = asOf.split('-').map(Number);
  let years = y - by;
  if (m < bm || (m === bm && d < bd)) years--;
  return years;
}

const minId = (xs: { sourceRecordId: number }[]) => (xs.length ? Math.min(...xs.map((x) => x.sourceRecordId)) : null);
const maxId = (xs: { sourceRecordId: number }[]) => (xs.length ? Math.max(...xs.map((x) => x.sourceRecordId)) : null);

/** LB 1: RC under 7, TI from 7 to 17, CC from 18; a person without any document has not reached it. */
export function evaluateLb1(f: PersonFacts, asOf: string, rules: RuleSet): Decision {
  const r = rules.lb1;
  const docs = f.documents.filter((d) => !r.placeholderTypes.includes(d.docType));
  if (!docs.length) return { state: 'POR_ALCANZAR', reason: 'NO_DOCUMENT', evidenceRecordId: f.golden.nameRecordId };
  if (f.golden.birthDate) {
    const age = ageOn(f.golden.birthDate, asOf);
    const wanted = age < r.rcUnder ? r.rcTypes : age < r.ccFrom ? r.tiTypes : r.ccTypes;
    const held = docs.filter((d) => wanted.includes(d.docType));
    if (held.length) return { state: 'ALCANZADO', reason: 'DOCUMENT_FOR_AGE', evidenceRecordId: minId(held) };
  }
  const foreign = docs.filter((d) => r.foreignTypes.includes(d.docType));
  if (foreign.length) return { state: 'ALCANZADO', reason: 'FOREIGN_DOCUMENT', evidenceRecordId: minId(foreign) };
  if (!f.golden.birthDate) return { state: 'SIN_DATO', reason: 'NO_BIRTH_DATE', evidenceRecordId: minId(docs) };
  return { state: 'POR_ALCANZAR', reason: 'DOCUMENT_NOT_FOR_AGE', evidenceRecordId: f.golden.birthDateRecordId };
}

/** LB 13: an active SALUD affiliation in BDUA or RUAF (suspended, retired or dropped records do not count). */
export function evaluateLb13(f: PersonFacts, coverage: Coverage, rules: RuleSet): Decision {
  const r = rules.lb13;
  const health = f.affiliations.filter((a) => a.status === 'active' && a.subsystem === 'SALUD' && r.sources.includes(a.source));
  const reaching = health.filter((a) => (r.reachingStates as readonly string[]).includes(a.state));
  if (reaching.length) return { state: 'ALCANZADO', reason: 'ACTIVE_AFFILIATION', evidenceRecordId: maxId(reaching) };
  const deceased = health.filter((a) => (r.deceasedStates as readonly string[]).includes(a.state));
  if (deceased.length) return { state: 'NO_APLICA', reason: 'DECEASED', evidenceRecordId: maxId(deceased) };
  if (health.length) return { state: 'POR_ALCANZAR', reason: 'AFFILIATION_NOT_ACTIVE', evidenceRecordId: maxId(health) };
  if (coverage.health) return { state: 'POR_ALCANZAR', reason: 'NO_AFFILIATION', evidenceRecordId: null };
  return { state: 'SIN_DATO', reason: 'NO_HEALTH_SOURCE', evidenceRecordId: null };
}

/**
 * LB 45: the special category of displaced families. The registries say who is displaced (RUV) but not
 * whether the family receives the accompaniment the logro asks for, so a displaced person counts as
 * POR ALCANZAR (demand for the offer that serves LB 45) and everyone else as NO APLICA.
 */
export function evaluateLb45(f: PersonFacts, coverage: Coverage, rules: RuleSet): Decision {
  const displaced = f.victimRegistrations.filter((v) => v.status === 'active' && v.eventCode === rules.lb45.displacementEventCode);
  if (displaced.length) return { state: 'POR_ALCANZAR', reason: 'DISPLACED', evidenceRecordId: maxId(displaced) };
  if (coverage.victims) return { state: 'NO_APLICA', reason: 'NOT_DISPLACED', evidenceRecordId: null };
  return { state: 'SIN_DATO', reason: 'NO_VICTIMS_SOURCE', evidenceRecordId: null };
}

const SEVERITY: Record<LogroState, number> = { POR_ALCANZAR: 3, SIN_DATO: 2, ALCANZADO: 1, NO_APLICA: 0 };

/**
 * LB 3: each active Sisbén record of the person holds exactly the names, document and birth date of
 * the golden record taken from the other sources. A field the other sources do not hold is not
 * compared; with none to compare, there is no data. Several Sisbén records: the worst decides.
 */
export function evaluateLb3(f: PersonFacts, coverage: Coverage, rules: RuleSet): Decision {
  if (!f.sisben.length) {
    return coverage.sisben
      ? { state: 'POR_ALCANZAR', reason: 'NOT_IN_SISBEN', evidenceRecordId: null }
      : { state: 'SIN_DATO', reason: 'NO_SISBEN_SOURCE', evidenceRecordId: null };
  }
  const g = f.golden;
  const refName = !f.nameFromSisben && (g.firstName != null || g.firstSurname != null);
  const refBirth = !f.birthDateFromSisben && g.birthDate != null;
  const otherDocs = f.otherSourceDocuments.filter((d) => !rules.lb1.placeholderTypes.includes(d.docType));
  const refDoc = otherDocs.length > 0;
  const decisions = f.sisben.map((s): Decision => {
    if (!refName && !refBirth && !refDoc) return { state: 'SIN_DATO', reason: 'NO_OTHER_SOURCE', evidenceRecordId: s.recordId };
    if (!s.docNumber || !s.docType || rules.lb1.placeholderTypes.includes(s.docType)) {
      return { state: 'POR_ALCANZAR', reason: 'SISBEN_WITHOUT_DOCUMENT', evidenceRecordId: s.recordId };
    }
    const diffs: string[] = [];
    if (refName && (s.firstName !== g.firstName || s.secondName !== g.secondName || s.firstSurname !== g.firstSurname || s.secondSurname !== g.secondSurname)) {
      diffs.push('name');
    }
    if (refDoc && !otherDocs.some((d) => d.docType === s.docType && d.docNumber === s.docNumber)) diffs.push('document');
    if (refBirth && s.birthDate !== g.birthDate) diffs.push('birthDate');
    if (diffs.length) return { state: 'POR_ALCANZAR', reason: 'SISBEN_DIFFERS', details: diffs, evidenceRecordId: s.recordId };
    return { state: 'ALCANZADO', reason: 'SISBEN_MATCHES', evidenceRecordId: s.recordId };
  });
  decisions.sort((a, b) => SEVERITY[b.state] - SEVERITY[a.state] || (b.evidenceRecordId ?? 0) - (a.evidenceRecordId ?? 0));
  return decisions[0];
}

export interface HouseholdDecision extends Decision {
  membersApplicable: number;
  membersReached: number;
  membersPending: number;
  membersWithoutData: number;
}

/**
 * A household has reached a logro when every member to whom it applies has reached it. Combining,
 * POR ALCANZAR wins over SIN DATO (one member known to lack it is enough to say the family lacks it).
 */
export function combineHousehold(memberStates: readonly LogroState[]): HouseholdDecision {
  const count = (s: LogroState) => memberStates.filter((x) => x === s).length;
  const membersReached = count('ALCANZADO');
  const membersPending = count('POR_ALCANZAR');
  const membersWithoutData = count('SIN_DATO');
  const membersApplicable = membersReached + membersPending + membersWithoutData;
  const base = { membersApplicable, membersReached, membersPending, membersWithoutData, evidenceRecordId: null };
  if (!memberStates.length) return { ...base, state: 'SIN_DATO', reason: 'NO_MEMBERS' };
  if (!membersApplicable) return { ...base, state: 'NO_APLICA', reason: 'NOT_APPLICABLE_TO_MEMBERS' };
  if (membersPending) return { ...base, state: 'POR_ALCANZAR', reason: 'MEMBERS_PENDING' };
  if (membersWithoutData) return { ...base, state: 'SIN_DATO', reason: 'MEMBERS_WITHOUT_DATA' };
  return { ...base, state: 'ALCANZADO', reason: 'ALL_MEMBERS_REACHED' };
}

/** Every person-level logro of one person. */
export function evaluatePerson(f: PersonFacts, asOf: string, coverage: Coverage, rules: RuleSet): Record<1 | 3 | 13 | 45, Decision> {
  return {
    1: evaluateLb1(f, asOf, rules),
    3: evaluateLb3(f, coverage, rules),
    13: evaluateLb13(f, coverage, rules),
    45: evaluateLb45(f, coverage, rules),
  };
}

/** The current Sisbén IV dwelling record of a household (`sisben_hogares`, DNP codes as received; null = not given). */
export interface DwellingFact {
  /** The `sisben_hogares` version that decides (the evidence). */
  recordId: number;
  zone: 'cabecera' | 'centro_poblado' | 'rural_disperso' | null;
  wallMaterial: number | null;
  floorMaterial: number | null;
  hasEnergy: boolean | null;
  hasSewer: boolean | null;
  hasAqueduct: boolean | null;
  bedrooms: number | null;
  toiletType: number | null;
  waterSource: number | null;
}

export interface HouseholdFacts {
  /** null: the household has no current, active dwelling record. */
  dwelling: DwellingFact | null;
  /** Current members (active persons): the persons of the overcrowding ratio. */
  members: number;
}

/** A decision from a dwelling: its evidence is a `sisben_hogares` version, not a source record. */
export interface DwellingDecision extends Decision {
  evidenceDwellingId: number | null;
}

type Part = { status: 'ok' | 'fail' | 'missing'; field: string };
const part = (value: unknown, field: string, ok: (v: never) => boolean): Part =>
  value == null ? { status: 'missing', field } : { status: ok(value as never) ? 'ok' : 'fail', field };

/**
 * Habitability from the household's dwelling (Estrategia UNIDOS 2020 guide, DPS scripts LOGRO09/10/21/22/23):
 * LB 24 water (urban: aqueduct; rural: improved source) and sanitation (urban: sewer; rural: toilet
 * connected to a sewer or septic tank), both; LB 26 electricity; LB 28 persons per bedroom (urban ≥ 3,
 * rural > 3, no bedroom: overcrowded); LB 29 dirt floors; LB 32 adequate exterior walls per zone. A
 * variable the record lacks is SIN DATO (never a guess); a known failure wins over a missing variable.
 */
export function evaluateHabitat(h: HouseholdFacts, coverage: Coverage, rules: RuleSet): Record<HouseholdLogro, DwellingDecision> {
  const d = h.dwelling;
  if (!d) {
    const none: DwellingDecision = coverage.dwellings
      ? { state: 'SIN_DATO', reason: 'NO_DWELLING_RECORD', evidenceRecordId: null, evidenceDwellingId: null }
      : { state: 'SIN_DATO', reason: 'NO_DWELLING_SOURCE', evidenceRecordId: null, evidenceDwellingId: null };
    return { 24: none, 26: none, 28: none, 29: none, 32: none };
  }
  const r = rules.habitat;
  const ev = { evidenceRecordId: null, evidenceDwellingId: d.recordId };
  const missing = (...fields: string[]): DwellingDecision => ({ state: 'SIN_DATO', reason: 'MISSING_VARIABLES', details: [...new Set(fields)], ...ev });
  const urban = d.zone === 'cabecera';
  const zonePart = (p: () => Part): Part => (d.zone == null ? { status: 'missing', field: 'zone' } : p());

  const water = zonePart(() =>
    urban ? part(d.hasAqueduct, 'hasAqueduct', (v: boolean) => v) : part(d.waterSource, 'waterSource', (v: number) => r.ruralImprovedWaterSources.includes(v)),
  );
  const sanitation = zonePart(() =>
    urban ? part(d.hasSewer, 'hasSewer', (v: boolean) => v) : part(d.toiletType, 'toiletType', (v: number) => r.ruralAdequateToilets.includes(v)),
  );
  let lb24: DwellingDecision;
  if (water.status === 'fail' || sanitation.status === 'fail') {
    const details = [water.status === 'fail' ? 'water' : null, sanitation.status === 'fail' ? 'sanitation' : null].filter((x): x is string => !!x);
    lb24 = { state: 'POR_ALCANZAR', reason: 'INADEQUATE_SERVICES', details, ...ev };
  } else if (water.status === 'missing' || sanitation.status === 'missing') {
    lb24 = missing(...[water, sanitation].filter((p) => p.status === 'missing').map((p) => p.field));
  } else lb24 = { state: 'ALCANZADO', reason: 'WATER_AND_SANITATION', ...ev };

  const lb26: DwellingDecision =
    d.hasEnergy == null
      ? missing('hasEnergy')
      : d.hasEnergy
        ? { state: 'ALCANZADO', reason: 'HAS_ENERGY', ...ev }
        : { state: 'POR_ALCANZAR', reason: 'NO_ENERGY', ...ev };

  let lb28: DwellingDecision;
  if (d.bedrooms == null) lb28 = missing('bedrooms');
  else if (h.members === 0) lb28 = { state: 'SIN_DATO', reason: 'NO_MEMBERS', ...ev };
  else if (d.bedrooms === 0) lb28 = { state: 'POR_ALCANZAR', reason: 'NO_BEDROOM', ...ev };
  else if (d.zone == null) lb28 = missing('zone');
  else {
    // Exact ratio (members ÷ bedrooms) compared by multiplying: 7 persons in 2 bedrooms is 3.5.
    const overcrowded = urban ? h.members >= r.urbanOvercrowdedFrom * d.bedrooms : h.members > r.ruralOvercrowdedAbove * d.bedrooms;
    lb28 = overcrowded ? { state: 'POR_ALCANZAR', reason: 'OVERCROWDED', ...ev } : { state: 'ALCANZADO', reason: 'NOT_OVERCROWDED', ...ev };
  }

  const lb29: DwellingDecision =
    d.floorMaterial == null
      ? missing('floorMaterial')
      : r.dirtFloors.includes(d.floorMaterial)
        ? { state: 'POR_ALCANZAR', reason: 'DIRT_FLOOR', ...ev }
        : { state: 'ALCANZADO', reason: 'NO_DIRT_FLOOR', ...ev };

  let lb32: DwellingDecision;
  if (d.wallMaterial == null) lb32 = missing('wallMaterial');
  else if (d.zone == null) lb32 = missing('zone');
  else {
    const adequate = (urban ? r.urbanAdequateWalls : r.ruralAdequateWalls).includes(d.wallMaterial);
    lb32 = adequate ? { state: 'ALCANZADO', reason: 'ADEQUATE_WALLS', ...ev } : { state: 'POR_ALCANZAR', reason: 'INADEQUATE_WALLS', ...ev };
  }
  return { 24: lb24, 26: lb26, 28: lb28, 29: lb29, 32: lb32 };
}

/**
 * A member's state of a household logro: the household's; a person in several households takes the
 * worst (then the newest household); a person in none has no data.
 */
export function personHabitat(households: readonly { householdId: number; decision: DwellingDecision }[]): DwellingDecision {
  if (!households.length) return { state: 'SIN_DATO', reason: 'NO_HOUSEHOLD', evidenceRecordId: null, evidenceDwellingId: null };
  const sorted = [...households].sort((a, b) => SEVERITY[b.decision.state] - SEVERITY[a.decision.state] || b.householdId - a.householdId);
  return sorted[0].decision;
}
