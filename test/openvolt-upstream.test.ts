import { gql } from 'graphql-request';
import { afterEach, describe, expect, it } from 'vitest';
import { startOpenvoltSimulator, type OpenvoltSimulator } from '../subgraphs/openvolt/simulator/index.js';
import { startStack, type TestStack } from './support/stack.js';

/** What a client sees when Openvolt itself refuses or fails, through the gateway. */

const METER = gql`
  {
    openvoltMeter(id: "6514167223e3d1424bf82742") {
      id
      meterNumber
    }
  }
`;
const WRONG_KEY = 'test-wrong-key-5f0c9a7e11d2';

let simulator: OpenvoltSimulator | undefined;
let stack: TestStack | undefined;

afterEach(async () => {
  await stack?.stop();
  await simulator?.stop();
  stack = undefined;
  simulator = undefined;
});

describe('upstream failures', () => {
  it('a wrong API key is UPSTREAM_REJECTED naming Openvolt, and the key never reaches the client', async () => {
    simulator = await startOpenvoltSimulator({ port: 0 });
    stack = await startStack({ OPENVOLT_API_URL: `${simulator.url}/v1`, OPENVOLT_API_KEY: WRONG_KEY });
    const response = await fetch(stack.gatewayUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: METER }),
    });
    const text = await response.text();
    expect(text).not.toContain(WRONG_KEY);
    const body = JSON.parse(text) as {
      data: { openvoltMeter: null };
      errors: Array<{ message: string; extensions: Record<string, unknown> }>;
    };
    expect(body.data.openvoltMeter).toBeNull();
    expect(body.errors[0]!.extensions).toMatchObject({ code: 'UPSTREAM_REJECTED', provider: 'OPENVOLT', upstreamStatus: 401 });
    expect(body.errors[0]!.message).toMatch(/Openvolt rejected the configured credentials/);
    expect(body.errors[0]!.extensions).not.toHaveProperty('stacktrace');
    expect(simulator.stats().total).toBe(1);
  });

  it('an unreachable Openvolt is UPSTREAM_UNAVAILABLE', async () => {
    stack = await startStack({ OPENVOLT_API_URL: 'http://127.0.0.1:9/v1', OPENVOLT_API_KEY: WRONG_KEY, OPENVOLT_RETRIES: '0' });
    const { errors } = await stack.client.rawRequest(METER);
    expect(errors?.[0]?.extensions).toMatchObject({ code: 'UPSTREAM_UNAVAILABLE', provider: 'OPENVOLT' });
  });

  it('a rate-limited Openvolt is UPSTREAM_RATE_LIMITED with retryAfter', async () => {
    simulator = await startOpenvoltSimulator({ port: 0, faults: { rateLimit: { limit: 1, windowMs: 60_000 } } });
    stack = await startStack({ OPENVOLT_API_URL: `${simulator.url}/v1`, OPENVOLT_API_KEY: 'test-gridgraph-simulator-key' });
    expect((await stack.client.rawRequest(METER)).errors).toBeUndefined();
    const { errors } = await stack.client.rawRequest(METER.replace('742', '743'));
    expect(errors?.[0]?.extensions).toMatchObject({ code: 'UPSTREAM_RATE_LIMITED', provider: 'OPENVOLT' });
    expect(errors?.[0]?.extensions?.retryAfter).toBeGreaterThan(0);
  });
});

describe('a subgraph that is down', () => {
  it('is UPSTREAM_UNAVAILABLE naming the subgraph, and the gateway health says so', async () => {
    stack = await startStack();
    await stack.subgraphs.openvolt!.subgraph.stop();
    const { data, errors } = await stack.client.rawRequest<{ openvoltMeters: null }>(gql`
      {
        openvoltMeters {
          nodes {
            id
          }
        }
      }
    `);
    expect(data).toEqual({ openvoltMeters: null });
    expect(errors?.[0]?.extensions).toMatchObject({ code: 'UPSTREAM_UNAVAILABLE', subgraph: 'openvolt' });
    expect(errors?.[0]?.message).not.toMatch(/127\.0\.0\.1|ECONNREFUSED/);
    // One subgraph down leaves the gateway ready (the rest of every answer arrives), and says which.
    const health = await fetch(`${stack.gateway.url}/health`);
    expect(health.status).toBe(200);
    expect(await health.json()).toMatchObject({ ok: true, status: 'degraded', subgraphs: { openvolt: 'down', volue: 'up' } });
  });
});
