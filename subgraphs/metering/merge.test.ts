import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { ProviderName } from '../../shared/graph/provider-names.js';
import { ReadingQuality } from '../../shared/time/index.js';
import { MergePolicy, disagreements, mergeSeries, sourceOrder, type BucketValue, type SourceSeries } from './merge.js';

const { MEASURED, ESTIMATED, MISSING } = ReadingQuality;
const measured = (value: number): BucketValue => ({ value, quality: MEASURED });
const estimated = (value: number): BucketValue => ({ value, quality: ESTIMATED });
const missing: BucketValue = { value: null, quality: MISSING };

describe('mergeSeries', () => {
  const openvolt: SourceSeries = { provider: 'OPENVOLT', buckets: [measured(1), missing, estimated(3), missing] };
  const umeter: SourceSeries = { provider: 'UMETER', buckets: [measured(10), measured(20), measured(30), missing] };

  it('BEST_QUALITY takes MEASURED over ESTIMATED over MISSING, a tie by the order', () => {
    expect(mergeSeries([openvolt, umeter], 4, MergePolicy.BEST_QUALITY)).toEqual({
      buckets: [
        { value: 1, quality: MEASURED, source: 'OPENVOLT' },
        { value: 20, quality: MEASURED, source: 'UMETER' },
        { value: 30, quality: MEASURED, source: 'UMETER' },
        { value: null, quality: MISSING, source: null },
      ],
      filled: 1,
    });
  });

  it('PRIORITY takes the first source that has the bucket, whatever its quality', () => {
    expect(mergeSeries([openvolt, umeter], 4, MergePolicy.PRIORITY).buckets.map(({ source, value }) => [source, value])).toEqual([
      ['OPENVOLT', 1],
      ['UMETER', 20],
      ['OPENVOLT', 3],
      [null, null],
    ]);
  });

  it('counts a bucket filled when some source lacked it and another had it', () => {
    expect(mergeSeries([umeter, openvolt], 4, MergePolicy.PRIORITY).filled).toBe(1);
    expect(mergeSeries([umeter], 4, MergePolicy.PRIORITY).filled).toBe(0);
  });
});

describe('disagreements', () => {
  const a: SourceSeries = { provider: 'OPENVOLT', buckets: [measured(10), measured(10), estimated(1), measured(0)] };
  const b: SourceSeries = { provider: 'UMETER', buckets: [measured(10.4), measured(13), measured(9), measured(0)] };

  it('lists buckets both MEASURED that differ beyond both the absolute and the relative tolerance', () => {
    expect(disagreements([a, b], 4, { absolute: 0.5, relative: 0 })).toEqual([
      {
        index: 1,
        values: [
          { provider: 'OPENVOLT', value: 10 },
          { provider: 'UMETER', value: 13 },
        ],
        difference: 3,
        relativeDifference: 0.230769230769,
      },
    ]);
    expect(disagreements([a, b], 4, { absolute: 0, relative: 0 }).map(({ index }) => index)).toEqual([0, 1]);
    expect(disagreements([a, b], 4, { absolute: 0, relative: 0.25 })).toEqual([]);
  });
});

describe('sourceOrder', () => {
  it('keeps the asked order; otherwise the priority, then the rest', () => {
    expect(sourceOrder(['OPENVOLT', 'UMETER', 'ENERKEY'], ['UMETER', 'VOLUE', 'UMETER'], ['OPENVOLT'])).toEqual(['UMETER']);
    expect(sourceOrder(['OPENVOLT', 'UMETER', 'ENERKEY'], undefined, ['ENERKEY', 'INTELLIMETER'])).toEqual([
      'ENERKEY',
      'OPENVOLT',
      'UMETER',
    ]);
  });
});

const PROVIDERS: ProviderName[] = ['OPENVOLT', 'UMETER', 'ENERKEY', 'INTELLIMETER'];
const bucket = fc.oneof(
  fc.constant(missing),
  fc.integer({ min: 0, max: 1_000_000 }).map((wh) => measured(wh / 1000)),
  fc.integer({ min: 0, max: 1_000_000 }).map((wh) => estimated(wh / 1000)),
);
const sourcesOf = (count: number) =>
  fc
    .uniqueArray(fc.constantFrom(...PROVIDERS), { minLength: 1, maxLength: PROVIDERS.length })
    .chain((providers) =>
      fc.tuple(
        ...providers.map((provider) => fc.array(bucket, { minLength: count, maxLength: count }).map((buckets) => ({ provider, buckets }))),
      ),
    );
const policy = fc.constantFrom(MergePolicy.BEST_QUALITY, MergePolicy.PRIORITY);
const plain = ({ value, quality }: BucketValue) => ({ value, quality });

describe('mergeSeries properties', () => {
  it('returns a single source unchanged, each value its own', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 48 }), policy, (count, chosen) => {
        fc.assert(
          fc.property(fc.array(bucket, { minLength: count, maxLength: count }), (buckets) => {
            const merged = mergeSeries([{ provider: 'UMETER', buckets }], count, chosen);
            expect(merged.buckets.map(plain)).toEqual(buckets);
            expect(merged.buckets.every(({ source, quality }) => source === (quality === MISSING ? null : 'UMETER'))).toBe(true);
          }),
          { numRuns: 5 },
        );
      }),
      { numRuns: 20 },
    );
  });

  it('is idempotent: merging the merged series with its sources again, or the sources twice, changes no bucket', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 24 }).chain((count) => fc.tuple(fc.constant(count), sourcesOf(count))),
        policy,
        ([count, sources], chosen) => {
          const once = mergeSeries(sources, count, chosen);
          const again = mergeSeries([{ provider: sources[0]!.provider, buckets: once.buckets }, ...sources], count, chosen);
          expect(again.buckets.map(plain)).toEqual(once.buckets.map(plain));
          expect(mergeSeries([...sources, ...sources], count, chosen).buckets).toEqual(once.buckets);
        },
      ),
    );
  });

  it('takes every value from a source that has that bucket, and leaves a bucket MISSING only when every source does', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 24 }).chain((count) => fc.tuple(fc.constant(count), sourcesOf(count))),
        policy,
        ([count, sources], chosen) => {
          const { buckets, filled } = mergeSeries(sources, count, chosen);
          let expectedFilled = 0;
          buckets.forEach((merged, index) => {
            const had = sources.filter(({ buckets: own }) => own[index]!.quality !== MISSING);
            if (merged.source === null) expect(had).toEqual([]);
            else expect(plain(sources.find(({ provider }) => provider === merged.source)!.buckets[index]!)).toEqual(plain(merged));
            if (had.length > 0 && had.length < sources.length) expectedFilled += 1;
          });
          expect(filled).toBe(expectedFilled);
        },
      ),
    );
  });
});
