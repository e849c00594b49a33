import { GraphQLClient, gql } from 'graphql-request';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningServer } from '../shared/subgraph/server.js';
import { startProvider, type AnyProvider } from '../shared/subgraph/provider.js';
import { enerkey } from '../subgraphs/enerkey/provider.js';
import { ENERKEY_SIMULATOR_KEYS, startEnerkeySimulator, type EnerkeySimulator } from '../subgraphs/enerkey/simulator/index.js';
import { umeter } from '../subgraphs/umeter/provider.js';
import { startUmeterSimulator, UMETER_SIMULATOR_PASSWORD, UMETER_SIMULATOR_USERNAME } from '../subgraphs/umeter/simulator/index.js';
import { openvolt } from '../subgraphs/openvolt/provider.js';
import { OPENVOLT_SIMULATOR_API_KEY, startOpenvoltSimulator } from '../subgraphs/openvolt/simulator/index.js';
import { OPENVOLT_WEBHOOK_PATH } from '../subgraphs/openvolt/webhooks.js';
import { volue } from '../subgraphs/volue/provider.js';
import { VOLUE_SIGNATURE_HEADER, VOLUE_TOKEN_PATH, signPayload } from '../subgraphs/volue/contract.js';
import { VOLUE_WEBHOOK_PATH } from '../subgraphs/volue/webhooks.js';
import { VOLUE_SIMULATOR_CLIENT_ID, VOLUE_SIMULATOR_CLIENT_SECRET, startVolueSimulator } from '../subgraphs/volue/simulator/index.js';
import { startRedis, type TestRedis } from './support/redis.js';
import { hasTool } from './support/tools.js';

/**
 * Scale-out: two replicas of a subgraph (the same AnyProvider started twice, as two containers would
 * be) against one provider and one Redis (STORE_URL). They log in once between them, spend one
 * EnerKey budget together, and read the same webhook deliveries.
 */

const withRedis = hasTool('redis');
let redis: TestRedis;
const running: Array<{ stop(): Promise<void> }> = [];

beforeAll(async () => {
  if (withRedis) redis = await startRedis();
});
afterAll(async () => {
  for (const server of running.reverse()) await server.stop();
  await redis?.stop();
});

/** A replica's GraphQL client, and where its webhook receivers are (a provider that has them). */
type Replica = GraphQLClient & { webhooksUrl?: string };

async function replicas(module: AnyProvider, env: Record<string, string>): Promise<Replica[]> {
  const clients: Replica[] = [];
  for (let i = 0; i < 2; i++) {
    const { subgraph, webhooks } = await startProvider(module, {
      HOST: '127.0.0.1',
      LOG_LEVEL: process.env.LOG_LEVEL,
      STORE_URL: redis.url,
      ...env,
    });
    running.push(subgraph as RunningServer);
    clients.push(Object.assign(new GraphQLClient(`${subgraph.url}/graphql`), { webhooksUrl: webhooks?.url }));
  }
  return clients;
}

describe.skipIf(!withRedis)('two Volue replicas on one Redis', () => {
  it('request one token between them, also when both need it at once', async () => {
    const simulator = await startVolueSimulator({ host: '127.0.0.1', port: 0 });
    running.push(simulator);
    const [a, b] = await replicas(volue, {
      VOLUE_SUBGRAPH_PORT: '0',
      VOLUE_API_URL: simulator.apiUrl,
      VOLUE_TOKEN_URL: simulator.tokenUrl,
      VOLUE_CLIENT_ID: VOLUE_SIMULATOR_CLIENT_ID,
      VOLUE_CLIENT_SECRET: VOLUE_SIMULATOR_CLIENT_SECRET,
      VOLUE_WEBHOOK_SECRET: 'replica-test-webhook-secret',
    });
    const query = gql`
      {
        volueUsers(first: 1) {
          totalCount
        }
      }
    `;
    const answers = await Promise.all([a!.request(query), b!.request(query), a!.request(query), b!.request(query)]);
    expect(answers).toHaveLength(4);
    expect(simulator.callCount('POST', VOLUE_TOKEN_PATH)).toBe(1);
    expect(simulator.callCount('GET', '/energy-coordination/v1/users')).toBe(4);
  });
});

describe.skipIf(!withRedis)('two UMeter replicas on one Redis', () => {
  it('log in once between them', async () => {
    const simulator = await startUmeterSimulator({ host: '127.0.0.1', port: 0 });
    running.push(simulator);
    const [a, b] = await replicas(umeter, {
      UMETER_SUBGRAPH_PORT: '0',
      UMETER_API_URL: simulator.url,
      UMETER_AUTH_URL: simulator.url,
      UMETER_MEASUREMENTS_URL: simulator.url,
      UMETER_USERNAME: UMETER_SIMULATOR_USERNAME,
      UMETER_PASSWORD: UMETER_SIMULATOR_PASSWORD,
    });
    const query = gql`
      {
        umeterCustomer {
          id
        }
      }
    `;
    await Promise.all([a!.request(query), b!.request(query)]);
    await b!.request(query);
    expect(simulator.callCount('POST', '/token')).toBe(1);
  });
});

describe.skipIf(!withRedis)('two EnerKey replicas on one Redis', () => {
  it('spend one request budget: what one replica used, the other does not use again', async () => {
    const simulator: EnerkeySimulator = await startEnerkeySimulator({ host: '127.0.0.1', port: 0, dailyLimit: 3 });
    running.push(simulator);
    const [a, b] = await replicas(enerkey, {
      ENERKEY_SUBGRAPH_PORT: '0',
      ENERKEY_API_URL: simulator.url,
      ENERKEY_API_KEY: ENERKEY_SIMULATOR_KEYS.primary,
    });
    const query = gql`
      {
        enerkeyQuantities {
          id
        }
      }
    `;
    // Alternating replicas: three calls spend the key's budget of 3, whichever replica sent them.
    await a!.request(query);
    await b!.request(query);
    await a!.request(query);
    expect(simulator.remainingBudget(ENERKEY_SIMULATOR_KEYS.primary)).toBe(0);
    // Replica B sent only one call itself, yet knows the shared budget is spent and sends nothing.
    const { errors } = await b!
      .rawRequest(query)
      .catch((error: { response: { errors: unknown[] } }) => ({ errors: error.response.errors }));
    expect(errors).toMatchObject([{ extensions: { code: 'UPSTREAM_RATE_LIMITED', provider: 'ENERKEY' } }]);
    expect(simulator.callCount('GET', '/api/v1/quantities')).toBe(3);
    expect(simulator.stats().total).toBe(3);
  });
});

describe.skipIf(!withRedis)('two Openvolt replicas on one Redis', () => {
  /** A simulator and two replicas against it. */
  async function openvoltReplicas() {
    const simulator = await startOpenvoltSimulator({ host: '127.0.0.1', port: 0 });
    running.push(simulator);
    const [a, b] = await replicas(openvolt, {
      OPENVOLT_SUBGRAPH_PORT: '0',
      OPENVOLT_API_URL: `${simulator.url}/v1`,
      OPENVOLT_API_KEY: OPENVOLT_SIMULATOR_API_KEY,
      OPENVOLT_WEBHOOK_TOKEN: 'replicas-webhook-token',
    });
    return { simulator, a: a!, b: b! };
  }

  it('share the history cache: a past week one replica fetched costs the other no call', async () => {
    const { simulator, a, b } = await openvoltReplicas();
    const query = gql`
      {
        openvoltMeter(id: "6514167223e3d1424bf82742") {
          consumption(range: { from: "2025-10-06T00:00:00Z", to: "2025-10-13T00:00:00Z", resolution: DAY }) {
            total
          }
        }
      }
    `;
    const first = await a.request(query);
    expect(simulator.callCount('GET', '/v1/interval-data')).toBe(1);
    expect(await b.request(query)).toEqual(first);
    expect(simulator.callCount('GET', '/v1/interval-data')).toBe(1);
  });

  it('read the same webhook deliveries, whichever replica received them, and count a redelivery once', async () => {
    const { a, b } = await openvoltReplicas();
    const meterId = '6514167223e3d1424bf82742';
    const delivery = JSON.stringify({
      event_id: 'meter_data.received',
      event_timestamp: '2026-11-20T06:00:00.000Z',
      delivery_id: 'replicated-1',
      payload: [{ meter_id: meterId, start_interval: '2026-11-19T00:00:00.000Z', end_interval: '2026-11-20T00:00:00.000Z' }],
    });
    const deliver = (replica: Replica) =>
      fetch(`${replica.webhooksUrl}${OPENVOLT_WEBHOOK_PATH}?token=replicas-webhook-token`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: delivery,
      });
    expect((await deliver(a!)).status).toBe(204);
    expect((await deliver(b!)).status).toBe(204);
    const query = gql`
      query ($id: ID!) {
        openvoltEvents(meterId: $id) {
          totalCount
          nodes {
            id
          }
        }
        openvoltMeter(id: $id) {
          lastDataReceivedAt
        }
      }
    `;
    const expected = {
      openvoltEvents: { totalCount: 1, nodes: [{ id: 'replicated-1' }] },
      openvoltMeter: { lastDataReceivedAt: '2026-11-20T06:00:00.000Z' },
    };
    expect(await a.request(query, { id: meterId })).toEqual(expected);
    expect(await b.request(query, { id: meterId })).toEqual(expected);
  });
});

describe.skipIf(!withRedis)('two Volue replicas on one Redis', () => {
  it('read the same notifications, whichever replica received them', async () => {
    const simulator = await startVolueSimulator({ host: '127.0.0.1', port: 0 });
    running.push(simulator);
    const secret = 'replica-test-webhook-secret';
    const [a, b] = await replicas(volue, {
      VOLUE_SUBGRAPH_PORT: '0',
      VOLUE_API_URL: simulator.apiUrl,
      VOLUE_TOKEN_URL: simulator.tokenUrl,
      VOLUE_CLIENT_ID: VOLUE_SIMULATOR_CLIENT_ID,
      VOLUE_CLIENT_SECRET: VOLUE_SIMULATOR_CLIENT_SECRET,
      VOLUE_WEBHOOK_SECRET: secret,
    });
    const body = JSON.stringify({
      notificationId: 'replicated-n-1',
      eventId: 'e-1',
      notificationType: 'UserEligibilityUpdated',
      payload: {},
    });
    const response = await fetch(`${a!.webhooksUrl}${VOLUE_WEBHOOK_PATH}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', [VOLUE_SIGNATURE_HEADER]: signPayload(Buffer.from(body), secret) },
      body,
    });
    expect(response.status).toBe(200);
    const query = gql`
      {
        volueNotifications(notificationType: USER_ELIGIBILITY_UPDATED) {
          nodes {
            id
          }
        }
      }
    `;
    expect(await b!.request(query)).toEqual({ volueNotifications: { nodes: [{ id: 'replicated-n-1' }] } });
  });
});
