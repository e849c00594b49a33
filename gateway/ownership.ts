import {
  buildSchema,
  isInterfaceType,
  isObjectType,
  Kind,
  type ConstDirectiveNode,
  type GraphQLNamedType,
  type GraphQLSchema,
} from 'graphql';

/**
 * Which subgraphs resolve each type and field of a supergraph, as its `@join__type` and `@join__field`
 * directives say (Apollo's supergraph spec): a type belongs to the graphs of its `@join__type`s; a field
 * with no `@join__field` is resolved by every graph of its type, one with `@join__field`s only by the
 * graphs they name (not where it is merely `external`). The gateway's shared-root failover reads it, and
 * so does the test that fails each provider in turn to tell which parts of an answer are whose.
 */
export interface SupergraphOwnership {
  /** The supergraph as a graphql-js schema (join and link directives included). */
  schema: GraphQLSchema;
  /** Subgraph names (`openvolt`, …) in the supergraph's order. */
  subgraphs: readonly string[];
  /** The subgraphs that resolve fields of this type; empty for a type the supergraph does not have. */
  typeOwners(typeName: string): ReadonlySet<string>;
  /** The subgraphs that can resolve `typeName.fieldName`; empty for a field the supergraph does not have. */
  fieldOwners(typeName: string, fieldName: string): ReadonlySet<string>;
}

const NONE: ReadonlySet<string> = new Set();

export function readOwnership(supergraphSdl: string): SupergraphOwnership {
  const schema = buildSchema(supergraphSdl, { assumeValidSDL: true });
  const graphEnum = schema.getType('join__Graph');
  // join__Graph's values (OPENVOLT) name the subgraphs (`@join__graph(name: "openvolt")`).
  const subgraphOfGraph = new Map<string, string>();
  if (graphEnum && 'getValues' in graphEnum) {
    for (const value of graphEnum.getValues()) {
      const name = argument(directives(value.astNode?.directives, 'join__graph')[0], 'name');
      if (name) subgraphOfGraph.set(value.name, name);
    }
  }
  const graphsOf = (nodes: readonly ConstDirectiveNode[], includes: (node: ConstDirectiveNode) => boolean = () => true) =>
    new Set(
      nodes
        .filter(includes)
        .map((node) => subgraphOfGraph.get(argument(node, 'graph') ?? ''))
        .filter((name): name is string => name !== undefined),
    );

  const typeCache = new Map<string, ReadonlySet<string>>();
  const typeOwners = (typeName: string): ReadonlySet<string> => {
    let owners = typeCache.get(typeName);
    if (!owners) {
      const type: GraphQLNamedType | undefined = schema.getType(typeName);
      owners = type ? graphsOf(directives(type.astNode?.directives, 'join__type')) : NONE;
      typeCache.set(typeName, owners);
    }
    return owners;
  };

  return {
    schema,
    subgraphs: [...subgraphOfGraph.values()],
    typeOwners,
    fieldOwners(typeName, fieldName) {
      const type = schema.getType(typeName);
      if (!isObjectType(type) && !isInterfaceType(type)) return NONE;
      const field = type.getFields()[fieldName];
      if (!field) return NONE;
      const joins = directives(field.astNode?.directives, 'join__field');
      if (joins.length === 0) return typeOwners(typeName);
      return graphsOf(joins, (node) => argument(node, 'external') !== 'true');
    },
  };
}

function directives(nodes: readonly ConstDirectiveNode[] | undefined, name: string): ConstDirectiveNode[] {
  return (nodes ?? []).filter((node) => node.name.value === name);
}

/** A directive argument's literal value (enum, string or boolean) as text. */
function argument(node: ConstDirectiveNode | undefined, name: string): string | undefined {
  const value = node?.arguments?.find((each) => each.name.value === name)?.value;
  if (value?.kind === Kind.ENUM || value?.kind === Kind.STRING) return value.value;
  if (value?.kind === Kind.BOOLEAN) return String(value.value);
  return undefined;
}
