import { readFileSync } from 'node:fs';
import { gql } from 'graphql-request';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SUPERGRAPH_PATH, readGatewayConfig, startGateway } from '../gateway/index.js';
import type { RunningServer } from '../shared/subgraph/server.js';
import type { RunningSimulator } from '../shared/simulator/server.js';
import { settingPrefix, startProvider, type StartedSubgraph } from '../shared/subgraph/provider.js';
import { PROVIDERS } from '../subgraphs/registry.js';
import { OPENVOLT_SIMULATOR_API_KEY, startOpenvoltSimulator } from '../subgraphs/openvolt/simulator/index.js';
import { OPENVOLT_WEBHOOK_PATH } from '../subgraphs/openvolt/webhooks.js';
import { ENERKEY_SIMULATOR_KEYS, startEnerkeySimulator } from '../subgraphs/enerkey/simulator/index.js';
import { INTELLIMETER_SIMULATOR_API_KEY, startIntellimeterSimulator } from '../subgraphs/intellimeter/simulator/index.js';
import { UMETER_SIMULATOR_PASSWORD, UMETER_SIMULATOR_USERNAME, startUmeterSimulator } from '../subgraphs/umeter/simulator/index.js';
import { VOLUE_SIGNATURE_HEADER, signPayload } from '../subgraphs/volue/contract.js';
import { VOLUE_SIMULATOR_CLIENT_ID, VOLUE_SIMULATOR_CLIENT_SECRET, startVolueSimulator } from '../subgraphs/volue/simulator/index.js';
import { VOLUE_WEBHOOK_PATH } from '../subgraphs/volue/webhooks.js';
import { startBalancer, type Balancer } from './support/balancer.js';
import { startRedis, type TestRedis } from './support/redis.js';
import { heldAtProviders, runMixedClients, uncoded } from './support/soak.js';
import { OPEN_WITH_ADMIN, gatewayClient } from './support/stack.js';
import { hasTool } from './support/tools.js';

/**
 * Soak over replicas ("Nothing lost"): two replicas of every subgraph share one Redis (STORE_URL), each
 * pair behind a round-robin balancer, the gateway in front. Eight clients send a few hundred mixed
 * queries and idempotent mutations while every simulator fails 10 % of requests, Openvolt and Volue
 * deliver webhooks (a quarter of them twice) to whichever replica the balancer picks, and halfway one
 * Volue replica stops and starts again on its port. In the end: every confirmed mutation exists once at
 * its provider and a failed one at most once, every response has data or coded errors, and every
 * acknowledged delivery is listed exactly once, by both replicas.
 */

const CLIENTS = 8;
const OPERATIONS_PER_CLIENT = 24;
const MAX_ATTEMPTS = 4;
const DELIVERIES = 24;
const withRedis = hasTool('redis');
const WEBHOOK_SECRET = 'soak-replicas-webhook-secret';

let redis: TestRedis;
const simulators: Record<string, RunningSimulator> = {};
const env: Record<string, Record<string, string>> = {};
const replicas: Record<string, StartedSubgraph[]> = {};
/** In front of each subgraph's replicas; `webhooks` in front of their webhook receivers (Openvolt's, Volue's). */
const balancers: Record<string, Balancer> = {};
const webhookBalancers: Record<string, Balancer> = {};
let gateway: RunningServer;
let graph: ReturnType<typeof gatewayClient>;

async function startReplica(name: string, ports?: { subgraph: number; webhooks?: number }): Promise<StartedSubgraph> {
  const module = PROVIDERS.find((candidate) => candidate.name === name)!;
  const prefix = settingPrefix(module);
  return startProvider(module, {
    ...env[name],
    [`${prefix}_SUBGRAPH_PORT`]: String(ports?.subgraph ?? 0),
    [`${prefix}_WEBHOOK_PORT`]: String(ports?.webhooks ?? 0),
  });
}

beforeAll(async () => {
  if (!withRedis) return;
  redis = await startRedis();
  const [openvolt, volue, umeter, enerkey, intellimeter] = await Promise.all([
    startOpenvoltSimulator({ host: '127.0.0.1', port: 0 }),
    startVolueSimulator({ host: '127.0.0.1', port: 0 }),
    startUmeterSimulator({ host: '127.0.0.1', port: 0 }),
    startEnerkeySimulator({ host: '127.0.0.1', port: 0 }),
    startIntellimeterSimulator({ host: '127.0.0.1', port: 0 }),
  ]);
  Object.assign(simulators, { openvolt, volue, umeter, enerkey, intellimeter });
  const common = { HOST: '127.0.0.1', LOG_LEVEL: process.env.LOG_LEVEL ?? 'error', STORE_URL: redis.url };
  Object.assign(env, {
    openvolt: {
      ...common,
      OPENVOLT_API_URL: `${openvolt.url}/v1`,
      OPENVOLT_API_KEY: OPENVOLT_SIMULATOR_API_KEY,
      OPENVOLT_WEBHOOK_TOKEN: 'soak-webhook-token',
    },
    volue: {
      ...common,
      VOLUE_API_URL: volue.apiUrl,
      VOLUE_TOKEN_URL: volue.tokenUrl,
      VOLUE_CLIENT_ID: VOLUE_SIMULATOR_CLIENT_ID,
      VOLUE_CLIENT_SECRET: VOLUE_SIMULATOR_CLIENT_SECRET,
      VOLUE_WEBHOOK_SECRET: WEBHOOK_SECRET,
    },
    umeter: {
      ...common,
      UMETER_API_URL: umeter.url,
      UMETER_AUTH_URL: umeter.url,
      UMETER_MEASUREMENTS_URL: umeter.url,
      UMETER_USERNAME: UMETER_SIMULATOR_USERNAME,
      UMETER_PASSWORD: UMETER_SIMULATOR_PASSWORD,
    },
    enerkey: { ...common, ENERKEY_API_URL: enerkey.url, ENERKEY_API_KEY: ENERKEY_SIMULATOR_KEYS.primary },
    intellimeter: { ...common, INTELLIMETER_API_URL: intellimeter.url, INTELLIMETER_API_KEY: INTELLIMETER_SIMULATOR_API_KEY },
  });
  for (const { name } of PROVIDERS) {
    replicas[name] = [await startReplica(name), await startReplica(name)];
    balancers[name] = await startBalancer(replicas[name]!.map((replica) => replica.subgraph.url));
    const receivers = replicas[name]!.flatMap((replica) => (replica.webhooks ? [replica.webhooks.url] : []));
    if (receivers.length > 0) webhookBalancers[name] = await startBalancer(receivers);
  }
  gateway = await startGateway({
    ...readGatewayConfig({ HOST: '127.0.0.1', GATEWAY_PORT: '0', ...OPEN_WITH_ADMIN }),
    supergraphSdl: readFileSync(SUPERGRAPH_PATH, 'utf8'),
    subgraphUrls: Object.fromEntries(Object.entries(balancers).map(([name, balancer]) => [name, `${balancer.url}/graphql`])),
  });
  graph = gatewayClient(`${gateway.url}/graphql`);
});
afterAll(async () => {
  await gateway?.stop();
  for (const balancer of [...Object.values(balancers), ...Object.values(webhookBalancers)]) await balancer.stop();
  for (const pair of Object.values(replicas)) for (const replica of pair) await replica.subgraph.stop();
  for (const simulator of Object.values(simulators)) await simulator.stop();
  await redis?.stop();
});

/** Delivers like a provider: again until a 2xx (a refused or broken delivery is retried). */
async function deliverUntilAccepted(post: () => Promise<Response>): Promise<number> {
  for (let attempt = 1; attempt <= 10; attempt++) {
    const status = await post().then(
      (response) => response.status,
      () => 0,
    );
    if (status >= 200 && status < 300) return attempt;
  }
  throw new Error('a webhook delivery was refused ten times');
}

function deliverOpenvolt(n: number) {
  const body = JSON.stringify({
    event_id: 'customer.created',
    event_timestamp: new Date(Date.UTC(2026, 10, 20, 6, n)).toISOString(),
    delivery_id: `soak-delivery-${n}`,
    payload: { _id: `soak-customer-${n}` },
  });
  return deliverUntilAccepted(() =>
    fetch(`${webhookBalancers.openvolt!.url}${OPENVOLT_WEBHOOK_PATH}?token=soak-webhook-token`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body,
    }),
  );
}

function deliverVolue(n: number) {
  const body = JSON.stringify({
    notificationId: `soak-notification-${n}`,
    eventId: `e-${n}`,
    notificationType: 'PriceCurveCreated',
    payload: {},
  });
  const headers = { 'content-type': 'application/json', [VOLUE_SIGNATURE_HEADER]: signPayload(Buffer.from(body), WEBHOOK_SECRET) };
  return deliverUntilAccepted(() => fetch(`${webhookBalancers.volue!.url}${VOLUE_WEBHOOK_PATH}`, { method: 'POST', headers, body }));
}

describe.skipIf(!withRedis)('soak over two replicas of every subgraph on one Redis', () => {
  it('loses nothing and duplicates nothing while faults are injected and a replica restarts halfway', async () => {
    for (const simulator of Object.values(simulators)) simulator.setFaults({ errorRate: 0.1, latencyMs: 3 });
    const total = CLIENTS * OPERATIONS_PER_CLIENT;
    let restarted: Promise<void> | undefined;
    let servedByRestartedBefore = 0;
    const restartHalfway = async (operation: number) => {
      if (operation !== Math.floor(total / 2)) return;
      restarted = (async () => {
        const old = replicas.volue![1]!;
        servedByRestartedBefore = balancers.volue!.served[1]!;
        await old.subgraph.stop();
        replicas.volue![1] = await startReplica('volue', { subgraph: old.subgraph.port, webhooks: old.webhooks?.port });
      })();
    };
    // The providers deliver webhooks while the clients work; every fourth delivery comes twice.
    const deliveries = (async () => {
      for (let n = 0; n < DELIVERIES; n++) {
        await Promise.all([deliverOpenvolt(n), deliverVolue(n)]);
        if (n % 4 === 0) await Promise.all([deliverOpenvolt(n), deliverVolue(n)]);
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    })();
    const { outcomes, responses } = await runMixedClients({
      clients: CLIENTS,
      operations: OPERATIONS_PER_CLIENT,
      maxAttempts: MAX_ATTEMPTS,
      send: (document, variables) => graph.query(document, variables),
      between: restartHalfway,
    });
    await deliveries;
    await restarted;
    for (const simulator of Object.values(simulators)) simulator.setFaults({ errorRate: 0, latencyMs: 0 });

    expect(uncoded(responses)).toEqual([]);
    const held = await heldAtProviders((document, variables) => graph.query(document, variables), outcomes);
    const confirmed = outcomes.filter((o) => o.confirmed);
    console.log(
      `soak over replicas: ${responses.length} responses, ${outcomes.length} mutations (${confirmed.length} confirmed), ` +
        `${2 * DELIVERIES} deliveries; requests per replica ${JSON.stringify(Object.fromEntries(Object.entries(balancers).map(([name, b]) => [name, b.served])))}`,
    );
    expect(outcomes).toHaveLength(total / 3);
    for (const outcome of confirmed)
      expect([outcome.mutation.identity, held.get(outcome.mutation.identity)]).toEqual([outcome.mutation.identity, 1]);
    for (const outcome of outcomes.filter((o) => !o.confirmed)) expect(held.get(outcome.mutation.identity) ?? 0).toBeLessThanOrEqual(1);

    // Both replicas of every subgraph did work, and the restarted one did again after its restart.
    for (const balancer of Object.values(balancers)) expect(balancer.served.every((count) => count > 0)).toBe(true);
    expect(balancers.volue!.served[1]).toBeGreaterThan(servedByRestartedBefore);

    // Every delivery listed once, whichever replica received it and whichever one is asked.
    const listed = {
      openvolt: gql`
        {
          list: openvoltEvents(type: "customer.created", first: 100) {
            totalCount
            nodes {
              id
            }
          }
        }
      `,
      volue: gql`
        {
          list: volueNotifications(notificationType: PRICE_CURVE_CREATED, first: 100) {
            totalCount
            nodes {
              id
            }
          }
        }
      `,
    };
    const ids = (prefix: string) => Array.from({ length: DELIVERIES }, (_, n) => `${prefix}-${n}`).sort();
    const expected = { openvolt: ids('soak-delivery'), volue: ids('soak-notification') };
    for (const name of ['openvolt', 'volue'] as const)
      for (const replica of replicas[name]!) {
        const { data, errors } = await gatewayClient(`${replica.subgraph.url}/graphql`).query<{
          list: { totalCount: number; nodes: Array<{ id: string }> };
        }>(listed[name]);
        expect(errors).toEqual([]);
        expect({ name, total: data.list.totalCount, ids: data.list.nodes.map((node) => node.id).sort() }).toEqual({
          name,
          total: DELIVERIES,
          ids: expected[name],
        });
      }
  });
});
