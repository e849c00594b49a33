import { readFileSync } from 'node:fs';
import { gql } from 'graphql-request';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signPayload } from '../subgraphs/volue/contract.js';
import { verifySignature } from '../subgraphs/volue/webhooks.js';
import { startStack, type TestStack } from './support/stack.js';

/**
 * Volue's official webhook test vector (test/fixtures/volue-webhook-test-vector, copied from Volue's
 * partner reference): key `Secret123%` (no newline), two bodies with their X-Payload-Signature. The
 * subgraph's receiver, configured with that secret, accepts both exactly as sent and refuses each with
 * one byte changed, or without a signature, with 401 and nothing recorded.
 */

const VECTOR = new URL('./fixtures/volue-webhook-test-vector/', import.meta.url);
const read = (name: string) => readFileSync(new URL(name, VECTOR));
const KEY = read('key.txt').toString('utf8');
const SAMPLES = ['price-curve-event', 'user-eligibility-event'].map((name) => ({
  name,
  body: read(`${name}.json`),
  signature: read(`${name}.signature`).toString('utf8').trim(),
}));

/** The body with one byte changed (a digit in the middle bumped), the same length. */
function tampered(body: Buffer): Buffer {
  const copy = Buffer.from(body);
  const index = copy.indexOf('0', Math.floor(copy.length / 2));
  copy[index] = '1'.charCodeAt(0);
  return copy;
}

let stack: TestStack;

beforeAll(async () => {
  stack = await startStack({ VOLUE_WEBHOOK_SECRET: KEY });
});
afterAll(async () => {
  await stack?.stop();
});

async function deliver(body: Buffer, signature?: string): Promise<number> {
  const response = await fetch(`${stack.subgraphs.volue!.webhooks!.url}/webhooks/volue`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(signature === undefined ? {} : { 'X-Payload-Signature': signature }) },
    body,
  });
  return response.status;
}

async function notificationIds(): Promise<string[]> {
  const { data } = await stack.client.rawRequest<any>(gql`
    {
      volueNotifications {
        nodes {
          id
        }
      }
    }
  `);
  return data.volueNotifications.nodes.map((node: { id: string }) => node.id);
}

describe('the signature algorithm', () => {
  it('is Base64(HMAC-SHA256(raw body, secret)), matching both official samples', () => {
    expect(KEY).toBe('Secret123%');
    for (const sample of SAMPLES) {
      expect(signPayload(sample.body, KEY)).toBe(sample.signature);
      expect(verifySignature(sample.body, sample.signature, KEY)).toBe(true);
      expect(verifySignature(tampered(sample.body), sample.signature, KEY)).toBe(false);
      expect(verifySignature(sample.body, sample.signature, 'Secret123')).toBe(false);
    }
  });
});

describe('the webhook receiver', () => {
  it('refuses each sample with one byte changed, a missing or a garbled signature: 401, nothing recorded', async () => {
    for (const sample of SAMPLES) {
      expect(await deliver(tampered(sample.body), sample.signature)).toBe(401);
      expect(await deliver(sample.body)).toBe(401);
      expect(await deliver(sample.body, 'not base64 at all')).toBe(401);
      expect(await deliver(sample.body, signPayload(sample.body, 'another-secret'))).toBe(401);
    }
    expect(await notificationIds()).toEqual([]);
  });

  it('accepts both samples with their official signature, and they appear in volueNotifications', async () => {
    for (const sample of SAMPLES) expect(await deliver(sample.body, sample.signature)).toBe(200);
    expect(await deliver(SAMPLES[0]!.body, SAMPLES[0]!.signature)).toBe(200); // a redelivery is acknowledged once more…
    const ids = SAMPLES.map((sample) => JSON.parse(sample.body.toString('utf8')).notificationId as string);
    expect(await notificationIds()).toEqual([...ids].reverse()); // …but recorded once; newest first

    const { data } = await stack.client.rawRequest<any>(
      gql`
        query ($type: VolueNotificationType) {
          volueNotifications(notificationType: $type) {
            totalCount
            nodes {
              eventId
              notificationType
              eventCreatedAt
              payload
            }
          }
        }
      `,
      { type: 'USER_ELIGIBILITY_UPDATED' },
    );
    expect(data.volueNotifications).toEqual({
      totalCount: 1,
      nodes: [
        {
          eventId: 'ca05399b-c2d6-4dd6-b278-40a7e2061d42',
          notificationType: 'USER_ELIGIBILITY_UPDATED',
          eventCreatedAt: '2000-01-01T00:00:00.000Z',
          payload: JSON.parse(SAMPLES[1]!.body.toString('utf8')).payload,
        },
      ],
    });
  });
});

describe('notification types and payloads', () => {
  const signed = (body: string) => signPayload(Buffer.from(body), KEY);

  it('the official samples arrive with typed payloads', async () => {
    for (const sample of SAMPLES) expect(await deliver(sample.body, sample.signature)).toBe(200);
    const { data } = await stack.client.rawRequest<any>(gql`
      {
        volueNotifications {
          nodes {
            typedPayload {
              __typename
              ... on VoluePriceCurvePayload {
                priceArea
              }
              ... on VolueUserEligibilityPayload {
                addedUserIds
                removedUserIds
              }
            }
          }
        }
      }
    `);
    const eligibility = JSON.parse(SAMPLES[1]!.body.toString('utf8')).payload;
    expect(data.volueNotifications.nodes).toContainEqual({
      typedPayload: {
        __typename: 'VolueUserEligibilityPayload',
        addedUserIds: eligibility.addedUsers,
        removedUserIds: eligibility.removedUsers,
      },
    });
    expect(data.volueNotifications.nodes).toContainEqual({
      typedPayload: { __typename: 'VoluePriceCurvePayload', priceArea: expect.any(String) },
    });
  });

  it('reads the docs’ spelling LocationLPCCreated as LocationLPCRequested', async () => {
    const body = JSON.stringify({
      notificationId: 'docs-spelling-1',
      eventId: 'event-docs-1',
      eventCreatedAtUtc: '2026-01-20T12:00:00+00:00',
      notificationSentUtc: '2026-01-20T12:00:01+00:00',
      notificationType: 'LocationLPCCreated',
      payload: {
        payloadType: 'LocationLPC',
        targets: [
          {
            locationId: 'l-1',
            meterPointId: '707057500012345678',
            resolution: '01:00:00',
            points: [{ maxPowerInKiloWatts: 4, timestamp: '2026-01-20T13:00:00+00:00' }],
          },
        ],
      },
    });
    expect(await deliver(Buffer.from(body), signed(body))).toBe(200);
    const { data } = await stack.client.rawRequest<any>(gql`
      {
        volueNotifications(notificationType: LOCATION_LPC_REQUESTED) {
          nodes {
            id
            notificationType
            typedPayload {
              ... on VolueLocationLpcPayload {
                targets {
                  locationId
                  points {
                    maxPowerInKiloWatts
                    timestamp
                  }
                }
              }
            }
          }
        }
      }
    `);
    expect(data.volueNotifications.nodes).toEqual([
      {
        id: 'docs-spelling-1',
        notificationType: 'LOCATION_LPC_REQUESTED',
        typedPayload: { targets: [{ locationId: 'l-1', points: [{ maxPowerInKiloWatts: 4, timestamp: '2026-01-20T13:00:00.000Z' }] }] },
      },
    ]);
  });
});
