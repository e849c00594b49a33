import { DateTime } from 'luxon';
import { BadUserInputError } from '../../shared/graph/errors.js';
import type { ProviderName } from '../../shared/graph/provider-names.js';
import { TimeSeriesReader } from '../../shared/time/pipeline.js';
import type { CallWindow, Granularity, ReadingsSource, SourceRow } from '../../shared/time/source.js';
import { EnergyUnit, ReadingQuality, ReadingRange, Resolution, type TimeSeriesResult } from '../../shared/time/types.js';

/*
 * Builders shared by the time-series tests. Not exported from index.ts: production code never needs them.
 */

export interface SlotOptions {
  /** Length of each row in minutes (default 30). */
  minutes?: number;
  /** Value of each row (default 1.5), or a function of its index. */
  value?: number | null | ((index: number) => number | null);
  /** Quality of each row (default MEASURED), or a function of its index. */
  quality?: ReadingQuality | ((index: number) => ReadingQuality);
}

/** `count` contiguous rows starting at `from` (an ISO string with offset), `minutes` apart in absolute time. */
export function slots(from: string, count: number, options: SlotOptions = {}): SourceRow[] {
  const minutes = options.minutes ?? 30;
  const startMs = Date.parse(from);
  if (Number.isNaN(startMs)) throw new Error(`bad ISO date in test: ${from}`);
  return Array.from({ length: count }, (_, i) => ({
    at: startMs + i * minutes * 60_000,
    value: typeof options.value === 'function' ? options.value(i) : options.value === undefined ? 1.5 : options.value,
    quality: typeof options.quality === 'function' ? options.quality(i) : (options.quality ?? ReadingQuality.MEASURED),
  }));
}

/** A ReadingRange as the GraphQL layer would build it (class instance, defaults applied). */
export function rangeOf(input: {
  from: string | Date;
  to: string | Date;
  resolution: Resolution;
  unit?: EnergyUnit;
  timeZone?: string;
}): ReadingRange {
  const range = new ReadingRange();
  range.from = typeof input.from === 'string' ? new Date(input.from) : input.from;
  range.to = typeof input.to === 'string' ? new Date(input.to) : input.to;
  range.resolution = input.resolution;
  if (input.unit !== undefined) range.unit = input.unit;
  if (input.timeZone !== undefined) range.timeZone = input.timeZone;
  return range;
}

/** An instant as local ISO time in `zone`, for readable assertions. */
export function local(date: Date, zone: string): string {
  return DateTime.fromJSDate(date, { zone }).toISO({ suppressMilliseconds: true }) ?? 'invalid';
}

/** A granularity with a call of `maxPeriods` UTC days (unless said otherwise). */
export function granularity(
  resolution: Resolution,
  zone = 'UTC',
  call: Granularity['call'] = { period: Resolution.DAY, maxPeriods: 62 },
): Granularity {
  return { name: resolution.toLowerCase(), resolution, zone, call };
}

export interface MemorySourceOptions {
  provider?: ProviderName;
  kind?: 'interval' | 'register';
  /** Finest first; default half hours cut in UTC. */
  granularities?: Granularity[];
  maxSpanDays?: number;
  unit?: EnergyUnit;
  /** Rows by meter and granularity name; a meter not listed has none. */
  rows?: Record<string, Record<string, SourceRow[]>>;
  /** Meters whose load fails. */
  failing?: string[];
}

/** A provider kept in memory that records every call it is asked for, as a simulator would. */
export function memorySource(options: MemorySourceOptions = {}) {
  const calls: Array<{ granularity: string; meters: string[]; window: CallWindow }> = [];
  const source: ReadingsSource<string> = {
    provider: options.provider ?? 'OPENVOLT',
    kind: options.kind ?? 'interval',
    granularities: options.granularities ?? [granularity(Resolution.HALF_HOUR)],
    maxSpanDays: options.maxSpanDays ?? 366,
    meterKey: (meter) => meter,
    unit: () => options.unit ?? EnergyUnit.KWH,
    async load(meters, { name }, window) {
      calls.push({ granularity: name, meters: [...meters], window });
      const inclusiveEnd = source.kind === 'register';
      return new Map(
        meters.map((meter) => [
          meter,
          options.failing?.includes(meter)
            ? new Error(`${meter} is down`)
            : (options.rows?.[meter]?.[name] ?? []).filter(
                (row) => row.at >= window.fromMs && (row.at < window.toMs || (inclusiveEnd && row.at === window.toMs)),
              ),
        ]),
      );
    },
  };
  return { source, calls };
}

/** One meter's series from in-memory rows of its native granularity, through the whole pipeline. */
export function seriesOf(
  input: Parameters<typeof rangeOf>[0],
  rows: SourceRow[],
  options: MemorySourceOptions & { nowMs?: number } = {},
): Promise<TimeSeriesResult> {
  const granularities = options.granularities ?? [granularity(Resolution.HALF_HOUR)];
  const { source } = memorySource({ ...options, granularities, rows: { m: { [granularities[0]!.name]: rows } } });
  return new TimeSeriesReader(source, () => options.nowMs ?? Date.parse('2030-01-01T00:00:00Z')).series('m', rangeOf(input));
}

/** The BAD_USER_INPUT error a promise rejects with. */
export async function refusedWith(promise: Promise<unknown>): Promise<BadUserInputError> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  if (!(error instanceof BadUserInputError)) throw new Error(`expected a BadUserInputError, got ${String(error)}`);
  return error;
}
