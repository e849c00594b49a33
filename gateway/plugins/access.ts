import type { Request, RequestHandler } from 'express';
import { createRemoteJWKSet, decodeProtectedHeader, errors as joseErrors, jwtVerify, type JWTPayload, type JWTVerifyGetKey } from 'jose';
import { createHash, timingSafeEqual } from 'node:crypto';
import { ROLES, roleGrants, type Role } from '../../shared/graph/roles.js';
import { refuseGraphQLRequest } from '../../shared/observability/graphql-requests.js';
import { createLogger } from '../../shared/observability/logger.js';
import type { AccessConfig } from '../config.js';
import type { GatewayPlugin } from './plugin.js';

const log = createLogger('gateway');

/**
 * Who sent a request: `client` names it for the rate limits (a key's fingerprint, a token's issuer and
 * subject, or in open mode the address it came from); `role` is what it may do (undefined: a token whose
 * role claim grants none).
 */
export interface Principal {
  client: string;
  role: Role | undefined;
  /** No credentials are configured: the role is open mode's. */
  open: boolean;
}

const principals = new WeakMap<Request, Principal>();

/** The principal the credential check found for `req` (every GraphQL request has one once past it). */
export function principalOf(req: Request): Principal | undefined {
  return principals.get(req);
}

/**
 * Client access to the gateway (README, "Authentication and roles"). With API keys, an HS256 secret or
 * a JWKS URL configured, every GraphQL request must carry a valid key or token, which gives it a role;
 * without any, the gateway is open (said loudly at start): every request may read and write, and admin
 * operations only with GATEWAY_OPEN_ALLOW_ADMIN. Keys and tokens are never logged or echoed.
 */
export function useAccess(access: AccessConfig, graphqlPaths: string[]): GatewayPlugin {
  const identify = accessIsOpen(access) ? openMode(access) : requireCredentials(access);
  return {
    routes: (app) => app.all(graphqlPaths, identify),
    context: (req) => ({ principal: principalOf(req) }),
  };
}

function openMode(access: AccessConfig): RequestHandler {
  const role: Role = access.openAllowsAdmin ? 'admin' : 'write';
  log.warn(
    `client access is OPEN: anyone who can reach the gateway may query it and ${access.openAllowsAdmin ? 'run every mutation, admin ones included (GATEWAY_OPEN_ALLOW_ADMIN)' : 'write; admin operations are refused'}. ` +
      'Set GATEWAY_API_KEYS, GATEWAY_JWT_SECRET or GATEWAY_JWKS_URL to require credentials.',
  );
  return (req, _res, next) => {
    principals.set(req, { client: `address:${req.ip ?? req.socket.remoteAddress ?? 'unknown'}`, role, open: true });
    next();
  };
}

/** The header an API key goes in; `Authorization: Bearer <key>` works too. */
const API_KEY_HEADER = 'X-API-Key';

export function accessIsOpen(config: AccessConfig): boolean {
  return config.apiKeys.length === 0 && !config.jwtSecret && !config.jwksUrl;
}

/** What a client must send, in words: the 401 message and the playground's notice. */
export function credentialsHint(config: AccessConfig): string {
  const ways: string[] = [];
  if (config.apiKeys.length > 0) ways.push(`an API key in the ${API_KEY_HEADER} header (or as Authorization: Bearer <key>)`);
  if (config.jwtSecret || config.jwksUrl) ways.push('a JSON Web Token as Authorization: Bearer <token>');
  return `This gateway needs credentials: send ${ways.join(', or ')}.`;
}

/** The header the playground pre-fills for the user to complete. */
export function playgroundHeaders(config: AccessConfig): Record<string, string> {
  return config.apiKeys.length > 0 ? { [API_KEY_HEADER]: '' } : { Authorization: 'Bearer ' };
}

class AccessDenied extends Error {}

/** What the verifier found valid: whom to count and the role. */
type Verified = Omit<Principal, 'open'>;

/**
 * Checks one request's credentials; resolves with whom they name and their role when they are valid and
 * rejects with a message a person can act on (never containing the credential) otherwise.
 */
function createVerifier(config: AccessConfig): (headers: { apiKey?: string; authorization?: string }) => Promise<Verified> {
  const keys = config.apiKeys.map(({ key, role }) => ({ digest: digest(key), role }));
  const secret = config.jwtSecret ? new TextEncoder().encode(config.jwtSecret) : undefined;
  const jwks: JWTVerifyGetKey | undefined = config.jwksUrl ? createRemoteJWKSet(new URL(config.jwksUrl)) : undefined;
  const tokensAccepted = Boolean(secret || jwks);

  const keyHolder = (candidate: string): Verified | undefined => {
    const candidateDigest = digest(candidate);
    // Every key is compared, in constant time, so the answer's timing says nothing about the keys.
    const found = keys.reduce<(typeof keys)[number] | undefined>(
      (match, key) => (timingSafeEqual(key.digest, candidateDigest) ? key : match),
      undefined,
    );
    return found && { client: `key:${found.digest.toString('hex').slice(0, 16)}`, role: found.role };
  };

  async function verifyToken(token: string): Promise<Verified> {
    let algorithm: string | undefined;
    try {
      algorithm = decodeProtectedHeader(token).alg;
    } catch {
      throw new AccessDenied(keys.length > 0 ? 'The API key or token is not valid.' : 'The bearer token is not a JSON Web Token.');
    }
    const options = {
      ...(config.jwtIssuer ? { issuer: config.jwtIssuer } : {}),
      ...(config.jwtAudience ? { audience: config.jwtAudience } : {}),
      requiredClaims: ['exp'],
      clockTolerance: config.jwtClockSkewS,
    };
    let payload: JWTPayload;
    try {
      if (algorithm === 'HS256' && secret) ({ payload } = await jwtVerify(token, secret, { ...options, algorithms: ['HS256'] }));
      else if (jwks && algorithm && !algorithm.startsWith('HS')) ({ payload } = await jwtVerify(token, jwks, options));
      else throw new AccessDenied(`Tokens signed with ${algorithm ?? 'no algorithm'} are not accepted here.`);
    } catch (error) {
      throw new AccessDenied(tokenProblem(error));
    }
    checkLifetime(payload, config);
    const subject = payload.sub ? `${payload.iss ?? ''}/${payload.sub}` : digest(token).toString('hex').slice(0, 16);
    return { client: `token:${subject}`, role: tokenRole(payload, config) };
  }

  return async ({ apiKey, authorization }) => {
    if (apiKey !== undefined && apiKey !== '') {
      const holder = keys.length > 0 ? keyHolder(apiKey) : undefined;
      if (holder) return holder;
      throw new AccessDenied(`The API key in ${API_KEY_HEADER} is not valid.`);
    }
    const bearer = /^Bearer\s+(.+)$/i.exec(authorization?.trim() ?? '')?.[1]?.trim();
    if (!bearer) throw new AccessDenied(credentialsHint(config));
    const holder = keys.length > 0 ? keyHolder(bearer) : undefined;
    if (holder) return holder;
    if (!tokensAccepted) throw new AccessDenied('The API key is not valid.');
    return verifyToken(bearer);
  };
}

/**
 * A token must not live longer than GATEWAY_JWT_MAX_LIFETIME_S: counted from its iat, or from now for a
 * token without one (so a long-lived token is refused whenever it is shown).
 */
function checkLifetime(payload: JWTPayload, config: AccessConfig): void {
  const issued = typeof payload.iat === 'number' ? payload.iat : Date.now() / 1000;
  const lifetime = payload.exp! - issued;
  if (lifetime > config.jwtMaxLifetimeS + config.jwtClockSkewS) {
    throw new AccessDenied(
      `The token is valid for ${Math.round(lifetime)} s; this gateway accepts tokens valid for at most ${config.jwtMaxLifetimeS} s. Get a shorter-lived one.`,
    );
  }
}

/** The highest role the token's role claim grants (GATEWAY_JWT_ROLE_CLAIM, GATEWAY_JWT_ROLES). */
function tokenRole(payload: JWTPayload, config: AccessConfig): Role | undefined {
  const claim = payload[config.jwtRoleClaim];
  const values = typeof claim === 'string' ? claim.split(/\s+/) : Array.isArray(claim) ? claim.filter((v) => typeof v === 'string') : [];
  const granted = config.jwtRoleValues.filter(({ value }) => values.includes(value)).map(({ role }) => role);
  return [...ROLES].reverse().find((role) => granted.some((held) => roleGrants(held, role)));
}

function tokenProblem(error: unknown): string {
  if (error instanceof AccessDenied) return error.message;
  if (error instanceof joseErrors.JWTExpired) return 'The token has expired; get a new one.';
  if (error instanceof joseErrors.JWTClaimValidationFailed && error.reason === 'missing')
    return `The token has no "${error.claim}" claim; this gateway accepts only tokens that expire.`;
  if (error instanceof joseErrors.JWTClaimValidationFailed)
    return `The token's "${error.claim}" claim is not accepted here (${error.reason}).`;
  if (error instanceof joseErrors.JWSSignatureVerificationFailed) return 'The token’s signature does not verify.';
  if (error instanceof joseErrors.JWKSNoMatchingKey) return 'The token was signed with a key this gateway does not know.';
  if (error instanceof joseErrors.JOSEError) return `The token is not valid (${error.code}).`;
  return 'The token could not be verified right now; try again shortly.';
}

function digest(value: string): Buffer {
  return createHash('sha256').update(value).digest();
}

/**
 * Express middleware for the GraphQL paths: lets a request with valid credentials through (its principal
 * known) and answers any other with HTTP 401 and a GraphQL error coded UNAUTHENTICATED.
 */
function requireCredentials(config: AccessConfig): RequestHandler {
  log.info(`client access needs credentials: ${describeAccess(config)}`);
  const verify = createVerifier(config);
  const challenge = config.jwtSecret || config.jwksUrl ? 'Bearer' : `${API_KEY_HEADER}`;
  return (req, res, next) => {
    verify({ apiKey: req.get(API_KEY_HEADER), authorization: req.get('authorization') }).then(
      (verified) => {
        principals.set(req, { ...verified, open: false });
        next();
      },
      (error: unknown) => {
        const message = error instanceof AccessDenied ? error.message : 'The credentials could not be checked.';
        res.set('WWW-Authenticate', `${challenge} realm="gridgraph"`);
        refuseGraphQLRequest(req, res, 401, {
          message,
          extensions: { code: 'UNAUTHENTICATED', howToAuthenticate: credentialsHint(config) },
        });
      },
    );
  };
}

function describeAccess(access: AccessConfig): string {
  const ways = [
    access.apiKeys.length > 0
      ? `${access.apiKeys.length} API key(s) (${ROLES.map((role) => `${access.apiKeys.filter((key) => key.role === role).length} ${role}`).join(', ')})`
      : '',
    access.jwtSecret ? 'HS256 tokens' : '',
    access.jwksUrl ? `tokens signed by keys at ${access.jwksUrl}` : '',
  ].filter(Boolean);
  return ways.join(', ');
}
