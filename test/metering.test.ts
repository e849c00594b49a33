import { describe, expect, it } from 'vitest';
import { SHARED_METERING_POINTS } from '../shared/simulator/index.js';
import { DAYS, meteringStack, providerPartsQuery } from './support/metering.js';

/**
 * The metering composite (issue 24) through the gateway: one series per connection merged from the
 * providers that know it, each value with its source, built from the provider subgraphs' own answers
 * (asked over HTTP, batched: no upstream call beyond what each provider's part costs alone), partial
 * and flagged when a provider fails, and refused before any call when the input is bad.
 */

const { officeEan, schoolEan, testMpan } = SHARED_METERING_POINTS;
/** 2 November 2026 by Dutch hour. */
const HOURS = { ...DAYS, to: '2026-11-03T00:00:00+01:00', resolution: 'HOUR' };

const metering = meteringStack();
const { ok, upstreamCalls } = metering;

const MERGED = /* GraphQL */ `
  query Merged($id: ID!, $range: ReadingRange!, $sources: [Provider!], $policy: MergePolicy) {
    meteringPoint(id: $id) {
      consumption(range: $range, sources: $sources, policy: $policy) {
        total
        count
        missing
        filled
        partial
        values
        sources
        readings {
          start
          end
          value
          quality
          source
        }
        contributions {
          provider
          status
          meterIds
          total
          missing
          chosen
          code
        }
      }
    }
  }
`;

describe('MeteringPoint.consumption', () => {
  it('merges every provider that knows the connection; each value says its source, and the total is the sum of the buckets', async () => {
    const { meteringPoint } = await ok(MERGED, { id: officeEan, range: HOURS });
    const series = meteringPoint.consumption;
    expect(series.count).toBe(24);
    expect(series.contributions.map(({ provider }: { provider: string }) => provider)).toEqual([
      'OPENVOLT',
      'UMETER',
      'ENERKEY',
      'INTELLIMETER',
    ]);
    expect(series.contributions.every(({ status }: { status: string }) => status === 'OK')).toBe(true);
    // BEST_QUALITY with every provider MEASURED: the configured priority (Openvolt first) wins every tie.
    expect(new Set(series.sources)).toEqual(new Set(['OPENVOLT']));
    expect(series.readings.map(({ source }: { source: string }) => source)).toEqual(series.sources);
    const sum = series.values.reduce((total: number, value: number) => total + value, 0);
    expect(series.total).toBeCloseTo(sum, 9);
    expect(series.contributions[0].chosen).toBe(24);
  });

  it('returns one source’s own series unchanged when it is the only one asked for', async () => {
    const own = await ok(
      `query Own($range: ReadingRange!) { umeterConnection(ean: "${officeEan}") { consumption(range: $range) { total values readings { quality } } } }`,
      { range: DAYS },
    );
    const { meteringPoint } = await ok(MERGED, { id: officeEan, range: DAYS, sources: ['UMETER'] });
    expect(meteringPoint.consumption.values).toEqual(own.umeterConnection.consumption.values);
    expect(meteringPoint.consumption.total).toBe(own.umeterConnection.consumption.total);
    expect(meteringPoint.consumption.sources).toEqual(['UMETER', 'UMETER', 'UMETER']);
  });

  it('PRIORITY takes the first provider in sources that has the bucket', async () => {
    const { meteringPoint } = await ok(MERGED, { id: officeEan, range: DAYS, sources: ['INTELLIMETER', 'OPENVOLT'], policy: 'PRIORITY' });
    expect(meteringPoint.consumption.sources).toEqual(['INTELLIMETER', 'INTELLIMETER', 'INTELLIMETER']);
    expect(meteringPoint.consumption.contributions.map(({ provider }: { provider: string }) => provider)).toEqual([
      'INTELLIMETER',
      'OPENVOLT',
    ]);
  });

  it('asks each provider subgraph once for all the metering points of a request: no upstream call beyond each provider’s part alone', async () => {
    const merged = await upstreamCalls(() =>
      ok(
        `query Two($range: ReadingRange!) {
        office: meteringPoint(id: "${officeEan}") { consumption(range: $range) { total } }
        school: meteringPoint(id: "${schoolEan}") { consumption(range: $range) { total } }
      }`,
        { range: DAYS },
      ),
    );
    const alone = await upstreamCalls(() => ok(providerPartsQuery([officeEan, schoolEan]), { range: DAYS }));
    expect(Object.values(merged).every((calls) => calls > 0)).toBe(true);
    expect(merged).toEqual(alone);
  });

  it('refuses bad input with BAD_USER_INPUT before any upstream call', async () => {
    const calls = await upstreamCalls(async () => {
      const backwards = await metering.stack.query(MERGED, { id: officeEan, range: { ...DAYS, from: DAYS.to, to: DAYS.from } });
      expect(backwards.errors.map(({ extensions }) => extensions?.code)).toEqual(['BAD_USER_INPUT']);
      const volue = await metering.stack.query(MERGED, { id: officeEan, range: DAYS, sources: ['VOLUE'] });
      expect(volue.errors.map(({ extensions }) => [extensions?.code, extensions?.field])).toEqual([['BAD_USER_INPUT', 'sources']]);
    });
    expect(calls).toEqual({ openvolt: 0, umeter: 0, enerkey: 0, intellimeter: 0 });
  });

  it('leaves out a provider that cannot serve the resolution, without an error', async () => {
    // EnerKey records hours: it refuses half hours, and the rest merge.
    const { meteringPoint } = await ok(MERGED, { id: officeEan, range: { ...HOURS, resolution: 'HALF_HOUR' } });
    const enerkey = meteringPoint.consumption.contributions.find(({ provider }: { provider: string }) => provider === 'ENERKEY');
    expect(enerkey).toMatchObject({ status: 'REFUSED', code: 'BAD_USER_INPUT', total: null });
    expect(meteringPoint.consumption).toMatchObject({ count: 48, missing: 0, partial: false });
  });

  it('merges the others when one provider fails: flagged, with the provider’s coded error at the field, never blank', async () => {
    const healthy = await ok(MERGED, { id: officeEan, range: DAYS, sources: ['OPENVOLT'] });
    metering.stack.simulator('umeter').setFaults({ errorRate: 1 });
    const { data, errors } = await metering.stack.query(MERGED, { id: officeEan, range: DAYS });
    const series = data.meteringPoint.consumption;
    expect(series.partial).toBe(true);
    expect(series.values).toEqual(healthy.meteringPoint.consumption.values);
    expect(series.contributions.find(({ provider }: { provider: string }) => provider === 'UMETER')).toMatchObject({
      status: 'FAILED',
      total: null,
    });
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({
      path: ['meteringPoint', 'consumption'],
      extensions: { code: 'UPSTREAM_UNAVAILABLE', provider: 'UMETER' },
    });
  });

  it('merges a connection registered twice at one provider as one source', async () => {
    const { meteringPoint } = await ok(MERGED, { id: testMpan, range: DAYS, sources: ['OPENVOLT'] });
    const [openvolt] = meteringPoint.consumption.contributions;
    expect(openvolt.meterIds).toHaveLength(2);
    expect(openvolt.total).toBe(meteringPoint.consumption.total);
  });
});

describe('MeteringPoint.production', () => {
  it('is the export of the providers that report it, and null where none knows the connection', async () => {
    const data = await ok(
      `query Export($range: ReadingRange!) {
      school: meteringPoint(id: "${schoolEan}") { production(range: $range) { total sources contributions { provider } } }
      mpan: meteringPoint(id: "${testMpan}") { production(range: $range) { total } }
      own: umeterConnection(ean: "${schoolEan}") { production(range: $range) { total } }
    }`,
      { range: DAYS },
    );
    expect(data.school.production.contributions).toEqual([{ provider: 'UMETER' }]);
    expect(data.school.production.total).toBe(data.own.production.total);
    expect(data.mpan.production).toBeNull();
  });
});

describe('MeteringPoint.discrepancies', () => {
  const REPORT = /* GraphQL */ `
    query Disagree($id: ID!, $range: ReadingRange!, $tolerance: DiscrepancyTolerance) {
      meteringPoint(id: $id) {
        discrepancies(range: $range, tolerance: $tolerance) {
          buckets {
            start
            end
            values {
              provider
              value
            }
            difference
            relativeDifference
          }
          totals {
            provider
            total
            missing
          }
          partial
        }
      }
    }
  `;

  it('lists the buckets two providers both measured differently, with both values and each provider’s total', async () => {
    // The school's UMeter import is its load less its solar output; Openvolt (Kenter) reads the load.
    const { meteringPoint } = await ok(REPORT, { id: schoolEan, range: HOURS, tolerance: { absolute: 0.001 } });
    const report = meteringPoint.discrepancies;
    expect(report.buckets.length).toBeGreaterThan(0);
    for (const bucket of report.buckets) {
      const byProvider = Object.fromEntries(
        bucket.values.map(({ provider, value }: { provider: string; value: number }) => [provider, value]),
      );
      expect(bucket.values.length).toBeGreaterThanOrEqual(2);
      const values = Object.values(byProvider) as number[];
      expect(bucket.difference).toBeCloseTo(Math.max(...values) - Math.min(...values), 9);
      expect(bucket.difference).toBeGreaterThan(0.001);
    }
    expect(report.totals.map(({ provider }: { provider: string }) => provider)).toEqual(['OPENVOLT', 'UMETER', 'ENERKEY', 'INTELLIMETER']);
    expect(report.partial).toBe(false);
  });

  it('finds none among providers that agree (Openvolt and UMeter read the office’s one load)', async () => {
    const { meteringPoint } = await ok(REPORT, { id: officeEan, range: HOURS });
    const between = meteringPoint.discrepancies.buckets.filter(
      ({ values }: { values: Array<{ provider: string }> }) =>
        values.some(({ provider }) => provider === 'OPENVOLT') &&
        values.some(({ provider }) => provider === 'UMETER') &&
        values.length === 2,
    );
    expect(between).toEqual([]);
    const [openvolt, umeter] = meteringPoint.discrepancies.totals;
    expect(openvolt.total).toBe(umeter.total);
  });

  it('refuses a negative tolerance', async () => {
    const { errors } = await metering.stack.query(REPORT, { id: officeEan, range: HOURS, tolerance: { relative: -0.1 } });
    expect(errors.map(({ extensions }) => [extensions?.code, extensions?.field])).toEqual([['BAD_USER_INPUT', 'tolerance.relative']]);
  });
});
