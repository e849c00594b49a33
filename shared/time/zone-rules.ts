import { IANAZone } from 'luxon';

/**
 * Everything the kit knows about one IANA zone, in one place: its UTC offset at an instant, the wall
 * clock at an instant, and the instants a wall-clock time denotes (one; two in the hour a fall-back
 * repeats; none in the hour a spring-forward skips). Bucket arithmetic (`BucketGrid`) and the reader of
 * zone-less provider stamps (`WallClockReader`) both stand on it.
 *
 * All zone knowledge comes from Luxon (the tz database); nothing here encodes a DST rule. A Luxon
 * offset lookup goes through Intl (some microseconds), and a walk or a history file asks for tens of
 * thousands of them, so each answer that holds for a whole stretch is remembered: the offset over a
 * stretch known to be constant, the wall-clock shift per UTC hour, the candidate instants per local hour.
 * Answers are always exactly what the tz database says.
 *
 * Instants are epoch milliseconds. Local wall-clock times are "local milliseconds": the wall-clock
 * reading written as if it were UTC (`Date.UTC(year, month - 1, day, hour, minute, second)`).
 */

const MINUTE_MS = 60_000;
const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;
const LAST_SECOND_MS = HOUR_MS - 1_000;

/**
 * How far ahead we probe to call an offset constant: if the offset at t and at t + 1 hour agree, we take
 * it to be constant in between. No zone in the tz database changes its offset twice within an hour.
 */
const OFFSET_PROBE_MS = HOUR_MS;

const clocks = new Map<string, ZoneRules>();

export class ZoneRules {
  private readonly zone: IANAZone;
  private knownFrom = Number.POSITIVE_INFINITY;
  private knownTo = Number.NEGATIVE_INFINITY;
  private knownOffset = 0;
  /** UTC hour → offset (ms) through that hour, or NaN when it changes within the hour. */
  private readonly offsetsByHour = new Map<number, number>();
  /** Local hour (local ms) → instant minus local time of each candidate, or null when they vary within the hour. */
  private readonly shiftsByLocalHour = new Map<number, number[] | null>();

  /** The clock of `zone`, shared: it holds only what the tz database says, so one per zone serves everyone. */
  static of(zone: string): ZoneRules {
    let clock = clocks.get(zone);
    if (!clock) clocks.set(zone, (clock = new ZoneRules(zone)));
    return clock;
  }

  private constructor(readonly name: string) {
    this.zone = IANAZone.create(name);
    if (!this.zone.isValid) throw new RangeError(`Unknown time zone: "${name}"`);
    if (name === 'UTC' || name === 'Etc/UTC') {
      this.knownFrom = Number.NEGATIVE_INFINITY;
      this.knownTo = Number.POSITIVE_INFINITY;
    }
  }

  static isValidZone(name: unknown): name is string {
    return typeof name === 'string' && IANAZone.isValidZone(name);
  }

  /** The zone's UTC offset (ms) at `ms`, straight from the tz database. */
  rawOffset(ms: number): number {
    return this.zone.offset(ms) * MINUTE_MS;
  }

  /** The zone's UTC offset (ms) at `ms`, remembering the stretch over which it is known to be constant. */
  offsetAt(ms: number): number {
    if (ms >= this.knownFrom && ms <= this.knownTo) return this.knownOffset;
    const offset = this.rawOffset(ms);
    if (this.rawOffset(ms + OFFSET_PROBE_MS) === offset) {
      this.knownFrom = ms;
      this.knownTo = ms + OFFSET_PROBE_MS;
      this.knownOffset = offset;
    }
    return offset;
  }

  /** Smallest x in (lo, hi] where the offset stops being `offset`, given rawOffset(lo) === offset !== rawOffset(hi). */
  firstChangeAfter(lo: number, hi: number, offset: number): number {
    while (hi - lo > 1) {
      const mid = lo + Math.floor((hi - lo) / 2);
      if (this.rawOffset(mid) === offset) lo = mid;
      else hi = mid;
    }
    return hi;
  }

  /** Smallest x in (lo, hi] from which the offset is `offset`, given rawOffset(lo) !== offset === rawOffset(hi). */
  firstOffsetAfter(lo: number, hi: number, offset: number): number {
    while (hi - lo > 1) {
      const mid = lo + Math.floor((hi - lo) / 2);
      if (this.rawOffset(mid) === offset) hi = mid;
      else lo = mid;
    }
    return hi;
  }

  /** `yyyy-MM-dd HH:mm:ss` (or with `T` as the separator) of the instant `ms` on this zone's wall clock. */
  wallClock(ms: number, separator: ' ' | 'T' = ' '): string {
    const hour = Math.floor(ms / HOUR_MS);
    let offset = this.offsetsByHour.get(hour);
    if (offset === undefined) {
      const start = this.rawOffset(hour * HOUR_MS);
      offset = start === this.rawOffset(hour * HOUR_MS + HOUR_MS - 1) ? start : Number.NaN;
      this.offsetsByHour.set(hour, offset);
    }
    if (Number.isNaN(offset)) offset = this.rawOffset(ms);
    const text = new Date(ms + offset).toISOString();
    return `${text.slice(0, 10)}${separator}${text.slice(11, 19)}`;
  }

  /**
   * The instants (ascending) at which this zone's wall clock shows `localMs`: one; two in the hour a
   * fall-back repeats (the earlier under the summer offset); and in the hour a spring-forward skips, the
   * one instant a clock that has not yet moved forward would mean (the offset before the change, which
   * is how Luxon and Temporal's "compatible" disambiguation read it).
   */
  instantsAt(localMs: number): number[] {
    const second = localMs - (localMs % 1000);
    const millis = localMs - second;
    const hour = second - (((second % HOUR_MS) + HOUR_MS) % HOUR_MS);
    let shifts = this.shiftsByLocalHour.get(hour);
    if (shifts === undefined) {
      const first = this.shiftsAt(hour);
      const last = this.shiftsAt(hour + LAST_SECOND_MS);
      shifts = first.length === last.length && first.every((shift, i) => shift === last[i]) ? first : null;
      this.shiftsByLocalHour.set(hour, shifts);
    }
    return (shifts ?? this.shiftsAt(second)).map((shift) => second + shift + millis);
  }

  /** Instant minus local time of each instant showing `localMs` (a whole second). */
  private shiftsAt(localMs: number): number[] {
    // Offsets in force a day either side; no zone changes its offset twice within two days.
    const before = this.rawOffset(localMs - DAY_MS);
    const after = this.rawOffset(localMs + DAY_MS);
    const shifts: number[] = [];
    for (const offset of before === after ? [before] : [before, after]) {
      if (this.rawOffset(localMs - offset) === offset) shifts.push(-offset);
    }
    if (shifts.length === 0) shifts.push(-before); // a skipped wall-clock time
    return shifts.sort((a, b) => a - b);
  }
}
