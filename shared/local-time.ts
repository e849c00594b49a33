import { DateTime } from 'luxon';

/**
 * Zone-less provider timestamps ("2026-10-25 02:15:00") read as wall-clock time in the provider's zone
 * (DESIGN.md, "Time series"). Luxon does the zone arithmetic; this only settles the one question a
 * wall-clock time cannot answer by itself: in the hour a fall-back repeats, which of the two instants is
 * meant. A provider lists intervals in time order, so a `LocalTimeReader` picks the earliest candidate
 * that comes after the previous timestamp it read.
 */

const FORMATS = ['yyyy-MM-dd HH:mm:ss', "yyyy-MM-dd'T'HH:mm:ss", "yyyy-MM-dd'T'HH:mm:ss.SSS", 'yyyy-MM-dd HH:mm', 'yyyy-MM-dd', 'yyyyMMdd'];

/** The instants (epoch ms, ascending) that a local wall-clock text denotes in `zone`: one, or two in a repeated hour. */
export function localTimeCandidates(text: string, zone: string): number[] {
  const parsed = parseLocal(text.trim(), zone);
  if (!parsed) throw new RangeError(`"${text}" is not a local date-time such as 2026-03-29 02:15:00`);
  const found = parsed.toMillis();
  const candidates = [found];
  // The same wall-clock reading an hour (or, in zones that shift by that much, 30 minutes) away: Luxon
  // picks one of a repeated hour's two instants; the other is found here.
  for (const shiftMs of [3_600_000, 1_800_000]) {
    const other = [found - shiftMs, found + shiftMs].find((ms) => sameWallClock(DateTime.fromMillis(ms, { zone }), parsed));
    if (other !== undefined) {
      candidates.push(other);
      break;
    }
  }
  candidates.sort((a, b) => a - b);
  return candidates;
}

/** Reads a sequence of zone-less timestamps in time order, resolving repeated (fall-back) hours by that order. */
export class LocalTimeReader {
  private previous = Number.NEGATIVE_INFINITY;

  constructor(readonly zone: string) {}

  /** The instant of `text` that is the earliest one strictly after the previous `read` (else its last candidate). */
  read(text: string): Date {
    const candidates = localTimeCandidates(text, this.zone);
    const chosen = candidates.find((ms) => ms > this.previous) ?? candidates.at(-1)!;
    this.previous = chosen;
    return new Date(chosen);
  }

  /** The first instant of `text` after `after` (an interval's end after its start), without moving the sequence. */
  readAfter(text: string, after: Date): Date {
    const candidates = localTimeCandidates(text, this.zone);
    return new Date(candidates.find((ms) => ms > after.getTime()) ?? candidates.at(-1)!);
  }
}

function parseLocal(text: string, zone: string): DateTime | undefined {
  for (const format of FORMATS) {
    const parsed = DateTime.fromFormat(text, format, { zone });
    if (parsed.isValid) return parsed;
  }
  return undefined;
}

function sameWallClock(a: DateTime, b: DateTime): boolean {
  return a.year === b.year && a.month === b.month && a.day === b.day && a.hour === b.hour && a.minute === b.minute && a.second === b.second;
}
