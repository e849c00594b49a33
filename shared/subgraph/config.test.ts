import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../../test/support/process.js';
import { ConfigError, looksSecret, numberInRange, sameSecret, optionalUrl, port, readConfig, str } from './config.js';
import { MIN_SUBGRAPH_SECRET_LENGTH } from './gateway-secret.js';
import { readProviderServerConfig } from './module.js';
import { DEFAULT_SUBGRAPH_LIMITS } from './query-limits.js';

describe('readConfig', () => {
  const specs = {
    SOME_PORT: port({ default: 4001 }),
    SOME_SHARE: numberInRange(0, 1)({ default: 0 }),
    SOME_URL: optionalUrl({ default: '' }),
    SOME_API_KEY: str({ default: '' }),
  };

  it('applies defaults when nothing is set', () => {
    expect(readConfig(specs, {})).toMatchObject({ SOME_PORT: 4001, SOME_SHARE: 0, SOME_URL: '', SOME_API_KEY: '' });
  });

  it('reads an empty optional URL (as in a copied .env.example) as not configured', () => {
    expect(readConfig(specs, { SOME_URL: '' }).SOME_URL).toBe('');
    expect(readProviderServerConfig('OPENVOLT', { subgraph: 4001, simulator: 4101 }, { OPENVOLT_API_URL: ' ' }).apiUrl).toBeUndefined();
  });

  it('reads typed values, accepts port 0 and trims a trailing slash from URLs', () => {
    expect(readConfig(specs, { SOME_PORT: '0', SOME_SHARE: '0.25', SOME_URL: 'https://api.example.com/v1/' })).toMatchObject({
      SOME_PORT: 0,
      SOME_SHARE: 0.25,
      SOME_URL: 'https://api.example.com/v1',
    });
  });

  it('names every malformed variable in one error and never echoes a secret', () => {
    let error: unknown;
    try {
      readConfig(
        { ...specs, SOME_API_KEY: numberInRange(0, 1)({ default: 0 }) },
        {
          SOME_PORT: 'eighty',
          SOME_SHARE: '2',
          SOME_URL: 'ftp://files',
          SOME_API_KEY: 'sk-secret-value',
        },
      );
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const message = (error as Error).message;
    expect(message).toMatch(/SOME_PORT must be a port number/);
    expect(message).toMatch(/SOME_SHARE must be a number from 0 to 1/);
    expect(message).toMatch(/SOME_URL must be an http\(s\) URL/);
    expect(message).toMatch(/SOME_API_KEY .*\(value hidden\)/);
    expect(message).not.toContain('sk-secret-value');
  });

  it('reads a provider’s server settings with the conventional defaults', () => {
    expect(readProviderServerConfig('OPENVOLT', { subgraph: 4001, simulator: 4101 }, { OPENVOLT_TIMEOUT_MS: '5000' })).toEqual({
      host: '127.0.0.1',
      subgraphPort: 4001,
      simulatorPort: 4101,
      apiUrl: undefined,
      calls: {
        timeoutMs: 5000,
        concurrency: 8,
        maxConcurrency: 64,
        retries: 2,
        breaker: { errorThresholdPercentage: 50, volumeThreshold: 10, windowMs: 10_000, resetMs: 30_000 },
      },
      // Nothing configured: an embedded store per subgraph in the project's (git-ignored) data/ folder.
      store: { url: undefined, path: join(ROOT, 'data', 'openvolt.mdb') },
      // Final readings kept a day, at most 256 MiB of them per subgraph.
      historyCache: { ttlMs: 86_400_000, maxBytes: 256 * 1_048_576 },
      keepAliveTimeoutMs: 30_000,
      requestTimeoutMs: 10_000,
      webhookPort: undefined,
      gatewaySecret: '',
      limits: DEFAULT_SUBGRAPH_LIMITS,
      inputBounds: { maxIdLength: 256, maxTextLength: 10_000, maxMagnitude: 1e12, maxListItems: 10_000 },
      readingBounds: { maxKwhPerHour: 1_000_000 },
    });
  });

  it('reads the history cache settings; 0 turns it off', () => {
    const read = (env: Record<string, string>) => readProviderServerConfig('UMETER', { subgraph: 4003, simulator: 4103 }, env);
    expect(read({ HISTORY_CACHE_TTL_HOURS: '2', HISTORY_CACHE_MAX_MB: '0' }).historyCache).toEqual({ ttlMs: 7_200_000, maxBytes: 0 });
    expect(() => read({ HISTORY_CACHE_MAX_MB: '-1' })).toThrow(/HISTORY_CACHE_MAX_MB/);
  });

  it('reads the gateway’s secret, the subgraph’s limits and a webhook port for a provider that declares one', () => {
    const secret = 'a'.repeat(MIN_SUBGRAPH_SECRET_LENGTH);
    const env = { GRIDGRAPH_SUBGRAPH_SECRET: secret, SUBGRAPH_MAX_DEPTH: '9', SUBGRAPH_MAX_READINGS: '1000', VOLUE_WEBHOOK_PORT: '0' };
    expect(readProviderServerConfig('VOLUE', { subgraph: 4002, simulator: 4102, webhook: 4202 }, env)).toMatchObject({
      webhookPort: 0,
      gatewaySecret: secret,
      limits: { ...DEFAULT_SUBGRAPH_LIMITS, maxDepth: 9, maxReadings: 1000 },
    });
    expect(readProviderServerConfig('VOLUE', { subgraph: 4002, simulator: 4102, webhook: 4202 }, {}).webhookPort).toBe(4202);
    expect(() => readProviderServerConfig('VOLUE', { subgraph: 4002, simulator: 4102 }, { GRIDGRAPH_SUBGRAPH_SECRET: 'short' })).toThrow(
      /GRIDGRAPH_SUBGRAPH_SECRET must be at least 32 characters .*\(value hidden\)/,
    );
  });

  it('reads the keep-alive and request timeouts every subgraph server shares', () => {
    const env = { KEEP_ALIVE_TIMEOUT_MS: '65000', SUBGRAPH_REQUEST_TIMEOUT_MS: '4000' };
    expect(readProviderServerConfig('UMETER', { subgraph: 4003, simulator: 4103 }, env)).toMatchObject({
      keepAliveTimeoutMs: 65_000,
      requestTimeoutMs: 4_000,
    });
  });

  it('puts the store under DATA_DIR (relative to the working folder), or in Redis with a STORE_URL', () => {
    const read = (env: Record<string, string>) => readProviderServerConfig('VOLUE', { subgraph: 4002, simulator: 4102 }, env).store;
    expect(read({ DATA_DIR: '/var/lib/gridgraph' })).toEqual({ url: undefined, path: '/var/lib/gridgraph/volue.mdb' });
    expect(read({ DATA_DIR: 'state' }).path).toBe(resolve('state', 'volue.mdb'));
    expect(read({ STORE_URL: 'redis://cache:6379/0' }).url).toBe('redis://cache:6379/0');
  });

  it('reads the circuit breaker settings, rejecting values out of range', () => {
    const env = { VOLUE_BREAKER_ERROR_THRESHOLD: '25', VOLUE_BREAKER_VOLUME_THRESHOLD: '4', VOLUE_BREAKER_RESET_MS: '500' };
    expect(readProviderServerConfig('VOLUE', { subgraph: 4002, simulator: 4102 }, env).calls.breaker).toEqual({
      errorThresholdPercentage: 25,
      volumeThreshold: 4,
      windowMs: 10_000,
      resetMs: 500,
    });
    expect(() => readProviderServerConfig('VOLUE', { subgraph: 4002, simulator: 4102 }, { VOLUE_BREAKER_RESET_MS: '10' })).toThrow(
      /VOLUE_BREAKER_RESET_MS/,
    );
  });
});

describe('looksSecret', () => {
  it('hides credentials by whole name segment, not a provider name or a credential’s dates, URL or lifetime', () => {
    const secret = [
      'ENERKEY_API_KEY',
      'ENERKEY_API_KEY_SECONDARY',
      'GATEWAY_API_KEYS',
      'VOLUE_CLIENT_SECRET',
      'UMETER_PASSWORD',
      'OPENVOLT_WEBHOOK_TOKEN',
    ];
    const plain = [
      'ENERKEY_BURST_LIMIT',
      'ENERKEY_API_KEY_VALID_FROM',
      'ENERKEY_API_KEY_VALID_UNTIL',
      'VOLUE_TOKEN_URL',
      'UMETER_SIM_TOKEN_LIFETIME_S',
      'GATEWAY_MAX_TOKENS',
    ];
    expect(secret.filter((name) => !looksSecret(name))).toEqual([]);
    expect(plain.filter(looksSecret)).toEqual([]);
  });
});

describe('sameSecret', () => {
  it('is true only for the very secret, whatever the other’s length', () => {
    const secret = 'a-configured-secret-of-some-length';
    expect(sameSecret(secret, secret)).toBe(true);
    expect(sameSecret(`${secret.slice(0, -1)}X`, secret)).toBe(false);
    expect(sameSecret(secret.slice(0, 5), secret)).toBe(false);
    expect(sameSecret('', secret)).toBe(false);
  });
});
