import {
  defaultFieldResolver,
  getNamedType,
  isInterfaceType,
  isLeafType,
  isObjectType,
  type GraphQLField,
  type GraphQLFieldResolver,
  type GraphQLObjectType,
  type GraphQLSchema,
  GraphQLError,
} from 'graphql';
import { ROLES, type Role, AppError } from '../../kernel';
import type { GraphQLContext } from '../context';
import {
  AUDIT_SUBJECT_KEY,
  PERSONAL_TYPE_KEY,
  SENSITIVITIES,
  SENSITIVITY_KEY,
  type AuditSubject,
  type AuditSubjectOf,
  type Sensitivity,
  ALLOW_KEY,
} from '../shared';
import { checkDeadline, withDeadline } from './deadline';
import { disclosureFor, maskValue, type Disclosure } from './policy';
type AnyField = GraphQLField<unknown, GraphQLContext>;

export const allowedRoles = (field: { extensions?: Record<string, unknown> | null }): Role[] | undefined => field.extensions?.[ALLOW_KEY] as Role[] | undefined;
export const sensitivityOf = (field: { extensions?: Record<string, unknown> | null }): Sensitivity | undefined =>
  field.extensions?.[SENSITIVITY_KEY] as Sensitivity | undefined;

const isIntrospectionType = (name: string) => name.startsWith('__');

/**
 * Every rule the access layer needs, checked on the built schema. The server refuses to start on
 * any problem (and a test lists them), so a new root field or personal field cannot ship without one.
 */
export function schemaRuleProblems(schema: GraphQLSchema): string[] {
  const problems: string[] = [];
  const roots = [schema.getQueryType(), schema.getMutationType(), schema.getSubscriptionType()].filter(Boolean) as GraphQLObjectType[];
  for (const root of roots) {
    for (const f of Object.values(root.getFields())) {
      const allow = allowedRoles(f);
      if (!Array.isArray(allow) || !allow.length) problems.push(`${root.name}.${f.name}: no role rule (add @Allow(...roles))`);
    }
  }
  for (const type of Object.values(schema.getTypeMap())) {
    if (isIntrospectionType(type.name) || !(isObjectType(type) || isInterfaceType(type))) continue;
    const personal = type.extensions?.[PERSONAL_TYPE_KEY] === true;
    const hasSubject = typeof type.extensions?.[AUDIT_SUBJECT_KEY] === 'function';
    for (const f of Object.values(type.getFields())) {
      const coord = `${type.name}.${f.name}`;
      const level = sensitivityOf(f);
      const allow = allowedRoles(f);
      if (allow !== undefined && (!Array.isArray(allow) || !allow.length || allow.some((r) => !ROLES.includes(r))))
        problems.push(`${coord}: invalid @Allow roles`);
      if (level === undefined) {
        if (personal) problems.push(`${coord}: field of a personal type without @Sensitive(...)`);
        continue;
      }
      if (!SENSITIVITIES.includes(level)) problems.push(`${coord}: unknown sensitivity "${String(level)}"`);
      const leaf = isLeafType(getNamedType(f.type));
      if ((level === 'identifier' || level === 'raw') && leaf && !hasSubject) {
        problems.push(`${coord}: audited field on a type without an audit subject (@PersonalType({ auditSubject }))`);
      }
    }
  }
  return problems;
}

const forbidden = (coord: string) =>
  new GraphQLError(`This client's role may not read ${coord}.`, { extensions: { code: 'FORBIDDEN', http: { status: 403 } } });

const unauthenticated = () => new AppError('UNAUTHENTICATED', 'Authentication required.');

/** Keeps what identifies a mutation's outcome (ids, states), never the payload's personal data. */
const OUTCOME_KEYS = ['id', 'state', 'status', 'created', 'version', 'decision', 'kind', 'revokedAt'];
export function summarizeOutcome(v: unknown, depth = 0): unknown {
  if (v == null) return null;
  if (typeof v !== 'object' || v instanceof Date) return typeof v === 'boolean' || typeof v === 'number' ? v : depth === 0 ? String(v).slice(0, 64) : undefined;
  if (depth >= 3) return undefined;
  if (Array.isArray(v)) return v.slice(0, 50).map((x) => summarizeOutcome(x, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [k, val] of Object.entries(v)) {
    if (OUTCOME_KEYS.includes(k) && (val == null || ['string', 'number', 'boolean'].includes(typeof val) || val instanceof Date)) out[k] = val;
    else if (val && typeof val === 'object' && !(val instanceof Date)) {
      const nested = summarizeOutcome(val, depth + 1);
      if (nested && (Array.isArray(nested) ? nested.length : Object.keys(nested).length)) out[k] = nested;
    }
  }
  return out;
}

const errorCode = (e: unknown) =>
  e instanceof AppError ? e.code : e instanceof GraphQLError && typeof e.extensions?.code === 'string' ? e.extensions.code : 'INTERNAL_SERVER_ERROR';

function wrapRoot(field: AnyField, coord: string, kind: 'query' | 'mutation'): void {
  const resolve = (field.resolve ?? defaultFieldResolver) as GraphQLFieldResolver<unknown, GraphQLContext>;
  const allow = allowedRoles(field)!;
  field.resolve = async (source, args, ctx, info) => {
    if (!ctx?.principal) throw unauthenticated();
    if (!allow.includes(ctx.principal.role)) throw forbidden(coord);
    checkDeadline(ctx.deadline);
    if (kind === 'query') return withDeadline(resolve(source, args, ctx, info), ctx.deadline);
    // Mutations are audited ahead: the request row (arguments) is committed before the action
    // starts, so if it cannot be written the action does not happen; the outcome follows with the
    // request's other audit rows (and if that write fails the response is withheld).
    const entry = { field: coord, subjectType: 'operation', subjectId: info.operation.name?.value ?? null, personId: null };
    await ctx.audit.writeAhead({ ...entry, action: 'mutation', before: { arguments: args } });
    try {
      const result = await withDeadline(resolve(source, args, ctx, info), ctx.deadline);
      ctx.audit.add({ ...entry, action: 'mutation.outcome', after: { outcome: summarizeOutcome(result) } });
      return result;
    } catch (e) {
      ctx.audit.add({ ...entry, action: 'mutation.outcome', after: { error: errorCode(e) } });
      throw e;
    }
  };
}

function wrapField(type: GraphQLObjectType, field: AnyField): void {
  const coord = `${type.name}.${field.name}`;
  const resolve = (field.resolve ?? defaultFieldResolver) as GraphQLFieldResolver<unknown, GraphQLContext>;
  const allow = allowedRoles(field);
  const level = sensitivityOf(field);
  const leaf = isLeafType(getNamedType(field.type));
  const subjectOf = type.extensions?.[AUDIT_SUBJECT_KEY] as AuditSubjectOf | undefined;

  if (!allow && (!level || level === 'public' || level === 'personal' || level === 'victimStatus')) {
    // No per-role behaviour at resolution (the pre-execution guard already refused what the role
    // may not select): only composite fields that do work get the deadline check; hot leaves stay untouched.
    if (!leaf && field.resolve) {
      field.resolve = (source, args, ctx, info) => {
        checkDeadline(ctx.deadline);
        return resolve(source, args, ctx, info);
      };
    }
    return;
  }

  // The field's policy compiled once, at schema build: each role's resolver, so a value costs the
  // role's function and nothing decided again (a households page passes ~700 identifiers through here).
  type Resolver = GraphQLFieldResolver<unknown, GraphQLContext>;
  const refuse: Resolver = () => {
    throw forbidden(coord);
  };
  const composite: Resolver = (source, args, ctx, info) => {
    checkDeadline(ctx.deadline);
    return resolve(source, args, ctx, info);
  };
  const mask = (value: unknown) =>
    value == null ? value : Array.isArray(value) ? value.map((v) => (v == null ? v : maskValue(String(v)))) : maskValue(String(value));
  const masked: Resolver = (source, args, ctx, info) => {
    const out = resolve(source, args, ctx, info);
    return out instanceof Promise ? out.then(mask) : mask(out);
  };
  const audited: Resolver = (source, args, ctx, info) => {
    const disclose = (value: unknown) => {
      if (value == null) return value;
      const subjects = subjectOf ? subjectOf(source, ctx) : { subjectType: type.name, subjectId: null, personId: null };
      const record = (s: AuditSubject | readonly AuditSubject[]) => {
        const list = Array.isArray(s) ? (s as readonly AuditSubject[]) : [s as AuditSubject];
        // A value about nobody known (e.g. a household whose members are all unlinked) is still audited.
        for (const one of list.length ? list : [{ subjectType: type.name, subjectId: null, personId: null }]) ctx.audit.read(one, coord);
        return value;
      };
      return subjects instanceof Promise ? subjects.then(record) : record(subjects);
    };
    const out = resolve(source, args, ctx, info);
    return out instanceof Promise ? out.then(disclose) : disclose(out);
  };
  const forDisclosure = (d: Disclosure): Resolver => (d === 'denied' ? refuse : !leaf ? composite : d === 'full' ? resolve : d === 'masked' ? masked : audited);
  const byRole = new Map<Role, Resolver>(
    ROLES.map((r) => [r, forDisclosure(allow && !allow.includes(r) ? 'denied' : level ? disclosureFor(level, r) : 'full')]),
  );
  field.resolve = (source, args, ctx, info) => {
    const role = ctx?.principal?.role;
    if (!role) throw unauthenticated();
    return (byRole.get(role) ?? refuse)(source, args, ctx, info);
  };
}

/**
 * Checks the rules and installs the access layer on the built schema, in place: root fields check
 * the role, the deadline and audit mutations; fields tagged identifier/raw/victim (or with their own
 * @Allow) enforce the role table at resolution (masking and auditing leaves); other composite fields
 * check the deadline. Plain personal leaves are left alone: the pre-execution guard covers them.
 */
export function applySecurity(schema: GraphQLSchema): GraphQLSchema {
  const problems = schemaRuleProblems(schema);
  if (problems.length) throw new Error(`GraphQL access rules missing or invalid:\n  ${problems.join('\n  ')}`);
  const query = schema.getQueryType();
  const mutation = schema.getMutationType();
  for (const type of Object.values(schema.getTypeMap())) {
    if (isIntrospectionType(type.name) || !isObjectType(type)) continue;
    for (const field of Object.values(type.getFields()) as AnyField[]) {
      if (type === query) wrapRoot(field, `Query.${field.name}`, 'query');
      else if (type === mutation) wrapRoot(field, `Mutation.${field.name}`, 'mutation');
      else wrapField(type, field);
    }
  }
  return schema;
}
