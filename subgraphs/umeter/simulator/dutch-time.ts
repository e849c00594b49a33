import { DateTime } from 'luxon';
import { HttpError } from '../../../shared/simulator/index.js';
import { ZoneRules } from '../../../shared/time/zone-rules.js';
import { UMETER_TIME_ZONE } from '../contract.js';

/** Dutch wall-clock time for the thousands of stamps a measurement answer carries (Luxon once per hour). */
const DUTCH_CLOCK = ZoneRules.of(UMETER_TIME_ZONE);

/** Zone-less Dutch wall-clock time, as UMeter writes it ("T" in measurements, a space in P4). */
export function dutchWallClock(ms: number, separator: 'T' | ' ' = 'T'): string {
  return DUTCH_CLOCK.wallClock(ms, separator);
}

/** The first instant of the Dutch period a path names in `format` (all digits: `2026`, `202603`, `20260329`), else a 400 saying `problem`. */
export function dutchPeriodStart(value: string, format: string, problem: string): DateTime {
  const digits = new RegExp(`^\\d{${format.length}}$`);
  const start = digits.test(value) ? DateTime.fromFormat(value, format, { zone: UMETER_TIME_ZONE }) : undefined;
  if (!start?.isValid) throw new HttpError(400, problem);
  return start;
}
