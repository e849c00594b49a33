/**
 * type-graphql keeps one global metadata storage per process, and `buildSchema` clones it only
 * shallowly: a field resolver on a type shared by several subgraphs (`@Resolver(() => MeteringPoint)`
 * contributing `openvoltMeters`, `volueMeters`, …) is pushed into that type's field list for good by the
 * first build that includes it. The next subgraph's build then finds the foreign field already there and
 * emits it, with every type it reaches (another provider's meters), and composition fails on fields
 * "resolved from multiple subgraphs".
 *
 * `forgetFieldResolverFields()` drops those pushed fields from every object and interface type, keeping
 * only the fields declared with `@Field`, so that each build adds just the field resolvers of its own
 * resolver classes. Call it before every `buildSchema` of a process that builds several subgraphs
 * (shared/subgraph/federation.ts does). A build's own result is not affected: buildFederatedSchema prints and
 * rebuilds its schema before returning, so nothing reads the storage afterwards.
 */
interface FieldOwner {
  fields?: unknown[];
}

interface MetadataStorageShape {
  fields: unknown[];
  objectTypes: FieldOwner[];
  interfaceTypes: FieldOwner[];
}

export function forgetFieldResolverFields(): void {
  const storage = (globalThis as { TypeGraphQLMetadataStorage?: MetadataStorageShape }).TypeGraphQLMetadataStorage;
  if (!storage) return;
  const declared = new Set(storage.fields);
  for (const type of [...storage.objectTypes, ...storage.interfaceTypes]) {
    if (type.fields) type.fields = type.fields.filter((field) => declared.has(field));
  }
}
