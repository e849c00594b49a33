import DataLoader from 'dataloader';

/**
 * Helpers for DataLoader batch functions (DESIGN.md, "Batching"): group the keys by what one upstream
 * call can serve, and merge the time windows asked for one meter so each stretch is fetched once.
 */

/** A half-open time window [from, to) in epoch milliseconds (numbers, so keys compare by value). */
export interface Window {
  from: number;
  to: number;
}

export function groupBy<T, K>(items: readonly T[], keyOf: (item: T) => K): Map<K, T[]> {
  const groups = new Map<K, T[]>();
  for (const item of items) {
    const key = keyOf(item);
    const group = groups.get(key);
    if (group) group.push(item);
    else groups.set(key, [item]);
  }
  return groups;
}

/** Merges overlapping or touching windows; far-apart windows stay separate so no gap is fetched. */
export function mergeWindows(windows: readonly Window[]): Window[] {
  const sorted = [...windows].sort((a, b) => a.from - b.from);
  const merged: Window[] = [];
  for (const window of sorted) {
    const last = merged.at(-1);
    if (last && window.from <= last.to) last.to = Math.max(last.to, window.to);
    else merged.push({ from: window.from, to: window.to });
  }
  return merged;
}

/**
 * A DataLoader for a provider without a batch endpoint: one call per distinct key in the request (the
 * HTTP client's concurrency cap bounds them), and a failure fails only its own key.
 */
export function perKeyLoader<K, V>(fetch: (key: K) => Promise<V>, options?: DataLoader.Options<K, V, unknown>): DataLoader<K, V, unknown> {
  return new DataLoader<K, V, unknown>((keys) => Promise.all(keys.map((key) => fetch(key).catch(asError))), options);
}

/** What a batch function answers for a key that failed: the error, as an Error (DataLoader's contract). */
export function asError(error: unknown): Error {
  return error instanceof Error ? error : new Error(String(error));
}

/**
 * A per-request memo of one upstream read, keyed by its arguments compared by value: the same list asked
 * twice in one request (a root field under two aliases, or a page two fields need) costs one call. Make
 * one per request, like the loaders: its answers are that request's.
 */
export function oncePerArguments<A, V>(fetch: (args: A) => Promise<V>): (args: A) => Promise<V> {
  const loader = perKeyLoader(fetch, { cacheKeyFn: (args) => JSON.stringify(args) });
  return (args) => loader.load(args);
}
