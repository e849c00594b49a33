import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readGatewayConfig, startGateway } from '../gateway/index.js';
import type { RunningServer } from '../shared/subgraph/server.js';

/**
 * CORS (issue 19): the origins in GATEWAY_CORS_ORIGINS may call the gateway from a browser; a preflight
 * is answered without credentials (204 and the CORS headers); any other origin gets no CORS headers;
 * none configured (the default) admits no cross-origin caller. `{ __typename }` needs no subgraph.
 */

const APP = 'https://app.example.com';
const KEY = 'cors-test-key-5e2a';
let configured: RunningServer;
let unconfigured: RunningServer;

beforeAll(async () => {
  const env = { HOST: '127.0.0.1', GATEWAY_PORT: '0', GATEWAY_API_KEYS: `${KEY}:read` };
  configured = await startGateway(readGatewayConfig({ ...env, GATEWAY_CORS_ORIGINS: `${APP}, https://admin.example.com` }));
  unconfigured = await startGateway(readGatewayConfig(env));
});
afterAll(async () => {
  await configured?.stop();
  await unconfigured?.stop();
});

const preflight = (gateway: RunningServer, origin: string) =>
  fetch(`${gateway.url}/graphql`, {
    method: 'OPTIONS',
    headers: { Origin: origin, 'Access-Control-Request-Method': 'POST', 'Access-Control-Request-Headers': 'content-type, x-api-key' },
  });

const post = (gateway: RunningServer, origin: string, headers: Record<string, string> = {}) =>
  fetch(`${gateway.url}/graphql`, {
    method: 'POST',
    headers: { Origin: origin, 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ query: '{ __typename }' }),
  });

const corsHeaders = (response: Response) => [...response.headers.keys()].filter((name) => name.startsWith('access-control-'));

describe('an allowed origin', () => {
  it('gets its preflight answered without credentials: 204 with the methods and headers it may use', async () => {
    const response = await preflight(configured, APP);
    expect(response.status).toBe(204);
    expect(response.headers.get('access-control-allow-origin')).toBe(APP);
    expect(response.headers.get('access-control-allow-methods')).toMatch(/POST/);
    expect(response.headers.get('access-control-allow-headers')).toMatch(/Content-Type/);
    expect(response.headers.get('access-control-allow-headers')).toMatch(/X-API-Key/);
    expect(Number(response.headers.get('access-control-max-age'))).toBeGreaterThan(0);
    expect(response.headers.get('vary')).toMatch(/Origin/);
  });

  it('gets the CORS headers on answers, refusals included, so the app can read them', async () => {
    const answered = await post(configured, APP, { 'X-API-Key': KEY });
    expect(answered.status).toBe(200);
    expect(await answered.json()).toEqual({ data: { __typename: 'Query' } });
    expect(answered.headers.get('access-control-allow-origin')).toBe(APP);
    expect(answered.headers.get('access-control-expose-headers')).toMatch(/Retry-After/);
    const refused = await post(configured, APP);
    expect(refused.status).toBe(401);
    expect(refused.headers.get('access-control-allow-origin')).toBe(APP);
  });
});

describe('an origin not allowed', () => {
  it('gets no CORS headers, on a preflight or an answer', async () => {
    const response = await preflight(configured, 'https://evil.example.net');
    expect(corsHeaders(response)).toEqual([]);
    expect(corsHeaders(await post(configured, 'https://evil.example.net', { 'X-API-Key': KEY }))).toEqual([]);
  });

  it('is every origin when none is configured (the default)', async () => {
    expect(corsHeaders(await preflight(unconfigured, APP))).toEqual([]);
    expect(corsHeaders(await post(unconfigured, APP, { 'X-API-Key': KEY }))).toEqual([]);
  });
});
