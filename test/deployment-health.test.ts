import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { PROVIDERS } from '../subgraphs/registry.js';
import { ROOT } from './support/process.js';

/**
 * The deployment files' health checks ask the servers' readiness endpoint (README "Operations"), checked
 * statically: there is no Docker engine here.
 */
const compose = parse(readFileSync(join(ROOT, 'docker-compose.yml'), 'utf8'), { merge: true }) as {
  services: Record<string, { healthcheck?: { test?: string[] }; ports?: string[] }>;
};
const dockerfile = readFileSync(join(ROOT, 'Dockerfile'), 'utf8');

describe('health checks of the deployment files', () => {
  it('the image’s HEALTHCHECK asks /health/ready of the role’s server, the role noted by the entrypoint', () => {
    const healthcheck = /^HEALTHCHECK .* CMD (\[.*\])$/m.exec(dockerfile);
    expect(healthcheck).not.toBeNull();
    const [program, flag, code] = JSON.parse(healthcheck![1]!) as string[];
    expect([program, flag]).toEqual(['node', '-e']);
    expect(code).toContain('/health/ready');
    expect(code).toContain('/tmp/gridgraph-role');
    expect(dockerfile).toMatch(/^ENTRYPOINT .*printf %s \\"\$role\\" > \/tmp\/gridgraph-role/m);
    for (const { name, ports } of PROVIDERS) expect(code).toContain(`${name}:${ports.subgraph}`);
  });

  it('compose checks every server’s /health/ready on its own port', () => {
    // The subgraphs' ports are not published (README "Security"): each service's is its provider's default.
    const ports = {
      gateway: compose.services.gateway!.ports![0]!.split(':')[1],
      ...Object.fromEntries(PROVIDERS.map(({ name, ports }) => [name, ports.subgraph])),
    };
    for (const [name, port] of Object.entries(ports)) {
      expect(compose.services[name]!.healthcheck?.test?.join(' '), name).toContain(`http://127.0.0.1:${port}/health/ready`);
    }
  });
});
