import { ApolloServer, type ApolloServerOptions, type ApolloServerPlugin, type BaseContext } from '@apollo/server';
import { ApolloServerPluginDrainHttpServer } from '@apollo/server/plugin/drainHttpServer';
import { ApolloServerPluginCacheControlDisabled, ApolloServerPluginInlineTraceDisabled } from '@apollo/server/plugin/disabled';
import { unwrapResolverError } from '@apollo/server/errors';
import type { GatewayInterface } from '@apollo/server-gateway-interface';
import { expressMiddleware } from '@as-integrations/express5';
import type { Express, Request, RequestHandler } from 'express';
import { GraphQLError, type GraphQLFormattedError, type GraphQLSchema, type ValidationRule } from 'graphql';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { numberInRange } from './config.js';
import { inputBoundsPlugin, type InputBounds } from './input-bounds.js';
import { Deadline, REQUEST_TIMEOUT_HEADER, requestTimeout } from '../connector/deadline.js';
import { GridgraphError } from '../graph/errors.js';
import {
  continueInRequest,
  observeGraphQLRequests,
  operationsRecorded,
  requestOf,
  withRequestId,
} from '../observability/graphql-requests.js';
import { createLogger } from '../observability/logger.js';
import { ServerMetrics } from '../observability/metrics.js';
import { currentRequest } from '../observability/request-context.js';
import { requireSubgraphSecret } from './gateway-secret.js';
import { answerErrorsAsJson, createServerApp, jsonBody } from './http-answers.js';
import { urlHost } from './addresses.js';

/** Anything start-all or a test starts and later stops. */
export interface RunningServer {
  name: string;
  /** Base URL, no trailing slash: http://127.0.0.1:4001 */
  url: string;
  port: number;
  stop(): Promise<void>;
}

/**
 * What a server's readiness check found: `ok`; `degraded` — it serves, but a part of it is down (a
 * subgraph behind the gateway, an open circuit to a provider); `failing` — it cannot serve (HTTP 503).
 */
export interface HealthReport {
  status: 'ok' | 'degraded' | 'failing';
  [detail: string]: unknown;
}

/**
 * `KEEP_ALIVE_TIMEOUT_MS`, read by every server: how long an idle client connection is kept open. Node's
 * default (5 s) is shorter than what a client's connection pool may hold a socket for; a client that sends
 * on a socket the server has just closed gets a reset, so the gateway's idle timeout is kept below this.
 */
export const DEFAULT_KEEP_ALIVE_TIMEOUT_MS = 30_000;
export const keepAliveTimeoutSetting = numberInRange(
  100,
  600_000,
)({ default: DEFAULT_KEEP_ALIVE_TIMEOUT_MS, desc: 'How long every server keeps an idle client connection open (ms)' });

/** How long a server keeps idle connections and how long it gives a request (DESIGN.md, "one deadline"). */
export interface ServerTimeouts {
  keepAliveTimeoutMs: number;
  /** A request's deadline (from when its body has arrived). */
  requestTimeoutMs: number;
  /**
   * Whether a caller's `X-Request-Timeout-Ms` may shorten it (never extend it): a subgraph takes the time
   * its gateway has left; the gateway keeps its own, so that identical fetches it shares have one length.
   */
  callerTimeoutHeader: boolean;
}

export interface GraphQLServerOptions<TContext extends BaseContext> extends ServerTimeouts {
  name: string;
  /** 0 picks a free port (tests). */
  port: number;
  host?: string;
  /** The schema to serve, or an Apollo gateway that serves a supergraph. */
  schema?: GraphQLSchema;
  gateway?: GatewayInterface;
  /** Built fresh for every request, so per-request DataLoaders never leak between users. */
  context: (request: Request) => Promise<TContext>;
  /** Extra express routes and middleware (a webhook receiver, a page), registered before GraphQL's. */
  routes?: (app: Express) => void;
  /** Paths GraphQL is served on (default /graphql). */
  graphqlPaths?: string[];
  /** GET /health/ready's check (default: ready once serving). */
  health?: () => Promise<HealthReport>;
  /** Where this server's metrics go, served on GET /metrics (default: a registry of its own). */
  metrics?: ServerMetrics;
  plugins?: ApolloServerPlugin<TContext>[];
  /** What argument values may hold (shared/subgraph/input-bounds.ts), checked before anything is resolved. */
  inputBounds: InputBounds;
  /** Extra validation rules (query limits). */
  validationRules?: ValidationRule[];
  /** Express middleware on the GraphQL paths once the body is read (a token limit). */
  beforeGraphQL?: RequestHandler[];
  /**
   * The secret a caller must send to be served GraphQL (a subgraph: only its gateway); health and metrics
   * stay open. Undefined or empty: anyone is served.
   */
  callerSecret?: string;
  /** How this server formats an error for clients, tried first; undefined leaves it to formatClientError. */
  formatError?: (formatted: GraphQLFormattedError, error: unknown) => GraphQLFormattedError | undefined;
  /** Whether introspection queries are answered (default true). */
  introspection?: boolean;
  /** Development mode: errors carry stack traces (default false: never sent). */
  debug?: boolean;
  /** How an answer is written as JSON (default Apollo Server's; the gateway writes a subgraph's text as it came). */
  stringifyResult?: ApolloServerOptions<TContext>['stringifyResult'];
}

/**
 * The one bootstrap for every GraphQL server: Apollo Server 5 on express 5, `GET /health/live`,
 * `/health/ready` (and `/health`, its alias) and `/metrics`, argument values bounded, stack traces never sent (but in development
 * mode), unexpected errors masked, every error carrying the request id, each request served in its
 * request context with its deadline (shared/observability/request-context.ts), traced, logged and
 * measured (shared/observability/graphql-requests.ts), idle connections kept for an explicit time, and a
 * stop() that drains in-flight requests before closing.
 */
export async function startGraphQLServer<TContext extends BaseContext>(options: GraphQLServerOptions<TContext>): Promise<RunningServer> {
  const log = createLogger(options.name);
  const metrics = options.metrics ?? new ServerMetrics();
  const app = createServerApp();
  const httpServer = http.createServer(app);
  httpServer.keepAliveTimeout = options.keepAliveTimeoutMs;
  const apollo = new ApolloServer<TContext>({
    ...(options.gateway ? { gateway: options.gateway } : { schema: options.schema! }),
    introspection: options.introspection ?? true,
    includeStacktraceInErrorResponses: options.debug ?? false,
    // stopOnSignals stops every server of the process in order; Apollo's own handler would stop just
    // this one and then re-raise the signal.
    stopOnTerminationSignals: false,
    ...(options.stringifyResult ? { stringifyResult: options.stringifyResult } : {}),
    validationRules: options.validationRules ?? [],
    formatError: (formatted, error) =>
      withRequestId(options.formatError?.(formatted, error) ?? formatClientError(formatted, error, log.error, options.debug ?? false)),
    plugins: [
      ApolloServerPluginDrainHttpServer({ httpServer }),
      operationsRecorded(),
      inputBoundsPlugin(options.inputBounds),
      // Inline traces are for Apollo Studio, which this product does not report to; cache hints, which
      // nothing here sets, cost a hook on every resolved field (a tenth of a large series' CPU, profiled).
      ...(options.schema ? [ApolloServerPluginInlineTraceDisabled(), ApolloServerPluginCacheControlDisabled()] : []),
      ...(options.plugins ?? []),
    ],
  });
  await apollo.start();

  const graphqlPaths = options.graphqlPaths ?? ['/graphql'];
  // Live: the process runs and answers. Ready: it can serve (what the health check says; `ok` for probes
  // that read only the body). A degraded server is ready: it answers what it can.
  app.get('/health/live', (_req, res) => {
    res.json({ name: options.name, status: 'live' });
  });
  app.get(['/health/ready', '/health'], async (_req, res) => {
    const report: HealthReport = options.health ? await options.health().catch(() => ({ status: 'failing' as const })) : { status: 'ok' };
    res.status(report.status === 'failing' ? 503 : 200).json({ name: options.name, ok: report.status !== 'failing', ...report });
  });
  app.get('/metrics', async (_req, res) => {
    const { contentType, body } = await metrics.exposition();
    res.type(contentType).send(body);
  });
  // Exact paths (app.all), so an unknown path is a 404, not a GraphQL request; before the routes that
  // may refuse a GraphQL request, so that their refusals are logged and counted too.
  app.all(graphqlPaths, observeGraphQLRequests(options.name, metrics, log));
  if (options.callerSecret) app.all(graphqlPaths, requireSubgraphSecret(options.callerSecret));
  options.routes?.(app);
  app.all(
    graphqlPaths,
    ...jsonBody(),
    ...(options.beforeGraphQL ?? []),
    // After the body parser, which calls on from the socket's callbacks, outside any async context.
    (req, res, next) => {
      const asked = options.callerTimeoutHeader ? req.get(REQUEST_TIMEOUT_HEADER) : undefined;
      requestOf(res).deadline = new Deadline(requestTimeout(asked, options.requestTimeoutMs));
      continueInRequest(res, next);
    },
    expressMiddleware(apollo, { context: async ({ req }) => options.context(req) }),
  );
  answerErrorsAsJson(app, log);

  const { port, url } = await listen(httpServer, options.port, options.host ?? '127.0.0.1');
  log.debug(`listening on ${url}`);

  let stopping: Promise<void> | undefined;
  return {
    name: options.name,
    url,
    port,
    stop: () => (stopping ??= apollo.stop()),
  };
}

/**
 * What a client sees of an error: our own errors and GraphQL's request errors pass through (without
 * stack traces); anything else is a bug, logged here and masked so no internals or credentials leak.
 * A validation rule's error that carries its own code (a query limit) keeps it instead of Apollo's
 * generic GRAPHQL_VALIDATION_FAILED. With `debug` (development mode) a masked error carries its stack.
 */
export function formatClientError(
  formatted: GraphQLFormattedError,
  error: unknown,
  logError: (message: string) => void,
  debug = false,
): GraphQLFormattedError {
  const original = unwrapResolverError(error);
  if (original instanceof GridgraphError) return formatted;
  const cause = original instanceof GraphQLError ? original.originalError : undefined;
  const causeCode = cause instanceof GraphQLError ? cause.extensions.code : undefined;
  if (formatted.extensions?.code === 'GRAPHQL_VALIDATION_FAILED' && typeof causeCode === 'string') {
    return { ...formatted, extensions: { ...formatted.extensions, code: causeCode } };
  }
  const code = formatted.extensions?.code;
  if (typeof code === 'string' && code !== 'INTERNAL_SERVER_ERROR') return formatted;
  logError(`unexpected error: ${original instanceof Error ? (original.stack ?? original.message) : String(original)}`);
  const requestId = currentRequest()?.requestId;
  return {
    message: requestId
      ? `Internal server error. It has been logged; if it persists, report it with the request id ${requestId}.`
      : 'Internal server error. It has been logged; if it persists, report it with the time of the request.',
    locations: formatted.locations,
    path: formatted.path,
    extensions: {
      code: 'INTERNAL_SERVER_ERROR',
      ...(debug && original instanceof Error ? { stacktrace: (original.stack ?? original.message).split('\n') } : {}),
    },
  };
}

/** Starts `httpServer` listening; its port (chosen by the OS for 0) and base URL. */
export async function listen(httpServer: http.Server, port: number, host: string): Promise<{ port: number; url: string }> {
  await new Promise<void>((resolve, reject) => {
    httpServer.once('error', reject);
    httpServer.listen(port, host, () => resolve());
  });
  const { port: bound } = httpServer.address() as AddressInfo;
  return { port: bound, url: `http://${urlHost(host)}:${bound}` };
}

/**
 * Stops every server on SIGINT/SIGTERM (in reverse start order), then runs `afterwards` (sending the last
 * spans), and exits once all is done.
 */
export function stopOnSignals(servers: () => RunningServer[], afterwards: () => Promise<void> = async () => {}): void {
  const log = createLogger('shutdown');
  let shuttingDown = false;
  const shutdown = async (signal: string) => {
    if (shuttingDown) return;
    shuttingDown = true;
    log.info(`${signal} received, stopping ${servers().length} servers`);
    const force = setTimeout(() => {
      log.error('servers did not stop within 10 s; exiting anyway');
      process.exit(1);
    }, 10_000);
    force.unref();
    for (const server of [...servers()].reverse()) {
      await server.stop().catch((error: unknown) => log.error(`${server.name} failed to stop: ${String(error)}`));
    }
    await afterwards().catch((error: unknown) => log.error(`shutting down: ${String(error)}`));
    log.info('stopped');
    process.exit(0);
  };
  // `on`, not `once`: tsx's signal handler exits the process (code 130) when it finds no other listener
  // left, which on Node 24 happened before the servers had stopped.
  process.on('SIGINT', () => void shutdown('SIGINT'));
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
}
