import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRedis, type TestRedis } from '../../test/support/redis.js';
import { hasTool } from '../../test/support/tools.js';
import { ConfigError } from '../config.js';
import { MemoryStore, RedisStore, createStore, withLock, type Store } from './index.js';

// The same contract for both implementations: what one replica writes, the store gives back. The Redis
// half needs redis-server; without it only the memory half runs (the global setup says so).
const withRedis = hasTool('redis');
let redis: TestRedis;
let redisStore: RedisStore;
let redisStore2: RedisStore;
beforeAll(async () => {
  if (!withRedis) return;
  redis = await startRedis();
  redisStore = new RedisStore(redis.url);
  redisStore2 = new RedisStore(redis.url);
});
afterAll(async () => {
  await redisStore?.close();
  await redisStore2?.close();
  await redis?.stop();
});

let clock = 1_000_000;
const implementations: Array<[string, () => Store]> = [
  ['memory', () => new MemoryStore(() => clock)],
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
  });

describe('expiry', () => {
  it('forgets a memory key after its TTL, also for counters created with one', async () => {
    const store = new MemoryStore(() => clock);
    await store.set('t', 'v', 1_000);
    await store.increment('c', 1, 1_000);
    await store.increment('c', 1, 5_000); // an existing key keeps its expiry
    clock += 999;
    expect(await store.get('t')).toBe('v');
    expect(await store.get('c')).toBe('2');
    clock += 1;
    expect(await store.get('t')).toBeUndefined();
    expect(await store.get('c')).toBeUndefined();
    expect(await store.setIfAbsent('t', 'again')).toBe(true);
  });

  it.skipIf(!withRedis)('gives Redis keys their TTL (set, set-if-absent, a new counter) and leaves other keys without one', async () => {
    const raw = (redisStore as unknown as { redis: import('ioredis').Redis }).redis;
    await redisStore.set('ttl-a', 'v', 60_000);
    await redisStore.setIfAbsent('ttl-b', 'v', 60_000);
    await redisStore.increment('ttl-c', 1, 60_000);
    await redisStore.increment('ttl-d', 1);
    for (const key of ['ttl-a', 'ttl-b', 'ttl-c']) {
      const ttl = await raw.pttl(`gridgraph:${key}`);
      expect(ttl).toBeGreaterThan(0);
      expect(ttl).toBeLessThanOrEqual(60_000);
    }
    expect(await raw.pttl('gridgraph:ttl-d')).toBe(-1);
  });

  it.skipIf(!withRedis)('shares keys between two connections to one Redis (two replicas)', async () => {
    await redisStore.set('shared', 'from replica 1');
    expect(await redisStore2.get('shared')).toBe('from replica 1');
    expect(await redisStore2.setIfAbsent('shared', 'from replica 2')).toBe(false);
    await redisStore.increment('shared-n', 3);
    expect(await redisStore2.increment('shared-n', 1)).toBe(4);
  });
});

describe('createStore', () => {
  it('picks memory without a STORE_URL and refuses a URL that is not redis:// with an actionable message', () => {
    expect(createStore(undefined).kind).toBe('memory');
    expect(createStore('').kind).toBe('memory');
    expect(() => createStore('http://user:pw@example.com')).toThrow(ConfigError);
    expect(() => createStore('http://user:pw@example.com')).toThrow(/redis:\/\/.*\[redacted\]/s);
  });

  it.skipIf(!withRedis)('picks Redis for a redis:// STORE_URL', async () => {
    const store = createStore(redis.url);
    expect(store.kind).toBe('redis');
    await store.close();
  });
});
