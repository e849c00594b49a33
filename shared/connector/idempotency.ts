import { createHash } from 'node:crypto';
import { BadUserInputError, GridgraphError, UpstreamTimeoutError, type ProviderName } from '../graph/errors.js';
import { LockTimeoutError, getJson, setJson, withLock, type Store } from '../store/index.js';

/**
 * Idempotency keys for registration mutations ("Nothing lost"): a client that retries a mutation with
 * the same `idempotencyKey` gets the first attempt's result and the provider sees no second write —
 * also when the first attempt timed out after the provider had committed. Records live in the shared
 * store, so a retry that lands on another replica finds them too.
 *
 * Per key: `pending` is written before the provider is called; `done` (with the provider's record)
 * after it answered. A retry that finds `pending` knows the earlier outcome is unknown and reconciles
 * by reading the provider's state: the committed object is returned (and recorded) without a write;
 * nothing committed means the write is made now. A definite refusal (4xx, bad input, rate limit)
 * deletes the record, so the retry tries again. A per-key lock keeps concurrent retries in line.
 */

/** The argument's options, identical on every mutation that takes one. */
export const IDEMPOTENCY_KEY_ARG = {
  nullable: true,
  description:
    'Optional, unique per intended write (e.g. a UUID). Retrying with the same key returns the first result and writes nothing new, even when the first attempt timed out; the same key with different arguments is a BAD_USER_INPUT error. Keys are kept for 24 hours.',
} as const;

export const IDEMPOTENCY_KEY_MAX_LENGTH = 255;
/** How long a key's record is kept. */
export const IDEMPOTENCY_TTL_MS = 24 * 60 * 60 * 1000;

export interface IdempotentWrite<R> {
  store: Store;
  provider: ProviderName;
  /** The mutation's name: keys are scoped by it. */
  operation: string;
  key: string | null | undefined;
  /** Everything the write depends on; the same key with another payload is refused. */
  payload: unknown;
  /** Performs the write; returns the provider's record, which must survive JSON. */
  perform(): Promise<R>;
  /**
   * After an attempt whose outcome is unknown: the object that attempt committed, or undefined when
   * the provider has none. Without it, such a retry fails with a coded error instead of guessing.
   */
  reconcile?(): Promise<R | undefined>;
  /** Upper bound of one perform() (the connector's timeout and retries); the per-key lock lives this long. */
  lockTtlMs?: number;
}

interface IdempotencyRecord<R> {
  state: 'pending' | 'done';
  hash: string;
  result?: R;
}

export async function idempotent<R>(write: IdempotentWrite<R>): Promise<R> {
  if (write.key === null || write.key === undefined) return write.perform();
  const key = checkKey(write.key, write.provider);
  const recordKey = `idempotency:${write.provider}:${write.operation}:${createHash('sha256').update(key).digest('hex')}`;
  const hash = createHash('sha256').update(stableJson(write.payload)).digest('hex');

  const settled = (record: IdempotencyRecord<R> | undefined): boolean => {
    if (record && record.hash !== hash) {
      throw new BadUserInputError(
        `The idempotency key "${key}" was used for ${write.operation} with different arguments. Use a new key for a different write, or repeat the first arguments exactly.`,
        { provider: write.provider, field: 'idempotencyKey' },
      );
    }
    return record?.state === 'done';
  };

  const first = await getJson<IdempotencyRecord<R>>(write.store, recordKey);
  if (settled(first)) return first!.result as R;

  const lockTtlMs = write.lockTtlMs ?? 60_000;
  try {
    return await withLock(
      write.store,
      recordKey,
      async () => {
        const record = await getJson<IdempotencyRecord<R>>(write.store, recordKey);
        if (settled(record)) return record!.result as R;
        const done = async (result: R) => {
          await setJson(write.store, recordKey, { state: 'done', hash, result } satisfies IdempotencyRecord<R>, IDEMPOTENCY_TTL_MS);
          return result;
        };
        if (record?.state === 'pending') {
          // An earlier attempt with this key ended without an answer (a timeout, a dropped connection,
          // a crash): ask the provider what it has before writing anything.
          if (!write.reconcile) {
            throw new UpstreamTimeoutError(
              `An earlier ${write.operation} with idempotency key "${key}" ended without an answer from the provider, and the provider cannot be asked whether it was stored. Check the data, then use a new key if it is missing.`,
              { provider: write.provider, reason: 'IDEMPOTENCY_OUTCOME_UNKNOWN' },
            );
          }
          const committed = await write.reconcile();
          if (committed !== undefined) return done(committed);
        } else {
          await setJson(write.store, recordKey, { state: 'pending', hash } satisfies IdempotencyRecord<R>, IDEMPOTENCY_TTL_MS);
        }
        let result: R;
        try {
          result = await write.perform();
        } catch (error) {
          // Refused for certain: nothing was committed, so the key is free for a corrected retry.
          if (!outcomeUnknown(error)) await write.store.delete(recordKey);
          throw error;
        }
        return done(result);
      },
      { ttlMs: lockTtlMs, waitMs: lockTtlMs },
    );
  } catch (error) {
    if (error instanceof LockTimeoutError) {
      throw new UpstreamTimeoutError(
        `Another ${write.operation} with idempotency key "${key}" is still running; retry with the same key in a moment.`,
        { provider: write.provider, reason: 'IDEMPOTENCY_KEY_IN_USE' },
      );
    }
    throw error;
  }
}

/** Timeouts, dropped connections and 5xx may come after the provider committed; anything else did not. */
export function outcomeUnknown(error: unknown): boolean {
  if (!(error instanceof GridgraphError)) return true;
  return error.code === 'UPSTREAM_TIMEOUT' || error.code === 'UPSTREAM_UNAVAILABLE';
}

function checkKey(key: string, provider: ProviderName): string {
  const trimmed = key.trim();
  if (trimmed.length === 0 || trimmed.length > IDEMPOTENCY_KEY_MAX_LENGTH || /[\u0000-\u001f\u007f]/.test(trimmed)) {
    throw new BadUserInputError(
      `idempotencyKey must be 1 to ${IDEMPOTENCY_KEY_MAX_LENGTH} printable characters (a UUID is a good choice).`,
      { provider, field: 'idempotencyKey' },
    );
  }
  return trimmed;
}

/** JSON with object keys sorted, so that the same arguments always hash the same. */
export function stableJson(value: unknown): string {
  return (
    JSON.stringify(value, (_key, inner: unknown) => {
      if (inner && typeof inner === 'object' && !Array.isArray(inner)) {
        return Object.fromEntries(Object.entries(inner as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
      }
      return inner;
    }) ?? 'null'
  );
}

/** For `reconcile`: the provider's 404 means "nothing was committed". */
export async function undefinedIfNotFound<T>(promise: Promise<T>): Promise<T | undefined> {
  try {
    return await promise;
  } catch (error) {
    if (error instanceof GridgraphError && error.code === 'NOT_FOUND') return undefined;
    throw error;
  }
}
