import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { chartables } from './series.js';

describe('what the playground draws from a result', () => {
  it('finds readings, compact values with and without starts, point lists and images, each labelled by its owner', () => {
    const found = chartables({
      openvoltCustomer: {
        name: 'Thameside',
        meters: {
          nodes: [
            {
              meterNumber: '9999999999999',
              consumption: {
                unit: 'KWH',
                timeZone: 'Europe/London',
                readings: [
                  { start: '2026-11-09T00:00:00.000Z', value: 1.5, quality: 'MEASURED' },
                  { start: '2026-11-10T00:00:00.000Z', value: null, quality: 'MISSING' },
                ],
              },
            },
            {
              meterNumber: '1200012345678',
              consumption: { unit: 'WH', values: [3, 4], starts: ['2026-11-09T00:00:00Z', '2026-11-09T00:30:00Z'] },
            },
          ],
        },
      },
      umeterConnection: { ean: '871687120000000011', production: { values: [5, null, 7] } },
      enerkeyMeter: { id: '20001', monthlyValues: { unit: 'KWH', values: [{ start: '2025-01-01T00:00:00Z', value: 10 }] } },
      intellimeterAccount: { chart: { mimeType: 'image/png', dataUrl: 'data:image/png;base64,AAAA' } },
      notASeries: { values: ['a', 'b'], readings: [], other: 'data:text/plain,hello' },
    });
    expect(found.series).toEqual([
      {
        label: '9999999999999 · consumption',
        unit: 'KWH',
        timeZone: 'Europe/London',
        timed: true,
        points: [
          { x: Date.parse('2026-11-09T00:00:00Z'), y: 1.5 },
          { x: Date.parse('2026-11-10T00:00:00Z'), y: null },
        ],
      },
      {
        label: '1200012345678 · consumption',
        unit: 'WH',
        timeZone: null,
        timed: true,
        points: [
          { x: Date.parse('2026-11-09T00:00:00Z'), y: 3 },
          { x: Date.parse('2026-11-09T00:30:00Z'), y: 4 },
        ],
      },
      {
        label: '871687120000000011 · production',
        unit: null,
        timeZone: null,
        timed: false,
        points: [
          { x: 0, y: 5 },
          { x: 1, y: null },
          { x: 2, y: 7 },
        ],
      },
      {
        label: '20001 · monthlyValues',
        unit: 'KWH',
        timeZone: null,
        timed: true,
        points: [{ x: Date.parse('2025-01-01T00:00:00Z'), y: 10 }],
      },
    ]);
    expect(found.images).toEqual([{ label: 'chart', src: 'data:image/png;base64,AAAA' }]);
  });

  it('draws a series asked both as readings and as values once, from its readings', () => {
    const { series } = chartables({
      consumption: { values: [1], starts: ['2026-01-01T00:00:00Z'], readings: [{ start: '2026-01-01T00:00:00Z', value: 1 }] },
    });
    expect(series.map(({ label, points }) => ({ label, points: points.length }))).toEqual([{ label: 'consumption', points: 1 }]);
  });

  it('finds nothing in a result without series or images', () => {
    expect(chartables({ meteringPoint: { id: '1', openvoltMeters: [{ id: 'a', status: 'ACTIVE' }] } })).toEqual({ series: [], images: [] });
    expect(chartables(null)).toEqual({ series: [], images: [] });
  });

  it('keeps every reading of any series, in order, however deep it sits', () => {
    const reading = fc.record({
      start: fc.date({ min: new Date('2000-01-01'), max: new Date('2100-01-01'), noInvalidDate: true }).map((date) => date.toISOString()),
      value: fc.option(fc.double({ noNaN: true, noDefaultInfinity: true }), { nil: null }),
    });
    fc.assert(
      fc.property(
        fc.array(reading, { minLength: 1, maxLength: 50 }),
        fc.array(fc.constantFrom('a', 'b', 'nodes'), { maxLength: 4 }),
        (readings, path) => {
          const data = path.reduceRight<unknown>((inner, key) => ({ [key]: inner }), { consumption: { readings } });
          const { series } = chartables(data);
          expect(series).toHaveLength(1);
          expect(series[0]!.points).toEqual(readings.map(({ start, value }) => ({ x: Date.parse(start), y: value })));
        },
      ),
    );
  });
});
