import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { subgraphUrlSetting } from '../gateway/config.js';
import { GATEWAY_NODE_OPTIONS } from '../gateway/node-options.js';
import { SUBGRAPH_SECRET_HEADER, SUBGRAPH_SECRET_SETTING, newSubgraphSecret } from '../shared/subgraph/gateway-secret.js';
import { unusedPort as freePort } from '../test/support/ports.js';

/**
 * The processes a benchmark runs (issue 23, "honest load"): the simulators in one process, the
 * subgraphs in another, each gateway in its own, so the CPU time each spends can be read apart from the
 * others (`cpuSeconds`, from /proc) and the fake providers' work is never counted as ours.
 */
export const ROOT = fileURLToPath(new URL('..', import.meta.url));

/**
 * What every process of a benchmark runs with: production mode, as the image does (Dockerfile; graphql-js
 * checks every type test twice in development) and as Hive Gateway is run; room for a large series on a
 * busy machine, since a benchmark measures slow answers and does not cut them off.
 */
const BENCH_ENV = { NODE_ENV: 'production', GATEWAY_REQUEST_TIMEOUT_MS: '120000', SUBGRAPH_REQUEST_TIMEOUT_MS: '120000' };

/**
 * The subgraphs trust only a caller that sends this run's secret, as in production: our gateway gets it
 * through GRIDGRAPH_SUBGRAPH_SECRET, Hive Gateway and requests straight at a subgraph send these headers.
 */
const SUBGRAPH_SECRET = newSubgraphSecret();
export const SUBGRAPH_HEADERS: Record<string, string> = { [SUBGRAPH_SECRET_HEADER]: SUBGRAPH_SECRET };
const SECRET_ENV = { [SUBGRAPH_SECRET_SETTING]: SUBGRAPH_SECRET };

/** A GraphQL request a benchmark sends. */
export interface Operation {
  query: string;
  variables?: Record<string, unknown>;
}

/**
 * The large series (ten meters × a year of half hours, 175,210 readings as the cap estimates it) is over
 * the default readings cap (100,000, sized for the gateway's memory bound): the benchmarks that send it
 * raise the cap of the gateway and the subgraphs to it, and say so.
 */
export const LARGE_SERIES_CAP = { GATEWAY_MAX_READINGS: '180000', SUBGRAPH_MAX_READINGS: '180000' };

export interface BenchProcess {
  name: string;
  pid: number;
}

export interface Simulators extends BenchProcess {
  /** Each provider's simulator URL (counters at `/_simulator/stats`, faults at `/_simulator/faults`). */
  urls: Record<string, string>;
  /** What points the subgraphs at them. */
  env: Record<string, string>;
  /** The simulated sites' metering-point mapping, rows of a METERING_POINT_MAPPING_FILE. */
  meteringPoints: Array<{ provider: string; meterId: string; meteringPointId: string }>;
}

export interface Subgraphs extends BenchProcess {
  /** Each subgraph's GraphQL URL. */
  urls: Record<string, string>;
}

const children: ChildProcess[] = [];

/** Stops every process this module started. */
export function stopAll(): void {
  for (const child of children) if (child.exitCode === null) child.kill('SIGTERM');
}

/** A TypeScript program under bench/ in a child process; resolves with the first line it prints, as JSON. */
async function startChild<T>(name: string, script: string, env: NodeJS.ProcessEnv, nodeArgs: string[] = []): Promise<T & BenchProcess> {
  const child = spawn(process.execPath, [...nodeArgs, '--import', 'tsx', join(ROOT, 'bench', script)], {
    cwd: ROOT,
    env: { ...process.env, LOG_LEVEL: 'error', ...BENCH_ENV, ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  children.push(child);
  const lines = createInterface({ input: child.stdout! });
  const first = await new Promise<string>((resolve, reject) => {
    lines.once('line', resolve);
    child.once('exit', (code) => reject(new Error(`${script} exited with ${code} before it was ready`)));
  });
  return { ...(JSON.parse(first) as T), name, pid: child.pid! };
}

export function startSimulators(env: NodeJS.ProcessEnv = {}): Promise<Simulators> {
  return startChild<Omit<Simulators, keyof BenchProcess>>('simulators', 'simulators-child.ts', env);
}

/** Every subgraph on a free port, against the simulators, with its state in `dataDir`; `nodeArgs` such as `--cpu-prof`. */
export function startSubgraphs(
  simulators: Simulators,
  dataDir: string,
  env: NodeJS.ProcessEnv = {},
  nodeArgs: string[] = [],
): Promise<Subgraphs> {
  // The mapping a simulator hands a subgraph started beside it, here through the operator's file.
  mkdirSync(dataDir, { recursive: true });
  const mappingFile = join(dataDir, 'metering-points.json');
  writeFileSync(mappingFile, JSON.stringify(simulators.meteringPoints));
  const ports = Object.fromEntries(Object.keys(simulators.urls).map((name) => [`${name.toUpperCase()}_SUBGRAPH_PORT`, '0']));
  return startChild<Omit<Subgraphs, keyof BenchProcess>>(
    'subgraphs',
    'subgraphs-child.ts',
    {
      ...simulators.env,
      ...ports,
      DATA_DIR: dataDir,
      METERING_POINT_MAPPING_FILE: mappingFile,
      ...SECRET_ENV,
      ...env,
    },
    nodeArgs,
  );
}

/**
 * Our gateway (bench/gateway-child.ts) over the subgraphs, with the Node options it runs with in production
 * (gateway/node-options.ts) before `nodeArgs`; resolves with its GraphQL URL once it answers.
 */
export async function startOurGateway(
  subgraphs: Subgraphs,
  name = 'gridgraph gateway',
  nodeArgs: string[] = [],
  extraEnv: NodeJS.ProcessEnv = {},
): Promise<BenchProcess & { url: string }> {
  const port = await freePort();
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    LOG_LEVEL: 'error',
    ...BENCH_ENV,
    ...SECRET_ENV,
    GATEWAY_PORT: String(port),
    ...extraEnv,
  };
  for (const [subgraph, url] of Object.entries(subgraphs.urls)) env[subgraphUrlSetting(subgraph)] = url;
  const child = spawn(process.execPath, [...GATEWAY_NODE_OPTIONS, ...nodeArgs, '--import', 'tsx', join(ROOT, 'bench/gateway-child.ts')], {
    cwd: ROOT,
    env,
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  children.push(child);
  const url = `http://127.0.0.1:${port}/graphql`;
  await waitFor(url, child);
  return { name, url, pid: child.pid! };
}

/** Any other server program (Hive Gateway); resolves once `url` answers a GraphQL request. */
export async function startServer(name: string, url: string, command: string[], options: { cwd: string; env: NodeJS.ProcessEnv }) {
  const child = spawn(process.execPath, command, { ...options, stdio: ['ignore', 'ignore', 'inherit'] });
  children.push(child);
  await waitFor(url, child);
  return { name, url, pid: child.pid! };
}

/** CPU time (user + system) a process has used so far, in seconds. */
export function cpuSeconds(pid: number): number {
  // /proc/<pid>/stat: the command may hold spaces, so count fields after its closing parenthesis.
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  const ticksPerSecond = 100; // USER_HZ, 100 on every Linux platform Node supports
  return (Number(fields[11]) + Number(fields[12])) / ticksPerSecond;
}

/** Resident memory of a process now, in MiB. */
export function rssMiB(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0) / 1024;
}

/** Requests the simulators have served so far, all providers together (or only `names`). */
export async function upstreamTotal(simulators: Simulators, names = Object.keys(simulators.urls)): Promise<number> {
  const totals = await Promise.all(
    names.map(async (name) => ((await (await fetch(`${simulators.urls[name]}/_simulator/stats`)).json()) as { total: number }).total),
  );
  return totals.reduce((a, b) => a + b, 0);
}

/** Sets faults (an added latency) on every simulator. */
export async function setSimulatorFaults(simulators: Simulators, faults: { latencyMs: number }): Promise<void> {
  await Promise.all(
    Object.values(simulators.urls).map((url) =>
      fetch(`${url}/_simulator/faults`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify(faults) }),
    ),
  );
}

export function post(url: string, body: unknown, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
}

async function waitFor(url: string, child: ChildProcess): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`${url}: the process exited with ${child.exitCode}`);
    try {
      if ((await post(url, { query: '{ __typename }' })).ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`${url} did not come up within 60 s`);
}
