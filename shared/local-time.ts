import { ZoneClock } from './zone-clock.js';

/**
 * Zone-less provider timestamps ("2026-10-25 02:15:00") read as wall-clock time in the provider's zone
 * (DESIGN.md, "Time series"). ZoneClock does the zone arithmetic exactly as Luxon would (asking Luxon
 * once per hour, not per timestamp: a month of quarter hours is thousands of them); this settles the one
 * question a wall-clock time cannot answer by itself: in the hour a fall-back repeats, which of the two
 * instants is meant. A provider lists intervals in time order, so a `LocalTimeReader` picks the earliest
 * candidate that comes after the previous timestamp it read.
 */

/** yyyy-MM-dd, then optionally [ T]HH:mm, :ss and .SSS; or yyyyMMdd. */
const LOCAL_TIME = /^(\d{4})-(\d{2})-(\d{2})(?:[ T](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,3}))?)?)?$|^(\d{4})(\d{2})(\d{2})$/;
const clocks = new Map<string, ZoneClock>();

/** The instants (epoch ms, ascending) that a local wall-clock text denotes in `zone`: one, or two in a repeated hour. */
export function localTimeCandidates(text: string, zone: string | ZoneClock): number[] {
  const clock = typeof zone === 'string' ? clockOf(zone) : zone;
  const match = LOCAL_TIME.exec(text.trim());
  const [year, month, day, hour, minute, second, millis] = match
    ? match[1]
      ? [match[1], match[2], match[3], match[4], match[5], match[6], match[7]]
      : [match[8], match[9], match[10]]
    : [];
  const found = match
    ? clock.instant(Number(year), Number(month), Number(day), Number(hour ?? 0), Number(minute ?? 0), Number(second ?? 0))
    : Number.NaN;
  if (Number.isNaN(found)) throw new RangeError(`"${text}" is not a local date-time such as 2026-03-29 02:15:00`);
  const extraMs = millis ? Number(millis.padEnd(3, '0')) : 0;
  const wall = `${year}-${month}-${day} ${hour ?? '00'}:${minute ?? '00'}:${second ?? '00'}`;
  const candidates = [found];
  // The same wall-clock reading an hour (or, in zones that shift by that much, 30 minutes) away: the
  // clock picks one of a repeated hour's two instants; the other is found here.
  for (const shiftMs of [3_600_000, 1_800_000]) {
    const other = [found - shiftMs, found + shiftMs].find((ms) => clock.wallClock(ms) === wall);
    if (other !== undefined) {
      candidates.push(other);
      break;
    }
  }
  return candidates.sort((a, b) => a - b).map((ms) => ms + extraMs);
}

function clockOf(zone: string): ZoneClock {
  let clock = clocks.get(zone);
  if (!clock) clocks.set(zone, (clock = new ZoneClock(zone)));
  return clock;
}

/** Reads a sequence of zone-less timestamps in time order, resolving repeated (fall-back) hours by that order. */
export class LocalTimeReader {
  private previous = Number.NEGATIVE_INFINITY;
  private readonly clock: ZoneClock;

  constructor(readonly zone: string) {
    this.clock = clockOf(zone);
  }

  /** The instant of `text` that is the earliest one strictly after the previous `read` (else its last candidate). */
  read(text: string): Date {
    const candidates = localTimeCandidates(text, this.clock);
    const chosen = candidates.find((ms) => ms > this.previous) ?? candidates.at(-1)!;
    this.previous = chosen;
    return new Date(chosen);
  }

  /** The first instant of `text` after `after` (an interval's end after its start), without moving the sequence. */
  readAfter(text: string, after: Date): Date {
    const candidates = localTimeCandidates(text, this.clock);
    return new Date(candidates.find((ms) => ms > after.getTime()) ?? candidates.at(-1)!);
  }
}
