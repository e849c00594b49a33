import { ROLES, isRole, type Role } from '../shared/graph/roles.js';
import type { StoreSettings } from '../shared/store/index.js';
import { ConfigError, bool, numberInRange, optionalUrl, port, readConfig, str } from '../shared/subgraph/config.js';
import { subgraphSecretSetting } from '../shared/subgraph/gateway-secret.js';
import { DEFAULT_LIMITS, queryLimitSettings, queryLimitsFrom, type QueryLimits } from '../shared/subgraph/query-limits.js';
import { SERVER_SETTINGS, storeSettingsFrom } from '../shared/subgraph/module.js';
import { INPUT_BOUNDS_SETTINGS, readInputBounds, type InputBounds } from '../shared/subgraph/input-bounds.js';
import { keepAliveTimeoutSetting } from '../shared/subgraph/server.js';
import { subgraphsOf } from './supergraph.js';
import { subgraphUrlSetting } from '../shared/subgraph/addresses.js';

/**
 * Every setting the gateway reads from the environment, with its default and what it does (README,
 * "Configuration"), read into one typed object. `<NAME>_SUBGRAPH_URL` is the one family of settings
 * whose names come from the supergraph (subgraphUrlsFromEnv).
 */

/** An API key and the role it grants. */
export interface ApiKey {
  key: string;
  role: Role;
}

/** Client access (plugins/access.ts): with none of keys, secret or JWKS URL set, the gateway is open. */
export interface AccessConfig {
  apiKeys: ApiKey[];
  /** HS256 secret for tokens the operator signs itself ('' = none). */
  jwtSecret: string;
  /** Where the identity provider publishes its signing keys ('' = none). */
  jwksUrl: string;
  /** Required `iss` / `aud` of tokens ('' = not checked). */
  jwtIssuer: string;
  jwtAudience: string;
  /** The claim that carries a token's role(s): a space-separated string (OAuth `scope`) or a list. */
  jwtRoleClaim: string;
  /** Which claim value grants which role; a token's role is the highest one its claim grants. */
  jwtRoleValues: Array<{ value: string; role: Role }>;
  /** Longest accepted token lifetime (exp − iat, or exp − now without iat), in seconds. */
  jwtMaxLifetimeS: number;
  /** Clock difference tolerated on exp, nbf and iat, in seconds. */
  jwtClockSkewS: number;
  /** Open mode (nothing configured) refuses admin operations unless this is set. */
  openAllowsAdmin: boolean;
}

/** Requests per client (an API key, a token's subject, or in open mode an address) per window, counted in the store. */
export interface RateLimits {
  windowS: number;
  /** Per role; 0 = unlimited. */
  perRole: Record<Role, number>;
}

export interface GatewayConfig {
  host: string;
  port: number;
  /** Who may query (default: anyone, said at startup). */
  access: AccessConfig;
  rateLimits: RateLimits;
  /** Origins whose browser apps may call the gateway (CORS); `*` = any; empty = none cross-origin. */
  corsOrigins: string[];
  /** Where the rate-limit counters live, shared by replicas: STORE_URL (Redis) or DATA_DIR/gateway.mdb. */
  store: StoreSettings;
  limits: QueryLimits;
  /** Estimated readings the gateway answers at once; more wait (plugins/readings-in-flight.ts). */
  maxReadingsInFlight: number;
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
  /** Sent on every subgraph fetch, so that the subgraphs serve the gateway alone ('' = none). */
  subgraphSecret: string;
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
  /** How long the planner thread may have nothing to plan before it is stopped (plugins/query-planning.ts). */
  plannerIdleMs: number;
  /** Answer a query one subgraph answers whole with its answer as it comes (single-fetch.ts). */
  answerSingleFetchesDirectly: boolean;
}

export const DEFAULT_TUNING: GatewayTuning = {
  keepAlive: true,
  queryPlanCacheMiB: 30,
  plannerIdleMs: 30_000,
  answerSingleFetchesDirectly: true,
};

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
  GRIDGRAPH_SUBGRAPH_SECRET: subgraphSecretSetting,
  STORE_URL: SERVER_SETTINGS.STORE_URL,
  DATA_DIR: SERVER_SETTINGS.DATA_DIR,
  GATEWAY_API_KEYS: str({
    default: '',
    desc: 'Comma-separated API keys, each key:role (read, write or admin; a key without :role is admin), sent as X-API-Key: <key> or Authorization: Bearer <key>',
  }),
  GATEWAY_JWT_SECRET: str({ default: '', desc: 'HS256 secret of JSON Web Tokens sent as Authorization: Bearer <token>' }),
  GATEWAY_JWKS_URL: optionalUrl({ default: '', desc: 'JWKS URL of an identity provider whose signed tokens are accepted' }),
  GATEWAY_JWT_ISSUER: str({ default: '', desc: 'Required iss of tokens (empty: not checked)' }),
  GATEWAY_JWT_AUDIENCE: str({ default: '', desc: 'Required aud of tokens (empty: not checked)' }),
  GATEWAY_JWT_ROLE_CLAIM: str({ default: 'scope', desc: 'Claim of a token that carries its role(s): a space-separated string or a list' }),
  GATEWAY_JWT_ROLES: str({
    default: 'read:read,write:write,admin:admin',
    desc: 'Comma-separated value:role pairs: which value of the role claim grants which role (the highest granted counts)',
  }),
  GATEWAY_JWT_MAX_LIFETIME_S: numberInRange(
    60,
    31_536_000,
  )({
    default: 86_400,
    desc: 'Longest token lifetime accepted (s): exp − iat, or exp − now for a token without iat; a token without exp is refused',
  }),
  GATEWAY_JWT_CLOCK_SKEW_S: numberInRange(0, 600)({ default: 60, desc: 'Clock difference tolerated on a token’s exp, nbf and iat (s)' }),
  GATEWAY_OPEN_ALLOW_ADMIN: bool({
    default: false,
    desc: 'With no credentials configured (open mode), also run admin operations (deletes, key rotation, provisioning); local use only',
  }),
  GATEWAY_RATE_LIMIT: numberInRange(
    0,
    1e9,
  )({ default: 0, desc: 'Requests per client per window, for every role without its own limit (0 = unlimited); RATE_LIMITED beyond it' }),
  ...Object.fromEntries(
    ROLES.map((role) => [
      rateLimitSetting(role),
      numberInRange(-1, 1e9)({ default: -1, desc: `Requests per ${role} client per window (-1: GATEWAY_RATE_LIMIT; 0 = unlimited)` }),
    ]),
  ),
  GATEWAY_RATE_LIMIT_WINDOW_S: numberInRange(1, 86_400)({ default: 60, desc: 'The window the rate limits count in (s)' }),
  GATEWAY_CORS_ORIGINS: str({
    default: '',
    example: 'https://app.example.com',
    desc: 'Comma-separated origins whose browser apps may call the gateway (* = any); empty: no cross-origin calls',
  }),
  ...queryLimitSettings('GATEWAY', DEFAULT_LIMITS),
  GATEWAY_MAX_READINGS_IN_FLIGHT: numberInRange(
    1,
    1e12,
  )({
    default: DEFAULT_LIMITS.maxReadings,
    desc: 'Estimated readings the gateway answers at once, which bounds its memory; further queries with readings wait their turn',
  }),
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
      apiKeys: roleList('GATEWAY_API_KEYS', config.GATEWAY_API_KEYS, 'admin').map(({ value, role }) => ({ key: value, role })),
      jwtSecret: config.GATEWAY_JWT_SECRET,
      jwksUrl: config.GATEWAY_JWKS_URL,
      jwtIssuer: config.GATEWAY_JWT_ISSUER,
      jwtAudience: config.GATEWAY_JWT_AUDIENCE,
      jwtRoleClaim: config.GATEWAY_JWT_ROLE_CLAIM,
      jwtRoleValues: roleList('GATEWAY_JWT_ROLES', config.GATEWAY_JWT_ROLES),
      jwtMaxLifetimeS: config.GATEWAY_JWT_MAX_LIFETIME_S,
      jwtClockSkewS: config.GATEWAY_JWT_CLOCK_SKEW_S,
      openAllowsAdmin: config.GATEWAY_OPEN_ALLOW_ADMIN,
    },
    rateLimits: {
      windowS: config.GATEWAY_RATE_LIMIT_WINDOW_S,
      perRole: Object.fromEntries(
        ROLES.map((role) => {
          const own = (config as Record<string, unknown>)[rateLimitSetting(role)] as number;
          return [role, own >= 0 ? own : config.GATEWAY_RATE_LIMIT];
        }),
      ) as Record<Role, number>,
    },
    corsOrigins: commaList(config.GATEWAY_CORS_ORIGINS),
    store: storeSettingsFrom(config, 'gateway'),
    limits: queryLimitsFrom('GATEWAY', config),
    maxReadingsInFlight: config.GATEWAY_MAX_READINGS_IN_FLIGHT,
    inputBounds: readInputBounds(env),
    introspection: config.GATEWAY_INTROSPECTION,
    playground: config.GATEWAY_PLAYGROUND,
    debug: config.GATEWAY_DEBUG || config.NODE_ENV === 'development',
    requestTimeoutMs: config.GATEWAY_REQUEST_TIMEOUT_MS,
    keepAliveTimeoutMs: config.KEEP_ALIVE_TIMEOUT_MS,
    subgraphIdleTimeoutMs: config.GATEWAY_SUBGRAPH_IDLE_TIMEOUT_MS,
    subgraphSecret: config.GRIDGRAPH_SUBGRAPH_SECRET,
  };
}

/** `GATEWAY_RATE_LIMIT_ADMIN`: the limit of one role. */
function rateLimitSetting(role: Role): string {
  return `GATEWAY_RATE_LIMIT_${role.toUpperCase()}`;
}

function commaList(text: string): string[] {
  return text
    .split(',')
    .map((entry) => entry.trim())
    .filter(Boolean);
}

/**
 * `value:role,…` (a value may itself hold colons: the role is after the last one). An entry without a
 * role gets `unqualified`; where none is given, the role is required. A word after the last colon that
 * is not a role is refused, so a misspelt role cannot silently become part of a key. Values are never
 * echoed (they may be keys).
 */
function roleList(setting: string, text: string, unqualified?: Role): Array<{ value: string; role: Role }> {
  return commaList(text).map((entry, index) => {
    const colon = entry.lastIndexOf(':');
    const suffix = colon >= 0 ? entry.slice(colon + 1).trim() : '';
    if (isRole(suffix) && colon > 0) return { value: entry.slice(0, colon).trim(), role: suffix };
    if (/^[A-Za-z]+$/.test(suffix) || unqualified === undefined) {
      throw new ConfigError(`Invalid configuration:\n  ${setting}: entry ${index + 1} must end in :${ROLES.join(', :')}`);
    }
    return { value: entry, role: unqualified };
  });
}

/** What a gateway started without settings gets: every default above. */
export const DEFAULT_GATEWAY_CONFIG: GatewayConfig = readGatewayConfig({});

// The setting that points the gateway at subgraph `name` elsewhere than the supergraph says.
export { subgraphUrlSetting };

/** `<NAME>_SUBGRAPH_URL` for every subgraph of the supergraph that has one set: where to find it instead. */
export function subgraphUrlsFromEnv(supergraphSdl: string, env: NodeJS.ProcessEnv): Record<string, string> {
  const urls: Record<string, string> = {};
  for (const { name } of subgraphsOf(supergraphSdl)) {
    const value = env[subgraphUrlSetting(name)];
    if (value) urls[name] = value;
  }
  return urls;
}
