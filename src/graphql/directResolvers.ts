import { isAbstractType, isObjectType, type GraphQLFieldResolver, type GraphQLSchema, type GraphQLTypeResolver } from 'graphql';
import { getMetadataStorage } from 'type-graphql';

/** A class as type-graphql's metadata holds it. */
type AnyClass = abstract new (...args: never[]) => unknown;

/**
 * Strips type-graphql's per-field machinery from the built schema where it does nothing, so the
 * hot paths (a households page resolves tens of thousands of fields) run plain graphql-js:
 *
 * - A plain property field (no @FieldResolver, no middleware, no @Authorized) gets type-graphql's
 *   "basic" resolver unless its type says `simpleResolvers: true`: an object and a middleware
 *   dispatch per value, returning `root[name]`. Here it gets graphql-js's default resolver instead
 *   (the same value; the hub's data objects carry no function-valued properties except the
 *   connection's `totalCount` thunk, whose types already use simple resolvers).
 * - A @FieldResolver method of a @Resolver class is called through type-graphql's handler, which
 *   copies the parent object into a new instance of its class (`convertToType`) and sorts and maps
 *   the parameters on every call. For methods whose parameters are only @Root, @Ctx, @Info and
 *   scalar or enum @Arg values (no input classes, no validation, no middleware), it is called
 *   directly with the same values; the parent is passed as it is, which is the same thing for the
 *   data classes this applies to (no methods, accessors or initialised properties on the class).
 *
 * - An interface's or union's own `resolveType` is wrapped by type-graphql in an async function, so
 *   every abstract value costs a promise; graphql-jit (jitExecutor.ts) does not await it at all.
 *   Here it is called directly, and a class it returns is mapped to its type's name as
 *   type-graphql does (a promise it returns is still followed, by graphql-js only).
 *
 * Anything else keeps type-graphql's resolver. The access layer (security/secureSchema.ts) wraps
 * whatever resolver a field ends up with, so nothing here changes a guard. Must run before it.
 */
export function installDirectResolvers(schema: GraphQLSchema): GraphQLSchema {
  const storage = getMetadataStorage();
  const classByName = new Map<string, AnyClass>();
  for (const t of storage.objectTypes) classByName.set(t.name, t.target as AnyClass);
  const inputClasses = new Set<unknown>([...storage.inputTypes, ...storage.argumentTypes].map((t) => t.target));
  const resolverInstances = new Map<AnyClass, object>();

  for (const type of Object.values(schema.getTypeMap())) {
    if (!isObjectType(type) || type.name.startsWith('__')) continue;
    if (type === schema.getQueryType() || type === schema.getMutationType() || type === schema.getSubscriptionType()) continue;
    const cls = classByName.get(type.name);
    if (!cls) continue;
    for (const field of Object.values(type.getFields())) {
      const fr = storage.fieldResolvers.find((r) => r.getObjectType?.() === cls && r.schemaName === field.name);
      if (fr) {
        const direct = fr.kind === 'external' ? directFieldResolver(fr, inputClasses, resolverInstances) : undefined;
        if (direct && isPlainDataClass(cls)) field.resolve = direct;
        continue;
      }
      const meta = storage.fields.find((f) => f.target === cls && f.schemaName === field.name);
      if (meta && meta.name === meta.schemaName && !meta.middlewares?.length && !meta.roles) field.resolve = undefined;
    }
  }
  const nameByClass = new Map<unknown, string>([...classByName].map(([name, cls]) => [cls, name]));
  const abstractTypes: { name: string; resolveType?: unknown }[] = [...storage.interfaceTypes, ...storage.unions];
  for (const meta of abstractTypes) {
    const type = schema.getType(meta.name);
    if (typeof meta.resolveType === 'function' && isAbstractType(type)) type.resolveType = directResolveType(meta.resolveType as RawResolveType, nameByClass);
  }
  return schema;
}

type RawResolveType = (...args: Parameters<GraphQLTypeResolver<unknown, unknown>>) => unknown;

function directResolveType(resolveType: RawResolveType, nameByClass: ReadonlyMap<unknown, string>): GraphQLTypeResolver<unknown, unknown> {
  const nameOf = (resolved: unknown): string | undefined => {
    if (!resolved || typeof resolved === 'string') return (resolved as string | null | undefined) ?? undefined;
    return nameByClass.get(resolved);
  };
  return (value, ctx, info, abstractType) => {
    const resolved = resolveType(value, ctx, info, abstractType);
    return resolved instanceof Promise ? resolved.then(nameOf) : nameOf(resolved);
  };
}

type FieldResolverMeta = ReturnType<typeof getMetadataStorage>['fieldResolvers'][number];
type ParamMeta = NonNullable<FieldResolverMeta['params']>[number];
type Getter = (root: unknown, args: Record<string, unknown>, ctx: unknown, info: unknown) => unknown;

function directFieldResolver(
  fr: FieldResolverMeta,
  inputClasses: Set<unknown>,
  instances: Map<AnyClass, object>,
): GraphQLFieldResolver<unknown, unknown> | undefined {
  if (fr.middlewares?.length || fr.roles) return undefined;
  // Positional, in parameter order, as type-graphql passes them.
  const getters: Getter[] = [];
  for (const p of [...(fr.params ?? [])].sort((a, b) => a.index - b.index)) {
    const g = paramGetter(p, inputClasses);
    if (!g) return undefined;
    getters.push(g);
  }
  const target = fr.target as new () => Record<string, (...a: unknown[]) => unknown>;
  let instance = instances.get(target) as Record<string, (...a: unknown[]) => unknown> | undefined;
  if (!instance) {
    // type-graphql's default container keeps one instance per resolver class, built with no arguments.
    if (target.length > 0) return undefined;
    instance = new target();
    instances.set(target, instance);
  }
  const method = instance[fr.methodName];
  if (typeof method !== 'function') return undefined;
  const self = instance;
  switch (getters.length) {
    case 1: {
      const [a] = getters;
      return (root, args, ctx, info) => method.call(self, a(root, args, ctx, info));
    }
    case 2: {
      const [a, b] = getters;
      return (root, args, ctx, info) => method.call(self, a(root, args, ctx, info), b(root, args, ctx, info));
    }
    default:
      return (root, args, ctx, info) =>
        method.apply(
          self,
          getters.map((g) => g(root, args as Record<string, unknown>, ctx, info)),
        );
  }
}

function paramGetter(p: ParamMeta, inputClasses: Set<unknown>): Getter | undefined {
  switch (p.kind) {
    case 'root': {
      const prop = p.propertyName;
      return prop ? (root) => (root as Record<string, unknown> | null)?.[prop] : (root) => root;
    }
    case 'context': {
      const prop = p.propertyName;
      return prop ? (_r, _a, ctx) => (ctx as Record<string, unknown>)[prop] : (_r, _a, ctx) => ctx;
    }
    case 'info':
      return (_r, _a, _c, info) => info;
    case 'arg': {
      // Scalars and enums only: type-graphql passes those through unchanged when validation is off.
      if (p.validateSettings !== undefined || p.validateFn !== undefined) return undefined;
      if (inputClasses.has(p.getType())) return undefined;
      const name = p.name;
      return (_r, args) => args[name];
    }
    default:
      return undefined;
  }
}

/** A class whose instances are only their data: no methods, accessors or initialised properties. */
function isPlainDataClass(cls: AnyClass): boolean {
  for (let proto = cls.prototype; proto && proto !== Object.prototype; proto = Object.getPrototypeOf(proto)) {
    if (Object.getOwnPropertyNames(proto).some((k) => k !== 'constructor')) return false;
  }
  try {
    const probe = new (cls as unknown as new () => object)();
    return Object.values(probe).every((v) => v === undefined);
  } catch {
    return false;
  }
}
