import {
  getNamedType,
  isInterfaceType,
  isObjectType,
  Kind,
  parse,
  print,
  visit,
  type DocumentNode,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLFormattedError,
  type InlineFragmentNode,
  type OperationDefinitionNode,
  type SelectionNode,
  type SelectionSetNode,
} from 'graphql';
import type { SupergraphOwnership } from '../ownership.js';
import { subgraphUnavailable } from './errors.js';

/**
 * A shared root field (one every subgraph can resolve, like `meteringPoint(id)`) must survive one
 * subgraph being down, whichever subgraph the query plan happened to fetch it from. The plan sends the
 * shared root with the down subgraph's own fields to that subgraph, and when it cannot be reached the
 * whole root would be lost, and every other subgraph's fields under it with it. Instead, the same fetch
 * goes to another subgraph that resolves the root, with only the fields that subgraph can answer; the
 * down subgraph's fields are null, each with UPSTREAM_UNAVAILABLE naming the subgraph.
 */

export interface FallbackAnswer {
  data?: Record<string, unknown> | null;
  errors?: ReadonlyArray<GraphQLFormattedError>;
}

export interface SharedRootFallback {
  /** The subgraph asked instead of the down one. */
  subgraph: string;
  query: string;
  variables: Record<string, unknown>;
  /** Its answer with the down subgraph's fields null, each with an error whose path points at it. */
  complete(response: FallbackAnswer): FallbackAnswer;
}

/**
 * The ways to answer a root fetch of `down` without it: one per other subgraph that resolves at least
 * one of the fetch's root fields, the one resolving the most first. None for a mutation, an entity
 * fetch (`_entities` is no supergraph field) or a fetch of the down subgraph's own roots only.
 */
export function sharedRootFallbacks(
  ownership: SupergraphOwnership,
  down: string,
  query: string,
  variables: Record<string, unknown>,
): SharedRootFallback[] {
  const document = parse(query);
  const operation = document.definitions.find((node): node is OperationDefinitionNode => node.kind === Kind.OPERATION_DEFINITION);
  const rootType = ownership.schema.getQueryType()?.name;
  if (!operation || operation.operation !== 'query' || !rootType) return [];
  const fragments = new Map(
    document.definitions
      .filter((node): node is FragmentDefinitionNode => node.kind === Kind.FRAGMENT_DEFINITION)
      .map((fragment) => [fragment.name.value, fragment]),
  );
  const rootFields = operation.selectionSet.selections.filter((node): node is FieldNode => node.kind === Kind.FIELD);
  const candidates = ownership.subgraphs
    .filter((subgraph) => subgraph !== down)
    .map((subgraph) => ({
      subgraph,
      roots: rootFields.filter((field) => ownership.fieldOwners(rootType, field.name.value).has(subgraph)).length,
    }))
    .filter(({ roots }) => roots > 0)
    .sort((a, b) => b.roots - a.roots);

  return candidates.map(({ subgraph }) => {
    const pruner = new Pruner(ownership, subgraph, fragments);
    const selectionSet = pruner.prune(operation.selectionSet, rootType);
    const pruned: OperationDefinitionNode = { ...operation, selectionSet };
    const used = variablesUsedIn(pruned);
    const fallbackDocument: DocumentNode = {
      kind: Kind.DOCUMENT,
      definitions: [{ ...pruned, variableDefinitions: pruned.variableDefinitions?.filter((node) => used.has(node.variable.name.value)) }],
    };
    return {
      subgraph,
      query: print(fallbackDocument),
      variables: Object.fromEntries(Object.entries(variables).filter(([name]) => used.has(name))),
      complete(response) {
        const errors = [...(response.errors ?? [])];
        const data = response.data ?? null;
        if (data) pruner.nullDropped(data, operation.selectionSet, rootType, [], (path) => errors.push(subgraphUnavailable(down, path)));
        return { ...response, data, errors };
      },
    };
  });
}

/** Keeps what one subgraph resolves of a selection, and later marks what it left out. */
class Pruner {
  constructor(
    private readonly ownership: SupergraphOwnership,
    private readonly subgraph: string,
    private readonly fragments: ReadonlyMap<string, FragmentDefinitionNode>,
  ) {}

  prune(selectionSet: SelectionSetNode, typeName: string): SelectionSetNode {
    const selections: SelectionNode[] = [];
    for (const selection of selectionSet.selections) {
      if (selection.kind === Kind.FIELD) {
        if (selection.name.value === '__typename') selections.push(selection);
        else if (this.resolves(typeName, selection.name.value)) {
          const inner = selection.selectionSet && this.prune(selection.selectionSet, this.fieldType(typeName, selection.name.value));
          selections.push(inner ? { ...selection, selectionSet: inner } : selection);
        }
        continue;
      }
      const fragment = this.inline(selection);
      const innerType = fragment.typeCondition?.name.value ?? typeName;
      if (this.ownership.typeOwners(innerType).has(this.subgraph)) {
        selections.push({ ...fragment, selectionSet: this.prune(fragment.selectionSet, innerType) });
      }
    }
    // A selection set cannot be empty: keep the object itself.
    if (selections.length === 0) selections.push({ kind: Kind.FIELD, name: { kind: Kind.NAME, value: '__typename' } });
    return { kind: Kind.SELECTION_SET, selections };
  }

  /** Sets each field `prune` left out to null in `data` (the fallback's answer), reporting its path. */
  nullDropped(
    data: unknown,
    selectionSet: SelectionSetNode,
    typeName: string,
    path: ReadonlyArray<string | number>,
    report: (path: Array<string | number>) => void,
  ): void {
    if (Array.isArray(data)) {
      data.forEach((item, index) => this.nullDropped(item, selectionSet, typeName, [...path, index], report));
      return;
    }
    if (data === null || typeof data !== 'object') return;
    const object = data as Record<string, unknown>;
    for (const selection of selectionSet.selections) {
      if (selection.kind !== Kind.FIELD) {
        const fragment = this.inline(selection);
        const innerType = fragment.typeCondition?.name.value ?? typeName;
        if (this.applies(innerType, typeName, object)) this.nullDropped(object, fragment.selectionSet, innerType, path, report);
        continue;
      }
      const field = selection.name.value;
      const key = selection.alias?.value ?? field;
      if (field === '__typename') continue;
      if (!this.resolves(typeName, field)) {
        if (object[key] === undefined) {
          object[key] = null;
          report([...path, key]);
        }
      } else if (selection.selectionSet) {
        this.nullDropped(object[key], selection.selectionSet, this.fieldType(typeName, field), [...path, key], report);
      }
    }
  }

  private resolves(typeName: string, field: string): boolean {
    return this.ownership.fieldOwners(typeName, field).has(this.subgraph);
  }

  private fieldType(typeName: string, field: string): string {
    const type = this.ownership.schema.getType(typeName);
    const definition = isObjectType(type) || isInterfaceType(type) ? type.getFields()[field] : undefined;
    return definition ? getNamedType(definition.type).name : typeName;
  }

  /** A fragment's selections apply to an object when its type is the object's, or an interface of it. */
  private applies(fragmentType: string, typeName: string, object: Record<string, unknown>): boolean {
    if (fragmentType === typeName || fragmentType === object.__typename) return true;
    return isInterfaceType(this.ownership.schema.getType(fragmentType));
  }

  private inline(selection: Exclude<SelectionNode, FieldNode>): InlineFragmentNode {
    if (selection.kind === Kind.INLINE_FRAGMENT) return selection;
    const fragment = this.fragments.get(selection.name.value);
    if (!fragment) throw new Error(`fragment ${selection.name.value} is not defined in the subgraph fetch`);
    return {
      kind: Kind.INLINE_FRAGMENT,
      typeCondition: fragment.typeCondition,
      directives: selection.directives,
      selectionSet: fragment.selectionSet,
    };
  }
}

function variablesUsedIn(operation: OperationDefinitionNode): Set<string> {
  const used = new Set<string>();
  visit({ ...operation, variableDefinitions: [] }, { Variable: (node) => void used.add(node.name.value) });
  return used;
}
