import type { GraphQLDataSource, GraphQLDataSourceProcessOptions } from '@apollo/gateway';
import type { QueryPlanCache } from '@apollo/query-planner';
import type { ApolloServerPlugin } from '@apollo/server';
import type { Express, Request } from 'express';
import type { GraphQLFormattedError, ValidationRule } from 'graphql';
import type { HealthReport } from '../../shared/subgraph/server.js';

/**
 * The gateway is built from plugins, one per concern, in the manner of Hive Gateway's: each `useX(config)`
 * returns what it adds to the gateway, and gateway/index.ts hands every plugin's parts to the place they
 * belong (the express app, Apollo Server, the query planner, the calls to the subgraphs).
 */
export interface GatewayPlugin {
  /** Express routes and middleware, registered before GraphQL in plugin order (a page, a credential check). */
  routes?: (app: Express) => void;
  /** What the plugin adds to each request's GraphQL context (read by its Apollo plugins). */
  context?: (req: Request) => Record<string, unknown>;
  /** Checked on every operation before it is planned. */
  validationRules?: ValidationRule[];
  apolloPlugins?: ApolloServerPlugin[];
  /** Formats an error for the client; undefined leaves it to the server's default (masking what is unexpected). */
  formatError?: (formatted: GraphQLFormattedError, error: unknown) => GraphQLFormattedError | undefined;
  /** A layer around every call to a subgraph; the first plugin's layer is outermost. */
  wrapSubgraphCall?: (next: SubgraphCall, context: SubgraphCallContext) => SubgraphCall;
  /** Where the query planner keeps its plans (one plugin at most). */
  queryPlanCache?: QueryPlanCache;
  /** GET /health's report (one plugin at most). */
  health?: () => Promise<HealthReport>;
}

export type SubgraphRequest = GraphQLDataSourceProcessOptions;
export type SubgraphResponse = Awaited<ReturnType<GraphQLDataSource['process']>>;
/** One call to a subgraph: the layers below, down to the HTTP fetch. */
export type SubgraphCall = (request: SubgraphRequest) => Promise<SubgraphResponse>;

export interface SubgraphCallContext {
  /** The subgraph this layer calls. */
  subgraph: string;
  /** Another subgraph's call through the layers below this one (undefined for an unknown subgraph). */
  peer(subgraph: string): SubgraphCall | undefined;
}

/**
 * A call for a client's operation, as opposed to a health check or a schema load
 * (GraphQLDataSourceRequestKind.INCOMING_OPERATION; @apollo/gateway does not export the enum).
 */
export function isIncomingOperation(request: SubgraphRequest): boolean {
  return String(request.kind) === INCOMING_OPERATION;
}

/** GraphQLDataSourceRequestKind.INCOMING_OPERATION's value, for a call the gateway makes for a client. */
export const INCOMING_OPERATION = 'incoming operation';

/** The one contribution of a kind that at most one plugin may make. */
export function onlyOne<K extends 'queryPlanCache' | 'health'>(plugins: GatewayPlugin[], kind: K): GatewayPlugin[K] | undefined {
  const contributions = plugins.map((plugin) => plugin[kind]).filter((part) => part !== undefined);
  if (contributions.length > 1) throw new Error(`${contributions.length} gateway plugins contribute ${kind}; at most one may`);
  return contributions[0];
}
