import { describe, expect, it } from 'vitest';
import { TimeSeriesReader } from './pipeline.js';
import type { SourceRow } from './source.js';
import { granularity, local, memorySource, rangeOf, refusedWith, seriesOf, slots } from '../../test/support/time-series.js';
import { EnergyUnit, ReadingQuality, Resolution } from './types.js';
import { convertEnergy } from './units.js';

const LONDON = 'Europe/London';
const HOURLY = { granularities: [granularity(Resolution.HOUR)], provider: 'ENERKEY' as const };
const NOW = Date.parse('2030-01-01T00:00:00Z');

/** Resample `rows` (half hours in UTC unless said otherwise) into the range through the whole pipeline. */
const series = seriesOf;

describe('pipeline: half hours', () => {
  it('a UTC day of HALF_HOUR gives 48 readings whose sum is the total', async () => {
    const values = (i: number) => 0.25 + i * 0.1;
    const ts = await series(
      { from: '2026-06-01T00:00:00Z', to: '2026-06-02T00:00:00Z', resolution: Resolution.HALF_HOUR },
      slots('2026-06-01T00:00:00Z', 48, { value: values }),
    );
    expect(ts.count).toBe(48);
    expect(ts.readings).toHaveLength(48);
    expect(ts.missing).toBe(0);
    expect(ts.readings.every((r) => r.quality === ReadingQuality.MEASURED)).toBe(true);
    const sum = ts.readings.reduce((acc, r) => acc + (r.value ?? 0), 0);
    expect(ts.total).toBeCloseTo(sum, 9);
    // 48 × 0.25 + 0.1 × (0 + … + 47) = 12 + 112.8, with no binary noise left in the total.
    expect(ts.total).toBe(124.8);
    expect(ts.readings[1]!.value).toBe(0.35);
    expect(ts.readings[0]!.start.toISOString()).toBe('2026-06-01T00:00:00.000Z');
    expect(ts.readings[47]!.end.toISOString()).toBe('2026-06-02T00:00:00.000Z');
    expect(ts).toMatchObject({
      resolution: Resolution.HALF_HOUR,
      nativeResolution: Resolution.HALF_HOUR,
      unit: EnergyUnit.KWH,
      timeZone: 'UTC',
    });
    expect(ts.from.toISOString()).toBe('2026-06-01T00:00:00.000Z');
    expect(ts.to.toISOString()).toBe('2026-06-02T00:00:00.000Z');
  });

  it('Europe/London 2026-10-25 (clocks go back) has 50 half hours', async () => {
    // Local midnight is 2026-10-24T23:00Z (BST); the next local midnight is 2026-10-26T00:00Z (GMT).
    const ts = await series(
      { from: '2026-10-25T00:00:00+01:00', to: '2026-10-26T00:00:00+00:00', resolution: Resolution.HALF_HOUR, timeZone: LONDON },
      slots('2026-10-24T23:00:00Z', 50),
    );
    expect(ts.count).toBe(50);
    expect(ts.missing).toBe(0);
    expect(ts.total).toBe(75);
    // The repeated 01:00–01:30 local slot appears twice, once in BST and once in GMT.
    const at0100 = ts.readings.filter((r) => local(r.start, LONDON).slice(11, 16) === '01:00');
    expect(at0100.map((r) => local(r.start, LONDON))).toEqual(['2026-10-25T01:00:00+01:00', '2026-10-25T01:00:00+00:00']);
  });

  it('Europe/London 2026-03-29 (clocks go forward) has 46 half hours', async () => {
    const ts = await series(
      { from: '2026-03-29T00:00:00+00:00', to: '2026-03-30T00:00:00+01:00', resolution: Resolution.HALF_HOUR, timeZone: LONDON },
      slots('2026-03-29T00:00:00Z', 46),
    );
    expect(ts.count).toBe(46);
    expect(ts.total).toBe(69);
    // No reading starts at 01:00–01:59 local: that hour does not exist.
    expect(ts.readings.some((r) => local(r.start, LONDON).slice(11, 13) === '01')).toBe(false);
  });
});

describe('pipeline: calendar buckets', () => {
  it('a week at DAY in Europe/London gives 7 local-midnight buckets; the fall-back day is 25 hours', async () => {
    // Monday 2026-10-19 00:00 BST to Monday 2026-10-26 00:00 GMT = 7 × 48 + 2 half hours.
    const ts = await series(
      { from: '2026-10-19T00:00:00+01:00', to: '2026-10-26T00:00:00+00:00', resolution: Resolution.DAY, timeZone: LONDON },
      slots('2026-10-18T23:00:00Z', 7 * 48 + 2),
    );
    expect(ts.count).toBe(7);
    expect(ts.missing).toBe(0);
    for (const reading of ts.readings) {
      expect(local(reading.start, LONDON).slice(11, 19)).toBe('00:00:00');
      expect(local(reading.end, LONDON).slice(11, 19)).toBe('00:00:00');
    }
    expect(ts.readings.map((r) => local(r.start, LONDON).slice(0, 10))).toEqual([
      '2026-10-19',
      '2026-10-20',
      '2026-10-21',
      '2026-10-22',
      '2026-10-23',
      '2026-10-24',
      '2026-10-25',
    ]);
    const sunday = ts.readings[6]!;
    expect(sunday.start.toISOString()).toBe('2026-10-24T23:00:00.000Z');
    expect(sunday.end.toISOString()).toBe('2026-10-26T00:00:00.000Z');
    expect(sunday.end.getTime() - sunday.start.getTime()).toBe(25 * 3_600_000);
    expect(sunday.value).toBe(50 * 1.5);
    expect(ts.readings[0]!.value).toBe(48 * 1.5);
    expect(ts.total).toBe((7 * 48 + 2) * 1.5);
  });

  it('MONTH buckets are calendar months in the zone', async () => {
    // January to April 2026 in London: 31, 28 and 31 days; April starts at 00:00 BST = 2026-03-31T23:00Z.
    const halfHours = (31 + 28 + 31) * 48 - 2; // the spring-forward day has 46
    const ts = await series(
      { from: '2026-01-01T00:00:00Z', to: '2026-04-01T00:00:00+01:00', resolution: Resolution.MONTH, timeZone: LONDON },
      slots('2026-01-01T00:00:00Z', halfHours),
    );
    expect(ts.readings.map((r) => [r.start.toISOString(), r.end.toISOString()])).toEqual([
      ['2026-01-01T00:00:00.000Z', '2026-02-01T00:00:00.000Z'],
      ['2026-02-01T00:00:00.000Z', '2026-03-01T00:00:00.000Z'],
      ['2026-03-01T00:00:00.000Z', '2026-03-31T23:00:00.000Z'],
    ]);
    expect(ts.readings.map((r) => r.value)).toEqual([31 * 48 * 1.5, 28 * 48 * 1.5, (31 * 48 - 2) * 1.5]);
    expect(ts.total).toBe(halfHours * 1.5);
  });

  it('HOUR buckets in Asia/Kolkata start at :30 UTC', async () => {
    const ts = await series(
      { from: '2026-06-01T00:00:00+05:30', to: '2026-06-01T06:00:00+05:30', resolution: Resolution.HOUR, timeZone: 'Asia/Kolkata' },
      slots('2026-05-31T18:30:00Z', 12),
    );
    expect(ts.count).toBe(6);
    for (const reading of ts.readings) {
      expect(reading.start.getUTCMinutes()).toBe(30);
      expect(reading.end.getTime() - reading.start.getTime()).toBe(3_600_000);
      expect(reading.value).toBe(3);
    }
    expect(ts.readings[0]!.start.toISOString()).toBe('2026-05-31T18:30:00.000Z');
  });

  it('a year of half hours at MONTH in Europe/London: 12 calendar months, every half hour counted once', async () => {
    const count = 365 * 48; // 2026 in London: +2 and −2 half hours across the two changes cancel out
    const readings = slots('2026-01-01T00:00:00Z', count, { value: (i) => (i % 7) * 0.1 });
    const started = performance.now();
    const ts = await series(
      { from: '2026-01-01T00:00:00Z', to: '2027-01-01T00:00:00Z', resolution: Resolution.MONTH, timeZone: LONDON },
      readings,
    );
    const elapsed = performance.now() - started;
    expect(ts.count).toBe(12);
    expect(ts.missing).toBe(0);
    const expected = readings.reduce((acc, row) => acc + (row.value ?? 0), 0);
    expect(ts.total).toBeCloseTo(expected, 6);
    // Linear work: 17,520 readings take milliseconds; a buckets × readings scan would not stay far below this.
    expect(elapsed).toBeLessThan(2_000);
  });
});

describe('pipeline: units', () => {
  it('KWH → WH multiplies by 1000 and → MWH divides by 1000', async () => {
    expect(convertEnergy(1.234, EnergyUnit.KWH, EnergyUnit.WH)).toBe(1234);
    expect(convertEnergy(1.1, EnergyUnit.KWH, EnergyUnit.WH)).toBe(1100);
    expect(convertEnergy(1234, EnergyUnit.KWH, EnergyUnit.MWH)).toBe(1.234);
    expect(convertEnergy(1.5, EnergyUnit.MWH, EnergyUnit.WH)).toBe(1_500_000);
    expect(convertEnergy(250, EnergyUnit.WH, EnergyUnit.KWH)).toBe(0.25);
  });

  it('converts native kWh to the requested unit in every reading and in the total', async () => {
    const range = { from: '2026-06-01T00:00:00Z', to: '2026-06-01T02:00:00Z', resolution: Resolution.HOUR };
    const inWh = await series({ ...range, unit: EnergyUnit.WH }, slots('2026-06-01T00:00:00Z', 4, { value: 0.617 }));
    expect(inWh.unit).toBe(EnergyUnit.WH);
    expect(inWh.readings.map((r) => r.value)).toEqual([1234, 1234]);
    expect(inWh.total).toBe(2468);
    const inMwh = await series({ ...range, unit: EnergyUnit.MWH }, slots('2026-06-01T00:00:00Z', 4, { value: 0.617 }));
    expect(inMwh.readings.map((r) => r.value)).toEqual([0.001234, 0.001234]);
    expect(inMwh.total).toBe(0.002468);
  });

  it('converts native Wh readings to the default unit, kWh', async () => {
    const ts = await series(
      { from: '2026-06-01T00:00:00Z', to: '2026-06-01T01:00:00Z', resolution: Resolution.HOUR },
      slots('2026-06-01T00:00:00Z', 2, { value: 700 }),
      { unit: EnergyUnit.WH },
    );
    expect(ts.unit).toBe(EnergyUnit.KWH);
    expect(ts.readings[0]!.value).toBe(1.4);
  });
});

describe('pipeline: quality and gaps', () => {
  const day = { from: '2026-06-01T00:00:00Z', to: '2026-06-02T00:00:00Z' };

  it('a gap in native data gives a MISSING reading with a null value and counts it', async () => {
    const readings = slots('2026-06-01T00:00:00Z', 48).filter((_, i) => i !== 10);
    const ts = await series({ ...day, resolution: Resolution.HALF_HOUR }, readings);
    expect(ts.count).toBe(48);
    expect(ts.missing).toBe(1);
    expect(ts.readings[10]).toEqual({
      start: new Date('2026-06-01T05:00:00Z'),
      end: new Date('2026-06-01T05:30:00Z'),
      value: null,
      quality: ReadingQuality.MISSING,
    });
    expect(ts.total).toBe(47 * 1.5);
  });

  it('nothing from the future: a bucket that has not ended by now is MISSING, whatever the provider sent', async () => {
    // The provider sends a whole day, but it is 10:15: the 10:00 hour and every later one have not ended.
    const nowMs = Date.parse('2026-06-01T10:15:00Z');
    const ts = await series({ ...day, resolution: Resolution.HOUR }, slots('2026-06-01T00:00:00Z', 48), { nowMs });
    expect(ts.readings.slice(0, 10).every((r) => r.quality === ReadingQuality.MEASURED)).toBe(true);
    expect(ts.readings.slice(10).every((r) => r.quality === ReadingQuality.MISSING && r.value === null)).toBe(true);
    expect(ts.missing).toBe(14);
    expect(ts.total).toBe(10 * 3);
    const wholeDay = await series({ ...day, resolution: Resolution.DAY }, slots('2026-06-01T00:00:00Z', 48), { nowMs });
    expect(wholeDay.readings).toEqual([{ start: new Date(day.from), end: new Date(day.to), value: null, quality: ReadingQuality.MISSING }]);
  });

  it('a bucket only partly covered is MISSING, never a scaled-up partial sum', async () => {
    // Hours 00–03; the 02:00–02:30 half hour is absent, so the 02:00 hour is MISSING.
    const readings = slots('2026-06-01T00:00:00Z', 8).filter((_, i) => i !== 4);
    const ts = await series({ from: '2026-06-01T00:00:00Z', to: '2026-06-01T04:00:00Z', resolution: Resolution.HOUR }, readings);
    expect(ts.readings.map((r) => r.quality)).toEqual([
      ReadingQuality.MEASURED,
      ReadingQuality.MEASURED,
      ReadingQuality.MISSING,
      ReadingQuality.MEASURED,
    ]);
    expect(ts.readings[2]!.value).toBeNull();
    expect(ts.missing).toBe(1);
    expect(ts.total).toBe(9);
  });

  it('a native reading marked MISSING (or with a null value) makes its bucket MISSING', async () => {
    const readings = slots('2026-06-01T00:00:00Z', 4, {
      quality: (i) => (i === 1 ? ReadingQuality.MISSING : ReadingQuality.MEASURED),
      value: (i) => (i === 3 ? null : 2),
    });
    const ts = await series({ from: '2026-06-01T00:00:00Z', to: '2026-06-01T02:00:00Z', resolution: Resolution.HOUR }, readings);
    expect(ts.readings.map((r) => r.value)).toEqual([null, null]);
    expect(ts.missing).toBe(2);
    expect(ts.total).toBe(0);
  });

  it('when every reading is missing, total is 0 and missing equals count', async () => {
    const ts = await series({ ...day, resolution: Resolution.DAY }, []);
    expect(ts).toMatchObject({ count: 1, missing: 1, total: 0 });
    expect(ts.readings[0]!.quality).toBe(ReadingQuality.MISSING);
  });

  it('ESTIMATED propagates to the bucket that contains it, and only to that one', async () => {
    const readings = slots('2026-06-01T00:00:00Z', 48, {
      quality: (i) => (i === 5 ? ReadingQuality.ESTIMATED : ReadingQuality.MEASURED),
    });
    const hourly = await series({ ...day, resolution: Resolution.HOUR }, readings);
    expect(hourly.readings[2]!.quality).toBe(ReadingQuality.ESTIMATED);
    expect(hourly.readings[2]!.value).toBe(3);
    expect(hourly.readings.filter((r) => r.quality === ReadingQuality.ESTIMATED)).toHaveLength(1);
    const daily = await series({ ...day, resolution: Resolution.DAY }, readings);
    expect(daily.readings[0]).toMatchObject({ quality: ReadingQuality.ESTIMATED, value: 72 });
    expect(daily.missing).toBe(0);
  });

  it('accepts unsorted readings, ignores readings outside the range, and prefers the better of two duplicates', async () => {
    const inRange = slots('2026-06-01T00:00:00Z', 4);
    const outside = [...slots('2026-05-31T22:00:00Z', 4, { value: 100 }), ...slots('2026-06-01T02:00:00Z', 4, { value: 100 })];
    const duplicate: SourceRow = { ...inRange[0]!, value: 9, quality: ReadingQuality.MISSING };
    const correction: SourceRow = { ...inRange[3]!, value: 2.5, quality: ReadingQuality.MEASURED };
    const shuffled = [inRange[2]!, outside[1]!, inRange[0]!, duplicate, outside[5]!, inRange[3]!, correction, inRange[1]!, ...outside];
    const ts = await series({ from: '2026-06-01T00:00:00Z', to: '2026-06-01T02:00:00Z', resolution: Resolution.HOUR }, shuffled);
    expect(ts.readings.map((r) => r.value)).toEqual([3, 4]);
    expect(ts.missing).toBe(0);
    expect(ts.total).toBe(7);
  });
});

/** 1 June 2026 at DAY in a zone whose offset that day is `offset`. */
const localDay = (timeZone: string, offset: string) => ({
  from: `2026-06-01T00:00:00${offset}`,
  to: `2026-06-02T00:00:00${offset}`,
  resolution: Resolution.DAY,
  timeZone,
});

describe('pipeline: the range', () => {
  it('widens a from at 10:17 local at DAY to local midnight, and a to inside a day to the next midnight', async () => {
    const ts = await series(
      { from: '2026-07-10T10:17:00+01:00', to: '2026-07-12T15:00:00+01:00', resolution: Resolution.DAY, timeZone: LONDON },
      [],
    );
    expect(local(ts.from, LONDON)).toBe('2026-07-10T00:00:00+01:00');
    expect(ts.from.toISOString()).toBe('2026-07-09T23:00:00.000Z');
    expect(local(ts.to, LONDON)).toBe('2026-07-13T00:00:00+01:00');
    expect(ts).toMatchObject({ resolution: Resolution.DAY, unit: EnergyUnit.KWH, timeZone: LONDON, count: 3 });
  });

  it('keeps a to that is already a boundary, and widens sub-hour ranges to whole buckets', async () => {
    const day = await series({ from: '2026-07-10T00:00:00Z', to: '2026-07-11T00:00:00Z', resolution: Resolution.DAY }, []);
    expect(day.to.toISOString()).toBe('2026-07-11T00:00:00.000Z');
    const hour = await series({ from: '2026-07-10T10:17:00Z', to: '2026-07-10T10:31:00Z', resolution: Resolution.HOUR }, []);
    expect([hour.from.toISOString(), hour.to.toISOString()]).toEqual(['2026-07-10T10:00:00.000Z', '2026-07-10T11:00:00.000Z']);
  });

  it('refuses invalid dates, from >= to and an unknown zone, naming the field', async () => {
    const day = { from: '2026-01-01T00:00:00Z', to: '2026-01-02T00:00:00Z', resolution: Resolution.DAY };
    expect((await refusedWith(series({ ...day, from: new Date('not a date') }, []))).extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      provider: 'OPENVOLT',
      field: 'range.from',
    });
    expect((await refusedWith(series({ ...day, to: new Date(Number.NaN) }, []))).extensions.field).toBe('range.to');
    const backwards = await refusedWith(series({ ...day, from: day.to, to: day.from }, []));
    expect(backwards.message).toContain('range.from (2026-01-02T00:00:00.000Z) must be before range.to (2026-01-01T00:00:00.000Z)');
    await refusedWith(series({ ...day, to: day.from }, []));
    const mars = await refusedWith(series({ ...day, timeZone: 'Mars/Olympus_Mons' }, []));
    expect(mars.message).toContain('"Mars/Olympus_Mons" is not a known IANA time zone');
    expect(mars.extensions.field).toBe('range.timeZone');
  });

  it('refuses a resolution finer than the provider records, naming the provider', async () => {
    const day = { from: '2026-01-01T00:00:00Z', to: '2026-01-02T00:00:00Z' };
    const e = await refusedWith(series({ ...day, resolution: Resolution.QUARTER_HOUR }, []));
    expect(e.message).toBe('OPENVOLT meters record HALF_HOUR readings; ask for HALF_HOUR or coarser.');
    expect(e.extensions).toMatchObject({ provider: 'OPENVOLT', field: 'range.resolution', nativeResolution: 'HALF_HOUR' });
    const enerkey = await refusedWith(series({ ...day, resolution: Resolution.HALF_HOUR }, [], HOURLY));
    expect(enerkey.message).toBe('ENERKEY meters record HOUR readings; ask for HOUR or coarser.');
  });

  it('refuses a span longer than the provider allows, counted in local days after widening', async () => {
    const e = await refusedWith(series({ from: '2026-01-01T00:00:00Z', to: '2027-06-01T00:00:00Z', resolution: Resolution.DAY }, []));
    expect(e.message).toContain('at most 366 days');
    expect(e.extensions).toMatchObject({ provider: 'OPENVOLT', maxSpanDays: 366 });
    // Exactly 366 local days across both DST changes is allowed.
    const ok = await series({ from: '2027-01-01T00:00:00Z', to: '2028-01-02T00:00:00Z', resolution: Resolution.DAY, timeZone: LONDON }, []);
    expect(ok.to.toISOString()).toBe('2028-01-02T00:00:00.000Z');
    // Two days at YEAR become two calendar years.
    const years = await refusedWith(series({ from: '2026-12-31T00:00:00Z', to: '2027-01-02T00:00:00Z', resolution: Resolution.YEAR }, []));
    expect(years.message).toContain('730 days after widening to whole YEAR buckets');
  });

  it('refuses local days in Asia/Kathmandu (+05:45) against half-hourly readings: boundaries do not line up', async () => {
    const e = await refusedWith(series(localDay('Asia/Kathmandu', '+05:45'), []));
    expect(e.message).toContain('do not line up');
    expect(e.message).toContain('HALF_HOUR');
    expect(e.extensions).toMatchObject({ provider: 'OPENVOLT', field: 'range.timeZone' });
  });

  it('accepts Asia/Kolkata days against half hours but not against hourly readings', async () => {
    const range = localDay('Asia/Kolkata', '+05:30');
    expect((await series(range, [])).from.toISOString()).toBe('2026-05-31T18:30:00.000Z');
    expect((await refusedWith(series(range, [], HOURLY))).message).toContain("ENERKEY's HOUR readings");
  });

  it('checks alignment against a provider whose native days follow a local calendar', async () => {
    const daily = { granularities: [granularity(Resolution.DAY, 'Europe/Amsterdam', { period: Resolution.MONTH, maxPeriods: 1 })] };
    const ok = await series(
      { from: '2026-03-01T00:00:00+01:00', to: '2026-05-01T00:00:00+02:00', resolution: Resolution.MONTH, timeZone: 'Europe/Amsterdam' },
      [],
      daily,
    );
    expect(ok.from.toISOString()).toBe('2026-02-28T23:00:00.000Z');
    const e = await refusedWith(
      series({ from: '2026-03-01T00:00:00Z', to: '2026-03-02T00:00:00Z', resolution: Resolution.DAY }, [], daily),
    );
    expect(e.message).toContain('such as Europe/Amsterdam');
  });
});

describe('pipeline: granularities and calls', () => {
  const HH = granularity(Resolution.HALF_HOUR);
  const DAY = granularity(Resolution.DAY, 'UTC', { period: Resolution.DAY, maxPeriods: 366 });
  const MONTH = granularity(Resolution.MONTH, 'UTC', { period: Resolution.MONTH, maxPeriods: 60 });
  const year = (from: string, count: number, minutes: number) => slots(from, count, { minutes, value: 1 });

  it('asks for the coarsest rows that nest in the buckets: a year by MONTH is one call of twelve rows', async () => {
    const months = Array.from({ length: 12 }, (_, i) => ({ at: Date.UTC(2025, i, 1), value: 100 + i }));
    const { source, calls } = memorySource({ granularities: [HH, DAY, MONTH], rows: { m: { month: months } } });
    const ts = await new TimeSeriesReader(source, () => NOW).series(
      'm',
      rangeOf({ from: '2025-01-01T00:00:00Z', to: '2026-01-01T00:00:00Z', resolution: Resolution.MONTH }),
    );
    expect(calls).toEqual([{ granularity: 'month', meters: ['m'], window: { fromMs: Date.UTC(2025, 0, 1), toMs: Date.UTC(2026, 0, 1) } }]);
    expect(ts.values).toEqual(months.map((row) => row.value));
    expect(ts.nativeResolution).toBe(Resolution.MONTH);
  });

  it('mixes granularities bucket by bucket: London days are UTC days in winter only', async () => {
    // 2026-03-27 to 2026-03-31 in London: the 27th and 28th are UTC days (GMT); from the 29th (BST) they are not.
    const { source, calls } = memorySource({
      granularities: [HH, DAY],
      rows: {
        m: {
          half_hour: year('2026-03-29T00:00:00Z', 46 + 48, 30),
          day: [Date.UTC(2026, 2, 27), Date.UTC(2026, 2, 28)].map((at) => ({ at, value: 48 })),
        },
      },
    });
    const ts = await new TimeSeriesReader(source, () => NOW).series(
      'm',
      rangeOf({ from: '2026-03-27T00:00:00Z', to: '2026-03-31T00:00:00+01:00', resolution: Resolution.DAY, timeZone: LONDON }),
    );
    expect(calls.map((call) => call.granularity).sort()).toEqual(['day', 'half_hour']);
    expect(ts.values).toEqual([48, 48, 46, 48]);
    expect(ts.nativeResolution).toBe(Resolution.HALF_HOUR);
  });

  it('cuts calls on their periods: a year of half hours is six calls of at most 62 whole UTC days', async () => {
    const { source, calls } = memorySource({ granularities: [HH] });
    await new TimeSeriesReader(source, () => NOW).series(
      'm',
      rangeOf({ from: '2025-01-01T00:00:00+01:00', to: '2026-01-01T00:00:00+01:00', resolution: Resolution.DAY, timeZone: 'Europe/Paris' }),
    );
    expect(calls).toHaveLength(6);
    for (const [i, { window }] of calls.entries()) {
      expect(window.toMs - window.fromMs).toBeLessThanOrEqual(62 * 86_400_000);
      if (i > 0) expect(window.fromMs).toBe(calls[i - 1]!.window.toMs);
      if (i > 0) expect(window.fromMs % 86_400_000).toBe(0);
    }
    expect(calls[0]!.window.fromMs).toBe(Date.parse('2024-12-31T23:00:00Z'));
    expect(calls.at(-1)!.window.toMs).toBe(Date.parse('2025-12-31T23:00:00Z'));
  });

  it('fetches nothing that has not ended: a range all in the future costs no call', async () => {
    const { source, calls } = memorySource({ granularities: [HH] });
    const reader = new TimeSeriesReader(source, () => Date.parse('2026-06-01T10:15:00Z'));
    const today = await reader.series(
      'm',
      rangeOf({ from: '2026-06-01T00:00:00Z', to: '2026-06-03T00:00:00Z', resolution: Resolution.HOUR }),
    );
    expect(calls.map((call) => call.window)).toEqual([
      { fromMs: Date.parse('2026-06-01T00:00:00Z'), toMs: Date.parse('2026-06-01T10:00:00Z') },
    ]);
    expect(today.missing).toBe(48);
    const later = await reader.series(
      'm',
      rangeOf({ from: '2026-07-01T00:00:00Z', to: '2026-07-02T00:00:00Z', resolution: Resolution.DAY }),
    );
    expect(later.readings.map((reading) => reading.quality)).toEqual([ReadingQuality.MISSING]);
    expect(calls).toHaveLength(1);
  });

  it('batches: the meters of one request that need the same window are one load; a failed meter fails alone', async () => {
    const rows = slots('2026-06-01T00:00:00Z', 48);
    const { source, calls } = memorySource({ rows: { a: { half_hour: rows }, b: { half_hour: rows } }, failing: ['c'] });
    const reader = new TimeSeriesReader(source, () => NOW);
    const range = rangeOf({ from: '2026-06-01T00:00:00Z', to: '2026-06-02T00:00:00Z', resolution: Resolution.DAY });
    const [a, b, c] = await Promise.allSettled(['a', 'b', 'c'].map((meter) => reader.series(meter, range)));
    expect(calls).toEqual([
      {
        granularity: 'half_hour',
        meters: ['a', 'b', 'c'],
        window: { fromMs: Date.parse('2026-06-01T00:00:00Z'), toMs: Date.parse('2026-06-02T00:00:00Z') },
      },
    ]);
    expect(a.status === 'fulfilled' && a.value.total).toBe(72);
    expect(b.status === 'fulfilled' && b.value.total).toBe(72);
    expect(c.status === 'rejected' && (c.reason as Error).message).toBe('c is down');
  });

  it('differences a cumulative register: a reset is flagged and ESTIMATED, never negative', async () => {
    const five = granularity(Resolution.FIVE_MINUTES, 'UTC', { period: Resolution.DAY, maxPeriods: 92 });
    const registers = [100, 100.25, 100.5, 2, 2.5, 3].map((value, i) => ({ at: Date.parse('2026-06-01T12:00:00Z') + i * 300_000, value }));
    const { source, calls } = memorySource({ kind: 'register', granularities: [five], rows: { m: { five_minutes: registers } } });
    const reader = new TimeSeriesReader(source, () => NOW);
    const range = rangeOf({ from: '2026-06-01T12:00:00Z', to: '2026-06-01T12:25:00Z', resolution: Resolution.FIVE_MINUTES });
    const ts = await reader.series('m', range);
    expect(ts.readings.map((reading) => [reading.value, reading.quality])).toEqual([
      [0.25, ReadingQuality.MEASURED],
      [0.25, ReadingQuality.MEASURED],
      [2, ReadingQuality.ESTIMATED],
      [0.5, ReadingQuality.MEASURED],
      [0.5, ReadingQuality.MEASURED],
    ]);
    expect(await reader.registerResets('m', range)).toEqual([
      { startMs: Date.parse('2026-06-01T12:10:00Z'), endMs: Date.parse('2026-06-01T12:15:00Z'), before: 100.5, after: 2 },
    ]);
    // The register at the range's end closes the last interval; both fields shared one call.
    expect(calls).toEqual([{ granularity: 'five_minutes', meters: ['m'], window: { fromMs: registers[0]!.at, toMs: registers[5]!.at } }]);
  });
});

describe('pipeline: the physical bound of an interval', () => {
  const HH = granularity(Resolution.HALF_HOUR);
  const range = rangeOf({ from: '2025-01-01T00:00:00Z', to: '2025-01-01T02:00:00Z', resolution: Resolution.HALF_HOUR });
  const halfHours = (...values: number[]) => values.map((value, i) => ({ at: Date.UTC(2025, 0, 1, 0, 30 * i), value }));

  it('reads a value beyond maxKwhPerHour × the interval’s hours (or not finite) as MISSING, and the total stays finite', async () => {
    const { source } = memorySource({ granularities: [HH], rows: { m: { half_hour: halfHours(5, 1e308, 1e308, 500) } } });
    const ts = await new TimeSeriesReader(source, () => NOW, { maxKwhPerHour: 1000 }).series('m', range);
    expect(ts.values).toEqual([5, null, null, 500]);
    expect(ts.readings.map((reading) => reading.quality)).toEqual([
      ReadingQuality.MEASURED,
      ReadingQuality.MISSING,
      ReadingQuality.MISSING,
      ReadingQuality.MEASURED,
    ]);
    expect(ts.total).toBe(505);
    const justOver = await new TimeSeriesReader(source, () => NOW, { maxKwhPerHour: 999 }).series('m', range);
    expect(justOver.values).toEqual([5, null, null, null]);
  });

  it('compares in kWh whatever the meter’s unit', async () => {
    const { source } = memorySource({ granularities: [HH], unit: EnergyUnit.MWH, rows: { m: { half_hour: halfHours(0.4, 0.6, 0, 0) } } });
    const ts = await new TimeSeriesReader(source, () => NOW, { maxKwhPerHour: 1000 }).series('m', range);
    expect(ts.values.map((value) => value === null)).toEqual([false, true, false, false]);
  });
});
