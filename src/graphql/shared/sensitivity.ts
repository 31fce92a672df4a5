import { Extensions } from 'type-graphql';

/**
 * Every field of a type that holds personal data declares how sensitive it is, next to its
 * definition. The access layer (src/graphql/security) reads these tags (schema extensions) to
 * refuse, mask or audit, per role (the table is in src/graphql/security/policy.ts); a test walks
 * the schema and fails on any field of a personal type without one.
 *
 * - `public`: no personal data (ids of records, codes, counts, reference values).
 * - `personal`: personal data every role that reads the registry may see (names, birth date, sex, territory).
 * - `victimStatus`: whether a person is registered as a victim or displaced. Readers get it (they
 *   filter on it to target programmes); the details are `victim`.
 * - `identifier`: a full document number or key; masked for readers, audited when returned in full.
 * - `raw`: a raw source line or normalized source values; stewards and admins only, audited.
 * - `victim`: victims' registry details (Ley 1448 art. 29 confidentiality); stewards and admins only.
 */
export type Sensitivity = 'public' | 'personal' | 'victimStatus' | 'identifier' | 'raw' | 'victim';
export const SENSITIVITIES: readonly Sensitivity[] = ['public', 'personal', 'victimStatus', 'identifier', 'raw', 'victim'];

export const SENSITIVITY_KEY = 'sensitivity';

export function Sensitive(level: Sensitivity): MethodDecorator & PropertyDecorator & ClassDecorator {
  return Extensions({ [SENSITIVITY_KEY]: level });
}

/**
 * Whom an audited read is about: the audit log records the subject and, when there is one, the
 * person (internal id) whose data was disclosed.
 */
export interface AuditSubject {
  subjectType: string;
  subjectId: string | null;
  personId: number | null;
}

/** Marks an object type as holding personal data: all its fields must carry a sensitivity tag. */
export const PERSONAL_TYPE_KEY = 'personalType';
export const AUDIT_SUBJECT_KEY = 'auditSubject';
/**
 * The subject(s) of a read of `source`: one, or several when the value identifies several persons
 * (a household's Sisbén ficha identifies every member), possibly loaded (the request's loaders).
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the decorated class's instances and the feature's loaders, unknown here
export type AuditSubjectOf<T = any> = (
  source: T,
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  ctx: { loaders: any },
) => AuditSubject | readonly AuditSubject[] | Promise<AuditSubject | readonly AuditSubject[]>;

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the decorated class's instances, unknown here
export function PersonalType<T = any>(opts: { auditSubject?: AuditSubjectOf<T> } = {}): ClassDecorator {
  return Extensions({
    [PERSONAL_TYPE_KEY]: true,
    ...(opts.auditSubject ? { [AUDIT_SUBJECT_KEY]: opts.auditSubject } : {}),
  }) as ClassDecorator;
}
