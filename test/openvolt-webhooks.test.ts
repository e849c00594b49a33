import { gql } from 'graphql-request';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OpenvoltSimulator } from '../subgraphs/openvolt/simulator/index.js';
import { startStack, type TestStack } from './support/stack.js';

/** With OPENVOLT_WEBHOOK_TOKEN set, only deliveries to the URL carrying the token are accepted. */

const TOKEN = 'whk-7d1f0c2a9e';
const METER_ID = '6514167223e3d1424bf82742';
let stack: TestStack;

beforeAll(async () => {
  stack = await startStack({ OPENVOLT_WEBHOOK_TOKEN: TOKEN });
});
afterAll(async () => {
  await stack?.stop();
});

const envelope = (deliveryId: string) => ({
  subscription_id: '3f9d7f3e-0000-4000-8000-000000000001',
  event_id: 'meter_data.received',
  event_timestamp: '2026-11-20T06:00:00.000Z',
  delivery_id: deliveryId,
  payload: [{ meter_id: METER_ID, start_interval: '2026-11-19T00:00:00.000Z', end_interval: '2026-11-20T00:00:00.000Z' }],
});

async function post(query: string, body: unknown): Promise<number> {
  const url = `${stack.subgraphs.openvolt!.webhooks!.url}/webhooks/openvolt${query}`;
  const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  return response.status;
}

describe('webhook token', () => {
  it('refuses deliveries without the token or with a wrong one, and records none of them', async () => {
    expect(await post('', envelope('d-1'))).toBe(401);
    expect(await post('?token=guess', envelope('d-2'))).toBe(401);
    const { data } = await stack.client.rawRequest<{ openvoltEvents: { totalCount: number } }>(gql`
      {
        openvoltEvents {
          totalCount
        }
      }
    `);
    expect(data.openvoltEvents.totalCount).toBe(0);
  });

  it('accepts a delivery carrying the token, and the simulator is configured to send it', async () => {
    expect(await post(`?token=${TOKEN}`, envelope('d-3'))).toBe(204);
    await stack.simulator<OpenvoltSimulator>('openvolt').deliverMeterDataReceived(envelope('x').payload);
    const { data } = await stack.client.rawRequest<{ openvoltEvents: { totalCount: number; nodes: Array<{ id: string }> } }>(gql`
      {
        openvoltEvents {
          totalCount
          nodes {
            id
          }
        }
      }
    `);
    expect(data.openvoltEvents.totalCount).toBe(2);
    expect(data.openvoltEvents.nodes.map((node) => node.id)).toContain('d-3');
  });
});
