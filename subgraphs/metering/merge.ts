import type { ProviderName } from '../../shared/graph/provider-names.js';
import { ReadingQuality, type TimeSeriesResult } from '../../shared/time/index.js';
import type { ResolvedRange } from '../../shared/time/range.js';
import { resample } from '../../shared/time/resample.js';

/**
 * How one connection's series from several providers become one (issue 24): pure, bucket by bucket, over
 * series already cut into the same buckets (every provider was asked for the same range). No I/O, no
 * clock: the resolvers fetch, this decides.
 */

/** One bucket as a provider's series has it: MISSING always with a null value. */
export interface BucketValue {
  value: number | null;
  quality: ReadingQuality;
}

/** One bucket of the merged series and the provider its value came from (null where every source is MISSING). */
export interface MergedBucket extends BucketValue {
  source: ProviderName | null;
}

/** One provider's series of a connection, aligned with every other source's buckets. */
export interface SourceSeries {
  provider: ProviderName;
  buckets: readonly BucketValue[];
}

export enum MergePolicy {
  /** Per bucket MEASURED over ESTIMATED over MISSING; a tie goes to the provider that comes first in the order. */
  BEST_QUALITY = 'BEST_QUALITY',
  /** Per bucket the first provider in the order that has the bucket (not MISSING), whatever its quality. */
  PRIORITY = 'PRIORITY',
}

export interface Merged {
  buckets: MergedBucket[];
  /** Buckets some source had MISSING that the merged series has a value for. */
  filled: number;
}

const QUALITY_RANK: Record<ReadingQuality, number> = {
  [ReadingQuality.MEASURED]: 2,
  [ReadingQuality.ESTIMATED]: 1,
  [ReadingQuality.MISSING]: 0,
};

const MISSING: MergedBucket = { value: null, quality: ReadingQuality.MISSING, source: null };

/** A bucket counts as had when it is not MISSING and carries a finite value. */
function has(bucket: BucketValue | undefined): bucket is BucketValue & { value: number } {
  return (
    bucket !== undefined && bucket.quality !== ReadingQuality.MISSING && typeof bucket.value === 'number' && Number.isFinite(bucket.value)
  );
}

/**
 * Merges `sources` (in priority order: first wins a tie) into `count` buckets under `policy`. A source
 * with fewer buckets is MISSING past its end.
 */
export function mergeSeries(sources: readonly SourceSeries[], count: number, policy: MergePolicy): Merged {
  const buckets: MergedBucket[] = [];
  let filled = 0;
  for (let index = 0; index < count; index++) {
    let chosen: MergedBucket = MISSING;
    let someoneMissing = false;
    for (const { provider, buckets: own } of sources) {
      const bucket = own[index];
      if (!has(bucket)) {
        someoneMissing = true;
        continue;
      }
      const better =
        chosen.source === null || (policy === MergePolicy.BEST_QUALITY && QUALITY_RANK[bucket.quality] > QUALITY_RANK[chosen.quality]);
      if (better) chosen = { value: bucket.value, quality: bucket.quality, source: provider };
    }
    if (someoneMissing && chosen.source !== null) filled += 1;
    buckets.push(chosen);
  }
  return { buckets, filled };
}

/** How far two MEASURED values may differ before they disagree; a difference within either bound is tolerated. */
export interface Tolerance {
  /** In the series' unit. */
  absolute: number;
  /** Of the larger magnitude of the two: 0.05 tolerates 5 %. */
  relative: number;
}

export interface Disagreement {
  index: number;
  /** Every provider that MEASURED the bucket, in the given order, with its value. */
  values: Array<{ provider: ProviderName; value: number }>;
  /** Largest minus smallest of the values. */
  difference: number;
  /** `difference` over the largest magnitude (0 when all are 0). */
  relativeDifference: number;
}

/** The buckets where two providers that both MEASURED them differ beyond the tolerance. */
export function disagreements(sources: readonly SourceSeries[], count: number, tolerance: Tolerance): Disagreement[] {
  const found: Disagreement[] = [];
  for (let index = 0; index < count; index++) {
    const values: Disagreement['values'] = [];
    for (const { provider, buckets } of sources) {
      const bucket = buckets[index];
      if (has(bucket) && bucket.quality === ReadingQuality.MEASURED) values.push({ provider, value: bucket.value });
    }
    if (values.length < 2) continue;
    const numbers = values.map(({ value }) => value);
    const difference = Math.max(...numbers) - Math.min(...numbers);
    const magnitude = Math.max(...numbers.map(Math.abs));
    const relativeDifference = magnitude === 0 ? 0 : difference / magnitude;
    if (difference > tolerance.absolute && relativeDifference > tolerance.relative) {
      found.push({ index, values, difference: roundDifference(difference), relativeDifference: roundDifference(relativeDifference) });
    }
  }
  return found;
}

/** Differences of decimal readings without the binary noise of subtracting doubles (12 significant digits, as every value). */
function roundDifference(value: number): number {
  return value === 0 ? 0 : Number(value.toPrecision(12));
}

/**
 * The order the sources are tried in: `asked` as given (PRIORITY's order), else the configured provider
 * priority, with providers the priority does not name after it in their given order.
 */
export function sourceOrder(
  available: readonly ProviderName[],
  asked: readonly ProviderName[] | undefined,
  priority: readonly ProviderName[],
): ProviderName[] {
  if (asked) return [...new Set(asked)].filter((provider) => available.includes(provider));
  const ranked = priority.filter((provider) => available.includes(provider));
  return [...ranked, ...available.filter((provider) => !ranked.includes(provider))];
}

/** Buckets already cut to the grid, as a series built by the kit's resampler: its totals, counts and compact form are the kit's. */
export function bucketSeries(
  range: ResolvedRange,
  boundaries: readonly number[],
  buckets: readonly BucketValue[],
  nowMs: number,
): TimeSeriesResult {
  const intervals = buckets.map(({ value, quality }, index) => ({
    startMs: boundaries[index]!,
    endMs: boundaries[index + 1]!,
    value,
    quality,
  }));
  return resample(range, boundaries, range.resolution, intervals, range.unit, nowMs);
}
