import { ApolloGateway, RemoteGraphQLDataSource } from '@apollo/gateway';
import type { QueryPlan } from '@apollo/query-planner';
import { ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import { InMemoryLRUCache, type KeyValueCache } from '@apollo/utils.keyvaluecache';
import { GraphQLError } from 'graphql';
import { readFileSync } from 'node:fs';
import fetch from 'node-fetch';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { ConfigError, bool, numberInRange, port, readConfig, str } from '../shared/subgraph/config.js';
import { createLogger } from '../shared/observability/logger.js';
import {
  DEFAULT_KEEP_ALIVE_TIMEOUT_MS,
  keepAliveTimeoutSetting,
  startGraphQLServer,
  stopOnSignals,
  type RunningServer,
} from '../shared/subgraph/server.js';
import {
  OPEN_ACCESS,
  accessIsOpen,
  credentialsHint,
  playgroundHeaders,
  readAccessConfig,
  requireCredentials,
  type AccessConfig,
} from './access.js';
import { sharedRootFallbacks, subgraphUnavailable } from './failover.js';
import { DEFAULT_LIMITS, limitPlugins, limitValidationRules, readLimitsConfig, tokenLimit, type QueryLimits } from './limits.js';
import { readOwnership, type SupergraphOwnership } from './ownership.js';
import { playgroundRoutes } from './playground/index.js';
import { DeadlineExceededError, createSubgraphAgent, createSubgraphFetcher, isMutation } from './subgraph-fetch.js';

/**
 * The federating gateway. It imports no subgraph code: it serves the committed supergraph.graphql and
 * learns the subgraphs' names and default URLs from it; `<NAME>_SUBGRAPH_URL` (or `subgraphUrls`)
 * points a subgraph elsewhere.
 */
const log = createLogger('gateway');

// @apollo/gateway otherwise sends usage metrics to Apollo and probes cloud metadata services (AWS, GCP,
// Azure) when it starts: outbound calls an offline, self-hosted gateway must not make unasked.
// APOLLO_TELEMETRY_DISABLED=false turns Apollo's telemetry back on.
process.env.APOLLO_TELEMETRY_DISABLED ??= 'true';

export const SUPERGRAPH_PATH = fileURLToPath(new URL('../supergraph.graphql', import.meta.url));

/** GraphQL is served on both; a browser's GET on either opens the playground. */
const GRAPHQL_PATHS = ['/', '/graphql'];

export interface GatewayOptions {
  host: string;
  port: number;
  /** Defaults to the committed supergraph.graphql. */
  supergraphSdl?: string;
  /** Subgraph name → GraphQL endpoint, overriding the URL composed into the supergraph. */
  subgraphUrls?: Record<string, string>;
  /** Who may query (default: anyone, said at startup). */
  access?: AccessConfig;
  /** Default DEFAULT_LIMITS. */
  limits?: QueryLimits;
  /** Answer introspection queries (default true). */
  introspection?: boolean;
  /** Serve the playground on GET / and /graphql (default true). */
  playground?: boolean;
  /** Development mode: stack traces in error responses (default false). */
  debug?: boolean;
  /** Each request's deadline, subgraph fetches included (default 10 s). */
  requestTimeoutMs?: number;
  /** How long an idle client connection is kept open (default DEFAULT_KEEP_ALIVE_TIMEOUT_MS). */
  keepAliveTimeoutMs?: number;
  /** How long an idle connection to a subgraph is kept; shorter than the subgraphs' keep-alive (default 20 s). */
  subgraphIdleTimeoutMs?: number;
  /**
   * Performance switches, both on by default; bench/ turns them off to print before/after figures.
   * `keepAlive`: reuse connections to the subgraphs. `queryPlanCacheMiB`: size of the query-plan cache
   * (0 plans every request afresh).
   */
  tuning?: { keepAlive?: boolean; queryPlanCacheMiB?: number };
}

/** The gateway server, with how often a request found its query plan already made. */
export interface RunningGateway extends RunningServer {
  queryPlanCache: QueryPlanCacheStats;
}

export type GatewayConfig = Required<
  Pick<
    GatewayOptions,
    | 'host'
    | 'port'
    | 'access'
    | 'limits'
    | 'introspection'
    | 'playground'
    | 'debug'
    | 'requestTimeoutMs'
    | 'keepAliveTimeoutMs'
    | 'subgraphIdleTimeoutMs'
  >
>;

const DEFAULT_REQUEST_TIMEOUT_MS = 10_000;
const DEFAULT_SUBGRAPH_IDLE_TIMEOUT_MS = 20_000;

export function readGatewayConfig(env: NodeJS.ProcessEnv): GatewayConfig {
  const config = readConfig(
    {
      HOST: str({ default: '127.0.0.1' }),
      GATEWAY_PORT: port({ default: 4000 }),
      GATEWAY_INTROSPECTION: bool({ default: true }),
      GATEWAY_PLAYGROUND: bool({ default: true }),
      GATEWAY_DEBUG: bool({ default: false }),
      NODE_ENV: str({ default: 'production' }),
      GATEWAY_REQUEST_TIMEOUT_MS: numberInRange(100, 300_000)({ default: DEFAULT_REQUEST_TIMEOUT_MS }),
      KEEP_ALIVE_TIMEOUT_MS: keepAliveTimeoutSetting,
      GATEWAY_SUBGRAPH_IDLE_TIMEOUT_MS: numberInRange(50, 600_000)({ default: DEFAULT_SUBGRAPH_IDLE_TIMEOUT_MS }),
    },
    env,
  );
  // Every server reads KEEP_ALIVE_TIMEOUT_MS: with the gateway's idle timeout at or above it, the gateway
  // would send on sockets the subgraphs have already closed.
  if (config.GATEWAY_SUBGRAPH_IDLE_TIMEOUT_MS >= config.KEEP_ALIVE_TIMEOUT_MS) {
    throw new ConfigError(
      `Invalid configuration:\n  GATEWAY_SUBGRAPH_IDLE_TIMEOUT_MS (${config.GATEWAY_SUBGRAPH_IDLE_TIMEOUT_MS}) must be shorter than ` +
        `KEEP_ALIVE_TIMEOUT_MS (${config.KEEP_ALIVE_TIMEOUT_MS}), the subgraphs' keep-alive timeout`,
    );
  }
  return {
    host: config.HOST,
    port: config.GATEWAY_PORT,
    access: readAccessConfig(env),
    limits: readLimitsConfig(env),
    introspection: config.GATEWAY_INTROSPECTION,
    playground: config.GATEWAY_PLAYGROUND,
    debug: config.GATEWAY_DEBUG || config.NODE_ENV === 'development',
    requestTimeoutMs: config.GATEWAY_REQUEST_TIMEOUT_MS,
    keepAliveTimeoutMs: config.KEEP_ALIVE_TIMEOUT_MS,
    subgraphIdleTimeoutMs: config.GATEWAY_SUBGRAPH_IDLE_TIMEOUT_MS,
  };
}

/** The subgraphs a supergraph joins, with the URLs composed into it. */
export function subgraphsOf(supergraphSdl: string): Array<{ name: string; url: string }> {
  const graphs = [...supergraphSdl.matchAll(/@join__graph\(name: "([^"]+)", url: "([^"]*)"\)/g)];
  return graphs.map(([, name, url]) => ({ name: name!, url: url! }));
}

/** `<NAME>_SUBGRAPH_URL` for every subgraph that has one set. */
export function subgraphUrlsFromEnv(supergraphSdl: string, env: NodeJS.ProcessEnv): Record<string, string> {
  const urls: Record<string, string> = {};
  for (const { name } of subgraphsOf(supergraphSdl)) {
    const value = env[`${name.toUpperCase()}_SUBGRAPH_URL`];
    if (value) urls[name] = value;
  }
  return urls;
}

export async function startGateway(options: GatewayOptions): Promise<RunningGateway> {
  const supergraphSdl = options.supergraphSdl ?? readFileSync(SUPERGRAPH_PATH, 'utf8');
  const subgraphs = subgraphsOf(supergraphSdl).map(({ name, url }) => ({ name, url: options.subgraphUrls?.[name] ?? url }));
  const urlOf = new Map(subgraphs.map(({ name, url }) => [name, url]));
  const access = options.access ?? OPEN_ACCESS;
  const limits = options.limits ?? DEFAULT_LIMITS;
  const introspection = options.introspection ?? true;
  if (accessIsOpen(access)) {
    log.warn(
      'client access is OPEN: anyone who can reach the gateway may query it (set GATEWAY_API_KEYS, GATEWAY_JWT_SECRET or GATEWAY_JWKS_URL to require credentials)',
    );
  } else {
    log.info(`client access needs credentials: ${describeAccess(access)}`);
  }
  // One agent for every subgraph: connections stay open between requests (no TCP handshake per fetch).
  const agent = createSubgraphAgent({
    keepAlive: options.tuning?.keepAlive !== false,
    idleTimeoutMs: options.subgraphIdleTimeoutMs ?? DEFAULT_SUBGRAPH_IDLE_TIMEOUT_MS,
  });
  const fetcher = createSubgraphFetcher(agent);
  const planCache = new CountingQueryPlanCache(options.tuning?.queryPlanCacheMiB ?? 30);
  const ownership = readOwnership(supergraphSdl);
  const dataSources = new Map<string, SubgraphDataSource>();
  const gateway = new ApolloGateway({
    supergraphSdl,
    queryPlannerConfig: { cache: planCache },
    buildService: ({ name, url }) => {
      const dataSource = new SubgraphDataSource(name, urlOf.get(name) ?? url ?? '', fetcher, ownership, dataSources);
      dataSources.set(name, dataSource);
      return dataSource;
    },
  });
  const server = await startGraphQLServer({
    name: 'gateway',
    host: options.host,
    port: options.port,
    keepAliveTimeoutMs: options.keepAliveTimeoutMs ?? DEFAULT_KEEP_ALIVE_TIMEOUT_MS,
    requestTimeoutMs: options.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS,
    callerTimeoutHeader: false,
    gateway,
    graphqlPaths: GRAPHQL_PATHS,
    routes: (app) => {
      // A browser opening either path gets the playground (it loads without credentials and asks for
      // them); Apollo's own landing page loads from a CDN.
      if (options.playground ?? true) {
        playgroundRoutes({
          pagePaths: GRAPHQL_PATHS,
          endpoint: '/graphql',
          credentials: accessIsOpen(access) ? undefined : { notice: credentialsHint(access), headers: playgroundHeaders(access) },
        })(app);
      } else {
        app.get(GRAPHQL_PATHS, (req, res, next) => {
          if (req.query.query !== undefined) return next();
          res
            .status(404)
            .type('text')
            .send('The playground is turned off here (GATEWAY_PLAYGROUND=false). Send GraphQL to POST /graphql.\n');
        });
      }
      if (!accessIsOpen(access)) app.all(GRAPHQL_PATHS, requireCredentials(access));
      app.all(GRAPHQL_PATHS, ...tokenLimit(limits));
    },
    introspection,
    debug: options.debug ?? false,
    validationRules: limitValidationRules(limits),
    plugins: [ApolloServerPluginLandingPageDisabled(), ...limitPlugins(limits, { blockFieldSuggestions: !introspection })],
    context: async () => ({}),
    health: async () => {
      const checks = await Promise.all(subgraphs.map(async ({ name, url }) => [name, await isHealthy(url)] as const));
      return { ok: checks.every(([, up]) => up), subgraphs: Object.fromEntries(checks.map(([name, up]) => [name, up ? 'up' : 'down'])) };
    },
  });
  return {
    ...server,
    queryPlanCache: planCache.stats,
    stop: async () => {
      await server.stop();
      agent.destroy();
    },
  };
}

export interface QueryPlanCacheStats {
  /** Requests whose plan came from the cache. */
  hits: number;
  /** Requests that had to plan (first sight of an operation, or evicted). */
  misses: number;
}

/**
 * The gateway's query-plan cache (keyed by @apollo/gateway on the operation's hash and name, so
 * variables do not matter), counting hits so a test can prove that a repeated operation is not planned
 * again. 0 MiB stores nothing.
 */
class CountingQueryPlanCache implements KeyValueCache<QueryPlan> {
  readonly stats: QueryPlanCacheStats = { hits: 0, misses: 0 };
  private readonly plans: InMemoryLRUCache<QueryPlan> | undefined;

  constructor(maxMiB: number) {
    this.plans =
      maxMiB > 0
        ? new InMemoryLRUCache<QueryPlan>({ maxSize: maxMiB * 2 ** 20, sizeCalculation: (plan) => JSON.stringify(plan).length })
        : undefined;
  }

  async get(key: string): Promise<QueryPlan | undefined> {
    const plan = await this.plans?.get(key);
    if (plan) this.stats.hits += 1;
    else this.stats.misses += 1;
    return plan;
  }

  async set(key: string, plan: QueryPlan): Promise<void> {
    await this.plans?.set(key, plan);
  }

  async delete(key: string): Promise<boolean | void> {
    return this.plans?.delete(key);
  }

  /** Called by the gateway when the supergraph changes. */
  clear(): void {
    this.plans?.clear();
  }
}

/**
 * How the gateway calls a subgraph (over gateway/subgraph-fetch.ts), with corrections to the stock data
 * source so a client always gets an actionable error code and never a subgraph's internal URL:
 * - a subgraph answers some request errors (e.g. a variable it cannot coerce) with HTTP 400 and a
 *   GraphQL error body: its own message and code are passed on instead of an opaque "400: Bad Request";
 * - a subgraph that cannot be reached is UPSTREAM_UNAVAILABLE, and one that has not answered by the
 *   request's deadline UPSTREAM_TIMEOUT, naming the subgraph; only its fields are null, the rest of the
 *   answer arrives, and shared root fields the plan fetched from it are asked of another subgraph
 *   (gateway/failover.ts).
 */
type GatewayGraphQLResponse = Awaited<ReturnType<RemoteGraphQLDataSource['process']>>;

class SubgraphDataSource extends RemoteGraphQLDataSource {
  constructor(
    private readonly subgraphName: string,
    url: string,
    // Ours instead of the stock make-fetch-happen (an HTTP-cache layer we do not use).
    fetcher: RemoteGraphQLDataSource['fetcher'],
    private readonly ownership: SupergraphOwnership,
    /** Every subgraph's data source, by name: where a shared root is asked when this one is down. */
    private readonly peers: ReadonlyMap<string, SubgraphDataSource>,
  ) {
    super({ url, fetcher });
  }

  /**
   * Identical subgraph queries in flight, by operation and variables: later ones share the first's answer.
   * The shared fetch runs under the deadline of the request that sent it. Every request gets the same
   * time limit, so one that joins later has a later deadline: it is never held past its own, and at worst
   * gets the first one's timeout, earlier than its own by the time between their arrivals.
   */
  private readonly inFlight = new Map<string, { response: Promise<GatewayGraphQLResponse>; consumers: number }>();

  override async process(options: Parameters<RemoteGraphQLDataSource['process']>[0]): Promise<GatewayGraphQLResponse> {
    const key = deduplicationKey(options);
    if (key === undefined) return this.sendOrFailOver(options);
    let shared = this.inFlight.get(key);
    if (!shared) {
      const response = this.sendOrFailOver(options).finally(() => this.inFlight.delete(key));
      shared = { response, consumers: 0 };
      this.inFlight.set(key, shared);
    }
    shared.consumers++;
    const response = await shared.response;
    // The gateway merges each answer into its own result tree: a shared answer is copied per request.
    return shared.consumers > 1 ? structuredClone(response) : response;
  }

  /** `send`; when this subgraph cannot be reached, the fetch's shared root fields from another subgraph. */
  private async sendOrFailOver(options: Parameters<RemoteGraphQLDataSource['process']>[0]): Promise<GatewayGraphQLResponse> {
    try {
      return await this.send(options);
    } catch (error) {
      const unreachable = error instanceof GraphQLError && error.extensions.subgraph === this.subgraphName;
      const { query, variables } = options.request;
      if (!unreachable || String(options.kind) !== 'incoming operation' || !query) throw error;
      for (const fallback of sharedRootFallbacks(this.ownership, this.subgraphName, query, variables ?? {})) {
        const peer = this.peers.get(fallback.subgraph);
        if (!peer) continue;
        try {
          const response = await peer.send({
            ...options,
            request: { ...options.request, query: fallback.query, variables: fallback.variables },
          });
          log.info(`${this.subgraphName} is down: its fetch's shared root fields answered by ${fallback.subgraph}`);
          return fallback.complete(response) as GatewayGraphQLResponse;
        } catch (peerError) {
          // That subgraph is out of reach too: try the next. Anything else is not the failover's to hide.
          const peerUnreachable = peerError instanceof GraphQLError && peerError.extensions.subgraph === fallback.subgraph;
          if (!peerUnreachable) throw peerError;
        }
      }
      throw error;
    }
  }

  private async send(options: Parameters<RemoteGraphQLDataSource['process']>[0]): Promise<GatewayGraphQLResponse> {
    try {
      return await super.process(options);
    } catch (error) {
      if (error instanceof GraphQLError) throw error;
      if (error instanceof DeadlineExceededError) {
        throw new GraphQLError(
          `The ${this.subgraphName} part of the graph did not answer within the request's time limit, so its fields are null.`,
          { extensions: { code: 'UPSTREAM_TIMEOUT', subgraph: this.subgraphName } },
        );
      }
      log.warn(`subgraph ${this.subgraphName} unreachable: ${error instanceof Error ? error.message : String(error)}`);
      const { message, extensions } = subgraphUnavailable(this.subgraphName);
      throw new GraphQLError(message, { extensions });
    }
  }

  override async errorFromResponse(response: Parameters<RemoteGraphQLDataSource['errorFromResponse']>[0]): Promise<GraphQLError> {
    const error = await super.errorFromResponse(response);
    const body = (error.extensions.response as { body?: unknown } | undefined)?.body;
    const errors = (body as { errors?: Array<{ message?: string; extensions?: Record<string, unknown> }> } | undefined)?.errors;
    if (!Array.isArray(errors) || errors.length === 0) return error;
    return new GraphQLError(errors.map((each) => each.message ?? 'Subgraph error').join('; '), {
      extensions: { code: 'INTERNAL_SERVER_ERROR', ...errors[0]!.extensions },
    });
  }
}

/**
 * Concurrent client requests often need the very same subgraph query (a dashboard polled by many users,
 * a retry storm): the subgraph sees one request and every waiting client gets its answer. The gateway
 * forwards no client headers to subgraphs, so the answer depends on the query and variables alone.
 * Mutations are never shared: each one is a write of its own.
 */
function deduplicationKey(options: Parameters<RemoteGraphQLDataSource['process']>[0]): string | undefined {
  // GraphQLDataSourceRequestKind.INCOMING_OPERATION (the enum is not exported): not a health check or schema load.
  if (String(options.kind) !== 'incoming operation') return undefined;
  const { query, variables, operationName } = options.request;
  if (!query || isMutation(query)) return undefined;
  return JSON.stringify([query, operationName ?? null, variables ?? null]);
}

function describeAccess(access: AccessConfig): string {
  const ways = [
    access.apiKeys.length > 0 ? `${access.apiKeys.length} API key(s)` : '',
    access.jwtSecret ? 'HS256 tokens' : '',
    access.jwksUrl ? `tokens signed by keys at ${access.jwksUrl}` : '',
  ].filter(Boolean);
  return ways.join(', ');
}

async function isHealthy(graphqlUrl: string): Promise<boolean> {
  try {
    const response = await fetch(new URL('/health', graphqlUrl), { signal: AbortSignal.timeout(2_000) });
    return response.ok;
  } catch {
    return false;
  }
}

// `tsx gateway/index.ts`: the gateway alone, against subgraphs started elsewhere.
if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const sdl = readFileSync(SUPERGRAPH_PATH, 'utf8');
  const gateway = await startGateway({
    ...readGatewayConfig(process.env),
    supergraphSdl: sdl,
    subgraphUrls: subgraphUrlsFromEnv(sdl, process.env),
  });
  console.log(`Gateway ${gateway.url}/graphql; playground ${gateway.url}/`);
  stopOnSignals(() => [gateway]);
}
