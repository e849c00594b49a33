import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ENERKEY_SIMULATOR_KEYS, type EnerkeySimulator } from '../subgraphs/enerkey/simulator/index.js';
import { describeErrors } from './support/operations.js';
import { startStack, type TestStack } from './support/stack.js';
import { countUpstreamCalls } from './support/upstream.js';

/**
 * The history cache through the gateway: what a provider will not change any more (its finality rule,
 * CONTRACT.md "Finality") is answered from the store the second time, at no upstream call; what is
 * recent is fetched every time. Counted at the simulators' routes that serve readings.
 */

const NOW = Date.parse('2026-11-30T12:00:00Z');

let stack: TestStack;
beforeAll(async () => {
  stack = await startStack({}, { now: () => NOW });
  // Log in everywhere once, as a running server has: logins are not what this test counts.
  const warm = await stack.query(`{ volueUsers(first: 1) { totalCount } umeterCustomer { id } intellimeterAccount { username } }`);
  expect(describeErrors(warm.errors)).toEqual([]);
});
afterAll(async () => {
  await stack?.stop();
});

/** A meter's series at every provider with readings. */
const EVERYWHERE = /* GraphQL */ `
  query Everywhere($range: ReadingRange!) {
    openvoltMeter(id: "6514167223e3d1424bf82742") {
      consumption(range: $range) {
        ...Series
      }
    }
    enerkeyMeter(id: "20001") {
      consumption(range: $range) {
        ...Series
      }
    }
    umeterCustomer {
      connections {
        consumption(range: $range) {
          ...Series
        }
      }
    }
    intellimeterPoint(id: "1") {
      consumption(range: $range) {
        ...Series
      }
    }
  }
  fragment Series on TimeSeries {
    total
    count
    missing
  }
`;

/** The routes that serve readings (Openvolt interval data, EnerKey values, UMeter measurements, Intellimeter's file). */
const READINGS_ROUTE = /interval-data|\/values\/|measurements|\/file$/;

/** Runs the query; its answer and the upstream calls for readings it cost (looking the meters up is not history). */
async function ask(range: Record<string, string>) {
  const counter = countUpstreamCalls(stack);
  const { data, errors } = await stack.query(EVERYWHERE, { range });
  expect(describeErrors(errors)).toEqual([]);
  const readingsCalls = Object.values(counter.calls()).flatMap((routes) =>
    Object.entries(routes)
      .filter(([route]) => READINGS_ROUTE.test(route))
      .map(([, count]) => count),
  );
  return { data, calls: readingsCalls.reduce((a, b) => a + b, 0) };
}

describe('the history cache', () => {
  it('answers a repeated week over the past at every provider with 0 upstream calls, and the same answer', async () => {
    const week = { from: '2026-10-05T00:00:00Z', to: '2026-10-12T00:00:00Z', resolution: 'DAY' };
    const first = await ask(week);
    // Openvolt, EnerKey, UMeter (one month call) and Intellimeter (one file) each made a call.
    expect(first.calls).toBeGreaterThanOrEqual(4);
    expect(first.data.openvoltMeter.consumption.count).toBe(7);
    const second = await ask(week);
    expect(second).toEqual({ data: first.data, calls: 0 });
  });

  it('answers a repeated year over the past with 0 upstream calls', async () => {
    const counter = countUpstreamCalls(stack);
    const year = { from: '2025-01-01T00:00:00Z', to: '2026-01-01T00:00:00Z', resolution: 'HALF_HOUR' };
    const query = `query ($range: ReadingRange!) { openvoltMeter(id: "6514167223e3d1424bf82742") { consumption(range: $range) { total count } } }`;
    const first = await stack.query(query, { range: year });
    expect(describeErrors(first.errors)).toEqual([]);
    expect(first.data.openvoltMeter.consumption.count).toBe(17_520);
    // Half hours at most 62 days a call: six calls for the year.
    expect(counter.calls().openvolt).toEqual({ 'GET /v1/meters/:_id': 1, 'GET /v1/interval-data': 6 });
    const again = countUpstreamCalls(stack);
    expect(await stack.query(query, { range: year })).toEqual(first);
    expect(again.calls().openvolt).toEqual({ 'GET /v1/meters/:_id': 1 });
  });

  it('fetches a recent week again: it is not final yet', async () => {
    const recent = { from: '2026-11-23T00:00:00Z', to: '2026-11-30T00:00:00Z', resolution: 'DAY' };
    const first = await ask(recent);
    const second = await ask(recent);
    expect(second.data).toEqual(first.data);
    expect(second.calls).toBe(first.calls);
    expect(second.calls).toBeGreaterThanOrEqual(4);
  });

  it('does not spend EnerKey’s daily budget on the same past hours again', async () => {
    const simulator = stack.simulator<EnerkeySimulator>('enerkey');
    const query = `query ($range: ReadingRange!) { enerkeyMeter(id: "20001") { consumption(range: $range) { total } } }`;
    const range = { from: '2026-09-01T00:00:00Z', to: '2026-10-01T00:00:00Z', resolution: 'DAY' };
    expect(describeErrors((await stack.query(query, { range })).errors)).toEqual([]);
    const left = simulator.remainingBudget(ENERKEY_SIMULATOR_KEYS.primary);
    const counter = countUpstreamCalls(stack);
    for (let i = 0; i < 3; i++) expect(describeErrors((await stack.query(query, { range })).errors)).toEqual([]);
    // Each request still looks the meter up (one call); none asks for the hours again.
    expect(counter.calls().enerkey).toEqual({ 'GET /api/v1/meters': 3 });
    expect(simulator.remainingBudget(ENERKEY_SIMULATOR_KEYS.primary)).toBe(left - 3);
  });

  it('forgets an EnerKey meter’s cached hours when the graph pushes to it', async () => {
    const range = { from: '2026-08-03T00:00:00Z', to: '2026-08-04T00:00:00Z', resolution: 'DAY' };
    const query = `query ($range: ReadingRange!) { enerkeyMeter(id: "20001") { consumption(range: $range) { total } } }`;
    const before = await stack.query(query, { range });
    expect(describeErrors(before.errors)).toEqual([]);
    const push = await stack.query(
      `mutation { pushEnerkeyConsumptions(meterId: "20001", values: [{ timestamp: "2026-08-03T10:00:00Z", value: 1234.5 }]) { hoursWritten } }`,
    );
    expect(describeErrors(push.errors)).toEqual([]);
    const counter = countUpstreamCalls(stack);
    const after = await stack.query(query, { range });
    expect(counter.calls().enerkey).toEqual({ 'GET /api/v1/meters': 1, 'GET /api/v1/values/hourly': 1 });
    expect(after.data.enerkeyMeter.consumption.total).not.toBe(before.data.enerkeyMeter.consumption.total);
  });
});
