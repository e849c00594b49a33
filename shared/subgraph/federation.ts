import { buildSubgraphSchema } from '@apollo/subgraph';
import type { GraphQLResolverMap } from '@apollo/subgraph/dist/schema-helper/index.js';
import { printSchemaWithDirectives } from '@graphql-tools/utils';
import { validate, type ValidationError } from 'class-validator';
import {
  getNamedType,
  isEnumType,
  isInputObjectType,
  isInterfaceType,
  isObjectType,
  Kind,
  parse,
  visit,
  type GraphQLInputType,
  type GraphQLSchema,
} from 'graphql';
import { buildSchema, createResolversMap, type NonEmptyArray } from 'type-graphql';
import { BadUserInputError } from '../graph/errors.js';
import { ROLE_DIRECTIVE, ROLE_DIRECTIVE_DEFINITION, ROLE_SPEC_URL } from '../graph/roles.js';
import { forgetFieldResolverFields } from './type-graphql-metadata.js';

/**
 * The federation spec every subgraph links, and the directives it may use; and the role directive
 * (shared/graph/roles.ts), which @composeDirective keeps in the supergraph for the gateway to read.
 */
export const FEDERATION_LINK = `extend schema
  @link(url: "https://specs.apollo.dev/federation/v2.7", import: ["@key", "@shareable", "@external", "@requires", "@provides", "@inaccessible", "@tag", "@composeDirective"])
  @link(url: "${ROLE_SPEC_URL}", import: ["@${ROLE_DIRECTIVE}"])
  @composeDirective(name: "@${ROLE_DIRECTIVE}")

${ROLE_DIRECTIVE_DEFINITION}`;

/**
 * The root types are shared by every subgraph, so their descriptions live here: composition keeps one
 * description per type, and identical ones from every subgraph merge cleanly.
 */
export const ROOT_TYPE_DESCRIPTIONS: Readonly<Record<string, string>> = {
  Query:
    'Everything a client can read. Each provider’s root fields carry its name (`openvoltMeter`, `volueUser`, …); `meteringPoint(id)` and `meteringPoints(ids)` are the shared roots, joining what every provider knows about a physical connection. ' +
    'Partial answers: every field whose value needs a provider call or a subgraph is nullable, so a failing provider, meter or subgraph nulls only its own part and the rest arrives. Each such null comes with an error whose `path` points at it and whose `extensions` carry `code` and `provider` (`subgraph` when a whole subgraph is unreachable).',
  Mutation:
    'Changes made at a provider: creating, registering, updating and deleting its entities. Each mutation is one call to that provider’s API and is never retried automatically, so a failed write is reported, not repeated. ' +
    'Every mutation reports its own outcome: its result is nullable, and in a request with several mutations (run in order) each one that succeeded shows its result even when another fails. ' +
    'A failed mutation is null with one top-level error (`path` = the mutation, `extensions.code`, `extensions.provider`); there is no separate list of user errors. ' +
    'The code says whose move it is. User errors, where nothing was written and the request must change: BAD_USER_INPUT, NOT_FOUND, UPSTREAM_REJECTED (the provider refused; its message is passed on). ' +
    'Provider failures, where the write may or may not have happened: UPSTREAM_UNAVAILABLE (also with `subgraph` when the subgraph is unreachable), UPSTREAM_TIMEOUT and UPSTREAM_RATE_LIMITED; retry with the same idempotencyKey where the mutation takes one.',
};

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
  // Several subgraphs are built in one process (compose, start-all, tests): keep their field resolvers apart.
  forgetFieldResolverFields();
  const typeGraphqlSchema = await buildSchema({
    resolvers: options.resolvers,
    orphanedTypes: options.orphanedTypes,
    skipCheck: true,
    validateFn: validateArgument,
  });
  const typeDefs = withRootDescriptions(parse(`${FEDERATION_LINK}\n\n${printSchemaWithDirectives(typeGraphqlSchema)}`));
  const resolvers = createResolversMap(typeGraphqlSchema) as GraphQLResolverMap<unknown>;
  for (const [typeName, resolveReference] of Object.entries(options.referenceResolvers ?? {})) {
    resolvers[typeName] = { ...resolvers[typeName], __resolveReference: resolveReference } as GraphQLResolverMap<unknown>[string];
  }
  return withEnumDefaultsAsInternalValues(buildSubgraphSchema({ typeDefs, resolvers }));
}

/**
 * The printed schema states an enum default by name (`type: IntellimeterChartType = PIE`), and
 * buildSubgraphSchema reads it before the resolver map gives the enum its internal values ('pie'), so a
 * resolver would get 'PIE' for an omitted argument but 'pie' for a given one. This maps such defaults
 * (of arguments and input fields, also in lists) to the internal values. Exported for its unit test.
 */
export function withEnumDefaultsAsInternalValues(schema: GraphQLSchema): GraphQLSchema {
  const heal = (holder: { type: GraphQLInputType; defaultValue?: unknown }) => {
    const named = getNamedType(holder.type);
    if (holder.defaultValue === undefined || !isEnumType(named)) return;
    const internal = (value: unknown) => (typeof value === 'string' ? (named.getValue(value)?.value ?? value) : value);
    holder.defaultValue = Array.isArray(holder.defaultValue) ? holder.defaultValue.map(internal) : internal(holder.defaultValue);
  };
  for (const type of Object.values(schema.getTypeMap())) {
    if (isObjectType(type) || isInterfaceType(type)) {
      for (const field of Object.values(type.getFields())) for (const argument of field.args) heal(argument);
    } else if (isInputObjectType(type)) {
      for (const field of Object.values(type.getFields())) heal(field);
    }
  }
  return schema;
}

/** type-graphql cannot describe the root types; this adds ROOT_TYPE_DESCRIPTIONS to them. */
function withRootDescriptions(document: ReturnType<typeof parse>): ReturnType<typeof parse> {
  return visit(document, {
    ObjectTypeDefinition(node) {
      const description = ROOT_TYPE_DESCRIPTIONS[node.name.value];
      if (!description || node.description) return undefined;
      return { ...node, description: { kind: Kind.STRING, value: description, block: true } };
    },
  });
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
    // A JSON scalar's value has no prototype (and no validation metadata); class-validator cannot read it.
    if (value === null || typeof value !== 'object' || Object.getPrototypeOf(value) === null) continue;
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
