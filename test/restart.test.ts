import { gql } from 'graphql-request';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SUBGRAPH_SECRET_SETTING } from '../shared/subgraph/gateway-secret.js';
import { credentialFingerprint } from '../shared/connector/upstream-auth.js';
import { startProvider, type StartedSubgraph } from '../shared/subgraph/provider.js';
import { openvolt as openvoltProvider } from '../subgraphs/openvolt/provider.js';
import { OPENVOLT_SIMULATOR_API_KEY, startOpenvoltSimulator, type OpenvoltSimulator } from '../subgraphs/openvolt/simulator/index.js';
import { OPENVOLT_WEBHOOK_PATH } from '../subgraphs/openvolt/webhooks.js';
import {
  INTELLIMETER_SIMULATOR_API_KEY,
  startIntellimeterSimulator,
  type IntellimeterSimulator,
} from '../subgraphs/intellimeter/simulator/index.js';
import { VOLUE_API_BASE_PATH, VOLUE_TOKEN_PATH } from '../subgraphs/volue/contract.js';
import {
  VOLUE_SIMULATOR_CLIENT_ID,
  VOLUE_SIMULATOR_CLIENT_SECRET,
  startVolueSimulator,
  type VolueSimulator,
} from '../subgraphs/volue/simulator/index.js';
import { asGateway, OPEN_WITH_ADMIN, startStack, type TestStack } from './support/stack.js';

/**
 * "Nothing lost across restarts": with nothing configured but the providers (so the simulators outlive
 * the subgraphs), the Openvolt, Volue and Intellimeter subgraphs are stopped mid-run and started again
 * on the same port and DATA_DIR, as a restarted process. Received deliveries, idempotency records, the
 * Volue token and the rotated Intellimeter key are all still there, and a same-key retry of
 * subscribeVolueEvents returns the first webhook without a second one at Volue.
 */

const METER_ID = '6514167223e3d1424bf82742';
const WEBHOOK_TOKEN = 'restart-test-webhook-token';
let openvolt: OpenvoltSimulator;
let volue: VolueSimulator;
let intellimeter: IntellimeterSimulator;
let stack: TestStack;
let env: Record<string, string>;

beforeAll(async () => {
  [openvolt, volue, intellimeter] = await Promise.all([
    startOpenvoltSimulator({ host: '127.0.0.1', port: 0 }),
    startVolueSimulator({ host: '127.0.0.1', port: 0 }),
    startIntellimeterSimulator({ host: '127.0.0.1', port: 0 }),
  ]);
  env = {
    OPENVOLT_API_URL: `${openvolt.url}/v1`,
    OPENVOLT_API_KEY: OPENVOLT_SIMULATOR_API_KEY,
    OPENVOLT_WEBHOOK_TOKEN: WEBHOOK_TOKEN,
    VOLUE_API_URL: volue.apiUrl,
    VOLUE_TOKEN_URL: volue.tokenUrl,
    VOLUE_CLIENT_ID: VOLUE_SIMULATOR_CLIENT_ID,
    VOLUE_CLIENT_SECRET: VOLUE_SIMULATOR_CLIENT_SECRET,
    VOLUE_WEBHOOK_SECRET: 'restart-test-webhook-secret',
    INTELLIMETER_API_URL: intellimeter.url,
    INTELLIMETER_API_KEY: INTELLIMETER_SIMULATOR_API_KEY,
  };
  stack = await startStack({ ...env, ...OPEN_WITH_ADMIN });
  openvolt.setWebhookUrl(stack.subgraphs.openvolt!.webhookUrl);
});
afterAll(async () => {
  await stack?.stop();
  await Promise.all([openvolt?.stop(), volue?.stop(), intellimeter?.stop()]);
});

const STATE = gql`
  query State($meterId: ID!) {
    openvoltEvents(meterId: $meterId) {
      totalCount
      nodes {
        id
        type
        receivedAt
        envelope
      }
    }
    openvoltMeter(id: $meterId) {
      lastDataReceivedAt
    }
    volueNotifications {
      totalCount
      nodes {
        id
        notificationType
      }
    }
  }
`;
const SUBSCRIBE = gql`
  mutation Subscribe($key: String) {
    subscribeVolueEvents(input: { name: "restart test", notificationTypes: [PRICE_CURVE_CREATED] }, idempotencyKey: $key) {
      id
      url
    }
  }
`;
const ROTATE = gql`
  mutation {
    rotateIntellimeterApiKey {
      fingerprint
    }
  }
`;
const INTELLIMETER_READ = gql`
  {
    intellimeterAccount {
      username
    }
  }
`;
const WEBHOOKS_PATH = `${VOLUE_API_BASE_PATH}/webhooks`;

async function ok<T>(document: string, variables?: Record<string, unknown>): Promise<T> {
  const { data, errors } = await stack.query<T>(document, variables);
  expect(errors).toEqual([]);
  return data;
}

describe('a subgraph restarted mid-run', () => {
  it('keeps deliveries, idempotency records, the provider token and the rotated key', async () => {
    // Before: one delivery each way, one webhook subscribed with a key, one key rotation.
    const subscribed = await ok<{ subscribeVolueEvents: { id: string } }>(SUBSCRIBE, { key: 'restart-1' });
    await volue.createEvent('PriceCurve');
    await openvolt.deliverMeterDataReceived([
      { meter_id: METER_ID, start_interval: '2026-11-19T00:00:00.000Z', end_interval: '2026-11-20T00:00:00.000Z' },
    ]);
    const { rotateIntellimeterApiKey } = await ok<{ rotateIntellimeterApiKey: { fingerprint: string } }>(ROTATE);
    const before = await ok<any>(STATE, { meterId: METER_ID });
    expect(before.openvoltEvents.totalCount).toBe(1);
    expect(before.openvoltMeter.lastDataReceivedAt).not.toBeNull();
    expect(before.volueNotifications.nodes).toMatchObject([{ notificationType: 'PRICE_CURVE_CREATED' }]);
    const tokensBefore = volue.callCount('POST', VOLUE_TOKEN_PATH);
    expect(volue.callCount('POST', WEBHOOKS_PATH)).toBe(1);

    for (const name of ['openvolt', 'volue', 'intellimeter']) await stack.restartSubgraph(name);
    intellimeter.expireSessions(); // the next call logs in again, which needs the rotated key

    expect(await ok<any>(STATE, { meterId: METER_ID })).toEqual(before);
    const retried = await ok<{ subscribeVolueEvents: { id: string } }>(SUBSCRIBE, { key: 'restart-1' });
    expect(retried).toEqual(subscribed);
    expect(volue.callCount('POST', WEBHOOKS_PATH)).toBe(1);
    expect(volue.callCount('POST', VOLUE_TOKEN_PATH)).toBe(tokensBefore);
    expect((await ok<any>(INTELLIMETER_READ)).intellimeterAccount.username).toBeTruthy();
    expect(credentialFingerprint(intellimeter.currentKey())).toBe(rotateIntellimeterApiKey.fingerprint);

    // A redelivery after the restart is recognised as one; a new delivery reaches the restarted receiver.
    const redelivery = await fetch(stack.subgraphs.openvolt!.webhookUrl!, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(before.openvoltEvents.nodes[0].envelope),
    });
    expect(redelivery.status).toBe(204);
    await volue.createEvent('PriceCurve');
    const after = await ok<any>(STATE, { meterId: METER_ID });
    expect(after.openvoltEvents.totalCount).toBe(1);
    expect(after.volueNotifications.totalCount).toBe(2);
  });

  it('shares its store with a second process started before the first one stops (an overlapping restart)', async () => {
    const second = await startProvider(openvoltProvider, {
      ...env,
      // The stack's secret: its gateway's calls reach this process too.
      [SUBGRAPH_SECRET_SETTING]: stack.subgraphSecret,
      HOST: '127.0.0.1',
      LOG_LEVEL: process.env.LOG_LEVEL,
      DATA_DIR: stack.dataDir,
      OPENVOLT_SUBGRAPH_PORT: '0',
    });
    try {
      const delivery = {
        event_id: 'customer.created',
        event_timestamp: '2026-11-20T07:00:00.000Z',
        delivery_id: 'overlap-1',
        payload: { _id: 'c-1' },
      };
      const post = ({ webhooks }: StartedSubgraph) =>
        fetch(`${webhooks!.url}${OPENVOLT_WEBHOOK_PATH}?token=${WEBHOOK_TOKEN}`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(delivery),
        });
      const count = async ({ subgraph }: StartedSubgraph) => {
        const response = await fetch(`${subgraph.url}/graphql`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', ...asGateway(stack) },
          body: JSON.stringify({ query: '{ openvoltEvents(type: "customer.created") { totalCount } }' }),
        });
        return ((await response.json()) as { data: { openvoltEvents: { totalCount: number } } }).data.openvoltEvents.totalCount;
      };
      const first = stack.subgraphs.openvolt!;
      // Received by the new process, read by the old one; redelivered to the old one, still one.
      expect((await post(second)).status).toBe(204);
      expect(await count(first)).toBe(1);
      expect((await post(first)).status).toBe(204);
      expect(await count(second)).toBe(1);
    } finally {
      await second.subgraph.stop();
    }
  });

  it('npm start again on the same DATA_DIR answers for every provider, though its simulators start afresh', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'gridgraph-restart-'));
    const everyProvider = gql`
      {
        volueUsers(first: 1) {
          totalCount
        }
        umeterCustomer {
          id
        }
        intellimeterAccount {
          username
        }
        enerkeyQuantities {
          id
        }
        openvoltCustomers(first: 1) {
          nodes {
            id
          }
        }
      }
    `;
    try {
      const answers = [];
      // The second start puts the simulators on the first one's ports, as npm start does: the stored
      // tokens, sessions and rotated key name the provider by URL, and the fresh simulators refuse them.
      let simulatorPorts: Record<string, string> = {};
      for (let start = 0; start < 2; start++) {
        const again = await startStack({ DATA_DIR: dataDir, ...simulatorPorts, ...OPEN_WITH_ADMIN });
        try {
          answers.push(await again.query(everyProvider));
          if (start === 0) expect((await again.query(ROTATE)).errors).toEqual([]);
          simulatorPorts = Object.fromEntries(
            Object.entries(again.subgraphs).map(([name, { simulator }]) => [
              `${name.toUpperCase()}_SIMULATOR_PORT`,
              new URL(simulator!.url).port,
            ]),
          );
        } finally {
          await again.stop();
        }
      }
      expect(answers[1]).toEqual(answers[0]);
      expect(answers[1]!.errors).toEqual([]);
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
