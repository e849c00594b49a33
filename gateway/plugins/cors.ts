import type { RequestHandler } from 'express';
import type { GatewayPlugin } from './plugin.js';

/** What a browser app may send and read (the credentials, the request id, a rate limit's wait). */
const ALLOWED_HEADERS = 'Content-Type, Authorization, X-API-Key, X-Request-Id, traceparent, Apollo-Require-Preflight';
const EXPOSED_HEADERS = 'X-Request-Id, Retry-After, WWW-Authenticate';
/** How long a browser may reuse a preflight's answer (s). */
const PREFLIGHT_MAX_AGE_S = 600;

/**
 * CORS for browser apps on other origins (README, "Authentication and roles"): an origin in
 * GATEWAY_CORS_ORIGINS (or any, with `*`) gets the CORS headers, on every answer including refusals, so
 * the app can read the error; a preflight is answered here with 204, before the credential check (a
 * browser sends it without credentials). Any other origin gets no CORS headers, and its browser keeps
 * the answer from it. Written here rather than with the `cors` package: the rules are these few lines.
 */
export function useCors(origins: string[], graphqlPaths: string[]): GatewayPlugin {
  if (origins.length === 0) return {};
  const anyOrigin = origins.includes('*');
  const allowed = new Set(origins.map((origin) => origin.replace(/\/+$/, '')));
  const handle: RequestHandler = (req, res, next) => {
    const origin = req.get('origin');
    res.vary('Origin');
    const permitted = origin !== undefined && (anyOrigin || allowed.has(origin));
    if (permitted) {
      res.set('Access-Control-Allow-Origin', origin);
      res.set('Access-Control-Expose-Headers', EXPOSED_HEADERS);
    }
    if (req.method !== 'OPTIONS') return next();
    if (permitted) {
      res.set('Access-Control-Allow-Methods', 'GET, POST, OPTIONS');
      res.set('Access-Control-Allow-Headers', ALLOWED_HEADERS);
      res.set('Access-Control-Max-Age', String(PREFLIGHT_MAX_AGE_S));
    }
    res.status(204).end();
  };
  return { routes: (app) => app.all(graphqlPaths, handle) };
}
