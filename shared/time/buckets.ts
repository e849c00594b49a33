import { DateTime } from 'luxon';
import { Resolution } from './types.js';
import { resolutionInfo, type ResolutionInfo } from './resolution.js';
import { ZoneRules } from './zone-rules.js';

const MINUTE_MS = 60_000;

/*
 * Bucket arithmetic for every Resolution in an IANA time zone. All zone and DST knowledge comes from
 * Luxon (the tz database): we ask it for a zone's UTC offset at an instant, for `startOf(unit)` and for
 * calendar `plus`. Nothing here encodes a DST rule or adds hours to a local time by hand.
 *
 * Two kinds of bucket:
 * - fixed (FIVE_MINUTES … HOUR): a boundary is every instant whose LOCAL wall-clock time is a multiple of
 *   N minutes, so buckets are N minutes of absolute time aligned to the local clock. In UTC+05:30 an HOUR
 *   bucket starts at :30 UTC. Buckets advance in absolute time, so on a fall-back day the repeated
 *   01:00–02:00 hour is two separate buckets and on a spring-forward day the skipped hour has none. (In
 *   Australia/Lord_Howe, whose clocks shift 30 minutes, the HOUR bucket across the change lasts 90 minutes:
 *   the next locally aligned instant comes that much later.)
 * - calendar (DAY, WEEK, MONTH, YEAR): from the local start of the period to the local start of the next
 *   one, so a day is 23, 24 or 25 hours. WEEK is the ISO week (Monday 00:00 local).
 *
 * The zone's UTC offsets come from ZoneRules, which remembers stretches over which the offset is known to
 * be constant, so walking a year of 5-minute buckets is plain millisecond arithmetic between changes.
 */

/** Bound on offset changes crossed while looking for one boundary; real zones need at most one or two. */
const MAX_TRANSITIONS_PER_STEP = 8;

/**
 * Bucket arithmetic for one resolution in one zone. Create one per walk (cheap) and reuse it: it keeps
 * the offset memo that makes fixed-length walks fast. Instants are epoch milliseconds.
 */
export class BucketGrid {
  readonly info: ResolutionInfo;
  private readonly offsets: ZoneRules;
  private readonly stepMs: number;

  constructor(
    readonly resolution: Resolution,
    readonly zone: string,
  ) {
    this.info = resolutionInfo(resolution);
    this.offsets = ZoneRules.of(zone);
    this.stepMs = this.info.kind === 'fixed' ? this.info.minutes * MINUTE_MS : 0;
  }

  /** Start (inclusive) of the bucket containing `ms`: the greatest boundary <= ms. */
  floor(ms: number): number {
    if (this.info.kind === 'calendar') return this.zoned(ms).startOf(this.info.unit).toMillis();
    const { offsets, stepMs } = this;
    let t = ms;
    for (let i = 0; i < MAX_TRANSITIONS_PER_STEP; i += 1) {
      const offset = offsets.offsetAt(t);
      const candidate = Math.floor((t + offset) / stepMs) * stepMs - offset;
      if (offsets.offsetAt(candidate) === offset) return candidate;
      // The offset changed between the candidate and t, so no boundary under the current offset lies in
      // [change, t]; the answer is the last boundary before the change.
      t = offsets.firstOffsetAfter(candidate, t, offset) - 1;
    }
    throw new Error(`Too many offset changes near ${new Date(ms).toISOString()} in ${this.zone}`);
  }

  /**
   * The first boundary strictly after `ms`: the end (exclusive) of the bucket containing it.
   *
   * Calendar: local start of the period, plus one period, then `startOf` again. The second `startOf`
   * matters where local midnight does not exist on some day (America/Santiago springs forward at 00:00, so
   * that day starts at 01:00; the next day must still start at 00:00).
   */
  next(ms: number): number {
    if (this.info.kind === 'calendar') {
      const { unit } = this.info;
      return this.zoned(ms)
        .startOf(unit)
        .plus({ [unit]: 1 })
        .startOf(unit)
        .toMillis();
    }
    const { offsets, stepMs } = this;
    let t = ms;
    let strict = true;
    for (let i = 0; i < MAX_TRANSITIONS_PER_STEP; i += 1) {
      const offset = offsets.offsetAt(t);
      const local = t + offset;
      let alignedLocal = Math.floor(local / stepMs) * stepMs;
      if (alignedLocal < local || (strict && alignedLocal === local)) alignedLocal += stepMs;
      const candidate = alignedLocal - offset;
      if (offsets.offsetAt(candidate) === offset) return candidate;
      // The offset changes before the candidate: continue from the change, which may itself be a boundary.
      t = offsets.firstChangeAfter(t, candidate, offset);
      strict = false;
    }
    throw new Error(`Too many offset changes near ${new Date(ms).toISOString()} in ${this.zone}`);
  }

  isBoundary(ms: number): boolean {
    return this.floor(ms) === ms;
  }

  /** `ms` if it is a boundary, otherwise the next boundary after it. */
  ceil(ms: number): number {
    return this.isBoundary(ms) ? ms : this.next(ms);
  }

  /**
   * Every bucket [start, end) from `fromMs` (expected to be a boundary) up to `toMs`. The last bucket is
   * clipped at `toMs`, so the buckets always tile [fromMs, toMs) exactly.
   */
  *each(fromMs: number, toMs: number): Generator<{ start: number; end: number }> {
    let start = fromMs;
    while (start < toMs) {
      const next = this.next(start);
      if (!(next > start)) {
        // Cannot happen with a valid zone; guards against an endless loop if the zone data misbehaved.
        throw new Error(`Bucket boundary did not advance after ${new Date(start).toISOString()} (${this.resolution}, ${this.zone})`);
      }
      const end = Math.min(next, toMs);
      yield { start, end };
      start = end;
    }
  }

  /** The instant as a Luxon DateTime in this zone; throws on an invalid instant (callers validate first). */
  private zoned(ms: number): DateTime {
    const dt = DateTime.fromMillis(ms, { zone: this.zone });
    if (!dt.isValid) throw new RangeError(`Cannot place ${ms} in time zone "${this.zone}": ${dt.invalidExplanation ?? dt.invalidReason}`);
    return dt;
  }
}
