import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { subgraphUrlSetting } from '../gateway/config.js';

/** What the benchmarks share: an operation, a target, our gateway in a child process, its memory. */

export const ROOT = fileURLToPath(new URL('..', import.meta.url));

export interface Operation {
  query: string;
  variables?: Record<string, unknown>;
}

export interface Target {
  name: string;
  url: string;
  pid?: number;
}

export function rssMiB(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kib = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
  return kib / 1024;
}

export function post(url: string, operation: Operation, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(operation) });
}

/** Our gateway alone in a child process (bench/gateway-child.ts), pointed at this run's subgraphs. */
export async function startOurGateway(
  children: ChildProcess[],
  urls: Array<[string, string]>,
  name: string,
  extraEnv: NodeJS.ProcessEnv = {},
): Promise<Target> {
  const port = await freePort();
  const env: NodeJS.ProcessEnv = { ...process.env, ...extraEnv, LOG_LEVEL: 'error', GATEWAY_PORT: String(port) };
  for (const [name, url] of urls) env[subgraphUrlSetting(name)] = url;
  const child = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'bench/gateway-child.ts')], {
    cwd: ROOT,
    env,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  children.push(child);
  const url = `http://127.0.0.1:${port}/graphql`;
  await waitFor(url, child);
  return { name, url, pid: child.pid! };
}

export async function waitFor(url: string, child: ChildProcess): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`${url}: the process exited with ${child.exitCode}`);
    try {
      const response = await post(url, { query: '{ __typename }' });
      if (response.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`${url} did not come up within 60 s`);
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}
