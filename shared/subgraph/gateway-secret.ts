import { makeValidator, EnvError } from 'envalid';
import type { RequestHandler } from 'express';
import { randomBytes } from 'node:crypto';
import { sameSecret } from './config.js';
import { refuseGraphQLRequest } from '../observability/graphql-requests.js';

/**
 * Subgraphs trust only the gateway (DESIGN.md, "Doors"): the gateway sends one shared secret on every
 * subgraph fetch, and each subgraph serves GraphQL only to a caller that sends it. Health and metrics stay
 * open for probes and scrapers; webhook receivers listen on a port of their own (provider.ts).
 */

/** The header the gateway sends the secret in. */
export const SUBGRAPH_SECRET_HEADER = 'X-Gridgraph-Subgraph-Secret';

/** The setting, read by the gateway and by every subgraph: the same value on both sides. */
export const SUBGRAPH_SECRET_SETTING = 'GRIDGRAPH_SUBGRAPH_SECRET';

/** Long enough that it cannot be guessed; `newSubgraphSecret()` and `openssl rand -base64 32` give more. */
export const MIN_SUBGRAPH_SECRET_LENGTH = 32;

const subgraphSecret = makeValidator<string>((input) => {
  if (input === '' || input.length >= MIN_SUBGRAPH_SECRET_LENGTH) return input;
  throw new EnvError(`must be at least ${MIN_SUBGRAPH_SECRET_LENGTH} characters (openssl rand -base64 32 makes one)`);
});

export const subgraphSecretSetting = subgraphSecret({
  default: '',
  desc:
    `Shared secret the gateway sends to every subgraph (${SUBGRAPH_SECRET_HEADER}) and every subgraph requires for GraphQL; ` +
    `at least ${MIN_SUBGRAPH_SECRET_LENGTH} characters. Empty: subgraphs answer anyone (npm start makes one per run)`,
});

/** A fresh random secret (what npm start and the test stacks use when none is configured). */
export function newSubgraphSecret(): string {
  return randomBytes(32).toString('base64url');
}

/**
 * Refuses a request without the secret (401 UNAUTHENTICATED) or with another one (403 FORBIDDEN), before
 * its body is read. The comparison is of SHA-256 digests in constant time: neither the secret's content
 * nor its length shows in how long a refusal takes.
 */
export function requireSubgraphSecret(secret: string): RequestHandler {
  return (req, res, next) => {
    const sent = req.get(SUBGRAPH_SECRET_HEADER);
    if (sent !== undefined && sameSecret(sent, secret)) return next();
    const [status, code] = sent === undefined ? [401, 'UNAUTHENTICATED'] : [403, 'FORBIDDEN'];
    refuseGraphQLRequest(req, res, status, {
      message: 'This subgraph answers only its gateway. Send your query to the gateway.',
      extensions: { code },
    });
  };
}
