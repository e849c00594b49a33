import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { GridgraphError } from '../../shared/graph/errors.js';
import { ReadingRange, Resolution, TimeSeriesReader } from '../../shared/time/index.js';
import { OpenvoltClient, parseIntervalData } from './client.js';
import { openvoltReadings } from './readings.js';
import { OPENVOLT_SIMULATOR_API_KEY, startOpenvoltSimulator, type OpenvoltSimulator } from './simulator/index.js';
import { seedRecords } from './simulator/seed.js';

/** The Openvolt connector against the simulator: every typed method, the call counts they cost. */

const CUSTOMER = '6514153c23e3d1424bf82738';
const METER = '6514167223e3d1424bf82742';
const NOW = new Date('2026-06-15T12:00:00.000Z');

let simulator: OpenvoltSimulator;
let client: OpenvoltClient;
/** Interval-data rows Openvolt answered, by granularity. */
let rows: Record<string, number>;

beforeAll(async () => {
  simulator = await startOpenvoltSimulator({ port: 0, now: () => NOW });
  client = new OpenvoltClient({
    baseUrl: `${simulator.url}/v1`,
    apiKey: OPENVOLT_SIMULATOR_API_KEY,
    calls: { timeoutMs: 5_000, concurrency: 4, retries: 0 },
  });
  const intervalData = client.intervalData.bind(client);
  client.intervalData = async (...args) => {
    const answer = await intervalData(...args);
    rows[args[1]] = (rows[args[1]] ?? 0) + answer.rows.length;
    return answer;
  };
});
afterAll(async () => {
  await simulator.stop();
});
beforeEach(() => {
  simulator.reset();
  rows = {};
});

describe('parseIntervalData', () => {
  it('reads the live API’s spelling: camelCase top level, string consumption, "kWh"', () => {
    const parsed = parseIntervalData({
      startInterval: '2023-01-01T00:00:00.000Z',
      endInterval: '2023-01-31T23:59:59.000Z',
      granularity: 'hh',
      data: [
        {
          start_interval: '2023-01-01T00:00:00.000Z',
          meter_id: METER,
          meter_number: '9999999999999',
          customer_id: CUSTOMER,
          consumption: '54',
          consumption_units: 'kWh',
        },
      ],
    });
    expect(parsed).toEqual({
      granularity: 'hh',
      rows: [{ start: new Date('2023-01-01T00:00:00.000Z'), kwh: 54, meterId: METER, meterNumber: '9999999999999' }],
    });
  });

  it('reads the spec’s spelling: snake_case top level, numeric consumption, "kwh"', () => {
    const parsed = parseIntervalData({
      start_interval: '2022-10-1',
      end_interval: '2022-10-2',
      granularity: 'day',
      data: [{ start_interval: '2022-10-01T00:00:00.000Z', consumption: 123.5, consumption_units: 'kwh', meter_id: METER }],
    });
    expect(parsed.granularity).toBe('day');
    expect(parsed.rows).toEqual([{ start: new Date('2022-10-01T00:00:00.000Z'), kwh: 123.5, meterId: METER, meterNumber: undefined }]);
  });

  it('skips rows without a usable number (they become gaps, not zeros) and converts Wh', () => {
    const parsed = parseIntervalData({
      data: [
        { start_interval: '2023-01-01T00:00:00.000Z', consumption: '', consumption_units: 'kWh' },
        { start_interval: '2023-01-01T00:30:00.000Z', consumption: 'n/a' },
        { start_interval: '2023-01-01T01:00:00.000Z', consumption: '250', consumption_units: 'Wh' },
      ],
    });
    expect(parsed.rows.map((row) => row.kwh)).toEqual([0.25]);
  });

  it('refuses a body that is not interval data with UPSTREAM_UNAVAILABLE', () => {
    for (const body of [null, 'text', { data: 'x' }, { data: [{ start_interval: 'yesterday', consumption: '1' }] }]) {
      expect(() => parseIntervalData(body)).toThrowError(GridgraphError);
    }
  });
});

describe('OpenvoltClient', () => {
  it('lists and fetches customers, following page and page_size', async () => {
    const firstPage = await client.listCustomers({ page: 1, pageSize: 3 });
    const secondPage = await client.listCustomers({ page: 2, pageSize: 3 });
    expect(firstPage).toHaveLength(3);
    expect(secondPage).toHaveLength(1);
    const customer = await client.getCustomer(CUSTOMER);
    expect(customer._id).toBe(CUSTOMER);
    expect(await client.listCustomers({ email: customer.email, page: 1, pageSize: 20 })).toHaveLength(1);
  });

  it('fetches a meter as one object with its customer embedded', async () => {
    const meter = await client.getMeter(METER);
    expect(meter).toMatchObject({ _id: METER, meter_number: '9999999999999', customer: { _id: CUSTOMER } });
  });

  it('lists every meter across pages with listAllMeters', async () => {
    // Every seeded meter (the seed's page size is Openvolt's largest, so one call).
    expect(await client.listAllMeters({})).toHaveLength(seedRecords(new Date()).meters.size);
    expect(simulator.callCount('GET', '/v1/meters')).toBe(1);
    const sameNumber = await client.listAllMeters({ meter_number: '9999999999999' });
    expect(sameNumber.map((meter) => meter.customer_id).sort()).toHaveLength(2);
  });

  it('creates, updates, re-consents and deletes a meter and a customer', async () => {
    const customer = await client.createCustomer({ name: 'Dock 4', email: 'dock4@example.com' });
    expect(customer).toMatchObject({ name: 'Dock 4', email: 'dock4@example.com' });
    expect((await client.updateCustomer(customer._id, { address: 'Dock Road 4' })).address).toBe('Dock Road 4');

    const evidence = await client.uploadDocument({
      name: 'Dock 4 LOA',
      purpose: 'consent_evidence',
      file: { bytes: Buffer.from('%PDF-1.4 LOA'), fileName: 'loa.pdf', contentType: 'application/pdf' },
    });
    const consent = await client.createConsent({
      customer_id: customer._id,
      type: 'interval',
      start_date: '2026-01-01',
      end_date: '2026-12-31',
      evidence_document_id: evidence._id,
    });
    const meter = await client.createMeter({ customer_id: customer._id, meter_number: '1900000000011', data_source: 'dcc' });
    expect(meter.status).toBe('inactive');
    const consented = await client.updateMeterConsent(meter._id, consent._id);
    expect(consented).toMatchObject({ status: 'active', consent_id: consent._id });
    expect((await client.updateMeter(meter._id, { description: 'Cold room' })).description).toBe('Cold room');
    expect((await client.archiveConsent(consent._id)).status).toBe('archived');
    expect(await client.listConsents({ customer_id: customer._id, page: 1, pageSize: 20 })).toHaveLength(1);

    await client.deleteMeter(meter._id);
    await expect(client.getMeter(meter._id)).rejects.toMatchObject({ extensions: { code: 'NOT_FOUND' } });
    await client.deleteCustomer(customer._id);
    await expect(client.getCustomer(customer._id)).rejects.toMatchObject({ extensions: { code: 'NOT_FOUND' } });
    expect(simulator.callCount('POST', '/v1/meters')).toBe(1);
  });

  it('reads interval data by meter id or by meter number + customer id, filtered to the window', async () => {
    const from = new Date('2026-06-01T00:00:00Z');
    const to = new Date('2026-06-01T03:00:00Z');
    const byId = await client.intervalData({ meterId: METER }, 'hh', { from, to });
    const byNumber = await client.intervalData({ meterNumber: '9999999999999', customerId: CUSTOMER }, 'hh', { from, to });
    expect(byId.rows).toHaveLength(6);
    expect(byNumber.rows).toEqual(byId.rows);
    expect(byId.rows.every((row) => row.start >= from && row.start < to && row.kwh > 0)).toBe(true);
  });

  it('reads coarser granularities and a lookback window', async () => {
    const week = await client.intervalData({ meterId: METER }, 'day', { lookback: '1w', to: new Date('2026-06-08T00:00:00Z') });
    expect(week.granularity).toBe('day');
    expect(week.rows.map((row) => row.start.toISOString())).toEqual([
      '2026-06-01T00:00:00.000Z',
      '2026-06-02T00:00:00.000Z',
      '2026-06-03T00:00:00.000Z',
      '2026-06-04T00:00:00.000Z',
      '2026-06-05T00:00:00.000Z',
      '2026-06-06T00:00:00.000Z',
      '2026-06-07T00:00:00.000Z',
    ]);
    const halfHours = await client.intervalData({ meterId: METER }, 'hh', {
      from: new Date('2026-06-01T00:00:00Z'),
      to: new Date('2026-06-02T00:00:00Z'),
    });
    const dayTotal = halfHours.rows.reduce((sum, row) => sum + row.kwh, 0);
    expect(week.rows[0]!.kwh).toBeCloseTo(dayTotal, 6);
  });

  it('filters meters by the spec’s filters', async () => {
    const noConsent = await client.listMeters({ missing_consent: true, page: 1, pageSize: 100 });
    const inactive = await client.listMeters({ status: 'inactive', page: 1, pageSize: 100 });
    expect(noConsent.length).toBeGreaterThan(0);
    expect(noConsent.every((meter) => meter.validity_state?.missing_consent === true)).toBe(true);
    expect(inactive.every((meter) => meter.status === 'inactive')).toBe(true);
    const dcc = await client.listMeters({ data_source: 'dcc', page: 1, pageSize: 100 });
    expect(dcc.length).toBeGreaterThan(0);
    expect(dcc.every((meter) => meter.data_source === 'dcc')).toBe(true);
  });
});

describe('OpenvoltClient documents and Dutch meters', () => {
  it('uploads a document as the spec’s multipart form, and reads it back', async () => {
    const bytes = Buffer.from([0x25, 0x50, 0x44, 0x46, 0x00, 0xff, 0x10]); // binary, not text
    const created = await client.uploadDocument({
      name: 'LOA Dock 4',
      purpose: 'consent_evidence',
      metadata: { site: 'dock-4', kind: 'loa' },
      file: { bytes, fileName: 'loa-dock-4.pdf', contentType: 'application/pdf' },
    });
    expect(created).toMatchObject({
      name: 'LOA Dock 4',
      purpose: 'consent_evidence',
      metadata: { site: 'dock-4', kind: 'loa' },
      file_name: 'loa-dock-4.pdf',
      content_type: 'application/pdf',
      size: bytes.length,
    });
    expect(await client.getDocument(created._id)).toEqual(created);
    const file = await fetch(`${simulator.url}/v1/documents/${created._id}/file`, { headers: { 'x-api-key': OPENVOLT_SIMULATOR_API_KEY } });
    expect(Buffer.from(await file.arrayBuffer())).toEqual(bytes);
    expect(await client.listDocuments({ metadata: { site: 'dock-4' }, page: 1, pageSize: 20 })).toEqual([created]);
    expect(simulator.callCount('POST', '/v1/documents')).toBe(1);
  });

  it('sends provider_info and notes when registering, and keeps none of the Dutch source’s credentials', async () => {
    const meter = await client.createMeter({
      customer_id: CUSTOMER,
      meter_number: '871687120000009999',
      data_source: 'kenter',
      notes: [{ content: 'Gas meter in the boiler room', author: 'ops' }],
      provider_info: {
        postal_code: '1012AB',
        ean: '871687120000009999',
        meter_type: 'gas',
        username: 'kenter-user',
        password: 'hunter2-kenter',
      },
    });
    expect(meter.provider_info).toEqual({ postal_code: '1012AB', ean: '871687120000009999', meter_type: 'gas' });
    expect(meter.notes).toEqual([{ content: 'Gas meter in the boiler room', author: 'ops' }]);
    // Openvolt did receive the credentials: it answers them back, and the connector drops them on every read.
    const raw = await fetch(`${simulator.url}/v1/meters/${meter._id}`, { headers: { 'x-api-key': OPENVOLT_SIMULATOR_API_KEY } });
    expect(((await raw.json()) as { provider_info: Record<string, string> }).provider_info.password).toBe('hunter2-kenter');
    expect(JSON.stringify(await client.getMeter(meter._id))).not.toContain('hunter2-kenter');
    expect(JSON.stringify(await client.listMeters({ meter_number: '871687120000009999', page: 1, pageSize: 20 }))).not.toContain(
      'kenter-user',
    );
  });
});

describe('OpenvoltClient list filters on the wire', () => {
  /** A stand-in for Openvolt that records each request's path and query and answers an empty list. */
  async function recordingOpenvolt() {
    const requests: URL[] = [];
    const server = createServer((req: IncomingMessage, res) => {
      requests.push(new URL(req.url!, 'http://openvolt.test'));
      res.setHeader('content-type', 'application/json');
      res.end('{"data":[]}');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
    const recorded = new OpenvoltClient({ baseUrl: url, apiKey: 'k', calls: { timeoutMs: 5_000, concurrency: 1, retries: 0 } });
    return { client: recorded, requests, close: () => new Promise((resolve) => server.close(resolve)) };
  }

  it('sends metadata as deepObject, and every meter, consent, customer and document filter by the spec’s name', async () => {
    const openvolt = await recordingOpenvolt();
    try {
      await openvolt.client.listMeters({
        metadata: { site: 'Dock 4', 'cost centre': 'CC-1' },
        last_data_pull_date: '2026-06-14',
        last_data_pull_status: 'success',
        missing_consent: false,
        page: 2,
        pageSize: 50,
      });
      await openvolt.client.listConsents({
        name: 'LOA 2026',
        start_date: '2026-01-01',
        end_date: '2026-12-31',
        sort_by: 'end_date',
        metadata: { crm: 'x' },
        page: 1,
        pageSize: 20,
      });
      await openvolt.client.listCustomers({ metadata: { segment: 'retail' }, page: 1, pageSize: 20 });
      await openvolt.client.listDocuments({ name: 'LOA', purpose: 'consent_evidence', page: 1, pageSize: 20 });
      const [meters, consents, customers, documents] = openvolt.requests;
      expect(meters!.pathname).toBe('/v1/meters');
      expect([...meters!.searchParams]).toEqual([
        ['last_data_pull_date', '2026-06-14'],
        ['last_data_pull_status', 'success'],
        ['missing_consent', 'false'],
        ['metadata[site]', 'Dock 4'],
        ['metadata[cost centre]', 'CC-1'],
        ['page', '2'],
        ['page_size', '50'],
      ]);
      expect(consents!.pathname).toBe('/v1/consents');
      expect(Object.fromEntries(consents!.searchParams)).toEqual({
        name: 'LOA 2026',
        start_date: '2026-01-01',
        end_date: '2026-12-31',
        sort_by: 'end_date',
        'metadata[crm]': 'x',
        page: '1',
        page_size: '20',
      });
      expect(Object.fromEntries(customers!.searchParams)).toEqual({ 'metadata[segment]': 'retail', page: '1', page_size: '20' });
      expect(Object.fromEntries(documents!.searchParams)).toEqual({ name: 'LOA', purpose: 'consent_evidence', page: '1', page_size: '20' });
    } finally {
      await openvolt.close();
    }
  });
});

/** Openvolt's readings contract (readings.ts) through the kit's pipeline: the calls and rows a series costs. */
function range(from: string, to: string, resolution: Resolution, timeZone = 'UTC'): ReadingRange {
  return Object.assign(new ReadingRange(), { from: new Date(from), to: new Date(to), resolution, timeZone });
}

const calls = () => simulator.callCount('GET', '/v1/interval-data');

describe('Openvolt readings', () => {
  it('a year by MONTH is one call of twelve month rows, and equals the year of half hours', async () => {
    const year = range('2025-06-01T00:00:00Z', '2026-06-01T00:00:00Z', Resolution.MONTH);
    const byMonth = await new TimeSeriesReader(openvoltReadings(client, 'UTC'), () => NOW.getTime()).series(METER, year);
    expect(calls()).toBe(1);
    expect(rows).toEqual({ month: 12 });
    expect(byMonth).toMatchObject({ count: 12, missing: 0, nativeResolution: Resolution.MONTH });

    const halfHours = await new TimeSeriesReader(openvoltReadings(client, null), () => NOW.getTime()).series(METER, year);
    expect(calls()).toBe(1 + 6); // 365 days of half hours: six calls of at most 62 days
    expect(rows.hh).toBe(365 * 48);
    expect(halfHours.values).toEqual(byMonth.values);
  });

  it('days in Europe/London come as day rows while they are UTC days, as half hours from the summer on', async () => {
    const spring = range('2026-03-22T00:00:00Z', '2026-04-05T00:00:00+01:00', Resolution.DAY, 'Europe/London');
    const series = await new TimeSeriesReader(openvoltReadings(client, 'UTC'), () => NOW.getTime()).series(METER, spring);
    expect(series.count).toBe(14);
    expect(series.missing).toBe(0);
    // 22–28 March are GMT days (7 day rows); 29 March (46 half hours) to 4 April are not.
    expect(rows).toEqual({ day: 7, hh: 46 + 6 * 48 });
    expect(calls()).toBe(2);
  });

  it('a range reaching past now fetches up to the last bucket that has ended', async () => {
    const june = range('2026-06-01T00:00:00Z', '2026-07-01T00:00:00Z', Resolution.DAY);
    const series = await new TimeSeriesReader(openvoltReadings(client, 'UTC'), () => NOW.getTime()).series(METER, june);
    expect(rows).toEqual({ day: 14 });
    expect(series.missing).toBe(30 - 14);
  });
});
