import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { open, type RootDatabase } from 'lmdb';
import type { IndexRange, Store } from './types.js';

/**
 * The default store: one LMDB file on local disk (`DATA_DIR/<subgraph>.mdb`, beside it a `-lock` file).
 * LMDB lets several processes open the same file at once, with one writer at a time between them, so
 * every operation here is one write transaction: atomic also while a restarted process overlaps the old
 * one. A transaction is committed before its promise resolves (a crash of the process loses nothing
 * acknowledged; a crash of the machine may lose the last moments, never the file's consistency).
 *
 * Layout (LMDB keys are ordered arrays):
 *   ['v', key]                 → { v: value, x?: expiresAt }
 *   ['i', key]                 → { x?: expiresAt }               an index's own expiry
 *   ['s', key, score, member]  → 1                                an index's members in score order
 *   ['m', key, member]         → score                            where a member sits
 *   ['x', expiresAt, kind, key] → 1                               what to sweep when (kind 'v' or 'i')
 * Expired entries read as absent at once and are deleted by a sweep every `sweepEveryMs`.
 */
type Key = Array<string | number>;
interface StoredValue {
  v: string;
  x?: number;
}
interface IndexMeta {
  x?: number;
}

export class DiskStore implements Store {
  readonly kind = 'disk' as const;
  private readonly db: RootDatabase<unknown, Key>;
  private readonly sweeper: NodeJS.Timeout;
  private sweeping: Promise<number> | undefined;

  constructor(
    /** The database file; its folder is created when missing, readable by this user only (it holds tokens). */
    readonly path: string,
    private readonly now: () => number = Date.now,
    sweepEveryMs = 60_000,
  ) {
    mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
    this.db = open<unknown, Key>({ path });
    this.sweeper = setInterval(() => void this.sweep().catch(() => undefined), sweepEveryMs).unref();
  }

  async get(key: string): Promise<string | undefined> {
    return this.live(key)?.v;
  }

  async set(key: string, value: string, ttlMs?: number): Promise<void> {
    await this.db.transaction(() => this.write(key, { v: value, x: this.expiry(ttlMs) }));
  }

  async setIfAbsent(key: string, value: string, ttlMs?: number): Promise<boolean> {
    return this.db.transaction(() => {
      if (this.live(key)) return false;
      this.write(key, { v: value, x: this.expiry(ttlMs) });
      return true;
    });
  }

  async delete(key: string, ifValue?: string): Promise<boolean> {
    return this.db.transaction(() => {
      const entry = this.live(key);
      if (!entry || (ifValue !== undefined && entry.v !== ifValue)) return false;
      this.write(key, undefined);
      return true;
    });
  }

  async increment(key: string, by = 1, ttlMs?: number): Promise<number> {
    return this.db.transaction(() => {
      const entry = this.live(key);
      const current = entry ? Number.parseInt(entry.v, 10) : 0;
      if (entry && !Number.isInteger(current)) throw new TypeError(`store key ${key} does not hold an integer`);
      const next = current + by;
      this.write(key, { v: String(next), x: entry ? entry.x : this.expiry(ttlMs) });
      return next;
    });
  }

  async addToIndex(key: string, member: string, score: number, ttlMs?: number): Promise<void> {
    if (!Number.isFinite(score)) throw new RangeError(`index score must be a finite number, got ${score}`);
    await this.db.transaction(() => {
      const meta = this.db.get(['i', key]) as IndexMeta | undefined;
      if (meta && this.expired(meta.x)) this.clearIndex(key);
      const previous = this.db.get(['m', key, member]) as number | undefined;
      if (previous !== undefined) this.db.remove(['s', key, previous, member]);
      this.db.put(['s', key, score, member], 1);
      this.db.put(['m', key, member], score);
      if (meta?.x !== undefined) this.db.remove(['x', meta.x, 'i', key]);
      const x = this.expiry(ttlMs);
      this.db.put(['i', key], x === undefined ? {} : { x });
      if (x !== undefined) this.db.put(['x', x, 'i', key], 1);
    });
  }

  async readIndex(key: string, { minScore = -Infinity, offset = 0, limit = Infinity }: IndexRange = {}) {
    const meta = this.db.get(['i', key]) as IndexMeta | undefined;
    if (!meta || this.expired(meta.x)) return { entries: [], total: 0 };
    const range = { start: ['s', key, Infinity], end: ['s', key, minScore], reverse: true };
    const page = this.db.getRange({ ...range, offset, limit: Number.isFinite(limit) ? limit : undefined });
    const entries = Array.from(page, ({ key: [, , score, member] }) => ({ member: member as string, score: score as number }));
    return { entries, total: this.db.getKeysCount(range) };
  }

  async trimIndex(key: string, belowScore: number): Promise<number> {
    return this.db.transaction(() => {
      const doomed = [...this.db.getRange({ start: ['s', key, -Infinity], end: ['s', key, belowScore] })];
      for (const { key: entry } of doomed) {
        this.db.remove(entry);
        this.db.remove(['m', key, entry[3]!]);
      }
      return doomed.length;
    });
  }

  /** Deletes what has expired; returns how many keys and indexes it deleted. */
  sweep(): Promise<number> {
    this.sweeping ??= this.db
      .transaction(() => {
        const due = [...this.db.getRange({ start: ['x', -Infinity], end: ['x', Math.floor(this.now()) + 1] })];
        for (const { key: entry } of due) {
          const [, x, kind, key] = entry as [string, number, 'v' | 'i', string];
          this.db.remove(entry);
          if (kind === 'v' && (this.db.get(['v', key]) as StoredValue | undefined)?.x === x) this.db.remove(['v', key]);
          if (kind === 'i' && (this.db.get(['i', key]) as IndexMeta | undefined)?.x === x) this.clearIndex(key);
        }
        return due.length;
      })
      .finally(() => (this.sweeping = undefined));
    return this.sweeping;
  }

  async ping(): Promise<void> {
    // A read: LMDB refuses it once the file is closed.
    this.db.get(['v', '']);
  }

  async close(): Promise<void> {
    clearInterval(this.sweeper);
    await this.sweeping?.catch(() => undefined);
    await this.db.close();
  }

  private live(key: string): StoredValue | undefined {
    const entry = this.db.get(['v', key]) as StoredValue | undefined;
    return entry && !this.expired(entry.x) ? entry : undefined;
  }

  /** Inside a transaction: replaces (or with undefined deletes) the value at `key`, keeping the sweep list in step. */
  private write(key: string, value: StoredValue | undefined): void {
    const old = this.db.get(['v', key]) as StoredValue | undefined;
    if (old?.x !== undefined) this.db.remove(['x', old.x, 'v', key]);
    if (value === undefined) {
      this.db.remove(['v', key]);
      return;
    }
    if (value.x === undefined) delete value.x;
    this.db.put(['v', key], value);
    if (value.x !== undefined) this.db.put(['x', value.x, 'v', key], 1);
  }

  /** Inside a transaction: removes an index with every member. */
  private clearIndex(key: string): void {
    for (const { key: entry } of [...this.db.getRange({ start: ['s', key, -Infinity], end: ['s', key, Infinity] })]) {
      this.db.remove(entry);
      this.db.remove(['m', key, entry[3]!]);
    }
    this.db.remove(['i', key]);
  }

  private expiry(ttlMs: number | undefined): number | undefined {
    // Whole milliseconds, so that the sweep's range (up to now + 1, exclusive) is exactly "expired".
    return ttlMs === undefined ? undefined : Math.ceil(this.now() + Math.max(1, ttlMs));
  }

  private expired(expiresAt: number | undefined): boolean {
    return expiresAt !== undefined && expiresAt <= this.now();
  }
}
