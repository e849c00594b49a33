import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { granularity, memorySource, rangeOf, slots } from '../../test/support/time-series.js';
import { MemoryStore } from '../store/memory.js';
import type { Store } from '../store/types.js';
import { HistoryCache, type HistoryCacheOptions } from './history-cache.js';
import { TimeSeriesReader } from './pipeline.js';
import { DEFAULT_READING_BOUNDS } from './reading-bounds.js';
import type { SourceRow } from './source.js';
import { ReadingQuality, Resolution } from './types.js';

const DAY_MS = 86_400_000;
const NOW = Date.parse('2026-06-30T12:00:00Z');
const HH = granularity(Resolution.HALF_HOUR);
const JUNE_FIRST = { fromMs: Date.parse('2026-06-01T00:00:00Z'), toMs: Date.parse('2026-06-02T00:00:00Z') };

function cache(store: Store = new MemoryStore(), options: Partial<HistoryCacheOptions> = {}) {
  return new HistoryCache(store, {
    provider: 'openvolt',
    apiUrl: 'http://127.0.0.1:1/v1',
    finalAfterMs: 7 * DAY_MS,
    ttlMs: DAY_MS,
    maxBytes: 1_000_000,
    ...options,
  });
}

/** Writes, and waits until the rows are in the store (a write does not hold up the answer that made it). */
async function written(history: HistoryCache, ...args: Parameters<HistoryCache['write']>): Promise<void> {
  history.write(...args);
  await history.settled();
}

describe('history cache', () => {
  it('holds a window only once all of it is final by the provider’s rule', () => {
    const history = cache();
    const endsAt = (toMs: number) => ({ fromMs: toMs - DAY_MS, toMs });
    expect(history.holds(endsAt(NOW - 7 * DAY_MS), NOW)).toBe(true);
    expect(history.holds(endsAt(NOW - 7 * DAY_MS + 1), NOW)).toBe(false);
  });

  it('gives back exactly the rows it kept, gaps and qualities included', async () => {
    const rowsArbitrary = fc.array(
      fc.record({
        step: fc.integer({ min: 1, max: 10 * DAY_MS }),
        // JSON has no -0: a stored -0 reads back as 0, the same energy.
        value: fc.option(
          fc.double({ noNaN: true, noDefaultInfinity: true }).map((value) => value + 0),
          { nil: null },
        ),
        quality: fc.option(fc.constantFrom(...Object.values(ReadingQuality)), { nil: undefined }),
      }),
      { minLength: 1, maxLength: 50 },
    );
    await fc.assert(
      fc.asyncProperty(rowsArbitrary, async (input) => {
        let at = JUNE_FIRST.fromMs;
        const rows: SourceRow[] = input.map(({ step, value, quality }) => {
          at += step;
          return quality === undefined ? { at, value } : { at, value, quality };
        });
        const history = cache();
        await written(history, new Map([['m', rows]]), HH, JUNE_FIRST);
        const back = (await history.read(['m'], HH, JUNE_FIRST)).get('m')!;
        // MEASURED is what an absent quality means; every other quality is kept.
        const expected = rows.map((row) => (row.quality === ReadingQuality.MEASURED ? { at: row.at, value: row.value } : row));
        expect(back).toEqual(expected);
      }),
      { numRuns: 50 },
    );
  });

  it('keeps apart meters, granularities, windows and accounts; a meter without rows is not kept', async () => {
    const store = new MemoryStore();
    const history = cache(store);
    await written(
      history,
      new Map([
        ['a', slots('2026-06-01T00:00:00Z', 48)],
        ['b', []],
      ]),
      HH,
      JUNE_FIRST,
    );
    expect([...(await history.read(['a', 'b'], HH, JUNE_FIRST)).keys()]).toEqual(['a']);
    expect((await history.read(['a'], granularity(Resolution.HOUR), JUNE_FIRST)).size).toBe(0);
    expect((await history.read(['a'], HH, { ...JUNE_FIRST, toMs: JUNE_FIRST.toMs - 1 })).size).toBe(0);
    expect((await cache(store, { apiUrl: 'http://127.0.0.1:2/v1' }).read(['a'], HH, JUNE_FIRST)).size).toBe(0);
  });

  it('stays under its size: the oldest written go first', async () => {
    let clock = 0;
    const history = cache(new MemoryStore(), { maxBytes: 1_500, wallClock: () => ++clock });
    const day = (n: number) => ({ fromMs: JUNE_FIRST.fromMs + n * DAY_MS, toMs: JUNE_FIRST.toMs + n * DAY_MS });
    // A day of 48 equal half hours stores about 600 bytes: two fit, the third written evicts the first.
    for (const n of [0, 1, 2]) await written(history, new Map([['m', slots(new Date(day(n).fromMs).toISOString(), 48)]]), HH, day(n));
    const kept = await Promise.all([0, 1, 2].map(async (n) => (await history.read(['m'], HH, day(n))).has('m')));
    expect(kept).toEqual([false, true, true]);
  });

  it('forgets a meter’s entries, and only that meter’s', async () => {
    const history = cache();
    const rows = slots('2026-06-01T00:00:00Z', 48);
    await written(
      history,
      new Map([
        ['a', rows],
        ['b', rows],
      ]),
      HH,
      JUNE_FIRST,
    );
    await history.forget('a');
    expect([...(await history.read(['a', 'b'], HH, JUNE_FIRST)).keys()]).toEqual(['b']);
    // Also a write still under way when the meter is forgotten.
    history.write(new Map([['a', rows]]), HH, JUNE_FIRST);
    expect((await history.read(['a'], HH, JUNE_FIRST)).has('a')).toBe(true);
    await history.forget('a');
    await history.settled();
    expect([...(await history.read(['a', 'b'], HH, JUNE_FIRST)).keys()]).toEqual(['b']);
  });

  it('a store that fails is a miss, never an error', async () => {
    const failing = new MemoryStore();
    const broken = () => Promise.reject(new Error('store down'));
    Object.assign(failing, { get: broken, set: broken, readIndex: broken });
    const history = cache(failing);
    await written(history, new Map([['a', slots('2026-06-01T00:00:00Z', 48)]]), HH, JUNE_FIRST);
    expect((await history.read(['a'], HH, JUNE_FIRST)).size).toBe(0);
    await history.forget('a');
  });
});

describe('pipeline with the history cache', () => {
  const rows = { a: { half_hour: slots('2026-05-01T00:00:00Z', 48 * 40) }, b: { half_hour: slots('2026-05-01T00:00:00Z', 48 * 40) } };
  const may = rangeOf({ from: '2026-05-01T00:00:00Z', to: '2026-05-08T00:00:00Z', resolution: Resolution.DAY });
  const lastWeek = rangeOf({ from: '2026-06-24T00:00:00Z', to: '2026-06-30T00:00:00Z', resolution: Resolution.DAY });

  it('a repeated final range costs no load; a recent one is loaded every time', async () => {
    const { source, calls } = memorySource({ rows });
    const history = cache();
    const reader = () => new TimeSeriesReader(source, () => NOW, DEFAULT_READING_BOUNDS, history);
    const first = await reader().series('a', may);
    expect(calls).toHaveLength(1);
    const again = await reader().series('a', may);
    expect(calls).toHaveLength(1);
    expect(again).toEqual(first);

    await reader().series('a', lastWeek);
    await reader().series('a', lastWeek);
    expect(calls).toHaveLength(3);
  });

  it('asks a batch source only for the meters it does not hold', async () => {
    const { source, calls } = memorySource({ rows });
    const history = cache();
    await new TimeSeriesReader(source, () => NOW, DEFAULT_READING_BOUNDS, history).series('a', may);
    const reader = new TimeSeriesReader(source, () => NOW, DEFAULT_READING_BOUNDS, history);
    const [a, b] = await Promise.all([reader.series('a', may), reader.series('b', may)]);
    expect(calls.map((call) => call.meters)).toEqual([['a'], ['b']]);
    expect(a.total).toBe(b.total);
  });

  it('forgetHistory makes the next question load again', async () => {
    const { source, calls } = memorySource({ rows });
    const history = cache();
    const reader = new TimeSeriesReader(source, () => NOW, DEFAULT_READING_BOUNDS, history);
    await reader.series('a', may);
    await reader.forgetHistory('a');
    await new TimeSeriesReader(source, () => NOW, DEFAULT_READING_BOUNDS, history).series('a', may);
    expect(calls).toHaveLength(2);
  });
});
