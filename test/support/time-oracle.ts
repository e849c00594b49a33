/**
 * An independent oracle of calendar buckets, for property tests of the time-series pipeline. It shares
 * nothing with the pipeline but the tz database: no Luxon, no BucketGrid, no ZoneRules. It asks `Intl`
 * what a zone's wall clock shows at an instant, and finds instants by searching that answer, minute by
 * minute; calendar arithmetic is done on civil dates (`Date.UTC`), where there are no zones.
 *
 * Instants are epoch milliseconds. It assumes what holds for the zones it is used with: offsets are
 * whole minutes, and a zone's local date never runs backwards (no fall-back crosses midnight).
 */

const MINUTE_MS = 60_000;
const DAY_MS = 86_400_000;

export interface Wall {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
}

const formats = new Map<string, Intl.DateTimeFormat>();

/** What the zone's wall clock shows at `ms`. */
export function wallAt(zone: string, ms: number): Wall {
  let format = formats.get(zone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-US', {
      timeZone: zone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formats.set(zone, format);
  }
  const parts = Object.fromEntries(format.formatToParts(new Date(ms)).map((part) => [part.type, Number(part.value)]));
  return { year: parts.year!, month: parts.month!, day: parts.day!, hour: parts.hour!, minute: parts.minute!, second: parts.second! };
}

/** The wall clock as `yyyy-MM-ddTHH:mm:ss`, the way zone-less providers write it. */
export function wallText(zone: string, ms: number, separator = 'T'): string {
  const { year, month, day, hour, minute, second } = wallAt(zone, ms);
  const two = (n: number) => String(n).padStart(2, '0');
  return `${year}-${two(month)}-${two(day)}${separator}${two(hour)}:${two(minute)}:${two(second)}`;
}

/** The UTC offset (ms) at `ms`: wall clock minus instant. */
export function offsetAt(zone: string, ms: number): number {
  const wall = wallAt(zone, ms);
  const floored = ms - (((ms % MINUTE_MS) + MINUTE_MS) % MINUTE_MS);
  return Date.UTC(wall.year, wall.month - 1, wall.day, wall.hour, wall.minute) - floored;
}

/** A civil date as a day number (days since 1970-01-01), zone-free. */
export const civilDay = (year: number, month: number, day: number) => Date.UTC(year, month - 1, day) / DAY_MS;
export function civilDate(dayNumber: number): { year: number; month: number; day: number; weekday: number } {
  const date = new Date(dayNumber * DAY_MS);
  return { year: date.getUTCFullYear(), month: date.getUTCMonth() + 1, day: date.getUTCDate(), weekday: date.getUTCDay() || 7 };
}

/** The local date (as a day number) at `ms`. */
export function localDayAt(zone: string, ms: number): number {
  const { year, month, day } = wallAt(zone, ms);
  return civilDay(year, month, day);
}

/** The first instant of local date `dayNumber`: the earliest minute from which the local date is at least it. */
export function localDayStart(zone: string, dayNumber: number): number {
  // Offsets lie within ±15 hours, so the answer lies within 15 hours of the date's UTC midnight.
  let lo = (dayNumber * DAY_MS - 15 * 3_600_000) / MINUTE_MS; // local date before it
  let hi = (dayNumber * DAY_MS + 15 * 3_600_000) / MINUTE_MS; // local date at or after it
  while (hi - lo > 1) {
    const mid = Math.floor((lo + hi) / 2);
    if (localDayAt(zone, mid * MINUTE_MS) >= dayNumber) hi = mid;
    else lo = mid;
  }
  return hi * MINUTE_MS;
}

export type OracleResolution = 'FIVE_MINUTES' | 'QUARTER_HOUR' | 'HALF_HOUR' | 'HOUR' | 'DAY' | 'WEEK' | 'MONTH' | 'YEAR';
export const FIXED_MINUTES: Partial<Record<OracleResolution, number>> = { FIVE_MINUTES: 5, QUARTER_HOUR: 15, HALF_HOUR: 30, HOUR: 60 };

/** Whether a local date starts a calendar period of the resolution. */
function startsPeriod(resolution: OracleResolution, dayNumber: number): boolean {
  const { month, day, weekday } = civilDate(dayNumber);
  if (resolution === 'WEEK') return weekday === 1;
  if (resolution === 'MONTH') return day === 1;
  if (resolution === 'YEAR') return day === 1 && month === 1;
  return true;
}

/** Whether a bucket of the resolution starts at `ms` in the zone, by what the wall clock shows. */
export function isBucketStart(zone: string, resolution: OracleResolution, ms: number): boolean {
  const minutes = FIXED_MINUTES[resolution];
  if (minutes !== undefined) {
    const wall = wallAt(zone, ms);
    return ms % 1000 === 0 && wall.second === 0 && wall.minute % minutes === 0;
  }
  const today = localDayAt(zone, ms);
  return startsPeriod(resolution, today) && localDayStart(zone, today) === ms;
}

/**
 * Every bucket boundary of the resolution in the zone, from the last one at or before `fromMs` to the
 * first one at or after `toMs`: the buckets that cover [fromMs, toMs), widened.
 */
export function bucketBoundaries(zone: string, resolution: OracleResolution, fromMs: number, toMs: number): number[] {
  const minutes = FIXED_MINUTES[resolution];
  const boundaries: number[] = [];
  if (minutes !== undefined) {
    // Every offset of these zones is a whole number of 5 minutes: walk the 5-minute grid.
    const step = 5 * MINUTE_MS;
    let t = Math.floor(fromMs / step) * step;
    while (!isBucketStart(zone, resolution, t)) t -= step;
    for (; ; t += step) {
      if (!isBucketStart(zone, resolution, t)) continue;
      boundaries.push(t);
      if (t >= toMs) return boundaries;
    }
  }
  let day = localDayAt(zone, fromMs);
  while (!startsPeriod(resolution, day)) day -= 1;
  for (; ; day += 1) {
    if (!startsPeriod(resolution, day)) continue;
    const start = localDayStart(zone, day);
    boundaries.push(start);
    if (start >= toMs) return boundaries;
  }
}

/** The days (UTC) on which the zone's offset changes, from `fromYear` to `toYear`. */
export function offsetChanges(zone: string, fromYear: number, toYear: number): number[] {
  const changes: number[] = [];
  let previous = offsetAt(zone, Date.UTC(fromYear, 0, 1));
  for (let ms = Date.UTC(fromYear, 0, 1) + DAY_MS; ms < Date.UTC(toYear + 1, 0, 1); ms += DAY_MS) {
    const offset = offsetAt(zone, ms);
    if (offset !== previous) changes.push(ms - DAY_MS);
    previous = offset;
  }
  return changes;
}
