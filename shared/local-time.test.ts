import { DateTime } from 'luxon';
import { describe, expect, it } from 'vitest';
import { LocalTimeReader, localTimeCandidates } from './local-time.js';

/** Zone-less timestamps: every form providers send, and the same instants Luxon gives, repeated hours included. */
describe('localTimeCandidates', () => {
  const ZONE = 'Europe/Amsterdam';
  const iso = (text: string) => localTimeCandidates(text, ZONE).map((ms) => new Date(ms).toISOString());

  it('reads every form providers send', () => {
    expect(iso('2026-11-09 08:30:00')).toEqual(['2026-11-09T07:30:00.000Z']);
    expect(iso('2026-11-09T08:30:00')).toEqual(['2026-11-09T07:30:00.000Z']);
    expect(iso('2026-11-09T08:30:00.250')).toEqual(['2026-11-09T07:30:00.250Z']);
    expect(iso('2026-11-09 08:30')).toEqual(['2026-11-09T07:30:00.000Z']);
    expect(iso('2026-11-09')).toEqual(['2026-11-08T23:00:00.000Z']);
    expect(iso('20261109')).toEqual(['2026-11-08T23:00:00.000Z']);
  });

  it('agrees with Luxon on every quarter hour of both DST days, naming both instants of the repeated hour', () => {
    for (const day of ['2026-03-29', '2026-10-25']) {
      for (let minute = 0; minute < 24 * 60; minute += 15) {
        const text = `${day} ${String(Math.floor(minute / 60)).padStart(2, '0')}:${String(minute % 60).padStart(2, '0')}:00`;
        const luxon = DateTime.fromSQL(text, { zone: ZONE }).toMillis();
        expect(localTimeCandidates(text, ZONE)).toContain(luxon);
      }
    }
    expect(iso('2026-10-25 02:15:00')).toEqual(['2026-10-25T00:15:00.000Z', '2026-10-25T01:15:00.000Z']);
  });

  it('refuses what is not a date-time', () => {
    for (const text of ['2026-02-30 00:00:00', '2026-11-09 25:00:00', 'yesterday', '2026/11/09']) {
      expect(() => localTimeCandidates(text, ZONE)).toThrow(/is not a local date-time/);
    }
  });

  it('reads a fall-back night in order, each repeated quarter hour once', () => {
    const reader = new LocalTimeReader(ZONE);
    const read = ['01:45', '02:00', '02:15', '02:30', '02:45', '02:00', '02:15', '02:30', '02:45', '03:00'].map((time) =>
      reader.read(`2026-10-25 ${time}:00`).toISOString(),
    );
    expect(new Set(read).size).toBe(read.length);
    expect(read.at(-1)).toBe('2026-10-25T02:00:00.000Z');
  });
});
