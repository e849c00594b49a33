import { ReadingQuality, type TimeSeriesResult } from '../../shared/time/index.js';
import { EnergySum, roundEnergy } from '../../shared/time/units.js';
import type { ResolvedRange } from '../../shared/time/range.js';
import { bucketSeries, type BucketValue } from './merge.js';

/**
 * A portfolio's series (issue 24): several connections' merged series, cut into the same buckets, summed
 * bucket by bucket. Pure: the resolvers merge each connection, this adds them up.
 *
 * A bucket is only as complete as its least complete connection: MISSING (value null) when any connection
 * has it MISSING, since the sum of the others is not the portfolio's energy; else ESTIMATED when any
 * connection's value is estimated; else MEASURED. The same rule the kit's resampler applies to the
 * intervals of one bucket.
 */
export function sumConnections(connections: ReadonlyArray<readonly BucketValue[]>, count: number): BucketValue[] {
  const buckets: BucketValue[] = [];
  for (let index = 0; index < count; index++) {
    const sum = new EnergySum();
    let quality = ReadingQuality.MEASURED;
    for (const series of connections) {
      const bucket = series[index];
      if (!bucket || bucket.quality === ReadingQuality.MISSING || bucket.value === null) {
        quality = ReadingQuality.MISSING;
        break;
      }
      sum.add(bucket.value);
      if (bucket.quality === ReadingQuality.ESTIMATED) quality = ReadingQuality.ESTIMATED;
    }
    // No connection at all has nothing to sum: MISSING, not a measured 0.
    if (connections.length === 0) quality = ReadingQuality.MISSING;
    buckets.push(quality === ReadingQuality.MISSING ? { value: null, quality } : { value: roundEnergy(sum.value), quality });
  }
  return buckets;
}

/** The portfolio's series over the grid `boundaries` of `range`, built by the kit: its total is the sum of its buckets. */
export function portfolioSeries(
  range: ResolvedRange,
  boundaries: readonly number[],
  connections: ReadonlyArray<readonly BucketValue[]>,
  nowMs: number,
): TimeSeriesResult {
  return bucketSeries(range, boundaries, sumConnections(connections, boundaries.length - 1), nowMs);
}
