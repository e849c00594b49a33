import { describe, expect, it } from 'vitest';
import { declaredMetrics, sampleSum } from '../../test/support/prometheus.js';
import { MAX_OPERATION_LABELS, ServerMetrics, metricsInScope, reportingTo, type CircuitState } from './metrics.js';

describe('ServerMetrics', () => {
  it('counts requests by operation and outcome, and errors by code, in its own registry', async () => {
    const [one, other] = [new ServerMetrics(), new ServerMetrics()];
    one.graphqlRequest('Meters', [], 0.02);
    one.graphqlRequest('Meters', ['UPSTREAM_TIMEOUT', 'NOT_FOUND'], 0.5);
    const { body, contentType } = await one.exposition();
    expect(contentType).toMatch(/^text\/plain/);
    const count = 'gridgraph_graphql_request_duration_seconds_count';
    expect(sampleSum(body, count, { operation: 'Meters', outcome: 'ok' })).toBe(1);
    expect(sampleSum(body, count, { operation: 'Meters', outcome: 'errors' })).toBe(1);
    expect(sampleSum(body, 'gridgraph_graphql_request_duration_seconds_bucket', { operation: 'Meters', le: '0.025' })).toBe(1);
    expect(sampleSum(body, 'gridgraph_graphql_errors_total', { code: 'UPSTREAM_TIMEOUT' })).toBe(1);
    expect(sampleSum((await other.exposition()).body, count)).toBe(0);
    // The process's own metrics come with every server's.
    expect(declaredMetrics(body)).toEqual(expect.arrayContaining(['process_cpu_seconds_total', 'nodejs_heap_size_used_bytes']));
  });

  it('counts at most MAX_OPERATION_LABELS operation names, the rest as other', async () => {
    const metrics = new ServerMetrics();
    for (let index = 0; index <= MAX_OPERATION_LABELS; index++) metrics.graphqlRequest(`Operation${index}`, [], 0.001);
    metrics.graphqlRequest('Operation0', [], 0.001);
    const { body } = await metrics.exposition();
    const count = 'gridgraph_graphql_request_duration_seconds_count';
    expect(sampleSum(body, count, { operation: 'Operation0' })).toBe(2);
    expect(sampleSum(body, count, { operation: `Operation${MAX_OPERATION_LABELS}` })).toBe(0);
    expect(sampleSum(body, count, { operation: 'other' })).toBe(1);
  });

  it('reads circuit states and request budgets when scraped', async () => {
    const metrics = new ServerMetrics();
    let state: CircuitState = 'CLOSED';
    let left = 40_000;
    metrics.watchCircuit({ provider: 'ENERKEY', api: 'api.enerkey.com', state: () => state });
    metrics.watchBudgets('ENERKEY', async () => [
      { name: 'primary', remaining: left },
      { name: 'secondary', remaining: undefined },
    ]);
    const read = async (name: string, labels: Record<string, string>) => sampleSum((await metrics.exposition()).body, name, labels);
    expect(await read('gridgraph_upstream_circuit_state', { provider: 'ENERKEY', api: 'api.enerkey.com' })).toBe(0);
    expect(await read('gridgraph_upstream_budget_remaining', { provider: 'ENERKEY', budget: 'primary' })).toBe(40_000);
    state = 'OPEN';
    left = 12;
    expect(await read('gridgraph_upstream_circuit_state', { provider: 'ENERKEY' })).toBe(2);
    expect(await read('gridgraph_upstream_budget_remaining', { budget: 'primary' })).toBe(12);
    // A budget not yet known is left out rather than shown as 0.
    expect((await metrics.exposition()).body).not.toContain('budget="secondary"');
    expect(metrics.circuitStates()).toEqual([{ provider: 'ENERKEY', api: 'api.enerkey.com', state: 'OPEN' }]);
  });

  it('gives one state per API: the worst of the clients that share it', async () => {
    const metrics = new ServerMetrics();
    metrics.watchCircuit({ provider: 'UMETER', api: '127.0.0.1:4103', state: () => 'CLOSED' });
    metrics.watchCircuit({ provider: 'UMETER', api: '127.0.0.1:4103', state: () => 'OPEN' });
    metrics.watchCircuit({ provider: 'UMETER', api: '127.0.0.1:4103', state: () => 'HALF_OPEN' });
    expect(metrics.circuitStates()).toEqual([{ provider: 'UMETER', api: '127.0.0.1:4103', state: 'OPEN' }]);
    expect(sampleSum((await metrics.exposition()).body, 'gridgraph_upstream_circuit_state', { provider: 'UMETER' })).toBe(2);
  });

  it('is in scope for what is built inside reportingTo, and only there', () => {
    const metrics = new ServerMetrics();
    expect(metricsInScope()).toBeUndefined();
    expect(reportingTo(metrics, () => metricsInScope())).toBe(metrics);
    expect(metricsInScope()).toBeUndefined();
  });
});
