import DataLoader from 'dataloader';
import { groupBy, mergeWindows } from '../connector/batching.js';
import { planBuckets, type BucketPlan } from './plan.js';
import { resolveRange, type ResolvedRange } from './range.js';
import { differenceRegisters, type NativeInterval, type RegisterReset } from './registers.js';
import { resample } from './resample.js';
import { BucketGrid } from './buckets.js';
import type { HistoryCache } from './history-cache.js';
import { resolutionInfo } from './resolution.js';
import type { CallWindow, Granularity, ReadingsSource, SourceRow } from './source.js';
import { ReadingQuality, type EnergyUnit, type ReadingRange, type TimeSeriesResult } from './types.js';
import { WH_PER_UNIT } from './units.js';
import { DEFAULT_READING_BOUNDS, type ReadingBounds } from './reading-bounds.js';

/**
 * The one time-series pipeline (DESIGN.md, "Time series"): one per request (its loader must not
 * outlive the request, or data would leak between users), over one provider's `ReadingsSource`.
 *
 *   ReadingRange ─ resolveRange ─ planBuckets ─ (cut at now) ─ loader ─ [differenceRegisters] ─ resample ─ TimeSeries
 *
 * Each `consumption` resolver is one call: `readings.series(meter, range)`. Every refusal happens
 * before any upstream call. Buckets that end after now are not fetched at all; windows the provider
 * will not change any more come from the history cache when it holds them (history-cache.ts).
 */

const HOUR_MS = 3_600_000;

/** One stretch of one meter's rows at one granularity: what a resolver's series needs from upstream. */
interface LoadKey<Meter> extends CallWindow {
  meter: Meter;
  granularity: number;
}

interface Prepared {
  range: ResolvedRange;
  plan: BucketPlan;
  nowMs: number;
}

export class TimeSeriesReader<Meter> {
  private readonly loader: DataLoader<LoadKey<Meter>, SourceRow[], string>;

  constructor(
    private readonly source: ReadingsSource<Meter>,
    private readonly now: () => number = Date.now,
    private readonly bounds: ReadingBounds = DEFAULT_READING_BOUNDS,
    private readonly history?: HistoryCache,
  ) {
    this.loader = new DataLoader((keys) => this.loadBatch(keys), {
      cacheKeyFn: (key) => `${source.meterKey(key.meter)}|${key.granularity}|${key.fromMs}|${key.toMs}`,
    });
  }

  /** The meter's energy over the range, resampled to its resolution, unit and zone. */
  async series(meter: Meter, range: ReadingRange): Promise<TimeSeriesResult> {
    const prepared = this.prepare(range);
    const intervals = (await this.intervals(meter, prepared)).intervals;
    const { range: resolved, plan, nowMs } = prepared;
    return resample(resolved, plan.boundaries, plan.nativeResolution, intervals, this.source.unit(meter), nowMs);
  }

  /** Forgets the cached history of the meter `source.meterKey` names so: after the subgraph changed it upstream (a push). */
  async forgetHistory(meterKey: string): Promise<void> {
    await this.history?.forget(meterKey);
  }

  /** Drops of a cumulative register within the range (widened to whole buckets), oldest first. */
  async registerResets(meter: Meter, range: ReadingRange): Promise<RegisterReset[]> {
    return (await this.intervals(meter, this.prepare(range))).resets;
  }

  private prepare(range: ReadingRange): Prepared {
    const { provider, granularities } = this.source;
    const resolved = resolveRange(range, provider, granularities[0]!.resolution);
    return { range: resolved, plan: planBuckets(resolved, this.source), nowMs: this.now() };
  }

  /** The native intervals of the planned buckets that have ended by now, one load per stretch of one granularity. */
  private async intervals(meter: Meter, { plan, nowMs }: Prepared): Promise<{ intervals: NativeInterval[]; resets: RegisterReset[] }> {
    const { boundaries, granularityOf } = plan;
    const keys: Array<LoadKey<Meter>> = [];
    for (let bucket = 0; bucket < granularityOf.length && boundaries[bucket + 1]! <= nowMs; bucket++) {
      const last = keys.at(-1);
      if (last && last.granularity === granularityOf[bucket] && last.toMs === boundaries[bucket]) last.toMs = boundaries[bucket + 1]!;
      else keys.push({ meter, granularity: granularityOf[bucket]!, fromMs: boundaries[bucket]!, toMs: boundaries[bucket + 1]! });
    }
    const loaded = await Promise.all(keys.map((key) => this.loader.load(key).then((rows) => ({ key, rows }))));
    const intervals: NativeInterval[] = [];
    const resets: RegisterReset[] = [];
    for (const { key, rows } of loaded) {
      const granularity = this.source.granularities[key.granularity]!;
      if (this.source.kind === 'register') {
        const { minutes } = resolutionInfo(granularity.resolution) as { minutes: number };
        // The stretch's registers run from its start to its end, both included: every interval and reset lies inside it.
        const differenced = differenceRegisters(rows, minutes * 60_000);
        for (const interval of differenced.intervals) intervals.push(interval);
        resets.push(...differenced.resets);
      } else {
        const clock = new BucketGrid(granularity.resolution, granularity.zone);
        for (const row of rows) {
          intervals.push({ startMs: row.at, endMs: clock.next(row.at), value: row.value, quality: row.quality ?? ReadingQuality.MEASURED });
        }
      }
    }
    const unit = this.source.unit(meter);
    return { intervals: intervals.map((interval) => this.withinBounds(interval, unit)), resets };
  }

  /** The interval, or MISSING when its value is beyond the physical bound (ReadingBounds). */
  private withinBounds(interval: NativeInterval, unit: EnergyUnit): NativeInterval {
    const { value } = interval;
    if (value === null) return interval;
    const maxWh = (this.bounds.maxKwhPerHour * WH_PER_UNIT.KWH * (interval.endMs - interval.startMs)) / HOUR_MS;
    // Unrounded (convertEnergy refuses what is not finite): the bound is no measurement.
    if (Math.abs(value * WH_PER_UNIT[unit]) <= maxWh) return interval;
    return { ...interval, value: null, quality: ReadingQuality.MISSING };
  }

  /**
   * Every stretch asked in one tick, batched the way the provider's calls allow: per granularity the
   * stretches are merged, cut into call windows on the boundaries of the granularity's call periods,
   * and each window is one `load` for all meters that need it (the source splits them further if its
   * API must). A failed call fails exactly the stretches that needed it.
   */
  private async loadBatch(keys: ReadonlyArray<LoadKey<Meter>>): Promise<Array<SourceRow[] | Error>> {
    const { source } = this;
    const inclusiveEnd = source.kind === 'register';
    const nowMs = this.now();
    const calls: Array<{ window: CallWindow; granularity: number; rows: Promise<Map<string, SourceRow[] | Error>> }> = [];
    for (const [index, group] of groupBy(keys, (key) => key.granularity)) {
      const granularity = source.granularities[index]!;
      for (const merged of mergeWindows(group.map((key) => ({ from: key.fromMs, to: key.toMs })))) {
        for (const block of callBlocks(granularity, merged.from, merged.to)) {
          const members = group.filter((key) => key.fromMs < block.toMs && key.toMs > block.fromMs);
          const window = {
            fromMs: Math.max(block.fromMs, Math.min(...members.map((key) => key.fromMs))),
            toMs: Math.min(block.toMs, Math.max(...members.map((key) => key.toMs))),
          };
          const meters = [...new Map(members.map((key) => [source.meterKey(key.meter), key.meter])).values()];
          calls.push({ window, granularity: index, rows: this.loadWindow(meters, granularity, window, nowMs) });
        }
      }
    }
    const settled = await Promise.all(
      calls.map((call) =>
        call.rows.then(
          (rows) => ({ call, rows }),
          (error: unknown) => ({ call, error }),
        ),
      ),
    );
    return keys.map((key) => {
      const rows: SourceRow[] = [];
      for (const result of settled) {
        const { window, granularity } = result.call;
        if (granularity !== key.granularity || window.fromMs >= key.toMs || window.toMs <= key.fromMs) continue;
        if ('error' in result) return result.error instanceof Error ? result.error : new Error(String(result.error));
        const meterRows = result.rows.get(source.meterKey(key.meter)) ?? [];
        if (meterRows instanceof Error) return meterRows;
        for (const row of meterRows) if (within(key, row.at, inclusiveEnd)) rows.push(row);
      }
      return rows;
    });
  }

  /**
   * The rows of `meters` over one call window: from the history cache where it holds the window,
   * upstream for the others (only those: a batch API is asked for fewer meters), then kept if final.
   */
  private async loadWindow(
    meters: readonly Meter[],
    granularity: Granularity,
    window: CallWindow,
    nowMs: number,
  ): Promise<Map<string, SourceRow[] | Error>> {
    const { history, source } = this;
    if (!history?.holds(window, nowMs)) return source.load(meters, granularity, window);
    const cached: Map<string, SourceRow[] | Error> = await history.read(
      meters.map((meter) => source.meterKey(meter)),
      granularity,
      window,
    );
    const missing = meters.filter((meter) => !cached.has(source.meterKey(meter)));
    if (missing.length === 0) return cached;
    const loaded = await source.load(missing, granularity, window);
    const inside = new Map<string, SourceRow[]>();
    const register = source.kind === 'register';
    for (const [meterKey, rows] of loaded) {
      if (!(rows instanceof Error))
        inside.set(
          meterKey,
          rows.filter((row) => within(window, row.at, register)),
        );
    }
    history.write(inside, granularity, window);
    return new Map([...cached, ...loaded]);
  }
}

/** Whether an instant lies in the window: [fromMs, toMs), or [fromMs, toMs] for registers. */
function within(window: CallWindow, at: number, inclusiveEnd: boolean): boolean {
  return at >= window.fromMs && (at < window.toMs || (inclusiveEnd && at === window.toMs));
}

/** [fromMs, toMs) cut into call windows of at most `maxPeriods` whole call periods, on the periods' boundaries. */
function* callBlocks(granularity: Granularity, fromMs: number, toMs: number): Generator<CallWindow> {
  const { period, maxPeriods } = granularity.call;
  const clock = new BucketGrid(period, granularity.zone);
  let blockStart = clock.floor(fromMs);
  while (blockStart < toMs) {
    let blockEnd = blockStart;
    for (let n = 0; n < maxPeriods && blockEnd < toMs; n++) blockEnd = clock.next(blockEnd);
    yield { fromMs: Math.max(blockStart, fromMs), toMs: Math.min(blockEnd, toMs) };
    blockStart = blockEnd;
  }
}
