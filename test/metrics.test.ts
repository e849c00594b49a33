import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ENERKEY_SIMULATOR_KEYS, type EnerkeySimulator } from '../subgraphs/enerkey/simulator/index.js';
import { PROVIDERS } from '../subgraphs/registry.js';
import { declaredMetrics, sampleSum, samples, scrape } from './support/prometheus.js';
import { startStack, type TestStack } from './support/stack.js';

/**
 * Prometheus /metrics on the gateway and on each subgraph, scraped after traffic (README "Operations"):
 * requests by operation and outcome, errors by code, subgraph and upstream calls, the circuit, the calls
 * EnerKey says are left and its key budget, webhook deliveries. Each server counts only its own.
 */
const DURATION_COUNT = 'gridgraph_graphql_request_duration_seconds_count';
const UPSTREAM_COUNT = 'gridgraph_upstream_request_duration_seconds_count';

let stack: TestStack;
const subgraphUrl = (name: string) => stack.subgraphs[name]!.subgraph.url;

beforeAll(async () => {
  // UMeter's circuit opens at its first failed call and stays open for this file.
  stack = await startStack({ UMETER_RETRIES: '0', UMETER_BREAKER_VOLUME_THRESHOLD: '1', UMETER_BREAKER_RESET_MS: '600000' });
  await stack.query('query MetricsOk { enerkeyFacility(id: "1001") { id name } }');
  await stack.query('query MetricsOk { enerkeyFacility(id: "1002") { id name } }');
  await stack.query('query MetricsBad { intellimeterPoint(id: "abc") { id } }');
});

afterAll(async () => {
  await stack?.stop();
});

describe('the gateway’s /metrics', () => {
  it('counts requests by operation and outcome with their latency, errors by code, and calls to each subgraph', async () => {
    const text = await scrape(stack.gateway.url);
    expect(sampleSum(text, DURATION_COUNT, { operation: 'MetricsOk', outcome: 'ok' })).toBe(2);
    expect(sampleSum(text, DURATION_COUNT, { operation: 'MetricsBad', outcome: 'errors' })).toBe(1);
    expect(sampleSum(text, 'gridgraph_graphql_request_duration_seconds_bucket', { operation: 'MetricsOk', le: '+Inf' })).toBe(2);
    expect(sampleSum(text, 'gridgraph_graphql_request_duration_seconds_sum', { operation: 'MetricsOk' })).toBeGreaterThan(0);
    expect(sampleSum(text, 'gridgraph_graphql_errors_total', { code: 'BAD_USER_INPUT' })).toBe(1);
    expect(sampleSum(text, 'gridgraph_subgraph_request_duration_seconds_count', { subgraph: 'enerkey', outcome: 'ok' })).toBe(2);
    expect(sampleSum(text, 'gridgraph_subgraph_request_duration_seconds_count', { subgraph: 'intellimeter', outcome: 'errors' })).toBe(1);
    // The gateway calls no provider: upstream calls are its subgraphs' to count.
    expect(samples(text, UPSTREAM_COUNT)).toEqual([]);
  });
});

describe('a subgraph’s /metrics', () => {
  it('counts its own requests and its upstream calls by route template and status', async () => {
    const enerkey = await scrape(subgraphUrl('enerkey'));
    expect(sampleSum(enerkey, DURATION_COUNT, { outcome: 'ok' })).toBe(2);
    expect(sampleSum(enerkey, UPSTREAM_COUNT, { provider: 'ENERKEY', route: 'api/v1/facilities', method: 'GET', status: '200' })).toBe(2);
    expect(sampleSum(await scrape(subgraphUrl('openvolt')), DURATION_COUNT)).toBe(0);
  });

  it('says how many calls EnerKey reports left and what is left of each key’s budget', async () => {
    const enerkey = await scrape(subgraphUrl('enerkey'));
    const left = stack.simulator<EnerkeySimulator>('enerkey').remainingBudget(ENERKEY_SIMULATOR_KEYS.primary);
    expect(left).toBeLessThan(40_000);
    expect(sampleSum(enerkey, 'gridgraph_upstream_rate_limit_remaining', { provider: 'ENERKEY' })).toBe(left);
    expect(sampleSum(enerkey, 'gridgraph_upstream_budget_remaining', { provider: 'ENERKEY', budget: 'primary' })).toBe(left);
  });

  it('gives each circuit’s state, and an open one leaves the subgraph ready but degraded', async () => {
    expect(samples(await scrape(subgraphUrl('enerkey')), 'gridgraph_upstream_circuit_state').map((sample) => sample.value)).toEqual([0]);
    stack.simulator('umeter').setFaults({ errorRate: 1, errorStatus: 503 });
    try {
      const { errors } = await stack.query('{ umeterCustomer { id } }');
      expect(errors[0]?.extensions?.code).toBe('UPSTREAM_UNAVAILABLE');
    } finally {
      stack.simulator('umeter').setFaults({ errorRate: 0 });
    }
    const umeter = await scrape(subgraphUrl('umeter'));
    expect(samples(umeter, 'gridgraph_upstream_circuit_state', { provider: 'UMETER' }).some((sample) => sample.value === 2)).toBe(true);
    const health = await fetch(`${subgraphUrl('umeter')}/health/ready`);
    expect(health.status).toBe(200);
    const report = (await health.json()) as { status: string; circuits: Record<string, string> };
    expect(report.status).toBe('degraded');
    expect(Object.values(report.circuits)).toContain('OPEN');
  });

  it('counts webhook deliveries accepted and refused', async () => {
    const deliver = (body: unknown) =>
      fetch(stack.subgraphs.openvolt!.webhookUrl!, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
    const delivery = { event_id: 'customer.created', event_timestamp: '2026-11-20T06:00:00Z', delivery_id: 'metrics-d-1', payload: {} };
    expect((await deliver(delivery)).status).toBe(204);
    expect((await deliver(delivery)).status).toBe(204); // a redelivery is accepted (and kept once)
    expect((await deliver({ event_id: 'customer.created' })).status).toBe(400);
    const openvolt = await scrape(subgraphUrl('openvolt'));
    expect(sampleSum(openvolt, 'gridgraph_webhook_deliveries_total', { provider: 'OPENVOLT', outcome: 'accepted' })).toBe(2);
    expect(sampleSum(openvolt, 'gridgraph_webhook_deliveries_total', { provider: 'OPENVOLT', outcome: 'refused' })).toBe(1);
  });

  it('declares every metric README "Operations" names, on every subgraph', async () => {
    for (const { name } of PROVIDERS) {
      expect(declaredMetrics(await scrape(subgraphUrl(name))), name).toEqual(
        expect.arrayContaining([
          'gridgraph_graphql_request_duration_seconds',
          'gridgraph_graphql_errors_total',
          'gridgraph_upstream_request_duration_seconds',
          'gridgraph_upstream_circuit_state',
          'gridgraph_upstream_rate_limit_remaining',
          'gridgraph_upstream_budget_remaining',
          'gridgraph_store_errors_total',
          'gridgraph_webhook_deliveries_total',
          'process_cpu_seconds_total',
        ]),
      );
    }
  });
});
