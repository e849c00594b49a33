import {
  Kind,
  getNamedType,
  getNullableType,
  isInterfaceType,
  isListType,
  isObjectType,
  valueFromAST,
  type ArgumentNode,
  type DocumentNode,
  type FragmentDefinitionNode,
  type GraphQLField,
  type GraphQLInputType,
  type GraphQLSchema,
  type GraphQLType,
  type OperationDefinitionNode,
  type SelectionSetNode,
} from 'graphql';

/** Upper bounds of a bucket's length, so the estimate errs towards more readings. */
const RESOLUTION_MS: Record<string, number> = {
  FIVE_MINUTES: 5 * 60_000,
  QUARTER_HOUR: 15 * 60_000,
  HALF_HOUR: 30 * 60_000,
  HOUR: 3_600_000,
  DAY: 23 * 3_600_000,
  WEEK: 7 * 24 * 3_600_000 - 3_600_000,
  MONTH: 28 * 24 * 3_600_000,
  YEAR: 365 * 24 * 3_600_000,
};

/** The input type of a time-series range argument. */
const RANGE_TYPE = 'ReadingRange';

/**
 * How many readings an operation asks for, at most: every field taking a `ReadingRange` counts
 * ⌈(to − from) ÷ resolution⌉ + 1 (the range widens to whole buckets), multiplied by the sizes of the
 * lists it sits in: a list field's `first` argument when it has one, `_entities` (a subgraph's entity
 * fetch) the number of representations, else `defaultListSize`. It reads a supergraph's API schema (at
 * the gateway) and a subgraph's schema alike.
 * A range that cannot be read (bad dates, a missing variable) counts nothing here; the subgraph
 * refuses it with its own error.
 */
export function estimateReadings(
  schema: GraphQLSchema,
  document: DocumentNode,
  operation: OperationDefinitionNode,
  variables: Record<string, unknown>,
  defaultListSize: number,
): number {
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const definition of document.definitions) {
    if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments.set(definition.name.value, definition);
  }
  const root =
    operation.operation === 'mutation'
      ? schema.getMutationType()
      : operation.operation === 'subscription'
        ? schema.getSubscriptionType()
        : schema.getQueryType();
  if (!root) return 0;

  const visitSelections = (selectionSet: SelectionSetNode, parentType: GraphQLType, seen: Set<string>): number => {
    const named = getNamedType(parentType);
    let total = 0;
    for (const selection of selectionSet.selections) {
      if (selection.kind === Kind.FRAGMENT_SPREAD) {
        const fragment = fragments.get(selection.name.value);
        if (!fragment || seen.has(fragment.name.value)) continue;
        const type = schema.getType(fragment.typeCondition.name.value) ?? named;
        total += visitSelections(fragment.selectionSet, type, new Set([...seen, fragment.name.value]));
      } else if (selection.kind === Kind.INLINE_FRAGMENT) {
        const type = selection.typeCondition ? (schema.getType(selection.typeCondition.name.value) ?? named) : named;
        total += visitSelections(selection.selectionSet, type, seen);
      } else {
        if (!isObjectType(named) && !isInterfaceType(named)) continue;
        const field = named.getFields()[selection.name.value];
        if (!field) continue;
        const args = argumentValues(field, selection.arguments ?? [], variables);
        let readings = 0;
        for (const argument of field.args) {
          if (getNamedType(argument.type).name === RANGE_TYPE) readings += readingsIn(args[argument.name]);
        }
        if (readings > 0 && selection.selectionSet) readings *= copiesOfEachReading(fragments, selection.selectionSet, field.type);
        const inner = selection.selectionSet ? visitSelections(selection.selectionSet, field.type, seen) : 0;
        total += (readings + inner) * listSize(named.name, field, args, defaultListSize);
      }
    }
    return total;
  };
  return visitSelections(operation.selectionSet, root, new Set());
}

/**
 * How many times the answer repeats each reading of a time series: the most response keys (aliases) any
 * one per-reading field is sent under, counted along every path through a list field (`readings`,
 * `values`, `starts` and what is inside them). Without aliases that is 1; `readings { start a: start }`
 * is 2, since every reading is sent with two copies of its start, and so is `values a: values`. So an
 * alias cannot multiply the answer past the cap (a year of half hours with thirty aliases of `start`
 * under `readings` was 30 times the answer its readings counted).
 */
function copiesOfEachReading(fragments: Map<string, FragmentDefinitionNode>, selectionSet: SelectionSetNode, type: GraphQLType): number {
  const copies = sentCopies(fragments, [selectionSet], type, false);
  return Math.max(1, ...copies.values());
}

/**
 * Per path of field names below a selection (`readings.start`), how many response paths carry it; only
 * paths through a list. Fields under one response key are merged, as GraphQL merges them; every fragment
 * is assumed to apply, which can only count more.
 */
function sentCopies(
  fragments: Map<string, FragmentDefinitionNode>,
  selectionSets: SelectionSetNode[],
  type: GraphQLType,
  inList: boolean,
): Map<string, number> {
  const byKey = new Map<string, { name: string; selectionSets: SelectionSetNode[] }>();
  const collect = (selectionSet: SelectionSetNode, seen: Set<string>): void => {
    for (const selection of selectionSet.selections) {
      if (selection.kind === Kind.FIELD) {
        const key = selection.alias?.value ?? selection.name.value;
        const entry = byKey.get(key) ?? { name: selection.name.value, selectionSets: [] };
        if (selection.selectionSet) entry.selectionSets.push(selection.selectionSet);
        byKey.set(key, entry);
      } else if (selection.kind === Kind.INLINE_FRAGMENT) {
        collect(selection.selectionSet, seen);
      } else {
        const fragment = fragments.get(selection.name.value);
        if (fragment && !seen.has(fragment.name.value)) collect(fragment.selectionSet, new Set([...seen, fragment.name.value]));
      }
    }
  };
  for (const selectionSet of selectionSets) collect(selectionSet, new Set());

  const named = getNamedType(type);
  const fields = isObjectType(named) || isInterfaceType(named) ? named.getFields() : {};
  const copies = new Map<string, number>();
  const add = (path: string, count: number) => copies.set(path, (copies.get(path) ?? 0) + count);
  for (const { name, selectionSets: below } of byKey.values()) {
    // __typename and unknown fields are leaves too: each alias of them is sent once per reading as well.
    const fieldType = fields[name]?.type;
    const underList = inList || (fieldType !== undefined && isListType(getNullableType(fieldType)));
    if (below.length > 0 && fieldType) {
      for (const [path, count] of sentCopies(fragments, below, fieldType, underList)) add(`${name}.${path}`, count);
    } else if (underList) {
      add(name, 1);
    }
  }
  return copies;
}

function argumentValues(
  field: GraphQLField<unknown, unknown>,
  nodes: ReadonlyArray<ArgumentNode>,
  variables: Record<string, unknown>,
): Record<string, unknown> {
  const values: Record<string, unknown> = {};
  for (const argument of field.args) {
    const node = nodes.find((each) => each.name.value === argument.name);
    if (node) values[argument.name] = valueFromAST(node.value, argument.type as GraphQLInputType, variables);
    else if (argument.defaultValue !== undefined) values[argument.name] = argument.defaultValue;
  }
  return values;
}

/**
 * How many items a field stands for: a subgraph's `_entities` its representations; a paged field (one
 * with `first`) its page size; the `nodes` and `edges` of a connection one each (the page was counted at
 * the connection); any other list the default.
 */
function listSize(
  parentType: string,
  field: GraphQLField<unknown, unknown>,
  args: Record<string, unknown>,
  defaultListSize: number,
): number {
  // A subgraph's entity fetch: one item per representation the gateway sends.
  if (field.name === '_entities' && Array.isArray(args.representations)) return args.representations.length;
  const first = args.first;
  if (field.args.some((argument) => argument.name === 'first')) return typeof first === 'number' && first > 0 ? first : defaultListSize;
  if (parentType.endsWith('Connection') && (field.name === 'nodes' || field.name === 'edges')) return 1;
  return isListType(getNullableType(field.type)) ? defaultListSize : 1;
}

function readingsIn(range: unknown): number {
  if (!range || typeof range !== 'object') return 0;
  const { from, to, resolution } = range as { from?: unknown; to?: unknown; resolution?: unknown };
  const start = toMillis(from);
  const end = toMillis(to);
  const bucket = typeof resolution === 'string' ? RESOLUTION_MS[resolution] : undefined;
  if (start === undefined || end === undefined || !bucket || end <= start) return 0;
  return Math.ceil((end - start) / bucket) + 1;
}

function toMillis(value: unknown): number | undefined {
  const millis = value instanceof Date ? value.getTime() : typeof value === 'string' ? Date.parse(value) : NaN;
  return Number.isFinite(millis) ? millis : undefined;
}
