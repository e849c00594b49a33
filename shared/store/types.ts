/**
 * What must outlive a request and a process (DESIGN.md "State"): provider tokens and sessions, rotated
 * keys, the EnerKey rate budget, idempotency records, received webhook deliveries. One interface, three
 * implementations: `DiskStore` (the default: an embedded database under DATA_DIR), `RedisStore`
 * (`STORE_URL=redis://…`: shared by replicas) and `MemoryStore` (unit tests only).
 * Values are strings; `ttlMs` is a lifetime in milliseconds (undefined = no expiry). Every operation is
 * atomic, also between processes sharing one store.
 */
export interface Store {
  /** `disk`, `redis` or `memory`, for logs and health. */
  readonly kind: 'disk' | 'redis' | 'memory';
  get(key: string): Promise<string | undefined>;
  set(key: string, value: string, ttlMs?: number): Promise<void>;
  /** Sets `key` only when it does not exist; true when this call set it (the basis of locks). */
  setIfAbsent(key: string, value: string, ttlMs?: number): Promise<boolean>;
  /** Deletes `key`; with `ifValue`, only while it still holds that value (releasing one's own lock). */
  delete(key: string, ifValue?: string): Promise<boolean>;
  /**
   * Adds `by` (may be negative) to the integer at `key` (missing = 0) atomically and returns the new
   * value. `ttlMs` applies when the call creates the key; an existing key keeps its expiry.
   */
  increment(key: string, by?: number, ttlMs?: number): Promise<number>;
  /**
   * Puts `member` into the sorted index `key` with `score` (a member already there takes the new score).
   * With `ttlMs`, the whole index is forgotten that long after its latest addition. Indexes list what
   * keys alone cannot, e.g. webhook deliveries newest first (score = time received).
   */
  addToIndex(key: string, member: string, score: number, ttlMs?: number): Promise<void>;
  /**
   * The members scored `minScore` or more (default: all), highest score first (equal scores: member in
   * reverse order), skipping `offset`, at most `limit`; and how many members score `minScore` or more.
   */
  readIndex(key: string, range?: IndexRange): Promise<{ entries: IndexEntry[]; total: number }>;
  /** Removes the members scored below `score`; returns how many it removed. */
  trimIndex(key: string, belowScore: number): Promise<number>;
  /** Resolves when the store answers (readiness checks); rejects when it cannot be reached or is closed. */
  ping(): Promise<void>;
  /** Releases connections and files; the store is unusable afterwards. */
  close(): Promise<void>;
}

export interface IndexRange {
  minScore?: number;
  offset?: number;
  limit?: number;
}

export interface IndexEntry {
  member: string;
  score: number;
}

/** The order `readIndex` lists in: highest score first, equal scores by member in reverse. */
export function compareIndexEntries(a: IndexEntry, b: IndexEntry): number {
  return b.score - a.score || (a.member < b.member ? 1 : a.member > b.member ? -1 : 0);
}
