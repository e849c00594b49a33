import { DateTime } from 'luxon';
import type { NativeReading } from './resample.js';
import { EnergyUnit, ReadingQuality, ReadingRange, type Resolution } from './types.js';

/*
 * Builders shared by the time-series tests. Not exported from index.ts: production code never needs them.
 */

export interface SlotOptions {
  /** Length of each native reading in minutes (default 30). */
  minutes?: number;
  /** Value of each reading (default 1.5), or a function of its index. */
  value?: number | null | ((index: number) => number | null);
  /** Quality of each reading (default MEASURED), or a function of its index. */
  quality?: ReadingQuality | ((index: number) => ReadingQuality);
}

/** `count` contiguous native readings starting at `from` (an ISO string with offset), in absolute time. */
export function slots(from: string, count: number, options: SlotOptions = {}): NativeReading[] {
  const minutes = options.minutes ?? 30;
  const startMs = Date.parse(from);
  if (Number.isNaN(startMs)) throw new Error(`bad ISO date in test: ${from}`);
  const out: NativeReading[] = [];
  for (let i = 0; i < count; i += 1) {
    const value = typeof options.value === 'function' ? options.value(i) : options.value === undefined ? 1.5 : options.value;
    const quality = typeof options.quality === 'function' ? options.quality(i) : (options.quality ?? ReadingQuality.MEASURED);
    out.push({
      start: new Date(startMs + i * minutes * 60_000),
      end: new Date(startMs + (i + 1) * minutes * 60_000),
      value,
      quality,
    });
  }
  return out;
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
