import type { UpstreamCallSettings } from '../connector/http-client.js';
import { numberInRange, optionalUrl, port, readConfig, str } from './config.js';
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { subgraphSecretSetting } from './gateway-secret.js';
import { DEFAULT_SUBGRAPH_LIMITS, queryLimitSettings, queryLimitsFrom, type QueryLimits } from './query-limits.js';
import { INPUT_BOUNDS_SETTINGS, readInputBounds, type InputBounds } from './input-bounds.js';
import { keepAliveTimeoutSetting, type RunningServer, type ServerTimeouts } from './server.js';
import type { Store, StoreSettings } from '../store/index.js';
import { DEFAULT_READING_BOUNDS, type ReadingBounds } from '../time/reading-bounds.js';

/** What a caller of `start` may set beyond the environment. */
export interface StartOptions {
  /**
   * The clock (epoch ms) of the subgraph's time series and of its simulator: no reading is served for
   * an interval that has not ended by it. Default the system clock; tests inject one.
   */
  now?: () => number;
}

/** Settings every provider subgraph has, read from `<PREFIX>_…` variables (and a few every server shares). */
export interface ProviderServerConfig extends Omit<ServerTimeouts, 'callerTimeoutHeader'> {
  /** Interface every server binds to (HOST, default loopback). */
  host: string;
  subgraphPort: number;
  simulatorPort: number;
  /** Where the provider's webhook receivers listen (a provider that declares a webhook port). */
  webhookPort: number | undefined;
  /** The provider's real base URL; undefined means "use the simulator". */
  apiUrl: string | undefined;
  /**
   * How the connector calls the provider: one attempt's timeout (`<PREFIX>_TIMEOUT_MS`; the request's
   * deadline may cut it shorter), `_CONCURRENCY` and `_CONCURRENCY_MAX`, `_RETRIES` and the circuit breaker
   * (`<PREFIX>_BREAKER_ERROR_THRESHOLD`, `_VOLUME_THRESHOLD`, `_WINDOW_MS`, `_RESET_MS`).
   */
  calls: UpstreamCallSettings;
  /** Where state that must survive a restart lives: STORE_URL (Redis) or a file under DATA_DIR. */
  store: StoreSettings;
  /** The history cache in the store (HISTORY_CACHE_TTL_HOURS, HISTORY_CACHE_MAX_MB); either 0 turns it off. */
  historyCache: { ttlMs: number; maxBytes: number };
  /** METERING_POINT_MAPPING_FILE: which metering point meters without one of their own measure (shared/subgraph/metering-point-mapping.ts). */
  meteringPointMappingFile: string | undefined;
  /** The secret only the gateway sends (GRIDGRAPH_SUBGRAPH_SECRET); '' = GraphQL answers anyone. */
  gatewaySecret: string;
  /** What the subgraph answers at most (SUBGRAPH_MAX_DEPTH …), whoever asks. */
  limits: QueryLimits;
  /** What argument values may hold (INPUT_MAX_*). */
  inputBounds: InputBounds;
  /** The most energy an interval may hold, pushed or read (`<PREFIX>_MAX_KWH_PER_HOUR`). */
  readingBounds: ReadingBounds;
}

/** The default ports of a provider's servers (DESIGN.md, "Conventions"). */
export interface ProviderPorts {
  subgraph: number;
  simulator: number;
  /** Only a provider that receives webhooks has one: its receivers' own port, apart from GraphQL. */
  webhook?: number;
}

/**
 * The project folder: the nearest folder above this module with a package.json. That is the checkout
 * when tsx runs the sources, and the folder that holds dist/ when the build runs (the image's /app).
 */
function projectFolder(): string {
  let folder = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(folder, 'package.json'))) {
    const parent = dirname(folder);
    if (parent === folder) throw new Error(`no package.json above ${fileURLToPath(import.meta.url)}`);
    folder = parent;
  }
  return folder;
}

/** DATA_DIR's default: `data/` in the project folder (git-ignored), wherever the process was started. */
export const DEFAULT_DATA_DIR = join(projectFolder(), 'data');

/** Where a server's state lives (STORE_URL and DATA_DIR of SERVER_SETTINGS): Redis, or `DATA_DIR/<name>.mdb`. */
export function storeSettingsFrom(config: { STORE_URL: string; DATA_DIR: string }, name: string): StoreSettings {
  return { url: config.STORE_URL || undefined, path: join(resolve(config.DATA_DIR), `${name}.mdb`) };
}

/**
 * Settings every server of the stack reads, whatever its provider: where it binds, where its state
 * lives, and its connection and request timeouts.
 */
export const SERVER_SETTINGS = {
  HOST: str({ default: '127.0.0.1', desc: 'Interface every server binds to (0.0.0.0 accepts other hosts)' }),
  STORE_URL: str({
    default: '',
    desc: 'Redis shared by replicas (redis://…) for the state that must survive a restart; empty = an embedded store per subgraph under DATA_DIR',
  }),
  DATA_DIR: str({
    default: DEFAULT_DATA_DIR,
    // The default is data/ in the project folder, wherever that is: shown as an example, not a value.
    example: './data',
    desc: 'Folder of the embedded stores (one file per subgraph; default data/ in the project); private, on a local disk',
  }),
  HISTORY_CACHE_TTL_HOURS: numberInRange(
    0,
    24 * 366,
  )({
    default: 24,
    desc: 'How long readings a provider will not change any more (its finality rule, CONTRACT.md) are kept in the store and answered from it; 0 = never cached',
  }),
  HISTORY_CACHE_MAX_MB: numberInRange(
    0,
    100_000,
  )({ default: 256, desc: 'Most megabytes of cached history per subgraph in the store; the oldest written go first; 0 = never cached' }),
  METERING_POINT_MAPPING_FILE: str({
    default: '',
    example: './metering-points.csv',
    desc: 'JSON or CSV file (provider,meterId,meteringPointId) naming the metering point of meters whose provider records none; entries set through set<Provider>MeteringPoint win',
  }),
  KEEP_ALIVE_TIMEOUT_MS: keepAliveTimeoutSetting,
  ...INPUT_BOUNDS_SETTINGS,
  SUBGRAPH_REQUEST_TIMEOUT_MS: numberInRange(
    100,
    300_000,
  )({ default: 10_000, desc: 'Longest a subgraph request may take (ms), whatever the caller’s X-Request-Timeout-Ms says' }),
  GRIDGRAPH_SUBGRAPH_SECRET: subgraphSecretSetting,
  ...queryLimitSettings('SUBGRAPH', DEFAULT_SUBGRAPH_LIMITS),
};

/** The settings every provider has, named with its prefix (`OPENVOLT_TIMEOUT_MS`), each with its default and description. */
export function providerServerSettings(prefix: string, defaults: ProviderPorts) {
  return {
    [`${prefix}_SUBGRAPH_PORT`]: port({ default: defaults.subgraph, desc: 'Port of the subgraph' }),
    ...(defaults.webhook !== undefined && {
      [`${prefix}_WEBHOOK_PORT`]: port({
        default: defaults.webhook,
        desc: 'Port of the webhook receivers (only they listen there: it may be public while the subgraph’s is not); a free port when the subgraph’s is 0',
      }),
    }),
    [`${prefix}_API_URL`]: optionalUrl({
      default: '',
      desc: 'Base URL of the provider’s real API; unset: the subgraph runs its simulator',
    }),
    [`${prefix}_TIMEOUT_MS`]: numberInRange(
      100,
      120_000,
    )({ default: 10_000, desc: 'Timeout of one attempt of a call to the provider (ms); the request’s deadline may cut it shorter' }),
    [`${prefix}_CONCURRENCY`]: numberInRange(
      1,
      256,
    )({ default: 8, desc: 'Calls to the provider in flight at once from one process, at first' }),
    [`${prefix}_CONCURRENCY_MAX`]: numberInRange(
      1,
      256,
    )({
      default: 64,
      desc: 'How far that cap may grow while the provider keeps up (one more per call that went well with others waiting; halved on a 429, 503 or timeout); at most _CONCURRENCY turns this off',
    }),
    [`${prefix}_RETRIES`]: numberInRange(0, 5)({ default: 2, desc: 'Retries of a failed GET, within the request’s deadline' }),
    [`${prefix}_BREAKER_ERROR_THRESHOLD`]: numberInRange(
      1,
      100,
    )({
      default: 50,
      desc: 'Circuit breaker: percentage of failed calls (5xx, timeouts, unreachable) in the window above which it opens (100 = never)',
    }),
    [`${prefix}_BREAKER_VOLUME_THRESHOLD`]: numberInRange(
      1,
      10_000,
    )({ default: 10, desc: 'Calls in the window before the circuit may open' }),
    [`${prefix}_BREAKER_WINDOW_MS`]: numberInRange(
      1_000,
      3_600_000,
    )({ default: 10_000, desc: 'Window in which failures are counted (ms)' }),
    [`${prefix}_BREAKER_RESET_MS`]: numberInRange(
      50,
      3_600_000,
    )({ default: 30_000, desc: 'How long an open circuit fails fast before it lets one probe call through (ms)' }),
    [`${prefix}_MAX_KWH_PER_HOUR`]: numberInRange(
      0.001,
      1e9,
    )({
      default: DEFAULT_READING_BOUNDS.maxKwhPerHour,
      desc: 'Most energy an interval may hold, in kWh per hour it lasts: a larger value pushed is refused, one read is MISSING',
    }),
    [`${prefix}_SIMULATOR_PORT`]: port({ default: defaults.simulator, desc: 'Port of the simulator, run while the API URL is unset' }),
  };
}

export function readProviderServerConfig(prefix: string, defaults: ProviderPorts, env: NodeJS.ProcessEnv): ProviderServerConfig {
  const config = readConfig({ ...SERVER_SETTINGS, ...providerServerSettings(prefix, defaults) }, env) as Record<string, unknown>;
  return {
    host: config.HOST as string,
    subgraphPort: config[`${prefix}_SUBGRAPH_PORT`] as number,
    simulatorPort: config[`${prefix}_SIMULATOR_PORT`] as number,
    webhookPort: webhookPort(prefix, defaults, config, env),
    apiUrl: (config[`${prefix}_API_URL`] as string) || undefined,
    calls: {
      timeoutMs: config[`${prefix}_TIMEOUT_MS`] as number,
      concurrency: config[`${prefix}_CONCURRENCY`] as number,
      maxConcurrency: Math.max(config[`${prefix}_CONCURRENCY`] as number, config[`${prefix}_CONCURRENCY_MAX`] as number),
      retries: config[`${prefix}_RETRIES`] as number,
      breaker: {
        errorThresholdPercentage: config[`${prefix}_BREAKER_ERROR_THRESHOLD`] as number,
        volumeThreshold: config[`${prefix}_BREAKER_VOLUME_THRESHOLD`] as number,
        windowMs: config[`${prefix}_BREAKER_WINDOW_MS`] as number,
        resetMs: config[`${prefix}_BREAKER_RESET_MS`] as number,
      },
    },
    historyCache: {
      ttlMs: (config.HISTORY_CACHE_TTL_HOURS as number) * 3_600_000,
      maxBytes: (config.HISTORY_CACHE_MAX_MB as number) * 1_048_576,
    },
    store: storeSettingsFrom(config as { STORE_URL: string; DATA_DIR: string }, prefix.toLowerCase()),
    meteringPointMappingFile: (config.METERING_POINT_MAPPING_FILE as string) || undefined,
    keepAliveTimeoutMs: config.KEEP_ALIVE_TIMEOUT_MS as number,
    requestTimeoutMs: config.SUBGRAPH_REQUEST_TIMEOUT_MS as number,
    gatewaySecret: config.GRIDGRAPH_SUBGRAPH_SECRET as string,
    limits: queryLimitsFrom('SUBGRAPH', config as Parameters<typeof queryLimitsFrom<'SUBGRAPH'>>[1]),
    inputBounds: readInputBounds(env),
    readingBounds: { maxKwhPerHour: config[`${prefix}_MAX_KWH_PER_HOUR`] as number },
  };
}

/**
 * The webhook port of a provider that declares one: as set, else its default — or a free port, like the
 * subgraph's, when `<PREFIX>_SUBGRAPH_PORT` is 0 (tests), so that two subgraphs on free ports never
 * compete for the default receiver port.
 */
function webhookPort(prefix: string, defaults: ProviderPorts, config: Record<string, unknown>, env: NodeJS.ProcessEnv): number | undefined {
  // envalid's result throws on a setting it was not given: only a provider with webhooks has this one.
  if (defaults.webhook === undefined) return undefined;
  const name = `${prefix}_WEBHOOK_PORT`;
  return env[name] === undefined && config[`${prefix}_SUBGRAPH_PORT`] === 0 ? 0 : (config[name] as number);
}

/** Where a provider's subgraph server listens and its timeouts, as startGraphQLServer takes them. */
export function subgraphServerSettings(
  config: ProviderServerConfig,
): { host: string; port: number; inputBounds: InputBounds } & ServerTimeouts {
  return {
    host: config.host,
    inputBounds: config.inputBounds,
    port: config.subgraphPort,
    keepAliveTimeoutMs: config.keepAliveTimeoutMs,
    requestTimeoutMs: config.requestTimeoutMs,
    callerTimeoutHeader: true,
  };
}

/** The server, whose stop() also closes the store it used (a Redis connection would keep the process alive), after `beforeClosing`. */
export function closingStore(server: RunningServer, store: Store, beforeClosing?: () => Promise<void>): RunningServer {
  let stopping: Promise<void> | undefined;
  return {
    ...server,
    stop: () =>
      (stopping ??= (async () => {
        try {
          await server.stop();
          await beforeClosing?.();
        } finally {
          await store.close();
        }
      })()),
  };
}
