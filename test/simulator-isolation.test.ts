import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { settingPrefix } from '../shared/subgraph/provider.js';
import { PROVIDERS } from '../subgraphs/registry.js';
import { ROOT, TSX } from './support/process.js';

/**
 * Simulators are tools, not product (DESIGN.md, "Layout"): a subgraph started against a real API loads
 * no simulator code — neither its provider's simulator nor the simulator kit — and no chart library.
 * Each subgraph runs as it is deployed (`subgraphs/<name>/index.ts`), with a hook recording every module
 * it loads; the same run without an API URL shows that the recording does see a simulator load.
 */
const CHART_LIBRARIES = ['/node_modules/chart.js/', '/node_modules/@napi-rs/canvas', '/node_modules/pdfkit/'];
const isSimulatorCode = (url: string) => url.includes('/simulator') || CHART_LIBRARIES.some((library) => url.includes(library));

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'gridgraph-modules-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Starts the subgraph alone until it serves, stops it, and returns the URLs of the modules it loaded. */
async function modulesLoaded(name: string, env: Record<string, string>): Promise<string[]> {
  const record = join(dir, `${name}-${Object.keys(env).length}.txt`);
  const child = spawn(TSX, ['--import', './test/support/module-recorder.mjs', `subgraphs/${name}/index.ts`], {
    cwd: ROOT,
    env: { ...process.env, ...env, RECORD_MODULES_TO: record, DATA_DIR: join(dir, name), LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  try {
    await expect.poll(() => output, { timeout: 60_000, interval: 100 }).toMatch(/subgraph\s+http:\/\/\S+\/graphql/);
  } finally {
    child.kill('SIGINT');
    if (child.exitCode === null) await once(child, 'exit');
  }
  return (await readFile(record, 'utf8')).split('\n').filter(Boolean);
}

/** Every setting a provider may need for its real API; nothing is called before the first query. */
function realApi(prefix: string): Record<string, string> {
  const credentials = ['API_KEY', 'CLIENT_ID', 'CLIENT_SECRET', 'WEBHOOK_SECRET', 'USERNAME', 'PASSWORD'];
  return { [`${prefix}_API_URL`]: 'https://api.invalid', ...Object.fromEntries(credentials.map((key) => [`${prefix}_${key}`, 'x'])) };
}
const ports = (prefix: string) => ({ [`${prefix}_SUBGRAPH_PORT`]: '0', [`${prefix}_SIMULATOR_PORT`]: '0' });

describe.concurrent('a subgraph started against its real API', () => {
  it.each(PROVIDERS.map((provider) => [provider.name, settingPrefix(provider)] as const))(
    '%s loads no simulator code and no chart library',
    async (name, prefix) => {
      const loaded = await modulesLoaded(name, { ...ports(prefix), ...realApi(prefix) });
      expect(loaded.some((url) => url.includes(`/subgraphs/${name}/`))).toBe(true);
      expect(loaded.filter(isSimulatorCode)).toEqual([]);
    },
    90_000,
  );

  it('(the recording sees a simulator when one is started)', async () => {
    const [provider] = PROVIDERS;
    const loaded = await modulesLoaded(provider!.name, ports(settingPrefix(provider!)));
    expect(loaded.some((url) => url.includes(`/subgraphs/${provider!.name}/simulator`))).toBe(true);
  }, 90_000);
});
