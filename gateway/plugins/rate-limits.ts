import type { RequestHandler } from 'express';
import { ROLES } from '../../shared/graph/roles.js';
import { refuseGraphQLRequest } from '../../shared/observability/graphql-requests.js';
import { createLogger } from '../../shared/observability/logger.js';
import type { Store } from '../../shared/store/index.js';
import type { RateLimits } from '../config.js';
import { principalOf } from './access.js';
import type { GatewayPlugin } from './plugin.js';

const log = createLogger('gateway');

/** Whether any role has a limit, so that the gateway needs a store for the counters. */
export function rateLimited(limits: RateLimits): boolean {
  return ROLES.some((role) => limits.perRole[role] > 0);
}

/**
 * Per-client rate limits (README, "Authentication and roles"): each client — an API key, a token's
 * subject, in open mode an address — may send its role's number of GraphQL requests per window. The
 * counters live in the store (one counter per client and window, created with the window's remaining
 * time to live), so every gateway replica on the same store counts together. Beyond the limit a request
 * is answered 429 RATE_LIMITED with `Retry-After` (seconds to the next window) and `extensions.retryAfter`,
 * before GraphQL parses it. A store that does not answer lets requests through (logged): the limits
 * protect capacity, and an outage of the counters must not become an outage of the graph.
 */
export function useRateLimits(limits: RateLimits, store: Store | undefined, graphqlPaths: string[]): GatewayPlugin {
  if (!store || !rateLimited(limits)) return {};
  log.info(
    `rate limits per client per ${limits.windowS} s: ${ROLES.map((role) => `${role} ${limits.perRole[role] || 'unlimited'}`).join(', ')}`,
  );
  const windowMs = limits.windowS * 1000;
  const count: RequestHandler = (req, res, next) => {
    const principal = principalOf(req);
    const limit = principal ? limits.perRole[principal.role ?? 'read'] : 0;
    if (!principal || limit === 0) return next();
    const now = Date.now();
    const window = Math.floor(now / windowMs);
    const untilNextWindowMs = (window + 1) * windowMs - now;
    store.increment(`ratelimit:${principal.client}:${window}`, 1, untilNextWindowMs).then(
      (requests) => {
        if (requests <= limit) return next();
        const retryAfter = Math.max(1, Math.ceil(untilNextWindowMs / 1000));
        res.set('Retry-After', String(retryAfter));
        refuseGraphQLRequest(req, res, 429, {
          message: `Too many requests: at most ${limit} per ${limits.windowS} s for this client. Retry after ${retryAfter} s.`,
          extensions: { code: 'RATE_LIMITED', retryAfter, limit, windowSeconds: limits.windowS },
        });
      },
      (error: unknown) => {
        log.error(`rate limit not counted, the store failed: ${(error as Error).message}`);
        next();
      },
    );
  };
  return { routes: (app) => app.all(graphqlPaths, count) };
}
