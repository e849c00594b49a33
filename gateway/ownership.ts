import { InterfaceType, ObjectType, type Directive, type Supergraph } from '@apollo/federation-internals';
import type { GraphQLSchema } from 'graphql';

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

export function ownershipOf(supergraph: Supergraph): SupergraphOwnership {
  // The join directives name a graph by its join__Graph value (OPENVOLT), the rest of us by its name (openvolt).
  const subgraphOfGraph = new Map([...supergraph.subgraphNameToGraphEnumValue()].map(([name, graph]) => [graph, name]));
  const graphsOf = (joins: ReadonlyArray<Directive<any, { graph?: string; external?: boolean }>>) =>
    new Set(
      joins
        .filter((join) => join.arguments().external !== true)
        .map((join) => subgraphOfGraph.get(join.arguments().graph ?? ''))
        .filter((name): name is string => name !== undefined),
    );

  const typeCache = new Map<string, ReadonlySet<string>>();
  const typeOwners = (typeName: string): ReadonlySet<string> => {
    let owners = typeCache.get(typeName);
    if (!owners) {
      const type = supergraph.schema.type(typeName);
      owners = type ? graphsOf(type.appliedDirectivesOf('join__type')) : NONE;
      typeCache.set(typeName, owners);
    }
    return owners;
  };

  return {
    schema: supergraph.schema.toGraphQLJSSchema(),
    subgraphs: [...subgraphOfGraph.values()],
    typeOwners,
    fieldOwners(typeName, fieldName) {
      const type = supergraph.schema.type(typeName);
      if (!(type instanceof ObjectType) && !(type instanceof InterfaceType)) return NONE;
      const field = type.field(fieldName);
      if (!field) return NONE;
      const joins = field.appliedDirectivesOf('join__field');
      return joins.length === 0 ? typeOwners(typeName) : graphsOf(joins);
    },
  };
}
