import { describe, expect, it } from 'vitest';
import { MAX_METERING_POINTS } from '../shared/graph/metering-point.js';
import { SHARED_METERING_POINTS } from '../shared/simulator/index.js';
import { DAYS, meteringStack, providerPartsQuery } from './support/metering.js';

/**
 * Portfolio totals (issue 24) through the gateway: the shared root `meteringPoints(ids)`, and
 * `meteringPointsConsumption`, one series and total for a set of connections — each merged as
 * `MeteringPoint.consumption` is, summed bucket by bucket, MISSING wherever any connection's bucket is,
 * at no upstream cost beyond each connection's parts, partial and flagged when a provider fails.
 */

const { officeEan, schoolEan, testMpan } = SHARED_METERING_POINTS;
/** A metering point id no provider knows. */
const UNKNOWN = '871687199999999999';

const metering = meteringStack();
const { ok, upstreamCalls } = metering;

const PORTFOLIO = /* GraphQL */ `
  query Portfolio($ids: [ID!]!, $range: ReadingRange!, $sources: [Provider!]) {
    meteringPointsConsumption(ids: $ids, range: $range, sources: $sources) {
      total
      count
      missing
      values
      partial
      readings {
        value
        quality
      }
      connections {
        meteringPoint {
          id
        }
        series {
          total
          values
          contributions {
            provider
            status
          }
        }
      }
    }
  }
`;

const MERGED = /* GraphQL */ `
  query Merged($id: ID!, $range: ReadingRange!) {
    meteringPoint(id: $id) {
      consumption(range: $range) {
        values
        readings {
          quality
        }
      }
    }
  }
`;

describe('meteringPoints(ids)', () => {
  it('answers each metering point as meteringPoint(id) does, in the order given, a repeated id once', async () => {
    const { meteringPoints } = await ok(
      `query ($ids: [ID!]!) { meteringPoints(ids: $ids) { id openvoltMeters { id } umeterConnection { ean } } }`,
      { ids: [schoolEan, ` ${officeEan} `, schoolEan] },
    );
    expect(meteringPoints.map(({ id }: { id: string }) => id)).toEqual([schoolEan, officeEan]);
    const { meteringPoint } = await ok(`query ($id: ID!) { meteringPoint(id: $id) { openvoltMeters { id } umeterConnection { ean } } }`, {
      id: officeEan,
    });
    expect(meteringPoints[1]).toEqual({ id: officeEan, ...meteringPoint });
  });
});

describe('meteringPointsConsumption', () => {
  it('sums the connections’ merged series bucket by bucket; the total is the sum of the buckets', async () => {
    const portfolio = (await ok(PORTFOLIO, { ids: [officeEan, schoolEan], range: DAYS })).meteringPointsConsumption;
    const office = (await ok(MERGED, { id: officeEan, range: DAYS })).meteringPoint.consumption;
    const school = (await ok(MERGED, { id: schoolEan, range: DAYS })).meteringPoint.consumption;
    expect(portfolio).toMatchObject({ count: 3, missing: 0, partial: false });
    expect(portfolio.connections.map(({ meteringPoint }: { meteringPoint: { id: string } }) => meteringPoint.id)).toEqual([
      officeEan,
      schoolEan,
    ]);
    expect(portfolio.connections[0].series.values).toEqual(office.values);
    expect(portfolio.connections[1].series.values).toEqual(school.values);
    portfolio.values.forEach((value: number, index: number) => expect(value).toBeCloseTo(office.values[index] + school.values[index], 9));
    const sum = portfolio.values.reduce((total: number, value: number) => total + value, 0);
    expect(portfolio.total).toBeCloseTo(sum, 9);
    expect(portfolio.total).toBeGreaterThan(0);
  });

  it('is the same whatever the order of the ids, and counts a repeated id once', async () => {
    const forwards = (await ok(PORTFOLIO, { ids: [officeEan, schoolEan, testMpan], range: DAYS })).meteringPointsConsumption;
    const backwards = (await ok(PORTFOLIO, { ids: [testMpan, schoolEan, officeEan, schoolEan], range: DAYS })).meteringPointsConsumption;
    expect(backwards.values).toEqual(forwards.values);
    expect(backwards.total).toBe(forwards.total);
    expect(backwards.connections).toHaveLength(3);
  });

  it('a single connection’s portfolio is its merged series', async () => {
    const { meteringPointsConsumption } = await ok(PORTFOLIO, { ids: [schoolEan], range: DAYS });
    const { meteringPoint } = await ok(MERGED, { id: schoolEan, range: DAYS });
    expect(meteringPointsConsumption.values).toEqual(meteringPoint.consumption.values);
    expect(meteringPointsConsumption.readings.map(({ quality }: { quality: string }) => quality)).toEqual(
      meteringPoint.consumption.readings.map(({ quality }: { quality: string }) => quality),
    );
  });

  it('is MISSING in every bucket some connection lacks: a connection no provider knows leaves nothing complete', async () => {
    const { meteringPointsConsumption } = await ok(PORTFOLIO, { ids: [officeEan, UNKNOWN], range: DAYS });
    expect(meteringPointsConsumption).toMatchObject({ count: 3, missing: 3, total: 0, values: [null, null, null] });
    expect(new Set(meteringPointsConsumption.readings.map(({ quality }: { quality: string }) => quality))).toEqual(new Set(['MISSING']));
    const [office, unknown] = meteringPointsConsumption.connections;
    expect(office.series.total).toBeGreaterThan(0);
    expect(unknown.series).toMatchObject({ contributions: [], values: [null, null, null] });
  });

  it('asks each provider subgraph once for all the connections: no upstream call beyond their parts asked alone', async () => {
    const ids = [officeEan, schoolEan, testMpan];
    const portfolio = await upstreamCalls(() => ok(PORTFOLIO, { ids, range: DAYS }));
    const alone = await upstreamCalls(() => ok(providerPartsQuery(ids), { range: DAYS }));
    expect(Object.values(portfolio).every((calls) => calls > 0)).toBe(true);
    expect(portfolio).toEqual(alone);
  });

  it('sums the others’ values when a provider fails: flagged, its coded error once at the field, never blank', async () => {
    const withoutUmeter = (
      await ok(PORTFOLIO, { ids: [officeEan, schoolEan], range: DAYS, sources: ['OPENVOLT', 'ENERKEY', 'INTELLIMETER'] })
    ).meteringPointsConsumption;
    metering.stack.simulator('umeter').setFaults({ errorRate: 1 });
    const { data, errors } = await metering.stack.query(PORTFOLIO, { ids: [officeEan, schoolEan], range: DAYS });
    const portfolio = data.meteringPointsConsumption;
    expect(portfolio.partial).toBe(true);
    expect(portfolio.values).toEqual(withoutUmeter.values);
    for (const { series } of portfolio.connections) {
      expect(series.contributions.find(({ provider }: { provider: string }) => provider === 'UMETER')).toMatchObject({ status: 'FAILED' });
    }
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({
      path: ['meteringPointsConsumption'],
      extensions: { code: 'UPSTREAM_UNAVAILABLE', provider: 'UMETER' },
    });
  });

  it('refuses more ids than the bound, none at all, and bad input with BAD_USER_INPUT before any upstream call', async () => {
    const tooMany = Array.from({ length: MAX_METERING_POINTS + 1 }, (_, index) => `8716871200000${String(index).padStart(5, '0')}`);
    const calls = await upstreamCalls(async () => {
      for (const [document, variables] of [
        [PORTFOLIO, { ids: tooMany, range: DAYS }],
        [`query ($ids: [ID!]!) { meteringPoints(ids: $ids) { id openvoltMeters { id } } }`, { ids: tooMany }],
      ] as const) {
        const { errors } = await metering.stack.query(document, variables);
        expect(errors.map(({ extensions }) => [extensions?.code, extensions?.field])).toEqual([['BAD_USER_INPUT', 'ids']]);
        expect(errors[0]!.message).toContain(`at most ${MAX_METERING_POINTS}`);
      }
      const none = await metering.stack.query(PORTFOLIO, { ids: [], range: DAYS });
      expect(none.errors.map(({ extensions }) => [extensions?.code, extensions?.field])).toEqual([['BAD_USER_INPUT', 'ids']]);
      const backwards = await metering.stack.query(PORTFOLIO, { ids: [officeEan], range: { ...DAYS, from: DAYS.to, to: DAYS.from } });
      expect(backwards.errors.map(({ extensions }) => extensions?.code)).toEqual(['BAD_USER_INPUT']);
      const volue = await metering.stack.query(PORTFOLIO, { ids: [officeEan], range: DAYS, sources: ['VOLUE'] });
      expect(volue.errors.map(({ extensions }) => [extensions?.code, extensions?.field])).toEqual([['BAD_USER_INPUT', 'sources']]);
    });
    expect(calls).toEqual({ openvolt: 0, umeter: 0, enerkey: 0, intellimeter: 0 });
  });
});
