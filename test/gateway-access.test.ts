import { SignJWT, exportJWK, generateKeyPair, type CryptoKey } from 'jose';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { readGatewayConfig, startGateway } from '../gateway/index.js';
import type { RunningServer } from '../shared/subgraph/server.js';
import { PROVIDERS } from '../subgraphs/registry.js';
import { startStack, type TestStack } from './support/stack.js';

/**
 * Client access at the gateway (issue 9, "Client access"): with API keys, an HS256 secret and a JWKS
 * URL configured, a request needs one valid credential; the playground still loads and asks for it.
 * Introspection and the playground can be turned off; an open gateway says so at startup.
 */

const KEYS = ['key-one-0c7f', 'key-two-93ab'];
const SECRET = 'a-long-test-secret-for-hs256-signing-0123456789';
const ISSUER = 'https://issuer.test/';
const AUDIENCE = 'gridgraph';
const METER_QUERY = '{ openvoltMeter(id: "6514167223e3d1424bf82742") { meterNumber } }';

let stack: TestStack;
let jwksServer: http.Server;
let rsaKey: CryptoKey;
let strangerKey: CryptoKey;

beforeAll(async () => {
  // The identity provider's published keys: a tiny JWKS endpoint on a free port.
  const pair = await generateKeyPair('RS256');
  rsaKey = pair.privateKey;
  strangerKey = (await generateKeyPair('RS256')).privateKey;
  const jwks = { keys: [{ ...(await exportJWK(pair.publicKey)), kid: 'test-key', alg: 'RS256', use: 'sig' }] };
  jwksServer = http.createServer((_req, res) => res.setHeader('content-type', 'application/json').end(JSON.stringify(jwks)));
  await new Promise<void>((resolve) => jwksServer.listen(0, '127.0.0.1', resolve));
  const jwksUrl = `http://127.0.0.1:${(jwksServer.address() as AddressInfo).port}/.well-known/jwks.json`;
  stack = await startStack({
    GATEWAY_API_KEYS: KEYS.join(', '),
    GATEWAY_JWT_SECRET: SECRET,
    GATEWAY_JWKS_URL: jwksUrl,
    GATEWAY_JWT_ISSUER: ISSUER,
    GATEWAY_JWT_AUDIENCE: AUDIENCE,
  });
});
afterAll(async () => {
  await stack?.stop();
  await new Promise((resolve) => jwksServer?.close(resolve));
});

async function post(headers: Record<string, string>, query = METER_QUERY, url = stack.gatewayUrl) {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ query }),
  });
  const text = await response.text();
  return { status: response.status, text, body: JSON.parse(text) as { data?: any; errors?: Array<{ message: string; extensions?: any }> } };
}

function upstreamCalls(): number {
  return PROVIDERS.reduce((sum, module) => sum + stack.simulator(module.name).stats().total, 0);
}

const hs256 = (claims: { exp?: number | string; iss?: string; aud?: string } = {}, secret = SECRET) =>
  new SignJWT({ sub: 'test-user', scope: 'read' })
    .setProtectedHeader({ alg: 'HS256' })
    .setIssuedAt()
    .setIssuer(claims.iss ?? ISSUER)
    .setAudience(claims.aud ?? AUDIENCE)
    .setExpirationTime(claims.exp ?? '5m')
    .sign(new TextEncoder().encode(secret));

const rs256 = (key: CryptoKey) =>
  new SignJWT({ sub: 'jwks-user', scope: 'read' })
    .setProtectedHeader({ alg: 'RS256', kid: 'test-key' })
    .setIssuedAt()
    .setIssuer(ISSUER)
    .setAudience(AUDIENCE)
    .setExpirationTime('5m')
    .sign(key);

function expectUnauthenticated(result: Awaited<ReturnType<typeof post>>, messagePart: RegExp) {
  expect(result.status).toBe(401);
  expect(result.body.data).toBeUndefined();
  expect(result.body.errors).toHaveLength(1);
  expect(result.body.errors![0]!.extensions?.code).toBe('UNAUTHENTICATED');
  expect(result.body.errors![0]!.message).toMatch(messagePart);
}

describe('API keys', () => {
  it('refuses a request without credentials with 401 UNAUTHENTICATED saying what to send, and calls no provider', async () => {
    for (const module of PROVIDERS) stack.simulator(module.name).reset();
    const result = await post({});
    expectUnauthenticated(result, /X-API-Key/);
    expect(result.body.errors![0]!.message).toMatch(/Authorization: Bearer/);
    expect(upstreamCalls()).toBe(0);
    // stack.query (no credentials) sees the same refusal.
    const { errors } = await stack.query(METER_QUERY);
    expect(errors[0]?.extensions?.code).toBe('UNAUTHENTICATED');
  });

  it('refuses a wrong key without echoing it', async () => {
    const wrong = 'wrong-key-5d1e';
    for (const headers of [{ 'X-API-Key': wrong }, { Authorization: `Bearer ${wrong}` }] as Array<Record<string, string>>) {
      const result = await post(headers);
      expectUnauthenticated(result, /not valid/);
      expect(result.text).not.toContain(wrong);
    }
  });

  it('answers a request with a configured key, in X-API-Key or as a bearer token', async () => {
    for (const headers of [{ 'X-API-Key': KEYS[0]! }, { Authorization: `Bearer ${KEYS[1]}` }] as Array<Record<string, string>>) {
      const result = await post(headers);
      expect(result.status).toBe(200);
      expect(result.body.errors).toBeUndefined();
      expect(result.body.data.openvoltMeter.meterNumber).toBe('9999999999999');
    }
  });
});

describe('JSON Web Tokens', () => {
  it('answers a valid HS256 token', async () => {
    const result = await post({ Authorization: `Bearer ${await hs256()}` });
    expect(result.status).toBe(200);
    expect(result.body.data.openvoltMeter.meterNumber).toBe('9999999999999');
  });

  it('refuses an expired token', async () => {
    const expired = await hs256({ exp: Math.floor(Date.now() / 1000) - 600 });
    expectUnauthenticated(await post({ Authorization: `Bearer ${expired}` }), /expired/);
  });

  /** An HS256 token with exactly these claims (no exp or iat unless given). */
  const bare = (claims: Record<string, unknown>) =>
    new SignJWT({ sub: 'test-user', scope: 'read', iss: ISSUER, aud: AUDIENCE, ...claims })
      .setProtectedHeader({ alg: 'HS256' })
      .sign(new TextEncoder().encode(SECRET));
  const now = () => Math.floor(Date.now() / 1000);

  it('refuses a token without exp: none is accepted forever', async () => {
    expectUnauthenticated(await post({ Authorization: `Bearer ${await bare({ iat: now() })}` }), /no "exp" claim/);
  });

  it('refuses a token that lives longer than GATEWAY_JWT_MAX_LIFETIME_S (default a day), from its iat or, without one, from now', async () => {
    const twoDays = 2 * 86_400;
    expectUnauthenticated(await post({ Authorization: `Bearer ${await bare({ iat: now(), exp: now() + twoDays })}` }), /at most 86400 s/);
    expectUnauthenticated(await post({ Authorization: `Bearer ${await bare({ exp: now() + twoDays })}` }), /at most 86400 s/);
    // Issued long ago, but valid for an hour in all: accepted.
    const hour = await bare({ iat: now() - 1800, exp: now() + 1800 });
    expect((await post({ Authorization: `Bearer ${hour}` })).status).toBe(200);
  });

  it('tolerates GATEWAY_JWT_CLOCK_SKEW_S (default 60 s) on exp, and no more', async () => {
    expect((await post({ Authorization: `Bearer ${await bare({ iat: now() - 300, exp: now() - 20 })}` })).status).toBe(200);
    expectUnauthenticated(await post({ Authorization: `Bearer ${await bare({ iat: now() - 300, exp: now() - 200 })}` }), /expired/);
  });

  it('refuses a token signed with another secret', async () => {
    const forged = await hs256({}, 'someone-elses-secret-that-is-long-enough-0000');
    expectUnauthenticated(await post({ Authorization: `Bearer ${forged}` }), /signature/);
  });

  it('refuses a token for another audience or from another issuer', async () => {
    expectUnauthenticated(await post({ Authorization: `Bearer ${await hs256({ aud: 'another-api' })}` }), /"aud" claim/);
    expectUnauthenticated(await post({ Authorization: `Bearer ${await hs256({ iss: 'https://elsewhere/' })}` }), /"iss" claim/);
  });

  it('answers a token signed by a key the JWKS URL publishes, and refuses one signed by any other key', async () => {
    const result = await post({ Authorization: `Bearer ${await rs256(rsaKey)}` });
    expect(result.status).toBe(200);
    expect(result.body.data.openvoltMeter.meterNumber).toBe('9999999999999');
    expectUnauthenticated(await post({ Authorization: `Bearer ${await rs256(strangerKey)}` }), /signature/);
  });
});

describe('the playground with credentials required', () => {
  it('still loads without credentials, shows what to send and pre-fills the header to complete', async () => {
    const response = await fetch(stack.gateway.url + '/');
    expect(response.status).toBe(200);
    const html = await response.text();
    expect(html).toMatch(/<p id="playground-credentials"[^>]*>This gateway needs credentials: send an API key in the X-API-Key header/);
    const config = JSON.parse(/<script type="application\/json" id="playground-config">(.*?)<\/script>/s.exec(html)![1]!);
    expect(config.credentials.headers).toEqual({ 'X-API-Key': '' });
    expect(html).not.toContain(KEYS[0]);
    expect(html).not.toContain(SECRET);
  });

  it('keeps /health open', async () => {
    expect((await fetch(stack.gateway.url + '/health')).status).toBe(200);
  });
});

describe('a gateway on its own', () => {
  const started: RunningServer[] = [];
  afterEach(async () => {
    while (started.length > 0) await started.pop()!.stop();
    vi.restoreAllMocks();
  });
  const start = async (env: Record<string, string>) => {
    const gateway = await startGateway({ ...readGatewayConfig({ HOST: '127.0.0.1', GATEWAY_PORT: '0', ...env }) });
    started.push(gateway);
    return gateway;
  };

  it('says at startup that it is open when no credentials are configured', async () => {
    vi.stubEnv('LOG_LEVEL', 'warn');
    const lines: string[] = [];
    vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => (lines.push(String(chunk)), true));
    await start({});
    vi.unstubAllEnvs();
    const logged = lines.map((line) => JSON.parse(line) as { level: string; component: string; msg: string });
    expect(logged).toContainEqual(
      expect.objectContaining({ level: 'warn', component: 'gateway', msg: expect.stringMatching(/^client access is OPEN/) }),
    );
  });

  it('with GATEWAY_INTROSPECTION=false refuses introspection with a coded error', async () => {
    const open = await start({});
    const closed = await start({ GATEWAY_INTROSPECTION: 'false' });
    const introspection = '{ __schema { queryType { name } } }';
    expect((await post({}, introspection, `${open.url}/graphql`)).body.data.__schema.queryType.name).toBe('Query');
    const refused = await post({}, introspection, `${closed.url}/graphql`);
    expect(refused.body.data).toBeUndefined();
    expect(refused.body.errors![0]!.extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
    expect(refused.body.errors![0]!.message).toMatch(/introspection is not allowed/);
  });

  it('with GATEWAY_PLAYGROUND=false answers GET / with 404 and a short text', async () => {
    const gateway = await start({ GATEWAY_PLAYGROUND: 'false' });
    for (const path of ['/', '/graphql']) {
      const response = await fetch(gateway.url + path, { headers: { accept: 'text/html' } });
      expect(response.status).toBe(404);
      expect(await response.text()).toMatch(/playground is turned off/);
    }
  });

  it('sends stack traces only in development mode', async () => {
    const production = await start({});
    const development = await start({ NODE_ENV: 'development' });
    const debug = await start({ GATEWAY_DEBUG: 'true' });
    const bad = '{ noSuchField }';
    expect((await post({}, bad, `${production.url}/graphql`)).body.errors![0]!.extensions).not.toHaveProperty('stacktrace');
    for (const gateway of [development, debug]) {
      expect((await post({}, bad, `${gateway.url}/graphql`)).body.errors![0]!.extensions?.stacktrace).toEqual(expect.any(Array));
    }
  });
});
