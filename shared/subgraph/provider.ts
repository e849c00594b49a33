import 'reflect-metadata';
import type { ValidatorSpec } from 'envalid';
import type { Express } from 'express';
import type { GraphQLSchema } from 'graphql';
import { MeteringPointRootResolver, resolveMeteringPointReference } from '../graph/metering-point.js';
import { meteringPointMappingResolver } from '../graph/metering-point-mapping.js';
import type { ProviderName } from '../graph/provider-names.js';
import { ServerMetrics, reportingTo, type CredentialValidity, type RequestBudget } from '../observability/metrics.js';
import { startTracing } from '../observability/tracing.js';
import type { FaultSettings, RunningSimulator } from '../simulator/server.js';
import { createStore, reportingErrors, type Store } from '../store/index.js';
import { HistoryCache } from '../time/history-cache.js';
import { readConfig } from './config.js';
import { buildFederatedSchema, type SubgraphSchemaOptions } from './federation.js';
import { MeteringPointMapping, readMeteringPointMappingFile } from './metering-point-mapping.js';
import {
  closingStore,
  readProviderServerConfig,
  subgraphServerSettings,
  type ProviderPorts,
  type ProviderServerConfig,
  type StartOptions,
} from './module.js';
import { randomBytes } from 'node:crypto';
import { pathToFileURL } from 'node:url';
import { startGraphQLServer, stopOnSignals, type HealthReport, type RunningServer } from './server.js';
import { SUBGRAPH_SECRET_SETTING } from './gateway-secret.js';
import { limitValidationRules, readingsCap, tokenLimit } from './query-limits.js';
import { startWebhookServer } from './webhook-server.js';
import { createLogger } from '../observability/logger.js';

/**
 * A provider is one declaration (DESIGN.md, "Layout"): `subgraphs/<name>/provider.ts` says what is
 * particular to it — its name and ports, its settings, how its config is checked, its schema, what one
 * process holds and each request's context, and where its simulator is — and the kit does the rest:
 * the schema, the server, the standalone entry, the simulator wiring, and (through subgraphs/registry.ts)
 * start-all, compose, the generated deployment files, the tests' and the benchmarks' provider lists.
 */
export interface ProviderDescriptor<
  Settings extends Record<string, unknown> = Record<string, unknown>,
  Config extends ProviderServerConfig = ProviderServerConfig,
  Context = unknown,
> {
  /** The subgraph's name in the supergraph, its folder under subgraphs/, and (upper-cased) its setting prefix. */
  name: string;
  provider: ProviderName;
  /** How a person writes the provider's name. */
  label: string;
  /** Default ports of the subgraph, its simulator and its webhook receivers (DESIGN.md, "Conventions"). */
  ports: ProviderPorts;
  /** The provider's own settings (`<PREFIX>_…`), each with its default and description; every provider also has the kit's. */
  settings: { [Name in keyof Settings]: ValidatorSpec<Settings[Name]> };
  /**
   * The provider's config from the settings every provider has and its own: where a check needs both
   * (credentials are required once `<PREFIX>_API_URL` points at the real API), it throws a ConfigError.
   */
  config(server: ProviderServerConfig, settings: Settings, env: NodeJS.ProcessEnv): Config;
  /**
   * The provider's finality rule (its CONTRACT.md, "Finality"): its readings of an interval no longer
   * change once the interval ended this many days ago, so the kit keeps them in the history cache.
   * Omitted (a provider without readings): nothing is cached.
   */
  finalAfterDays?: number;
  /** The resolver classes and reference resolvers; the kit adds the shared `meteringPoint` root. */
  schema: SubgraphSchemaOptions<Context>;
  /**
   * The provider's meters may lack a national metering point id: the kit adds the mapping's root fields
   * (`<name>MeteringPointMappings`, `set<Name>MeteringPoint`), which read `meteringPoints` from the
   * context (`options.meteringPoints.forRequest(findMeter)`, with how the request looks a meter up at the
   * provider: the mutation sets nothing for a meter the provider does not have); the provider's joins ask that lookup.
   */
  mapsMeteringPoints?: boolean;
  /**
   * The provider's field on MeteringPoint whose meter (or list of meters) has `consumption(range)`, and
   * whether they also have `production(range)`: what the metering composite merges (its sources.ts is
   * generated from this). Absent for a provider without readings.
   */
  meteringPointSeries?: { field: string; production: boolean };
  /** What one process holds (clients, inboxes) for the provider at `config.apiUrl`, and each request's context. */
  serve(config: Config & { apiUrl: string }, store: Store, options: ServeOptions): ProviderService<Context>;
  /** The provider's simulator, loaded only when it is started: a subgraph against the real API loads none of it. */
  simulator(): Promise<ProviderSimulatorModule>;
  /** Shown after the simulator's URL when the subgraph runs alone (its API's base path, e.g. `/v1`). */
  simulatorApiPath?: string;
}

/** What the kit hands a provider's `serve` beside its config and store. */
export interface ServeOptions extends Required<StartOptions> {
  /** This provider's metering-point mapping: the configured file and a simulator's seed, under what was set (in the store). */
  meteringPoints: MeteringPointMapping;
  /** The history cache for the provider's `TimeSeriesReader`s; undefined when off or the provider has no finality rule. */
  history: HistoryCache | undefined;
}

export interface ProviderService<Context> {
  context(): Context;
  /**
   * The webhook receivers' routes, served on the provider's webhook port (`ports.webhook`,
   * `<PREFIX>_WEBHOOK_PORT`), apart from GraphQL.
   */
  routes?(app: Express): void;
  /** Called once the webhook receivers listen, with their base URL (a port of 0 is known only then). */
  listening?(url: string): void;
  /** Where the provider's webhooks are received, given the receivers' base URL (a simulator that sends them learns it). */
  webhookUrl?(serverUrl: string): string;
  /** Request budgets the provider grants and how much is left of each (gridgraph_upstream_budget_remaining). */
  requestBudgets?(): Promise<RequestBudget[]>;
  /** Credentials with validity dates (gridgraph_upstream_credential_seconds_left, gridgraph_upstream_credentials_expiring). */
  credentialValidity?(): CredentialValidity;
}

/** What `subgraphs/<name>/simulator/index.ts` exports for the kit. */
export interface ProviderSimulatorModule {
  /** The simulator's own settings (`<PREFIX>_SIM_*` beyond the kit's fault settings), with defaults and descriptions. */
  settings?: Record<string, ValidatorSpec<unknown>>;
  /**
   * Starts the simulator (its own `<PREFIX>_SIM_*` settings read from `env`) and says how a subgraph
   * reaches it: the settings to lay over `env` — its API URL(s) and the credentials it accepts.
   */
  startForSubgraph(env: NodeJS.ProcessEnv, where: SimulatorPlacement): Promise<SimulatorForSubgraph>;
}

/** Where and how the kit starts a simulator: what every simulator's start options take as they are. */
export interface SimulatorPlacement {
  host: string;
  port: number;
  /** The simulator's clock, when a test injects one. */
  now?: () => Date;
  /** The provider's `<PREFIX>_SIM_*` fault settings from the environment. */
  faults: Partial<FaultSettings>;
  /**
   * A secret made for this run only, for a simulator that sends webhooks to sign (or address) them with,
   * when none is configured: there is no built-in default secret to forge deliveries with. The kit
   * always gives one; a test starting a simulator by hand may leave it out.
   */
  webhookSecret?: string;
}

export interface SimulatorForSubgraph {
  simulator: RunningSimulator;
  /** `<PREFIX>_API_URL`, credentials…: what the subgraph reads to use this simulator. */
  env: Record<string, string>;
  /**
   * Meter id → metering point id, as the operator of the simulated site would configure it
   * (METERING_POINT_MAPPING_FILE's entries win), for a provider whose meters record none.
   */
  meteringPoints?: Record<string, string>;
  /** Called once the subgraph listens (a simulator that sends webhooks learns where to). */
  subgraphStarted?(subgraph: { url: string; webhookUrl?: string }): void;
}

export interface StartedSubgraph {
  /** The subgraph's GraphQL server; stopping it stops its webhook receivers too (one process). */
  subgraph: RunningServer;
  /** The webhook receivers' server, for a provider that receives webhooks. */
  webhooks?: RunningServer;
  simulator?: RunningSimulator;
  /** Where the subgraph receives its provider's webhooks (with the token, where the URL carries one). */
  webhookUrl?: string;
}

/** A provider whatever its settings, config and context: what lists of providers hold. */
// `any`: descriptors differ in all three, and a list of them cannot name each one's types.
export type AnyProvider = ProviderDescriptor<any, any, any>;

/** The setting prefix of a provider: `OPENVOLT` for openvolt. */
export const settingPrefix = (descriptor: Pick<ProviderDescriptor, 'name'>): string => descriptor.name.toUpperCase();

/** Declares a provider; typed so that `config` and `serve` see the settings and config as declared. */
export function defineProvider<Settings extends Record<string, unknown>, Config extends ProviderServerConfig, Context>(
  descriptor: ProviderDescriptor<Settings, Config, Context>,
): ProviderDescriptor<Settings, Config, Context> {
  return descriptor;
}

/** The provider's config from the environment, as its subgraph would read it. */
export function readProviderConfig<Settings extends Record<string, unknown>, Config extends ProviderServerConfig>(
  descriptor: ProviderDescriptor<Settings, Config, any>,
  env: NodeJS.ProcessEnv,
): Config {
  const server = readProviderServerConfig(settingPrefix(descriptor), descriptor.ports, env);
  return descriptor.config(server, readConfig(descriptor.settings, env) as unknown as Settings, env);
}

const schemas = new WeakMap<object, Promise<GraphQLSchema>>();

/** The provider's federated schema; built once per process (it is the same for every server). No I/O. */
export function buildProviderSchema(descriptor: AnyProvider): Promise<GraphQLSchema> {
  let schema = schemas.get(descriptor);
  if (!schema) {
    const { resolvers, referenceResolvers } = descriptor.schema as SubgraphSchemaOptions<unknown>;
    const mapping = descriptor.mapsMeteringPoints
      ? [meteringPointMappingResolver(descriptor.name, descriptor.provider, descriptor.label)]
      : [];
    schema = buildFederatedSchema({
      resolvers: [...resolvers, MeteringPointRootResolver, ...mapping],
      referenceResolvers: { ...referenceResolvers, MeteringPoint: resolveMeteringPointReference },
    });
    schemas.set(descriptor, schema);
  }
  return schema;
}

/**
 * Starts the provider's subgraph from the environment. When `<PREFIX>_API_URL` is unset, the provider's
 * simulator is loaded and started first and the subgraph pointed at it.
 */
export async function startProvider(descriptor: AnyProvider, env: NodeJS.ProcessEnv, options: StartOptions = {}): Promise<StartedSubgraph> {
  const provider: ProviderDescriptor = descriptor;
  const config = readProviderConfig(provider, env);
  const now = options.now ?? Date.now;
  if (config.apiUrl) {
    const { server, webhooks, webhookUrl } = await serveProvider(provider, { ...config, apiUrl: config.apiUrl }, { now });
    return { subgraph: server, webhooks, webhookUrl };
  }

  // Simulator code (the provider's and the kit's) is loaded only here, when a simulator is started.
  const [simulatorModule, { faultsFromEnv }] = await Promise.all([provider.simulator(), import('../simulator/faults.js')]);
  const connection = await simulatorModule.startForSubgraph(env, {
    host: config.host,
    port: config.simulatorPort,
    now: options.now && (() => new Date(options.now!())),
    faults: faultsFromEnv(settingPrefix(provider), env),
    webhookSecret: randomBytes(32).toString('base64url'),
  });
  try {
    const simulatedEnv = { ...env, ...connection.env };
    const simulated = readProviderConfig(provider, simulatedEnv);
    const { server, webhooks, webhookUrl } = await serveProvider(
      provider,
      { ...simulated, apiUrl: simulated.apiUrl! },
      { now, seededMeteringPoints: connection.meteringPoints },
    );
    connection.subgraphStarted?.({ url: server.url, webhookUrl });
    return { subgraph: server, webhooks, simulator: connection.simulator, webhookUrl };
  } catch (error) {
    await connection.simulator.stop();
    throw error;
  }
}

async function serveProvider(
  descriptor: ProviderDescriptor,
  config: ProviderServerConfig & { apiUrl: string },
  { now, seededMeteringPoints = {} }: { now: () => number; seededMeteringPoints?: Record<string, string> },
): Promise<{ server: RunningServer; webhooks?: RunningServer; webhookUrl?: string }> {
  // Read before the store opens: a bad file stops the start with a ConfigError.
  const configuredMeteringPoints = new Map<string, string | null>([
    ...Object.entries(seededMeteringPoints),
    ...(config.meteringPointMappingFile
      ? (readMeteringPointMappingFile(config.meteringPointMappingFile).get(descriptor.provider) ?? [])
      : []),
  ]);
  const metrics = new ServerMetrics();
  const store = reportingErrors(createStore(config.store), (operation) => metrics.storeError(operation));
  const started: RunningServer[] = [];
  try {
    const meteringPoints = new MeteringPointMapping(store, descriptor.provider, configuredMeteringPoints);
    // What the provider builds (its clients, its webhook receivers) reports to this server's metrics.
    const history = historyCache(descriptor, config, store);
    const service = reportingTo(metrics, () => descriptor.serve(config, store, { now, meteringPoints, history }));
    if (service.requestBudgets) metrics.watchBudgets(descriptor.provider, () => service.requestBudgets!());
    if (service.credentialValidity) metrics.watchCredentialValidity(descriptor.provider, () => service.credentialValidity!());
    if (!config.gatewaySecret) {
      createLogger(descriptor.name).warn(
        `${SUBGRAPH_SECRET_SETTING} is not set: this subgraph answers GraphQL from anyone who reaches its port, not only the gateway`,
      );
    }
    const server = await startGraphQLServer({
      name: descriptor.name,
      ...subgraphServerSettings(config),
      schema: await buildProviderSchema(descriptor),
      context: async () => service.context() as object,
      metrics,
      health: () => subgraphHealth(store, metrics),
      callerSecret: config.gatewaySecret,
      // Whoever asks, even past the gateway: the same limits code as the gateway's, with room for its plans.
      validationRules: limitValidationRules(config.limits),
      beforeGraphQL: [tokenLimit(config.limits)],
      plugins: [readingsCap(config.limits)],
    });
    started.push(server);
    const webhooks = service.routes && (await startWebhooks(descriptor, config, (app) => reportingTo(metrics, () => service.routes!(app))));
    if (webhooks) started.push(webhooks);
    if (webhooks) service.listening?.(webhooks.url);
    return {
      // The history cache's writes under way land before the store closes.
      server: closingStore(stoppingAll(started), store, () => history?.settled() ?? Promise.resolve()),
      webhooks,
      webhookUrl: webhooks && service.webhookUrl?.(webhooks.url),
    };
  } catch (error) {
    for (const server of started.reverse()) await server.stop();
    await store.close();
    throw error;
  }
}

function historyCache(descriptor: ProviderDescriptor, config: ProviderServerConfig & { apiUrl: string }, store: Store) {
  const { ttlMs, maxBytes } = config.historyCache;
  if (descriptor.finalAfterDays === undefined || ttlMs === 0 || maxBytes === 0) return undefined;
  const finalAfterMs = descriptor.finalAfterDays * 86_400_000;
  return new HistoryCache(store, { provider: descriptor.name, apiUrl: config.apiUrl, finalAfterMs, ttlMs, maxBytes });
}

/** The provider's webhook receivers, on its webhook port: a provider with receivers must declare one. */
function startWebhooks(
  descriptor: ProviderDescriptor,
  config: ProviderServerConfig,
  routes: (app: Express) => void,
): Promise<RunningServer> {
  if (config.webhookPort === undefined) {
    throw new Error(`${descriptor.name} mounts webhook receivers but declares no ports.webhook to serve them on`);
  }
  return startWebhookServer({
    name: `${descriptor.name}-webhooks`,
    host: config.host,
    port: config.webhookPort,
    keepAliveTimeoutMs: config.keepAliveTimeoutMs,
    routes,
  });
}

/** The first server, whose stop() stops the others first (in reverse start order), then itself. */
function stoppingAll([first, ...others]: RunningServer[]): RunningServer {
  let stopping: Promise<void> | undefined;
  return {
    ...first!,
    stop: () =>
      (stopping ??= (async () => {
        for (const server of others.reverse()) await server.stop();
        await first!.stop();
      })()),
  };
}

/** How long a readiness check waits for the store. */
const STORE_PING_TIMEOUT_MS = 2_000;

/**
 * A subgraph is ready when its store answers (it keeps idempotency records and webhook deliveries there:
 * without it, writes would fail). An open circuit to its provider leaves it ready but `degraded`: it
 * still answers, that provider's fields fail fast. Every circuit's state is reported.
 */
async function subgraphHealth(store: Store, metrics: ServerMetrics): Promise<HealthReport> {
  const circuits = Object.fromEntries(metrics.circuitStates().map(({ api, state }) => [api, state]));
  try {
    await Promise.race([store.ping(), timeout(STORE_PING_TIMEOUT_MS)]);
  } catch {
    return { status: 'failing', store: { kind: store.kind, reachable: false }, circuits };
  }
  const status = Object.values(circuits).every((state) => state === 'CLOSED') ? 'ok' : 'degraded';
  return { status, store: { kind: store.kind, reachable: true }, circuits };
}

function timeout(ms: number): Promise<never> {
  return new Promise((_resolve, reject) => setTimeout(() => reject(new Error(`no answer in ${ms} ms`)), ms).unref());
}

/**
 * `subgraphs/<name>/index.ts`, run as a program, serves that subgraph alone (with its simulator unless
 * its API URL is set) until Ctrl-C: how a subgraph is deployed. Does nothing when the module is imported.
 */
export async function runAloneWhenMain(descriptor: AnyProvider, moduleUrl: string): Promise<void> {
  if (!process.argv[1] || moduleUrl !== pathToFileURL(process.argv[1]).href) return;
  const tracing = await startTracing(`gridgraph-${descriptor.name}`, process.env);
  const { subgraph, webhooks, simulator } = await startProvider(descriptor, process.env);
  if (simulator) console.log(`${descriptor.label} simulator  ${simulator.url}${descriptor.simulatorApiPath ?? ''}`);
  console.log(`${descriptor.label} subgraph   ${subgraph.url}/graphql`);
  if (webhooks) console.log(`${descriptor.label} webhooks   ${webhooks.url}`);
  stopOnSignals(
    () => [simulator, subgraph].filter((server): server is RunningServer => server !== undefined),
    async () => tracing?.stop(),
  );
}
