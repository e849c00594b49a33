import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { once } from 'node:events';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT } from '../../test/support/process.js';
import { startRedis, type TestRedis } from '../../test/support/redis.js';
import { hasTool } from '../../test/support/tools.js';
import { ConfigError } from '../subgraph/config.js';
import { DiskStore, MemoryStore, RedisStore, createStore, reportingErrors, withLock, type Store } from './index.js';

// The same contract for every implementation: what one replica writes, the store gives back. The Redis
// half needs redis-server; without it that half skips (the global setup says so).
const withRedis = hasTool('redis');
const dataDir = mkdtempSync(join(tmpdir(), 'gridgraph-store-'));
let redis: TestRedis;
let redisStore: RedisStore;
let redisStore2: RedisStore;
let diskStore: DiskStore;
let clock = 1_000_000;
beforeAll(async () => {
  diskStore = new DiskStore(join(dataDir, 'contract.mdb'), () => clock);
  if (!withRedis) return;
  redis = await startRedis();
  redisStore = new RedisStore(redis.url);
  redisStore2 = new RedisStore(redis.url);
});
afterAll(async () => {
  await diskStore?.close();
  await redisStore?.close();
  await redisStore2?.close();
  await redis?.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

const implementations: Array<[string, () => Store]> = [
  ['memory', () => new MemoryStore(() => clock)],
  ['disk', () => diskStore],
  ['redis', () => redisStore],
];

for (const [name, make] of implementations)
  describe.skipIf(name === 'redis' && !withRedis)(`${name} store`, () => {
    const k = (key: string) => `${name}-${Math.random().toString(36).slice(2)}-${key}`;

    it('gets what was set, and nothing for a missing key', async () => {
      const store = make();
      const key = k('a');
      expect(await store.get(key)).toBeUndefined();
      await store.set(key, 'one');
      expect(await store.get(key)).toBe('one');
      await store.set(key, 'two');
      expect(await store.get(key)).toBe('two');
    });

    it('sets a key only when absent', async () => {
      const store = make();
      const key = k('nx');
      expect(await store.setIfAbsent(key, 'first', 60_000)).toBe(true);
      expect(await store.setIfAbsent(key, 'second', 60_000)).toBe(false);
      expect(await store.get(key)).toBe('first');
    });

    it('deletes, and with a value only while the key still holds it', async () => {
      const store = make();
      const key = k('del');
      await store.set(key, 'mine');
      expect(await store.delete(key, 'theirs')).toBe(false);
      expect(await store.get(key)).toBe('mine');
      expect(await store.delete(key, 'mine')).toBe(true);
      expect(await store.get(key)).toBeUndefined();
      expect(await store.delete(key)).toBe(false);
    });

    it('increments and decrements atomically from zero', async () => {
      const store = make();
      const key = k('n');
      const results = await Promise.all(Array.from({ length: 20 }, () => store.increment(key)));
      expect(new Set(results).size).toBe(20);
      expect(Math.max(...results)).toBe(20);
      expect(await store.increment(key, -5)).toBe(15);
      expect(await store.get(key)).toBe('15');
    });

    it('lets one of many concurrent lockers in at a time', async () => {
      const store = make();
      const key = k('lock');
      let inside = 0;
      let most = 0;
      await Promise.all(
        Array.from({ length: 5 }, () =>
          withLock(
            store,
            key,
            async () => {
              inside++;
              most = Math.max(most, inside);
              await new Promise((resolve) => setImmediate(resolve));
              inside--;
            },
            { pollMs: 1 },
          ),
        ),
      );
      expect(most).toBe(1);
      expect(await store.get(`lock:${key}`)).toBeUndefined();
    });

    it('lists an index highest score first, from a minimum score, a page at a time, with the total', async () => {
      const store = make();
      const key = k('index');
      expect(await store.readIndex(key)).toEqual({ entries: [], total: 0 });
      for (const [member, score] of [
        ['a', 5],
        ['b', 10],
        ['c', 10],
        ['d', -3],
        ['e', 1.7e12],
        ['f', 2.5],
      ] as const)
        await store.addToIndex(key, member, score);
      const all = await store.readIndex(key);
      expect(all.entries.map((entry) => entry.member)).toEqual(['e', 'c', 'b', 'a', 'f', 'd']);
      expect(all.entries[0]).toEqual({ member: 'e', score: 1.7e12 });
      expect(all.total).toBe(6);
      expect(await store.readIndex(key, { minScore: 2.5 })).toMatchObject({ total: 5, entries: { length: 5 } });
      const page = await store.readIndex(key, { minScore: 2.5, offset: 1, limit: 2 });
      expect(page).toEqual({
        entries: [
          { member: 'c', score: 10 },
          { member: 'b', score: 10 },
        ],
        total: 5,
      });
    });

    it('moves a member that is added again, and trims members below a score', async () => {
      const store = make();
      const key = k('trim');
      await store.addToIndex(key, 'old', 1);
      await store.addToIndex(key, 'new', 2);
      await store.addToIndex(key, 'old', 3);
      expect((await store.readIndex(key)).entries).toEqual([
        { member: 'old', score: 3 },
        { member: 'new', score: 2 },
      ]);
      expect(await store.trimIndex(key, 3)).toBe(1);
      expect(await store.readIndex(key)).toEqual({ entries: [{ member: 'old', score: 3 }], total: 1 });
      expect(await store.trimIndex(key, 3)).toBe(0);
    });

    it('answers a ping', async () => {
      await expect(make().ping()).resolves.toBeUndefined();
    });

    it('keeps indexes apart from each other and from plain keys of the same name', async () => {
      const store = make();
      const key = k('apart');
      await store.addToIndex(`${key}:a`, 'm', 1);
      await store.addToIndex(`${key}:b`, 'm', 2);
      expect((await store.readIndex(`${key}:a`)).entries).toEqual([{ member: 'm', score: 1 }]);
      expect((await store.readIndex(`${key}:b`)).entries).toEqual([{ member: 'm', score: 2 }]);
      expect(await store.get(`${key}:a`)).toBeUndefined();
    });
  });

// An injected clock for memory and disk; Redis keeps real time, so its TTLs are read back instead.
for (const [name, make] of implementations.filter(([name]) => name !== 'redis'))
  describe(`${name} store expiry`, () => {
    it('forgets a key after its TTL, also a counter created with one, and an index after its latest addition', async () => {
      const store = make();
      const prefix = `${name}-expiry-${clock}`;
      const k = (key: string) => `${prefix}-${key}`;
      await store.set(k('t'), 'v', 1_000);
      await store.increment(k('c'), 1, 1_000);
      await store.increment(k('c'), 1, 5_000); // an existing key keeps its expiry
      await store.addToIndex(k('i'), 'first', 1, 1_000);
      clock += 500;
      await store.addToIndex(k('i'), 'second', 2, 1_000); // pushes the index's expiry out
      clock += 499;
      expect(await store.get(k('t'))).toBe('v');
      expect(await store.get(k('c'))).toBe('2');
      clock += 1;
      expect(await store.get(k('t'))).toBeUndefined();
      expect(await store.get(k('c'))).toBeUndefined();
      expect(await store.setIfAbsent(k('t'), 'again')).toBe(true);
      expect((await store.readIndex(k('i'))).total).toBe(2);
      clock += 500;
      expect(await store.readIndex(k('i'))).toEqual({ entries: [], total: 0 });
      await store.addToIndex(k('i'), 'third', 3);
      expect((await store.readIndex(k('i'))).entries).toEqual([{ member: 'third', score: 3 }]);
    });
  });

describe('disk store', () => {
  it('keeps keys, counters, indexes and their TTLs across a close and a reopen (a restart)', async () => {
    const path = join(dataDir, 'restart.mdb');
    const before = new DiskStore(path, () => clock);
    await before.set('kept', 'v');
    await before.set('expiring', 'v', 60_000);
    await before.increment('counter', 7);
    await before.addToIndex('inbox', 'delivery-1', 42, 60_000);
    await before.close();
    const after = new DiskStore(path, () => clock);
    expect(await after.get('kept')).toBe('v');
    expect(await after.get('expiring')).toBe('v');
    expect(await after.increment('counter')).toBe(8);
    expect((await after.readIndex('inbox')).entries).toEqual([{ member: 'delivery-1', score: 42 }]);
    clock += 60_000;
    expect(await after.get('expiring')).toBeUndefined();
    expect((await after.readIndex('inbox')).total).toBe(0);
    await after.close();
  });

  it('creates its folder readable by this user only: the file holds provider tokens and keys', async () => {
    const store = new DiskStore(join(dataDir, 'private', 'deeper', 'subgraph.mdb'));
    await store.close();
    expect(statSync(join(dataDir, 'private')).mode & 0o777).toBe(0o700);
    expect(statSync(join(dataDir, 'private', 'deeper')).mode & 0o777).toBe(0o700);
  });

  it('sweeps expired keys and indexes off the disk, and only those', async () => {
    let now = 5_000;
    const store = new DiskStore(join(dataDir, 'sweep.mdb'), () => now);
    await store.set('short', 'v', 100);
    await store.set('renewed', 'v', 100);
    await store.addToIndex('index', 'm', 1, 100);
    await store.set('long', 'v', 10_000);
    await store.set('forever', 'v');
    now += 50;
    await store.set('renewed', 'v', 100); // its first expiry no longer counts
    now += 50;
    expect(await store.sweep()).toBe(2); // short and the index; renewed lives until 5150
    now -= 100; // back in time: what is still there would be readable again
    expect(await store.get('short')).toBeUndefined();
    expect((await store.readIndex('index')).total).toBe(0);
    expect(await store.get('renewed')).toBe('v');
    expect(await store.get('long')).toBe('v');
    expect(await store.get('forever')).toBe('v');
    await store.close();
  });

  it('is shared by two processes on one file: counters, set-if-absent and indexes stay atomic between them', async () => {
    const path = join(dataDir, 'shared.mdb');
    const rounds = 150;
    const script = `
      import { DiskStore } from './shared/store/disk.ts';
      import { createInterface } from 'node:readline';
      const store = new DiskStore(${JSON.stringify(path)});
      console.log('ready');
      for await (const _ of createInterface({ input: process.stdin })) break;
      const won = [];
      await Promise.all(Array.from({ length: ${rounds} }, async (_, i) => {
        await store.increment('count');
        await store.addToIndex('members', 'child-' + i, i);
        if (await store.setIfAbsent('lock-' + (i % 30), 'child')) won.push(i % 30);
      }));
      console.log(JSON.stringify(won));
      await store.close();`;
    const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
      cwd: ROOT,
      stdio: ['pipe', 'pipe', 'inherit'],
    });
    let output = '';
    child.stdout!.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
    const closed = once(child, 'close');
    await once(child.stdout!, 'data'); // "ready": the child has the file open
    const store = new DiskStore(path);
    child.stdin!.end('go\n');
    const won: number[] = [];
    await Promise.all(
      Array.from({ length: rounds }, async (_, i) => {
        await store.increment('count');
        await store.addToIndex('members', `parent-${i}`, i);
        if (await store.setIfAbsent(`lock-${i % 30}`, 'parent')) won.push(i % 30);
      }),
    );
    await closed;
    const childWon = JSON.parse(output.split('\n')[1]!) as number[];
    expect(await store.get('count')).toBe(String(2 * rounds));
    expect((await store.readIndex('members')).total).toBe(2 * rounds);
    expect([...won, ...childWon].sort((a, b) => a - b)).toEqual(Array.from({ length: 30 }, (_, i) => i));
    await store.close();
  });
});

describe.skipIf(!withRedis)('redis store', () => {
  it('gives keys and indexes their TTL (set, set-if-absent, a new counter, an index) and leaves other keys without one', async () => {
    const raw = (redisStore as unknown as { redis: import('ioredis').Redis }).redis;
    await redisStore.set('ttl-a', 'v', 60_000);
    await redisStore.setIfAbsent('ttl-b', 'v', 60_000);
    await redisStore.increment('ttl-c', 1, 60_000);
    await redisStore.addToIndex('ttl-e', 'm', 1, 60_000);
    await redisStore.increment('ttl-d', 1);
    for (const key of ['gridgraph:ttl-a', 'gridgraph:ttl-b', 'gridgraph:ttl-c', 'gridgraph-index:ttl-e']) {
      const ttl = await raw.pttl(key);
      expect(ttl).toBeGreaterThan(0);
      expect(ttl).toBeLessThanOrEqual(60_000);
    }
    expect(await raw.pttl('gridgraph:ttl-d')).toBe(-1);
  });

  it('shares keys and indexes between two connections to one Redis (two replicas)', async () => {
    await redisStore.set('shared', 'from replica 1');
    expect(await redisStore2.get('shared')).toBe('from replica 1');
    expect(await redisStore2.setIfAbsent('shared', 'from replica 2')).toBe(false);
    await redisStore.increment('shared-n', 3);
    expect(await redisStore2.increment('shared-n', 1)).toBe(4);
    await redisStore.addToIndex('shared-index', 'from replica 1', 1);
    await redisStore2.addToIndex('shared-index', 'from replica 2', 2);
    expect((await redisStore.readIndex('shared-index')).entries.map((entry) => entry.member)).toEqual(['from replica 2', 'from replica 1']);
  });
});

describe('a store that cannot answer', () => {
  it('fails its ping: a closed disk store, a Redis where none listens', async () => {
    const disk = new DiskStore(join(dataDir, 'closed.mdb'));
    await disk.close();
    await expect(disk.ping()).rejects.toThrow();
    // Port 9 (discard) refuses connections on loopback.
    const nowhere = new RedisStore('redis://127.0.0.1:9/0');
    try {
      await expect(nowhere.ping()).rejects.toThrow();
    } finally {
      await nowhere.close();
    }
  });
});

describe('reportingErrors', () => {
  it('reports each failed operation by name and still throws it; what succeeds is not reported', async () => {
    const failed: string[] = [];
    const broken = new MemoryStore();
    broken.set = () => Promise.reject(new Error('disk full'));
    const store = reportingErrors(broken, (operation) => failed.push(operation));
    await expect(store.set('k', 'v')).rejects.toThrow('disk full');
    expect(await store.get('k')).toBeUndefined();
    expect(store.kind).toBe('memory');
    expect(failed).toEqual(['set']);
  });
});

describe('createStore', () => {
  it('opens the embedded store without a STORE_URL and refuses a URL that is not redis:// with an actionable message', async () => {
    const path = join(dataDir, 'created', 'subgraph.mdb');
    const store = createStore({ url: undefined, path });
    expect(store.kind).toBe('disk');
    await store.close();
    const again = createStore({ url: '', path });
    expect(again.kind).toBe('disk');
    await again.close();
    expect(() => createStore({ url: 'http://user:pw@example.com', path })).toThrow(ConfigError);
    expect(() => createStore({ url: 'http://user:pw@example.com', path })).toThrow(/redis:\/\/.*\[redacted\]/s);
  });

  it.skipIf(!withRedis)('picks Redis for a redis:// STORE_URL', async () => {
    const store = createStore({ url: redis.url, path: join(dataDir, 'unused.mdb') });
    expect(store.kind).toBe('redis');
    await store.close();
  });
});
