import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { GridgraphError } from '../../shared/graph/errors.js';
import { SHARED_METERING_POINTS } from '../../shared/simulator/index.js';
import { ReadingRange, Resolution, TimeSeriesReader } from '../../shared/time/index.js';
import { UmeterClient, parseCustomer, parseP4 } from './client.js';
import { parseMeasurements } from './measurements.js';
import { umeterReadings } from './readings.js';
import { UMETER_SIMULATOR_PASSWORD, UMETER_SIMULATOR_USERNAME, startUmeterSimulator, type UmeterSimulator } from './simulator/index.js';

/** The UMeter connector: real fixtures, Dutch local time, route choice, and login behaviour against the simulator. */

const fixture = (name: string): unknown => JSON.parse(readFileSync(new URL(`../../test/fixtures/${name}`, import.meta.url), 'utf8'));
const ZONE = 'Europe/Amsterdam';

describe('parsing UMeter’s real answers (test/fixtures, unchanged)', () => {
  it('reads customer.json: the customer, its address and the EAN', () => {
    const customer = parseCustomer(fixture('umeter-customer.json'));
    expect(customer.id).toBe('edfd586c-6b4c-437e-b5f2-08da95cd6b4d');
    expect(customer.addresses).toHaveLength(1);
    const [address] = customer.addresses;
    expect(address).toMatchObject({ id: 63232, title: 'Heuvellaan', city: 'Gouda', supplier: 'Eneco', energyContractEndsOn: '20321231' });
    expect(address!.eEan).toMatchObject({ ean: 'ean', pricePeak: 0.26119, priceOffPeak: 0.20976, peakHourEndsOn: 23 });
    expect(address!.devices).toEqual([{ id: 'ean', name: 'Main elec meter', type: 'mainelec' }]);
  });

  it('reads p4data.json: 96 quarter hours of 2022-09-28 in Dutch summer time, registers and cost', () => {
    const usage = parseP4(fixture('umeter-p4data.json'));
    expect(usage.intervals).toHaveLength(96);
    expect(usage.intervals[0]!.start).toEqual(new Date('2022-09-27T22:00:00Z'));
    expect(usage.intervals[0]!.end).toEqual(new Date('2022-09-27T22:15:00Z'));
    expect(usage.intervals.at(-1)!.end).toEqual(new Date('2022-09-28T22:00:00Z'));
    expect(usage.intervals[0]!.usage).toEqual({ r181: 0.02, r182: 0, r281: 0, r282: 0 });
    expect(usage.intervals[0]!.temperature).toBe(8);
    expect(usage.intervals[1]!.temperature).toBeNull();
    expect(usage.totalUsage).toEqual({ r181: 2.72, r182: 4.33, r281: 0, r282: 0 });
    expect(usage.beginReadings).toEqual({ r181: 6190, r182: 4707, r281: 0, r282: 0 });
    expect(usage.totalCostAmount).toBe(1.44);
    expect(usage.dataSource).toBe('Netbeheerder');
    // The intervals' import adds up to the reported totals.
    const low = usage.intervals.reduce((sum, interval) => sum + interval.usage.r181, 0);
    const normal = usage.intervals.reduce((sum, interval) => sum + interval.usage.r182, 0);
    expect(low + normal).toBeCloseTo(2.72 + 4.33, 6);
  });

  it('refuses an answer without the expected lists with UPSTREAM_UNAVAILABLE', () => {
    expect(() => parseCustomer({ addresses: [] })).toThrow(GridgraphError);
    expect(() => parseP4({ totalUsage: {} })).toThrow(/aData/);
    expect(() => parseMeasurements({ data: [] })).toThrow(/meteringPoints/);
  });
});

describe('measurements', () => {
  it('parses a measurement body with the inferred shape, Wh or kWh, null as a gap', () => {
    const [series] = parseMeasurements({
      meteringPoints: [
        {
          meteringPointId: '871687120000000011',
          measurements: [
            {
              measKey: 'import',
              unit: 'Wh',
              values: [
                { timestamp: '2026-03-01T00:00:00', value: 1500 },
                { timestamp: '2026-03-02T00:00:00', value: null },
              ],
            },
          ],
        },
      ],
    });
    expect(series!.values).toEqual([
      { at: Date.parse('2026-02-28T23:00:00Z'), kwh: 1.5 },
      { at: Date.parse('2026-03-01T23:00:00Z'), kwh: null },
    ]);
  });
});

describe('choosing the measurement route', () => {
  /** A connector that answers nothing and writes down each call: route, period, EANs and keys. */
  function recordingReader() {
    const calls: string[] = [];
    const client = {
      async measurements(route: string, period: string, eans: string[], keys: string[]) {
        calls.push(`${route}/${period} ${eans.join(',')} ${keys.join(',')}`);
        return [];
      },
    } as unknown as UmeterClient;
    return { calls, reader: new TimeSeriesReader(umeterReadings(client), () => Date.parse('2030-01-01T00:00:00Z')) };
  }
  const range = (from: string, to: string, resolution: Resolution, timeZone = ZONE) =>
    Object.assign(new ReadingRange(), { from: new Date(from), to: new Date(to), resolution, timeZone });
  const OFFICE = { ean: SHARED_METERING_POINTS.officeEan, measKey: 'import' as const };
  const SCHOOL = { ean: SHARED_METERING_POINTS.schoolEan, measKey: 'export' as const };

  it('takes the coarsest route whose values make up the asked buckets, one call per period for every EAN and key', async () => {
    const { calls, reader } = recordingReader();
    const year = range('2025-12-31T23:00:00Z', '2026-12-31T23:00:00Z', Resolution.MONTH);
    await Promise.all([reader.series(OFFICE, year), reader.series(SCHOOL, year)]);
    expect(calls).toEqual([`year/2026 ${OFFICE.ean},${SCHOOL.ean} export,import`]);
    calls.length = 0;
    await reader.series(OFFICE, range('2026-02-28T23:00:00Z', '2026-03-31T22:00:00Z', Resolution.DAY));
    expect(calls).toEqual([`month/202603 ${OFFICE.ean} import`]);
    calls.length = 0;
    await reader.series(OFFICE, range('2026-03-28T23:00:00Z', '2026-03-29T22:00:00Z', Resolution.HOUR));
    expect(calls).toEqual([`date/20260329 ${OFFICE.ean} import`]);
  });

  it('falls back to quarter hours when months in another zone do not line up with Dutch months, and says how to ask for more', async () => {
    const { calls, reader } = recordingReader();
    await reader.series(OFFICE, range('2026-03-01T00:00:00Z', '2026-04-01T00:00:00Z', Resolution.MONTH, 'UTC'));
    expect(calls).toHaveLength(32); // the Dutch days 1 March to 1 April
    expect(calls.every((call) => call.startsWith('date/'))).toBe(true);
    await expect(reader.series(OFFICE, range('2026-01-01T00:00:00Z', '2027-01-01T00:00:00Z', Resolution.MONTH, 'UTC'))).rejects.toThrow(
      /at most 31 days.*with timeZone "Europe\/Amsterdam" up to 3660 days are served/,
    );
  });
});

describe('logging in', () => {
  let simulator: UmeterSimulator;
  let now = Date.parse('2026-06-01T12:00:00Z');

  const client = (password = UMETER_SIMULATOR_PASSWORD) =>
    new UmeterClient({
      authUrl: simulator.url,
      appUrl: simulator.url,
      measurementsUrl: simulator.url,
      username: UMETER_SIMULATOR_USERNAME,
      password,
      calls: { timeoutMs: 5_000, concurrency: 4, retries: 0 },
      now: () => now,
    });

  beforeAll(async () => {
    simulator = await startUmeterSimulator({ port: 0, tokenLifetimeSeconds: 600 });
  });
  afterAll(async () => {
    await simulator.stop();
  });
  beforeEach(() => simulator.reset());

  it('concurrent requests share one login', async () => {
    const umeter = client();
    const eans = [SHARED_METERING_POINTS.officeEan];
    await Promise.all([
      umeter.getCustomer(),
      umeter.getCustomer(),
      umeter.measurements('date', '20260329', eans, ['import']),
      umeter.p4(eans[0]!, '20260329', '20260330'),
    ]);
    expect(simulator.callCount('POST', '/token')).toBe(1);
    expect(umeter.tokens.obtained).toBe(1);
  });

  it('logs in again before the token expires, without a refused request', async () => {
    const umeter = client();
    await umeter.getCustomer();
    now += 580_000; // within the 30 s renewal margin of the 600 s lifetime
    await umeter.getCustomer();
    expect(simulator.callCount('POST', '/token')).toBe(2);
    expect(simulator.callCount('GET', '/api/customer')).toBe(2);
  });

  it('after a 401 logs in once more and repeats the request', async () => {
    const umeter = client();
    await umeter.getCustomer();
    simulator.expireTokens();
    const customer = await umeter.getCustomer();
    expect(customer.addresses).toHaveLength(4);
    expect(simulator.callCount('POST', '/token')).toBe(2);
    expect(simulator.callCount('GET', '/api/customer')).toBe(3);
  });

  it('a wrong password is UPSTREAM_REJECTED naming the settings, never the password; the login is not retried', async () => {
    const wrong = 'test-wrong-umeter-password-8c1f';
    const error = await client(wrong)
      .getCustomer()
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(GridgraphError);
    expect((error as GridgraphError).extensions).toMatchObject({ code: 'UPSTREAM_REJECTED', provider: 'UMETER', upstreamStatus: 400 });
    expect((error as GridgraphError).message).toMatch(/UMETER_USERNAME and UMETER_PASSWORD/);
    expect(JSON.stringify((error as GridgraphError).toJSON())).not.toContain(wrong);
    expect(simulator.callCount('POST', '/token')).toBe(1);
    expect(simulator.callCount('GET', '/api/customer')).toBe(0);
  });

  it('the simulator answers a wrong password with 400 and an OAuth error', async () => {
    const response = await fetch(`${simulator.url}/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'password', username: UMETER_SIMULATOR_USERNAME, password: 'nope' }),
    });
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ error: 'invalid_grant' });
  });

  it('the simulator accepts the seed’s literal login: a form body labelled application/json', async () => {
    const seedLogin = (body: string) =>
      fetch(`${simulator.url}/token`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
    const form = new URLSearchParams({ grant_type: 'password', username: UMETER_SIMULATOR_USERNAME, password: UMETER_SIMULATOR_PASSWORD });
    const accepted = await seedLogin(form.toString());
    expect(accepted.status).toBe(200);
    expect(await accepted.json()).toMatchObject({ token_type: 'bearer', userName: UMETER_SIMULATOR_USERNAME });
    // A real JSON object still logs in; a body that is neither is refused as OWIN refuses it.
    expect((await seedLogin(JSON.stringify(Object.fromEntries(form)))).status).toBe(200);
    const garbled = await seedLogin('{"grant_type": ');
    expect(garbled.status).toBe(400);
    expect(await garbled.json()).toEqual({ error: 'unsupported_grant_type' });
    expect(simulator.callCount('POST', '/token')).toBe(3);
  });

  it('the connector logs in with a form body labelled as one (what both readings of the seed accept)', async () => {
    const seen: Array<{ contentType?: string; body: string }> = [];
    const auth = createServer((req, res) => {
      let body = '';
      req.on('data', (chunk: Buffer) => (body += chunk.toString()));
      req.on('end', () => {
        seen.push({ contentType: req.headers['content-type'], body });
        res.setHeader('content-type', 'application/json');
        res.end(JSON.stringify({ access_token: 'recorded-token', token_type: 'bearer', expires_in: 600 }));
      });
    });
    await new Promise<void>((resolve) => auth.listen(0, '127.0.0.1', resolve));
    try {
      const authUrl = `http://127.0.0.1:${(auth.address() as AddressInfo).port}`;
      const umeter = new UmeterClient({
        authUrl,
        appUrl: simulator.url,
        measurementsUrl: simulator.url,
        username: UMETER_SIMULATOR_USERNAME,
        password: UMETER_SIMULATOR_PASSWORD,
        calls: { timeoutMs: 5_000, concurrency: 1, retries: 0 },
      });
      expect(await umeter.tokens.get()).toBe('recorded-token');
      expect(seen).toHaveLength(1);
      expect(seen[0]!.contentType).toBe('application/x-www-form-urlencoded');
      expect(Object.fromEntries(new URLSearchParams(seen[0]!.body))).toEqual({
        grant_type: 'password',
        username: UMETER_SIMULATOR_USERNAME,
        password: UMETER_SIMULATOR_PASSWORD,
      });
    } finally {
      await new Promise((resolve) => auth.close(resolve));
    }
  });

  it('one measurement call carries several EANs and both keys', async () => {
    const eans = [SHARED_METERING_POINTS.officeEan, SHARED_METERING_POINTS.schoolEan];
    const series = await client().measurements('month', '202606', eans, ['import', 'export']);
    expect(series.map((entry) => `${entry.meteringPointId}:${entry.measKey}:${entry.values.length}`)).toEqual([
      `${eans[0]}:import:30`,
      `${eans[0]}:export:30`,
      `${eans[1]}:import:30`,
      `${eans[1]}:export:30`,
    ]);
    expect(simulator.callCount('GET', '/api/v2/measurements/month/:period')).toBe(1);
  });
});

describe('the simulator’s clock', () => {
  let simulator: UmeterSimulator;
  // 12:07 in Amsterdam (CEST) on 15 June 2026.
  const NOW = Date.parse('2026-06-15T10:07:00Z');

  beforeAll(async () => {
    simulator = await startUmeterSimulator({ port: 0, now: () => new Date(NOW) });
  });
  afterAll(async () => {
    await simulator.stop();
  });

  it('serves no value for an interval that has not ended: not this quarter hour, not today, not this month', async () => {
    const umeter = new UmeterClient({
      authUrl: simulator.url,
      appUrl: simulator.url,
      measurementsUrl: simulator.url,
      username: UMETER_SIMULATOR_USERNAME,
      password: UMETER_SIMULATOR_PASSWORD,
      calls: { timeoutMs: 5_000, concurrency: 4, retries: 0 },
    });
    const eans = [SHARED_METERING_POINTS.officeEan];
    const count = async (route: 'date' | 'month' | 'year', period: string) =>
      (await umeter.measurements(route, period, eans, ['import']))[0]!.values.length;
    expect(await count('date', '20260615')).toBe(12 * 4); // 00:00–12:00 local
    expect(await count('date', '20260616')).toBe(0);
    expect(await count('month', '202606')).toBe(14);
    expect(await count('year', '2026')).toBe(5);
  });
});
