import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GATEWAY_NODE_OPTIONS } from '../gateway/node-options.js';
import { startStack, type TestStack } from './support/stack.js';

/**
 * What bounds the gateway's memory (docs/benchmarks.md, "Memory"): a budget of readings in flight
 * (GATEWAY_MAX_READINGS_IN_FLIGHT), here one reading, so that every query with readings takes all of it.
 * Figures of the memory itself are printed by `npm run bench:memory`, never asserted.
 */
let stack: TestStack;
beforeAll(async () => {
  stack = await startStack({ GATEWAY_MAX_READINGS_IN_FLIGHT: '1' });
}, 60_000);
afterAll(async () => {
  await stack?.stop();
});

const METER_DAY = `query MeterDay($day: ReadingRange!) {
  openvoltMeter(id: "6514167223e3d1424bf82742") { consumption(range: $day) { count readings { start value } } }
}`;
const day = (date: string) => ({ day: { from: `${date}T00:00:00Z`, to: `${date}T23:59:59Z`, resolution: 'HALF_HOUR' } });

describe('readings in flight', () => {
  it('answers queries with readings one after another when the budget holds one, every one in full, and gives every reading back', async () => {
    const waitedBefore = stack.gateway.readingsInFlight.waited;
    // Sent at once: each operation is resolved (and takes its turn) as it arrives, long before the first
    // answer, which needs a plan and a subgraph round trip, is written.
    const answers = await Promise.all(['2026-11-02', '2026-11-03', '2026-11-04'].map((date) => stack.query(METER_DAY, day(date))));
    for (const { data, errors } of answers) {
      expect(errors).toEqual([]);
      expect(data.openvoltMeter.consumption.count).toBe(48);
    }
    expect(stack.gateway.readingsInFlight.waited - waitedBefore).toBe(2);
    expect(stack.gateway.readingsInFlight.readingsInFlight).toBe(0);
    expect(stack.gateway.readingsInFlight.operationsWaiting).toBe(0);
  });

  it('lets a query without readings pass while the budget is taken', async () => {
    const waitedBefore = stack.gateway.readingsInFlight.waited;
    const [withReadings, without] = await Promise.all([
      stack.query(METER_DAY, day('2026-11-05')),
      stack.query('{ openvoltMeters(first: 1) { nodes { id } } }'),
    ]);
    expect(withReadings.errors).toEqual([]);
    expect(without.errors).toEqual([]);
    expect(stack.gateway.readingsInFlight.waited - waitedBefore).toBe(0);
  });
});

describe('the gateway process', () => {
  it('starts with the Node options that bound its heap under `npm run start:gateway`, as in the image', () => {
    const scripts = (JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { scripts: Record<string, string> })
      .scripts;
    expect(scripts['start:gateway']).toBe(`node ${GATEWAY_NODE_OPTIONS.join(' ')} --import tsx gateway/index.ts`);
    expect(readFileSync(new URL('../Dockerfile', import.meta.url), 'utf8')).toContain(
      `exec node ${GATEWAY_NODE_OPTIONS.join(' ')} dist/gateway/index.js`,
    );
  });
});
