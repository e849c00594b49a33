import { DateTime } from 'luxon';

export const HOUR_MS = 3_600_000;

/** Timestamps as Volue writes them: ISO 8601 in UTC with an explicit +00:00 offset. */
export function stamp(date: Date): string {
  return DateTime.fromJSDate(date, { zone: 'utc' }).toFormat("yyyy-MM-dd'T'HH:mm:ss.SSS'+00:00'");
}
