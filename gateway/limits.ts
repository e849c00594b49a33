import type { ApolloServerPlugin } from '@apollo/server';
import express, { type RequestHandler } from 'express';
import { ApolloArmor } from '@escape.tech/graphql-armor';
import { costLimitRule } from '@escape.tech/graphql-armor-cost-limit';
import { maxAliasesRule } from '@escape.tech/graphql-armor-max-aliases';
import { maxDepthRule } from '@escape.tech/graphql-armor-max-depth';
import { maxDirectivesRule } from '@escape.tech/graphql-armor-max-directives';
import { MaxTokensParserWLexer } from '@escape.tech/graphql-armor-max-tokens';
import type { GraphQLArmorRejectCallback } from '@escape.tech/graphql-armor-types';
import {
  GraphQLError,
  Kind,
  getNamedType,
  getNullableType,
  isListType,
  isObjectType,
  isInterfaceType,
  valueFromAST,
  type DocumentNode,
  type FragmentDefinitionNode,
  type GraphQLField,
  type GraphQLInputType,
  type GraphQLSchema,
  type GraphQLType,
  type OperationDefinitionNode,
  type SelectionSetNode,
  type ValidationRule,
} from 'graphql';
import { numberInRange, readConfig } from '../shared/subgraph/config.js';

/**
 * Query limits at the gateway (README, "Security and limits"): GraphQL Armor's depth, alias, token,
 * directive and cost limits, plus an estimate of the readings a query asks the providers for (list
 * sizes × time-series lengths), which Armor's cost model cannot express. A query over any limit is
 * refused before the gateway plans it, so no subgraph and no provider is called.
 */

export interface QueryLimits {
  /** Deepest field nesting (Armor max-depth). */
  maxDepth: number;
  /** Aliases in one operation (Armor max-aliases). */
  maxAliases: number;
  /** Lexical tokens in one document (Armor max-tokens). */
  maxTokens: number;
  /** Directives in one operation (Armor max-directives). */
  maxDirectives: number;
  /** Armor's cost: objects and scalars selected, weighted by depth (Armor cost-limit). */
  maxCost: number;
  /** Estimated readings: per time series ⌈span ÷ resolution⌉, multiplied by the sizes of the lists around it. */
  maxReadings: number;
  /** The size assumed for a list without `first` (or with `first` in a variable that is unset). */
  defaultListSize: number;
}

export const DEFAULT_LIMITS: QueryLimits = {
  maxDepth: 12,
  maxAliases: 30,
  maxTokens: 2000,
  maxDirectives: 30,
  // Armor weighs fields, not upstream work: the one-fragment query over all five providers costs ~21,000.
  maxCost: 50_000,
  maxReadings: 250_000,
  defaultListSize: 20,
};

export function readLimitsConfig(env: NodeJS.ProcessEnv): QueryLimits {
  const config = readConfig(
    {
      GATEWAY_MAX_DEPTH: numberInRange(1, 1000)({ default: DEFAULT_LIMITS.maxDepth }),
      GATEWAY_MAX_ALIASES: numberInRange(0, 10_000)({ default: DEFAULT_LIMITS.maxAliases }),
      GATEWAY_MAX_TOKENS: numberInRange(1, 1_000_000)({ default: DEFAULT_LIMITS.maxTokens }),
      GATEWAY_MAX_DIRECTIVES: numberInRange(0, 10_000)({ default: DEFAULT_LIMITS.maxDirectives }),
      GATEWAY_MAX_COST: numberInRange(1, 1e9)({ default: DEFAULT_LIMITS.maxCost }),
      GATEWAY_MAX_READINGS: numberInRange(1, 1e12)({ default: DEFAULT_LIMITS.maxReadings }),
      GATEWAY_DEFAULT_LIST_SIZE: numberInRange(1, 10_000)({ default: DEFAULT_LIMITS.defaultListSize }),
    },
    env,
  );
  return {
    maxDepth: config.GATEWAY_MAX_DEPTH,
    maxAliases: config.GATEWAY_MAX_ALIASES,
    maxTokens: config.GATEWAY_MAX_TOKENS,
    maxDirectives: config.GATEWAY_MAX_DIRECTIVES,
    maxCost: config.GATEWAY_MAX_COST,
    maxReadings: config.GATEWAY_MAX_READINGS,
    defaultListSize: config.GATEWAY_DEFAULT_LIST_SIZE,
  };
}

/** The error a query over a limit gets: its code names the limit, `limit` and `max` say which and how much. */
export class QueryLimitError extends GraphQLError {
  constructor(code: string, limit: string, max: number, message: string, details: Record<string, unknown> = {}) {
    super(message, { extensions: { code, limit, max, ...details, http: { status: 400 } } });
  }
}

/**
 * The token limit, as express middleware in front of GraphQL: Armor's lexer counts the document's
 * tokens and stops at the limit, before Apollo parses it. (Armor's Apollo plugin for this throws from
 * parsingDidStart, which Apollo Server 5 turns into an opaque 500.) A document that does not parse is
 * left to Apollo, which reports the syntax error.
 */
export function tokenLimit(limits: QueryLimits): RequestHandler[] {
  const check: RequestHandler = (req, res, next) => {
    const body = req.body as { query?: unknown } | undefined;
    const source = typeof body?.query === 'string' ? body.query : typeof req.query.query === 'string' ? req.query.query : undefined;
    if (source === undefined) return next();
    try {
      new MaxTokensParserWLexer(source, {
        n: limits.maxTokens,
        exposeLimits: true,
        propagateOnRejection: false,
        onReject: [rejectWith('TOO_MANY_TOKENS', 'maxTokens', limits.maxTokens, 'Send a shorter document.')],
      }).parseDocument();
    } catch (error) {
      if (error instanceof QueryLimitError) {
        const { http: _http, ...extensions } = error.extensions;
        res.status(400).json({ errors: [{ message: error.message, extensions }] });
        return;
      }
    }
    next();
  };
  // The same JSON parser (and size limit) as the GraphQL route; it parses each body once.
  return [express.json({ limit: '1mb' }), check];
}

/** Armor's messages start "Syntax Error: "; ours say what to do instead. */
function rejectWith(code: string, limit: string, max: number, advice: string): GraphQLArmorRejectCallback {
  return (context, error) => {
    const found = /found (\d+)/.exec(error.message)?.[1];
    const message = `${error.message.replace(/^Syntax Error: /, '')} ${advice} (limit ${limit} = ${max}).`;
    const limitError = new QueryLimitError(code, limit, max, message, found ? { found: Number(found) } : {});
    if (context) context.reportError(limitError);
    else throw limitError;
  };
}

/** Armor's protections as validation rules, each rejecting with its own code. */
export function limitValidationRules(limits: QueryLimits): ValidationRule[] {
  const common = { exposeLimits: true, propagateOnRejection: false } as const;
  return [
    maxDepthRule({
      ...common,
      n: limits.maxDepth,
      onReject: [rejectWith('QUERY_TOO_DEEP', 'maxDepth', limits.maxDepth, 'Select fewer nested fields or split the query.')],
    }),
    maxAliasesRule({
      ...common,
      n: limits.maxAliases,
      onReject: [rejectWith('TOO_MANY_ALIASES', 'maxAliases', limits.maxAliases, 'Use fewer aliases or split the query.')],
    }),
    maxDirectivesRule({
      ...common,
      n: limits.maxDirectives,
      onReject: [rejectWith('TOO_MANY_DIRECTIVES', 'maxDirectives', limits.maxDirectives, 'Use fewer directives.')],
    }),
    costLimitRule({
      ...common,
      maxCost: limits.maxCost,
      onReject: [rejectWith('QUERY_TOO_COMPLEX', 'maxCost', limits.maxCost, 'Select fewer fields or split the query.')],
    }),
  ];
}

/**
 * Plugins: the readings estimate once the operation and its variables are known, and, with introspection off,
 * Armor's masking of "Did you mean …" suggestions, which would otherwise reveal the schema.
 */
export function limitPlugins(limits: QueryLimits, options: { blockFieldSuggestions: boolean }): ApolloServerPlugin[] {
  const off = { enabled: false };
  const suggestions = options.blockFieldSuggestions
    ? (new ApolloArmor({
        blockFieldSuggestion: { enabled: true },
        costLimit: off,
        maxAliases: off,
        maxDepth: off,
        maxDirectives: off,
        maxTokens: off,
      }).protect().plugins as unknown as ApolloServerPlugin[]) // Armor's types come from Apollo's CJS build
    : [];
  return [
    ...suggestions,
    {
      async requestDidStart() {
        return {
          async didResolveOperation({ schema, document, operation, request }) {
            if (!operation) return;
            const readings = estimateReadings(schema, document, operation, request.variables ?? {}, limits.defaultListSize);
            if (readings > limits.maxReadings) {
              throw new QueryLimitError(
                'QUERY_TOO_COMPLEX',
                'maxReadings',
                limits.maxReadings,
                `The query would fetch about ${readings} readings (lists × time-series lengths); at most ${limits.maxReadings} are served per query. Ask for shorter ranges, a coarser resolution or smaller pages (first), or split the query (limit maxReadings = ${limits.maxReadings}).`,
                { estimated: readings },
              );
            }
          },
        };
      },
    },
  ];
}

/** Upper bounds of a bucket's length, so the estimate errs towards more readings. */
const RESOLUTION_MS: Record<string, number> = {
  FIVE_MINUTES: 5 * 60_000,
  QUARTER_HOUR: 15 * 60_000,
  HALF_HOUR: 30 * 60_000,
  HOUR: 3_600_000,
  DAY: 23 * 3_600_000,
  WEEK: 7 * 24 * 3_600_000 - 3_600_000,
  MONTH: 28 * 24 * 3_600_000,
  YEAR: 365 * 24 * 3_600_000,
};

/** The input type of a time-series range argument. */
const RANGE_TYPE = 'ReadingRange';

/**
 * How many readings an operation asks for, at most: every field taking a `ReadingRange` counts
 * ⌈(to − from) ÷ resolution⌉ + 1 (the range widens to whole buckets), multiplied by the sizes of the
 * lists it sits in: a list field's `first` argument when it has one, else `defaultListSize`.
 * A range that cannot be read (bad dates, a missing variable) counts nothing here; the subgraph
 * refuses it with its own error.
 */
export function estimateReadings(
  schema: GraphQLSchema,
  document: DocumentNode,
  operation: OperationDefinitionNode,
  variables: Record<string, unknown>,
  defaultListSize: number,
): number {
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const definition of document.definitions) {
    if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments.set(definition.name.value, definition);
  }
  const root =
    operation.operation === 'mutation'
      ? schema.getMutationType()
      : operation.operation === 'subscription'
        ? schema.getSubscriptionType()
        : schema.getQueryType();
  if (!root) return 0;

  const visitSelections = (selectionSet: SelectionSetNode, parentType: GraphQLType, seen: Set<string>): number => {
    const named = getNamedType(parentType);
    let total = 0;
    for (const selection of selectionSet.selections) {
      if (selection.kind === Kind.FRAGMENT_SPREAD) {
        const fragment = fragments.get(selection.name.value);
        if (!fragment || seen.has(fragment.name.value)) continue;
        const type = schema.getType(fragment.typeCondition.name.value) ?? named;
        total += visitSelections(fragment.selectionSet, type, new Set([...seen, fragment.name.value]));
      } else if (selection.kind === Kind.INLINE_FRAGMENT) {
        const type = selection.typeCondition ? (schema.getType(selection.typeCondition.name.value) ?? named) : named;
        total += visitSelections(selection.selectionSet, type, seen);
      } else {
        if (!isObjectType(named) && !isInterfaceType(named)) continue;
        const field = named.getFields()[selection.name.value];
        if (!field) continue;
        const args = argumentValues(field, selection.arguments ?? [], variables);
        let readings = 0;
        for (const argument of field.args) {
          if (getNamedType(argument.type).name === RANGE_TYPE) readings += readingsIn(args[argument.name]);
        }
        const inner = selection.selectionSet ? visitSelections(selection.selectionSet, field.type, seen) : 0;
        total += (readings + inner) * listSize(named.name, field, args, defaultListSize);
      }
    }
    return total;
  };
  return visitSelections(operation.selectionSet, root, new Set());
}

function argumentValues(
  field: GraphQLField<unknown, unknown>,
  nodes: ReadonlyArray<import('graphql').ArgumentNode>,
  variables: Record<string, unknown>,
): Record<string, unknown> {
  const values: Record<string, unknown> = {};
  for (const argument of field.args) {
    const node = nodes.find((each) => each.name.value === argument.name);
    if (node) values[argument.name] = valueFromAST(node.value, argument.type as GraphQLInputType, variables);
    else if (argument.defaultValue !== undefined) values[argument.name] = argument.defaultValue;
  }
  return values;
}

/**
 * How many items a field stands for: a paged field (one with `first`) its page size; the `nodes` and
 * `edges` of a connection one each (the page was counted at the connection); any other list the default.
 */
function listSize(
  parentType: string,
  field: GraphQLField<unknown, unknown>,
  args: Record<string, unknown>,
  defaultListSize: number,
): number {
  const first = args.first;
  if (field.args.some((argument) => argument.name === 'first')) return typeof first === 'number' && first > 0 ? first : defaultListSize;
  if (parentType.endsWith('Connection') && (field.name === 'nodes' || field.name === 'edges')) return 1;
  return isListType(getNullableType(field.type)) ? defaultListSize : 1;
}

function readingsIn(range: unknown): number {
  if (!range || typeof range !== 'object') return 0;
  const { from, to, resolution } = range as { from?: unknown; to?: unknown; resolution?: unknown };
  const start = toMillis(from);
  const end = toMillis(to);
  const bucket = typeof resolution === 'string' ? RESOLUTION_MS[resolution] : undefined;
  if (start === undefined || end === undefined || !bucket || end <= start) return 0;
  return Math.ceil((end - start) / bucket) + 1;
}

function toMillis(value: unknown): number | undefined {
  const millis = value instanceof Date ? value.getTime() : typeof value === 'string' ? Date.parse(value) : NaN;
  return Number.isFinite(millis) ? millis : undefined;
}
