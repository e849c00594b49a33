import { readFile } from 'node:fs/promises';
import { gql } from 'graphql-request';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { SHARED_METERING_POINTS } from '../shared/simulator/index.js';
import { ENERKEY_SIMULATOR_KEYS } from '../subgraphs/enerkey/simulator/index.js';
import { SEED_METERING_POINTS } from '../subgraphs/enerkey/simulator/seed.js';
import { OPEN_WITH_ADMIN, startStack, type GraphQLErrorShape, type TestStack } from './support/stack.js';

/** The EnerKey subgraph as a user sees it: through the gateway, against the simulator. */

let stack: TestStack;

beforeAll(async () => {
  stack = await startStack(OPEN_WITH_ADMIN);
});
afterAll(async () => {
  await stack?.stop();
});
beforeEach(() => {
  stack.simulator('enerkey').reset();
});

function query<T = Record<string, any>>(document: string, variables?: Record<string, unknown>) {
  return stack.query<T>(document, variables);
}

async function ok<T = Record<string, any>>(document: string, variables?: Record<string, unknown>): Promise<T> {
  const { data, errors } = await query<T>(document, variables);
  expect(errors).toEqual([]);
  return data;
}

function calls(method: string, route: string): number {
  return stack.simulator('enerkey').callCount(method, route);
}

const codes = (errors: GraphQLErrorShape[]) => errors.map((e) => e.extensions?.code);

describe('facilities, meters, quantities', () => {
  it('lists all facilities with their properties, or only the ones asked', async () => {
    const data = await ok(gql`
      query {
        enerkeyFacilities {
          totalCount
          nodes {
            id
            name
            address {
              city
              country
            }
            properties {
              name
              value
              unit
            }
          }
        }
      }
    `);
    expect(data.enerkeyFacilities.totalCount).toBe(4);
    const office = data.enerkeyFacilities.nodes.find((f: { id: string }) => f.id === '1001');
    expect(office.address).toEqual({ city: 'Amsterdam', country: 'NL' });
    expect(office.properties).toContainEqual({ name: 'GrossArea', value: '4200', unit: 'm2' });

    const some = await ok(
      gql`
        query ($ids: [ID!]) {
          enerkeyFacilities(ids: $ids) {
            nodes {
              id
            }
          }
        }
      `,
      { ids: ['1002', '1004'] },
    );
    expect(some.enerkeyFacilities.nodes.map((f: { id: string }) => f.id)).toEqual(['1002', '1004']);
    expect(calls('GET', '/api/v1/facilities')).toBe(2);
  });

  it('gets one facility with its meters and their quantities in three calls', async () => {
    const data = await ok(gql`
      query {
        enerkeyFacility(id: "1001") {
          name
          meters {
            id
            name
            provider
            unit
            meterType
            meterPointId
            quantity {
              name
              unit
            }
            facility {
              id
            }
          }
        }
      }
    `);
    expect(data.enerkeyFacility.name).toBe('Keizersgracht Office');
    expect(data.enerkeyFacility.meters).toHaveLength(3);
    expect(data.enerkeyFacility.meters[0]).toEqual({
      id: '20001',
      name: 'Main electricity',
      provider: 'ENERKEY',
      unit: 'kWh',
      meterType: 'CONSUMPTION',
      meterPointId: SHARED_METERING_POINTS.officeEan,
      quantity: { name: 'Electricity', unit: 'kWh' },
      facility: { id: '1001' },
    });
    expect(data.enerkeyFacility.meters[1].meterType).toBe('CUMULATIVE');
    expect(calls('GET', '/api/v1/facilities')).toBe(1);
    expect(calls('GET', '/api/v1/meters')).toBe(1);
    expect(calls('GET', '/api/v1/quantities')).toBe(1);
  });

  it('unknown and malformed ids give NOT_FOUND and BAD_USER_INPUT', async () => {
    const missing = await query(gql`
      query {
        enerkeyFacility(id: "9999") {
          name
        }
      }
    `);
    expect(codes(missing.errors)).toEqual(['NOT_FOUND']);
    expect(missing.errors[0]!.message).toContain('No EnerKey facility has id 9999');
    const meter = await query(gql`
      query {
        enerkeyMeter(id: "12345") {
          name
        }
      }
    `);
    expect(codes(meter.errors)).toEqual(['NOT_FOUND']);
    const bad = await query(gql`
      query {
        enerkeyFacility(id: "abc") {
          name
        }
      }
    `);
    expect(codes(bad.errors)).toEqual(['BAD_USER_INPUT']);
  });

  it('lists meters of all facilities, of some, or by metering point', async () => {
    const all = await ok(gql`
      query {
        enerkeyMeters(first: 100) {
          totalCount
        }
      }
    `);
    expect(all.enerkeyMeters.totalCount).toBe(11);
    expect(calls('GET', '/api/v1/facilities')).toBe(1);
    expect(calls('GET', '/api/v1/meters')).toBe(1);
    const some = await ok(
      gql`
        query ($facilityIds: [ID!], $point: String) {
          byFacility: enerkeyMeters(facilityIds: $facilityIds) {
            nodes {
              id
            }
          }
          byPoint: enerkeyMeters(meteringPointId: $point) {
            nodes {
              id
              name
            }
          }
        }
      `,
      { facilityIds: ['1003'], point: SHARED_METERING_POINTS.testMpan },
    );
    expect(some.byFacility.nodes.map((m: { id: string }) => m.id)).toEqual(['20021', '20022']);
    expect(some.byPoint.nodes).toEqual([{ id: '20021', name: 'Main incomer' }]);
  });

  it('lists quantities', async () => {
    const data = await ok(gql`
      query {
        enerkeyQuantities {
          id
          name
          unit
        }
      }
    `);
    expect(data.enerkeyQuantities).toContainEqual({ id: '3', name: 'District heating', unit: 'MWh' });
  });

  it('joins through MeteringPoint: the shared EANs and MPAN', async () => {
    const data = await ok(
      gql`
        query ($office: ID!, $school: ID!, $mpan: ID!) {
          office: meteringPoint(id: $office) {
            enerkeyMeters {
              id
              meteringPoint {
                id
              }
            }
          }
          school: meteringPoint(id: $school) {
            enerkeyMeters {
              id
            }
          }
          mpan: meteringPoint(id: $mpan) {
            enerkeyMeters {
              id
            }
            openvoltMeters {
              meterNumber
            }
          }
        }
      `,
      { office: SHARED_METERING_POINTS.officeEan, school: SHARED_METERING_POINTS.schoolEan, mpan: SHARED_METERING_POINTS.testMpan },
    );
    expect(data.office.enerkeyMeters).toEqual([{ id: '20001', meteringPoint: { id: SHARED_METERING_POINTS.officeEan } }]);
    expect(data.school.enerkeyMeters).toEqual([{ id: '20011' }]);
    expect(data.mpan.enerkeyMeters).toEqual([{ id: '20021' }]);
    expect(data.mpan.openvoltMeters.length).toBeGreaterThan(0);
  });
});

const FACILITY_CONSUMPTION = gql`
  query ($id: ID!, $range: ReadingRange!) {
    enerkeyFacility(id: $id) {
      meters {
        id
        unit
        consumption(range: $range) {
          resolution
          nativeResolution
          unit
          total
          count
          missing
          readings {
            start
            value
            quality
          }
        }
      }
    }
  }
`;

describe('the metering-point mapping the simulator seeds', () => {
  it('maps the Helsinki headquarters’ main meter, which EnerKey records no metering point for; other such meters stay unmapped', async () => {
    const data = await ok(`{
      mapped: enerkeyMeter(id: "20031") { meterPointId meteringPoint { id } }
      unmapped: enerkeyMeter(id: "20032") { meterPointId meteringPoint { id } }
      finnish: meteringPoint(id: "${SEED_METERING_POINTS['20031']}") { enerkeyMeters { id } }
      enerkeyMeteringPointMappings { meterId meteringPointId source }
    }`);
    expect(data).toEqual({
      mapped: { meterPointId: SEED_METERING_POINTS['20031'], meteringPoint: { id: SEED_METERING_POINTS['20031'] } },
      unmapped: { meterPointId: null, meteringPoint: null },
      finnish: { enerkeyMeters: [{ id: '20031' }] },
      enerkeyMeteringPointMappings: [{ meterId: '20031', meteringPointId: SEED_METERING_POINTS['20031'], source: 'CONFIGURED' }],
    });
  });
});

describe('values', () => {
  it('reads the hourly values of every meter of a facility in one batched call', async () => {
    const range = { from: '2025-01-15T00:00:00Z', to: '2025-01-16T00:00:00Z', resolution: 'HOUR' };
    const data = await ok(FACILITY_CONSUMPTION, { id: '1004', range });
    const meters = data.enerkeyFacility.meters;
    expect(meters).toHaveLength(4);
    for (const meter of meters) {
      expect(meter.consumption).toMatchObject({ resolution: 'HOUR', nativeResolution: 'HOUR', count: 24, missing: 0 });
    }
    // MWh meters too are reported in the range's unit (KWH by default).
    expect(meters.map((m: { consumption: { unit: string } }) => m.consumption.unit)).toEqual(['KWH', 'KWH', 'KWH', 'KWH']);
    expect(calls('GET', '/api/v1/values/hourly')).toBe(1);
  });

  it('sums hours into local days and refuses resolutions finer than an hour', async () => {
    const day = await ok(FACILITY_CONSUMPTION, {
      id: '1003',
      range: { from: '2025-03-29T00:00:00Z', to: '2025-03-31T23:00:00Z', resolution: 'DAY', timeZone: 'Europe/London' },
    });
    const hours = await ok(FACILITY_CONSUMPTION, {
      id: '1003',
      range: { from: '2025-03-29T00:00:00Z', to: '2025-03-31T23:00:00Z', resolution: 'HOUR', timeZone: 'Europe/London' },
    });
    const daily = day.enerkeyFacility.meters[0].consumption;
    const hourly = hours.enerkeyFacility.meters[0].consumption;
    expect(daily.count).toBe(3);
    expect(hourly.count).toBe(71); // 30 March 2025 had 23 hours in London
    expect(daily.total).toBeCloseTo(hourly.total, 3);

    const fine = await query(FACILITY_CONSUMPTION, {
      id: '1003',
      range: { from: '2025-03-29T00:00:00Z', to: '2025-03-30T00:00:00Z', resolution: 'QUARTER_HOUR' },
    });
    expect(codes(fine.errors)).toContain('BAD_USER_INPUT');
  });

  it('refuses consumption of a meter that does not measure energy', async () => {
    const water = await query(
      gql`
        query ($range: ReadingRange!) {
          enerkeyMeter(id: "20003") {
            consumption(range: $range) {
              total
            }
          }
        }
      `,
      { range: { from: '2025-01-01T00:00:00Z', to: '2025-01-02T00:00:00Z', resolution: 'DAY' } },
    );
    expect(codes(water.errors)).toEqual(['BAD_USER_INPUT']);
    expect(water.errors[0]!.message).toContain('m3');
  });

  it('in a list, only a water or gas meter’s consumption is null, with its error; the energy meters answer', async () => {
    const { data, errors } = await query(
      gql`
        query ($range: ReadingRange!) {
          enerkeyMeters(first: 100) {
            nodes {
              id
              unit
              consumption(range: $range) {
                total
              }
            }
          }
        }
      `,
      { range: { from: '2025-01-01T00:00:00Z', to: '2025-01-02T00:00:00Z', resolution: 'DAY' } },
    );
    const nodes: Array<{ id: string; unit: string; consumption: { total: number } | null }> = data.enerkeyMeters.nodes;
    const energy = nodes.filter((meter) => ['kWh', 'MWh'].includes(meter.unit));
    const others = nodes.filter((meter) => !energy.includes(meter));
    expect(energy.length).toBeGreaterThan(0);
    expect(others.length).toBeGreaterThan(0);
    for (const meter of energy) expect(meter.consumption?.total, meter.id).toBeGreaterThan(0);
    for (const meter of others) expect(meter.consumption, meter.id).toBeNull();
    expect(errors.map((error) => [error.path, error.extensions?.code, error.extensions?.provider])).toEqual(
      others.map((meter) => [['enerkeyMeters', 'nodes', nodes.indexOf(meter), 'consumption'], 'BAD_USER_INPUT', 'ENERKEY']),
    );
  });

  it('monthly and normalized monthly values, batched per kind, agree with the hourly data', async () => {
    const data = await ok(
      gql`
        query ($range: ReadingRange!) {
          enerkeyFacility(id: "1001") {
            meters {
              id
              monthlyValues(from: "2025-01-10T00:00:00Z", to: "2025-03-01T00:00:00Z") {
                unit
                normalized
                values {
                  start
                  end
                  value
                }
              }
              normalizedMonthlyValues(from: "2025-01-01T00:00:00Z", to: "2025-03-01T00:00:00Z") {
                normalized
                values {
                  value
                }
              }
            }
          }
          electricity: enerkeyMeter(id: "20001") {
            consumption(range: $range) {
              readings {
                value
              }
            }
          }
        }
      `,
      { range: { from: '2025-01-01T00:00:00Z', to: '2025-03-01T00:00:00Z', resolution: 'MONTH' } },
    );
    const [electricity, heat, water] = data.enerkeyFacility.meters;
    expect(electricity.monthlyValues.values.map((v: { start: string; end: string }) => [v.start, v.end])).toEqual([
      ['2025-01-01T00:00:00.000Z', '2025-02-01T00:00:00.000Z'],
      ['2025-02-01T00:00:00.000Z', '2025-03-01T00:00:00.000Z'],
    ]);
    const monthly = electricity.monthlyValues.values.map((v: { value: number }) => v.value);
    const fromHours = data.electricity.consumption.readings.map((r: { value: number }) => r.value);
    expect(monthly[0]).toBeCloseTo(fromHours[0], 2);
    expect(monthly[1]).toBeCloseTo(fromHours[1], 2);
    expect(heat.monthlyValues.unit).toBe('MWh');
    expect(water.monthlyValues.unit).toBe('m3');
    expect(electricity.normalizedMonthlyValues.normalized).toBe(true);
    expect(electricity.normalizedMonthlyValues.values[0].value).not.toBe(monthly[0]);
    expect(calls('GET', '/api/v1/values/monthly')).toBe(1);
    expect(calls('GET', '/api/v1/values/monthly/normalized')).toBe(1);
  });
});

const PUSH = gql`
  mutation ($meterId: ID!, $values: [EnerkeyHourlyValueInput!]!) {
    pushEnerkeyConsumptions(meterId: $meterId, values: $values) {
      meterId
      unit
      hoursWritten
      from
      to
    }
  }
`;
const PUSH_CUMULATIVE = gql`
  mutation ($meterId: ID!, $readings: [EnerkeyHourlyValueInput!]!) {
    pushEnerkeyCumulativeReadings(meterId: $meterId, readings: $readings) {
      hoursWritten
      unit
    }
  }
`;
const HOURS = gql`
  query ($id: ID!, $range: ReadingRange!) {
    enerkeyMeter(id: $id) {
      consumption(range: $range) {
        missing
        readings {
          start
          value
          quality
        }
      }
    }
  }
`;

describe('push', () => {
  it('pushes hourly consumption and reads it back hour for hour', async () => {
    const values = [
      { timestamp: '2020-06-01T08:00:00Z', value: 12.5 },
      { timestamp: '2020-06-01T09:00:00+00:00', value: 14 },
      { timestamp: '2020-06-01T12:00:00+02:00', value: 3 }, // 10:00 UTC
      { timestamp: '2020-06-01T10:00:00Z', value: 1.25 }, // same hour: summed
    ];
    const pushed = await ok(PUSH, { meterId: '20001', values });
    expect(pushed.pushEnerkeyConsumptions).toEqual({
      meterId: '20001',
      unit: 'kWh',
      hoursWritten: 3,
      from: '2020-06-01T08:00:00.000Z',
      to: '2020-06-01T11:00:00.000Z',
    });
    const read = await ok(HOURS, { id: '20001', range: { from: '2020-06-01T07:00:00Z', to: '2020-06-01T12:00:00Z', resolution: 'HOUR' } });
    expect(read.enerkeyMeter.consumption.readings).toEqual([
      { start: '2020-06-01T07:00:00.000Z', value: null, quality: 'MISSING' },
      { start: '2020-06-01T08:00:00.000Z', value: 12.5, quality: 'MEASURED' },
      { start: '2020-06-01T09:00:00.000Z', value: 14, quality: 'MEASURED' },
      { start: '2020-06-01T10:00:00.000Z', value: 4.25, quality: 'MEASURED' },
      { start: '2020-06-01T11:00:00.000Z', value: null, quality: 'MISSING' },
    ]);
    expect(calls('POST', '/api/v1/values/PushConsumptionsForMeter')).toBe(1);
  });

  it('pushes cumulative readings of a MWh meter and reads the hourly steps back in kWh', async () => {
    const readings = [
      { timestamp: '2020-06-01T00:00:00Z', value: 500 },
      { timestamp: '2020-06-01T01:00:00Z', value: 500.2 },
      { timestamp: '2020-06-01T02:00:00Z', value: 500.5 },
    ];
    const pushed = await ok(PUSH_CUMULATIVE, { meterId: '20032', readings });
    expect(pushed.pushEnerkeyCumulativeReadings).toEqual({ hoursWritten: 2, unit: 'MWh' });
    const read = await ok(HOURS, { id: '20032', range: { from: '2020-06-01T00:00:00Z', to: '2020-06-01T02:00:00Z', resolution: 'HOUR' } });
    expect(read.enerkeyMeter.consumption.readings.map((r: { value: number }) => r.value)).toEqual([200, 300]);
  });

  it('refuses bad pushes with clear codes, sending nothing', async () => {
    const cases: Array<[string, string, Record<string, unknown>, string, RegExp]> = [
      [
        PUSH,
        'over 365 days',
        {
          meterId: '20001',
          values: [
            { timestamp: '2020-01-01T00:00:00Z', value: 1 },
            { timestamp: '2021-01-01T00:00:00Z', value: 1 },
          ],
        },
        'BAD_USER_INPUT',
        /at most 365 days/,
      ],
      [
        PUSH_CUMULATIVE,
        'negative step',
        {
          meterId: '20002',
          readings: [
            { timestamp: '2020-06-01T00:00:00Z', value: 10 },
            { timestamp: '2020-06-01T01:00:00Z', value: 12 },
            { timestamp: '2020-06-01T02:00:00Z', value: 11 },
          ],
        },
        'BAD_USER_INPUT',
        /never runs backwards/,
      ],
      [
        PUSH,
        'unknown meter',
        { meterId: '29999', values: [{ timestamp: '2020-06-01T08:00:00Z', value: 1 }] },
        'NOT_FOUND',
        /No EnerKey meter/,
      ],
      [
        PUSH,
        'wrong meter type',
        { meterId: '20002', values: [{ timestamp: '2020-06-01T08:00:00Z', value: 1 }] },
        'BAD_USER_INPUT',
        /pushEnerkeyCumulativeReadings/,
      ],
      [PUSH, 'empty', { meterId: '20001', values: [] }, 'BAD_USER_INPUT', /at least one/],
    ];
    for (const [document, name, variables, code, message] of cases) {
      const { data, errors } = await query(document, variables);
      expect({ name, codes: codes(errors) }).toEqual({ name, codes: [code] });
      expect(errors[0]!.message).toMatch(message);
      expect(Object.values(data), name).toEqual([null]); // the mutation alone is null
    }
    expect(calls('POST', '/api/v1/values/PushConsumptionsForMeter')).toBe(0);
    expect(calls('POST', '/api/v1/values/PushCumulativeReadingsForMeter')).toBe(0);
    const read = await ok(HOURS, { id: '20002', range: { from: '2020-06-01T00:00:00Z', to: '2020-06-01T03:00:00Z', resolution: 'HOUR' } });
    expect(read.enerkeyMeter.consumption.missing).toBe(3);
  });
});

describe('the physical bound of an hour (ENERKEY_MAX_KWH_PER_HOUR)', () => {
  it('refuses a push beyond it before any call to EnerKey, the meter lookup included', async () => {
    const before = stack.simulator('enerkey').stats().total;
    const consumption = await query(PUSH, { meterId: '20001', values: [{ timestamp: '2020-06-01T08:00:00Z', value: 2e6 }] });
    expect(codes(consumption.errors)).toEqual(['BAD_USER_INPUT']);
    expect(consumption.errors[0]!.message).toMatch(/values\[0\]\.value 2000000 is more than an hour can hold .*ENERKEY_MAX_KWH_PER_HOUR/);
    const cumulative = await query(PUSH_CUMULATIVE, {
      meterId: '20002',
      readings: [
        { timestamp: '2020-06-01T00:00:00Z', value: 10 },
        { timestamp: '2020-06-01T02:00:00Z', value: 10 + 2.5e6 },
      ],
    });
    expect(codes(cumulative.errors)).toEqual(['BAD_USER_INPUT']);
    expect(stack.simulator('enerkey').stats().total).toBe(before);
  });

  it('reads a stored value beyond it (EnerKey’s sum of two pushes of 1.7e308) as MISSING, and the meters batched with it answer', async () => {
    // Pushed past the connector, straight to the simulator, as another EnerKey client could.
    for (let push = 0; push < 2; push++) {
      const response = await fetch(`${stack.simulator('enerkey').url}/api/v1/values/PushConsumptionsForMeter`, {
        method: 'POST',
        headers: { authorization: ENERKEY_SIMULATOR_KEYS.primary, 'content-type': 'application/json' },
        body: JSON.stringify({ meterId: 20001, values: [{ timestamp: '2025-01-15T05:00:00Z', value: 1.7e308 }] }),
      });
      expect(response.ok).toBe(true);
    }
    const range = { from: '2025-01-15T00:00:00Z', to: '2025-01-16T00:00:00Z', resolution: 'HOUR' };
    const { data, errors } = await query(FACILITY_CONSUMPTION, { id: '1001', range });
    // The office's water meter (m3) has no energy consumption, whatever is stored; its electricity and heat do.
    expect(errors.map((error) => error.path?.join('.'))).toEqual(['enerkeyFacility.meters.2.consumption']);
    const [electricity, heat] = data.enerkeyFacility.meters;
    expect(electricity.id).toBe('20001');
    expect(electricity.consumption).toMatchObject({ count: 24, missing: 1 });
    expect(electricity.consumption.readings[5]).toMatchObject({ start: '2025-01-15T05:00:00.000Z', value: null, quality: 'MISSING' });
    expect(heat.consumption).toMatchObject({ count: 24, missing: 0 });
    expect(calls('GET', '/api/v1/values/hourly')).toBe(1);
  });
});

describe('push: the seed’s hourly summing', () => {
  it('values off the hour count toward their hour, and a later push adds to what the hour holds', async () => {
    await ok(PUSH, {
      meterId: '20011',
      values: [
        { timestamp: '2020-07-01T08:15:00Z', value: 1 },
        { timestamp: '2020-07-01T10:45:30+02:00', value: 2 }, // 08:45:30 UTC
      ],
    });
    const pushed = await ok(PUSH, { meterId: '20011', values: [{ timestamp: '2020-07-01T08:59:59Z', value: 0.5 }] });
    expect(pushed.pushEnerkeyConsumptions).toMatchObject({
      hoursWritten: 1,
      from: '2020-07-01T08:00:00.000Z',
      to: '2020-07-01T09:00:00.000Z',
    });
    const read = await ok(HOURS, { id: '20011', range: { from: '2020-07-01T08:00:00Z', to: '2020-07-01T09:00:00Z', resolution: 'HOUR' } });
    expect(read.enerkeyMeter.consumption.readings).toEqual([{ start: '2020-07-01T08:00:00.000Z', value: 3.5, quality: 'MEASURED' }]);
  });
});

describe('lists, a page at a time', () => {
  const FACILITIES = gql`
    query ($after: String) {
      enerkeyFacilities(first: 2, after: $after) {
        totalCount
        nodes {
          id
        }
        pageInfo {
          hasNextPage
          endCursor
        }
      }
    }
  `;

  it('asks EnerKey for one page per page, with the whole count', async () => {
    const first = await ok(FACILITIES);
    expect(first.enerkeyFacilities).toMatchObject({
      totalCount: 4,
      nodes: [{ id: '1001' }, { id: '1002' }],
      pageInfo: { hasNextPage: true },
    });
    const second = await ok(FACILITIES, { after: first.enerkeyFacilities.pageInfo.endCursor });
    expect(second.enerkeyFacilities).toMatchObject({ nodes: [{ id: '1003' }, { id: '1004' }], pageInfo: { hasNextPage: false } });
    expect(calls('GET', '/api/v1/facilities')).toBe(2);
    const actions = await ok(gql`
      query {
        enerkeyActions(first: 1) {
          totalCount
          nodes {
            id
          }
        }
        enerkeyMeters(facilityIds: ["1004"], first: 3) {
          totalCount
          pageInfo {
            hasNextPage
          }
        }
      }
    `);
    expect(actions.enerkeyActions).toEqual({ totalCount: 3, nodes: [{ id: '501' }] });
    expect(actions.enerkeyMeters).toEqual({ totalCount: 4, pageInfo: { hasNextPage: true } });
  });
});

describe('monthly values at a UTC offset', () => {
  const MONTHS = gql`
    query ($offset: String!) {
      enerkeyMeter(id: "20001") {
        monthlyValues(from: "2026-01-15T00:00:00Z", to: "2026-02-15T00:00:00Z", utcOffset: $offset) {
          utcOffset
          values {
            start
            end
          }
        }
      }
    }
  `;

  it('cuts months at the offset asked (EnerKey is asked in it), and refuses one that is not an offset', async () => {
    const data = await ok(MONTHS, { offset: '+02:00' });
    expect(data.enerkeyMeter.monthlyValues).toEqual({
      utcOffset: '+02:00',
      values: [
        { start: '2025-12-31T22:00:00.000Z', end: '2026-01-31T22:00:00.000Z' },
        { start: '2026-01-31T22:00:00.000Z', end: '2026-02-28T22:00:00.000Z' },
      ],
    });
    const { errors } = await query(MONTHS, { offset: 'Europe/Amsterdam' });
    expect(codes(errors)).toEqual(['BAD_USER_INPUT']);
    expect(errors[0]!.message).toContain('not a UTC offset');
  });
});

describe('alarm logs', () => {
  it('gives an alarm’s details with its meter, facility and image', async () => {
    const data = await ok(gql`
      query {
        enerkeyAlarm(id: "9001") {
          alarmType
          hour
          value
          limit
          unit
          meter {
            id
            name
          }
          facility {
            name
          }
          image {
            mimeType
            dataUrl
          }
        }
      }
    `);
    expect(data.enerkeyAlarm).toMatchObject({
      alarmType: 'ConsumptionAboveLimit',
      hour: '2025-01-15T09:00:00.000Z',
      unit: 'kWh',
      meter: { id: '20001', name: 'Main electricity' },
      facility: { name: 'Keizersgracht Office' },
      image: { mimeType: 'image/png' },
    });
    expect(data.enerkeyAlarm.value).toBeGreaterThan(data.enerkeyAlarm.limit);
    expect(Buffer.from(data.enerkeyAlarm.image.dataUrl.split(',')[1], 'base64').subarray(1, 4).toString('latin1')).toBe('PNG');
  });

  it('an unknown alarm is NOT_FOUND and a malformed id BAD_USER_INPUT, before any call', async () => {
    const unknown = await query('{ enerkeyAlarm(id: "1") { id } }');
    expect(codes(unknown.errors)).toEqual(['NOT_FOUND']);
    const malformed = await query('{ enerkeyAlarm(id: "nine") { id } }');
    expect(codes(malformed.errors)).toEqual(['BAD_USER_INPUT']);
    expect(calls('GET', '/api/v1/logs/alarms/:id')).toBe(1);
  });
});

describe('push across messages', () => {
  it('a cumulative reading below the one pushed before is refused by EnerKey and writes nothing', async () => {
    await ok(PUSH_CUMULATIVE, {
      meterId: '20002',
      readings: [
        { timestamp: '2020-06-01T00:00:00Z', value: 100 },
        { timestamp: '2020-06-01T01:00:00Z', value: 101 },
      ],
    });
    const { errors } = await query(PUSH_CUMULATIVE, {
      meterId: '20002',
      readings: [
        { timestamp: '2020-06-01T02:00:00Z', value: 100.5 },
        { timestamp: '2020-06-01T03:00:00Z', value: 102 },
      ],
    });
    expect(codes(errors)).toEqual(['UPSTREAM_REJECTED']);
    expect(errors[0]!.message).toMatch(/below the previous 101/);
    const read = await ok(HOURS, { id: '20002', range: { from: '2020-06-01T00:00:00Z', to: '2020-06-01T04:00:00Z', resolution: 'HOUR' } });
    expect(read.enerkeyMeter.consumption.readings.map((r: { value: number | null }) => r.value)).toEqual([1000, null, null, null]); // 1 MWh in kWh
  });
});

const ACTION = gql`
  query {
    enerkeyAction(id: "501") {
      id
      title
      status
      modifiedAt
      facility {
        name
      }
    }
  }
`;
const UPDATE_ACTION = gql`
  mutation ($id: ID!, $expected: DateTime!, $input: UpdateEnerkeyActionInput!) {
    updateEnerkeyAction(id: $id, expectedModifiedAt: $expected, input: $input) {
      id
      title
      status
      endDate
      description
      modifiedAt
    }
  }
`;

describe('actions', () => {
  it('lists actions, by facility too', async () => {
    const data = await ok(
      gql`
        query ($facilityIds: [ID!]) {
          all: enerkeyActions {
            totalCount
          }
          some: enerkeyActions(facilityIds: $facilityIds) {
            nodes {
              id
              title
              meterIds
              facility {
                id
              }
            }
          }
        }
      `,
      { facilityIds: ['1004'] },
    );
    expect(data.all.totalCount).toBe(3);
    expect(data.some.nodes).toEqual([
      { id: '502', title: 'Tune district heating night setback', meterIds: ['20032'], facility: { id: '1004' } },
    ]);
  });

  it('updates by read-modify-write and refuses to overwrite a concurrent change', async () => {
    const before = (await ok(ACTION)).enerkeyAction;
    expect(before.facility.name).toBe('Keizersgracht Office');
    const first = await ok(UPDATE_ACTION, {
      id: '501',
      expected: before.modifiedAt,
      input: { status: 'COMPLETED', endDate: '2025-06-30' },
    });
    expect(first.updateEnerkeyAction).toMatchObject({
      id: '501',
      title: before.title,
      status: 'COMPLETED',
      endDate: '2025-06-30',
      description: 'Floors 1 to 4; motion sensors in meeting rooms.',
    });
    expect(first.updateEnerkeyAction.modifiedAt).not.toBe(before.modifiedAt);

    // A second writer who read the old version is refused, and the first change stays.
    const stale = await query(UPDATE_ACTION, { id: '501', expected: before.modifiedAt, input: { title: 'Overwrite' } });
    expect(codes(stale.errors)).toEqual(['BAD_USER_INPUT']);
    expect(stale.errors[0]!.extensions).toMatchObject({
      reason: 'ACTION_CHANGED',
      currentModifiedAt: first.updateEnerkeyAction.modifiedAt,
    });
    expect(calls('PUT', '/api/v1/actions/:id')).toBe(1);
    expect((await ok(ACTION)).enerkeyAction).toMatchObject({ title: before.title, status: 'COMPLETED' });

    const missing = await query(UPDATE_ACTION, { id: '999', expected: before.modifiedAt, input: { title: 'x' } });
    expect(codes(missing.errors)).toEqual(['NOT_FOUND']);
  });
});

const IMAGE = gql`
  query ($format: EnerkeyImageFormat, $colors: [String!]) {
    enerkeyFacility(id: "1004") {
      image(format: $format, colors: $colors, from: "2025-01-01T00:00:00Z", to: "2025-07-01T00:00:00Z") {
        format
        mimeType
        byteSize
        dataUrl
      }
    }
  }
`;

describe('images', () => {
  it('returns a real PNG or PDF as a data URL', async () => {
    const png = (await ok(IMAGE, { format: 'PNG', colors: ['#d62728', '2ca02c'] })).enerkeyFacility.image;
    expect(png.mimeType).toBe('image/png');
    const bytes = Buffer.from(png.dataUrl.replace(/^data:image\/png;base64,/, ''), 'base64');
    expect(bytes.length).toBe(png.byteSize);
    expect(bytes.subarray(1, 4).toString('latin1')).toBe('PNG');
    const pdf = (await ok(IMAGE, { format: 'PDF' })).enerkeyFacility.image;
    expect(pdf.dataUrl.startsWith('data:application/pdf;base64,')).toBe(true);
    expect(Buffer.from(pdf.dataUrl.split(',')[1], 'base64').subarray(0, 5).toString('latin1')).toBe('%PDF-');
  });

  it('refuses a colour that is not hex', async () => {
    const { errors } = await query(IMAGE, { format: 'PNG', colors: ['red'] });
    expect(codes(errors)).toEqual(['BAD_USER_INPUT']);
    expect(calls('GET', '/api/v1/images/facilities/:id/consumption')).toBe(0);
  });
});

describe('provisioning', () => {
  const CUSTOMERS = gql`
    mutation ($customers: [EnerkeyProvisioningCustomerInput!]!) {
      upsertEnerkeyProvisioningCustomers(customers: $customers) {
        created
        updated
        deleted
        deletedCustomerIds
        customers {
          externalCustomerId
        }
      }
    }
  `;
  const DATA = gql`
    mutation ($input: EnerkeyProvisioningDataInput!) {
      upsertEnerkeyProvisioningData(input: $input) {
        provisioningId
        alreadyProcessed
      }
    }
  `;
  const STATUS = gql`
    query ($id: String!) {
      enerkeyProvisioningStatus(provisioningId: $id) {
        provisioningId
        status
        facilitiesCreated
        metersCreated
        errors
      }
    }
  `;

  it('customer snapshots delete the customers they leave out', async () => {
    const a = { productCode: 1000, externalCustomerName: 'Acme Offices', externalCustomerId: 'acme' };
    const b = { productCode: 1001, externalCustomerName: 'Beta Schools', externalCustomerId: 'beta' };
    expect((await ok(CUSTOMERS, { customers: [a, b] })).upsertEnerkeyProvisioningCustomers).toMatchObject({
      created: 2,
      updated: 0,
      deleted: 0,
    });
    expect((await ok(CUSTOMERS, { customers: [a] })).upsertEnerkeyProvisioningCustomers).toEqual({
      created: 0,
      updated: 1,
      deleted: 1,
      deletedCustomerIds: ['beta'],
      customers: [{ externalCustomerId: 'acme' }],
    });
    const duplicate = await query(CUSTOMERS, { customers: [a, a] });
    expect(codes(duplicate.errors)).toEqual(['BAD_USER_INPUT']);
  });

  it('data is accepted (202) with an id, a repeat is recognised (208), and the status can be read', async () => {
    await ok(CUSTOMERS, { customers: [{ productCode: 1000, externalCustomerName: 'Acme Offices', externalCustomerId: 'acme' }] });
    const input = {
      externalCustomerId: 'acme',
      facilities: [
        {
          externalFacilityId: 'acme-hq',
          name: 'Acme HQ',
          properties: [{ name: 'GrossArea', value: '1500', unit: 'm2' }],
          meters: [
            { externalMeterId: 'acme-hq-el', name: 'Electricity', quantityId: 1, meteringPointId: '871687120000000097' },
            { externalMeterId: 'acme-hq-dh', name: 'Heating', quantityId: 3 },
          ],
        },
      ],
    };
    const first = (await ok(DATA, { input })).upsertEnerkeyProvisioningData;
    expect(first.alreadyProcessed).toBe(false);
    const again = (await ok(DATA, { input })).upsertEnerkeyProvisioningData;
    expect(again).toEqual({ provisioningId: first.provisioningId, alreadyProcessed: true });
    const status = (await ok(STATUS, { id: first.provisioningId })).enerkeyProvisioningStatus;
    expect(status).toEqual({
      provisioningId: first.provisioningId,
      status: 'Completed',
      facilitiesCreated: 1,
      metersCreated: 2,
      errors: [],
    });

    const unknown = await query(STATUS, { id: 'prov-nope' });
    expect(codes(unknown.errors)).toEqual(['NOT_FOUND']);
    const empty = await query(DATA, { input: { externalCustomerId: 'acme', facilities: [] } });
    expect(codes(empty.errors)).toEqual(['BAD_USER_INPUT']);
  });

  it('creates what it says: the facility, its meters and submeters, which the graph then serves and joins', async () => {
    await ok(CUSTOMERS, { customers: [{ productCode: 1000, externalCustomerName: 'Acme Offices', externalCustomerId: 'acme' }] });
    const input = {
      externalCustomerId: 'acme',
      facilities: [
        {
          externalFacilityId: 'acme-depot',
          name: 'Acme Depot',
          meters: [
            {
              externalMeterId: 'depot-main',
              name: 'Depot main',
              quantityId: 1,
              meteringPointId: '871687120000000059',
              subMeters: [{ externalMeterId: 'depot-chargers', name: 'Chargers', quantityId: 1 }],
            },
            { externalMeterId: 'depot-heat', name: 'Depot heat', quantityId: 3, meterType: 'CUMULATIVE' },
          ],
        },
      ],
    };
    const { provisioningId } = (await ok(DATA, { input })).upsertEnerkeyProvisioningData;
    const status = await ok(
      gql`
        query ($id: String!) {
          enerkeyProvisioningStatus(provisioningId: $id) {
            alarmsCreated
            facilities {
              id
              name
            }
            meters {
              id
              name
              meterType
              parentMeterId
            }
          }
        }
      `,
      { id: provisioningId },
    );
    const { facilities, meters, alarmsCreated } = status.enerkeyProvisioningStatus;
    expect(facilities).toEqual([{ id: expect.any(String), name: 'Acme Depot' }]);
    expect(meters.map((m: { name: string; meterType: string }) => [m.name, m.meterType])).toEqual([
      ['Depot main', 'CONSUMPTION'],
      ['Chargers', 'CONSUMPTION'],
      ['Depot heat', 'CUMULATIVE'],
    ]);
    expect(meters[1].parentMeterId).toBe(meters[0].id);
    expect(alarmsCreated).toBe(3);
    const joined = await ok(gql`
      query {
        meteringPoint(id: "871687120000000059") {
          enerkeyMeters {
            name
            facility {
              name
            }
          }
        }
      }
    `);
    expect(joined.meteringPoint.enerkeyMeters).toEqual([{ name: 'Depot main', facility: { name: 'Acme Depot' } }]);
  });
});

describe('playground examples', () => {
  it.each(['enerkey-push-values.graphql', 'enerkey-facility-overview.graphql'])('%s runs without errors', async (file) => {
    const text = await readFile(new URL(`../gateway/playground/examples/${file}`, import.meta.url), 'utf8');
    const lines = text.split('\n');
    expect(lines[0]).toMatch(/^# \S/);
    const variables = lines[1]?.startsWith('# variables: ') ? JSON.parse(lines[1].slice('# variables: '.length)) : undefined;
    const data = await ok(text, variables);
    expect(Object.values(data).every((value) => value !== null)).toBe(true);
  });

  it('the pushed example values read back hour for hour', async () => {
    const text = await readFile(new URL('../gateway/playground/examples/enerkey-push-values.graphql', import.meta.url), 'utf8');
    const variables = JSON.parse(text.split('\n')[1]!.slice('# variables: '.length));
    await ok(text, variables);
    const read = await ok(HOURS, { id: '20001', range: { from: '2020-06-01T08:00:00Z', to: '2020-06-01T11:00:00Z', resolution: 'HOUR' } });
    expect(read.enerkeyMeter.consumption.readings.map((r: { value: number }) => r.value)).toEqual([12.5, 14, 4.25]);
  });
});
