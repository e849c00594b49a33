import { getMetadataStorage } from 'type-graphql';

/**
 * type-graphql keeps one global metadata store. When a schema is built, every `@FieldResolver` on a type
 * from another class (e.g. `MeteringPoint.openvoltMeters`) is added to that type's field list for good,
 * so a second subgraph built in the same process (compose, start-all, tests) inherits the first one's
 * fields and, through them, its types. This forgets the fields contributed by field resolvers that are
 * not among `resolvers`, so each build sees only its own.
 */
interface FieldMetadataLike {
  getType?: unknown;
}
interface FieldResolverMetadataLike {
  kind: string;
  target: Function;
  getType?: unknown;
}
interface ClassMetadataLike {
  fields?: FieldMetadataLike[];
}
interface MetadataStorageLike {
  fieldResolvers: FieldResolverMetadataLike[];
  fields: FieldMetadataLike[];
  objectTypes: ClassMetadataLike[];
  interfaceTypes: ClassMetadataLike[];
}

export function forgetForeignFieldResolverFields(resolvers: readonly Function[]): void {
  const storage = getMetadataStorage() as unknown as MetadataStorageLike;
  const included = (target: Function) => resolvers.some((cls) => cls === target || Object.prototype.isPrototypeOf.call(target, cls));
  // A field added by a field resolver shares the resolver's `getType` function, which identifies it.
  const foreign = new Set(
    storage.fieldResolvers.filter((def) => def.kind === 'external' && !included(def.target) && def.getType).map((def) => def.getType),
  );
  if (foreign.size === 0) return;
  const keep = (field: FieldMetadataLike) => !foreign.has(field.getType);
  storage.fields = storage.fields.filter(keep);
  for (const type of [...storage.objectTypes, ...storage.interfaceTypes]) {
    if (type.fields) type.fields = type.fields.filter(keep);
  }
}
