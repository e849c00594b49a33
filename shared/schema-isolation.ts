import type { GraphQLSchema } from 'graphql';
import { getMetadataStorage } from 'type-graphql';

/**
 * type-graphql keeps one metadata store per process and, on a schema build, caches each object type's
 * field list on the shared type definition, including fields that the build's own resolver classes add
 * from outside (`@FieldResolver` on `MeteringPoint`). A subgraph built later in the same process
 * (compose, start-all, the test stack) then inherits the earlier one's extra fields:
 * `MeteringPoint.openvoltMeters` in another subgraph's schema, which composition refuses.
 *
 * `buildIsolated` makes one build compute the field lists of object and interface types afresh, from its
 * own resolvers only, and afterwards puts back the lists that were cached before it, so that it neither
 * inherits nor leaves anything behind. Input types are left alone: type-graphql reads their cached field
 * lists when it converts arguments at request time.
 */
export async function buildIsolated(build: () => Promise<GraphQLSchema>): Promise<GraphQLSchema> {
  const storage = getMetadataStorage();
  const definitions: Array<{ fields?: unknown }> = [...storage.objectTypes, ...storage.interfaceTypes];
  const cached = definitions.map((definition) => definition.fields);
  for (const definition of definitions) definition.fields = undefined;
  try {
    return await build();
  } finally {
    definitions.forEach((definition, index) => {
      definition.fields = cached[index];
    });
  }
}
