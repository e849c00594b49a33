import { describe, expect, it } from 'vitest';
import { resample } from './resample.js';
import { EnergyUnit, ReadingQuality, Resolution } from './types.js';

const HOUR = 3_600_000;
const FROM = Date.UTC(2026, 10, 2);
const range = {
  fromMs: FROM,
  toMs: FROM + 4 * HOUR,
  resolution: Resolution.HOUR,
  unit: EnergyUnit.KWH,
  timeZone: 'UTC',
  spanDays: 1,
  widened: '',
};
const boundaries = [0, 1, 2, 3, 4].map((hour) => FROM + hour * HOUR);
// Hour 2 has no interval: MISSING; hour 1 is estimated.
const intervals = [0, 1, 3].map((hour) => ({
  startMs: FROM + hour * HOUR,
  endMs: FROM + (hour + 1) * HOUR,
  value: hour + 0.5,
  quality: hour === 1 ? ReadingQuality.ESTIMATED : ReadingQuality.MEASURED,
}));

describe('resample', () => {
  it('gives readings, starts and values that agree bucket by bucket', () => {
    const series = resample(range, boundaries, Resolution.HOUR, intervals, EnergyUnit.KWH, Date.UTC(2027, 0, 1));
    expect(series.values).toEqual([0.5, 1.5, null, 3.5]);
    expect(series.starts.map((start) => start.getTime())).toEqual(boundaries.slice(0, 4));
    expect(series.readings).toEqual([
      { start: new Date(boundaries[0]!), end: new Date(boundaries[1]!), value: 0.5, quality: ReadingQuality.MEASURED },
      { start: new Date(boundaries[1]!), end: new Date(boundaries[2]!), value: 1.5, quality: ReadingQuality.ESTIMATED },
      { start: new Date(boundaries[2]!), end: new Date(boundaries[3]!), value: null, quality: ReadingQuality.MISSING },
      { start: new Date(boundaries[3]!), end: new Date(boundaries[4]!), value: 3.5, quality: ReadingQuality.MEASURED },
    ]);
    expect({ count: series.count, missing: series.missing, total: series.total }).toEqual({ count: 4, missing: 1, total: 5.5 });
  });

  it('keeps readings and starts, made when first read, in a copy, in JSON and when replaced', () => {
    const series = resample(range, boundaries, Resolution.HOUR, intervals, EnergyUnit.KWH, Date.UTC(2027, 0, 1));
    const copy = { ...series };
    expect(copy.readings).toBe(series.readings); // made once
    expect(JSON.parse(JSON.stringify(series)).readings).toHaveLength(4);
    expect(Object.keys(series)).toEqual(expect.arrayContaining(['readings', 'starts', 'values']));
    series.readings = series.readings.slice(0, 1);
    expect(series.readings).toHaveLength(1);
  });
});
