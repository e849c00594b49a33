import { gql } from 'graphql-request';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startStack, type TestStack } from './support/stack.js';

/**
 * A running stack fills `lastDataReceivedAt` by itself: the Openvolt simulator pulls "daily" (a day
 * compressed to OPENVOLT_SIM_DATA_PULL_EVERY_MS) and sends meter_data.received to the subgraph's webhook
 * receiver, with nobody poking a control route.
 */

const ACTIVE_METER_ID = '6514167223e3d1424bf82742'; // 9999999999999, active with a consent
const INACTIVE_METER = gql`
  {
    openvoltMeters(status: INACTIVE, first: 1) {
      nodes {
        id
        lastDataReceivedAt
      }
    }
  }
`;

let stack: TestStack;

beforeAll(async () => {
  stack = await startStack({ OPENVOLT_SIM_DATA_PULL_EVERY_MS: '200' });
});
afterAll(async () => {
  await stack?.stop();
});

describe('the simulator’s daily pull in a running stack', () => {
  it('fills lastDataReceivedAt of active meters with the last full UTC day, and records the events', async () => {
    const meter = gql`
      query ($id: ID!) {
        openvoltMeter(id: $id) {
          lastDataReceivedAt
          lastDataPullStatus
        }
        openvoltEvents(type: "meter_data.received", meterId: $id, first: 1) {
          nodes {
            envelope
          }
        }
      }
    `;
    await expect
      .poll(async () => (await stack.query(meter, { id: ACTIVE_METER_ID })).data.openvoltMeter.lastDataReceivedAt, {
        timeout: 15_000,
        interval: 100,
      })
      .not.toBeNull();
    const { data, errors } = await stack.query(meter, { id: ACTIVE_METER_ID });
    expect(errors).toEqual([]);
    expect(data.openvoltMeter.lastDataPullStatus).toBe('SUCCESS');
    const item = (data.openvoltEvents.nodes[0].envelope.payload as Array<Record<string, string>>).find(
      (entry) => entry.meter_id === ACTIVE_METER_ID,
    )!;
    const midnight = new Date();
    midnight.setUTCHours(0, 0, 0, 0);
    // The day that ended at the last UTC midnight (the pull and this check could straddle one).
    expect([new Date(midnight.getTime() - 86_400_000).toISOString(), midnight.toISOString()]).toContain(item.end_interval);
    expect(Date.parse(item.end_interval) - Date.parse(item.start_interval)).toBe(86_400_000);

    const inactive = await stack.query(INACTIVE_METER);
    expect(inactive.data.openvoltMeters.nodes[0].lastDataReceivedAt).toBeNull();
  });
});
