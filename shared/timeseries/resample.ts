import type { ResolvedRange } from './range.js';
import { eachBucket } from './resolution.js';
import { type EnergyUnit, ReadingQuality, type ReadingResult, type Resolution, type TimeSeriesResult } from './types.js';
import { convertEnergy, EnergySum, roundEnergy } from './units.js';

/** One reading as a connector got it from the provider, already interval (not cumulative) energy. */
export interface NativeReading {
  start: Date;
  end: Date;
  value: number | null;
  quality: ReadingQuality;
}

/**
 * What a connector hands over for one meter and range. Readings may be unsorted, may include readings
 * outside the range, may have gaps and may repeat a start (see `preferred`).
 */
export interface NativeSeries {
  resolution: Resolution;
  unit: EnergyUnit;
  readings: NativeReading[];
}

export type { TimeSeriesResult };

const QUALITY_RANK: Record<ReadingQuality, number> = {
  [ReadingQuality.MEASURED]: 2,
  [ReadingQuality.ESTIMATED]: 1,
  [ReadingQuality.MISSING]: 0,
};

/** A native reading we can count: not marked missing and carrying a finite value. */
function usable(reading: NativeReading): reading is NativeReading & { value: number } {
  return reading.quality !== ReadingQuality.MISSING && typeof reading.value === 'number' && Number.isFinite(reading.value);
}

function rank(reading: NativeReading): number {
  return usable(reading) ? (QUALITY_RANK[reading.quality] ?? 0) : 0;
}

/**
 * Two readings with the same start (overlapping pages, a provider's correction): keep the better quality;
 * on a tie keep the later one in the input, which is how providers deliver corrections.
 */
function preferred(candidate: NativeReading, current: NativeReading): boolean {
  return rank(candidate) >= rank(current);
}

/**
 * Resamples native readings into the buckets of `range` (DESIGN.md, "Time series").
 *
 * Each bucket of `range.resolution` in `range.timeZone`, from `range.from` to `range.to`, sums the native
 * readings lying inside it, converted to `range.unit`. A bucket is only as good as its coverage: if the
 * usable native readings tile it completely, its quality is the worst of theirs (ESTIMATED if any is,
 * else MEASURED); if any stretch is uncovered (a gap, a MISSING or null reading, a reading crossing the
 * bucket edge) the bucket is MISSING with a null value. We never scale up a partial sum.
 *
 * Nothing from the future: a native reading that ends after `nowMs` is dropped whatever the provider
 * says, so every bucket that has not ended by then is MISSING.
 *
 * Native readings are indexed by start time, and each bucket follows the chain start → end → next start,
 * so the work is O(readings + buckets) with no sorting and no buckets × readings scan. Readings outside
 * [range.from, range.to) are ignored.
 */
export function buildTimeSeries(range: ResolvedRange, native: NativeSeries, nowMs: number): TimeSeriesResult {
  const fromMs = range.from.getTime();
  const toMs = Math.min(range.to.getTime(), nowMs);

  const byStart = new Map<number, NativeReading>();
  for (const reading of native.readings) {
    const start = reading.start.getTime();
    const end = reading.end.getTime();
    // `!(end > start)` also drops NaN dates.
    if (!(end > start) || start < fromMs || end > toMs) continue;
    const current = byStart.get(start);
    if (current === undefined || preferred(reading, current)) byStart.set(start, reading);
  }

  const readings: ReadingResult[] = [];
  const values: Array<number | null> = [];
  const starts: Date[] = [];
  const total = new EnergySum();
  let missing = 0;

  for (const bucket of eachBucket(range.from, range.to, range.resolution, range.timeZone)) {
    starts.push(bucket.start);
    const bucketEnd = bucket.end.getTime();
    const sum = new EnergySum();
    let quality: ReadingQuality = ReadingQuality.MEASURED;
    let covered = true;
    let cursor = bucket.start.getTime();
    while (cursor < bucketEnd) {
      const part = byStart.get(cursor);
      if (part === undefined || !usable(part) || part.end.getTime() > bucketEnd) {
        covered = false;
        break;
      }
      sum.add(part.value);
      if (part.quality === ReadingQuality.ESTIMATED) quality = ReadingQuality.ESTIMATED;
      cursor = part.end.getTime();
    }

    if (covered) {
      const value = convertEnergy(sum.value, native.unit, range.unit);
      total.add(value);
      readings.push({ start: bucket.start, end: bucket.end, value, quality });
      values.push(value);
    } else {
      missing += 1;
      readings.push({ start: bucket.start, end: bucket.end, value: null, quality: ReadingQuality.MISSING });
      values.push(null);
    }
  }

  return {
    resolution: range.resolution,
    nativeResolution: native.resolution,
    unit: range.unit,
    timeZone: range.timeZone,
    from: range.from,
    to: range.to,
    total: roundEnergy(total.value),
    count: readings.length,
    missing,
    readings,
    values,
    starts,
  };
}
