import { createHash } from 'node:crypto';
import { sql } from 'drizzle-orm';
import {
  affiliations,
  householdMemberships,
  households,
  importRuns,
  personIdentifiers,
  persons,
  sisbenClassifications,
  sourceEntities,
  sourceRecords,
  victimRegistrations,
} from '../../../schema';
import type { Database } from '../../../src/platform/db';

/**
 * A small deterministic registry written straight into the canonical tables, for API and
 * repository tests that must not depend on the import pipeline. Household i lives in
 * MUNICIPALITIES[i % 4], has `membersPerHousehold` persons, Sisbén group GROUPS[i % 4]; every
 * person has a CC (or TI under 18) and a SALUD affiliation (RETIRADO every 3rd person, else
 * ACTIVO); every 5th household's head is registered as displaced in RUV.
 */
export const MUNICIPALITIES = ['05001', '11001', '76001', '05088'] as const;
export const GROUPS = ['A', 'B', 'C', 'D'] as const;

export interface SeededPerson {
  id: number;
  publicId: string;
  docType: string;
  docNumber: string;
  householdIndex: number;
  municipalityCode: string;
  sisbenGroup: string;
  displaced: boolean;
  healthState: 'ACTIVO' | 'RETIRADO';
}

export interface SeededHousehold {
  id: number;
  publicId: string;
  index: number;
  municipalityCode: string;
  sisbenGroup: string;
  zone: 'rural_disperso' | 'cabecera';
  hasDisplaced: boolean;
}

export interface SeededRegistry {
  persons: SeededPerson[];
  households: SeededHousehold[];
  runIds: { sisben: number; bdua: number; ruv: number };
}

const digest = (s: string) => createHash('md5').update(s).digest();

export async function seedRegistry(db: Database, opts: { households: number; membersPerHousehold?: number; offset?: number }): Promise<SeededRegistry> {
  const orm = db.orm;
  const per = opts.membersPerHousehold ?? 3;
  const offset = opts.offset ?? 0;
  const run = async (source: 'sisben' | 'bdua' | 'ruv') =>
    (
      await orm
        .insert(importRuns)
        .values({
          source,
          fileName: `${source}-fixture-${offset}.txt`,
          filePath: `/fixtures/${source}-${offset}.txt`,
          sha256: createHash('sha256').update(`${source}:${offset}:${Math.random()}`).digest('hex'),
          fileBytes: 1,
          state: 'done',
        })
        .returning({ id: importRuns.id })
    )[0].id;
  const runIds = { sisben: await run('sisben'), bdua: await run('bdua'), ruv: await run('ruv') };

  const out: SeededRegistry = { persons: [], households: [], runIds };
  let line = 1;
  const entity = async (source: 'sisben' | 'bdua' | 'ruv', runId: number, key: string, personId: number | null, identity: Record<string, unknown>) => {
    line++;
    const hash = digest(`${source}:${key}`);
    const [e] = await orm
      .insert(sourceEntities)
      .values({
        source,
        sourceKey: key,
        currentRecordId: 0,
        contentHash: hash,
        firstSeenRunId: runId,
        changedRunId: runId,
        personId,
        ...identity,
      })
      .returning({ id: sourceEntities.id });
    const [r] = await orm
      .insert(sourceRecords)
      .values({
        source,
        sourceEntityId: e.id,
        importRunId: runId,
        lineNo: line,
        sourceKey: key,
        contentHash: hash,
        raw: `raw line ${key}`,
        normalized: { sourceKey: key, identity },
      })
      .returning({ id: sourceRecords.id });
    await orm.execute(sql`update source_entities set current_record_id = ${r.id} where id = ${e.id}`);
    return { entityId: e.id, recordId: r.id };
  };

  for (let h = 0; h < opts.households; h++) {
    const hi = h + offset;
    const municipalityCode = MUNICIPALITIES[hi % MUNICIPALITIES.length];
    const group = GROUPS[hi % GROUPS.length];
    const hhKey = `F${hi}-1`;
    const zone = hi % 3 === 0 ? 'rural_disperso' : 'cabecera';
    const headEntity = await entity('sisben', runIds.sisben, `${hhKey}-hh`, null, { municipalityCode });
    const [hh] = await orm
      .insert(households)
      .values({
        source: 'sisben',
        sourceKey: hhKey,
        municipalityCode,
        zone,
        sisbenFicha: `F${hi}`,
        sisbenGroup: group,
        sisbenSubgroup: `${group}1`,
        sourceRecordId: headEntity.recordId,
      })
      .returning({ id: households.id, publicId: households.publicId });
    out.households.push({ ...hh, index: hi, municipalityCode, sisbenGroup: group, zone, hasDisplaced: hi % 5 === 0 });

    for (let m = 0; m < per; m++) {
      const n = hi * per + m;
      const adult = m < 2;
      const docType = adult ? 'CC' : 'TI';
      const docNumber = String(1_000_000_000 + n);
      const birthDate = adult ? `19${70 + (n % 25)}-0${1 + (n % 9)}-1${n % 10}` : `201${n % 6}-0${1 + (n % 9)}-1${n % 10}`;
      const displaced = m === 0 && hi % 5 === 0;
      const [p] = await orm
        .insert(persons)
        .values({
          firstName: ['MARÍA', 'JOSÉ', 'LUZ', 'JHON'][n % 4],
          secondName: n % 2 ? 'DEL CARMEN' : null,
          firstSurname: ['RODRÍGUEZ', 'CHAVERRA', 'DE LA HOZ', 'NÚÑEZ'][n % 4],
          secondSurname: n % 3 ? 'GÓMEZ' : null,
          birthDate,
          sex: n % 2 ? 'F' : 'M',
          municipalityCode,
          sisbenGroup: group,
          sisbenSubgroup: `${group}1`,
          isVictim: displaced,
          isDisplaced: displaced,
          healthState: n % 3 === 0 ? 'RETIRADO' : 'ACTIVO',
        })
        .returning({ id: persons.id, publicId: persons.publicId });
      const identity = { docType, docNumber, birthDate, municipalityCode };
      const sis = await entity('sisben', runIds.sisben, `${hhKey}-${m + 1}`, p.id, { ...identity, householdKey: hhKey });
      await orm.execute(
        sql`update persons set name_source_record_id = ${sis.recordId}, birth_date_source_record_id = ${sis.recordId},
          sex_source_record_id = ${sis.recordId}, municipality_source_record_id = ${sis.recordId} where id = ${p.id}`,
      );
      await orm.insert(personIdentifiers).values({ personId: p.id, docType, docNumber, sourceRecordId: sis.recordId });
      await orm.insert(householdMemberships).values({
        householdId: hh.id,
        sourceEntityId: sis.entityId,
        sourceRecordId: sis.recordId,
        personId: p.id,
        role: m === 0 ? 1 : m === 1 ? 2 : 3,
        memberOrder: m + 1,
        validFrom: '2023-01-01',
      });
      await orm.insert(sisbenClassifications).values({
        sourceEntityId: sis.entityId,
        sourceRecordId: sis.recordId,
        personId: p.id,
        householdId: hh.id,
        group,
        subgroup: `${group}1`,
        cutDate: '2024-06-30',
      });
      const bdua = await entity('bdua', runIds.bdua, `AFL${n}`, p.id, identity);
      await orm.insert(affiliations).values({
        sourceEntityId: bdua.entityId,
        sourceRecordId: bdua.recordId,
        personId: p.id,
        source: 'bdua',
        subsystem: 'SALUD',
        administratorCode: 'EPS037',
        regime: 'SUBSIDIADO',
        state: n % 3 === 0 ? 'RETIRADO' : 'ACTIVO',
        stateCode: n % 3 === 0 ? 'RE' : 'AC',
        startDate: '2020-01-01',
        municipalityCode,
      });
      if (displaced) {
        const ruv = await entity('ruv', runIds.ruv, `${docType}${docNumber}-5`, p.id, identity);
        await orm.insert(victimRegistrations).values({
          sourceEntityId: ruv.entityId,
          sourceRecordId: ruv.recordId,
          personId: p.id,
          eventCode: 5,
          victimType: 'DIRECTA',
          occurrenceDate: '2010-05-01',
          occurrenceMunicipality: '27001',
          arrivalMunicipality: municipalityCode,
          inclusionState: 'INCLUIDO',
        });
      }
      out.persons.push({
        id: p.id,
        publicId: p.publicId,
        docType,
        docNumber,
        householdIndex: hi,
        municipalityCode,
        sisbenGroup: group,
        displaced,
        healthState: n % 3 === 0 ? 'RETIRADO' : 'ACTIVO',
      });
    }
  }
  return out;
}
