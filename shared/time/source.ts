import type { ProviderName } from '../graph/provider-names.js';
import type { EnergyUnit, ReadingQuality, Resolution } from './types.js';

/**
 * The time-series contract each provider implements once, in its `readings.ts` (DESIGN.md, "Time
 * series"): what it can serve and how to load its rows. Everything else — range checks, choosing
 * granularities, batching, cutting at now, gap filling, register differencing, resampling, units,
 * totals, the compact form — the kit's pipeline (`TimeSeriesReader`) does the same way for everyone.
 *
 * Instants are epoch milliseconds throughout the pipeline; Dates appear only at its two edges.
 */

/** A calendar period one upstream call is measured in. */
export type CallPeriod = Resolution.DAY | Resolution.WEEK | Resolution.MONTH | Resolution.YEAR;

/** One kind of row a provider serves: its native readings, or a coarser aggregate of its own. */
export interface Granularity {
  /** The provider's name for it, as sent upstream (Openvolt `hh`, UMeter's route `month`, …). */
  name: string;
  /** What one row covers. */
  resolution: Resolution;
  /** The zone in which its rows are cut (for fixed resolutions, the zone whose local clock they follow). */
  zone: string;
  /**
   * How much one call may ask for: at most `maxPeriods` whole calendar `period`s of `zone`, cut on
   * their boundaries (UMeter's routes are addressed by one Dutch day, month or year: `maxPeriods` 1).
   * A period must be a whole number of rows.
   */
  call: { period: CallPeriod; maxPeriods: number };
  /** The longest request (in days of the asked zone) this granularity may serve; default the source's `maxSpanDays`. */
  maxSpanDays?: number;
}

/** A row as the provider sent it, at one granularity. */
export interface SourceRow {
  /** Interval rows: the first instant of the row's interval. Registers: the instant it was read. */
  at: number;
  /** Energy (interval) or register reading, in the meter's unit; null when the provider marks it missing. */
  value: number | null;
  /** The provider's own flag; MEASURED when absent. */
  quality?: ReadingQuality;
}

/** [fromMs, toMs) of one upstream call; a register source returns readings at both ends, [fromMs, toMs]. */
export interface CallWindow {
  fromMs: number;
  toMs: number;
}

export interface ReadingsSource<Meter> {
  provider: ProviderName;
  /** Rows are energy per interval, or readings of a cumulative register that the kit differences. */
  kind: 'interval' | 'register';
  /** Finest first; the first is the provider's native resolution. A coarser one is asked for wherever it nests exactly in the asked buckets. */
  granularities: readonly Granularity[];
  /** The longest request, in days of the asked zone, after widening to whole buckets. */
  maxSpanDays: number;
  /** The meter's identity: equal keys are one meter (batching, and the rows `load` answers with). */
  meterKey(meter: Meter): string;
  /** The unit of the meter's rows. */
  unit(meter: Meter): EnergyUnit;
  /**
   * The rows of every meter over one call window of one granularity, by `meterKey`. This is how keys
   * batch: the kit hands over all meters that need the same window in a request, and the source makes
   * as few calls as its API allows (one for all, one per 50, or one per meter). A meter whose own call
   * failed maps to its Error (a rejection fails every meter of the window); a meter left out has no rows.
   */
  load(meters: readonly Meter[], granularity: Granularity, window: CallWindow): Promise<Map<string, SourceRow[] | Error>>;
}
