import type { Store } from './types.js';

/** The default store: a Map in this process, with lazy expiry. Replicas do not share it. */
export class MemoryStore implements Store {
  readonly kind = 'memory' as const;
  private readonly entries = new Map<string, { value: string; expiresAt: number }>();

  constructor(private readonly now: () => number = Date.now) {}

  async get(key: string): Promise<string | undefined> {
    return this.live(key)?.value;
  }

  async set(key: string, value: string, ttlMs?: number): Promise<void> {
    this.entries.set(key, { value, expiresAt: expiry(this.now(), ttlMs) });
  }

  async setIfAbsent(key: string, value: string, ttlMs?: number): Promise<boolean> {
    if (this.live(key)) return false;
    this.entries.set(key, { value, expiresAt: expiry(this.now(), ttlMs) });
    return true;
  }

  async delete(key: string, ifValue?: string): Promise<boolean> {
    const entry = this.live(key);
    if (!entry || (ifValue !== undefined && entry.value !== ifValue)) return false;
    return this.entries.delete(key);
  }

  async increment(key: string, by = 1, ttlMs?: number): Promise<number> {
    const entry = this.live(key);
    const current = entry ? Number.parseInt(entry.value, 10) : 0;
    if (entry && !Number.isInteger(current)) throw new TypeError(`store key ${key} does not hold an integer`);
    const next = current + by;
    this.entries.set(key, { value: String(next), expiresAt: entry ? entry.expiresAt : expiry(this.now(), ttlMs) });
    return next;
  }

  async close(): Promise<void> {
    this.entries.clear();
  }

  private live(key: string) {
    const entry = this.entries.get(key);
    if (entry && entry.expiresAt <= this.now()) {
      this.entries.delete(key);
      return undefined;
    }
    return entry;
  }
}

function expiry(now: number, ttlMs: number | undefined): number {
  return ttlMs === undefined ? Infinity : now + Math.max(1, ttlMs);
}
