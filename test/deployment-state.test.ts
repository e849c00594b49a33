import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { PROVIDERS } from '../subgraphs/registry.js';
import { ROOT } from './support/process.js';

/**
 * Where the deployment files keep state (README "State"), checked statically (there is no Docker engine
 * here): compose's Redis persists append-only on a volume and every subgraph uses it; the image gives
 * the embedded store a writable volume.
 */

interface ComposeService {
  command?: string[];
  volumes?: string[];
  environment?: Record<string, string>;
}
const compose = parse(readFileSync(join(ROOT, 'docker-compose.yml'), 'utf8'), { merge: true }) as {
  services: Record<string, ComposeService>;
  volumes?: Record<string, unknown>;
};
const dockerfile = readFileSync(join(ROOT, 'Dockerfile'), 'utf8');

describe('docker-compose.yml', () => {
  it('runs Redis with append-only persistence on a named volume', () => {
    const redis = compose.services.redis!;
    const option = (name: string) => redis.command![redis.command!.indexOf(name) + 1];
    expect(option('--appendonly')).toBe('yes');
    expect(option('--appendfsync')).toBe('everysec');
    const [volume, path] = redis.volumes![0]!.split(':');
    expect(path).toBe('/data');
    expect(compose.volumes).toHaveProperty(volume!);
  });

  it('points every provider subgraph at that Redis', () => {
    const providers = new Set(PROVIDERS.map(({ name }) => name));
    const subgraphs = Object.entries(compose.services).filter(([name]) => providers.has(name));
    expect(subgraphs).toHaveLength(PROVIDERS.length);
    for (const [, service] of subgraphs) expect(service.environment?.STORE_URL).toBe('redis://redis:6379/0');
  });
});

describe('Dockerfile', () => {
  it('gives the embedded store a volume only the node user can read and write', () => {
    expect(dockerfile).toMatch(/^ENV DATA_DIR=\/app\/data$/m);
    expect(dockerfile).toMatch(/^RUN mkdir -p \/app\/data && chown node:node \/app\/data && chmod 700 \/app\/data$/m);
    expect(dockerfile).toMatch(/^VOLUME \/app\/data$/m);
    expect(dockerfile.indexOf('VOLUME /app/data')).toBeLessThan(dockerfile.indexOf('USER node'));
  });
});
