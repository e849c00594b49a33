import type { ApolloServerPlugin } from '@apollo/server';
import { costLimitRule } from '@escape.tech/graphql-armor-cost-limit';
import { maxAliasesRule } from '@escape.tech/graphql-armor-max-aliases';
import { maxDepthRule } from '@escape.tech/graphql-armor-max-depth';
import { maxDirectivesRule } from '@escape.tech/graphql-armor-max-directives';
import { MaxTokensParserWLexer } from '@escape.tech/graphql-armor-max-tokens';
import type { GraphQLArmorRejectCallback } from '@escape.tech/graphql-armor-types';
import type { RequestHandler } from 'express';
import { GraphQLError, type ValidationRule } from 'graphql';
import type { ValidatorSpec } from 'envalid';
import { refuseGraphQLRequest } from '../observability/graphql-requests.js';
import { numberInRange } from './config.js';
import { estimateReadings } from './readings-estimator.js';

/**
 * Query limits, one implementation for every server (README, "Limits"): the gateway refuses
 * a query over a limit before it plans it, and every subgraph refuses one before it runs it, so a request
 * sent straight to a subgraph cannot exhaust it either. GraphQL Armor's depth, alias, token, directive and
 * cost limits, and the readings estimate, which Armor's cost model cannot express.
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
  /**
   * Estimated readings: per time series ⌈span ÷ resolution⌉, multiplied by the sizes of the lists around
   * it and by the copies of each reading the answer sends (aliases of `readings`, `values`, `start` …).
   */
  maxReadings: number;
  /** The size assumed for a list without `first` (or with `first` in a variable that is unset). */
  defaultListSize: number;
}

/** The gateway's limits: what a client's query may ask for. */
export const DEFAULT_LIMITS: QueryLimits = {
  maxDepth: 12,
  maxAliases: 30,
  maxTokens: 2000,
  maxDirectives: 30,
  // Armor weighs fields, not upstream work: the one-fragment query over all five providers costs ~21,000.
  maxCost: 50_000,
  // 5 meters × a year of half hours: the most that keeps the gateway under 400 MiB (docs/benchmarks.md, "Memory").
  maxReadings: 100_000,
  defaultListSize: 20,
};

/**
 * A subgraph's limits: room for every query the gateway's limits let through, as the query planner
 * rewrites it — one level more for `_entities`, the keys and `__typename` it adds at every entity, and
 * fragments it may expand inline (more tokens) — and no more. Readings are the gateway's cap: an entity
 * fetch counts its representations, which are the items the gateway's estimate counted.
 */
export const DEFAULT_SUBGRAPH_LIMITS: QueryLimits = {
  ...DEFAULT_LIMITS,
  maxDepth: DEFAULT_LIMITS.maxDepth + 2,
  maxTokens: DEFAULT_LIMITS.maxTokens * 10,
  maxCost: DEFAULT_LIMITS.maxCost * 2,
};

/** Each limit's setting (`<PREFIX>_MAX_DEPTH` …): the limit it sets, its bounds and what it does. */
const LIMIT_SETTINGS = {
  MAX_DEPTH: { limit: 'maxDepth', min: 1, max: 1000, desc: 'Deepest field nesting (QUERY_TOO_DEEP)' },
  MAX_ALIASES: { limit: 'maxAliases', min: 0, max: 10_000, desc: 'Aliases per operation (TOO_MANY_ALIASES)' },
  MAX_TOKENS: { limit: 'maxTokens', min: 1, max: 1_000_000, desc: 'Tokens per document (TOO_MANY_TOKENS)' },
  MAX_DIRECTIVES: { limit: 'maxDirectives', min: 0, max: 10_000, desc: 'Directives per operation (TOO_MANY_DIRECTIVES)' },
  MAX_COST: { limit: 'maxCost', min: 1, max: 1e9, desc: 'Armor’s cost of an operation (QUERY_TOO_COMPLEX)' },
  MAX_READINGS: {
    limit: 'maxReadings',
    min: 1,
    max: 1e12,
    desc: 'Estimated readings per query, lists × time-series lengths (QUERY_TOO_COMPLEX)',
  },
  DEFAULT_LIST_SIZE: {
    limit: 'defaultListSize',
    min: 1,
    max: 10_000,
    desc: 'Items the readings estimate assumes for a list without `first`',
  },
} as const satisfies Record<string, { limit: keyof QueryLimits; min: number; max: number; desc: string }>;

type QueryLimitSettings<Prefix extends string> = { [Name in keyof typeof LIMIT_SETTINGS as `${Prefix}_${Name}`]: ValidatorSpec<number> };

/** The limits' settings of a server (`GATEWAY_MAX_DEPTH`, `SUBGRAPH_MAX_DEPTH` …), each with its default and description. */
export function queryLimitSettings<Prefix extends string>(prefix: Prefix, defaults: QueryLimits): QueryLimitSettings<Prefix> {
  return Object.fromEntries(
    Object.entries(LIMIT_SETTINGS).map(([name, { limit, min, max, desc }]) => [
      `${prefix}_${name}`,
      numberInRange(min, max)({ default: defaults[limit], desc }),
    ]),
  ) as QueryLimitSettings<Prefix>;
}

/** The limits from the settings `queryLimitSettings(prefix)` declared, once read. */
export function queryLimitsFrom<Prefix extends string>(prefix: Prefix, config: QueryLimitSettingValues<Prefix>): QueryLimits {
  const values = config as Record<string, number>;
  return Object.fromEntries(
    Object.entries(LIMIT_SETTINGS).map(([name, { limit }]) => [limit, values[`${prefix}_${name}`]!]),
  ) as unknown as QueryLimits;
}

type QueryLimitSettingValues<Prefix extends string> = { [Name in keyof QueryLimitSettings<Prefix>]: number };

/** The error a query over a limit gets: its code names the limit, `limit` and `max` say which and how much. */
export class QueryLimitError extends GraphQLError {
  constructor(code: string, limit: string, max: number, message: string, details: Record<string, unknown> = {}) {
    super(message, { extensions: { code, limit, max, ...details, http: { status: 400 } } });
  }
}

/**
 * The token limit, as express middleware after the JSON body parser: Armor's lexer counts the document's
 * tokens and stops at the limit, before Apollo parses it. (Armor's Apollo plugin for this throws from
 * parsingDidStart, which Apollo Server 5 turns into an opaque 500.) A document that does not parse is
 * left to Apollo, which reports the syntax error.
 */
export function tokenLimit(limits: QueryLimits): RequestHandler {
  return (req, res, next) => {
    const body = req.body as { query?: unknown } | undefined;
    const source = typeof body?.query === 'string' ? body.query : typeof req.query.query === 'string' ? req.query.query : undefined;
    // Every token is at least one character: a document no longer than the limit cannot exceed it, and
    // is not lexed twice (profiled: a twentieth of the gateway's CPU on a small query).
    if (source === undefined || source.length <= limits.maxTokens) return next();
    try {
      new MaxTokensParserWLexer(source, {
        n: limits.maxTokens,
        exposeLimits: true,
        propagateOnRejection: false,
        onReject: [rejectWith('TOO_MANY_TOKENS', 'maxTokens', limits.maxTokens, 'Send a shorter document.')],
      }).parseDocument();
    } catch (error) {
      if (error instanceof QueryLimitError) {
        const { http: _http, code, ...extensions } = error.extensions;
        refuseGraphQLRequest(req, res, 400, { message: error.message, extensions: { code: String(code), ...extensions } });
        return;
      }
    }
    next();
  };
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
  const refusing = (code: string, limit: keyof QueryLimits, advice: string) => ({
    exposeLimits: true,
    propagateOnRejection: false,
    onReject: [rejectWith(code, limit, limits[limit], advice)],
  });
  return [
    maxDepthRule({ n: limits.maxDepth, ...refusing('QUERY_TOO_DEEP', 'maxDepth', 'Select fewer nested fields or split the query.') }),
    maxAliasesRule({ n: limits.maxAliases, ...refusing('TOO_MANY_ALIASES', 'maxAliases', 'Use fewer aliases or split the query.') }),
    maxDirectivesRule({ n: limits.maxDirectives, ...refusing('TOO_MANY_DIRECTIVES', 'maxDirectives', 'Use fewer directives.') }),
    costLimitRule({ maxCost: limits.maxCost, ...refusing('QUERY_TOO_COMPLEX', 'maxCost', 'Select fewer fields or split the query.') }),
  ];
}

/**
 * Refuses a query that would fetch more than `maxReadings` readings from the providers (list sizes ×
 * time-series lengths, readings-estimator.ts), once its operation and variables are known and before it
 * is planned (gateway) or run (subgraph).
 */
export function readingsCap(limits: QueryLimits): ApolloServerPlugin {
  return {
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
              `The query would fetch about ${readings} readings (lists × time-series lengths × copies of each reading sent under aliases); at most ${limits.maxReadings} are served per query. Ask for shorter ranges, a coarser resolution or smaller pages (first), alias no per-reading field, or split the query (limit maxReadings = ${limits.maxReadings}).`,
              { estimated: readings },
            );
          }
        },
      };
    },
  };
}
