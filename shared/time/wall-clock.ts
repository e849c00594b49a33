import { ZoneRules } from './zone-rules.js';

/**
 * The one reader of zone-less provider timestamps ("2026-11-01 01:30:00"), read as wall-clock time in
 * the provider's zone (DESIGN.md, "Time series"). A wall-clock time alone cannot say which of the two
 * passes through a repeated fall-back hour it means, so a reader settles that the way the provider
 * writes them:
 * - a stamp with its own offset (`…-05:00`, `…Z`) is that instant, whatever the zone;
 * - a series in time order (a history file, a day of quarter hours): each stamp is the earliest instant
 *   after the previous one read (`read`), so the second pass through 01:00–02:00 lands an hour later;
 * - a single "latest" stamp: the latest instant not after now (`readLatest`).
 * A stamp in the hour a spring-forward skips is read with the offset before the change (ZoneRules).
 */

/** yyyy-MM-dd, then optionally [ T]HH:mm, :ss, .SSS and an offset; or yyyyMMdd. */
const LOCAL_TIME =
  /^(\d{4})-(\d{2})-(\d{2})(?:[ T](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,3}))?)?(Z|[+-]\d{2}:?\d{2})?)?$|^(\d{4})(\d{2})(\d{2})$/;

/** The instants (epoch ms, ascending) that a timestamp denotes in `zone`: one, or two in a repeated hour. */
export function wallClockCandidates(text: string, zone: string): number[] {
  const match = LOCAL_TIME.exec(text.trim());
  const [year, month, day, hour, minute, second, millis, offset] = match
    ? match[1]
      ? match.slice(1, 9).map((part) => part ?? '')
      : [match[9], match[10], match[11], '', '', '', '', '']
    : [];
  const local = match ? wallClockMs(+year!, +month!, +day!, +hour!, +minute!, +second!, Number(millis!.padEnd(3, '0'))) : Number.NaN;
  if (Number.isNaN(local)) throw new RangeError(`"${text}" is not a local date-time such as 2026-03-29 02:15:00`);
  return offset ? [local - offsetMs(offset)] : ZoneRules.of(zone).instantsAt(local);
}

/** Reads zone-less timestamps of one zone; one reader per series read in time order. */
export class WallClockReader {
  private previous = Number.NEGATIVE_INFINITY;

  constructor(readonly zone: string) {
    ZoneRules.of(zone); // refuses an unknown zone now, not at the first stamp
  }

  /** The instant (epoch ms) of the next stamp of a series in time order: its earliest candidate after the previous one. */
  read(text: string): number {
    const candidates = wallClockCandidates(text, this.zone);
    const chosen = candidates.find((ms) => ms > this.previous) ?? candidates.at(-1)!;
    this.previous = chosen;
    return chosen;
  }

  /** The instant (epoch ms) of a stamp closing an interval that starts at `afterMs`, without moving the series. */
  readAfter(text: string, afterMs: number): number {
    const candidates = wallClockCandidates(text, this.zone);
    return candidates.find((ms) => ms > afterMs) ?? candidates.at(-1)!;
  }

  /** The instant (epoch ms) of a stamp that is the latest of its kind: its latest candidate not after `nowMs`. */
  readLatest(text: string, nowMs: number): number {
    const candidates = wallClockCandidates(text, this.zone);
    return candidates.findLast((ms) => ms <= nowMs) ?? candidates[0]!;
  }
}

/** Local milliseconds of a calendar date and time, or NaN when no calendar has it (31 April, 25 o'clock). */
function wallClockMs(year: number, month: number, day: number, hour: number, minute: number, second: number, millis: number): number {
  const ms = Date.UTC(year, month - 1, day, hour, minute, second, millis);
  const check = new Date(ms);
  const exists =
    year >= 1000 &&
    check.getUTCMonth() === month - 1 &&
    check.getUTCDate() === day &&
    check.getUTCHours() === hour &&
    check.getUTCMinutes() === minute &&
    check.getUTCSeconds() === second;
  return exists ? ms : Number.NaN;
}

function offsetMs(offset: string): number {
  if (offset === 'Z') return 0;
  const digits = offset.replace(':', '');
  const sign = digits.startsWith('-') ? -1 : 1;
  return sign * (Number(digits.slice(1, 3)) * 60 + Number(digits.slice(3, 5))) * 60_000;
}
