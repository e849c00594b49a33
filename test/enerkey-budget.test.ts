import { gql } from 'graphql-request';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ENERKEY_SIMULATOR_KEYS, type EnerkeySimulator } from '../subgraphs/enerkey/simulator/index.js';
import { startStack, type TestStack } from './support/stack.js';

/** EnerKey's 24-hour request budget through the gateway, with a small configured limit (3 per key). */

let stack: TestStack;

beforeAll(async () => {
  stack = await startStack({ ENERKEY_SIM_DAILY_LIMIT: '3' });
});
afterAll(async () => {
  await stack?.stop();
});

const QUANTITIES = gql`
  query {
    enerkeyQuantities {
      id
    }
  }
`;

describe('the EnerKey request budget', () => {
  it('uses the first key, rotates to the second, then refuses before sending', async () => {
    const simulator = stack.simulator<EnerkeySimulator>('enerkey');
    for (let i = 0; i < 6; i++) {
      const { errors } = await stack.client.rawRequest(QUANTITIES);
      expect(errors).toBeUndefined();
      if (i === 2) expect(simulator.remainingBudget(ENERKEY_SIMULATOR_KEYS.primary)).toBe(0);
    }
    expect(simulator.remainingBudget(ENERKEY_SIMULATOR_KEYS.secondary)).toBe(0);
    expect(simulator.callCount('GET', '/api/v1/quantities')).toBe(6);

    const { data, errors } = await stack.client.rawRequest<{ enerkeyFacility: unknown; openvoltMeter: unknown }>(gql`
      query {
        enerkeyFacility(id: "1001") {
          name
        }
        openvoltMeter(id: "6514167223e3d1424bf82742") {
          meterNumber
        }
      }
    `);
    expect(errors?.map((e) => e.extensions?.code)).toEqual(['UPSTREAM_RATE_LIMITED']);
    expect(errors?.[0]?.extensions).toMatchObject({ provider: 'ENERKEY' });
    // Until the primary key's 24-hour window ends (it began with this test's first call).
    expect(errors?.[0]?.extensions?.retryAfter).toBeGreaterThan(86_000);
    expect(errors?.[0]?.extensions?.retryAfter).toBeLessThanOrEqual(86_400);
    expect(errors?.[0]?.message).toContain('no request was sent');
    // The refused call was never sent, and the other provider still answers.
    expect(simulator.stats().total).toBe(6);
    expect(data).toMatchObject({ enerkeyFacility: null, openvoltMeter: { meterNumber: '9999999999999' } });
  });
});

describe('an expired primary key', () => {
  it('is refused once, then the second key serves every request', async () => {
    const expired = await startStack({ ENERKEY_API_KEY: ENERKEY_SIMULATOR_KEYS.expired });
    try {
      for (let i = 0; i < 2; i++) {
        const { data, errors } = await expired.client.rawRequest<{ enerkeyQuantities: unknown[] }>(QUANTITIES);
        expect(errors).toBeUndefined();
        expect(data.enerkeyQuantities.length).toBeGreaterThan(0);
      }
      const simulator = expired.simulator<EnerkeySimulator>('enerkey');
      // One refused call with the expired key, then two with the second key.
      expect(simulator.callCount('GET', '/api/v1/quantities')).toBe(3);
      expect(simulator.remainingBudget(ENERKEY_SIMULATOR_KEYS.secondary)).toBe(40_000 - 2);
    } finally {
      await expired.stop();
    }
  });
});
