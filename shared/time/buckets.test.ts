import { DateTime } from 'luxon';
import { describe, expect, it } from 'vitest';
import { BucketGrid } from './buckets.js';
import { isFiner, resolutionInfo } from './resolution.js';
import { local } from '../../test/support/time-series.js';
import { Resolution } from './types.js';

// Date-shaped views of BucketGrid, so the cases below read as instants.
const bucketStart = (instant: Date, resolution: Resolution, zone: string) =>
  new Date(new BucketGrid(resolution, zone).floor(instant.getTime()));
const nextBoundary = (instant: Date, resolution: Resolution, zone: string) =>
  new Date(new BucketGrid(resolution, zone).next(instant.getTime()));
const bucketAt = (instant: Date, resolution: Resolution, zone: string) => ({
  start: bucketStart(instant, resolution, zone),
  end: nextBoundary(instant, resolution, zone),
});
const isBucketBoundary = (instant: Date, resolution: Resolution, zone: string) =>
  new BucketGrid(resolution, zone).isBoundary(instant.getTime());
const ceilToBoundary = (instant: Date, resolution: Resolution, zone: string) =>
  new Date(new BucketGrid(resolution, zone).ceil(instant.getTime()));
function* eachBucket(from: Date, to: Date, resolution: Resolution, zone: string) {
  for (const { start, end } of new BucketGrid(resolution, zone).each(from.getTime(), to.getTime())) {
    yield { start: new Date(start), end: new Date(end) };
  }
}

const LONDON = 'Europe/London';
const d = (iso: string) => new Date(iso);
const buckets = (from: string, to: string, resolution: Resolution, zone: string) =>
  [...eachBucket(d(from), d(to), resolution, zone)].map((b) => [local(b.start, zone), local(b.end, zone)]);

describe('resolution ordering', () => {
  it('orders finer to coarser', () => {
    const ranked = Object.values(Resolution).sort((a, b) => resolutionInfo(a).rank - resolutionInfo(b).rank);
    expect(ranked).toEqual(['FIVE_MINUTES', 'QUARTER_HOUR', 'HALF_HOUR', 'HOUR', 'DAY', 'WEEK', 'MONTH', 'YEAR']);
    expect(isFiner(Resolution.QUARTER_HOUR, Resolution.HALF_HOUR)).toBe(true);
    expect(isFiner(Resolution.HALF_HOUR, Resolution.HALF_HOUR)).toBe(false);
    expect(isFiner(Resolution.YEAR, Resolution.FIVE_MINUTES)).toBe(false);
    expect(isFiner(Resolution.HOUR, Resolution.DAY)).toBe(true);
  });
});

describe('fixed-length buckets', () => {
  it('align to the local clock: HOUR in Asia/Kolkata starts at :30 UTC', () => {
    const { start, end } = bucketAt(d('2026-06-01T10:00:00Z'), Resolution.HOUR, 'Asia/Kolkata');
    expect(start.toISOString()).toBe('2026-06-01T09:30:00.000Z');
    expect(end.toISOString()).toBe('2026-06-01T10:30:00.000Z');
  });

  it('floor sub-hour instants to the bucket start, seconds and milliseconds included', () => {
    expect(bucketStart(d('2026-06-01T10:44:59.999Z'), Resolution.QUARTER_HOUR, 'UTC').toISOString()).toBe('2026-06-01T10:30:00.000Z');
    expect(bucketStart(d('2026-06-01T10:04:00Z'), Resolution.FIVE_MINUTES, 'UTC').toISOString()).toBe('2026-06-01T10:00:00.000Z');
    expect(nextBoundary(d('2026-06-01T10:30:00Z'), Resolution.HALF_HOUR, 'UTC').toISOString()).toBe('2026-06-01T11:00:00.000Z');
  });

  it('the repeated hour on a fall-back day gives two separate HOUR buckets', () => {
    const hours = buckets('2026-10-24T23:00:00Z', '2026-10-26T00:00:00Z', Resolution.HOUR, LONDON);
    expect(hours).toHaveLength(25);
    expect(hours.slice(1, 3)).toEqual([
      ['2026-10-25T01:00:00+01:00', '2026-10-25T01:00:00+00:00'],
      ['2026-10-25T01:00:00+00:00', '2026-10-25T02:00:00+00:00'],
    ]);
  });

  it('the missing hour on a spring-forward day is skipped', () => {
    const hours = buckets('2026-03-29T00:00:00Z', '2026-03-29T23:00:00Z', Resolution.HOUR, LONDON);
    expect(hours).toHaveLength(23);
    expect(hours[1]).toEqual(['2026-03-29T02:00:00+01:00', '2026-03-29T03:00:00+01:00']);
  });
});

describe('calendar buckets', () => {
  it('DAY runs local midnight to local midnight (23, 24 or 25 hours)', () => {
    const len = (iso: string) => {
      const { start, end } = bucketAt(d(iso), Resolution.DAY, LONDON);
      return (end.getTime() - start.getTime()) / 3_600_000;
    };
    expect(len('2026-03-29T12:00:00Z')).toBe(23);
    expect(len('2026-06-01T12:00:00Z')).toBe(24);
    expect(len('2026-10-25T12:00:00Z')).toBe(25);
  });

  it('WEEK is the ISO week, Monday 00:00 local', () => {
    // Sunday 2026-11-01 → Monday 2026-10-26 00:00 GMT.
    const { start, end } = bucketAt(d('2026-11-01T20:00:00Z'), Resolution.WEEK, LONDON);
    expect(local(start, LONDON)).toBe('2026-10-26T00:00:00+00:00');
    expect(local(end, LONDON)).toBe('2026-11-02T00:00:00+00:00');
    // A week that contains the clock change is 7 × 24 + 1 hours.
    const across = bucketAt(d('2026-10-22T12:00:00Z'), Resolution.WEEK, LONDON);
    expect(local(across.start, LONDON)).toBe('2026-10-19T00:00:00+01:00');
    expect((across.end.getTime() - across.start.getTime()) / 3_600_000).toBe(169);
  });

  it('MONTH and YEAR are calendar months and years in the zone', () => {
    expect(buckets('2026-01-01T00:00:00Z', '2026-05-01T00:00:00+01:00', Resolution.MONTH, LONDON).map(([s]) => s)).toEqual([
      '2026-01-01T00:00:00+00:00',
      '2026-02-01T00:00:00+00:00',
      '2026-03-01T00:00:00+00:00',
      '2026-04-01T00:00:00+01:00',
    ]);
    const year = bucketAt(d('2028-07-01T00:00:00Z'), Resolution.YEAR, 'America/New_York');
    expect([local(year.start, 'America/New_York'), local(year.end, 'America/New_York')]).toEqual([
      '2028-01-01T00:00:00-05:00',
      '2029-01-01T00:00:00-05:00',
    ]);
  });

  it('a day whose local midnight does not exist starts at its first instant; the next day still starts at 00:00', () => {
    // America/Santiago springs forward at 00:00 on 2026-09-06, so that day begins at 01:00.
    const zone = 'America/Santiago';
    const days = buckets('2026-09-05T04:00:00Z', '2026-09-08T03:00:00Z', Resolution.DAY, zone);
    expect(days).toEqual([
      ['2026-09-05T00:00:00-04:00', '2026-09-06T01:00:00-03:00'],
      ['2026-09-06T01:00:00-03:00', '2026-09-07T00:00:00-03:00'],
      ['2026-09-07T00:00:00-03:00', '2026-09-08T00:00:00-03:00'],
    ]);
  });

  it('boundary helpers agree', () => {
    const midnight = d('2026-07-09T23:00:00Z'); // 2026-07-10 00:00 BST
    expect(isBucketBoundary(midnight, Resolution.DAY, LONDON)).toBe(true);
    expect(isBucketBoundary(midnight, Resolution.DAY, 'UTC')).toBe(false);
    expect(ceilToBoundary(midnight, Resolution.DAY, LONDON)).toEqual(midnight);
    expect(ceilToBoundary(d('2026-07-10T00:00:00Z'), Resolution.DAY, LONDON).toISOString()).toBe('2026-07-10T23:00:00.000Z');
  });
});

describe('fixed-length buckets agree with Luxon across a whole year', () => {
  // BucketGrid walks fixed buckets with cached offsets; this checks every boundary it produces against
  // Luxon's own wall clock, in zones with whole-hour, half-hour, 45-minute and 30-minute-DST offsets.
  const zones = [
    'Europe/London',
    'America/New_York',
    'Asia/Kolkata',
    'Asia/Kathmandu',
    'Pacific/Chatham',
    'Australia/Lord_Howe',
    'America/Santiago',
  ];
  const cases = (zone: string): Array<[Resolution, number]> =>
    ['Europe/London', 'Asia/Kathmandu', 'Pacific/Chatham'].includes(zone)
      ? [
          [Resolution.HALF_HOUR, 30],
          [Resolution.HOUR, 60],
        ]
      : [[Resolution.HOUR, 60]];

  for (const zone of zones) {
    for (const [resolution, minutes] of cases(zone)) {
      it(`${resolution} in ${zone}: every boundary is locally aligned and none is skipped`, () => {
        const from = bucketStart(d('2026-01-01T00:00:00Z'), resolution, zone);
        const to = d('2027-01-01T00:00:00Z');
        const aligned = (ms: number) => {
          const dt = DateTime.fromMillis(ms, { zone });
          return dt.minute % minutes === 0 && dt.second === 0 && dt.millisecond === 0;
        };
        let count = 0;
        let odd = 0;
        for (const { start, end } of eachBucket(from, to, resolution, zone)) {
          count += 1;
          expect(aligned(start.getTime())).toBe(true);
          const length = end.getTime() - start.getTime();
          const sameOffset = DateTime.fromJSDate(start, { zone }).offset === DateTime.fromMillis(end.getTime() - 1, { zone }).offset;
          if (length === minutes * 60_000 && sameOffset) continue;
          if (end.getTime() === to.getTime()) continue; // the last bucket is clipped at `to`
          // Around an offset change: no locally aligned minute may hide inside the bucket.
          odd += 1;
          for (let ms = start.getTime() + 60_000; ms < end.getTime(); ms += 60_000) expect(aligned(ms)).toBe(false);
        }
        expect(count).toBeGreaterThan(((365 * 24 * 60) / minutes) * 0.99);
        expect(odd).toBeLessThanOrEqual(2); // at most the two DST changes of the year
      });
    }
  }

  it('Lord Howe (30-minute DST): the HOUR bucket across each change runs to the next local whole hour', () => {
    const zone = 'Australia/Lord_Howe';
    // Clocks go back on 2026-04-05 at 02:00 (+11) to 01:30 (+10:30).
    const back = buckets('2026-04-04T13:00:00Z', '2026-04-04T17:30:00Z', Resolution.HOUR, zone);
    expect(back.slice(0, 3)).toEqual([
      ['2026-04-05T00:00:00+11:00', '2026-04-05T01:00:00+11:00'],
      ['2026-04-05T01:00:00+11:00', '2026-04-05T02:00:00+10:30'],
      ['2026-04-05T02:00:00+10:30', '2026-04-05T03:00:00+10:30'],
    ]);
  });
});
