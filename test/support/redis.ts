import { spawn, type ChildProcess } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';
import { Redis } from 'ioredis';
import { unusedPort } from './ports.js';
import { findTool } from './tools.js';

/**
 * A throw-away redis-server on a free loopback port, no persistence; `.ci/run` installs Debian's. Tests
 * that need it skip with `describe.skipIf(!hasTool('redis'))` where it is missing.
 */
export interface TestRedis {
  url: string;
  stop(): Promise<void>;
}

export async function startRedis(): Promise<TestRedis> {
  const port = await unusedPort();
  const executable = findTool('redis');
  if (!executable) throw new Error("redis-server is not installed (guard the test with hasTool('redis'))");
  const child: ChildProcess = spawn(executable, ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], {
    stdio: 'ignore',
  });
  let spawnError: Error | undefined;
  child.once('error', (error) => (spawnError = error));
  const exited = new Promise<void>((resolve) => child.once('close', () => resolve()));
  const url = `redis://127.0.0.1:${port}`;
  const probe = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
  probe.on('error', () => {});
  for (let attempt = 0; ; attempt++) {
    try {
      await probe.connect();
      await probe.ping();
      probe.disconnect();
      break;
    } catch {
      if (attempt > 100 || child.exitCode !== null || spawnError) {
        child.kill();
        throw new Error(`${executable} did not start on port ${port}${spawnError ? `: ${spawnError.message}` : ''}`);
      }
      await sleep(50);
    }
  }
  return {
    url,
    async stop() {
      child.kill('SIGTERM');
      await exited;
    },
  };
}
