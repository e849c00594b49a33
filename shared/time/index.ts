/**
 * The time-series kit every provider subgraph uses for `consumption(range: ReadingRange!)`: GraphQL
 * types, the provider contract (`ReadingsSource`, implemented once in each provider's `readings.ts`) and
 * the one pipeline that serves it (`TimeSeriesReader`: range checks, granularity choice, batching,
 * cutting at now, register differencing, DST-correct resampling, units, totals, the compact form).
 *
 * Typical resolver, with a per-request `readings = new TimeSeriesReader(source, now, history)` in the context:
 *   return readings.series(meter.id, range);
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
export { isResolution, resolutionInfo } from './resolution.js';
export type { CallPeriod, CallWindow, Granularity, ReadingsSource, SourceRow } from './source.js';
export type { RegisterReset } from './registers.js';
export { TimeSeriesReader } from './pipeline.js';
export { HistoryCache } from './history-cache.js';
export { DEFAULT_READING_BOUNDS, type ReadingBounds } from './reading-bounds.js';
