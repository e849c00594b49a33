import { isDeepStrictEqual } from 'node:util';
import {
  getNamedType,
  isInterfaceType,
  isObjectType,
  Kind,
  parse,
  type FieldNode,
  type FragmentDefinitionNode,
  type OperationDefinitionNode,
  type SelectionSetNode,
} from 'graphql';
import type { SupergraphOwnership } from '../../gateway/ownership.js';

/**
 * Which parts of an answer are whose, derived from the supergraph rather than picked by hand. A field
 * belongs to the subgraphs that resolve it there (`@join__field`/`@join__type`, gateway/ownership.ts);
 * a field every subgraph of its parent's type can resolve (a value type's field, an entity's key)
 * belongs to whoever resolved the parent. So the shared root `meteringPoint` belongs to all subgraphs,
 * `MeteringPoint.umeterConnection` to UMeter alone, and everything below it to UMeter again, except
 * another provider's field on a MeteringPoint reached from it. A composite's field (a merged series) is
 * made from the answers of the subgraphs it asks, so it depends on each of them too: when one fails it
 * legitimately changes (flagged partial, with that provider's coded error), though it is never null.
 */
export class AnswerParts {
  private readonly operation: OperationDefinitionNode;
  private readonly fragments: Map<string, FragmentDefinitionNode>;

  constructor(
    private readonly ownership: SupergraphOwnership,
    query: string,
    /** Each composite subgraph's name, with the subgraphs whose answers it merges. */
    private readonly composites: ReadonlyMap<string, readonly string[]> = new Map(),
  ) {
    const document = parse(query);
    this.operation = document.definitions.find((node): node is OperationDefinitionNode => node.kind === Kind.OPERATION_DEFINITION)!;
    this.fragments = new Map(
      document.definitions
        .filter((node): node is FragmentDefinitionNode => node.kind === Kind.FRAGMENT_DEFINITION)
        .map((node) => [node.name.value, node]),
    );
  }

  get isMutation(): boolean {
    return this.operation.operation === 'mutation';
  }

  /** Every subgraph that resolves some part of the operation. */
  subgraphs(): Set<string> {
    const found = new Set<string>();
    const walk = (selectionSet: SelectionSetNode, typeName: string, parentOwners: ReadonlySet<string>) => {
      for (const { field, typeName: fieldParent } of this.fieldsOf(selectionSet, typeName, undefined)) {
        const owners = this.owners(fieldParent, field.name.value, parentOwners);
        owners.forEach((owner) => [owner, ...(this.composites.get(owner) ?? [])].forEach((subgraph) => found.add(subgraph)));
        if (field.selectionSet) walk(field.selectionSet, this.fieldType(fieldParent, field.name.value), owners);
      }
    };
    const root = this.rootType();
    walk(this.operation.selectionSet, root, this.ownership.typeOwners(root));
    return found;
  }

  /**
   * Where `faulty` differs from `healthy` other than by a null in a field only `failed` resolves, one
   * line each (`path: what`). Below such a field, when it did arrive, the rest must be equal too.
   */
  differences(healthy: unknown, faulty: unknown, failed: string): string[] {
    const found: string[] = [];
    const root = this.rootType();
    this.compare(healthy, faulty, [this.operation.selectionSet], root, this.ownership.typeOwners(root), failed, 'data', found);
    return found;
  }

  private compare(
    healthy: unknown,
    faulty: unknown,
    selectionSets: SelectionSetNode[],
    typeName: string,
    parentOwners: ReadonlySet<string>,
    failed: string,
    path: string,
    found: string[],
  ): void {
    if (Array.isArray(healthy)) {
      if (!Array.isArray(faulty) || faulty.length !== healthy.length) {
        found.push(`${path}: ${preview(faulty)} instead of a list of ${healthy.length}`);
        return;
      }
      healthy.forEach((item, index) =>
        this.compare(item, faulty[index], selectionSets, typeName, parentOwners, failed, `${path}[${index}]`, found),
      );
      return;
    }
    if (healthy === null || typeof healthy !== 'object') {
      if (!isDeepStrictEqual(healthy, faulty)) found.push(`${path}: ${preview(faulty)} instead of ${preview(healthy)}`);
      return;
    }
    if (faulty === null || typeof faulty !== 'object') {
      found.push(`${path}: ${preview(faulty)} instead of an object`);
      return;
    }
    const healthyObject = healthy as Record<string, unknown>;
    const faultyObject = faulty as Record<string, unknown>;
    const byKey = new Map<string, { field: FieldNode; typeName: string; selectionSets: SelectionSetNode[] }>();
    for (const selectionSet of selectionSets) {
      for (const { field, typeName: fieldParent } of this.fieldsOf(selectionSet, typeName, healthyObject.__typename)) {
        const key = field.alias?.value ?? field.name.value;
        const entry = byKey.get(key) ?? { field, typeName: fieldParent, selectionSets: [] };
        if (field.selectionSet) entry.selectionSets.push(field.selectionSet);
        byKey.set(key, entry);
      }
    }
    for (const [key, { field, typeName: fieldParent, selectionSets: inner }] of byKey) {
      const owners = this.owners(fieldParent, field.name.value, parentOwners);
      const failedOnly = owners.size === 1 && owners.has(failed);
      const [healthyValue, faultyValue] = [healthyObject[key], faultyObject[key]];
      if ([...owners].every((owner) => this.composites.get(owner)?.includes(failed))) {
        if (faultyValue === null && healthyValue !== null) found.push(`${path}.${key}: null, though it merges what the others answer`);
        continue;
      }
      if (faultyValue === null && healthyValue !== null) {
        if (!failedOnly) found.push(`${path}.${key}: null, though ${[...owners].join(', ')} resolve it`);
        continue;
      }
      const fieldType = this.fieldType(fieldParent, field.name.value);
      this.compare(healthyValue, faultyValue, inner, fieldType, owners, failed, `${path}.${key}`, found);
    }
  }

  private rootType(): string {
    const type = this.isMutation ? this.ownership.schema.getMutationType() : this.ownership.schema.getQueryType();
    return type!.name;
  }

  /** A field's owners: those `@join__*` name, narrowed to the parent's when they include some of them. */
  private owners(typeName: string, fieldName: string, parentOwners: ReadonlySet<string>): ReadonlySet<string> {
    const resolvers = this.ownership.fieldOwners(typeName, fieldName);
    const inherited = new Set([...resolvers].filter((owner) => parentOwners.has(owner)));
    return inherited.size > 0 ? inherited : resolvers;
  }

  private fieldType(typeName: string, fieldName: string): string {
    const type = this.ownership.schema.getType(typeName);
    const field = isObjectType(type) || isInterfaceType(type) ? type.getFields()[fieldName] : undefined;
    return field ? getNamedType(field.type).name : typeName;
  }

  /** The fields a selection set asks of an object of `typeName`, each with the type that declares it. */
  private fieldsOf(selectionSet: SelectionSetNode, typeName: string, typename: unknown): Array<{ field: FieldNode; typeName: string }> {
    return selectionSet.selections.flatMap((selection) => {
      if (selection.kind === Kind.FIELD) return [{ field: selection, typeName }];
      const fragment = selection.kind === Kind.INLINE_FRAGMENT ? selection : this.fragments.get(selection.name.value)!;
      const condition = fragment.typeCondition?.name.value ?? typeName;
      // An interface's fragment applies to every object that reaches it; another object type's only to its own objects.
      const applies =
        condition === typeName ||
        condition === typename ||
        isInterfaceType(this.ownership.schema.getType(condition)) ||
        typename === undefined;
      return applies ? this.fieldsOf(fragment.selectionSet, condition, typename) : [];
    });
  }
}

function preview(value: unknown): string {
  const text = JSON.stringify(value) ?? 'nothing';
  return text.length > 80 ? `${text.slice(0, 77)}…` : text;
}
