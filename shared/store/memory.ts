import { compareIndexEntries, type IndexEntry, type IndexRange, type Store } from './types.js';

/** A Map in this process, with lazy expiry: for unit tests only (nothing survives the process). */
export class MemoryStore implements Store {
  readonly kind = 'memory' as const;
  private readonly entries = new Map<string, { value: string; expiresAt: number }>();
  private readonly indexes = new Map<string, { members: Map<string, number>; expiresAt: number }>();

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

  async addToIndex(key: string, member: string, score: number, ttlMs?: number): Promise<void> {
    const index = this.liveIndex(key) ?? { members: new Map<string, number>(), expiresAt: Infinity };
    index.members.set(member, score);
    index.expiresAt = expiry(this.now(), ttlMs);
    this.indexes.set(key, index);
  }

  async readIndex(key: string, { minScore = -Infinity, offset = 0, limit = Infinity }: IndexRange = {}) {
    const entries: IndexEntry[] = [...(this.liveIndex(key)?.members ?? [])]
      .map(([member, score]) => ({ member, score }))
      .filter((entry) => entry.score >= minScore)
      .sort(compareIndexEntries);
    return { entries: entries.slice(offset, offset + limit), total: entries.length };
  }

  async trimIndex(key: string, belowScore: number): Promise<number> {
    const index = this.liveIndex(key);
    let removed = 0;
    for (const [member, score] of index?.members ?? []) {
      if (score < belowScore && index!.members.delete(member)) removed++;
    }
    return removed;
  }

  async ping(): Promise<void> {
    // In the process: always there.
  }

  async close(): Promise<void> {
    this.entries.clear();
    this.indexes.clear();
  }

  private live(key: string) {
    return this.unexpired(this.entries, key);
  }

  private liveIndex(key: string) {
    return this.unexpired(this.indexes, key);
  }

  /** The map's entry at `key`, deleted and undefined once its time has passed (as Redis expires keys). */
  private unexpired<T extends { expiresAt: number }>(map: Map<string, T>, key: string): T | undefined {
    const entry = map.get(key);
    if (entry && entry.expiresAt <= this.now()) {
      map.delete(key);
      return undefined;
    }
    return entry;
  }
}

function expiry(now: number, ttlMs: number | undefined): number {
  return ttlMs === undefined ? Infinity : now + Math.max(1, ttlMs);
}
