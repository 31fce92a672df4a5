import type { Config } from '../platform/config';
import { isUuid, AppError, checkPageSize, decodeCursor, type Page } from '../kernel';
import { DOCUMENT_TYPE_BY_CODE, DOCUMENT_TYPES, type DocumentTypeCode } from '../domain/reference/documentTypes';
import { normalizeDocumentNumber } from '../domain/identity/documentNumber';
import type { HouseholdFilter, HouseholdRepository, HouseholdRow } from './householdRepository';
import type { PersonFilter, PersonRepository, PersonRow } from './personRepository';
import type { TerritoryScope } from '../kernel';
import type { PersonFacts, PersonFactsWanted } from './personFacts';

/** The other types of a document's life cycle (RC/NUIP → TI → CC keep the number), or none. */
function lifeCycleFamily(type: DocumentTypeCode): DocumentTypeCode[] {
  if (DOCUMENT_TYPE_BY_CODE.get(type)?.lifeCycleRank == null) return [];
  return DOCUMENT_TYPES.filter((t) => t.lifeCycleRank != null && t.code !== type).map((t) => t.code);
}

export type DocumentLookupStatus = 'FOUND' | 'NOT_FOUND' | 'AMBIGUOUS' | 'INVALID_NUMBER';
export interface DocumentLookupResult {
  /** Position in the request. */
  index: number;
  status: DocumentLookupStatus;
  /** The holders in scope (one when FOUND, several when AMBIGUOUS). */
  persons: PersonRow[];
}

const DEPARTMENT_RE = /^\d{1,2}$/;
const MUNICIPALITY_RE = /^\d{4,5}$/;

/** Read side of the registry: validates and normalizes API input, then asks the repositories. */
export class RegistryService {
  constructor(
    private readonly persons: PersonRepository,
    private readonly households: HouseholdRepository,
    private readonly config: Pick<Config, 'API_MAX_PAGE_SIZE'>,
  ) {}

  async personByPublicId(publicId: string, scope?: TerritoryScope | null): Promise<PersonRow | null> {
    if (!isUuid(publicId)) return null;
    return (await this.persons.resolvePublicIds([publicId], scope)).get(publicId) ?? null;
  }

  /**
   * Finds the person holding a document. The number is normalized ("1.023.456.789" → "1023456789").
   * For documents of the NUIP life cycle (RC/NUIP → TI → CC) the same number under another type of
   * the cycle also matches, because the Registraduría keeps the number as the person grows up.
   */
  async personsByDocument(
    type: DocumentTypeCode,
    number: string,
    scope?: TerritoryScope | null,
    wanted?: PersonFactsWanted,
  ): Promise<PersonRow[] & { facts?: Map<number, PersonFacts> }> {
    const result = normalizeDocumentNumber(type, number);
    if (!result.ok) throw new AppError('BAD_USER_INPUT', `Not a valid ${type} document number: ${result.reason}.`, { field: 'number' });
    const lookup = await this.persons.findByDocuments([{ type, number: result.value, family: lifeCycleFamily(type) }], scope, wanted);
    return Object.assign(lookup[0] ?? [], { facts: lookup.facts });
  }

  /**
   * Many documents at once (an integrator checking a list): one statement, each document's
   * outcome in input order. A number that is not valid for its type is that entry's outcome, not
   * the request's failure. At most API_MAX_PAGE_SIZE documents.
   */
  async lookupDocuments(documents: readonly { type: DocumentTypeCode; number: string }[], scope?: TerritoryScope | null): Promise<DocumentLookupResult[]> {
    if (documents.length > this.config.API_MAX_PAGE_SIZE) {
      throw new AppError('BAD_USER_INPUT', `At most ${this.config.API_MAX_PAGE_SIZE} documents per request.`, { field: 'documents' });
    }
    const normalized = documents.map((d) => normalizeDocumentNumber(d.type, d.number));
    const valid = documents.flatMap((d, i) => {
      const n = normalized[i]!;
      return n.ok ? [{ index: i, lookup: { type: d.type, number: n.value, family: lifeCycleFamily(d.type) } }] : [];
    });
    const found = await this.persons.findByDocuments(
      valid.map((v) => v.lookup),
      scope,
    );
    const byIndex = new Map(valid.map((v, j) => [v.index, found[j] ?? []]));
    return documents.map((_, index) => {
      const persons = byIndex.get(index);
      if (!persons) return { index, status: 'INVALID_NUMBER', persons: [] };
      return { index, status: persons.length === 0 ? 'NOT_FOUND' : persons.length === 1 ? 'FOUND' : 'AMBIGUOUS', persons };
    });
  }

  /** `wanted`: the person's facts the operation selects, read in the same statement (personFacts.ts). */
  async personByDocument(
    type: DocumentTypeCode,
    number: string,
    scope?: TerritoryScope | null,
    wanted?: PersonFactsWanted,
  ): Promise<{ person: PersonRow; facts?: PersonFacts } | null> {
    const found = await this.personsByDocument(type, number, scope, wanted);
    if (found.length > 1) {
      throw new AppError(
        'AMBIGUOUS_DOCUMENT',
        'Several persons hold this document (it is shared or mistyped in a source); use personsByDocument and review them.',
        { candidates: found.length },
      );
    }
    const person = found[0];
    return person ? { person, facts: found.facts?.get(person.id) } : null;
  }

  listPersons(
    filter: PersonFilter,
    first: number | undefined,
    after: string | undefined,
    scope?: TerritoryScope | null,
    wanted?: PersonFactsWanted,
  ): Promise<Page<PersonRow> & { facts?: Map<number, PersonFacts> }> {
    return this.persons.list(this.normalizeTerritory(filter), this.page(first, after), scope, wanted);
  }

  listHouseholds(filter: HouseholdFilter, first: number | undefined, after: string | undefined, scope?: TerritoryScope | null): Promise<Page<HouseholdRow>> {
    return this.households.list(this.normalizeTerritory(filter), this.page(first, after), scope);
  }

  countPersons(filter: PersonFilter, scope?: TerritoryScope | null): Promise<number> {
    return this.persons.count(this.normalizeTerritory(filter), scope);
  }

  countHouseholds(filter: HouseholdFilter, scope?: TerritoryScope | null): Promise<number> {
    return this.households.count(this.normalizeTerritory(filter), scope);
  }

  /**
   * `node(id:)`: a public id names one person or one household (UUIDv7 from one generator, so ids
   * are global). Persons first (a merged-away id resolves to its survivor), then households; both
   * within the caller's territorial scope.
   */
  async nodeByPublicId(publicId: string, scope?: TerritoryScope | null): Promise<{ person: PersonRow } | { household: HouseholdRow } | null> {
    if (!isUuid(publicId)) return null;
    const person = await this.personByPublicId(publicId, scope);
    if (person) return { person };
    const household = await this.householdByPublicId(publicId, scope);
    return household ? { household } : null;
  }

  async householdByPublicId(publicId: string, scope?: TerritoryScope | null): Promise<HouseholdRow | null> {
    if (!isUuid(publicId)) return null;
    return (await this.households.findByPublicIds([publicId], scope))[0] ?? null;
  }

  private page(first: number | undefined, after: string | undefined) {
    const max = this.config.API_MAX_PAGE_SIZE;
    const n = first ?? 20;
    checkPageSize(n, max);
    return { first: n, after: after ? decodeCursor(after) : undefined };
  }

  private normalizeTerritory<F extends { department?: string; municipality?: string }>(filter: F): F {
    const out = { ...filter };
    if (out.department !== undefined) {
      if (!DEPARTMENT_RE.test(out.department))
        throw new AppError('BAD_USER_INPUT', 'department must be a DANE code of 2 digits, e.g. "05".', { field: 'department' });
      out.department = out.department.padStart(2, '0');
    }
    if (out.municipality !== undefined) {
      if (!MUNICIPALITY_RE.test(out.municipality))
        throw new AppError('BAD_USER_INPUT', 'municipality must be a DANE code of 5 digits, e.g. "05001".', { field: 'municipality' });
      out.municipality = out.municipality.padStart(5, '0');
    }
    return out;
  }
}
