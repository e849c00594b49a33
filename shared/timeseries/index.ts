/**
 * The time-series kit every provider subgraph uses for `consumption(range: ReadingRange!)`:
 * GraphQL types, range validation and widening, DST-correct buckets, unit conversion and resampling.
 *
 * Typical resolver:
 *   const resolved = resolveRange(range, { provider: 'OPENVOLT', nativeResolution: Resolution.HALF_HOUR, maxSpanDays: 366 });
 *   const native = await loaders.readings.load({ meterId, from: resolved.from, to: resolved.to });
 *   return buildTimeSeries(resolved, native);
 */
export {
  EnergyUnit,
  Reading,
  ReadingQuality,
  ReadingRange,
  Resolution,
  TimeSeries,
  type ReadingResult,
  type TimeSeriesResult,
} from './types.js';
export {
  BucketClock,
  RESOLUTION_INFO,
  RESOLUTIONS_FINE_TO_COARSE,
  bucketAt,
  bucketStart,
  ceilToBoundary,
  compareResolutions,
  eachBucket,
  isBucketBoundary,
  isFiner,
  isResolution,
  nextBoundary,
  resolutionInfo,
  type CalendarUnit,
  type ResolutionInfo,
} from './resolution.js';
export { ENERGY_SIGNIFICANT_DIGITS, EnergySum, WH_PER_UNIT, convertEnergy, roundEnergy } from './units.js';
export { resolveRange, type RangeLimits, type ResolvedRange } from './range.js';
export { buildTimeSeries, type NativeReading, type NativeSeries } from './resample.js';
