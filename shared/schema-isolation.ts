import type { GraphQLSchema } from 'graphql';
import { getMetadataStorage } from 'type-graphql';

/**
 * type-graphql keeps one metadata store per process and, on a schema build, caches each type's field
 * list on the shared type definition, including fields that the build's own resolver classes add from
 * outside (`@FieldResolver` on `MeteringPoint`). A second subgraph built in the same process (compose,
 * start-all, the test stack) then inherits the first one's extra fields: `MeteringPoint.openvoltMeters`
 * showing up in another subgraph's schema. `buildIsolated` forgets those cached lists before and after
 * a build, so every build computes its fields from its own resolvers and leaves nothing behind.
 */
export async function buildIsolated(build: () => Promise<GraphQLSchema>): Promise<GraphQLSchema> {
  forgetBuiltFieldLists();
  try {
    return await build();
  } finally {
    forgetBuiltFieldLists();
  }
}

/** Drops the field lists a previous build cached on the shared type definitions (recomputed on the next build). */
export function forgetBuiltFieldLists(): void {
  const storage = getMetadataStorage();
  for (const definitions of [storage.objectTypes, storage.interfaceTypes, storage.inputTypes, storage.argumentTypes]) {
    for (const definition of definitions) (definition as { fields?: unknown }).fields = undefined;
  }
}
