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
      expect(readEnerkeyConfig(started.env).apiKeys.map((k) => k.key)).toEqual([
        ENERKEY_SIMULATOR_KEYS.primary,
        ENERKEY_SIMULATOR_KEYS.secondary,
      ]);
      // The simulator imposes no burst limit by default, and tells the subgraph so.
      expect(readEnerkeyConfig(started.env).burst).toBeUndefined();
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
    expect(readEnerkeyConfig({ ENERKEY_API_URL: 'https://api.enerkey.com', ENERKEY_API_KEY: 'k1' }).apiKeys).toEqual([{ key: 'k1' }]);
    expect(
      readEnerkeyConfig({ ENERKEY_API_URL: 'https://api.enerkey.com', ENERKEY_API_KEY: 'k1', ENERKEY_API_KEY_SECONDARY: 'k2' }).apiKeys,
    ).toEqual([{ key: 'k1' }, { key: 'k2' }]);
  });

  it('reads each key’s validity dates (a date is a whole UTC day), the renewal margin, the pause and the burst limit', () => {
    const config = readEnerkeyConfig({
      ENERKEY_API_URL: 'https://api.enerkey.com',
      ENERKEY_API_KEY: 'k1',
      ENERKEY_API_KEY_VALID_FROM: '2026-01-01',
      ENERKEY_API_KEY_VALID_UNTIL: '2026-06-30',
      ENERKEY_API_KEY_SECONDARY: 'k2',
      ENERKEY_API_KEY_SECONDARY_VALID_UNTIL: '2027-06-30T12:00:00+02:00',
      ENERKEY_RENEWAL_MARGIN_DAYS: '7',
      ENERKEY_REFUSAL_PAUSE_SECONDS: '600',
    });
    expect(config.apiKeys).toEqual([
      { key: 'k1', validFrom: Date.parse('2026-01-01T00:00:00Z'), validUntil: Date.parse('2026-07-01T00:00:00Z') },
      { key: 'k2', validUntil: Date.parse('2027-06-30T10:00:00Z') },
    ]);
    expect(config.renewalMarginMs).toBe(7 * 86_400_000);
    expect(config.refusedKeyPauseMs).toBe(600_000);
    // Against the real API the documented burst limit applies unless set otherwise (0 = none).
    expect(config.burst).toEqual({ limit: 20, windowMs: 10_000 });
    expect(readEnerkeyConfig({ ENERKEY_BURST_LIMIT: '0' }).burst).toBeUndefined();
    expect(() => readEnerkeyConfig({ ENERKEY_API_KEY: 'k1', ENERKEY_API_KEY_VALID_UNTIL: 'next year' })).toThrow(
      /ENERKEY_API_KEY_VALID_UNTIL must be a date/,
    );
  });

  it('refuses a malformed simulator budget, naming the variable', () => {
    expect(() => readConfig(simulatorSettings, { ENERKEY_SIM_DAILY_LIMIT: 'lots' })).toThrow(/ENERKEY_SIM_DAILY_LIMIT/);
    expect(() => readConfig(simulatorSettings, { ENERKEY_SIM_PUSH_MODE: 'overwrite' })).toThrow(/ENERKEY_SIM_PUSH_MODE/);
  });

  it('a simulator with a burst limit tells the subgraph the same limit', async () => {
    const started = await startForSubgraph(
      { ENERKEY_SIM_BURST_LIMIT: '5', ENERKEY_SIM_BURST_WINDOW_SECONDS: '2' },
      { host: '127.0.0.1', port: 0, faults: {} },
    );
    await started.simulator.stop();
    expect(readEnerkeyConfig(started.env).burst).toEqual({ limit: 5, windowMs: 2_000 });
  });
});
