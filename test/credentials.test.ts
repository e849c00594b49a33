import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEnerkeySimulator } from '../subgraphs/enerkey/simulator/index.js';
import { startIntellimeterSimulator } from '../subgraphs/intellimeter/simulator/index.js';
import { startOpenvoltSimulator } from '../subgraphs/openvolt/simulator/index.js';
import { UMETER_SIMULATOR_USERNAME, startUmeterSimulator } from '../subgraphs/umeter/simulator/index.js';
import { startVolueSimulator } from '../subgraphs/volue/simulator/index.js';
import type { RunningSimulator } from '../shared/simulator/index.js';
import { startStack, type TestStack } from './support/stack.js';

/**
 * Every subgraph configured for a "real" provider (the simulators, started apart) with credentials the
 * provider refuses: each provider's field fails with a coded error, and no credential appears in the
 * response or in any log line, at the most verbose log level.
 */
const SECRETS = {
  OPENVOLT_API_KEY: 'leakcheck-openvolt-key-5b1f0c',
  VOLUE_CLIENT_SECRET: 'leakcheck-volue-secret-93ad7e',
  VOLUE_WEBHOOK_SECRET: 'leakcheck-volue-webhook-secret-41c2',
  UMETER_PASSWORD: 'leakcheck-umeter-password-c07b',
  ENERKEY_API_KEY: 'leakcheck-enerkey-key-8e55aa',
  INTELLIMETER_API_KEY: 'leakcheck-intellimeter-key-2d9f31',
};

const EVERY_PROVIDER = `query LeakCheck {
  openvoltMeters(first: 1) { nodes { id } }
  volueUsers(first: 1) { nodes { id } }
  umeterCustomer { id }
  enerkeyFacilities(first: 1) { nodes { id } }
  intellimeterAccount { username }
}`;

let simulators: RunningSimulator[] = [];
let stack: TestStack;
const logged: string[] = [];
const writeStderr = process.stderr.write.bind(process.stderr);
const logLevel = process.env.LOG_LEVEL;

beforeAll(async () => {
  const [openvolt, volue, umeter, enerkey, intellimeter] = await Promise.all([
    startOpenvoltSimulator(),
    startVolueSimulator(),
    startUmeterSimulator(),
    startEnerkeySimulator(),
    startIntellimeterSimulator(),
  ]);
  simulators = [openvolt, volue, umeter, enerkey, intellimeter];
  process.env.LOG_LEVEL = 'debug';
  process.stderr.write = ((chunk: string | Uint8Array, ...rest: unknown[]) => {
    logged.push(String(chunk));
    return writeStderr(chunk as string, ...(rest as []));
  }) as typeof process.stderr.write;
  stack = await startStack({
    LOG_LEVEL: 'debug',
    ...SECRETS,
    OPENVOLT_API_URL: `${openvolt.url}/v1`,
    VOLUE_API_URL: volue.apiUrl,
    VOLUE_TOKEN_URL: volue.tokenUrl,
    VOLUE_CLIENT_ID: 'gridgraph',
    UMETER_API_URL: umeter.url,
    UMETER_AUTH_URL: umeter.url,
    UMETER_MEASUREMENTS_URL: umeter.url,
    UMETER_USERNAME: UMETER_SIMULATOR_USERNAME,
    ENERKEY_API_URL: enerkey.url,
    INTELLIMETER_API_URL: intellimeter.url,
    // Fail at once: refused credentials are not retried, but keep the suite quick regardless.
    OPENVOLT_RETRIES: '0',
    VOLUE_RETRIES: '0',
    UMETER_RETRIES: '0',
    ENERKEY_RETRIES: '0',
    INTELLIMETER_RETRIES: '0',
  });
}, 60_000);

afterAll(async () => {
  process.stderr.write = writeStderr;
  process.env.LOG_LEVEL = logLevel;
  await stack?.stop();
  await Promise.all(simulators.map((simulator) => simulator.stop()));
});

describe('provider credentials the provider refuses', () => {
  it('give each provider’s field a coded error, and appear in no response and no log line', async () => {
    const { errors } = await stack.query(EVERY_PROVIDER);
    const providers = new Set(errors.map((error) => error.extensions?.provider));
    expect([...providers].sort()).toEqual(['ENERKEY', 'INTELLIMETER', 'OPENVOLT', 'UMETER', 'VOLUE']);
    for (const error of errors) expect(error.extensions?.code).toBe('UPSTREAM_REJECTED');

    const response = JSON.stringify(errors);
    const logs = logged.join('');
    expect(logs).toMatch(/rejected/i); // the failures were logged, at debug level and above
    for (const [name, secret] of Object.entries(SECRETS)) {
      expect(response, `${name} in the response`).not.toContain(secret);
      expect(logs, `${name} in a log line`).not.toContain(secret);
    }
  });
});
