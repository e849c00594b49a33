import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SHARED_METERING_POINTS, type RunningSimulator } from '../shared/simulator/index.js';
import { looksSecret } from '../shared/subgraph/config.js';
import { settingPrefix } from '../shared/subgraph/provider.js';
import { PROVIDERS } from '../subgraphs/registry.js';
import { everyProvidersMeteringPointField } from './support/providers.js';
import { startStack, type TestStack } from './support/stack.js';

/**
 * Every subgraph configured for a "real" provider (its simulator, started apart) with every credential
 * of its settings set to one the provider refuses: each provider's field fails with a coded error, and no
 * credential appears in the response or in any log line, at the most verbose log level.
 */

/** Every provider's field of the join: each asks its provider, with its credentials. */
const EVERY_PROVIDER = `query LeakCheck { meteringPoint(id: "${SHARED_METERING_POINTS.officeEan}") { ${everyProvidersMeteringPointField()} } }`;

/** A refused value for every credential a provider's settings name (keys, secrets, passwords, tokens; not URLs). */
const SECRETS: Record<string, string> = Object.fromEntries(
  PROVIDERS.flatMap((provider) => Object.keys(provider.settings))
    .filter(looksSecret)
    .map((name) => [name, `leakcheck-${name.toLowerCase()}-5b1f0c`]),
);

let simulators: RunningSimulator[] = [];
const mappingFolder = mkdtempSync(join(tmpdir(), 'gridgraph-credentials-'));
let stack: TestStack;
const logged: string[] = [];
const writeStderr = process.stderr.write.bind(process.stderr);
const logLevel = process.env.LOG_LEVEL;

beforeAll(async () => {
  // Each simulator as the kit starts it, and the settings that point a subgraph at it.
  const started = await Promise.all(
    PROVIDERS.map(async (provider) => (await provider.simulator()).startForSubgraph({}, { host: '127.0.0.1', port: 0, faults: {} })),
  );
  simulators = started.map(({ simulator }) => simulator);
  // The metering points the kit would seed for those simulators (Intellimeter's points record none).
  const mappingFile = join(mappingFolder, 'metering-points.json');
  const rows = started.flatMap(({ meteringPoints }, index) =>
    Object.entries(meteringPoints ?? {}).map(([meterId, meteringPointId]) => ({
      provider: PROVIDERS[index]!.provider,
      meterId,
      meteringPointId,
    })),
  );
  writeFileSync(mappingFile, JSON.stringify(rows));
  process.env.LOG_LEVEL = 'debug';
  process.stderr.write = ((chunk: string | Uint8Array, ...rest: unknown[]) => {
    logged.push(String(chunk));
    return writeStderr(chunk as string, ...(rest as []));
  }) as typeof process.stderr.write;
  stack = await startStack({
    LOG_LEVEL: 'debug',
    ...Object.assign({}, ...started.map(({ env }) => env)),
    ...SECRETS,
    METERING_POINT_MAPPING_FILE: mappingFile,
    // Fail at once: refused credentials are not retried, but keep the suite quick regardless.
    ...Object.fromEntries(PROVIDERS.map((provider) => [`${settingPrefix(provider)}_RETRIES`, '0'])),
  });
}, 60_000);

afterAll(async () => {
  process.stderr.write = writeStderr;
  process.env.LOG_LEVEL = logLevel;
  await stack?.stop();
  await Promise.all(simulators.map((simulator) => simulator.stop()));
  rmSync(mappingFolder, { recursive: true, force: true });
});

describe('provider credentials the provider refuses', () => {
  it('give each provider’s field a coded error, and appear in no response and no log line', async () => {
    const { errors } = await stack.query(EVERY_PROVIDER);
    const providers = new Set(errors.map((error) => error.extensions?.provider));
    expect([...providers].sort()).toEqual(PROVIDERS.map((provider) => provider.provider).sort());
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
