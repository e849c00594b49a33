import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { ConfigError } from '../subgraph/config.js';
import { DiskStore } from './disk.js';
import { RedisStore } from './redis.js';
import type { Store } from './types.js';

export type { IndexEntry, IndexRange, Store } from './types.js';
export { DiskStore } from './disk.js';
export { MemoryStore } from './memory.js';
export { RedisStore } from './redis.js';

export interface StoreSettings {
  /** STORE_URL: `redis://…` or `rediss://…` for a store shared by replicas; unset = on disk at `path`. */
  url: string | undefined;
  /** The embedded database file used without a URL (under DATA_DIR). */
  path: string;
}

/**
 * The store a server keeps its state in: without a URL an embedded database on local disk (survives
 * restarts; processes on one machine may share it), with a `redis://` URL Redis shared by every replica.
 * Anything else is a configuration error. (`MemoryStore` is for unit tests; no setting selects it.)
 */
export function createStore({ url, path }: StoreSettings): Store {
  if (!url) return new DiskStore(path);
  if (/^rediss?:\/\//.test(url)) return new RedisStore(url);
  throw new ConfigError(
    `STORE_URL must be empty (an embedded store under DATA_DIR) or a redis:// or rediss:// URL; got "${url.replace(/\/\/[^@/]*@/, '//[redacted]@')}".`,
  );
}

/**
 * `store`, with every operation that fails reported to `onError` by its name (`set`, `readIndex`…) and
 * still thrown: how a server counts its store errors (gridgraph_store_errors_total).
 */
export function reportingErrors(store: Store, onError: (operation: string) => void): Store {
  return new Proxy(store, {
    get(target, name, receiver) {
      const member: unknown = Reflect.get(target, name, receiver);
      if (typeof member !== 'function') return member;
      return (...args: unknown[]) =>
        (member as (...args: unknown[]) => Promise<unknown>).apply(target, args).catch((error: unknown) => {
          onError(String(name));
          throw error;
        });
    },
  });
}

export interface LockOptions {
  /** The lock expires after this long even if its holder dies (default 10 s). */
  ttlMs?: number;
  /** How long to wait for a lock someone else holds before giving up (default 10 s). */
  waitMs?: number;
  /** Poll interval while waiting (default 25 ms). */
  pollMs?: number;
}

export class LockTimeoutError extends Error {
  constructor(readonly key: string) {
    super(`lock ${key} is still held by another request`);
    this.name = 'LockTimeoutError';
  }
}

/**
 * Runs `fn` while holding the short lock `key` (set-if-absent with an owner token and a TTL), so that
 * among all replicas sharing the store only one runs it at a time; released only by its owner.
 */
export async function withLock<T>(store: Store, key: string, fn: () => Promise<T>, options: LockOptions = {}): Promise<T> {
  const ttlMs = options.ttlMs ?? 10_000;
  const deadline = Date.now() + (options.waitMs ?? 10_000);
  const owner = randomUUID();
  while (!(await store.setIfAbsent(`lock:${key}`, owner, ttlMs))) {
    if (Date.now() >= deadline) throw new LockTimeoutError(key);
    await sleep(options.pollMs ?? 25);
  }
  try {
    return await fn();
  } finally {
    await store.delete(`lock:${key}`, owner).catch(() => {
      // The lock expires by itself; a store hiccup on release must not turn a success into an error.
    });
  }
}

/** JSON helpers over a store. */
export async function getJson<T>(store: Store, key: string): Promise<T | undefined> {
  const raw = await store.get(key);
  return raw === undefined ? undefined : (JSON.parse(raw) as T);
}

export function setJson(store: Store, key: string, value: unknown, ttlMs?: number): Promise<void> {
  return store.set(key, JSON.stringify(value), ttlMs);
}
