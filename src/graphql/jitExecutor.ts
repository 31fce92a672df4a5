import type { ApolloServerOptionsWithGateway } from '@apollo/server';
import { execute, getVariableValues, GraphQLError, type DocumentNode, type ExecutionResult, type GraphQLSchema, isObjectType, visit, BREAK } from 'graphql';
import { compileQuery, isCompiledQuery, type CompiledQuery } from 'graphql-jit';
import type { GraphQLContext } from './context';

type Gateway = NonNullable<ApolloServerOptionsWithGateway<GraphQLContext>['gateway']>;
type Executor = NonNullable<Awaited<ReturnType<Gateway['load']>>['executor']>;
type RequestContext = Parameters<Executor>[0];

/** Why an operation ran on graphql-js; counted so tests (and a debugger) can see which path served it. */
export type FallbackReason = 'not-query' | 'first-sighting' | 'not-compilable' | 'variables' | 'introspection' | 'directives' | 'field-hooks';

export interface JitStats {
  compiled: number;
  jit: number;
  fallback: Record<FallbackReason, number>;
}

export interface JitExecutorOptions {
  /** Off: every operation runs on graphql-js (API_EXECUTOR=graphql-js). */
  enabled: boolean;
}

/** One parsed document's compiled operations, by operation name ('' for the only one). */
interface DocumentEntry {
  seen: number;
  compiled: Map<string, CompiledQuery | Exclude<FallbackReason, 'not-query' | 'first-sighting' | 'variables' | 'field-hooks'>>;
}

// Apollo defines this symbol on the context when a plugin observes fields (willResolveField); only
// graphql-js runs the schema wrappers that deliver those hooks.
const FIELD_HOOKS = 'apolloServerExecutionDispatcherWillResolveField';
const hasFieldHooks = (ctx: object) => Object.getOwnPropertySymbols(ctx).some((s) => s.description === FIELD_HOOKS);

/**
 * What graphql-jit is not trusted with: introspection (off in production, and not worth a
 * compilation) and @skip/@include (its handling of them in fragment spreads is still changing).
 */
function notForJit(document: DocumentNode): 'introspection' | 'directives' | undefined {
  let found: 'introspection' | 'directives' | undefined;
  visit(document, {
    Field(node) {
      if (node.name.value === '__schema' || node.name.value === '__type') {
        found = 'introspection';
        return BREAK;
      }
      return undefined;
    },
    Directive(node) {
      if (node.name.value === 'skip' || node.name.value === 'include') {
        found = 'directives';
        return BREAK;
      }
      return undefined;
    },
  });
  return found;
}

/**
 * graphql-js's default resolver calls a function-valued property (the connections' `totalCount`
 * thunk); graphql-jit reads a field without a resolver as a plain property. Giving such fields an
 * explicit resolver with graphql-js's default behaviour keeps both executors alike.
 */
function installThunkResolvers(schema: GraphQLSchema): void {
  for (const type of Object.values(schema.getTypeMap())) {
    if (!isObjectType(type) || type.name.startsWith('__')) continue;
    const field = type.getFields().totalCount;
    if (field && !field.resolve) {
      field.resolve = (source, args, ctx, info) => {
        const v = (source as Record<string, unknown>).totalCount;
        return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).call(source, args, ctx, info) : v;
      };
    }
  }
}

/**
 * graphql-jit's errors are its own objects (no `nodes`, and no `extensions` when the cause has
 * none, which Apollo's error formatting reads): rebuilt as graphql-js builds a resolver's located
 * error — same message, path, locations, cause and extensions — so formatError, the HTTP status
 * from `extensions.http` and the logged cause are the same as under graphql-js.
 */
function asGraphQLJsError(e: GraphQLError): GraphQLError {
  const original = e.originalError ?? undefined;
  const err = new GraphQLError(e.message, {
    path: e.path,
    originalError: original,
    extensions: e.extensions ?? (original instanceof GraphQLError ? original.extensions : undefined),
  });
  if (e.locations) (err as { locations?: unknown }).locations = e.locations;
  return err;
}

/**
 * The hub's executor, handed to Apollo as a gateway (Apollo Server 4+ has no `executor` option):
 * Apollo still parses, validates (depth, aliases, directives, tokens), runs the guard plugin
 * (roles, cost, input text, rate limit) and formats errors exactly as before; only execution changes.
 *
 * A query document seen a second time (Apollo's document store keeps the parsed object, so its
 * identity stands for the query text) is compiled once with graphql-jit and executed compiled from
 * then on; the field resolvers, and with them every access-layer wrapper (masking, audit,
 * deadlines), are the same functions. Everything else runs on graphql-js as Apollo would run it:
 * mutations (serial, audited ahead), a document's first sighting (a one-off query does not pay for
 * a compilation), documents graphql-jit cannot compile, variables that do not coerce (graphql-js's
 * errors are the API's), introspection, and requests whose plugins observe fields.
 */
export function jitGateway(schema: GraphQLSchema, opts: JitExecutorOptions): { gateway: Gateway; stats: JitStats } {
  installThunkResolvers(schema);
  const stats: JitStats = {
    compiled: 0,
    jit: 0,
    fallback: { 'not-query': 0, 'first-sighting': 0, 'not-compilable': 0, variables: 0, introspection: 0, directives: 0, 'field-hooks': 0 },
  };
  const documents = new WeakMap<DocumentNode, DocumentEntry>();

  const graphqlJs = (rc: RequestContext, reason: FallbackReason) => {
    stats.fallback[reason]++;
    return execute({
      schema,
      document: rc.document,
      contextValue: rc.context,
      variableValues: rc.request.variables,
      operationName: rc.request.operationName,
    }) as Promise<ExecutionResult> | ExecutionResult;
  };

  const compiledFor = (document: DocumentNode, operationName: string | undefined) => {
    let entry = documents.get(document);
    if (!entry) {
      entry = { seen: 0, compiled: new Map() };
      documents.set(document, entry);
    }
    const key = operationName ?? '';
    if (entry.compiled.has(key)) return entry.compiled.get(key)!;
    if (++entry.seen < 2) return undefined;
    let compiled: CompiledQuery | 'introspection' | 'directives' | 'not-compilable' = notForJit(document) ?? 'not-compilable';
    if (compiled === 'not-compilable') {
      try {
        const out = compileQuery(schema, document, operationName, { disablingCapturingStackErrors: true });
        if (isCompiledQuery(out)) compiled = out;
      } catch {
        // Left to graphql-js, which reports whatever is wrong with it as the API always has.
      }
    }
    if (typeof compiled !== 'string') stats.compiled++;
    entry.compiled.set(key, compiled);
    return compiled;
  };

  const executor: Executor = async (rc) => {
    const { document, operation } = rc;
    if (!opts.enabled || operation.operation !== 'query') return graphqlJs(rc, 'not-query');
    if (hasFieldHooks(rc.context)) return graphqlJs(rc, 'field-hooks');
    const compiled = compiledFor(document, rc.request.operationName);
    if (compiled === undefined) return graphqlJs(rc, 'first-sighting');
    if (typeof compiled === 'string') return graphqlJs(rc, compiled);
    if (operation.variableDefinitions?.length) {
      const coerced = getVariableValues(schema, operation.variableDefinitions, rc.request.variables ?? {});
      if (coerced.errors) return graphqlJs(rc, 'variables');
    }
    stats.jit++;
    const result = await compiled.query(undefined, rc.context, rc.request.variables ?? {});
    return result.errors?.length ? { ...result, errors: result.errors.map(asGraphQLJsError) } : result;
  };

  const gateway: Gateway = {
    async load() {
      return { executor };
    },
    onSchemaLoadOrUpdate(callback) {
      callback({ apiSchema: schema, coreSupergraphSdl: '' });
      return () => {};
    },
    async stop() {},
  };
  return { gateway, stats };
}
