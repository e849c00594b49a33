import { ApolloGateway, type GraphQLDataSource } from '@apollo/gateway';
import { ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import type { GraphQLFormattedError } from 'graphql';
import { readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { ServerMetrics } from '../shared/observability/metrics.js';
import { startTracing } from '../shared/observability/tracing.js';
import { startGraphQLServer, stopOnSignals, type RunningServer } from '../shared/subgraph/server.js';
import {
  DEFAULT_GATEWAY_CONFIG,
  DEFAULT_TUNING,
  readGatewayConfig,
  subgraphUrlsFromEnv,
  type GatewayConfig,
  type GatewayTuning,
} from './config.js';
import { createStore, reportingErrors } from '../shared/store/index.js';
import { useAccess } from './plugins/access.js';
import { useCors } from './plugins/cors.js';
import { useErrors } from './plugins/errors.js';
import { useSharedRootFailover } from './plugins/failover.js';
import { useHealth } from './plugins/health.js';
import { useLimits } from './plugins/limits.js';
import { useMetrics } from './plugins/metrics.js';
import { usePlanCacheStats, type QueryPlanCacheStats } from './plugins/plan-cache-stats.js';
import { usePlayground } from './plugins/playground.js';
import { usePlanningOffThread } from './plugins/query-planning.js';
import { onlyOne, type GatewayPlugin } from './plugins/plugin.js';
import { rateLimited, useRateLimits } from './plugins/rate-limits.js';
import { useReadingsInFlight, type ReadingsGate } from './plugins/readings-in-flight.js';
import { useRoles } from './plugins/roles.js';
import { useSubgraphDedup } from './plugins/subgraph-dedup.js';
import { useTracing } from './plugins/tracing.js';
import { stringifyResult } from './raw-answers.js';
import { answeringSingleFetchesDirectly, type SingleFetchStats } from './single-fetch.js';
import { subgraphServices } from './subgraph-calls.js';
import { createSubgraphAgent, createSubgraphFetcher } from './subgraph-fetch.js';
import { SUPERGRAPH_PATH, readSupergraph } from './supergraph.js';

/**
 * The federating gateway, assembled from its configuration (config.ts), its plugins (plugins/) and the
 * supergraph (supergraph.ts). It imports no subgraph code: it serves the committed supergraph.graphql
 * and learns the subgraphs' names and default URLs from it; `<NAME>_SUBGRAPH_URL` (or `subgraphUrls`)
 * points a subgraph elsewhere.
 */

// What scripts/ and bench/ start a gateway with, from one place.
export { SUPERGRAPH_PATH, subgraphsOf } from './supergraph.js';
export { readGatewayConfig, subgraphUrlsFromEnv, type GatewayConfig } from './config.js';

// @apollo/gateway otherwise sends usage metrics to Apollo and probes cloud metadata services (AWS, GCP,
// Azure) when it starts: outbound calls an offline, self-hosted gateway must not make unasked.
// APOLLO_TELEMETRY_DISABLED=false turns Apollo's telemetry back on.
process.env.APOLLO_TELEMETRY_DISABLED ??= 'true';

/** GraphQL is served on both; a browser's GET on either opens the playground. */
const GRAPHQL_PATHS = ['/', '/graphql'];

/** Where and how to run; what is not given is DEFAULT_GATEWAY_CONFIG's. */
export interface GatewayOptions extends Partial<GatewayConfig> {
  host: string;
  port: number;
  /** Defaults to the committed supergraph.graphql. */
  supergraphSdl?: string;
  /** Subgraph name → GraphQL endpoint, overriding the URL composed into the supergraph. */
  subgraphUrls?: Record<string, string>;
  tuning?: Partial<GatewayTuning>;
}

/** The gateway server, with how often a request found its query plan already made, and its readings in flight. */
export interface RunningGateway extends RunningServer {
  queryPlanCache: QueryPlanCacheStats;
  /** Queries answered with one subgraph's answer as it came (single-fetch.ts). */
  singleFetches: SingleFetchStats;
  readingsInFlight: Pick<ReadingsGate, 'budget' | 'readingsInFlight' | 'operationsWaiting' | 'waited'>;
}

export async function startGateway(options: GatewayOptions): Promise<RunningGateway> {
  const { supergraphSdl = readFileSync(SUPERGRAPH_PATH, 'utf8'), subgraphUrls = {}, tuning: tuningGiven = {}, ...given } = options;
  const config: GatewayConfig = { ...DEFAULT_GATEWAY_CONFIG, ...withoutUndefined(given) };
  const tuning: GatewayTuning = { ...DEFAULT_TUNING, ...withoutUndefined(tuningGiven) };
  const supergraph = readSupergraph(supergraphSdl);
  const subgraphs = supergraph.subgraphs.map(({ name, url }) => ({ name, url: subgraphUrls[name] ?? url }));
  const urlOf = new Map(subgraphs.map(({ name, url }) => [name, url]));

  const planCache = usePlanCacheStats(tuning.queryPlanCacheMiB);
  const planning = usePlanningOffThread(planCache.cache, supergraphSdl, tuning.plannerIdleMs);
  const readingsInFlight = useReadingsInFlight(config.maxReadingsInFlight, config.limits);
  const metrics = new ServerMetrics();
  // The rate-limit counters, shared by every replica on the same store; only opened when a limit is set.
  const store = rateLimited(config.rateLimits)
    ? reportingErrors(createStore(config.store), (operation) => metrics.storeError(operation))
    : undefined;
  // In this order: express routes run in it (CORS and preflights, the playground's page, the credential
  // check, the rate limit, then the token limit), and so does a subgraph call (deduplicated, failed over,
  // its errors made the client's, then traced and measured as it is fetched).
  const plugins: GatewayPlugin[] = [
    useCors(config.corsOrigins, GRAPHQL_PATHS),
    usePlayground({ enabled: config.playground, access: config.access, pagePaths: GRAPHQL_PATHS, endpoint: '/graphql' }),
    useAccess(config.access, GRAPHQL_PATHS),
    useRateLimits(config.rateLimits, store, GRAPHQL_PATHS),
    useRoles(supergraph.mutationRoles),
    useLimits(config.limits, { graphqlPaths: GRAPHQL_PATHS, blockFieldSuggestions: !config.introspection }),
    readingsInFlight,
    planCache,
    planning,
    useSubgraphDedup(),
    useSharedRootFailover(supergraph.ownership),
    useErrors(),
    useTracing(),
    useMetrics(metrics),
    useHealth(subgraphs),
  ];

  // One agent for every subgraph: connections stay open between requests (no TCP handshake per fetch).
  const agent = createSubgraphAgent({ keepAlive: tuning.keepAlive, idleTimeoutMs: config.subgraphIdleTimeoutMs });
  const services = new Map<string, GraphQLDataSource>();
  const apolloGateway = new ApolloGateway({
    supergraphSdl,
    queryPlannerConfig: { cache: onlyOne(plugins, 'queryPlanCache') },
    buildService: subgraphServices(
      plugins,
      createSubgraphFetcher(agent, config.subgraphSecret),
      (name, composedUrl) => urlOf.get(name) ?? composedUrl,
      services,
    ),
  });
  const singleFetches: SingleFetchStats = { answeredDirectly: 0, passedAsText: 0 };
  const gateway = tuning.answerSingleFetchesDirectly
    ? answeringSingleFetchesDirectly(apolloGateway, planCache.cache, services, singleFetches)
    : apolloGateway;
  const server = await startGraphQLServer({
    name: 'gateway',
    host: config.host,
    port: config.port,
    keepAliveTimeoutMs: config.keepAliveTimeoutMs,
    requestTimeoutMs: config.requestTimeoutMs,
    callerTimeoutHeader: false,
    inputBounds: config.inputBounds,
    gateway,
    graphqlPaths: GRAPHQL_PATHS,
    routes: (app) => plugins.forEach((plugin) => plugin.routes?.(app)),
    introspection: config.introspection,
    debug: config.debug,
    validationRules: plugins.flatMap((plugin) => plugin.validationRules ?? []),
    plugins: [ApolloServerPluginLandingPageDisabled(), ...plugins.flatMap((plugin) => plugin.apolloPlugins ?? [])],
    formatError: (formatted, error) =>
      plugins.reduce<GraphQLFormattedError | undefined>((found, plugin) => found ?? plugin.formatError?.(formatted, error), undefined),
    context: async (req) => Object.assign({}, ...plugins.map((plugin) => plugin.context?.(req))),
    metrics,
    health: onlyOne(plugins, 'health'),
    stringifyResult,
  }).catch(async (error: unknown) => {
    agent.destroy();
    await store?.close();
    throw error;
  });
  return {
    ...server,
    queryPlanCache: planCache.stats,
    singleFetches,
    readingsInFlight: readingsInFlight.gate,
    stop: async () => {
      try {
        await server.stop();
      } finally {
        agent.destroy();
        await planning.stop();
        await store?.close();
      }
    },
  };
}

/** An option left undefined takes its default, as an absent one does. */
function withoutUndefined<T extends object>(options: T): Partial<T> {
  return Object.fromEntries(Object.entries(options).filter(([, value]) => value !== undefined)) as Partial<T>;
}

// `tsx gateway/index.ts`: the gateway alone, against subgraphs started elsewhere.
if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const tracing = await startTracing('gridgraph-gateway', process.env);
  const sdl = readFileSync(SUPERGRAPH_PATH, 'utf8');
  const gateway = await startGateway({
    ...readGatewayConfig(process.env),
    supergraphSdl: sdl,
    subgraphUrls: subgraphUrlsFromEnv(sdl, process.env),
  });
  console.log(`Gateway ${gateway.url}/graphql; playground ${gateway.url}/`);
  stopOnSignals(
    () => [gateway],
    async () => tracing?.stop(),
  );
}
