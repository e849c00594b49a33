import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, realpathSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { COMPOSITES, PROVIDERS } from '../subgraphs/registry.js';
import { ROOT, TSX } from './support/process.js';
import { subgraphUrlSetting } from '../gateway/config.js';
import { unusedPort } from './support/ports.js';
import { gatewayClient } from './support/stack.js';

/**
 * The production build and the image's entry commands, run as processes (there is no Docker engine
 * here). The build goes into a temporary folder laid out like the image's /app: package.json,
 * node_modules holding only what `npm ci --omit=dev` installs (package-lock.json's non-dev packages,
 * linked from the project's node_modules), and dist/. So a compiled module that needs a dev package
 * (tsx, a simulator's drawing library) or a file the build did not copy fails here as it would in the image.
 */

const app = mkdtempSync(join(tmpdir(), 'gridgraph-build-'));
const dist = join(app, 'dist');
const children: ChildProcess[] = [];

interface LockedPackage {
  dev?: boolean;
}

/** node_modules as `npm ci --omit=dev` lays it out: each top-level non-dev package of the lock (its own node_modules comes along). */
function linkProductionPackages(target: string): void {
  const lock = JSON.parse(readFileSync(join(ROOT, 'package-lock.json'), 'utf8')) as { packages: Record<string, LockedPackage> };
  const installed = realpathSync(join(ROOT, 'node_modules'));
  for (const [path, entry] of Object.entries(lock.packages)) {
    const name = /^node_modules\/((?:@[^/]+\/)?[^/]+)$/.exec(path)?.[1];
    // Platform packages of other systems are in the lock but not installed.
    if (!name || entry.dev || !existsSync(join(installed, name))) continue;
    mkdirSync(dirname(join(target, name)), { recursive: true });
    symlinkSync(join(installed, name), join(target, name));
  }
}

beforeAll(async () => {
  copyFileSync(join(ROOT, 'package.json'), join(app, 'package.json'));
  linkProductionPackages(join(app, 'node_modules'));
  // --no-check: the JavaScript is the same, in about half the time; `npm run typecheck` checks the types.
  await promisify(execFile)(TSX, ['scripts/build.ts', '--out-dir', dist, '--no-check'], { cwd: ROOT });
}, 180_000);

afterAll(async () => {
  for (const child of children) {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  }
  rmSync(app, { recursive: true, force: true });
});

function compiledFiles(folder: string): string[] {
  return readdirSync(folder, { recursive: true, encoding: 'utf8' })
    .filter((file) => file.endsWith('.js'))
    .map((file) => join(folder, file));
}

/** `node <entry>` in the image's folder; resolves once its output matches `ready`, with the match. */
async function startCompiled(
  entry: string,
  env: NodeJS.ProcessEnv,
  ready: RegExp,
): Promise<{ child: ChildProcess; match: RegExpExecArray }> {
  const child = spawn(process.execPath, [entry], {
    cwd: app,
    env: { PATH: process.env.PATH, HOST: '127.0.0.1', LOG_LEVEL: 'error', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  await expect.poll(() => (child.exitCode === null ? ready.test(output) : output), { timeout: 30_000, interval: 50 }).toBe(true);
  return { child, match: ready.exec(output)! };
}

async function stopCompiled(child: ChildProcess): Promise<number | null> {
  child.kill('SIGTERM');
  const [code] = (await once(child, 'exit')) as [number | null];
  return code;
}

describe('the production build', () => {
  it('copies every file a compiled module reads relative to itself', () => {
    const reads = compiledFiles(dist).flatMap((file) =>
      [...readFileSync(file, 'utf8').matchAll(/new URL\('([^']+)', import\.meta\.url\)/g)].map(([, relative]) => ({
        file,
        relative: relative!,
      })),
    );
    // supergraph.graphql, the playground's page script and its examples at least.
    expect(reads.length).toBeGreaterThanOrEqual(3);
    for (const { file, relative } of reads) {
      expect(existsSync(fileURLToPath(new URL(relative, pathToFileURL(file)))), `${relative} from ${file}`).toBe(true);
    }
  });

  it('loads every entry point with production dependencies only', async () => {
    const entries = [
      'gateway/index.js',
      ...PROVIDERS.map((module) => `subgraphs/${module.name}/index.js`),
      // start-all's stack (start-all itself starts it on import)
      'scripts/stack.js',
    ].map((entry) => pathToFileURL(join(dist, entry)).href);
    const script = 'for (const entry of process.argv.slice(1)) await import(entry);';
    await expect(
      promisify(execFile)(process.execPath, ['--input-type=module', '-e', script, ...entries], { cwd: app }),
    ).resolves.toBeDefined();
  });

  it('runs the gateway and a subgraph with its simulator as `node dist/…`, with the playground, without the simulators’ drawing libraries', async () => {
    const subgraph = await startCompiled(
      join(dist, 'subgraphs/intellimeter/index.js'),
      { INTELLIMETER_SUBGRAPH_PORT: '0', INTELLIMETER_SIMULATOR_PORT: '0' },
      /Intellimeter subgraph\s+(http:\/\/\S+\/graphql)/,
    );
    // Every other subgraph of the supergraph is down.
    const down = `http://127.0.0.1:${await unusedPort()}/graphql`;
    const subgraphUrls = Object.fromEntries(PROVIDERS.map((module) => [subgraphUrlSetting(module.name), down]));
    const gateway = await startCompiled(
      join(dist, 'gateway/index.js'),
      { ...subgraphUrls, INTELLIMETER_SUBGRAPH_URL: subgraph.match[1], GATEWAY_PORT: '0' },
      /(http:\/\/127\.0\.0\.1:\d+)\/graphql/,
    );
    const origin = gateway.match[1]!;

    const { data, errors } = await gatewayClient(`${origin}/graphql`).query<{
      intellimeterPoints: { nodes: Array<{ name: string }> };
      intellimeterAccount: { chart: unknown };
    }>('{ intellimeterPoints(first: 2) { nodes { name } } intellimeterAccount { chart(type: BAR, width: 300, height: 200) { dataUrl } } }');
    expect(data.intellimeterPoints.nodes).toHaveLength(2);
    // The simulator starts without its drawing libraries (the canvas and PDFKit: devDependencies) and refuses only the chart.
    expect(data.intellimeterAccount.chart).toBeNull();
    expect(errors).toEqual([
      expect.objectContaining({ path: ['intellimeterAccount', 'chart'], extensions: expect.objectContaining({ upstreamStatus: 501 }) }),
    ]);

    // The playground's page, its script and its examples come from dist/.
    const page = await (await fetch(`${origin}/`, { headers: { accept: 'text/html' } })).text();
    expect(page).toContain('intellimeter-daily-consumption.graphql');
    expect((await fetch(`${origin}/playground/assets/playground.js`)).status).toBe(200);

    // DATA_DIR defaults to data/ in the folder that holds dist/, as it does in the checkout for tsx.
    expect(readdirSync(join(app, 'data'))).toContain('intellimeter.mdb');

    expect(await stopCompiled(gateway.child)).toBe(0);
    expect(await stopCompiled(subgraph.child)).toBe(0);
  });
});

describe('the Dockerfile', () => {
  const dockerfile = readFileSync(join(ROOT, 'Dockerfile'), 'utf8').replace(/\\\n/g, ' ');
  const stages = dockerfile.split(/^FROM /m).slice(1);
  const image = stages.at(-1)!;
  const scripts = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts;

  it('builds in a stage of its own and runs with production dependencies only', () => {
    expect(stages.length).toBeGreaterThanOrEqual(2);
    const install = /^RUN (npm ci\b.*)$/m.exec(image)?.[1];
    expect(install).toMatch(/--omit=dev\b/);
    expect(image).toMatch(/^COPY --from=\S+ \/app\/dist \.\/dist$/m);
    for (const [, script] of dockerfile.matchAll(/npm run (\S+)/g)) expect(scripts, `npm run ${script}`).toHaveProperty(script!);
    for (const [, sources] of dockerfile.matchAll(/^COPY (?!--from)(.+) \S+$/gm)) {
      for (const source of sources!.split(/\s+/)) expect(existsSync(join(ROOT, source)), `COPY ${source}`).toBe(true);
    }
  });

  it('starts every role with a file the build produces', () => {
    const [shell, , script] = JSON.parse(/^ENTRYPOINT (\[.*\])$/m.exec(image)![1]!) as string[];
    expect(shell).toBe('/bin/sh');
    const arms = [...script!.matchAll(/([\w|]+)\) exec node (?:--\S+ )*"?(dist\/[^"\s;]+)"?/g)].map(([, roles, entry]) => ({
      roles: roles!.split('|'),
      entry: entry!,
    }));
    expect(arms.map(({ roles }) => roles)).toEqual([['gateway'], [...PROVIDERS, ...COMPOSITES].map((module) => module.name), ['all']]);
    for (const { roles, entry } of arms) {
      for (const role of roles) expect(existsSync(join(app, entry.replace('$role', role))), `${role}: ${entry}`).toBe(true);
    }
  });

  it('installs neither TypeScript runners nor the simulators’ drawing libraries, and no benchmark peer; the playground’s Chart.js it does', () => {
    const lock = JSON.parse(readFileSync(join(ROOT, 'package-lock.json'), 'utf8')) as { packages: Record<string, LockedPackage> };
    for (const name of ['tsx', 'typescript', '@napi-rs/canvas', 'pdfkit']) {
      expect(lock.packages[`node_modules/${name}`], name).toMatchObject({ dev: true });
    }
    expect(lock.packages['node_modules/chart.js']).not.toHaveProperty('dev');
    for (const name of ['@graphql-hive/gateway', 'autocannon']) expect(lock.packages).not.toHaveProperty(`node_modules/${name}`);
  });
});
