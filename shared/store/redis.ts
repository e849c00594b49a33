import { Redis } from 'ioredis';
import type { IndexRange, Store } from './types.js';

// Atomic in Redis: delete only while the key holds the caller's value (a lock's owner token).
const DELETE_IF_EQUAL = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) else return 0 end`;
// INCRBY, and an expiry only when the key was created by this call (PTTL -1: no expiry yet).
const INCREMENT_WITH_TTL = `local v = redis.call('INCRBY', KEYS[1], ARGV[1])
if tonumber(ARGV[2]) > 0 and redis.call('PTTL', KEYS[1]) == -1 then redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
return v`;

/** The shared store: every replica pointed at the same Redis (`STORE_URL=redis://host:6379/0`) sees the same keys. */
export class RedisStore implements Store {
  readonly kind = 'redis' as const;
  private readonly redis: Redis;
  private readonly prefix: string;
  /** Indexes are sorted sets under their own prefix, apart from plain keys of the same name. */
  private readonly indexPrefix: string;

  constructor(
    url: string,
    /** Names every key, so several deployments can share one Redis. */
    namespace = 'gridgraph',
  ) {
    this.prefix = `${namespace}:`;
    this.indexPrefix = `${namespace}-index:`;
    // Fail a command after a bounded wait instead of queueing it forever while Redis is away.
    this.redis = new Redis(url, { maxRetriesPerRequest: 2, connectTimeout: 5_000, lazyConnect: false });
    this.redis.on('error', () => {
      // Connection errors surface on the commands that fail; ioredis reconnects by itself.
    });
  }

  async get(key: string): Promise<string | undefined> {
    return (await this.redis.get(this.prefix + key)) ?? undefined;
  }

  async set(key: string, value: string, ttlMs?: number): Promise<void> {
    if (ttlMs === undefined) await this.redis.set(this.prefix + key, value);
    else await this.redis.set(this.prefix + key, value, 'PX', Math.max(1, Math.ceil(ttlMs)));
  }

  async setIfAbsent(key: string, value: string, ttlMs?: number): Promise<boolean> {
    const result =
      ttlMs === undefined
        ? await this.redis.set(this.prefix + key, value, 'NX')
        : await this.redis.set(this.prefix + key, value, 'PX', Math.max(1, Math.ceil(ttlMs)), 'NX');
    return result === 'OK';
  }

  async delete(key: string, ifValue?: string): Promise<boolean> {
    if (ifValue === undefined) return (await this.redis.del(this.prefix + key)) > 0;
    return Number(await this.redis.eval(DELETE_IF_EQUAL, 1, this.prefix + key, ifValue)) > 0;
  }

  async increment(key: string, by = 1, ttlMs?: number): Promise<number> {
    return Number(
      await this.redis.eval(INCREMENT_WITH_TTL, 1, this.prefix + key, by, ttlMs === undefined ? 0 : Math.max(1, Math.ceil(ttlMs))),
    );
  }

  async addToIndex(key: string, member: string, score: number, ttlMs?: number): Promise<void> {
    const multi = this.redis.multi().zadd(this.indexPrefix + key, score, member);
    if (ttlMs !== undefined) multi.pexpire(this.indexPrefix + key, Math.max(1, Math.ceil(ttlMs)));
    await execOrThrow(multi);
  }

  async readIndex(key: string, { minScore = -Infinity, offset = 0, limit = Infinity }: IndexRange = {}) {
    const min = minScore === -Infinity ? '-inf' : minScore;
    const [members, total] = (await execOrThrow(
      this.redis
        .multi()
        .zrevrangebyscore(this.indexPrefix + key, '+inf', min, 'WITHSCORES', 'LIMIT', offset, Number.isFinite(limit) ? limit : -1)
        .zcount(this.indexPrefix + key, min, '+inf'),
    )) as [string[], number];
    const entries = [];
    for (let i = 0; i < members.length; i += 2) entries.push({ member: members[i]!, score: Number(members[i + 1]) });
    return { entries, total: Number(total) };
  }

  async trimIndex(key: string, belowScore: number): Promise<number> {
    return this.redis.zremrangebyscore(this.indexPrefix + key, '-inf', `(${belowScore}`);
  }

  async ping(): Promise<void> {
    await this.redis.ping();
  }

  async close(): Promise<void> {
    await this.redis.quit().catch(() => this.redis.disconnect());
  }
}

/** A MULTI's results, or its first command's error (ioredis reports them per command). */
async function execOrThrow(multi: ReturnType<Redis['multi']>): Promise<unknown[]> {
  const results = (await multi.exec()) ?? [];
  const failed = results.find(([error]) => error);
  if (failed) throw failed[0];
  return results.map(([, value]) => value);
}
