import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { readGatewayConfig, startGateway } from '../gateway/index.js';
import { ConfigError } from '../shared/subgraph/config.js';
import { SHARED_METERING_POINTS } from '../shared/simulator/shared-metering-points.js';
import { describeErrors } from './support/operations.js';
import { everyProvidersMeteringPointField } from './support/providers.js';
import { gatewayClient, startStack, type TestStack } from './support/stack.js';
import { startSubgraphProxy, type SubgraphProxy } from './support/subgraph-proxy.js';

/**
 * Kept-alive connections from the gateway to the subgraphs never fail a request: the gateway drops an
 * idle socket before the subgraph does, and a query reset on a reused socket (the gateway was busy
 * planning while its idle timer was due) is sent once more on a fresh connection; a mutation never is.
 * Short timeouts keep it fast: the subgraphs keep idle connections 2 s (Node's agent reuses no socket of
 * a server that keeps them less), the gateway 1 s.
 */
const KEEP_ALIVE_MS = 2_000;
const IDLE_MS = 1_000;

let stack: TestStack;
beforeAll(async () => {
  stack = await startStack({ KEEP_ALIVE_TIMEOUT_MS: String(KEEP_ALIVE_MS), GATEWAY_SUBGRAPH_IDLE_TIMEOUT_MS: String(IDLE_MS) });
});
afterAll(async () => {
  await stack?.stop();
});

/** Lookups of the metering point every provider knows, under alias names never planned before. */
let round = 0;
function freshlyAliasedLookups(count: number): string {
  round += 1;
  const lookups = Array.from(
    { length: count },
    (_, index) => `r${round}n${index}: meteringPoint(id: "${SHARED_METERING_POINTS.officeEan}") {
      id ${everyProvidersMeteringPointField()}
    }`,
  );
  return `query FreshPlan${round} { ${lookups.join('\n')} }`;
}

describe('a query after a pause near the subgraphs’ keep-alive timeout', () => {
  // Below the gateway's idle timeout the sockets are still pooled when planning starts, and planning ten
  // fresh lookups keeps the event loop busy past the subgraphs' keep-alive timeout (which in one process
  // also holds back the subgraphs' own timers until the request is on the wire); above it, the idle
  // timer has closed them.
  it.each([800, 950, 1_400, 1_900])('after %i ms of quiet: no error, though the plan is new', async (pauseMs) => {
    expect(describeErrors((await stack.query(freshlyAliasedLookups(1))).errors)).toEqual([]);
    await sleep(pauseMs);
    const planned = stack.gateway.queryPlanCache.misses;
    const { data, errors } = await stack.query(freshlyAliasedLookups(10));
    expect(describeErrors(errors)).toEqual([]);
    expect(Object.keys(data)).toHaveLength(10);
    expect(stack.gateway.queryPlanCache.misses).toBe(planned + 1);
  });
});

describe('a connection reset on a reused socket', () => {
  const METERS = 'query KeptAliveMeters { openvoltMeters(first: 2) { nodes { id meterNumber } } }';
  /** What a test started, stopped after it in reverse order. */
  const started: Array<{ stop(): Promise<void> }> = [];
  afterEach(async () => {
    for (const server of started.splice(0).reverse()) await server.stop();
  });

  /** A gateway whose Openvolt subgraph sits behind a proxy. */
  async function gatewayThroughProxy(): Promise<{ query: TestStack['query']; proxy: SubgraphProxy }> {
    const proxy = await startSubgraphProxy(`${stack.subgraphs.openvolt!.subgraph.url}/graphql`);
    started.push(proxy);
    const gateway = await startGateway({
      host: '127.0.0.1',
      port: 0,
      subgraphUrls: { openvolt: proxy.url },
      subgraphSecret: stack.subgraphSecret,
    });
    started.push(gateway);
    return { query: gatewayClient(`${gateway.url}/graphql`).query, proxy };
  }

  it('is retried once on a fresh connection for a query', async () => {
    const { query, proxy } = await gatewayThroughProxy();
    const first = await query(METERS);
    expect(describeErrors(first.errors)).toEqual([]);
    proxy.resetNextReusedConnection();
    const second = await query(METERS);
    expect(describeErrors(second.errors)).toEqual([]);
    expect(second.data).toEqual(first.data);
    // The first query, the one reset on the kept connection, and its retry on a second connection.
    expect({ requests: proxy.requests, connections: proxy.connections }).toEqual({ requests: 3, connections: 2 });
  });

  it('is never retried for a mutation: the subgraph may have received it', async () => {
    const { query, proxy } = await gatewayThroughProxy();
    expect(describeErrors((await query(METERS)).errors)).toEqual([]);
    proxy.resetNextReusedConnection();
    const { errors } = await query(
      `mutation KeptAliveUpdate($id: ID!, $input: UpdateOpenvoltCustomerInput!) { updateOpenvoltCustomer(id: $id, input: $input) { id } }`,
      { id: '6514153c23e3d1424bf82738', input: { address: '3 Quay Street, Manchester' } },
    );
    expect(errors.map((error) => error.extensions)).toEqual([
      { code: 'UPSTREAM_UNAVAILABLE', subgraph: 'openvolt', requestId: expect.any(String) },
    ]);
    expect(proxy.requests).toBe(2);
  });

  it('is not retried on a connection of its own: that is a subgraph failing, not a stale socket', async () => {
    const { query, proxy } = await gatewayThroughProxy();
    proxy.resetNextRequest();
    const { errors } = await query(METERS);
    expect(errors.map((error) => error.extensions)).toEqual([
      { code: 'UPSTREAM_UNAVAILABLE', subgraph: 'openvolt', requestId: expect.any(String) },
    ]);
    expect(proxy.requests).toBe(1);
  });
});

describe('configuration', () => {
  const base = { HOST: '127.0.0.1', GATEWAY_PORT: '0' };

  it('defaults: the gateway drops idle subgraph sockets after 20 s, every server keeps them 30 s, requests get 10 s', () => {
    expect(readGatewayConfig(base)).toMatchObject({ subgraphIdleTimeoutMs: 20_000, keepAliveTimeoutMs: 30_000, requestTimeoutMs: 10_000 });
  });

  it('refuses a gateway idle timeout that is not shorter than the keep-alive timeout', () => {
    const read = () => readGatewayConfig({ ...base, KEEP_ALIVE_TIMEOUT_MS: '5000', GATEWAY_SUBGRAPH_IDLE_TIMEOUT_MS: '5000' });
    expect(read).toThrow(ConfigError);
    expect(read).toThrow(/GATEWAY_SUBGRAPH_IDLE_TIMEOUT_MS \(5000\) must be shorter than KEEP_ALIVE_TIMEOUT_MS \(5000\)/);
  });
});
