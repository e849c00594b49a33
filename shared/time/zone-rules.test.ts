import { DateTime } from 'luxon';
import { describe, expect, it } from 'vitest';
import { ZoneRules } from './zone-rules.js';

/** ZoneRules must answer exactly what the tz database (through Luxon) answers, only faster. */
describe('ZoneRules', () => {
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
    const clock = ZoneRules.of(zone);
    const start = DateTime.fromISO(day, { zone: 'utc' }).minus({ days: 1 }).toMillis();
    for (let ms = start; ms < start + 3 * 86_400_000; ms += 300_000) {
      expect(clock.wallClock(ms)).toBe(DateTime.fromMillis(ms, { zone }).toFormat('yyyy-MM-dd HH:mm:ss'));
      expect(clock.wallClock(ms, 'T')).toBe(DateTime.fromMillis(ms, { zone }).toFormat("yyyy-MM-dd'T'HH:mm:ss"));
    }
  });

  it.each(cases)('names every instant showing each 5-minute wall-clock time of a day in %s around %s', (zone, day) => {
    const clock = ZoneRules.of(zone);
    // Every instant of the three days, by the wall-clock time it shows.
    const shown = new Map<string, number[]>();
    const first = DateTime.fromISO(day, { zone: 'utc' }).minus({ days: 2 }).toMillis();
    for (let ms = first; ms < first + 5 * 86_400_000; ms += 300_000) {
      const wall = DateTime.fromMillis(ms, { zone }).toFormat('yyyy-MM-dd HH:mm:ss');
      shown.set(wall, [...(shown.get(wall) ?? []), ms]);
    }
    const local = DateTime.fromISO(day, { zone: 'utc' }).minus({ days: 1 });
    for (let wall = local; wall < local.plus({ days: 3 }); wall = wall.plus({ minutes: 5 })) {
      const text = wall.toFormat('yyyy-MM-dd HH:mm:ss');
      const instants = clock.instantsAt(wall.toMillis());
      // A skipped time is read as Luxon reads it (the offset before the change); others are exactly the instants showing it.
      expect(instants, `${zone} ${text}`).toEqual(shown.get(text) ?? [DateTime.fromSQL(text, { zone }).toMillis()]);
    }
  });

  it('keeps milliseconds, and refuses an unknown zone', () => {
    expect(ZoneRules.of('Europe/Amsterdam').instantsAt(Date.UTC(2026, 10, 9, 8, 30, 0, 250))).toEqual([
      Date.parse('2026-11-09T07:30:00.250Z'),
    ]);
    expect(() => ZoneRules.of('Mars/Olympus_Mons')).toThrow(RangeError);
  });
});
