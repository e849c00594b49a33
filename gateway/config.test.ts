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

  it('reads comma-separated API keys, trimmed, empty entries dropped; a key without :role is admin, as every key was before roles', () => {
    expect(readGatewayConfig({ GATEWAY_API_KEYS: ' one, two:read ,,three:write, fo:ur:admin, 5:6' }).access.apiKeys).toEqual([
      { key: 'one', role: 'admin' },
      { key: 'two', role: 'read' },
      { key: 'three', role: 'write' },
      { key: 'fo:ur', role: 'admin' },
      { key: '5:6', role: 'admin' },
    ]);
    expect(readGatewayConfig({}).access.apiKeys).toEqual([]);
  });

  it('refuses a key whose role is misspelt, without echoing the key', () => {
    const read = () => readGatewayConfig({ GATEWAY_API_KEYS: 'good:read,secret-key-123:amdin' });
    expect(read).toThrow(/GATEWAY_API_KEYS: entry 2 must end in :read, :write, :admin/);
    expect(read).not.toThrow(/secret-key-123/);
  });

  it('maps token claim values to roles, and needs a role on every pair', () => {
    expect(readGatewayConfig({}).access.jwtRoleValues).toEqual([
      { value: 'read', role: 'read' },
      { value: 'write', role: 'write' },
      { value: 'admin', role: 'admin' },
    ]);
    expect(readGatewayConfig({ GATEWAY_JWT_ROLES: 'api://grid/Reader:read' }).access.jwtRoleValues).toEqual([
      { value: 'api://grid/Reader', role: 'read' },
    ]);
    expect(() => readGatewayConfig({ GATEWAY_JWT_ROLES: 'gridgraph.read' })).toThrow(/GATEWAY_JWT_ROLES: entry 1/);
  });

  it('takes a rate limit per role, or the default for every role without one', () => {
    expect(readGatewayConfig({}).rateLimits).toEqual({ windowS: 60, perRole: { read: 0, write: 0, admin: 0 } });
    expect(
      readGatewayConfig({ GATEWAY_RATE_LIMIT: '100', GATEWAY_RATE_LIMIT_ADMIN: '5', GATEWAY_RATE_LIMIT_READ: '0' }).rateLimits,
    ).toEqual({
      windowS: 60,
      perRole: { read: 0, write: 100, admin: 5 },
    });
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
