import { DateTime } from 'luxon';
import { BadUserInputError } from '../graph/errors.js';
import type { ProviderName } from '../graph/provider-names.js';
import { BucketGrid } from './buckets.js';
import { isFiner, isResolution } from './resolution.js';
import { EnergyUnit, type ReadingRange, type Resolution } from './types.js';
import { WH_PER_UNIT } from './units.js';
import { ZoneRules } from './zone-rules.js';

/** A validated request, widened to whole buckets, in epoch milliseconds. */
export interface ResolvedRange {
  /** Start of the first bucket (inclusive): the requested from floored to its bucket start. */
  fromMs: number;
  /** End of the last bucket (exclusive): the requested to if it is a boundary, else the next boundary. */
  toMs: number;
  resolution: Resolution;
  unit: EnergyUnit;
  timeZone: string;
  /** Length in calendar days of `timeZone` (so 366 local days across a DST change still count as 366). */
  spanDays: number;
  /** A phrase for messages: how the request was widened, or '' when it was not. */
  widened: string;
}

export type Refuse = (message: string, field: string, extra?: Record<string, unknown>) => never;

/** Throws BAD_USER_INPUT naming the provider (none for a merge of several) and the field; its message says what to change. */
export function refusal(provider: ProviderName | undefined): Refuse {
  return (message, field, extra = {}) => {
    throw new BadUserInputError(message, { provider, field, ...extra });
  };
}

export const localIso = (ms: number, zone: string): string => DateTime.fromMillis(ms, { zone }).toISO() ?? new Date(ms).toISOString();

function isValidDate(value: unknown): value is Date {
  return value instanceof Date && !Number.isNaN(value.getTime());
}

/**
 * Validates a client's ReadingRange (dates, order, zone, unit, a resolution no finer than `native`)
 * and widens it to whole buckets of the requested resolution in the requested zone. Every refusal is a
 * BadUserInputError whose message says what to change, with `extensions.provider` and `.field` set.
 */
export function resolveRange(range: ReadingRange, provider: ProviderName | undefined, native: Resolution): ResolvedRange {
  // Annotated as a type (not just a return type) so TypeScript narrows after each `fail(...)` call.
  const fail: Refuse = refusal(provider);
  const { from, to } = range;
  if (!isValidDate(from))
    fail('range.from is not a valid date-time; send ISO 8601 with an offset, e.g. 2026-01-01T00:00:00Z.', 'range.from');
  if (!isValidDate(to)) fail('range.to is not a valid date-time; send ISO 8601 with an offset, e.g. 2026-01-02T00:00:00Z.', 'range.to');
  const requestedFrom = from.getTime();
  const requestedTo = to.getTime();
  if (requestedFrom >= requestedTo) {
    fail(
      `range.from (${from.toISOString()}) must be before range.to (${to.toISOString()}); the range is [from, to), to exclusive.`,
      'range.to',
    );
  }

  const timeZone = range.timeZone ?? 'UTC';
  if (!ZoneRules.isValidZone(timeZone)) {
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
  if (isFiner(resolution, native)) {
    fail(`${provider} meters record ${native} readings; ask for ${native} or coarser.`, 'range.resolution', { nativeResolution: native });
  }

  const clock = new BucketGrid(resolution, timeZone);
  const fromMs = clock.floor(requestedFrom);
  const toMs = clock.ceil(requestedTo);
  const spanDays = DateTime.fromMillis(toMs, { zone: timeZone }).diff(DateTime.fromMillis(fromMs, { zone: timeZone }), 'days').days;
  const widened =
    fromMs !== requestedFrom || toMs !== requestedTo
      ? ` after widening to whole ${resolution} buckets in ${timeZone} (${localIso(fromMs, timeZone)} to ${localIso(toMs, timeZone)})`
      : '';
  return { fromMs, toMs, resolution, unit, timeZone, spanDays, widened };
}

/** Refuses a range longer than `maxSpanDays`, naming the limit; `hint` says how to be allowed more. */
export function assertSpan(range: ResolvedRange, provider: ProviderName, maxSpanDays: number, hint = ''): void {
  if (range.spanDays <= maxSpanDays) return;
  const days = Number.isInteger(range.spanDays) ? String(range.spanDays) : range.spanDays.toFixed(2);
  refusal(provider)(
    `The range covers ${days} days${range.widened}; ${provider} serves at most ${maxSpanDays} days per request${hint}. Ask for a shorter range and page through time.`,
    'range.to',
    { maxSpanDays },
  );
}
