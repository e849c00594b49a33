import type { RequestHandler } from 'express';
import { createRemoteJWKSet, decodeProtectedHeader, errors as joseErrors, jwtVerify, type JWTVerifyGetKey } from 'jose';
import { createHash, timingSafeEqual } from 'node:crypto';
import { refuseGraphQLRequest } from '../../shared/observability/graphql-requests.js';
import { createLogger } from '../../shared/observability/logger.js';
import type { AccessConfig } from '../config.js';
import type { GatewayPlugin } from './plugin.js';

const log = createLogger('gateway');

/**
 * Client access to the gateway (README, "Authentication and roles"). With API keys, an HS256 secret or a
 * JWKS URL configured, every GraphQL request must carry a valid key or token; without any, the gateway
 * is open, and says so when it starts. Keys and tokens are never logged or echoed.
 */
export function useAccess(access: AccessConfig, graphqlPaths: string[]): GatewayPlugin {
  if (accessIsOpen(access)) {
    log.warn(
      'client access is OPEN: anyone who can reach the gateway may query it (set GATEWAY_API_KEYS, GATEWAY_JWT_SECRET or GATEWAY_JWKS_URL to require credentials)',
    );
    return {};
  }
  log.info(`client access needs credentials: ${describeAccess(access)}`);
  return { routes: (app) => app.all(graphqlPaths, requireCredentials(access)) };
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

/**
 * Checks one request's credentials; resolves when they are valid and rejects with a message a person
 * can act on (never containing the credential) otherwise.
 */
function createVerifier(config: AccessConfig): (headers: { apiKey?: string; authorization?: string }) => Promise<void> {
  const keyDigests = config.apiKeys.map(digest);
  const secret = config.jwtSecret ? new TextEncoder().encode(config.jwtSecret) : undefined;
  const jwks: JWTVerifyGetKey | undefined = config.jwksUrl ? createRemoteJWKSet(new URL(config.jwksUrl)) : undefined;
  const tokensAccepted = Boolean(secret || jwks);

  const isKey = (candidate: string) => {
    const candidateDigest = digest(candidate);
    // Every key is compared, in constant time, so the answer's timing says nothing about the keys.
    return keyDigests.reduce((found, key) => timingSafeEqual(key, candidateDigest) || found, false);
  };

  async function verifyToken(token: string): Promise<void> {
    let algorithm: string | undefined;
    try {
      algorithm = decodeProtectedHeader(token).alg;
    } catch {
      throw new AccessDenied(keyDigests.length > 0 ? 'The API key or token is not valid.' : 'The bearer token is not a JSON Web Token.');
    }
    const options = {
      ...(config.jwtIssuer ? { issuer: config.jwtIssuer } : {}),
      ...(config.jwtAudience ? { audience: config.jwtAudience } : {}),
    };
    try {
      if (algorithm === 'HS256' && secret) await jwtVerify(token, secret, { ...options, algorithms: ['HS256'] });
      else if (jwks && algorithm && !algorithm.startsWith('HS')) await jwtVerify(token, jwks, options);
      else throw new AccessDenied(`Tokens signed with ${algorithm ?? 'no algorithm'} are not accepted here.`);
    } catch (error) {
      throw new AccessDenied(tokenProblem(error));
    }
  }

  return async ({ apiKey, authorization }) => {
    if (apiKey !== undefined && apiKey !== '') {
      if (keyDigests.length > 0 && isKey(apiKey)) return;
      throw new AccessDenied(`The API key in ${API_KEY_HEADER} is not valid.`);
    }
    const bearer = /^Bearer\s+(.+)$/i.exec(authorization?.trim() ?? '')?.[1]?.trim();
    if (!bearer) throw new AccessDenied(credentialsHint(config));
    if (keyDigests.length > 0 && isKey(bearer)) return;
    if (!tokensAccepted) throw new AccessDenied('The API key is not valid.');
    await verifyToken(bearer);
  };
}

function tokenProblem(error: unknown): string {
  if (error instanceof AccessDenied) return error.message;
  if (error instanceof joseErrors.JWTExpired) return 'The token has expired; get a new one.';
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
 * Express middleware for the GraphQL paths: lets a request with valid credentials through and answers
 * any other with HTTP 401 and a GraphQL error coded UNAUTHENTICATED.
 */
function requireCredentials(config: AccessConfig): RequestHandler {
  const verify = createVerifier(config);
  const challenge = config.jwtSecret || config.jwksUrl ? 'Bearer' : `${API_KEY_HEADER}`;
  return (req, res, next) => {
    verify({ apiKey: req.get(API_KEY_HEADER), authorization: req.get('authorization') }).then(
      () => next(),
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
    access.apiKeys.length > 0 ? `${access.apiKeys.length} API key(s)` : '',
    access.jwtSecret ? 'HS256 tokens' : '',
    access.jwksUrl ? `tokens signed by keys at ${access.jwksUrl}` : '',
  ].filter(Boolean);
  return ways.join(', ');
}
