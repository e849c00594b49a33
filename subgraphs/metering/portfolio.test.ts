import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BucketGrid } from '../../shared/time/buckets.js';
import { EnergyUnit, ReadingQuality, Resolution } from '../../shared/time/index.js';
import { resolveRange } from '../../shared/time/range.js';
import { EnergySum, roundEnergy } from '../../shared/time/units.js';
import type { BucketValue } from './merge.js';
import { portfolioSeries, sumConnections } from './portfolio.js';

const { MEASURED, ESTIMATED, MISSING } = ReadingQuality;
const measured = (value: number): BucketValue => ({ value, quality: MEASURED });
const estimated = (value: number): BucketValue => ({ value, quality: ESTIMATED });
const missing: BucketValue = { value: null, quality: MISSING };

describe('sumConnections', () => {
  it('adds the connections bucket by bucket; a bucket is as complete as its least complete connection', () => {
    const office = [measured(1.1), measured(2), estimated(3), missing];
    const school = [measured(2.2), estimated(5), estimated(1), measured(4)];
    expect(sumConnections([office, school], 4)).toEqual([measured(3.3), estimated(7), estimated(4), missing]);
  });

  it('is MISSING everywhere when there is no connection to sum, and where a connection is short', () => {
    expect(sumConnections([], 2)).toEqual([missing, missing]);
    expect(sumConnections([[measured(1)]], 2)).toEqual([measured(1), missing]);
  });
});

/** A connection's merged bucket: readings in thousandths of a kWh, as providers deliver them. */
const bucket: fc.Arbitrary<BucketValue> = fc.oneof(
  fc.integer({ min: 0, max: 10_000_000 }).map((milli) => measured(milli / 1000)),
  fc.integer({ min: 0, max: 10_000_000 }).map((milli) => estimated(milli / 1000)),
  fc.constant(missing),
);
const portfolio = fc
  .integer({ min: 1, max: 12 })
  .chain((count) =>
    fc.tuple(fc.constant(count), fc.array(fc.array(bucket, { minLength: count, maxLength: count }), { minLength: 1, maxLength: 6 })),
  );

describe('sumConnections, for any portfolio', () => {
  it('a single connection’s aggregate is its own merged series', () => {
    fc.assert(
      fc.property(portfolio, ([count, [first]]) => {
        expect(sumConnections([first!], count)).toEqual(first);
      }),
    );
  });

  it('the order of the connections does not matter', () => {
    fc.assert(
      fc.property(
        portfolio.chain(([count, connections]) =>
          fc.tuple(fc.constant(count), fc.constant(connections), fc.shuffledSubarray(connections, { minLength: connections.length })),
        ),
        ([count, connections, shuffled]) => {
          expect(sumConnections(shuffled, count)).toEqual(sumConnections(connections, count));
        },
      ),
    );
  });

  it('a bucket has a value exactly when every connection has one, and then it is their sum', () => {
    fc.assert(
      fc.property(portfolio, ([count, connections]) => {
        sumConnections(connections, count).forEach((summed, index) => {
          const own = connections.map((series) => series[index]!);
          if (own.some(({ quality }) => quality === MISSING)) expect(summed).toEqual(missing);
          else {
            const sum = new EnergySum();
            for (const { value } of own) sum.add(value!);
            expect(summed.value).toBe(roundEnergy(sum.value));
            expect(summed.quality).toBe(own.some(({ quality }) => quality === ESTIMATED) ? ESTIMATED : MEASURED);
          }
        });
      }),
    );
  });
});

describe('portfolioSeries', () => {
  it('for any portfolio, its total is the sum of its buckets and its missing count the MISSING ones', () => {
    fc.assert(
      fc.property(portfolio, ([count, connections]) => {
        const from = new Date('2026-03-28T00:00:00+01:00');
        const to = new Date(from.getTime() + count * 3_600_000);
        const range = resolveRange(
          { from, to, resolution: Resolution.HOUR, unit: EnergyUnit.KWH, timeZone: 'Europe/Amsterdam' },
          undefined,
          Resolution.HOUR,
        );
        const boundaries = [...new BucketGrid(range.resolution, range.timeZone).each(range.fromMs, range.toMs)].map(({ start }) => start);
        boundaries.push(range.toMs);
        const series = portfolioSeries(range, boundaries, connections, to.getTime());
        const sum = new EnergySum();
        for (const value of series.values) if (value !== null) sum.add(value);
        expect(series.count).toBe(count);
        expect(series.total).toBe(roundEnergy(sum.value));
        expect(series.missing).toBe(series.values.filter((value) => value === null).length);
        expect(series.values).toEqual(sumConnections(connections, count).map(({ value }) => value));
      }),
    );
  });
});
