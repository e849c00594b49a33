import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { COMPOSITES, PROVIDERS } from '../subgraphs/registry.js';
import { sampleSum, scrape } from './support/prometheus.js';
import { startRedis, type TestRedis } from './support/redis.js';
import { startStack, type TestStack } from './support/stack.js';
import { hasTool } from './support/tools.js';

/**
 * Health that means something (README "Operations"), on a stack whose subgraphs share a Redis store:
 * live is "the process answers"; ready is "it can serve" — a subgraph needs its store, the gateway at
 * least one subgraph (one down leaves it ready but degraded). /health is /health/ready.
 */
const withRedis = hasTool('redis');
let redis: TestRedis;
let stack: TestStack;

async function health(url: string, path: string): Promise<{ status: number; body: Record<string, any> }> {
  const response = await fetch(new URL(path, url));
  return { status: response.status, body: (await response.json()) as Record<string, any> };
}

describe.skipIf(!withRedis)('health', () => {
  beforeAll(async () => {
    redis = await startRedis();
    stack = await startStack({ STORE_URL: redis.url });
  });
  afterAll(async () => {
    await stack?.stop();
    await redis?.stop();
  });
  const subgraphUrl = (name: string) => stack.subgraphs[name]!.subgraph.url;

  it('is ready everywhere while everything runs; /health is /health/ready', async () => {
    const ready = await health(stack.gateway.url, '/health/ready');
    expect(ready).toEqual({
      status: 200,
      body: {
        name: 'gateway',
        ok: true,
        status: 'ok',
        supergraph: 'loaded',
        subgraphs: Object.fromEntries([...PROVIDERS, ...COMPOSITES].map(({ name }) => [name, 'up'])),
      },
    });
    expect(await health(stack.gateway.url, '/health')).toEqual(ready);
    const subgraph = await health(subgraphUrl('enerkey'), '/health/ready');
    expect(subgraph.status).toBe(200);
    expect(subgraph.body).toMatchObject({ name: 'enerkey', status: 'ok', store: { kind: 'redis', reachable: true } });
    expect(Object.values(subgraph.body.circuits)).toEqual(['CLOSED']);
    expect(await health(subgraphUrl('enerkey'), '/health/live')).toEqual({ status: 200, body: { name: 'enerkey', status: 'live' } });
  });

  it('leaves the gateway ready but degraded while one subgraph is down, naming it', async () => {
    await stack.subgraphs.volue!.subgraph.stop();
    const { status, body } = await health(stack.gateway.url, '/health/ready');
    expect(status).toBe(200);
    expect(body).toMatchObject({ ok: true, status: 'degraded', subgraphs: { volue: 'down', openvolt: 'up' } });
  });

  it('takes a subgraph out of rotation when its store is gone, and the gateway when no subgraph is left; both stay live', async () => {
    await redis.stop();
    const subgraph = await health(subgraphUrl('openvolt'), '/health/ready');
    expect(subgraph.status).toBe(503);
    expect(subgraph.body).toMatchObject({ ok: false, status: 'failing', store: { kind: 'redis', reachable: false } });
    expect((await health(subgraphUrl('openvolt'), '/health/live')).status).toBe(200);

    const gateway = await health(stack.gateway.url, '/health/ready');
    expect(gateway.status).toBe(503);
    // The metering composite has no store, but nothing to merge without a provider subgraph: it is failing too.
    expect(gateway.body).toMatchObject({
      ok: false,
      status: 'failing',
      subgraphs: { openvolt: 'down', enerkey: 'down', metering: 'down' },
    });
    expect((await health(stack.gateway.url, '/health/live')).status).toBe(200);
  });

  it('counts the store’s errors and the webhook deliveries that could not be kept', async () => {
    const delivery = { event_id: 'customer.created', event_timestamp: '2026-11-20T06:00:00Z', delivery_id: 'health-d-1', payload: {} };
    const answer = await fetch(stack.subgraphs.openvolt!.webhookUrl!, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(delivery),
    });
    expect(answer.status).toBe(503);
    const metrics = await scrape(subgraphUrl('openvolt'));
    expect(sampleSum(metrics, 'gridgraph_store_errors_total', { operation: 'setIfAbsent' })).toBeGreaterThanOrEqual(1);
    expect(sampleSum(metrics, 'gridgraph_webhook_deliveries_total', { provider: 'OPENVOLT', outcome: 'failed' })).toBe(1);
  });
});
