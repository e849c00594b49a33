import { DateTime, IANAZone } from 'luxon';
import { BadUserInputError, type ProviderName } from '../errors.js';
import { BucketClock, isFiner, isResolution } from './resolution.js';
import { EnergyUnit, type ReadingRange, type Resolution } from './types.js';
import { WH_PER_UNIT } from './units.js';

/** What a provider can serve for one meter; the subgraph supplies it with each `consumption` call. */
export interface RangeLimits {
  provider: ProviderName;
  /** Resolution at which the provider records readings; a finer request is refused, never invented. */
  nativeResolution: Resolution;
  /** Longest window (after widening to whole buckets), in calendar days of the requested zone. */
  maxSpanDays: number;
  /**
   * Zone in which the provider's native buckets are cut. Default "UTC", right for interval meters whose
   * readings sit on UTC 5/15/30/60-minute marks. A provider whose native DAY/MONTH readings follow a
   * local calendar (e.g. UMeter in Europe/Amsterdam) passes that zone, so alignment is checked there.
   */
  nativeTimeZone?: string;
}

/** A validated request, widened to whole buckets. `buildTimeSeries` takes this. */
export interface ResolvedRange {
  /** Start of the first bucket (inclusive): `requestedFrom` floored to its bucket start. */
  from: Date;
  /** End of the last bucket (exclusive): `requestedTo` if it is a boundary, else the next boundary. */
  to: Date;
  resolution: Resolution;
  unit: EnergyUnit;
  timeZone: string;
  /** The window as the client asked for it, before widening. */
  requestedFrom: Date;
  requestedTo: Date;
}

type Fail = (message: string, field: string, extra?: Record<string, unknown>) => never;

const iso = (d: Date, zone: string): string => DateTime.fromJSDate(d, { zone }).toISO() ?? d.toISOString();

function isValidDate(value: unknown): value is Date {
  return value instanceof Date && !Number.isNaN(value.getTime());
}

/**
 * Validates a client's ReadingRange against a provider's limits and widens it to whole buckets of the
 * requested resolution in the requested zone. Every refusal is a BadUserInputError whose message says
 * what to change, with `extensions.provider` and `extensions.field` set.
 */
export function resolveRange(range: ReadingRange, limits: RangeLimits): ResolvedRange {
  const { provider } = limits;
  // Annotated as a type (not just a return type) so TypeScript narrows after each `fail(...)` call.
  const fail: Fail = (message, field, extra = {}) => {
    throw new BadUserInputError(message, { provider, field, ...extra });
  };

  const requestedFrom = range.from;
  const requestedTo = range.to;
  if (!isValidDate(requestedFrom))
    fail('range.from is not a valid date-time; send ISO 8601 with an offset, e.g. 2026-01-01T00:00:00Z.', 'range.from');
  if (!isValidDate(requestedTo))
    fail('range.to is not a valid date-time; send ISO 8601 with an offset, e.g. 2026-01-02T00:00:00Z.', 'range.to');
  if (requestedFrom.getTime() >= requestedTo.getTime()) {
    fail(
      `range.from (${requestedFrom.toISOString()}) must be before range.to (${requestedTo.toISOString()}); the range is [from, to), to exclusive.`,
      'range.to',
    );
  }

  const timeZone = range.timeZone ?? 'UTC';
  if (typeof timeZone !== 'string' || !IANAZone.isValidZone(timeZone)) {
    fail(
      `range.timeZone "${String(timeZone)}" is not a known IANA time zone; use a name such as "UTC" or "Europe/London".`,
      'range.timeZone',
    );
  }

  const unit = range.unit ?? EnergyUnit.KWH;
  if (!Object.prototype.hasOwnProperty.call(WH_PER_UNIT, unit)) {
    fail(`range.unit "${String(unit)}" is not an energy unit; use WH, KWH or MWH.`, 'range.unit');
  }

  const { resolution } = range;
  if (!isResolution(resolution)) {
    fail(
      `range.resolution "${String(resolution)}" is not a resolution; use one of FIVE_MINUTES, QUARTER_HOUR, HALF_HOUR, HOUR, DAY, WEEK, MONTH, YEAR.`,
      'range.resolution',
    );
  }
  const native = limits.nativeResolution;
  if (isFiner(resolution, native)) {
    fail(`${provider} meters record ${native} readings; ask for ${native} or coarser.`, 'range.resolution', {
      nativeResolution: native,
    });
  }

  // Widen to whole buckets: from back to its bucket start, to forward to a boundary.
  const clock = new BucketClock(resolution, timeZone);
  const from = new Date(clock.floor(requestedFrom.getTime()));
  const to = new Date(clock.ceil(requestedTo.getTime()));

  // Span in calendar days of the requested zone, so 366 local days across a DST change still count as 366.
  const spanDays = DateTime.fromJSDate(to, { zone: timeZone }).diff(DateTime.fromJSDate(from, { zone: timeZone }), 'days').days;
  if (spanDays > limits.maxSpanDays) {
    const widened =
      from.getTime() !== requestedFrom.getTime() || to.getTime() !== requestedTo.getTime()
        ? ` after widening to whole ${resolution} buckets in ${timeZone} (${iso(from, timeZone)} to ${iso(to, timeZone)})`
        : '';
    fail(
      `The range covers ${formatDays(spanDays)} days${widened}; ${provider} serves at most ${limits.maxSpanDays} days per request. Ask for a shorter range and page through time.`,
      'range.to',
      { maxSpanDays: limits.maxSpanDays },
    );
  }

  assertAlignedWithNative(from, to, clock, limits, fail);

  return { from, to, resolution, unit, timeZone, requestedFrom, requestedTo };
}

/**
 * Each requested bucket must be an exact union of native readings; otherwise a native reading would
 * straddle two buckets and we would have to invent a split (e.g. local days in Asia/Kathmandu, +05:45,
 * against UTC half-hours). Checked on every boundary, not just the ends, since offsets change inside a
 * range. Linear in the number of buckets, which buildTimeSeries walks anyway.
 */
function assertAlignedWithNative(from: Date, to: Date, clock: BucketClock, limits: RangeLimits, fail: Fail): void {
  const { resolution, zone: timeZone } = clock;
  const native = limits.nativeResolution;
  const nativeZone = limits.nativeTimeZone ?? 'UTC';
  if (!IANAZone.isValidZone(nativeZone)) throw new RangeError(`RangeLimits.nativeTimeZone "${nativeZone}" is not an IANA time zone`);
  // Same resolution cut in the same zone: boundaries coincide by construction.
  if (resolution === native && timeZone === nativeZone) return;
  const advice =
    timeZone === nativeZone
      ? `${resolution} buckets are not made of whole ${native} readings; ask for ${native} or a resolution whose buckets are.`
      : `Ask in a time zone whose boundaries line up with ${nativeZone}'s, such as ${nativeZone} itself.`;
  const nativeClock = new BucketClock(native, nativeZone);
  const check = (boundary: number): void => {
    if (nativeClock.isBoundary(boundary)) return;
    fail(
      `${resolution} buckets in ${timeZone} do not line up with ${limits.provider}'s ${native} readings (cut in ${nativeZone}): ` +
        `the boundary ${iso(new Date(boundary), timeZone)} falls inside a native reading, which cannot be split. ${advice}`,
      'range.timeZone',
      { nativeResolution: native, nativeTimeZone: nativeZone },
    );
  };
  check(from.getTime());
  for (const bucket of clock.each(from.getTime(), to.getTime())) check(bucket.end);
}

function formatDays(days: number): string {
  return Number.isInteger(days) ? String(days) : days.toFixed(2);
}
