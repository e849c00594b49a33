import { gql } from 'graphql-request';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { OpenvoltSimulator } from '../subgraphs/openvolt/simulator/index.js';
import { OPEN_WITH_ADMIN, startStack, type TestStack } from './support/stack.js';

/** The Openvolt subgraph as a user sees it: through the gateway, against the simulator. */

const TEST_METER_ID = '6514167223e3d1424bf82742'; // meter number 9999999999999
const TEST_CUSTOMER_ID = '6514153c23e3d1424bf82738';

let stack: TestStack;

beforeAll(async () => {
  stack = await startStack(OPEN_WITH_ADMIN);
});
afterAll(async () => {
  await stack?.stop();
});
beforeEach(() => {
  stack.simulator('openvolt').reset();
});

function query<T = Record<string, any>>(document: string, variables?: Record<string, unknown>) {
  return stack.query<T>(document, variables);
}

/** Requests the Openvolt simulator served on one route pattern, e.g. ('GET', '/v1/interval-data'). */
function upstreamCalls(method: string, route: string): number {
  return stack.simulator('openvolt').callCount(method, route);
}

const CONSUMPTION = gql`
  query Consumption($id: ID!, $range: ReadingRange!) {
    openvoltMeter(id: $id) {
      consumption(range: $range) {
        resolution
        nativeResolution
        unit
        timeZone
        from
        to
        total
        count
        missing
        readings {
          start
          end
          value
          quality
        }
      }
    }
  }
`;

interface Series {
  resolution: string;
  nativeResolution: string;
  unit: string;
  timeZone: string;
  from: string;
  to: string;
  total: number;
  count: number;
  missing: number;
  readings: Array<{ start: string; end: string; value: number | null; quality: string }>;
}

async function consumption(range: Record<string, unknown>, id = TEST_METER_ID): Promise<Series> {
  const { data, errors } = await query<{ openvoltMeter: { consumption: Series } }>(CONSUMPTION, { id, range });
  expect(errors).toEqual([]);
  return data.openvoltMeter.consumption;
}

const sum = (values: Array<number | null>) => values.reduce<number>((total, value) => total + (value ?? 0), 0);

describe('customers and meters', () => {
  it('lists customers as a connection and pages through them', async () => {
    const { data, errors } = await query<{
      openvoltCustomers: {
        nodes: Array<{ id: string; name: string; email: string }>;
        pageInfo: { hasNextPage: boolean; endCursor: string };
      };
    }>(gql`
      {
        openvoltCustomers(first: 3) {
          nodes {
            id
            name
            email
          }
          pageInfo {
            hasNextPage
            endCursor
          }
        }
      }
    `);
    expect(errors).toEqual([]);
    expect(data.openvoltCustomers.nodes).toHaveLength(3);
    expect(data.openvoltCustomers.pageInfo.hasNextPage).toBe(true);
    const next = await query<{ openvoltCustomers: { nodes: Array<{ id: string }>; pageInfo: { hasNextPage: boolean } } }>(
      gql`
        query ($after: String) {
          openvoltCustomers(first: 3, after: $after) {
            nodes {
              id
            }
            pageInfo {
              hasNextPage
            }
          }
        }
      `,
      { after: data.openvoltCustomers.pageInfo.endCursor },
    );
    expect(next.data.openvoltCustomers.nodes).toHaveLength(1);
    expect(next.data.openvoltCustomers.pageInfo.hasNextPage).toBe(false);
    const ids = [...data.openvoltCustomers.nodes, ...next.data.openvoltCustomers.nodes].map((node) => node.id);
    expect(new Set(ids).size).toBe(4);
  });

  it('fetches one customer with its meters', async () => {
    const { data, errors } = await query<{
      openvoltCustomer: { id: string; email: string; meters: { nodes: Array<{ customerId: string }> } };
    }>(
      gql`
        query ($id: ID!) {
          openvoltCustomer(id: $id) {
            id
            email
            meters(first: 100) {
              nodes {
                customerId
              }
            }
          }
        }
      `,
      {
        id: TEST_CUSTOMER_ID,
      },
    );
    expect(errors).toEqual([]);
    expect(data.openvoltCustomer.id).toBe(TEST_CUSTOMER_ID);
    expect(data.openvoltCustomer.email).toContain('@');
    expect(data.openvoltCustomer.meters.nodes.length).toBeGreaterThan(0);
    expect(data.openvoltCustomer.meters.nodes.every((meter) => meter.customerId === TEST_CUSTOMER_ID)).toBe(true);
  });

  it('lists meters filtered by meter number and status, and fetches one with its customer', async () => {
    const byNumber = await query<{ openvoltMeters: { nodes: Array<{ id: string; meterNumber: string; customerId: string }> } }>(gql`
      {
        openvoltMeters(meterNumber: "9999999999999") {
          nodes {
            id
            meterNumber
            customerId
          }
        }
      }
    `);
    expect(byNumber.errors).toEqual([]);
    expect(byNumber.data.openvoltMeters.nodes).toHaveLength(2);
    expect(new Set(byNumber.data.openvoltMeters.nodes.map((meter) => meter.customerId)).size).toBe(2);

    const active = await query<{ openvoltMeters: { nodes: Array<{ status: string }> } }>(gql`
      {
        openvoltMeters(status: ACTIVE, first: 100) {
          nodes {
            status
          }
        }
      }
    `);
    expect(active.data.openvoltMeters.nodes.length).toBeGreaterThan(0);
    expect(active.data.openvoltMeters.nodes.every((meter) => meter.status === 'ACTIVE')).toBe(true);

    const one = await query<{
      openvoltMeter: { id: string; provider: string; meterPointId: string; meterNumber: string; customer: { id: string } };
    }>(
      gql`
        query ($id: ID!) {
          openvoltMeter(id: $id) {
            id
            provider
            meterPointId
            meterNumber
            customer {
              id
            }
          }
        }
      `,
      { id: TEST_METER_ID },
    );
    expect(one.errors).toEqual([]);
    expect(one.data.openvoltMeter).toEqual({
      id: TEST_METER_ID,
      provider: 'OPENVOLT',
      meterPointId: '9999999999999',
      meterNumber: '9999999999999',
      customer: { id: TEST_CUSTOMER_ID },
    });
  });

  it('serves the fifty-three seeded meters', async () => {
    const { data } = await query<{ openvoltMeters: { nodes: unknown[]; pageInfo: { hasNextPage: boolean } } }>(gql`
      {
        openvoltMeters(first: 100) {
          nodes {
            id
          }
          pageInfo {
            hasNextPage
          }
        }
      }
    `);
    expect(data.openvoltMeters.nodes).toHaveLength(54);
    expect(data.openvoltMeters.pageInfo.hasNextPage).toBe(false);
  });

  it('an unknown meter id is NOT_FOUND', async () => {
    const { data, errors } = await query<{ openvoltMeter: null }>(gql`
      {
        openvoltMeter(id: "0123456789abcdef01234567") {
          id
        }
      }
    `);
    expect(data.openvoltMeter).toBeNull();
    expect(errors[0]?.extensions).toMatchObject({ code: 'NOT_FOUND', provider: 'OPENVOLT' });
    expect(errors[0]?.message).toContain('0123456789abcdef01234567');
  });

  it('a MeteringPoint lists the meters of every customer that registered its MPAN', async () => {
    const { data, errors } = await query<{
      meteringPoint: { id: string; openvoltMeters: Array<{ meterNumber: string; customer: { id: string } }> };
    }>(gql`
      {
        meteringPoint(id: "9999999999999") {
          id
          openvoltMeters {
            meterNumber
            customer {
              id
            }
          }
        }
      }
    `);
    expect(errors).toEqual([]);
    expect(data.meteringPoint.openvoltMeters).toHaveLength(2);
    expect(data.meteringPoint.openvoltMeters.every((meter) => meter.meterNumber === '9999999999999')).toBe(true);
    expect(new Set(data.meteringPoint.openvoltMeters.map((meter) => meter.customer.id)).size).toBe(2);

    const back = await query<{ openvoltMeter: { meteringPoint: { id: string; openvoltMeters: unknown[] } } }>(
      gql`
        query ($id: ID!) {
          openvoltMeter(id: $id) {
            meteringPoint {
              id
              openvoltMeters {
                id
              }
            }
          }
        }
      `,
      { id: TEST_METER_ID },
    );
    expect(back.data.openvoltMeter.meteringPoint.id).toBe('9999999999999');
    expect(back.data.openvoltMeter.meteringPoint.openvoltMeters).toHaveLength(2);
  });
});

describe('consumption', () => {
  it('a UTC day at HALF_HOUR is 48 measured readings whose sum is the total', async () => {
    const series = await consumption({ from: '2026-11-02T00:00:00Z', to: '2026-11-03T00:00:00Z', resolution: 'HALF_HOUR' });
    expect(series.count).toBe(48);
    expect(series.readings).toHaveLength(48);
    expect(series.missing).toBe(0);
    expect(series.unit).toBe('KWH');
    expect(series.nativeResolution).toBe('HALF_HOUR');
    expect(series.readings.every((reading) => reading.quality === 'MEASURED' && reading.value! > 0)).toBe(true);
    expect(series.readings[0]).toMatchObject({ start: '2026-11-02T00:00:00.000Z', end: '2026-11-02T00:30:00.000Z' });
    expect(series.total).toBeCloseTo(sum(series.readings.map((reading) => reading.value)), 9);
  });

  it('Europe/London days at HALF_HOUR follow DST: 50 half hours on 2026-10-25, 46 on 2026-03-29', async () => {
    const autumn = await consumption({
      from: '2026-10-25T00:00:00+01:00',
      to: '2026-10-26T00:00:00Z',
      resolution: 'HALF_HOUR',
      timeZone: 'Europe/London',
    });
    expect(autumn.count).toBe(50);
    expect(autumn.timeZone).toBe('Europe/London');
    const spring = await consumption({
      from: '2026-03-29T00:00:00Z',
      to: '2026-03-30T00:00:00+01:00',
      resolution: 'HALF_HOUR',
      timeZone: 'Europe/London',
    });
    expect(spring.count).toBe(46);
  });

  it('a week at DAY in Europe/London is 7 calendar-day buckets, each the sum of its half hours', async () => {
    const week = await consumption({
      from: '2026-10-19T00:00:00+01:00',
      to: '2026-10-26T00:00:00Z',
      resolution: 'DAY',
      timeZone: 'Europe/London',
    });
    expect(week.count).toBe(7);
    expect(week.readings.map((reading) => reading.start)).toEqual([
      '2026-10-18T23:00:00.000Z',
      '2026-10-19T23:00:00.000Z',
      '2026-10-20T23:00:00.000Z',
      '2026-10-21T23:00:00.000Z',
      '2026-10-22T23:00:00.000Z',
      '2026-10-23T23:00:00.000Z',
      '2026-10-24T23:00:00.000Z',
    ]);
    expect(week.readings.at(-1)!.end).toBe('2026-10-26T00:00:00.000Z'); // the 25-hour day
    const lastDay = await consumption({
      from: '2026-10-25T00:00:00+01:00',
      to: '2026-10-26T00:00:00Z',
      resolution: 'HALF_HOUR',
      timeZone: 'Europe/London',
    });
    expect(week.readings.at(-1)!.value).toBeCloseTo(lastDay.total, 9);
    expect(week.total).toBeCloseTo(sum(week.readings.map((reading) => reading.value)), 9);
  });

  it('KWH → WH multiplies every value by 1000', async () => {
    const range = { from: '2026-11-02T00:00:00Z', to: '2026-11-02T06:00:00Z', resolution: 'HOUR' };
    const kwh = await consumption(range);
    const wh = await consumption({ ...range, unit: 'WH' });
    expect(wh.unit).toBe('WH');
    wh.readings.forEach((reading, index) => expect(reading.value).toBeCloseTo(kwh.readings[index]!.value! * 1000, 6));
    expect(wh.total).toBeCloseTo(kwh.total * 1000, 6);
  });

  it('a range reaching into the future has MISSING readings, never invented ones', async () => {
    const from = new Date(Date.now() - 2 * 3600_000);
    from.setUTCMinutes(0, 0, 0);
    const series = await consumption({
      from: from.toISOString(),
      to: new Date(from.getTime() + 6 * 3600_000).toISOString(),
      resolution: 'HOUR',
    });
    expect(series.missing).toBeGreaterThan(0);
    const missing = series.readings.filter((reading) => reading.quality === 'MISSING');
    expect(missing.every((reading) => reading.value === null)).toBe(true);
  });
});

describe('batching', () => {
  const WEEK = { from: '2026-11-02T00:00:00Z', to: '2026-11-09T00:00:00Z', resolution: 'DAY' };

  it('fifty meters over the same week cost at most one /interval-data call each', async () => {
    const { data, errors } = await query<{ openvoltMeters: { nodes: Array<{ consumption: { count: number } }> } }>(
      gql`
        query ($range: ReadingRange!) {
          openvoltMeters(first: 50) {
            nodes {
              consumption(range: $range) {
                count
              }
            }
          }
        }
      `,
      { range: WEEK },
    );
    expect(errors).toEqual([]);
    expect(data.openvoltMeters.nodes).toHaveLength(50);
    expect(data.openvoltMeters.nodes.every((node) => node.consumption.count === 7)).toBe(true);
    expect(upstreamCalls('GET', '/v1/interval-data')).toBe(50); // one per meter, none repeated
  });

  it('the same meter asked thrice in one query costs one call per kind of row', async () => {
    const { errors } = await query(
      gql`
        query ($id: ID!, $week: ReadingRange!, $laterWeek: ReadingRange!, $day: ReadingRange!) {
          a: openvoltMeter(id: $id) {
            consumption(range: $week) {
              total
            }
          }
          b: openvoltMeter(id: $id) {
            consumption(range: $laterWeek) {
              total
            }
          }
          c: openvoltMeter(id: $id) {
            consumption(range: $day) {
              total
            }
          }
        }
      `,
      {
        id: TEST_METER_ID,
        week: WEEK,
        laterWeek: { ...WEEK, from: '2026-11-05T00:00:00Z', to: '2026-11-12T00:00:00Z' },
        day: { from: '2026-11-03T00:00:00Z', to: '2026-11-04T00:00:00Z', resolution: 'HOUR' },
      },
    );
    expect(errors).toEqual([]);
    // The two overlapping weeks by DAY share one call of day rows; the day by HOUR is one call of half hours.
    expect(upstreamCalls('GET', '/v1/interval-data')).toBe(2);
    expect(upstreamCalls('GET', '/v1/meters/:_id')).toBe(1);
  });

  it('customer on fifty meters of four customers costs at most four customer calls', async () => {
    const { data, errors } = await query<{ openvoltMeters: { nodes: Array<{ customer: { id: string } }> } }>(gql`
      {
        openvoltMeters(first: 50) {
          nodes {
            customer {
              id
              name
            }
          }
        }
      }
    `);
    expect(errors).toEqual([]);
    expect(new Set(data.openvoltMeters.nodes.map((node) => node.customer.id)).size).toBe(4);
    expect(upstreamCalls('GET', '/v1/customers/:_id')).toBe(4); // one per distinct customer
  });
});

describe('mutations', () => {
  it('creates, updates and deletes a customer; reads show each change', async () => {
    const email = `ops-${Date.now()}@example.com`;
    const created = await query<{ createOpenvoltCustomer: { id: string; name: string; email: string } }>(
      gql`
        mutation ($input: CreateOpenvoltCustomerInput!) {
          createOpenvoltCustomer(input: $input) {
            id
            name
            email
          }
        }
      `,
      { input: { name: 'Harbour Offices', email, address: '1 Quay Street, Bristol', metadata: { site: 'HO-1' } } },
    );
    expect(created.errors).toEqual([]);
    const id = created.data.createOpenvoltCustomer.id;
    const listed = await query<{ openvoltCustomers: { nodes: Array<{ id: string; metadata: Record<string, string> }> } }>(
      gql`
        query ($email: String) {
          openvoltCustomers(email: $email) {
            nodes {
              id
              metadata
            }
          }
        }
      `,
      { email },
    );
    expect(listed.data.openvoltCustomers.nodes).toEqual([{ id, metadata: { site: 'HO-1' } }]);

    const updated = await query<{ updateOpenvoltCustomer: { name: string; notes: Array<{ content: string; author: string | null }> } }>(
      gql`
        mutation ($id: ID!) {
          updateOpenvoltCustomer(
            id: $id
            input: { name: "Harbour Offices Ltd", notes: [{ content: "LOA signed", author: "ops" }, { content: "Key at reception" }] }
          ) {
            name
            notes {
              content
              author
            }
          }
        }
      `,
      { id },
    );
    expect(updated.data.updateOpenvoltCustomer.name).toBe('Harbour Offices Ltd');
    expect(updated.data.updateOpenvoltCustomer.notes).toEqual([
      { content: 'LOA signed', author: 'ops' },
      { content: 'Key at reception', author: null },
    ]);
    const read = await query<{ openvoltCustomer: { name: string; email: string } }>(
      gql`
        query ($id: ID!) {
          openvoltCustomer(id: $id) {
            name
            email
          }
        }
      `,
      { id },
    );
    expect(read.data.openvoltCustomer).toEqual({ name: 'Harbour Offices Ltd', email });

    const deleted = await query<{ deleteOpenvoltCustomer: { id: string; deleted: boolean; provider: string } }>(
      gql`
        mutation ($id: ID!) {
          deleteOpenvoltCustomer(id: $id) {
            id
            deleted
            provider
          }
        }
      `,
      { id },
    );
    expect(deleted.data.deleteOpenvoltCustomer).toEqual({ id, deleted: true, provider: 'OPENVOLT' });
    const gone = await query(
      gql`
        query ($id: ID!) {
          openvoltCustomer(id: $id) {
            id
          }
        }
      `,
      { id },
    );
    expect(gone.errors[0]?.extensions?.code).toBe('NOT_FOUND');
  });

  it('a second customer with the same email is refused by Openvolt and says so', async () => {
    const first = await query<{ openvoltCustomer: { email: string } }>(
      gql`
        query ($id: ID!) {
          openvoltCustomer(id: $id) {
            email
          }
        }
      `,
      {
        id: TEST_CUSTOMER_ID,
      },
    );
    const { data, errors } = await query(
      gql`
        mutation ($input: CreateOpenvoltCustomerInput!) {
          createOpenvoltCustomer(input: $input) {
            id
          }
        }
      `,
      { input: { name: 'Copy', email: first.data.openvoltCustomer.email } },
    );
    expect(data).toEqual({ createOpenvoltCustomer: null });
    expect(errors[0]?.extensions).toMatchObject({ code: 'UPSTREAM_REJECTED', provider: 'OPENVOLT', upstreamStatus: 409 });
  });

  it('registers, updates, re-consents and deletes a meter; consent create and archive', async () => {
    const consent = await query<{ createOpenvoltConsent: { id: string; status: string; startDate: string } }>(
      gql`
        mutation ($input: CreateOpenvoltConsentInput!) {
          createOpenvoltConsent(input: $input) {
            id
            status
            startDate
          }
        }
      `,
      {
        input: {
          customerId: TEST_CUSTOMER_ID,
          name: 'LOA 2026',
          startDate: '2026-01-01',
          endDate: '2027-12-31',
          evidenceDocumentId: '651415c69ffaad98b811ba57', // the seed's evidence of Thameside's consent,
        },
      },
    );
    expect(consent.errors).toEqual([]);
    const consentId = consent.data.createOpenvoltConsent.id;
    expect(consent.data.createOpenvoltConsent).toMatchObject({ status: 'active', startDate: '2026-01-01' });

    const registered = await query<{
      registerOpenvoltMeter: { id: string; status: string; meterNumber: string; customer: { id: string } };
    }>(
      gql`
        mutation ($input: RegisterOpenvoltMeterInput!) {
          registerOpenvoltMeter(input: $input) {
            id
            status
            meterNumber
            customer {
              id
            }
          }
        }
      `,
      {
        input: {
          customerId: TEST_CUSTOMER_ID,
          meterNumber: ' 1200012345678 ',
          dataSource: 'ELECTRALINK',
          consentId,
          description: 'Plant room',
        },
      },
    );
    expect(registered.errors).toEqual([]);
    const meterId = registered.data.registerOpenvoltMeter.id;
    expect(registered.data.registerOpenvoltMeter).toMatchObject({
      status: 'ACTIVE',
      meterNumber: '1200012345678',
      customer: { id: TEST_CUSTOMER_ID },
    });

    const again = await query(
      gql`
        mutation ($input: RegisterOpenvoltMeterInput!) {
          registerOpenvoltMeter(input: $input) {
            id
          }
        }
      `,
      { input: { customerId: TEST_CUSTOMER_ID, meterNumber: '1200012345678', dataSource: 'ELECTRALINK' } },
    );
    expect(again.errors[0]?.extensions).toMatchObject({ code: 'UPSTREAM_REJECTED', upstreamStatus: 409 });

    const updated = await query<{ updateOpenvoltMeter: { description: string; dataSource: string } }>(
      gql`
        mutation ($id: ID!) {
          updateOpenvoltMeter(id: $id, input: { description: "Plant room B", dataSource: DCC }) {
            description
            dataSource
          }
        }
      `,
      { id: meterId },
    );
    expect(updated.data.updateOpenvoltMeter).toEqual({ description: 'Plant room B', dataSource: 'DCC' });

    const unconsented = await query<{ setOpenvoltMeterConsent: { status: string; consentId: string | null } }>(
      gql`
        mutation ($id: ID!) {
          setOpenvoltMeterConsent(meterId: $id, consentId: null) {
            status
            consentId
          }
        }
      `,
      { id: meterId },
    );
    expect(unconsented.data.setOpenvoltMeterConsent).toEqual({ status: 'INACTIVE', consentId: null });
    const read = await query<{ openvoltMeter: { status: string; description: string; consent: null } }>(
      gql`
        query ($id: ID!) {
          openvoltMeter(id: $id) {
            status
            description
            consent {
              id
            }
          }
        }
      `,
      { id: meterId },
    );
    expect(read.data.openvoltMeter).toEqual({ status: 'INACTIVE', description: 'Plant room B', consent: null });

    const reconsented = await query<{ setOpenvoltMeterConsent: { status: string; consent: { id: string } } }>(
      gql`
        mutation ($id: ID!, $consentId: ID) {
          setOpenvoltMeterConsent(meterId: $id, consentId: $consentId) {
            status
            consent {
              id
            }
          }
        }
      `,
      { id: meterId, consentId },
    );
    expect(reconsented.data.setOpenvoltMeterConsent).toEqual({ status: 'ACTIVE', consent: { id: consentId } });

    // Openvolt announces the new meter by webhook; the subgraph records the delivery.
    await expect
      .poll(async () => {
        const events = await query<{ openvoltEvents: { nodes: Array<{ meterIds: string[] }> } }>(gql`
          {
            openvoltEvents(type: "meter.created") {
              nodes {
                meterIds
              }
            }
          }
        `);
        return events.data.openvoltEvents.nodes.flatMap((node) => node.meterIds);
      })
      .toContain(meterId);

    const archived = await query<{ archiveOpenvoltConsent: { status: string; archivedAt: string } }>(
      gql`
        mutation ($id: ID!) {
          archiveOpenvoltConsent(id: $id) {
            status
            archivedAt
          }
        }
      `,
      { id: consentId },
    );
    expect(archived.data.archiveOpenvoltConsent.status).toBe('archived');
    expect(archived.data.archiveOpenvoltConsent.archivedAt).toBeTruthy();

    const deleted = await query<{ deleteOpenvoltMeter: { deleted: boolean } }>(
      gql`
        mutation ($id: ID!) {
          deleteOpenvoltMeter(id: $id) {
            deleted
          }
        }
      `,
      { id: meterId },
    );
    expect(deleted.data.deleteOpenvoltMeter.deleted).toBe(true);
    const gone = await query(
      gql`
        query ($id: ID!) {
          openvoltMeter(id: $id) {
            id
          }
        }
      `,
      { id: meterId },
    );
    expect(gone.errors[0]?.extensions?.code).toBe('NOT_FOUND');
  });
});

describe('bad input is refused before any upstream call', () => {
  const cases: Array<{ name: string; document: string; variables: Record<string, unknown>; message: RegExp }> = [
    {
      name: 'a malformed email',
      document: gql`
        mutation ($input: CreateOpenvoltCustomerInput!) {
          createOpenvoltCustomer(input: $input) {
            id
          }
        }
      `,
      variables: { input: { name: 'X', email: 'not-an-email' } },
      message: /email/,
    },
    {
      name: 'an empty meter number',
      document: gql`
        mutation ($input: RegisterOpenvoltMeterInput!) {
          registerOpenvoltMeter(input: $input) {
            id
          }
        }
      `,
      variables: { input: { customerId: TEST_CUSTOMER_ID, meterNumber: '   ', dataSource: 'ELECTRALINK' } },
      message: /meterNumber/,
    },
    {
      name: 'an unknown data source',
      document: gql`
        mutation ($input: RegisterOpenvoltMeterInput!) {
          registerOpenvoltMeter(input: $input) {
            id
          }
        }
      `,
      variables: { input: { customerId: TEST_CUSTOMER_ID, meterNumber: '1200012345678', dataSource: 'CARRIER_PIGEON' } },
      message: /CARRIER_PIGEON/,
    },
    {
      name: 'a resolution finer than half-hourly',
      document: CONSUMPTION,
      variables: { id: TEST_METER_ID, range: { from: '2026-11-02T00:00:00Z', to: '2026-11-03T00:00:00Z', resolution: 'QUARTER_HOUR' } },
      message: /HALF_HOUR/,
    },
    {
      name: 'from not before to',
      document: CONSUMPTION,
      variables: { id: TEST_METER_ID, range: { from: '2026-11-03T00:00:00Z', to: '2026-11-03T00:00:00Z', resolution: 'DAY' } },
      message: /before/,
    },
    {
      name: 'an unknown time zone',
      document: CONSUMPTION,
      variables: {
        id: TEST_METER_ID,
        range: { from: '2026-11-02T00:00:00Z', to: '2026-11-03T00:00:00Z', resolution: 'DAY', timeZone: 'Mars/Olympus_Mons' },
      },
      message: /Mars\/Olympus_Mons/,
    },
    {
      name: 'a range longer than 366 days',
      document: CONSUMPTION,
      variables: { id: TEST_METER_ID, range: { from: '2024-01-01T00:00:00Z', to: '2026-01-01T00:00:00Z', resolution: 'MONTH' } },
      message: /366 days/,
    },
  ];

  for (const testCase of cases) {
    it(`${testCase.name} → BAD_USER_INPUT`, async () => {
      const before =
        upstreamCalls('GET', '/v1/interval-data') + upstreamCalls('POST', '/v1/customers') + upstreamCalls('POST', '/v1/meters');
      const { errors } = await query(testCase.document, testCase.variables);
      expect(errors).toHaveLength(1);
      expect(errors[0]!.extensions?.code).toBe('BAD_USER_INPUT');
      expect(errors[0]!.message).toMatch(testCase.message);
      // The meter lookup may run (the consumption cases resolve the meter first); nothing else may.
      const after =
        upstreamCalls('GET', '/v1/interval-data') + upstreamCalls('POST', '/v1/customers') + upstreamCalls('POST', '/v1/meters');
      expect(after).toBe(before);
    });
  }

  it('an unknown time zone written inline in the query is BAD_USER_INPUT too', async () => {
    const { errors } = await query(gql`{
      openvoltMeter(id: "${TEST_METER_ID}") {
        consumption(range: { from: "2026-11-02T00:00:00Z", to: "2026-11-03T00:00:00Z", resolution: DAY, timeZone: "Europe/Atlantis" }) { total }
      }
    }`);
    expect(errors[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(errors[0]?.message).toContain('Europe/Atlantis');
    expect(upstreamCalls('GET', '/v1/interval-data')).toBe(0);
  });

  it('a malformed email costs no upstream call at all', async () => {
    await query(gql`
      mutation {
        createOpenvoltCustomer(input: { name: "X", email: "nope" }) {
          id
        }
      }
    `);
    expect(stack.simulator('openvolt').stats().total).toBe(0);
  });
});

describe('webhooks', () => {
  it('a meter_data.received delivery is queryable and sets the meter’s lastDataReceivedAt; a redelivery counts once', async () => {
    const before = await query<{ openvoltMeter: { lastDataReceivedAt: string | null } }>(
      gql`
        query ($id: ID!) {
          openvoltMeter(id: $id) {
            lastDataReceivedAt
          }
        }
      `,
      { id: TEST_METER_ID },
    );
    const item = { meter_id: TEST_METER_ID, start_interval: '2026-11-01T00:00:00.000Z', end_interval: '2026-11-02T00:00:00.000Z' };
    await stack.simulator<OpenvoltSimulator>('openvolt').deliverMeterDataReceived([item]);

    const { data, errors } = await query<{
      openvoltEvents: {
        totalCount: number;
        nodes: Array<{ id: string; type: string; meterIds: string[]; envelope: { payload: unknown } }>;
      };
      openvoltMeter: { lastDataReceivedAt: string };
    }>(
      gql`
        query ($id: ID!) {
          openvoltEvents(type: "meter_data.received", meterId: $id) {
            totalCount
            nodes {
              id
              type
              meterIds
              envelope
            }
          }
          openvoltMeter(id: $id) {
            lastDataReceivedAt
          }
        }
      `,
      { id: TEST_METER_ID },
    );
    expect(errors).toEqual([]);
    const event = data.openvoltEvents.nodes[0]!;
    expect(event).toMatchObject({ type: 'meter_data.received', meterIds: [TEST_METER_ID] });
    expect(event.envelope.payload).toEqual([item]);
    expect(data.openvoltMeter.lastDataReceivedAt).not.toBeNull();
    expect(data.openvoltMeter.lastDataReceivedAt).not.toBe(before.data.openvoltMeter.lastDataReceivedAt);

    // Openvolt retrying the same delivery must not record it twice.
    const webhookUrl = stack.subgraphs.openvolt!.webhookUrl!;
    const envelope = { ...(event.envelope as Record<string, unknown>) };
    const redelivery = await fetch(webhookUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(envelope),
    });
    expect(redelivery.status).toBe(204);
    const after = await query<{ openvoltEvents: { nodes: Array<{ id: string }> } }>(gql`
      {
        openvoltEvents(first: 100) {
          nodes {
            id
          }
        }
      }
    `);
    expect(after.data.openvoltEvents.nodes.filter((node) => node.id === event.id)).toHaveLength(1);
  });

  it('a malformed delivery is refused with 400', async () => {
    const response = await fetch(stack.subgraphs.openvolt!.webhookUrl!, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ event_id: 'meter_data.received' }),
    });
    expect(response.status).toBe(400);
    expect(await response.text()).toMatch(/event_timestamp|delivery_id/);
  });

  it('with no token configured, the stack made one for this run: a forged unsigned meter_data.received is refused (401, JSON)', async () => {
    expect(new URL(stack.subgraphs.openvolt!.webhookUrl!).searchParams.get('token')).toMatch(/^[\w-]{40,}$/);
    const forged = {
      subscription_id: '3f9d7f3e-0000-4000-8000-000000000009',
      event_id: 'meter_data.received',
      event_timestamp: '2030-01-01T00:00:00.000Z',
      delivery_id: 'forged-2030',
      payload: [{ meter_id: TEST_METER_ID, start_interval: '2029-12-31T00:00:00.000Z', end_interval: '2030-01-01T00:00:00.000Z' }],
    };
    const response = await fetch(`${stack.subgraphs.openvolt!.webhooks!.url}/webhooks/openvolt`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(forged),
    });
    expect(response.status).toBe(401);
    expect(response.headers.get('content-type')).toMatch(/^application\/json/);
    expect(((await response.json()) as { errors: Array<{ extensions: { code: string } }> }).errors[0]!.extensions.code).toBe(
      'UNAUTHENTICATED',
    );
    const { data } = await query<{ openvoltMeter: { lastDataReceivedAt: string | null } }>(
      gql`
        query ($id: ID!) {
          openvoltMeter(id: $id) {
            lastDataReceivedAt
          }
        }
      `,
      { id: TEST_METER_ID },
    );
    expect(data.openvoltMeter.lastDataReceivedAt ?? '').not.toMatch(/^2030/);
  });
});

describe('health', () => {
  it('the gateway reports its subgraphs up', async () => {
    const response = await fetch(new URL('/health', stack.gatewayUrl));
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ name: 'gateway', ok: true, subgraphs: { openvolt: 'up' } });
  });
});
