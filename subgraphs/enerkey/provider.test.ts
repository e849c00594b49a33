import { describe, expect, it } from 'vitest';
import { ConfigError, readConfig } from '../../shared/subgraph/config.js';
import { readProviderConfig } from '../../shared/subgraph/provider.js';
import { enerkey } from './provider.js';
import { ENERKEY_SIMULATOR_KEYS, settings as simulatorSettings, startForSubgraph } from './simulator/index.js';

const readEnerkeyConfig = (env: NodeJS.ProcessEnv) => readProviderConfig(enerkey, env);

describe('the EnerKey configuration', () => {
  it('has the conventional ports, and no key until one is configured or a simulator gives its own', () => {
    const config = readEnerkeyConfig({});
    expect(config.apiUrl).toBeUndefined();
    expect(config.apiKeys).toEqual([]);
    expect(config.subgraphPort).toBe(4004);
    expect(config.simulatorPort).toBe(4104);
  });

  it('against the simulator: its two keys unless keys are configured, and the 40,000 budget', async () => {
    const started = await startForSubgraph({}, { host: '127.0.0.1', port: 0, faults: {} });
    try {
      expect(readEnerkeyConfig(started.env).apiKeys).toEqual([ENERKEY_SIMULATOR_KEYS.primary, ENERKEY_SIMULATOR_KEYS.secondary]);
      expect(readConfig(simulatorSettings, {}).ENERKEY_SIM_DAILY_LIMIT).toBe(40_000);
    } finally {
      await started.simulator.stop();
    }
    const configured = await startForSubgraph({ ENERKEY_API_KEY: 'mine' }, { host: '127.0.0.1', port: 0, faults: {} });
    await configured.simulator.stop();
    expect(configured.env.ENERKEY_API_KEY).toBe('mine');
  });

  it('needs a key for the real API; the second key is optional', () => {
    expect(() => readEnerkeyConfig({ ENERKEY_API_URL: 'https://api.enerkey.com' })).toThrow(ConfigError);
    expect(readEnerkeyConfig({ ENERKEY_API_URL: 'https://api.enerkey.com', ENERKEY_API_KEY: 'k1' }).apiKeys).toEqual(['k1']);
    expect(
      readEnerkeyConfig({ ENERKEY_API_URL: 'https://api.enerkey.com', ENERKEY_API_KEY: 'k1', ENERKEY_API_KEY_SECONDARY: 'k2' }).apiKeys,
    ).toEqual(['k1', 'k2']);
  });

  it('refuses a malformed simulator budget, naming the variable', () => {
    expect(() => readConfig(simulatorSettings, { ENERKEY_SIM_DAILY_LIMIT: 'lots' })).toThrow(/ENERKEY_SIM_DAILY_LIMIT/);
  });
});
