import { createHash } from 'node:crypto';
import { sql } from 'drizzle-orm';
import {
  affiliations,
  householdMemberships,
  households,
  importRuns,
  localOffers,
  personIdentifiers,
  persons,
  sisbenHogares,
  sourceEntities,
  sourceRecords,
  victimRegistrations,
} from '../../../schema';
import type { DwellingFact, PersonFacts } from '../../../src/logros';
import type { Database } from '../../../src/platform/db';

/**
 * Logro fixtures: persons described by the source records they have, written straight into the
 * canonical tables, and the same description turned into the evaluators' PersonFacts, so a test can
 * compare the SQL states, the TypeScript states and the states its author wrote by hand.
 */
export interface NamesSpec {
  first: string;
  second?: string | null;
  surname1: string;
  surname2?: string | null;
}

export interface SisbenSpec extends Partial<NamesSpec> {
  /** Household key (one household per distinct key). */
  household: string;
  docType?: string | null;
  docNumber?: string | null;
  birthDate?: string | null;
  status?: 'active' | 'vanished';
}

export interface LogroPersonSpec {
  key: string;
  names: NamesSpec;
  birthDate: string | null;
  municipality?: string;
  /** Documents on the person (person_identifiers), each from the first record that carries it. */
  sisben?: SisbenSpec[];
  bdua?: { docType: string; docNumber: string; state: string; status?: 'active' | 'vanished'; subsystem?: string; birthDate?: string | null };
  ruv?: { docType: string; docNumber: string; eventCode: number; status?: 'active' | 'vanished' };
  /** Extra identifiers not carried by any record above (e.g. a foreigner's PPT). */
  extraDocuments?: { docType: string; docNumber: string }[];
}

export interface SeededLogroPerson {
  spec: LogroPersonSpec;
  id: number;
  facts: PersonFacts;
}

export interface SeededLogros {
  persons: Map<string, SeededLogroPerson>;
  households: Map<string, number>;
}

const digest = (s: string) => createHash('md5').update(s).digest();

export async function seedLogroFixtures(
  db: Database,
  specs: readonly LogroPersonSpec[],
  opts: { sources?: readonly ('sisben' | 'bdua' | 'ruv')[]; householdMunicipality?: Record<string, string> } = {},
): Promise<SeededLogros> {
  const orm = db.orm;
  const runIds: Record<string, number> = {};
  for (const source of opts.sources ?? ['sisben', 'bdua', 'ruv']) {
    const [r] = await orm
      .insert(importRuns)
      .values({
        source,
        fileName: `${source}-logros.txt`,
        filePath: `/fixtures/${source}-logros.txt`,
        sha256: createHash('sha256').update(`${source}:${Math.random()}`).digest('hex'),
        fileBytes: 1,
        state: 'done',
      })
      .returning({ id: importRuns.id });
    runIds[source] = r.id;
  }
  const runOf = (source: string) => runIds[source] ?? runIds.sisben ?? Object.values(runIds)[0];
  let line = 0;
  const entity = async (source: 'sisben' | 'bdua' | 'ruv', key: string, personId: number, identity: Record<string, unknown>, status: 'active' | 'vanished') => {
    line++;
    const runId = runOf(source);
    const [e] = await orm
      .insert(sourceEntities)
      .values({
        source,
        sourceKey: key,
        currentRecordId: 0,
        contentHash: digest(key),
        firstSeenRunId: runId,
        changedRunId: runId,
        personId,
        status,
        ...identity,
      })
      .returning({ id: sourceEntities.id });
    const [r] = await orm
      .insert(sourceRecords)
      .values({ source, sourceEntityId: e.id, importRunId: runId, lineNo: line, sourceKey: key, contentHash: digest(key), raw: `raw ${key}`, normalized: {} })
      .returning({ id: sourceRecords.id });
    await orm.execute(sql`update source_entities set current_record_id = ${r.id} where id = ${e.id}`);
    return { entityId: e.id, recordId: r.id };
  };

  const out: SeededLogros = { persons: new Map(), households: new Map() };
  const householdId = async (key: string, municipality: string, recordId: number) => {
    const known = out.households.get(key);
    if (known) return known;
    const [h] = await orm
      .insert(households)
      .values({
        source: 'sisben',
        sourceKey: key,
        municipalityCode: opts.householdMunicipality?.[key] ?? municipality,
        sisbenGroup: 'A',
        sisbenSubgroup: 'A2',
        sourceRecordId: recordId,
      })
      .returning({ id: households.id });
    out.households.set(key, h.id);
    return h.id;
  };

  for (const spec of specs) {
    const municipality = spec.municipality ?? '05001';
    const n = spec.names;
    const [p] = await orm
      .insert(persons)
      .values({
        firstName: n.first,
        secondName: n.second ?? null,
        firstSurname: n.surname1,
        secondSurname: n.surname2 ?? null,
        birthDate: spec.birthDate,
        municipalityCode: municipality,
        isDisplaced: spec.ruv?.eventCode === 5 && (spec.ruv.status ?? 'active') === 'active',
        isVictim: !!spec.ruv,
      })
      .returning({ id: persons.id });
    const facts: PersonFacts = {
      golden: {
        firstName: n.first,
        secondName: n.second ?? null,
        firstSurname: n.surname1,
        secondSurname: n.surname2 ?? null,
        birthDate: spec.birthDate,
        nameRecordId: null,
        birthDateRecordId: null,
      },
      nameFromSisben: false,
      birthDateFromSisben: false,
      documents: [],
      affiliations: [],
      victimRegistrations: [],
      sisben: [],
      otherSourceDocuments: [],
    };
    const addDocument = async (docType: string | null | undefined, docNumber: string | null | undefined, recordId: number) => {
      if (!docType || !docNumber) return;
      if (facts.documents.some((d) => d.docType === docType && d.docNumber === docNumber)) return;
      await orm.insert(personIdentifiers).values({ personId: p.id, docType, docNumber, sourceRecordId: recordId });
      facts.documents.push({ docType, docNumber, sourceRecordId: recordId });
    };
    // Golden provenance: BDUA first, then Sisbén (the default survivorship order).
    let nameRecord: { id: number; source: string } | null = null;
    let birthRecord: { id: number; source: string } | null = null;
    if (spec.bdua) {
      const b = spec.bdua;
      const status = b.status ?? 'active';
      const bdBirth = b.birthDate === undefined ? spec.birthDate : b.birthDate;
      const e = await entity(
        'bdua',
        `${spec.key}-bdua`,
        p.id,
        { docType: b.docType, docNumber: b.docNumber, firstName: n.first, firstSurname: n.surname1, birthDate: bdBirth },
        status,
      );
      await orm.insert(affiliations).values({
        sourceEntityId: e.entityId,
        sourceRecordId: e.recordId,
        personId: p.id,
        source: 'bdua',
        subsystem: (b.subsystem ?? 'SALUD') as never,
        administratorCode: 'EPS037',
        state: b.state as never,
        stateCode: 'XX',
        status,
      });
      facts.affiliations.push({ source: 'bdua', subsystem: b.subsystem ?? 'SALUD', state: b.state, status, sourceRecordId: e.recordId });
      if (status === 'active') facts.otherSourceDocuments.push({ docType: b.docType, docNumber: b.docNumber });
      await addDocument(b.docType, b.docNumber, e.recordId);
      nameRecord = { id: e.recordId, source: 'bdua' };
      if (bdBirth) birthRecord = { id: e.recordId, source: 'bdua' };
    }
    if (spec.ruv) {
      const v = spec.ruv;
      const status = v.status ?? 'active';
      const e = await entity('ruv', `${spec.key}-ruv`, p.id, { docType: v.docType, docNumber: v.docNumber }, status);
      await orm.insert(victimRegistrations).values({ sourceEntityId: e.entityId, sourceRecordId: e.recordId, personId: p.id, eventCode: v.eventCode, status });
      facts.victimRegistrations.push({ eventCode: v.eventCode, status, sourceRecordId: e.recordId });
      if (status === 'active') facts.otherSourceDocuments.push({ docType: v.docType, docNumber: v.docNumber });
      await addDocument(v.docType, v.docNumber, e.recordId);
    }
    for (const [i, s] of (spec.sisben ?? []).entries()) {
      const status = s.status ?? 'active';
      const identity = {
        docType: s.docType ?? null,
        docNumber: s.docNumber ?? null,
        firstName: s.first ?? n.first,
        secondName: s.second === undefined ? (n.second ?? null) : s.second,
        firstSurname: s.surname1 ?? n.surname1,
        secondSurname: s.surname2 === undefined ? (n.surname2 ?? null) : s.surname2,
        birthDate: s.birthDate === undefined ? spec.birthDate : s.birthDate,
        householdKey: s.household,
      };
      const e = await entity('sisben', `${spec.key}-sisben-${i}`, p.id, identity, status);
      const hh = await householdId(s.household, municipality, e.recordId);
      await orm.insert(householdMemberships).values({
        householdId: hh,
        sourceEntityId: e.entityId,
        sourceRecordId: e.recordId,
        personId: p.id,
        memberOrder: i + 1,
        validTo: status === 'active' ? null : '2026-01-01',
      });
      if (status === 'active') {
        const { householdKey: _hk, ...rest } = identity;
        facts.sisben.push({ recordId: e.recordId, ...rest });
      }
      await addDocument(identity.docType, identity.docNumber, e.recordId);
      nameRecord ??= { id: e.recordId, source: 'sisben' };
      if (identity.birthDate) birthRecord ??= { id: e.recordId, source: 'sisben' };
    }
    for (const d of spec.extraDocuments ?? []) await addDocument(d.docType, d.docNumber, nameRecord?.id ?? 0);
    await orm.execute(
      sql`update persons set name_source_record_id = ${nameRecord?.id ?? null}, birth_date_source_record_id = ${birthRecord?.id ?? null} where id = ${p.id}`,
    );
    facts.golden.nameRecordId = nameRecord?.id ?? null;
    facts.golden.birthDateRecordId = birthRecord?.id ?? null;
    facts.nameFromSisben = nameRecord?.source === 'sisben';
    facts.birthDateFromSisben = birthRecord?.source === 'sisben';
    out.persons.set(spec.key, { spec, id: p.id, facts });
  }
  return out;
}

/** A Sisbén IV dwelling record of a fixture household (its key), DNP codes; unset variables are null. */
export type DwellingSpec = { household: string; municipality?: string } & Partial<Omit<DwellingFact, 'recordId'>>;

/**
 * A Sisbén IV hogares cut: one import run of `sisben_hogares` and a current version per household,
 * as the table import writes them (the households' keys join them to their members). With `later`,
 * a later cut: the keys given get a new version, the `unchanged` ones keep theirs, every other vanishes.
 */
export async function seedDwellingCut(
  db: Database,
  specs: readonly DwellingSpec[],
  later: { unchanged: readonly string[] } | null = null,
): Promise<{ runId: number; ids: Map<string, number>; facts: Map<string, DwellingFact> }> {
  const orm = db.orm;
  const [run] = await orm
    .insert(importRuns)
    .values({
      source: 'sisben_hogares',
      fileName: 'hogares-logros.csv',
      filePath: '/fixtures/hogares-logros.csv',
      sha256: createHash('sha256').update(`hogares:${Math.random()}`).digest('hex'),
      fileBytes: 1,
      state: 'done',
    })
    .returning({ id: importRuns.id });
  if (later) {
    // As the table import does: a changed key gets a new version, an unchanged one keeps its own, a missing one vanishes.
    const keys = `{${specs.map((s) => s.household).join(',')}}`;
    const kept = `{${[...specs.map((s) => s.household), ...later.unchanged].join(',')}}`;
    await orm.execute(sql`update sisben_hogares set is_current = false, superseded_run_id = ${run.id}
      where is_current and status = 'active' and source_key = any(${keys}::text[])`);
    await orm.execute(sql`update sisben_hogares set status = 'vanished', vanished_run_id = ${run.id}
      where is_current and status = 'active' and not (source_key = any(${kept}::text[]))`);
  }
  const ids = new Map<string, number>();
  const facts = new Map<string, DwellingFact>();
  for (const [i, d] of specs.entries()) {
    const values = {
      zone: d.zone ?? null,
      wallMaterial: d.wallMaterial ?? null,
      floorMaterial: d.floorMaterial ?? null,
      hasEnergy: d.hasEnergy ?? null,
      hasSewer: d.hasSewer ?? null,
      hasAqueduct: d.hasAqueduct ?? null,
      bedrooms: d.bedrooms ?? null,
      toiletType: d.toiletType ?? null,
      waterSource: d.waterSource ?? null,
    };
    const [row] = await orm
      .insert(sisbenHogares)
      .values({
        importRunId: run.id,
        lineNo: i + 2,
        sourceKey: d.household,
        contentHash: digest(`${d.household}:${JSON.stringify(values)}`),
        raw: `raw ${d.household}`,
        ficha: d.household,
        householdNo: 1,
        municipalityCode: d.municipality ?? '05001',
        ...values,
      })
      .returning({ id: sisbenHogares.id });
    ids.set(d.household, row.id);
    facts.set(d.household, { recordId: row.id, ...values });
  }
  return { runId: run.id, ids, facts };
}

/** A program of the Mapa de Oferta Local serving some logros in a municipality (current, active). */
export async function seedOffer(db: Database, o: { code: string; municipality: string; logros: number[]; places: number; from: string; to: string }) {
  const [run] = await db.orm
    .insert(importRuns)
    .values({
      source: 'oferta',
      fileName: 'oferta.csv',
      filePath: '/fixtures/oferta.csv',
      sha256: createHash('sha256').update(`oferta:${Math.random()}`).digest('hex'),
      fileBytes: 1,
      state: 'done',
    })
    .returning({ id: importRuns.id });
  await db.orm.insert(localOffers).values({
    importRunId: run.id,
    lineNo: 2,
    sourceKey: `${o.code}-${o.municipality}-${o.from}`,
    contentHash: digest(o.code),
    raw: `raw ${o.code}`,
    offerCode: o.code,
    municipalityCode: o.municipality,
    entity: 'ALCALDIA',
    program: `PROGRAMA ${o.code}`,
    logros: o.logros,
    places: o.places,
    periodStart: o.from,
    periodEnd: o.to,
  });
}
