import { gql } from 'graphql-request';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { SHARED_METERING_POINTS } from '../shared/simulator/index.js';
import type { UmeterSimulator } from '../subgraphs/umeter/simulator/index.js';
import { startStack, type TestStack } from './support/stack.js';

/** The UMeter subgraph as a user sees it: through the gateway, against the simulator. */

const { officeEan: OFFICE, schoolEan: SCHOOL, homeEan: HOME, depotEan: DEPOT } = SHARED_METERING_POINTS;

interface Series {
  resolution: string;
  nativeResolution: string;
  timeZone: string;
  from: string;
  to: string;
  total: number;
  count: number;
  missing: number;
  readings: Array<{ start: string; end: string; value: number | null; quality: string }>;
}

let stack: TestStack;

beforeAll(async () => {
  stack = await startStack();
});
afterAll(async () => {
  await stack?.stop();
});
beforeEach(() => {
  simulator().reset();
});

function simulator(): UmeterSimulator {
  return stack.simulator<UmeterSimulator>('umeter');
}

function calls(method: string, route: string): number {
  return simulator().callCount(method, route);
}

function query<T = Record<string, any>>(document: string, variables?: Record<string, unknown>) {
  return stack.query<T>(document, variables);
}

const SERIES_FIELDS = `resolution nativeResolution timeZone from to total count missing readings { start end value quality }`;

const CONSUMPTION = gql`
  query Consumption($ean: String!, $range: ReadingRange!) {
    umeterConnection(ean: $ean) {
      ean
      consumption(range: $range) { ${SERIES_FIELDS} }
    }
  }
`;

const PRODUCTION = gql`
  query Production($ean: String!, $range: ReadingRange!) {
    umeterConnection(ean: $ean) {
      production(range: $range) { ${SERIES_FIELDS} }
    }
  }
`;

function amsterdamDay(day: string, resolution: string) {
  const [from, to] = {
    '2026-03-29': ['2026-03-29T00:00:00+01:00', '2026-03-30T00:00:00+02:00'],
    '2026-10-25': ['2026-10-25T00:00:00+02:00', '2026-10-26T00:00:00+01:00'],
  }[day]!;
  return { from, to, resolution, timeZone: 'Europe/Amsterdam' };
}

async function consumption(ean: string, range: Record<string, unknown>): Promise<Series> {
  const { data, errors } = await query<{ umeterConnection: { consumption: Series } }>(CONSUMPTION, { ean, range });
  expect(errors).toEqual([]);
  return data.umeterConnection.consumption;
}

function sum(values: Array<number | null>): number {
  return Math.round(values.reduce<number>((total, value) => total + (value ?? 0), 0) * 1000) / 1000;
}

describe('umeterCustomer', () => {
  it('lists the logged-in customer with its addresses and their EAN connections', async () => {
    const { data, errors } = await query<{
      umeterCustomer: {
        id: string;
        email: string;
        addresses: Array<{
          id: string;
          title: string;
          city: string;
          supplier: string;
          connection: { ean: string } | null;
          devices: Array<{ id: string; type: string }>;
        }>;
        connections: Array<{ id: string; ean: string; provider: string; meterPointId: string; pricePeak: number; address: { id: string } }>;
      };
    }>(gql`
      {
        umeterCustomer {
          id
          email
          addresses {
            id
            title
            city
            supplier
            connection {
              ean
            }
            devices {
              id
              type
            }
          }
          connections {
            id
            ean
            provider
            meterPointId
            pricePeak
            address {
              id
            }
          }
        }
      }
    `);
    expect(errors).toEqual([]);
    const customer = data.umeterCustomer;
    expect(customer.email).toBe('facilities@gridgraph.example');
    expect(customer.addresses.map((address) => address.connection?.ean)).toEqual([OFFICE, SCHOOL, HOME, DEPOT]);
    expect(customer.addresses[0]!.devices).toEqual([{ id: OFFICE, type: 'mainelec' }]);
    expect(customer.connections.map((connection) => connection.ean)).toEqual([OFFICE, SCHOOL, HOME, DEPOT]);
    for (const connection of customer.connections) {
      expect(connection).toMatchObject({ id: connection.ean, provider: 'UMETER', meterPointId: connection.ean });
    }
    expect(customer.connections.map((connection) => connection.address.id)).toEqual(customer.addresses.map((address) => address.id));
    // One customer call serves the whole query.
    expect(calls('GET', '/api/customer')).toBe(1);
  });
});

describe('consumption and production', () => {
  it('has 92 quarter hours on 2026-03-29 in Europe/Amsterdam (clocks go forward)', async () => {
    const series = await consumption(OFFICE, amsterdamDay('2026-03-29', 'QUARTER_HOUR'));
    expect(series.count).toBe(92);
    expect(series.readings).toHaveLength(92);
    expect(series.missing).toBe(0);
    expect(series.nativeResolution).toBe('QUARTER_HOUR');
    expect(series.readings[0]!.start).toBe('2026-03-28T23:00:00.000Z');
    expect(series.readings.at(-1)!.end).toBe('2026-03-29T22:00:00.000Z');
    // 01:45 local (+01:00) is followed by 03:00 local (+02:00): one quarter hour apart in UTC.
    expect(series.readings[7]!.start).toBe('2026-03-29T00:45:00.000Z');
    expect(series.readings[8]!.start).toBe('2026-03-29T01:00:00.000Z');
    expect(calls('GET', '/api/v2/measurements/date/:period')).toBe(1);
  });

  it('has 100 quarter hours on 2026-10-25 in Europe/Amsterdam (the repeated hour counts twice)', async () => {
    const series = await consumption(OFFICE, amsterdamDay('2026-10-25', 'QUARTER_HOUR'));
    expect(series.count).toBe(100);
    expect(series.missing).toBe(0);
    expect(series.readings[0]!.start).toBe('2026-10-24T22:00:00.000Z');
    expect(series.readings.at(-1)!.end).toBe('2026-10-25T23:00:00.000Z');
    // Quarter hours follow each other without overlap or hole through both 02:00–03:00 hours.
    for (let i = 1; i < series.readings.length; i++) expect(series.readings[i]!.start).toBe(series.readings[i - 1]!.end);
  });

  it('agrees across routes: the day from /month equals the sum of its quarter hours from /date', async () => {
    const quarters = await consumption(SCHOOL, amsterdamDay('2026-10-25', 'QUARTER_HOUR'));
    const day = await consumption(SCHOOL, amsterdamDay('2026-10-25', 'DAY'));
    expect(day.nativeResolution).toBe('DAY');
    expect(day.count).toBe(1);
    expect(day.readings[0]!.value).toBeCloseTo(sum(quarters.readings.map((reading) => reading.value)), 6);
    expect(calls('GET', '/api/v2/measurements/month/:period')).toBe(1);
  });

  it('serves a year at MONTH with one year call, and the months add up to the year', async () => {
    const range = { from: '2025-01-01T00:00:00+01:00', to: '2026-01-01T00:00:00+01:00', timeZone: 'Europe/Amsterdam' };
    const months = await consumption(HOME, { ...range, resolution: 'MONTH' });
    expect(months.count).toBe(12);
    expect(months.nativeResolution).toBe('MONTH');
    expect(calls('GET', '/api/v2/measurements/year/:period')).toBe(1);
    expect(calls('GET', '/api/v2/measurements/month/:period')).toBe(0);
    expect(calls('GET', '/api/v2/measurements/date/:period')).toBe(0);
    const year = await consumption(HOME, { ...range, resolution: 'YEAR' });
    expect(year.readings[0]!.value).toBeCloseTo(months.total, 3);
  });

  it('reports export as production: the school with solar panels exports, the office does not', async () => {
    const range = { from: '2026-06-01T00:00:00+02:00', to: '2026-07-01T00:00:00+02:00', resolution: 'DAY', timeZone: 'Europe/Amsterdam' };
    const school = await query<{ umeterConnection: { production: Series } }>(PRODUCTION, { ean: SCHOOL, range });
    const office = await query<{ umeterConnection: { production: Series } }>(PRODUCTION, { ean: OFFICE, range });
    expect(school.errors).toEqual([]);
    expect(school.data.umeterConnection.production.count).toBe(30);
    expect(school.data.umeterConnection.production.total).toBeGreaterThan(0);
    expect(office.data.umeterConnection.production.total).toBe(0);
  });
});

describe('batching', () => {
  it('one month of every connection’s consumption and production costs one measurement call for all EANs', async () => {
    const range = { from: '2026-11-01T00:00:00+01:00', to: '2026-12-01T00:00:00+01:00', resolution: 'DAY', timeZone: 'Europe/Amsterdam' };
    const { data, errors } = await query<{
      umeterCustomer: { connections: Array<{ ean: string; consumption: Series; production: Series }> };
    }>(
      gql`
        query Month($range: ReadingRange!) {
          umeterCustomer {
            connections {
              ean
              consumption(range: $range) {
                count
                total
              }
              production(range: $range) {
                count
              }
            }
          }
        }
      `,
      { range },
    );
    expect(errors).toEqual([]);
    expect(data.umeterCustomer.connections).toHaveLength(4);
    for (const connection of data.umeterCustomer.connections) {
      expect(connection.consumption.count).toBe(30);
      expect(connection.consumption.total).toBeGreaterThan(0);
      expect(connection.production.count).toBe(30);
    }
    expect(calls('GET', '/api/v2/measurements/month/:period')).toBe(1);
    expect(calls('GET', '/api/customer')).toBe(1);
    expect(calls('GET', '/api/v2/measurements/date/:period') + calls('GET', '/api/v2/measurements/year/:period')).toBe(0);
  });

  it('a range over two months asks for each month once, for all EANs together', async () => {
    const range = { from: '2025-11-20T00:00:00+01:00', to: '2025-12-10T00:00:00+01:00', resolution: 'WEEK', timeZone: 'Europe/Amsterdam' };
    const { errors } = await query(
      gql`
        query Weeks($range: ReadingRange!) {
          umeterCustomer {
            connections {
              consumption(range: $range) {
                count
              }
            }
          }
        }
      `,
      { range },
    );
    expect(errors).toEqual([]);
    // Widened to whole ISO weeks: 2025-11-17 to 2025-12-15, still two months.
    expect(calls('GET', '/api/v2/measurements/month/:period')).toBe(2);
  });
});

describe('usage (P4)', () => {
  const USAGE = gql`
    query Usage($ean: String!, $from: String!, $to: String!) {
      umeterConnection(ean: $ean) {
        usage(from: $from, to: $to) {
          from
          to
          resolution
          totalCostEur
          dataSource
          usageKwh {
            importLow
            importNormal
            exportLow
            exportNormal
            importTotal
            exportTotal
          }
          costEur {
            importLow
            importNormal
          }
          intervals {
            start
            end
            usageKwh {
              importLow
              importNormal
              exportTotal
            }
            totalCostEur
          }
        }
      }
    }
  `;

  interface Usage {
    from: string;
    to: string;
    resolution: string;
    totalCostEur: number;
    dataSource: string;
    usageKwh: Record<string, number>;
    costEur: Record<string, number>;
    intervals: Array<{ start: string; end: string; usageKwh: Record<string, number>; totalCostEur: number }>;
  }

  it('gives per-register kWh and cost by quarter hour for one day, 92 on the spring DST day', async () => {
    const { data, errors } = await query<{ umeterConnection: { usage: Usage } }>(USAGE, {
      ean: SCHOOL,
      from: '2026-03-29',
      to: '2026-03-30',
    });
    expect(errors).toEqual([]);
    const usage = data.umeterConnection.usage;
    expect(usage.from).toBe('2026-03-28T23:00:00.000Z');
    expect(usage.to).toBe('2026-03-29T22:00:00.000Z');
    expect(usage.resolution).toBe('QUARTER_HOUR');
    expect(usage.intervals).toHaveLength(92);
    expect(usage.dataSource).toBe('Netbeheerder');
    // A Sunday: all of it on the low tariff.
    expect(usage.usageKwh.importNormal).toBe(0);
    expect(usage.usageKwh.importLow).toBeCloseTo(sum(usage.intervals.map((interval) => interval.usageKwh.importLow!)), 1);
    expect(usage.usageKwh.importTotal).toBeCloseTo(usage.usageKwh.importLow! + usage.usageKwh.importNormal!, 6);
    expect(usage.totalCostEur).toBeCloseTo(sum(usage.intervals.map((interval) => interval.totalCostEur)), 1);
    expect(calls('GET', '/api/P4/:ean/:from/:to')).toBe(1);
  });

  it('splits import between the normal and the low tariff on a weekday, priced at the connection’s tariffs', async () => {
    const { data, errors } = await query<{ umeterConnection: { usage: Usage; pricePeak: number } }>(USAGE, {
      ean: OFFICE,
      from: '2026-11-09',
      to: '2026-11-16',
    });
    expect(errors).toEqual([]);
    const usage = data.umeterConnection.usage;
    expect(usage.resolution).toBe('DAY');
    expect(usage.intervals).toHaveLength(7);
    expect(usage.usageKwh.importNormal).toBeGreaterThan(0);
    expect(usage.usageKwh.importLow).toBeGreaterThan(0);
    expect(usage.costEur.importNormal! / usage.usageKwh.importNormal!).toBeCloseTo(0.26119, 3);
  });
});

describe('the metering point join', () => {
  it('meteringPoint(id: EAN) has the UMeter connection, and the connection points back', async () => {
    const { data, errors } = await query<{
      meteringPoint: { id: string; umeterConnection: { ean: string; meteringPoint: { id: string } } | null };
      unknown: { umeterConnection: null };
    }>(
      gql`
        query Join($id: ID!) {
          meteringPoint(id: $id) {
            id
            umeterConnection {
              ean
              meteringPoint {
                id
              }
            }
          }
          unknown: meteringPoint(id: "9999999999999") {
            umeterConnection {
              ean
            }
          }
        }
      `,
      { id: HOME },
    );
    expect(errors).toEqual([]);
    expect(data.meteringPoint.umeterConnection).toEqual({ ean: HOME, meteringPoint: { id: HOME } });
    expect(data.unknown.umeterConnection).toBeNull();
  });
});

describe('bad input', () => {
  it('an EAN that is not 18 digits is BAD_USER_INPUT, without an upstream call', async () => {
    const { data, errors } = await query<{ umeterConnection: null }>(CONSUMPTION, {
      ean: '87168712000000001',
      range: amsterdamDay('2026-03-29', 'DAY'),
    });
    expect(data.umeterConnection).toBeNull();
    expect(errors[0]!.extensions).toMatchObject({ code: 'BAD_USER_INPUT', provider: 'UMETER', field: 'ean' });
    expect(errors[0]!.message).toMatch(/exactly 18 digits/);
    expect(simulator().stats().total).toBe(0);
  });

  it('an EAN the customer does not have is NOT_FOUND', async () => {
    const { data, errors } = await query<{ umeterConnection: null }>(gql`
      {
        umeterConnection(ean: "871687129999999999") {
          ean
        }
      }
    `);
    expect(data.umeterConnection).toBeNull();
    expect(errors[0]!.extensions).toMatchObject({ code: 'NOT_FOUND', provider: 'UMETER' });
    expect(errors[0]!.message).toMatch(/no connection with EAN 871687129999999999/);
  });

  it('quarter hours beyond 31 days, and days beyond 366, are BAD_USER_INPUT naming the limit', async () => {
    const quarterHours = await query(CONSUMPTION, {
      ean: OFFICE,
      range: {
        from: '2026-01-01T00:00:00+01:00',
        to: '2026-03-01T00:00:00+01:00',
        resolution: 'QUARTER_HOUR',
        timeZone: 'Europe/Amsterdam',
      },
    });
    expect(quarterHours.errors[0]!.extensions).toMatchObject({ code: 'BAD_USER_INPUT', maxSpanDays: 31 });
    const days = await query(CONSUMPTION, {
      ean: OFFICE,
      range: { from: '2025-01-01T00:00:00+01:00', to: '2026-03-01T00:00:00+01:00', resolution: 'DAY', timeZone: 'Europe/Amsterdam' },
    });
    expect(days.errors[0]!.extensions).toMatchObject({ code: 'BAD_USER_INPUT', maxSpanDays: 366 });
    expect(calls('GET', '/api/v2/measurements/month/:period')).toBe(0);
  });

  it('five-minute readings are refused: UMeter measures quarter hours', async () => {
    const { errors } = await query(CONSUMPTION, { ean: OFFICE, range: amsterdamDay('2026-03-29', 'FIVE_MINUTES') });
    expect(errors[0]!.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'range.resolution' });
  });

  it('days cut in UTC fall back to quarter hours (Dutch days do not line up with them)', async () => {
    const series = await consumption(OFFICE, {
      from: '2026-11-09T00:00:00Z',
      to: '2026-11-11T00:00:00Z',
      resolution: 'DAY',
      timeZone: 'UTC',
    });
    expect(series.nativeResolution).toBe('QUARTER_HOUR');
    expect(series.count).toBe(2);
    expect(series.missing).toBe(0);
    // Dutch days 9, 10 and 11 November cover the two UTC days.
    expect(calls('GET', '/api/v2/measurements/date/:period')).toBe(3);
  });

  it('a usage period beyond 366 days, or with to not after from, is BAD_USER_INPUT', async () => {
    const USAGE = gql`
      query Usage($from: String!, $to: String!) {
        umeterConnection(ean: "${OFFICE}") {
          usage(from: $from, to: $to) {
            totalCostEur
          }
        }
      }
    `;
    const long = await query(USAGE, { from: '2025-01-01', to: '2026-03-01' });
    expect(long.errors[0]!.extensions).toMatchObject({ code: 'BAD_USER_INPUT', maxSpanDays: 366 });
    const backwards = await query(USAGE, { from: '2026-03-01', to: '2026-03-01' });
    expect(backwards.errors[0]!.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'to' });
    const notADate = await query(USAGE, { from: '1 March', to: '2026-03-02' });
    expect(notADate.errors[0]!.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'from' });
    expect(calls('GET', '/api/P4/:ean/:from/:to')).toBe(0);
  });
});

describe('tokens', () => {
  it('a token that expires mid-run is renewed once and the query still succeeds', async () => {
    const range = amsterdamDay('2026-03-29', 'DAY');
    await consumption(OFFICE, range);
    const logins = calls('POST', '/token');
    simulator().expireTokens();
    const series = await consumption(SCHOOL, range);
    expect(series.count).toBe(1);
    expect(series.missing).toBe(0);
    // The first call of the request (the customer) is refused, then one new login and the same call again;
    // the measurement call that follows uses the new token.
    expect(calls('POST', '/token')).toBe(logins + 1);
    expect(calls('GET', '/api/customer')).toBe(3);
    expect(calls('GET', '/api/v2/measurements/month/:period')).toBe(2);
  });
});
