import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../test/support/process.js';
import { DEFAULT_LIMITS } from '../shared/subgraph/query-limits.js';
import { GATEWAY_SETTINGS, readGatewayConfig, subgraphUrlsFromEnv } from './config.js';
import { SUPERGRAPH_PATH } from './supergraph.js';

/** The gateway's one configuration object, read from the environment. */

describe('readGatewayConfig: the limits', () => {
  it('has documented defaults and takes overrides from the environment', () => {
    expect(readGatewayConfig({}).limits).toEqual(DEFAULT_LIMITS);
    expect(readGatewayConfig({ GATEWAY_MAX_DEPTH: '8', GATEWAY_MAX_READINGS: '1000' }).limits).toMatchObject({
      maxDepth: 8,
      maxReadings: 1000,
    });
  });

  it('refuses a malformed value naming the variable', () => {
    expect(() => readGatewayConfig({ GATEWAY_MAX_DEPTH: 'deep' })).toThrow(/GATEWAY_MAX_DEPTH/);
  });
});

describe('readGatewayConfig', () => {
  it('names every malformed variable in one error, access and limits settings among them', () => {
    const read = () => readGatewayConfig({ GATEWAY_PORT: 'eighty', GATEWAY_JWKS_URL: 'not a url', GATEWAY_MAX_COST: '-1' });
    expect(read).toThrow(/GATEWAY_PORT[\s\S]*GATEWAY_JWKS_URL[\s\S]*GATEWAY_MAX_COST/);
  });

  it('reads comma-separated API keys, trimmed, empty entries dropped', () => {
    expect(readGatewayConfig({ GATEWAY_API_KEYS: ' one, two ,,' }).access.apiKeys).toEqual(['one', 'two']);
    expect(readGatewayConfig({}).access.apiKeys).toEqual([]);
  });

  it('describes every setting, and .env.example lists every GATEWAY_ setting with its default', () => {
    const example = readFileSync(join(ROOT, '.env.example'), 'utf8');
    for (const [name, spec] of Object.entries(GATEWAY_SETTINGS)) {
      expect(spec.desc, name).toMatch(/\w/);
      if (!name.startsWith('GATEWAY_')) continue;
      const fallback = String(spec.default);
      expect(example, name).toMatch(new RegExp(fallback === '' ? `^# ${name}=` : `^${name}=${fallback}$`, 'm'));
    }
  });
});

describe('subgraphUrlsFromEnv', () => {
  it('takes <NAME>_SUBGRAPH_URL for the supergraph’s subgraphs only', () => {
    const env = {
      OPENVOLT_SUBGRAPH_URL: 'http://openvolt.internal/graphql',
      GHOST_SUBGRAPH_URL: 'http://ghost/graphql',
      UMETER_SUBGRAPH_URL: '',
    };
    expect(subgraphUrlsFromEnv(readFileSync(SUPERGRAPH_PATH, 'utf8'), env)).toEqual({ openvolt: 'http://openvolt.internal/graphql' });
  });
});
