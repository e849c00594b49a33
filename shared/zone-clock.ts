import { DateTime, IANAZone } from 'luxon';

/**
 * Wall-clock time of one IANA zone, for reading and writing many zone-less timestamps (a history file
 * of five-minute readings). Luxon answers each conversion through Intl, some 20 µs a call; a zone's
 * offset only changes at a transition, so this asks Luxon once per hour and reuses the answer for every
 * timestamp in that hour. An hour with a transition inside it (a zone that shifts by half an hour, say)
 * is not reused: each of its timestamps goes to Luxon. Results are exactly Luxon's.
 */
const HOUR_MS = 3_600_000;
const LAST_SECOND_MS = HOUR_MS - 1_000;

export class ZoneClock {
  private readonly zone: IANAZone;
  /** UTC hour → offset in minutes, or NaN when the offset changes within that hour. */
  private readonly offsets = new Map<number, number>();
  /** Local hour (as local epoch ms) → instant minus local time, or NaN when that varies within the hour. */
  private readonly shifts = new Map<number, number>();

  constructor(readonly zoneName: string) {
    this.zone = IANAZone.create(zoneName);
    if (!this.zone.isValid) throw new RangeError(`${zoneName} is not an IANA time zone`);
  }

  /** `yyyy-MM-dd HH:mm:ss` (or with `T` as the separator) of the instant `ms` in this zone. */
  wallClock(ms: number, separator: ' ' | 'T' = ' '): string {
    const hour = Math.floor(ms / HOUR_MS);
    let offset = this.offsets.get(hour);
    if (offset === undefined) {
      const start = this.zone.offset(hour * HOUR_MS);
      offset = start === this.zone.offset(hour * HOUR_MS + HOUR_MS - 1) ? start : Number.NaN;
      this.offsets.set(hour, offset);
    }
    if (Number.isNaN(offset)) offset = this.zone.offset(ms);
    const text = new Date(ms + offset * 60_000).toISOString();
    return `${text.slice(0, 10)}${separator}${text.slice(11, 19)}`;
  }

  /**
   * The instant (epoch ms) of a wall-clock time in this zone, as Luxon's `DateTime.fromObject(…, { zone })`
   * (and so `fromSQL` and `fromISO`) resolves it, including in a skipped or repeated hour; NaN for a
   * date or time that does not exist on any calendar (month 13, 25 o'clock, 31 April).
   */
  instant(year: number, month: number, day: number, hour: number, minute: number, second: number): number {
    const local = Date.UTC(year, month - 1, day, hour, minute, second);
    const check = new Date(local);
    if (
      year < 1000 ||
      check.getUTCMonth() !== month - 1 ||
      check.getUTCDate() !== day ||
      check.getUTCHours() !== hour ||
      check.getUTCMinutes() !== minute ||
      check.getUTCSeconds() !== second
    ) {
      return Number.NaN;
    }
    const localHour = local - (minute * 60 + second) * 1000;
    let shift = this.shifts.get(localHour);
    if (shift === undefined) {
      const first = this.luxonInstant(localHour) - localHour;
      shift = first === this.luxonInstant(localHour + LAST_SECOND_MS) - (localHour + LAST_SECOND_MS) ? first : Number.NaN;
      this.shifts.set(localHour, shift);
    }
    return Number.isNaN(shift) ? this.luxonInstant(local) : local + shift;
  }

  private luxonInstant(localMs: number): number {
    const wall = new Date(localMs);
    return DateTime.fromObject(
      {
        year: wall.getUTCFullYear(),
        month: wall.getUTCMonth() + 1,
        day: wall.getUTCDate(),
        hour: wall.getUTCHours(),
        minute: wall.getUTCMinutes(),
        second: wall.getUTCSeconds(),
      },
      { zone: this.zone },
    ).toMillis();
  }
}
