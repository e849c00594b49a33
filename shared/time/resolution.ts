import { type DateTimeUnit } from 'luxon';
import { Resolution } from './types.js';

/** What each Resolution is: its rank, and a fixed length or a calendar unit (bucket arithmetic: buckets.ts). */

export type CalendarUnit = Extract<DateTimeUnit, 'day' | 'week' | 'month' | 'year'>;

export type ResolutionInfo =
  | { readonly resolution: Resolution; readonly rank: number; readonly kind: 'fixed'; readonly minutes: number; readonly label: string }
  | {
      readonly resolution: Resolution;
      readonly rank: number;
      readonly kind: 'calendar';
      readonly unit: CalendarUnit;
      readonly label: string;
    };

export const RESOLUTION_INFO: Readonly<Record<Resolution, ResolutionInfo>> = Object.freeze({
  [Resolution.FIVE_MINUTES]: { resolution: Resolution.FIVE_MINUTES, rank: 0, kind: 'fixed', minutes: 5, label: '5-minute' },
  [Resolution.QUARTER_HOUR]: { resolution: Resolution.QUARTER_HOUR, rank: 1, kind: 'fixed', minutes: 15, label: 'quarter-hour' },
  [Resolution.HALF_HOUR]: { resolution: Resolution.HALF_HOUR, rank: 2, kind: 'fixed', minutes: 30, label: 'half-hour' },
  [Resolution.HOUR]: { resolution: Resolution.HOUR, rank: 3, kind: 'fixed', minutes: 60, label: 'hourly' },
  [Resolution.DAY]: { resolution: Resolution.DAY, rank: 4, kind: 'calendar', unit: 'day', label: 'daily' },
  [Resolution.WEEK]: { resolution: Resolution.WEEK, rank: 5, kind: 'calendar', unit: 'week', label: 'weekly' },
  [Resolution.MONTH]: { resolution: Resolution.MONTH, rank: 6, kind: 'calendar', unit: 'month', label: 'monthly' },
  [Resolution.YEAR]: { resolution: Resolution.YEAR, rank: 7, kind: 'calendar', unit: 'year', label: 'yearly' },
});

export function resolutionInfo(resolution: Resolution): ResolutionInfo {
  const info = RESOLUTION_INFO[resolution];
  if (!info) throw new RangeError(`Unknown resolution: ${String(resolution)}`);
  return info;
}

export function isResolution(value: unknown): value is Resolution {
  return typeof value === 'string' && Object.prototype.hasOwnProperty.call(RESOLUTION_INFO, value);
}

/** True when `a` is strictly finer (shorter buckets) than `b`. */
export function isFiner(a: Resolution, b: Resolution): boolean {
  return resolutionInfo(a).rank < resolutionInfo(b).rank;
}
