import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { PROVIDERS } from '../subgraphs/registry.js';
import { startStack, type TestStack } from './support/stack.js';

/**
 * The logs of a whole stack, as an operator reads them (README "Operations"): JSON lines, one per GraphQL
 * request on the gateway and on each subgraph with the same request id, one per upstream call with the
 * route template, and no credential anywhere — neither the providers' (configured; the simulators accept
 * them) nor the client's (X-API-Key, Authorization), at the most verbose level.
 */
const CLIENT_KEY = 'logcheck-client-key-77f1c2';
const WRONG_KEY = 'logcheck-wrong-key-0c3e9a';
const PROVIDER_SECRETS = {
  OPENVOLT_API_KEY: 'logcheck-openvolt-key-5a1b7c',
  VOLUE_CLIENT_SECRET: 'logcheck-volue-secret-2e8d4f',
  VOLUE_WEBHOOK_SECRET: 'logcheck-volue-webhook-9b3a',
  UMETER_PASSWORD: 'logcheck-umeter-password-61c0',
  ENERKEY_API_KEY: 'logcheck-enerkey-key-d4e2f8',
  INTELLIMETER_API_KEY: 'logcheck-intellimeter-key-7f05',
};

const EVERY_PROVIDER = `query LogCheck {
  openvoltMeter(id: "6514167223e3d1424bf82742") { id }
  volueUser(id: "3880a832-64c2-4b6f-9f0e-0c7a7f1d5a01") { id }
  umeterCustomer { id }
  enerkeyFacility(id: "1001") { id }
  intellimeterAccount { username }
}`;

interface LogLine {
  level: string;
  time: string;
  component: string;
  msg: string;
  requestId?: string;
  [field: string]: unknown;
}

let stack: TestStack;
const written: string[] = [];
const lines = () => written.join('').split('\n').filter(Boolean);
const logged = () => lines().map((line) => JSON.parse(line) as LogLine);
const ofRequest = (requestId: string) => logged().filter((line) => line.requestId === requestId);

async function post(headers: Record<string, string>, query = EVERY_PROVIDER) {
  const response = await fetch(stack.gatewayUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ query }),
  });
  return {
    status: response.status,
    body: (await response.json()) as { data?: unknown; errors?: Array<{ extensions?: Record<string, unknown> }> },
  };
}

beforeAll(async () => {
  vi.stubEnv('LOG_LEVEL', 'debug');
  vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => (written.push(String(chunk)), true));
  stack = await startStack({ GATEWAY_API_KEYS: CLIENT_KEY, ...PROVIDER_SECRETS });
});

afterAll(async () => {
  await stack?.stop();
  vi.restoreAllMocks();
  vi.unstubAllEnvs();
});

describe('logs', () => {
  it('are JSON lines with level, time, component and message', async () => {
    expect((await post({ 'x-api-key': CLIENT_KEY, 'x-request-id': 'logcheck-shape' })).status).toBe(200);
    expect(lines().length).toBeGreaterThan(0);
    for (const line of logged()) {
      expect(line).toMatchObject({
        level: expect.stringMatching(/^(debug|info|warn|error)$/),
        component: expect.any(String),
        msg: expect.any(String),
      });
      expect(new Date(line.time).toISOString()).toBe(line.time);
    }
  });

  it('have one line per GraphQL request on the gateway and on each subgraph, with the same request id', async () => {
    const { status, body } = await post({ 'x-api-key': CLIENT_KEY, 'x-request-id': 'logcheck-1' });
    expect(status).toBe(200);
    expect(body.errors).toBeUndefined();
    const requests = ofRequest('logcheck-1').filter((line) => line.msg === 'graphql request');
    expect(requests.filter((line) => line.component === 'gateway')).toEqual([
      expect.objectContaining({
        level: 'info',
        operation: 'LogCheck',
        outcome: 'ok',
        errorCodes: [],
        status: 200,
        durationMs: expect.any(Number),
      }),
    ]);
    for (const { name } of PROVIDERS) {
      expect(requests.filter((line) => line.component === name).length, `${name}'s line`).toBeGreaterThan(0);
    }
  });

  it('have one line per upstream call: provider, route template (no ids), method, status, duration, request id', async () => {
    await post({ 'x-api-key': CLIENT_KEY, 'x-request-id': 'logcheck-2' });
    const calls = ofRequest('logcheck-2').filter((line) => line.msg === 'upstream call');
    expect(new Set(calls.map((line) => line.provider))).toEqual(new Set(PROVIDERS.map((provider) => provider.provider)));
    for (const call of calls) {
      expect(call).toMatchObject({
        component: `${String(call.provider).toLowerCase()}-client`,
        method: expect.any(String),
        status: expect.stringMatching(/^2\d\d$/),
      });
      expect(call.durationMs).toEqual(expect.any(Number));
      expect(call.route, 'a route template').not.toMatch(/6514167223e3d1424bf82742|3880a832|\/1001\b/);
    }
    expect(calls.map((line) => line.route)).toEqual(expect.arrayContaining(['meters/:id', 'users/:id']));
  });

  it('say when a request is refused before GraphQL runs, with its error code', async () => {
    expect((await post({ 'x-api-key': WRONG_KEY, 'x-request-id': 'logcheck-3' })).status).toBe(401);
    expect(ofRequest('logcheck-3')).toEqual([
      expect.objectContaining({
        component: 'gateway',
        msg: 'graphql request',
        outcome: 'errors',
        errorCodes: ['UNAUTHENTICATED'],
        status: 401,
      }),
    ]);
  });

  it('hold no credential: not the providers’, not the client’s key in X-API-Key or Authorization, not a wrong one', async () => {
    await post({ authorization: `Bearer ${CLIENT_KEY}`, 'x-request-id': 'logcheck-4' });
    await post({ authorization: `Bearer ${WRONG_KEY}` });
    await post({ 'x-api-key': WRONG_KEY });
    const text = written.join('');
    expect(ofRequest('logcheck-4').length).toBeGreaterThan(0);
    for (const [name, secret] of Object.entries({ ...PROVIDER_SECRETS, CLIENT_KEY, WRONG_KEY })) {
      expect(text, `${name} in a log line`).not.toContain(secret);
    }
  });

  it('follow LOG_LEVEL: at warn, a request that goes well writes nothing', async () => {
    vi.stubEnv('LOG_LEVEL', 'warn');
    try {
      expect((await post({ 'x-api-key': CLIENT_KEY, 'x-request-id': 'logcheck-quiet' })).status).toBe(200);
    } finally {
      vi.stubEnv('LOG_LEVEL', 'debug');
    }
    expect(ofRequest('logcheck-quiet')).toEqual([]);
  });
});
