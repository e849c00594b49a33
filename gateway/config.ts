import { ConfigError, bool, numberInRange, optionalUrl, port, readConfig, str } from '../shared/subgraph/config.js';
import { INPUT_BOUNDS_SETTINGS, readInputBounds, type InputBounds } from '../shared/subgraph/input-bounds.js';
import { keepAliveTimeoutSetting } from '../shared/subgraph/server.js';
import { subgraphsOf } from './supergraph.js';

/**
 * Every setting the gateway reads from the environment, with its default and what it does (README,
 * "Configuration"), read into one typed object. `<NAME>_SUBGRAPH_URL` is the one family of settings
 * whose names come from the supergraph (subgraphUrlsFromEnv).
 */

/** Client access (plugins/access.ts): with none of keys, secret or JWKS URL set, the gateway is open. */
export interface AccessConfig {
  apiKeys: string[];
  /** HS256 secret for tokens the operator signs itself ('' = none). */
  jwtSecret: string;
  /** Where the identity provider publishes its signing keys ('' = none). */
  jwksUrl: string;
  /** Required `iss` / `aud` of tokens ('' = not checked). */
  jwtIssuer: string;
  jwtAudience: string;
}

/** Query limits (plugins/limits.ts, plugins/readings-estimate.ts). */
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

export interface GatewayConfig {
  host: string;
  port: number;
  /** Who may query (default: anyone, said at startup). */
  access: AccessConfig;
  limits: QueryLimits;
  /** What argument values may hold (INPUT_MAX_*, the same settings every subgraph reads). */
  inputBounds: InputBounds;
  /** Answer introspection queries. */
  introspection: boolean;
  /** Serve the playground on GET / and /graphql. */
  playground: boolean;
  /** Development mode: stack traces in error responses. */
  debug: boolean;
  /** Each request's deadline, subgraph fetches included. */
  requestTimeoutMs: number;
  /** How long an idle client connection is kept open. */
  keepAliveTimeoutMs: number;
  /** How long an idle connection to a subgraph is kept; shorter than the subgraphs' keep-alive. */
  subgraphIdleTimeoutMs: number;
}

/**
 * Performance switches, not read from the environment: both on by default; bench/ turns them off to
 * print before/after figures.
 */
export interface GatewayTuning {
  /** Reuse connections to the subgraphs. */
  keepAlive: boolean;
  /** Size of the query-plan cache; 0 plans every request afresh. */
  queryPlanCacheMiB: number;
}

export const DEFAULT_TUNING: GatewayTuning = { keepAlive: true, queryPlanCacheMiB: 30 };

/** Every setting: its validator, default and description. */
export const GATEWAY_SETTINGS = {
  HOST: str({ default: '127.0.0.1', desc: 'Interface the gateway binds to (0.0.0.0 accepts other hosts)' }),
  GATEWAY_PORT: port({ default: 4000, desc: 'Port of the gateway (GraphQL on / and /graphql, the playground, /health)' }),
  KEEP_ALIVE_TIMEOUT_MS: keepAliveTimeoutSetting,
  ...INPUT_BOUNDS_SETTINGS,
  NODE_ENV: str({
    default: 'production',
    example: 'development',
    desc: '"development" sends stack traces in error responses, as GATEWAY_DEBUG does',
  }),
  GATEWAY_INTROSPECTION: bool({ default: true, desc: 'Answer introspection queries; false also masks "Did you mean …" suggestions' }),
  GATEWAY_PLAYGROUND: bool({ default: true, desc: 'Serve the playground on GET / and /graphql; false answers them with a 404 text' }),
  GATEWAY_DEBUG: bool({ default: false, desc: 'Stack traces in error responses' }),
  GATEWAY_REQUEST_TIMEOUT_MS: numberInRange(
    100,
    300_000,
  )({ default: 10_000, desc: "Each request's deadline (ms): what has not answered by then is null with UPSTREAM_TIMEOUT" }),
  GATEWAY_SUBGRAPH_IDLE_TIMEOUT_MS: numberInRange(
    50,
    600_000,
  )({ default: 20_000, desc: 'Close a connection to a subgraph idle this long (ms); shorter than KEEP_ALIVE_TIMEOUT_MS' }),
  GATEWAY_API_KEYS: str({ default: '', desc: 'Comma-separated API keys, sent as X-API-Key: <key> or Authorization: Bearer <key>' }),
  GATEWAY_JWT_SECRET: str({ default: '', desc: 'HS256 secret of JSON Web Tokens sent as Authorization: Bearer <token>' }),
  GATEWAY_JWKS_URL: optionalUrl({ default: '', desc: 'JWKS URL of an identity provider whose signed tokens are accepted' }),
  GATEWAY_JWT_ISSUER: str({ default: '', desc: 'Required iss of tokens (empty: not checked)' }),
  GATEWAY_JWT_AUDIENCE: str({ default: '', desc: 'Required aud of tokens (empty: not checked)' }),
  GATEWAY_MAX_DEPTH: numberInRange(1, 1000)({ default: DEFAULT_LIMITS.maxDepth, desc: 'Deepest field nesting (QUERY_TOO_DEEP)' }),
  GATEWAY_MAX_ALIASES: numberInRange(0, 10_000)({ default: DEFAULT_LIMITS.maxAliases, desc: 'Aliases per operation (TOO_MANY_ALIASES)' }),
  GATEWAY_MAX_TOKENS: numberInRange(1, 1_000_000)({ default: DEFAULT_LIMITS.maxTokens, desc: 'Tokens per document (TOO_MANY_TOKENS)' }),
  GATEWAY_MAX_DIRECTIVES: numberInRange(
    0,
    10_000,
  )({ default: DEFAULT_LIMITS.maxDirectives, desc: 'Directives per operation (TOO_MANY_DIRECTIVES)' }),
  GATEWAY_MAX_COST: numberInRange(1, 1e9)({ default: DEFAULT_LIMITS.maxCost, desc: 'Armor’s cost of an operation (QUERY_TOO_COMPLEX)' }),
  GATEWAY_MAX_READINGS: numberInRange(
    1,
    1e12,
  )({ default: DEFAULT_LIMITS.maxReadings, desc: 'Estimated readings per query, lists × time-series lengths (QUERY_TOO_COMPLEX)' }),
  GATEWAY_DEFAULT_LIST_SIZE: numberInRange(
    1,
    10_000,
  )({ default: DEFAULT_LIMITS.defaultListSize, desc: 'Items the readings estimate assumes for a list without `first`' }),
};

/** Reads and checks every gateway setting; one ConfigError names every bad variable. */
export function readGatewayConfig(env: NodeJS.ProcessEnv): GatewayConfig {
  const config = readConfig(GATEWAY_SETTINGS, env);
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
    access: {
      apiKeys: config.GATEWAY_API_KEYS.split(',')
        .map((key) => key.trim())
        .filter(Boolean),
      jwtSecret: config.GATEWAY_JWT_SECRET,
      jwksUrl: config.GATEWAY_JWKS_URL,
      jwtIssuer: config.GATEWAY_JWT_ISSUER,
      jwtAudience: config.GATEWAY_JWT_AUDIENCE,
    },
    limits: {
      maxDepth: config.GATEWAY_MAX_DEPTH,
      maxAliases: config.GATEWAY_MAX_ALIASES,
      maxTokens: config.GATEWAY_MAX_TOKENS,
      maxDirectives: config.GATEWAY_MAX_DIRECTIVES,
      maxCost: config.GATEWAY_MAX_COST,
      maxReadings: config.GATEWAY_MAX_READINGS,
      defaultListSize: config.GATEWAY_DEFAULT_LIST_SIZE,
    },
    inputBounds: readInputBounds(env),
    introspection: config.GATEWAY_INTROSPECTION,
    playground: config.GATEWAY_PLAYGROUND,
    debug: config.GATEWAY_DEBUG || config.NODE_ENV === 'development',
    requestTimeoutMs: config.GATEWAY_REQUEST_TIMEOUT_MS,
    keepAliveTimeoutMs: config.KEEP_ALIVE_TIMEOUT_MS,
    subgraphIdleTimeoutMs: config.GATEWAY_SUBGRAPH_IDLE_TIMEOUT_MS,
  };
}

/** What a gateway started without settings gets: every default above. */
export const DEFAULT_GATEWAY_CONFIG: GatewayConfig = readGatewayConfig({});

/** The setting that points the gateway at subgraph `name` elsewhere than the supergraph says: `OPENVOLT_SUBGRAPH_URL`. */
export const subgraphUrlSetting = (name: string): string => `${name.toUpperCase()}_SUBGRAPH_URL`;

/** `<NAME>_SUBGRAPH_URL` for every subgraph of the supergraph that has one set: where to find it instead. */
export function subgraphUrlsFromEnv(supergraphSdl: string, env: NodeJS.ProcessEnv): Record<string, string> {
  const urls: Record<string, string> = {};
  for (const { name } of subgraphsOf(supergraphSdl)) {
    const value = env[subgraphUrlSetting(name)];
    if (value) urls[name] = value;
  }
  return urls;
}
