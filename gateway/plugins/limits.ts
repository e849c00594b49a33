import type { ApolloServerPlugin } from '@apollo/server';
import { ApolloArmor } from '@escape.tech/graphql-armor';
import { costLimitRule } from '@escape.tech/graphql-armor-cost-limit';
import { maxAliasesRule } from '@escape.tech/graphql-armor-max-aliases';
import { maxDepthRule } from '@escape.tech/graphql-armor-max-depth';
import { maxDirectivesRule } from '@escape.tech/graphql-armor-max-directives';
import { MaxTokensParserWLexer } from '@escape.tech/graphql-armor-max-tokens';
import type { GraphQLArmorRejectCallback } from '@escape.tech/graphql-armor-types';
import express, { type RequestHandler } from 'express';
import { GraphQLError, type ValidationRule } from 'graphql';
import { refuseGraphQLRequest } from '../../shared/observability/graphql-requests.js';
import type { QueryLimits } from '../config.js';
import type { GatewayPlugin } from './plugin.js';

/**
 * Query limits at the gateway (README, "Limits"): GraphQL Armor's depth, alias, token,
 * directive and cost limits (the readings estimate, which Armor's cost model cannot express, is
 * useReadingsEstimate). A query over any limit is refused before the gateway plans it, so no subgraph
 * and no provider is called. With introspection off, Armor also masks GraphQL's "Did you mean …"
 * suggestions, which would otherwise reveal the schema.
 */
export function useLimits(limits: QueryLimits, options: { graphqlPaths: string[]; blockFieldSuggestions: boolean }): GatewayPlugin {
  return {
    routes: (app) => app.all(options.graphqlPaths, ...tokenLimit(limits)),
    validationRules: limitValidationRules(limits),
    apolloPlugins: options.blockFieldSuggestions ? suggestionsBlocked() : [],
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
function tokenLimit(limits: QueryLimits): RequestHandler[] {
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
        const { http: _http, code, ...extensions } = error.extensions;
        refuseGraphQLRequest(req, res, 400, { message: error.message, extensions: { code: String(code), ...extensions } });
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
function limitValidationRules(limits: QueryLimits): ValidationRule[] {
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

function suggestionsBlocked(): ApolloServerPlugin[] {
  const off = { enabled: false };
  const armor = new ApolloArmor({
    blockFieldSuggestion: { enabled: true },
    costLimit: off,
    maxAliases: off,
    maxDepth: off,
    maxDirectives: off,
    maxTokens: off,
  });
  return armor.protect().plugins as unknown as ApolloServerPlugin[]; // Armor's types come from Apollo's CJS build
}
