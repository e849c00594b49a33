import type { ApolloServerPlugin } from '@apollo/server';
import { ApolloArmor } from '@escape.tech/graphql-armor';
import { jsonBody } from '../../shared/subgraph/http-answers.js';
import { limitValidationRules, readingsCap, tokenLimit, type QueryLimits } from '../../shared/subgraph/query-limits.js';
import type { GatewayPlugin } from './plugin.js';

/**
 * Query limits at the gateway (README, "Limits"), the kit's (shared/subgraph/query-limits.ts,
 * which every subgraph enforces too): a query over any limit — depth, aliases, tokens, directives, cost,
 * estimated readings — is refused before the gateway plans it, so no subgraph and no provider is called.
 * With introspection off, Armor also masks GraphQL's "Did you mean …" suggestions, which would otherwise
 * reveal the schema.
 */
export function useLimits(limits: QueryLimits, options: { graphqlPaths: string[]; blockFieldSuggestions: boolean }): GatewayPlugin {
  return {
    // The same JSON parser (and size limit) as the GraphQL route; it parses each body once.
    routes: (app) => app.all(options.graphqlPaths, ...jsonBody(), tokenLimit(limits)),
    validationRules: limitValidationRules(limits),
    apolloPlugins: [readingsCap(limits), ...(options.blockFieldSuggestions ? suggestionsBlocked() : [])],
  };
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
