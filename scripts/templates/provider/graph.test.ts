import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeErrors } from '../../test/support/operations.js';
import { startStack, type TestStack } from '../../test/support/stack.js';
import { SEED_METER } from './simulator/seed.js';

/** __Label__ through the gateway, as a client sees it: its meters, their consumption, its part of the join, and bad input. */

const NOW = Date.parse('2026-06-15T12:00:00Z');
const DAY_BY_HOUR = { from: '2026-06-14T00:00:00Z', to: '2026-06-15T00:00:00Z', resolution: 'HOUR' };

let stack: TestStack;
beforeAll(async () => {
  stack = await startStack({}, { now: () => NOW });
});
afterAll(async () => {
  await stack?.stop();
});

describe('__Label__ through the gateway', () => {
  it('lists the meters with their consumption', async () => {
    const { data, errors } = await stack.query(
      `query ($range: ReadingRange!) {
        __name__Meters { totalCount nodes { id provider meterPointId name consumption(range: $range) { count missing total } } }
      }`,
      { range: DAY_BY_HOUR },
    );
    expect(describeErrors(errors)).toEqual([]);
    expect(data.__name__Meters).toMatchObject({
      totalCount: 1,
      nodes: [
        {
          id: SEED_METER.id,
          provider: '__NAME__',
          meterPointId: SEED_METER.meteringPointId,
          name: SEED_METER.name,
          consumption: { count: 24, missing: 0 },
        },
      ],
    });
    expect(data.__name__Meters.nodes[0].consumption.total).toBeGreaterThan(0);
  });

  it('answers its field of meteringPoint(id), and a meter leads back to it', async () => {
    const { data, errors } = await stack.query(
      `query ($id: ID!) { meteringPoint(id: $id) { __name__Meters { id meteringPoint { id } } } }`,
      {
        id: SEED_METER.meteringPointId,
      },
    );
    expect(describeErrors(errors)).toEqual([]);
    expect(data.meteringPoint.__name__Meters).toEqual([{ id: SEED_METER.id, meteringPoint: { id: SEED_METER.meteringPointId } }]);
  });

  it('refuses a malformed meter id before calling __Label__, and an unknown one is NOT_FOUND', async () => {
    stack.simulator('__name__').reset();
    const malformed = await stack.query(`{ __name__Meter(id: "not an id") { id } }`);
    expect(malformed.errors.map((error) => error.extensions)).toEqual([
      expect.objectContaining({ code: 'BAD_USER_INPUT', provider: '__NAME__' }),
    ]);
    expect(stack.simulator('__name__').stats().total).toBe(0);

    const unknown = await stack.query(`{ __name__Meter(id: "no-such-meter") { id } }`);
    expect(unknown.errors.map((error) => error.extensions)).toEqual([expect.objectContaining({ code: 'NOT_FOUND', provider: '__NAME__' })]);
  });
});
