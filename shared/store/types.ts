/**
 * What replicas of a subgraph share (DESIGN.md "Runtime picture": processes are stateless): provider
 * tokens and sessions, the EnerKey rate budget, idempotency records. One interface, two implementations:
 * `MemoryStore` (the default; one process) and `RedisStore` (`STORE_URL=redis://…`; many replicas).
 * Values are strings; `ttlMs` is a lifetime in milliseconds (undefined = no expiry).
 */
export interface Store {
  /** `memory` or `redis`, for logs and health. */
  readonly kind: 'memory' | 'redis';
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
  /** Releases connections; the store is unusable afterwards. */
  close(): Promise<void>;
}
