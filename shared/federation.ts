import { buildSubgraphSchema } from '@apollo/subgraph';
import type { GraphQLResolverMap } from '@apollo/subgraph/dist/schema-helper/index.js';
import { MapperKind, mapSchema, printSchemaWithDirectives, pruneSchema } from '@graphql-tools/utils';
import { validate, type ValidationError } from 'class-validator';
import { parse, type GraphQLSchema } from 'graphql';
import { buildSchema, createResolversMap, getMetadataStorage, type NonEmptyArray } from 'type-graphql';
import { BadUserInputError } from './errors.js';

/** The federation spec every subgraph links, and the directives it may use. */
export const FEDERATION_LINK =
  'extend schema @link(url: "https://specs.apollo.dev/federation/v2.7", import: ["@key", "@shareable", "@external", "@requires", "@provides", "@inaccessible", "@tag"])';

type ReferenceResolver<TContext> = (reference: Record<string, unknown>, context: TContext) => unknown;

export interface SubgraphSchemaOptions<TContext> {
  /** Resolver classes (type-graphql types them as `Function`). */
  resolvers: NonEmptyArray<Function>;
  /** Types reachable only through an interface or an entity reference. */
  orphanedTypes?: Function[];
  /** `__resolveReference` per entity type name: how the gateway's `{ __typename, id }` becomes an object. */
  referenceResolvers?: Record<string, ReferenceResolver<TContext>>;
}

/**
 * type-graphql → federation 2 subgraph schema (DESIGN.md, stack notes): build the type-graphql schema,
 * print it with its directives (graphql's own printSchema drops @key), link the federation spec, merge
 * the `__resolveReference` functions into type-graphql's resolver map, and hand both to
 * `buildSubgraphSchema`. Every subgraph builds its schema through this one function.
 */
export async function buildFederatedSchema<TContext>(options: SubgraphSchemaOptions<TContext>): Promise<GraphQLSchema> {
  const typeGraphqlSchema = await buildSchema({
    resolvers: options.resolvers,
    orphanedTypes: options.orphanedTypes,
    skipCheck: true,
    validateFn: validateArgument,
  });
  const ownSchema = withoutForeignFieldResolvers(typeGraphqlSchema, options.resolvers);
  const typeDefs = parse(`${FEDERATION_LINK}\n\n${printSchemaWithDirectives(ownSchema)}`);
  const resolvers = createResolversMap(ownSchema) as GraphQLResolverMap<unknown>;
  for (const [typeName, resolveReference] of Object.entries(options.referenceResolvers ?? {})) {
    resolvers[typeName] = { ...resolvers[typeName], __resolveReference: resolveReference } as GraphQLResolverMap<unknown>[string];
  }
  return buildSubgraphSchema({ typeDefs, resolvers });
}

/**
 * type-graphql registers a `@FieldResolver` field on its object type globally, so when several subgraphs
 * are built in one process (compose, the test stack) a shared entity such as MeteringPoint would carry
 * every subgraph's field (`openvoltMeters`, `enerkeyMeters`, …) and drag in their types. This removes
 * the fields whose resolver class is not one of this subgraph's, then the types that only those fields
 * made reachable. With one subgraph per process it changes nothing.
 */
export function withoutForeignFieldResolvers(schema: GraphQLSchema, resolvers: readonly Function[]): GraphQLSchema {
  const storage = getMetadataStorage();
  const foreignFields = new Set(
    storage.fieldResolvers
      .filter((field) => field.kind === 'external' && !resolvers.includes(field.target))
      .map((field) => {
        const owner = field.getObjectType?.();
        const name = storage.objectTypes.find((type) => type.target === owner)?.name ?? owner?.name;
        return `${name}.${field.schemaName}`;
      }),
  );
  if (foreignFields.size === 0) return schema;
  const trimmed = mapSchema(schema, {
    [MapperKind.OBJECT_FIELD]: (field, fieldName, objectName) => (foreignFields.has(`${objectName}.${fieldName}`) ? null : field),
  });
  const reachable = (s: GraphQLSchema) => new Set(Object.keys(pruneSchema(s).getTypeMap()));
  const before = reachable(schema);
  const after = reachable(trimmed);
  const dropped = new Set([...before].filter((name) => !after.has(name)));
  return mapSchema(trimmed, { [MapperKind.TYPE]: (type) => (dropped.has(type.name) ? null : type) });
}

/**
 * Runs class-validator on every input object and argument, and reports failures as one BAD_USER_INPUT
 * error whose message says which field is wrong and why (type-graphql's own error says only
 * "Argument Validation Error").
 */
async function validateArgument(argValue: unknown): Promise<void> {
  const values = Array.isArray(argValue) ? argValue : [argValue];
  const problems: string[] = [];
  for (const value of values) {
    if (value === null || typeof value !== 'object') continue;
    const errors = await validate(value, { forbidUnknownValues: false, validationError: { target: false } });
    problems.push(...flattenValidationErrors(errors));
  }
  if (problems.length > 0) {
    throw new BadUserInputError(`Invalid input: ${problems.join('; ')}.`, { validation: problems });
  }
}

function flattenValidationErrors(errors: ValidationError[], parent = ''): string[] {
  return errors.flatMap((error) => {
    const path = parent ? `${parent}.${error.property}` : error.property;
    const own = Object.values(error.constraints ?? {}).map((message) =>
      message.startsWith(error.property) ? `${path}${message.slice(error.property.length)}` : `${path}: ${message}`,
    );
    return [...own, ...flattenValidationErrors(error.children ?? [], path)];
  });
}
