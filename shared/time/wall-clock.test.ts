import { DateTime } from 'luxon';
import { describe, expect, it } from 'vitest';
import { WallClockReader, wallClockCandidates } from './wall-clock.js';

/** Zone-less timestamps: every form providers send, and the same instants Luxon gives, repeated hours included. */
describe('wallClockCandidates', () => {
  const ZONE = 'Europe/Amsterdam';
  const iso = (text: string) => wallClockCandidates(text, ZONE).map((ms) => new Date(ms).toISOString());

  it('reads every form providers send', () => {
    expect(iso('2026-11-09 08:30:00')).toEqual(['2026-11-09T07:30:00.000Z']);
    expect(iso('2026-11-09T08:30:00')).toEqual(['2026-11-09T07:30:00.000Z']);
    expect(iso('2026-11-09T08:30:00.250')).toEqual(['2026-11-09T07:30:00.250Z']);
    expect(iso('2026-11-09 08:30')).toEqual(['2026-11-09T07:30:00.000Z']);
    expect(iso('2026-11-09')).toEqual(['2026-11-08T23:00:00.000Z']);
    expect(iso('20261109')).toEqual(['2026-11-08T23:00:00.000Z']);
  });

  it('takes a stamp’s own offset over the zone, also in the repeated hour', () => {
    expect(iso('2026-10-25T02:15:00+01:00')).toEqual(['2026-10-25T01:15:00.000Z']);
    expect(iso('2026-10-25T02:15:00+0200')).toEqual(['2026-10-25T00:15:00.000Z']);
    expect(iso('2026-10-25T02:15:00Z')).toEqual(['2026-10-25T02:15:00.000Z']);
  });

  it('agrees with Luxon on every quarter hour of both DST days, naming both instants of the repeated hour', () => {
    for (const day of ['2026-03-29', '2026-10-25']) {
      for (let minute = 0; minute < 24 * 60; minute += 15) {
        const text = `${day} ${String(Math.floor(minute / 60)).padStart(2, '0')}:${String(minute % 60).padStart(2, '0')}:00`;
        const luxon = DateTime.fromSQL(text, { zone: ZONE }).toMillis();
        expect(wallClockCandidates(text, ZONE)).toContain(luxon);
      }
    }
    expect(iso('2026-10-25 02:15:00')).toEqual(['2026-10-25T00:15:00.000Z', '2026-10-25T01:15:00.000Z']);
  });

  it('refuses what is not a date-time', () => {
    for (const text of ['2026-02-30 00:00:00', '2026-11-09 25:00:00', 'yesterday', '2026/11/09']) {
      expect(() => wallClockCandidates(text, ZONE)).toThrow(/is not a local date-time/);
    }
  });
});

describe('WallClockReader', () => {
  it('reads a fall-back night in order, each repeated quarter hour once', () => {
    const reader = new WallClockReader('Europe/Amsterdam');
    const read = ['01:45', '02:00', '02:15', '02:30', '02:45', '02:00', '02:15', '02:30', '02:45', '03:00'].map((time) =>
      reader.read(`2026-10-25 ${time}:00`),
    );
    expect(read.every((ms, i) => i === 0 || ms - read[i - 1]! === 15 * 60_000)).toBe(true);
    expect(new Date(read.at(-1)!).toISOString()).toBe('2026-10-25T02:00:00.000Z');
  });

  it('reads a spring-forward night in order: 01:55 and 03:00 are five minutes apart', () => {
    const reader = new WallClockReader('America/Toronto');
    expect(reader.read('2026-03-08 01:55:00')).toBe(Date.parse('2026-03-08T06:55:00Z'));
    expect(reader.read('2026-03-08 03:00:00')).toBe(Date.parse('2026-03-08T07:00:00Z'));
  });

  it('reads a latest stamp in the repeated hour as the latest instant not after now', () => {
    const reader = new WallClockReader('America/Toronto');
    // 01:30 on 2026-11-01 is 05:30Z (EDT) and again 06:30Z (EST).
    expect(reader.readLatest('2026-11-01 01:30:00', Date.parse('2026-11-01T06:31:00Z'))).toBe(Date.parse('2026-11-01T06:30:00Z'));
    expect(reader.readLatest('2026-11-01 01:30:00', Date.parse('2026-11-01T05:31:00Z'))).toBe(Date.parse('2026-11-01T05:30:00Z'));
  });

  it('reads an interval’s closing stamp after its start without moving the series', () => {
    const reader = new WallClockReader('Europe/Amsterdam');
    const start = reader.read('2026-10-25 02:45:00');
    expect(reader.readAfter('2026-10-25 02:00:00', start)).toBe(Date.parse('2026-10-25T01:00:00Z'));
    expect(reader.read('2026-10-25 02:00:00')).toBe(Date.parse('2026-10-25T01:00:00Z'));
  });
});
