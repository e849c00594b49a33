import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ephemeralPorts } from '../scripts/stack.js';
import { COMPOSITES, PROVIDERS } from '../subgraphs/registry.js';
import { ROOT, TSX } from './support/process.js';

/** `npm start` as a person runs it: it prints every URL, serves, and Ctrl-C (SIGINT) stops it cleanly. */

// Where the started processes keep their state (DATA_DIR), instead of the project's data/ folder.
const dataDir = mkdtempSync(join(tmpdir(), 'gridgraph-start-all-'));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

describe('start-all', () => {
  it('prints the simulator, subgraph, gateway and playground URLs, serves the playground, answers queries, and exits 0 on SIGINT', async () => {
    const child = spawn(TSX, ['scripts/start-all.ts'], {
      cwd: ROOT,
      env: { ...process.env, ...ephemeralPorts(), DATA_DIR: join(dataDir, 'all'), LOG_LEVEL: 'info' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    try {
      // Five simulators and subgraphs compiled by tsx while the rest of the suite runs on two cores: allow a minute.
      await expect.poll(() => output, { timeout: 60_000, interval: 100 }).toMatch(/Gridgraph is up/);
      expect(output).toMatch(/openvolt\s+simulator\s+http:\/\/127\.0\.0\.1:\d+/);
      expect(output).toMatch(/openvolt\s+subgraph\s+http:\/\/127\.0\.0\.1:\d+\/graphql/);
      const gatewayUrl = /gateway\s+gateway\s+(http:\/\/127\.0\.0\.1:\d+\/graphql)/.exec(output)?.[1];
      expect(gatewayUrl).toBeDefined();
      const playgroundUrl = /playground \(GraphiQL, in a browser\)\s+(http:\/\/127\.0\.0\.1:\d+\/)\n/.exec(output)?.[1];
      expect(playgroundUrl).toBe(new URL('/', gatewayUrl).href);
      const page = await fetch(playgroundUrl!, { headers: { accept: 'text/html' } });
      expect(page.headers.get('content-type')).toMatch(/^text\/html/);
      expect(await page.text()).toContain('playground/assets/graphiql.min.js');

      const response = await fetch(gatewayUrl!, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ query: '{ meteringPoint(id: "9999999999999") { openvoltMeters { id } } }' }),
      });
      expect(
        ((await response.json()) as { data: { meteringPoint: { openvoltMeters: unknown[] } } }).data.meteringPoint.openvoltMeters,
      ).toHaveLength(2);

      child.kill('SIGINT');
      const [code] = await once(child, 'exit');
      expect(code).toBe(0);
      // A simulator and a subgraph per provider, the webhook receivers of those that have them, the composites and the gateway.
      const receivers = PROVIDERS.filter(({ ports }) => ports.webhook !== undefined).length;
      expect(output).toMatch(/metering\s+subgraph\s+http:\/\/127\.0\.0\.1:\d+\/graphql/);
      expect(output).toMatch(/openvolt-webhooks\s+webhooks\s+http:\/\/127\.0\.0\.1:\d+/);
      expect(output).toContain(`stopping ${2 * PROVIDERS.length + receivers + COMPOSITES.length + 1} servers`);
      expect(output).toMatch(/"component":"shutdown".*"msg":"stopped"/);
      await expect(fetch(gatewayUrl!)).rejects.toThrow();
      // With nothing configured, every subgraph keeps its state in its own embedded store under DATA_DIR.
      expect(readdirSync(join(dataDir, 'all')).filter((file) => file.endsWith('.mdb'))).toEqual(
        PROVIDERS.map((module) => `${module.name}.mdb`).sort(),
      );
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
    }
  }, 90_000);

  it('runs one subgraph alone (how it is deployed): its simulator and subgraph, answering, until SIGINT', async () => {
    const child = spawn(TSX, ['subgraphs/enerkey/index.ts'], {
      cwd: ROOT,
      env: {
        ...process.env,
        ENERKEY_SUBGRAPH_PORT: '0',
        ENERKEY_SIMULATOR_PORT: '0',
        DATA_DIR: join(dataDir, 'enerkey'),
        LOG_LEVEL: 'info',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    try {
      await expect.poll(() => output, { timeout: 60_000, interval: 100 }).toMatch(/EnerKey subgraph\s+http:\/\/\S+\/graphql/);
      expect(output).toMatch(/EnerKey simulator\s+http:\/\/127\.0\.0\.1:\d+/);
      const subgraphUrl = /EnerKey subgraph\s+(http:\/\/\S+\/graphql)/.exec(output)![1]!;
      const response = await fetch(subgraphUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ query: '{ enerkeyFacility(id: "1001") { id name } }' }),
      });
      expect(((await response.json()) as { data: { enerkeyFacility: { id: string } } }).data.enerkeyFacility.id).toBe('1001');
      child.kill('SIGINT');
      const [code] = await once(child, 'exit');
      expect(code).toBe(0);
      expect(output).toContain('stopping 2 servers');
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
    }
  }, 90_000);
});
