import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readGatewayConfig, startGateway } from '../gateway/index.js';
import { credentialFingerprint } from '../shared/connector/upstream-auth.js';
import { startProvider } from '../shared/subgraph/provider.js';
import { intellimeter } from '../subgraphs/intellimeter/provider.js';
import {
  INTELLIMETER_SIMULATOR_API_KEY,
  startIntellimeterSimulator,
  type IntellimeterSimulator,
} from '../subgraphs/intellimeter/simulator/index.js';
import { startBalancer } from './support/balancer.js';
import { gatewayClient, type GatewayClient } from './support/stack.js';

/**
 * rotateIntellimeterApiKey (issue 19): the new key lives in the store that every replica's login reads,
 * and never reaches the client — it gets when, a fingerprint, and whether the store kept it. Two
 * Intellimeter subgraph replicas share one store (the embedded one, in one DATA_DIR) behind a balancer
 * and a gateway, as a deployment runs them.
 */

const ADMIN_KEY = 'rotation-admin-key-31f0';
const running: Array<{ stop(): Promise<void> }> = [];
let dataDir: string;
let simulator: IntellimeterSimulator;
let replicas: GatewayClient[];
let gateway: GatewayClient;
let gatewayUrl: string;

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'gridgraph-rotation-'));
  simulator = await startIntellimeterSimulator({ host: '127.0.0.1', port: 0 });
  running.push(simulator);
  const env = {
    HOST: '127.0.0.1',
    LOG_LEVEL: process.env.LOG_LEVEL ?? 'error',
    DATA_DIR: dataDir,
    INTELLIMETER_SUBGRAPH_PORT: '0',
    INTELLIMETER_API_URL: simulator.url,
    INTELLIMETER_API_KEY: INTELLIMETER_SIMULATOR_API_KEY,
  };
  const urls: string[] = [];
  for (let i = 0; i < 2; i++) {
    const { subgraph } = await startProvider(intellimeter, env);
    running.push(subgraph);
    urls.push(subgraph.url);
  }
  replicas = urls.map((url) => gatewayClient(`${url}/graphql`));
  const balancer = await startBalancer(urls);
  running.push(balancer);
  const server = await startGateway({
    ...readGatewayConfig({ HOST: '127.0.0.1', GATEWAY_PORT: '0', GATEWAY_API_KEYS: `${ADMIN_KEY}:admin` }),
    subgraphUrls: { intellimeter: `${balancer.url}/graphql` },
  });
  running.push(server);
  gatewayUrl = `${server.url}/graphql`;
  gateway = gatewayClient(gatewayUrl);
  gateway.client.setHeader('X-API-Key', ADMIN_KEY);
});
afterAll(async () => {
  for (const server of running.reverse()) await server.stop();
  await rm(dataDir, { recursive: true, force: true });
});

const ACCOUNT = '{ intellimeterAccount { username } }';

describe('rotateIntellimeterApiKey with two replicas on one store', () => {
  it('returns when and a fingerprint, never the key, and every replica logs in with the new key', async () => {
    const oldKey = simulator.currentKey();
    const response = await fetch(gatewayUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'X-API-Key': ADMIN_KEY },
      body: JSON.stringify({ query: 'mutation { rotateIntellimeterApiKey { rotatedAt fingerprint keptInStore } }' }),
    });
    const text = await response.text();
    const newKey = simulator.currentKey();
    expect(newKey).not.toBe(oldKey);
    expect(text).not.toContain(newKey);
    const { data } = JSON.parse(text) as { data: { rotateIntellimeterApiKey: Record<string, unknown> } };
    expect(data.rotateIntellimeterApiKey).toEqual({
      rotatedAt: expect.any(String),
      fingerprint: credentialFingerprint(newKey),
      keptInStore: true,
    });
    expect(simulator.callCount('POST', '/key')).toBe(1);

    // Every session ends; each replica logs in again, the one that did not rotate with the key from the
    // store at its first try (the configured key would be refused).
    for (const replica of replicas) {
      simulator.expireSessions();
      const logins = simulator.logins;
      const refusedBefore = simulator.callCount('PUT', '/session') - logins;
      const { data: read, errors } = await replica.query<{ intellimeterAccount: { username: string } }>(ACCOUNT);
      expect(errors).toEqual([]);
      expect(read.intellimeterAccount.username).toBeTruthy();
      expect(simulator.logins).toBe(logins + 1);
      expect(simulator.callCount('PUT', '/session') - simulator.logins).toBe(refusedBefore);
    }
  });

  it('has no field that would return the key', async () => {
    const { errors } = await gateway.query('mutation { rotateIntellimeterApiKey { apiKey } }');
    expect(errors[0]?.extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
    expect(simulator.callCount('POST', '/key')).toBe(1);
  });
});
