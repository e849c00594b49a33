import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGateway, type RunningGateway } from '../gateway/index.js';
import { gatewayClient, startStack, type TestStack } from './support/stack.js';
import { startSubgraphProxy } from './support/subgraph-proxy.js';
import { SHARED_METERING_POINTS } from '../shared/simulator/index.js';
import { everyProvidersMeteringPointField } from './support/providers.js';

/**
 * The gateway's performance mechanisms, proven by counts (never by timings; figures are in bench/):
 * the query-plan cache answers a repeated operation, and gateway→subgraph connections are reused.
 */
let stack: TestStack;

beforeAll(async () => {
  stack = await startStack();
}, 60_000);

afterAll(async () => {
  await stack?.stop();
});

/** Lookups of the metering point every provider knows, under alias names never planned before. */
let round = 0;
function freshlyAliasedLookups(count: number): string {
  round += 1;
  const lookups = Array.from(
    { length: count },
    (_, index) =>
      `p${round}n${index}: meteringPoint(id: "${SHARED_METERING_POINTS.officeEan}") { id ${everyProvidersMeteringPointField()} }`,
  );
  return `query { ${lookups.join('\n')} }`;
}

const METER = 'query PlanCacheMeter($first: Int!) { openvoltMeters(first: $first) { nodes { id meterNumber } } }';

describe('query-plan cache', () => {
  it('plans an operation once and answers repeats, whatever the variables, from the cache', async () => {
    const before = { ...stack.gateway.queryPlanCache };
    for (const first of [1, 2, 3, 1]) {
      const { data, errors } = await stack.query<{ openvoltMeters: { nodes: unknown[] } }>(METER, { first });
      expect(errors).toEqual([]);
      expect(data.openvoltMeters.nodes).toHaveLength(first);
    }
    expect(stack.gateway.queryPlanCache.misses - before.misses).toBe(1);
    expect(stack.gateway.queryPlanCache.hits - before.hits).toBe(3);
  });

  it('makes a new plan on the planner thread, once for requests that ask for it together', async () => {
    const before = { ...stack.gateway.queryPlanCache };
    const operation = freshlyAliasedLookups(3);
    const answers = await Promise.all([1, 2, 3].map(() => stack.query(operation)));
    for (const { data, errors } of answers) {
      expect(errors).toEqual([]);
      expect(Object.keys(data)).toHaveLength(3);
    }
    expect(stack.gateway.queryPlanCache.plannedOffThread - before.plannedOffThread).toBe(1);
    expect(stack.gateway.queryPlanCache.misses - before.misses).toBe(3);
  });

  it('answers a cached query while the planner thread plans thirty aliased lookups (the event loop is not blocked)', async () => {
    await stack.query(METER, { first: 1 });
    const before = stack.gateway.queryPlanCache.plannedOffThread;
    const expensive = stack.query(freshlyAliasedLookups(30));
    // Asked after the expensive operation, and answered before its plan is made (on the main thread
    // that plan would have been made first, in one block).
    const small = await stack.query(METER, { first: 1 });
    expect(small.errors).toEqual([]);
    expect(stack.gateway.queryPlanCache.plannedOffThread).toBe(before);
    const { data, errors } = await expensive;
    expect(errors).toEqual([]);
    expect(Object.keys(data)).toHaveLength(30);
    expect(stack.gateway.queryPlanCache.plannedOffThread).toBe(before + 1);
  });

  it('starts the planner thread when a plan is needed and stops it when it has nothing to plan', async () => {
    // The stack's gateway keeps its thread 30 s; this one stops it as soon as it is idle.
    const gateway = await startGateway({
      host: '127.0.0.1',
      port: 0,
      subgraphUrls: { openvolt: `${stack.subgraphs.openvolt!.subgraph.url}/graphql` },
      subgraphSecret: stack.subgraphSecret,
      tuning: { plannerIdleMs: 0 },
    });
    try {
      expect(gateway.queryPlanCache.plannerThreadStarts).toBe(0); // nothing planned yet: no thread
      for (const first of [1, 2]) {
        const { data, errors } = await gatewayClient(`${gateway.url}/graphql`).query(
          `query Idle${first} { openvoltMeters(first: ${first}) { nodes { id } } }`,
        );
        expect(errors).toEqual([]);
        expect(data.openvoltMeters.nodes).toHaveLength(first);
      }
      expect(gateway.queryPlanCache.plannedOffThread).toBe(2);
      expect(gateway.queryPlanCache.plannerThreadStarts).toBe(2);
    } finally {
      await gateway.stop();
    }
  });

  it('plans a different operation separately', async () => {
    const before = { ...stack.gateway.queryPlanCache };
    await stack.query('query PlanCacheOther { openvoltMeters(first: 1) { nodes { id } } }');
    await stack.query('query PlanCacheOther { openvoltMeters(first: 1) { nodes { id } } }');
    expect(stack.gateway.queryPlanCache.misses - before.misses).toBe(1);
    expect(stack.gateway.queryPlanCache.hits - before.hits).toBe(1);
  });
});

describe('connections from the gateway to a subgraph', () => {
  async function connectionsFor(tuning?: { keepAlive: boolean }): Promise<number> {
    const proxy = await startSubgraphProxy(`${stack.subgraphs.openvolt!.subgraph.url}/graphql`);
    let gateway: RunningGateway | undefined;
    try {
      gateway = await startGateway({
        host: '127.0.0.1',
        port: 0,
        subgraphUrls: { openvolt: proxy.url },
        subgraphSecret: stack.subgraphSecret,
        tuning,
      });
      for (let i = 0; i < 5; i += 1) {
        const response = await fetch(`${gateway.url}/graphql`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ query: METER, variables: { first: 1 } }),
        });
        expect(((await response.json()) as { errors?: unknown }).errors).toBeUndefined();
      }
      return proxy.connections;
    } finally {
      await gateway?.stop();
      await proxy.stop();
    }
  }

  it('reuses one kept-alive connection for consecutive requests', async () => {
    expect(await connectionsFor()).toBe(1);
  });

  it('opens one connection per request with keep-alive switched off (what the proxy counts)', async () => {
    expect(await connectionsFor({ keepAlive: false })).toBe(5);
  });
});

describe('the compact time-series form', () => {
  const COMPACT = `query Compact($range: ReadingRange!, $ean: String!) {
    openvoltMeters(first: 3) { nodes { id consumption(range: $range) { from resolution count values readings { value } } } }
    umeterConnection(ean: $ean) { consumption(range: $range) { from resolution count values readings { value } } }
    enerkeyMeter(id: "20001") { consumption(range: $range) { from resolution count values readings { value } } }
  }`;

  it('equals the readings’ values, nulls for gaps included, for Openvolt, UMeter and EnerKey', async () => {
    const customer = await stack.query<{ umeterCustomer: { connections: Array<{ ean: string }> } }>(
      '{ umeterCustomer { connections { ean } } }',
    );
    const ean = customer.data.umeterCustomer.connections[0]!.ean;
    // Two days by HOUR, one of them before any provider's history starts: MISSING readings included.
    const range = { from: '2019-12-31T00:00:00Z', to: '2020-01-02T00:00:00Z', resolution: 'HOUR', timeZone: 'UTC' };
    const { data, errors } = await stack.query(COMPACT, { range, ean });
    expect(errors).toEqual([]);
    const series = [
      ...data.openvoltMeters.nodes.map((node: { consumption: unknown }) => node.consumption),
      data.umeterConnection.consumption,
      data.enerkeyMeter.consumption,
    ] as Array<{ count: number; values: Array<number | null>; readings: Array<{ value: number | null }> }>;
    for (const each of series) {
      expect(each.values).toHaveLength(each.count);
      expect(each.values).toEqual(each.readings.map((reading) => reading.value));
    }
    expect(series.flatMap((each) => each.values).some((value) => value === null)).toBe(true);
    expect(series.flatMap((each) => each.values).some((value) => typeof value === 'number')).toBe(true);
  });
});

describe('identical subgraph queries in flight', () => {
  const METER_BY_ID = 'query SharedMeter { openvoltMeter(id: "6514167223e3d1424bf82742") { id meterNumber } }';

  it('reach the subgraph once, and every client gets the whole answer', async () => {
    const openvolt = stack.simulator('openvolt');
    openvolt.reset();
    // Upstream answers slowly, so all ten requests arrive while the first one's subgraph fetch is in flight.
    openvolt.setFaults({ latencyMs: 300 });
    try {
      const answers = await Promise.all(Array.from({ length: 10 }, () => stack.query<{ openvoltMeter: { id: string } }>(METER_BY_ID)));
      for (const { data, errors } of answers) {
        expect(errors).toEqual([]);
        expect(data.openvoltMeter).toEqual({ id: '6514167223e3d1424bf82742', meterNumber: '9999999999999' });
      }
      expect(openvolt.callCount('GET', '/v1/meters/:_id')).toBe(1);
    } finally {
      openvolt.setFaults({ latencyMs: 0 });
    }
  });

  it('never share a mutation: identical concurrent writes are each sent', async () => {
    const openvolt = stack.simulator('openvolt');
    openvolt.reset();
    openvolt.setFaults({ latencyMs: 300 });
    const update = `mutation SharedUpdate($id: ID!, $input: UpdateOpenvoltCustomerInput!) {
      updateOpenvoltCustomer(id: $id, input: $input) { id address }
    }`;
    const variables = { id: '6514153c23e3d1424bf82738', input: { address: '2 Quay Street, Manchester' } };
    try {
      const answers = await Promise.all(Array.from({ length: 3 }, () => stack.query(update, variables)));
      expect(answers.map(({ errors }) => errors)).toEqual([[], [], []]);
      expect(openvolt.callCount('PUT', '/v1/customers/:_id')).toBe(3);
    } finally {
      openvolt.setFaults({ latencyMs: 0 });
    }
  });
});
