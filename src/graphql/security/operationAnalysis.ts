import {
  getNamedType,
  isAbstractType,
  isCompositeType,
  isInterfaceType,
  isLeafType,
  isObjectType,
  Kind,
  SchemaMetaFieldDef,
  TypeMetaFieldDef,
  type DocumentNode,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLCompositeType,
  type GraphQLField,
  type GraphQLNamedType,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type SelectionSetNode,
} from 'graphql';

export interface AnalysisLimits {
  /** Values of `first` above this are refused by the services (BAD_USER_INPUT), so cost counts at most this. */
  maxPageSize: number;
  /** `first` when the argument is omitted and has no default. */
  defaultPageSize: number;
  /** Selections visited (fragments expanded) before giving up: fragment fan-out cannot make the analysis itself a bomb. */
  maxVisits: number;
}

export interface SelectedField {
  typeName: string;
  field: GraphQLField<unknown, unknown>;
}

export interface OperationAnalysis {
  /** Object and list selections the operation can return, connection subtrees multiplied by `first`. */
  cost: number;
  /** Every (concrete or abstract parent type, field) the operation selects, fragments expanded. */
  fields: Map<string, SelectedField>;
  /** A `first` argument outside 0..maxPageSize (refused before execution, as the services would). */
  invalidFirst: boolean;
}

export class OperationTooComplexError extends Error {}

/**
 * Walks the operation that will execute, with fragments expanded (a fragment spread twice counts
 * twice) and introspection fields counted like any other, to get its cost and the fields it selects.
 * Runs after validation (so fragment cycles are already refused; the walk still skips them) and
 * with the request's variables, so `first: $n` counts as n.
 */
/**
 * Analyses that read no variable (no `first: $n`, no list variable), per schema, operation node and
 * limits: the same for every request of that document, and Apollo's document store hands back the
 * same (immutable) nodes for a query text it has seen.
 */
const constantAnalyses = new WeakMap<GraphQLSchema, WeakMap<OperationDefinitionNode, { limits: AnalysisLimits; analysis: OperationAnalysis }>>();

export function analyzeOperation(
  schema: GraphQLSchema,
  document: DocumentNode,
  operation: OperationDefinitionNode,
  variables: Record<string, unknown> | undefined,
  limits: AnalysisLimits,
): OperationAnalysis {
  let bySchema = constantAnalyses.get(schema);
  if (!bySchema) constantAnalyses.set(schema, (bySchema = new WeakMap()));
  const cached = bySchema.get(operation);
  if (cached && cached.limits === limits) return cached.analysis;
  const { analysis, readVariables } = analyze(schema, document, operation, variables, limits);
  if (!readVariables) bySchema.set(operation, { limits, analysis });
  return analysis;
}

function analyze(
  schema: GraphQLSchema,
  document: DocumentNode,
  operation: OperationDefinitionNode,
  variables: Record<string, unknown> | undefined,
  limits: AnalysisLimits,
): { analysis: OperationAnalysis; readVariables: boolean } {
  let readVariables = false;
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const d of document.definitions) if (d.kind === Kind.FRAGMENT_DEFINITION) fragments.set(d.name.value, d);
  const fields = new Map<string, SelectedField>();
  let visits = 0;
  let invalidFirst = false;

  const record = (parent: GraphQLCompositeType, name: string) => {
    const owners: GraphQLNamedType[] = isAbstractType(parent) ? [parent, ...schema.getPossibleTypes(parent)] : [parent];
    for (const owner of owners) {
      if (!(isObjectType(owner) || isInterfaceType(owner))) continue;
      const def = owner.getFields()[name];
      if (def) fields.set(`${owner.name}.${name}`, { typeName: owner.name, field: def as GraphQLField<unknown, unknown> });
    }
  };

  const pageSize = (node: FieldNode, def: GraphQLField<unknown, unknown>): number => {
    const listArg = (def.extensions as { costListArg?: unknown } | null | undefined)?.costListArg;
    if (typeof listArg === 'string') return listLength(node, listArg);
    const arg = def.args.find((a) => a.name === 'first');
    if (!arg) return 1;
    const given = node.arguments?.find((a) => a.name.value === 'first')?.value;
    let n: unknown = arg.defaultValue ?? limits.defaultPageSize;
    if (given?.kind === Kind.INT) n = Number(given.value);
    else if (given?.kind === Kind.VARIABLE) {
      readVariables = true;
      n = variables?.[given.name.value] ?? n;
    }
    if (typeof n !== 'number' || !Number.isInteger(n) || n < 0 || n > limits.maxPageSize) {
      invalidFirst = true;
      return 0;
    }
    return n;
  };

  // A batch field (personsByDocuments) returns one subtree per element of a list argument: it costs
  // like a page of that many, whether the list is literal or a variable.
  const listLength = (node: FieldNode, argName: string): number => {
    const given = node.arguments?.find((a) => a.name.value === argName)?.value;
    if (given?.kind === Kind.VARIABLE) readVariables = true;
    const n = given?.kind === Kind.LIST ? given.values.length : given?.kind === Kind.VARIABLE ? variables?.[given.name.value] : 1;
    const len = Array.isArray(n) ? n.length : typeof n === 'number' ? n : 1;
    return Math.max(1, len);
  };

  const fieldCost = (def: { extensions?: unknown }): number => {
    const c = (def.extensions as { cost?: unknown } | null | undefined)?.cost;
    return typeof c === 'number' && c > 0 ? c : 0;
  };

  /**
   * A selection set's cost in two parts: `items` is repeated for every element a list field may
   * return, `once` is charged once for the field that holds it. A counted leaf (a connection's
   * totalCount: one count over the filter, whatever the page) belongs to `once`: charging it per
   * item would make `first: 50` with its count cost as much as fifty counts.
   */
  const walk = (set: SelectionSetNode, parent: GraphQLCompositeType, fragmentPath: readonly string[]): { items: number; once: number } => {
    let items = 0;
    let once = 0;
    for (const sel of set.selections) {
      if (++visits > limits.maxVisits) throw new OperationTooComplexError();
      if (sel.kind === Kind.FIELD) {
        const name = sel.name.value;
        if (name === '__typename') continue;
        const def =
          name === '__schema'
            ? SchemaMetaFieldDef
            : name === '__type'
              ? TypeMetaFieldDef
              : isObjectType(parent) || isInterfaceType(parent)
                ? parent.getFields()[name]
                : undefined;
        if (!def) continue;
        if (!name.startsWith('__')) record(parent, name);
        const named = getNamedType(def.type);
        if (isLeafType(named) || !sel.selectionSet || !isCompositeType(named)) {
          // A leaf that does work of its own (a count over a filtered set) declares its cost.
          once += fieldCost(def);
          continue;
        }
        const inner = walk(sel.selectionSet, named, fragmentPath);
        // An object field that does work of its own (a set of counts) declares its cost too.
        items += fieldCost(def) + 1 + pageSize(sel, def as GraphQLField<unknown, unknown>) * inner.items + inner.once;
      } else if (sel.kind === Kind.INLINE_FRAGMENT) {
        const t = sel.typeCondition ? schema.getType(sel.typeCondition.name.value) : parent;
        if (t && isCompositeType(t)) {
          const inner = walk(sel.selectionSet, t, fragmentPath);
          items += inner.items;
          once += inner.once;
        }
      } else {
        const name = sel.name.value;
        const frag = fragments.get(name);
        if (!frag || fragmentPath.includes(name)) continue;
        const t = schema.getType(frag.typeCondition.name.value);
        if (t && isCompositeType(t)) {
          const inner = walk(frag.selectionSet, t, [...fragmentPath, name]);
          items += inner.items;
          once += inner.once;
        }
      }
    }
    return { items, once };
  };

  const root =
    operation.operation === 'mutation'
      ? schema.getMutationType()
      : operation.operation === 'subscription'
        ? schema.getSubscriptionType()
        : schema.getQueryType();
  if (!root) return { analysis: { cost: 0, fields, invalidFirst }, readVariables };
  const top = walk(operation.selectionSet, root, []);
  const cost = top.items + top.once;
  return { analysis: { cost, fields, invalidFirst }, readVariables };
}
