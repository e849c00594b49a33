import type { ResolvedRange } from './range.js';
import type { NativeInterval } from './registers.js';
import { type EnergyUnit, ReadingQuality, type Resolution, type TimeSeriesResult } from './types.js';
import { convertEnergy, EnergySum, roundEnergy } from './units.js';

const QUALITY_RANK: Record<ReadingQuality, number> = {
  [ReadingQuality.MEASURED]: 2,
  [ReadingQuality.ESTIMATED]: 1,
  [ReadingQuality.MISSING]: 0,
};

/** A native interval we can count: not marked missing and carrying a finite value. */
function usable(interval: NativeInterval): interval is NativeInterval & { value: number } {
  return interval.quality !== ReadingQuality.MISSING && typeof interval.value === 'number' && Number.isFinite(interval.value);
}

function rank(interval: NativeInterval): number {
  return usable(interval) ? QUALITY_RANK[interval.quality] : 0;
}

/**
 * Sums native intervals into the buckets [boundaries[i], boundaries[i + 1]) of `range` (DESIGN.md,
 * "Time series"), converted from `unit` to the range's unit.
 *
 * A bucket is only as good as its coverage: if usable intervals tile it completely, its quality is the
 * worst of theirs (ESTIMATED if any is, else MEASURED); if any stretch is uncovered (a gap, a MISSING or
 * null interval, an interval crossing the bucket's edge) the bucket is MISSING with a null value. A
 * partial sum is never scaled up. Nothing from the future: an interval that ends after `nowMs` is
 * dropped whatever the provider said, so every bucket that has not ended by then is MISSING.
 *
 * Intervals are indexed by start, and each bucket follows the chain start → end → next start, so the
 * work is O(intervals + buckets). Two intervals with the same start (overlapping pages, a provider's
 * correction) keep the better quality, on a tie the later one, which is how providers deliver corrections.
 */
export function resample(
  range: ResolvedRange,
  boundaries: readonly number[],
  nativeResolution: Resolution,
  intervals: readonly NativeInterval[],
  unit: EnergyUnit,
  nowMs: number,
): TimeSeriesResult {
  const lastEnd = Math.min(range.toMs, nowMs);
  const byStart = new Map<number, NativeInterval>();
  for (const interval of intervals) {
    const { startMs, endMs } = interval;
    // `!(endMs > startMs)` also drops NaN instants.
    if (!(endMs > startMs) || startMs < range.fromMs || endMs > lastEnd) continue;
    const current = byStart.get(startMs);
    if (current === undefined || rank(interval) >= rank(current)) byStart.set(startMs, interval);
  }

  const bucketCount = Math.max(boundaries.length - 1, 0);
  const values: Array<number | null> = new Array(bucketCount);
  const qualities: ReadingQuality[] = new Array(bucketCount);
  const total = new EnergySum();
  let missing = 0;
  for (let bucket = 0; bucket < bucketCount; bucket++) {
    const bucketEnd = boundaries[bucket + 1]!;
    const sum = new EnergySum();
    let quality: ReadingQuality = ReadingQuality.MEASURED;
    let cursor = boundaries[bucket]!;
    while (cursor < bucketEnd) {
      const part = byStart.get(cursor);
      if (part === undefined || !usable(part) || part.endMs > bucketEnd) break;
      sum.add(part.value);
      if (part.quality === ReadingQuality.ESTIMATED) quality = ReadingQuality.ESTIMATED;
      cursor = part.endMs;
    }
    if (cursor === bucketEnd) {
      const value = convertEnergy(sum.value, unit, range.unit);
      total.add(value);
      values[bucket] = value;
      qualities[bucket] = quality;
    } else {
      missing += 1;
      values[bucket] = null;
      qualities[bucket] = ReadingQuality.MISSING;
    }
  }

  const series = {
    resolution: range.resolution,
    nativeResolution,
    unit: range.unit,
    timeZone: range.timeZone,
    from: new Date(range.fromMs),
    to: new Date(range.toMs),
    total: roundEnergy(total.value),
    count: bucketCount,
    missing,
    values,
  } as TimeSeriesResult;
  // The per-reading objects and the time axis are made when first read: a query for the compact form
  // (values) never makes them, one for readings makes them once (175,200 objects for a large series).
  // One Date per boundary serves as a bucket's start and the bucket before's end.
  let instants: Date[] | undefined;
  const dates = () => (instants ??= boundaries.map((boundary) => new Date(boundary)));
  defineOnce(series, 'starts', () => dates().slice(0, bucketCount));
  defineOnce(series, 'readings', () =>
    values.map((value, bucket) => ({ start: dates()[bucket]!, end: dates()[bucket + 1]!, value, quality: qualities[bucket]! })),
  );
  return series;
}

/** An own, enumerable property computed on its first read (so a spread or JSON of the series still has it). */
function defineOnce<K extends keyof TimeSeriesResult>(series: TimeSeriesResult, key: K, make: () => TimeSeriesResult[K]): void {
  let made: TimeSeriesResult[K] | undefined;
  Object.defineProperty(series, key, {
    enumerable: true,
    configurable: true,
    get: () => (made ??= make()),
    set: (value: TimeSeriesResult[K]) => void (made = value),
  });
}
