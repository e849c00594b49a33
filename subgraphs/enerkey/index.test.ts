import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../shared/subgraph/config.js';
import { readEnerkeyConfig } from './index.js';
import { ENERKEY_SIMULATOR_KEYS } from './simulator.js';

describe('readEnerkeyConfig', () => {
  it('uses the simulator’s two keys and the 40,000 budget by default', () => {
    const config = readEnerkeyConfig({});
    expect(config.apiUrl).toBeUndefined();
    expect(config.apiKeys).toEqual([ENERKEY_SIMULATOR_KEYS.primary, ENERKEY_SIMULATOR_KEYS.secondary]);
    expect(config.simulatorDailyLimit).toBe(40_000);
    expect(config.subgraphPort).toBe(4004);
    expect(config.simulatorPort).toBe(4104);
  });

  it('needs a key for the real API; the second key is optional', () => {
    expect(() => readEnerkeyConfig({ ENERKEY_API_URL: 'https://api.enerkey.com' })).toThrow(ConfigError);
    expect(readEnerkeyConfig({ ENERKEY_API_URL: 'https://api.enerkey.com', ENERKEY_API_KEY: 'k1' }).apiKeys).toEqual(['k1']);
    expect(
      readEnerkeyConfig({ ENERKEY_API_URL: 'https://api.enerkey.com', ENERKEY_API_KEY: 'k1', ENERKEY_API_KEY_SECONDARY: 'k2' }).apiKeys,
    ).toEqual(['k1', 'k2']);
  });

  it('refuses a malformed simulator budget, naming the variable', () => {
    expect(() => readEnerkeyConfig({ ENERKEY_SIM_DAILY_LIMIT: 'lots' })).toThrow(/ENERKEY_SIM_DAILY_LIMIT/);
  });
});
