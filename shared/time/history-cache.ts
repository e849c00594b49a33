import { createHash } from 'node:crypto';
import type { Store } from '../store/index.js';
import type { CallWindow, Granularity, SourceRow } from './source.js';
import { ReadingQuality } from './types.js';

/**
 * The immutable-history cache (DESIGN.md, "State"): rows a provider will not change any more, kept in
 * the store so that a repeated question about the past costs no upstream call, on any replica sharing
 * the store. The pipeline asks it per call window and meter before calling upstream (pipeline.ts).
 *
 * A window is cached only when all of it is final by the provider's rule (`finalAfterMs` of its
 * descriptor: the rows of an interval that ended that long ago no longer change, CONTRACT.md) and the
 * meter had rows in it: no rows may mean "not delivered yet", which is not final. Entries live
 * `ttlMs`; the subgraph's entries together stay under `maxBytes` (the oldest written go first). The
 * cache may be lost at any time: a store that fails is a miss, never an error.
 */
export interface HistoryCacheOptions {
  /** Separates providers and accounts sharing one store: the provider's name and its API's URL. */
  provider: string;
  apiUrl: string;
  /** The provider's finality rule: an interval is final once it ended this long ago. */
  finalAfterMs: number;
  ttlMs: number;
  maxBytes: number;
  /** The wall clock the entries' lifetimes are counted on (the store's own expiry uses it too). */
  wallClock?: () => number;
}

/** How rows are stored: `at` as the first instant then steps, values, and qualities other than MEASURED by position. */
interface StoredRows {
  at: number[];
  value: Array<number | null>;
  quality?: Record<number, ReadingQuality>;
}

export class HistoryCache {
  private readonly prefix: string;
  private readonly wallClock: () => number;
  /**
   * Rows on their way into the store (entry key → rows): the answer does not wait for a cache write
   * (a disk store commits each one), and a request meanwhile is answered from here.
   */
  private readonly writing = new Map<string, { meterKey: string; rows: SourceRow[]; done: Promise<void> }>();

  constructor(
    private readonly store: Store,
    private readonly options: HistoryCacheOptions,
  ) {
    // The URL is hashed: short keys, and nothing of it (a token in a query string, say) lands in the store.
    const account = createHash('sha256').update(options.apiUrl).digest('base64url').slice(0, 12);
    this.prefix = `history:${options.provider}:${account}`;
    this.wallClock = options.wallClock ?? Date.now;
  }

  /** Whether every interval of `window` is final at `nowMs`. */
  holds(window: CallWindow, nowMs: number): boolean {
    return window.toMs <= nowMs - this.options.finalAfterMs;
  }

  /** The cached rows of each meter (by meter key) over exactly this window at this granularity; misses are left out. */
  async read(meterKeys: readonly string[], granularity: Granularity, window: CallWindow): Promise<Map<string, SourceRow[]>> {
    const found = new Map<string, SourceRow[]>();
    await Promise.all(
      meterKeys.map(async (meterKey) => {
        const key = this.entryKey(meterKey, granularity, window);
        const pending = this.writing.get(key);
        if (pending) return void found.set(meterKey, pending.rows);
        const stored = await this.store.get(key).catch(() => undefined);
        if (stored !== undefined) found.set(meterKey, decode(stored));
      }),
    );
    return found;
  }

  /**
   * Starts keeping each meter's rows of this window (a meter without rows is not kept) and returns at
   * once: readers of this process see the rows straight away, other replicas once they are stored.
   * Store failures are ignored.
   */
  write(rowsByMeter: ReadonlyMap<string, SourceRow[]>, granularity: Granularity, window: CallWindow): void {
    for (const [meterKey, rows] of rowsByMeter) {
      if (rows.length === 0) continue;
      const key = this.entryKey(meterKey, granularity, window);
      const entry = { meterKey, rows, done: this.writeOne(key, meterKey, rows) };
      this.writing.set(key, entry);
      void entry.done.finally(() => {
        if (this.writing.get(key) === entry) this.writing.delete(key);
      });
    }
  }

  /** Resolves once every write started so far is in the store (or failed): before the store closes, or a test looks at it. */
  async settled(): Promise<void> {
    await Promise.all([...this.writing.values()].map(({ done }) => done));
  }

  /** Drops everything cached for the meter: after its history changed upstream (a push, data announced). */
  async forget(meterKey: string): Promise<void> {
    const meterIndex = this.meterIndexKey(meterKey);
    const unfinished = [...this.writing].filter(([, entry]) => entry.meterKey === meterKey);
    for (const [key] of unfinished) this.writing.delete(key);
    try {
      // A write still under way would land after the forgetting: let it land first, then forget it too.
      await Promise.all(unfinished.map(([, { done }]) => done));
      const { entries } = await this.store.readIndex(meterIndex);
      await Promise.all(entries.map(({ member }) => this.store.delete(member)));
      await this.store.trimIndex(meterIndex, Infinity);
    } catch {
      // Entries that cannot be forgotten now expire with their lifetime (HISTORY_CACHE_TTL_HOURS).
    }
  }

  private async writeOne(key: string, meterKey: string, rows: SourceRow[]): Promise<void> {
    const value = encode(rows);
    const { ttlMs } = this.options;
    const writtenAt = this.wallClock();
    try {
      await this.store.set(key, value, ttlMs);
      await this.store.addToIndex(this.meterIndexKey(meterKey), key, writtenAt, ttlMs);
      await this.store.addToIndex(this.allIndexKey, `${value.length} ${key}`, writtenAt, ttlMs);
      const total = await this.store.increment(this.bytesKey, value.length);
      if (total > this.options.maxBytes) await this.evict();
    } catch {
      // A cache that cannot be written is only a cache that misses.
    }
  }

  /** Forgets entries past their lifetime, then the oldest written until the rest fit `maxBytes`. */
  private async evict(): Promise<void> {
    const { ttlMs, maxBytes } = this.options;
    await this.store.trimIndex(this.allIndexKey, this.wallClock() - ttlMs);
    const { entries } = await this.store.readIndex(this.allIndexKey);
    let kept = 0;
    let oldestKept: number | undefined;
    const doomed: string[] = [];
    for (const { member, score } of entries) {
      const bytes = Number(member.slice(0, member.indexOf(' ')));
      if (kept + bytes <= maxBytes && doomed.length === 0) {
        kept += bytes;
        oldestKept = score;
      } else doomed.push(member.slice(member.indexOf(' ') + 1));
    }
    await Promise.all(doomed.map((key) => this.store.delete(key)));
    // Members scored like the oldest kept one stay listed; their keys, if deleted, cost only a miss.
    await this.store.trimIndex(this.allIndexKey, oldestKept ?? Infinity);
    await this.store.set(this.bytesKey, String(kept), ttlMs);
  }

  private entryKey(meterKey: string, granularity: Granularity, window: CallWindow): string {
    return `${this.prefix}:${granularity.name}@${granularity.zone}:${window.fromMs}-${window.toMs}:${meterKey}`;
  }

  private meterIndexKey(meterKey: string): string {
    return `${this.prefix}:meter:${meterKey}`;
  }

  private get allIndexKey(): string {
    return `${this.prefix}:entries`;
  }

  private get bytesKey(): string {
    return `${this.prefix}:bytes`;
  }
}

function encode(rows: readonly SourceRow[]): string {
  const stored: StoredRows = { at: [], value: [] };
  let previous = 0;
  rows.forEach((row, index) => {
    stored.at.push(row.at - previous);
    previous = row.at;
    stored.value.push(row.value);
    if (row.quality !== undefined && row.quality !== ReadingQuality.MEASURED) (stored.quality ??= {})[index] = row.quality;
  });
  return JSON.stringify(stored);
}

function decode(text: string): SourceRow[] {
  const stored = JSON.parse(text) as StoredRows;
  let at = 0;
  return stored.at.map((step, index) => {
    at += step;
    const quality = stored.quality?.[index];
    return quality === undefined ? { at, value: stored.value[index]! } : { at, value: stored.value[index]!, quality };
  });
}
