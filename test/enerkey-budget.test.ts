import { gql } from 'graphql-request';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ENERKEY_SIMULATOR_KEYS, type EnerkeySimulator } from '../subgraphs/enerkey/simulator/index.js';
import { sampleSum, scrape } from './support/prometheus.js';
import { startStack, type TestStack } from './support/stack.js';

/** EnerKey's request limits and keys through the gateway: the 24-hour budget (3 per key here), the burst limit, validity dates. */

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

describe('the EnerKey burst limit', () => {
  it('a simulator imposing one tells the subgraph, which refuses the call over it before sending', async () => {
    // A window far longer than the test, so that nothing here depends on how fast it runs.
    const bursty = await startStack({ ENERKEY_SIM_BURST_LIMIT: '3', ENERKEY_SIM_BURST_WINDOW_SECONDS: '3600' });
    try {
      for (let i = 0; i < 3; i++) expect((await bursty.query(QUANTITIES)).errors).toEqual([]);
      const { data, errors } = await bursty.query<{ enerkeyQuantities: unknown }>(QUANTITIES);
      expect(data.enerkeyQuantities).toBeNull();
      expect(errors.map((e) => e.extensions?.code)).toEqual(['UPSTREAM_RATE_LIMITED']);
      expect(errors[0]!.message).toContain('3 requests per 3600 s');
      expect(errors[0]!.extensions?.retryAfter).toBeGreaterThan(3000);
      expect(errors[0]!.extensions?.retryAfter).toBeLessThanOrEqual(3960);
      expect(bursty.simulator('enerkey').stats().total).toBe(3);
    } finally {
      await bursty.stop();
    }
  });
});

describe('keys with validity dates', () => {
  const day = (offsetDays: number) => new Date(Date.now() + offsetDays * 86_400_000).toISOString().slice(0, 10);

  it('requests go with the second key while the first is near its end; nothing warns while the second is fine', async () => {
    const renewing = await startStack({ ENERKEY_API_KEY_VALID_UNTIL: day(3), ENERKEY_API_KEY_SECONDARY_VALID_UNTIL: day(200) });
    try {
      expect((await renewing.query(QUANTITIES)).errors).toEqual([]);
      const simulator = renewing.simulator<EnerkeySimulator>('enerkey');
      expect(simulator.remainingBudget(ENERKEY_SIMULATOR_KEYS.primary)).toBe(40_000);
      expect(simulator.remainingBudget(ENERKEY_SIMULATOR_KEYS.secondary)).toBe(40_000 - 1);
      const metrics = await scrape(renewing.subgraphs.enerkey!.subgraph.url);
      expect(sampleSum(metrics, 'gridgraph_upstream_credentials_expiring', { provider: 'ENERKEY' })).toBe(0);
      const secondsLeft = sampleSum(metrics, 'gridgraph_upstream_credential_seconds_left', { provider: 'ENERKEY', credential: 'primary' });
      expect(secondsLeft).toBeGreaterThan(2 * 86_400);
      expect(secondsLeft).toBeLessThanOrEqual(4 * 86_400);
    } finally {
      await renewing.stop();
    }
  });

  it('when both keys are near their end, the metric says so and requests still go', async () => {
    const expiring = await startStack({ ENERKEY_API_KEY_VALID_UNTIL: day(3), ENERKEY_API_KEY_SECONDARY_VALID_UNTIL: day(5) });
    try {
      expect((await expiring.query(QUANTITIES)).errors).toEqual([]);
      const metrics = await scrape(expiring.subgraphs.enerkey!.subgraph.url);
      expect(sampleSum(metrics, 'gridgraph_upstream_credentials_expiring', { provider: 'ENERKEY' })).toBe(1);
    } finally {
      await expiring.stop();
    }
  });
});
