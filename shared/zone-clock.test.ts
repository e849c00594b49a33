import { DateTime } from 'luxon';
import { describe, expect, it } from 'vitest';
import { ZoneClock } from './zone-clock.js';

/** ZoneClock must answer exactly what Luxon answers, only faster. */
describe('ZoneClock', () => {
  // Whole days around DST changes of zones that shift by an hour and by half an hour.
  const cases = [
    ['America/Toronto', '2026-03-08'],
    ['America/Toronto', '2026-11-01'],
    ['Europe/Amsterdam', '2026-03-29'],
    ['Europe/Amsterdam', '2026-10-25'],
    ['Australia/Lord_Howe', '2026-04-05'],
    ['Australia/Lord_Howe', '2026-10-04'],
    ['Asia/Kathmandu', '2026-06-01'],
  ] as const;

  it.each(cases)('formats every 5 minutes of a day in %s around %s as Luxon does', (zone, day) => {
    const clock = new ZoneClock(zone);
    const start = DateTime.fromISO(day, { zone: 'utc' }).minus({ days: 1 }).toMillis();
    for (let ms = start; ms < start + 3 * 86_400_000; ms += 300_000) {
      expect(clock.wallClock(ms)).toBe(DateTime.fromMillis(ms, { zone }).toFormat('yyyy-MM-dd HH:mm:ss'));
      expect(clock.wallClock(ms, 'T')).toBe(DateTime.fromMillis(ms, { zone }).toFormat("yyyy-MM-dd'T'HH:mm:ss"));
    }
  });

  it.each(cases)(
    'reads every 5-minute wall-clock time of a day in %s around %s as Luxon does, skipped and repeated ones too',
    (zone, day) => {
      const clock = new ZoneClock(zone);
      const first = DateTime.fromISO(day, { zone: 'utc' }).minus({ days: 1 });
      for (let local = first; local < first.plus({ days: 3 }); local = local.plus({ minutes: 5 })) {
        const text = local.toFormat('yyyy-MM-dd HH:mm:ss');
        const expected = DateTime.fromSQL(text, { zone }).toMillis();
        expect(clock.instant(local.year, local.month, local.day, local.hour, local.minute, local.second), `${zone} ${text}`).toBe(expected);
      }
    },
  );

  it('answers NaN for a time no calendar has, and refuses an unknown zone', () => {
    const clock = new ZoneClock('Europe/Amsterdam');
    expect(clock.instant(2026, 13, 1, 0, 0, 0)).toBeNaN();
    expect(clock.instant(2026, 4, 31, 0, 0, 0)).toBeNaN();
    expect(clock.instant(2026, 4, 30, 24, 0, 0)).toBeNaN();
    expect(() => new ZoneClock('Mars/Olympus_Mons')).toThrow(RangeError);
  });
});
