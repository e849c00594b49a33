import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { GridgraphError } from '../../shared/graph/errors.js';
import { MemoryStore } from '../../shared/store/index.js';
import { EnerkeyClient, checkPush, stamp } from './client.js';
import { ENERKEY_SIMULATOR_KEYS, startEnerkeySimulator, type EnerkeySimulator } from './simulator/index.js';

/** The EnerKey connector against the simulator: auth, budget, batching, push, actions, images, provisioning. */

const NOW = new Date('2026-06-15T12:00:00Z');
const OFFICE_ELECTRICITY = 20001;
const OFFICE_HEAT = 20002;

let simulator: EnerkeySimulator;

function client(keys: string[] = [ENERKEY_SIMULATOR_KEYS.primary]): EnerkeyClient {
  return new EnerkeyClient({
    baseUrl: simulator.url,
    keys: keys.map((key) => ({ key })),
    calls: { timeoutMs: 5_000, concurrency: 4, retries: 0 },
    now: () => NOW.getTime(),
  });
}

async function failure(promise: Promise<unknown>): Promise<GridgraphError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(GridgraphError);
  return error as GridgraphError;
}

beforeAll(async () => {
  simulator = await startEnerkeySimulator({ port: 0, now: () => NOW, dailyLimit: 4 });
});
afterAll(async () => {
  await simulator.stop();
});
beforeEach(() => simulator.reset());

describe('API keys', () => {
  it('sends the raw key in Authorization; a wrong or expired key is refused', async () => {
    expect((await client().facilities()).length).toBe(4);
    const wrong = await failure(client(['not-a-key']).facilities());
    expect(wrong.code).toBe('UPSTREAM_REJECTED');
    const expired = await failure(client([ENERKEY_SIMULATOR_KEYS.expired]).facilities());
    expect(expired.code).toBe('UPSTREAM_REJECTED');
    expect(expired.message).toContain('expired on 2023-12-31');
    expect(expired.message).not.toContain(ENERKEY_SIMULATOR_KEYS.expired);
  });

  it('rotates to the second key when the first is refused as expired', async () => {
    const rotating = client([ENERKEY_SIMULATOR_KEYS.expired, ENERKEY_SIMULATOR_KEYS.secondary]);
    expect((await rotating.quantities()).map((q) => q.name)).toContain('Electricity');
    expect(rotating.keys.activeKey).toBe(1);
    expect(simulator.callCount('GET', '/api/v1/quantities')).toBe(2);
    await rotating.quantities();
    expect(simulator.callCount('GET', '/api/v1/quantities')).toBe(3); // no second try of the expired key
  });
});

describe('request budget (X-Rate-Limit)', () => {
  it('tracks the calls left, refuses without calling once spent, and rotates to the second key', async () => {
    const single = client();
    for (let i = 0; i < 4; i++) await single.quantities();
    expect((await single.keys.budget(0)).remaining).toBe(0);
    expect(simulator.remainingBudget(ENERKEY_SIMULATOR_KEYS.primary)).toBe(0);
    const spent = await failure(single.quantities());
    expect(spent.code).toBe('UPSTREAM_RATE_LIMITED');
    expect(spent.extensions.retryAfter).toBe(86_400);
    expect(simulator.callCount('GET', '/api/v1/quantities')).toBe(4);

    simulator.reset();
    const pair = client([ENERKEY_SIMULATOR_KEYS.primary, ENERKEY_SIMULATOR_KEYS.secondary]);
    for (let i = 0; i < 8; i++) await pair.quantities();
    expect(pair.keys.activeKey).toBe(1);
    expect(simulator.remainingBudget(ENERKEY_SIMULATOR_KEYS.secondary)).toBe(0);
    expect((await failure(pair.quantities())).code).toBe('UPSTREAM_RATE_LIMITED');
    expect(simulator.callCount('GET', '/api/v1/quantities')).toBe(8);
  });

  it('a 429 from EnerKey (budget spent by another process) spends the key', async () => {
    const other = client();
    for (let i = 0; i < 4; i++) await other.quantities();
    const fresh = client();
    const limited = await failure(fresh.quantities());
    expect(limited.code).toBe('UPSTREAM_RATE_LIMITED');
    expect((await failure(fresh.quantities())).code).toBe('UPSTREAM_RATE_LIMITED');
    expect(simulator.callCount('GET', '/api/v1/quantities')).toBe(5);
  });
});

describe('values', () => {
  let big: EnerkeySimulator;
  beforeAll(async () => {
    big = await startEnerkeySimulator({ port: 0, now: () => NOW });
  });
  afterAll(async () => {
    await big.stop();
  });
  function bigClient() {
    return new EnerkeyClient({
      baseUrl: big.url,
      keys: [{ key: ENERKEY_SIMULATOR_KEYS.primary }],
      calls: { timeoutMs: 5_000, concurrency: 4, retries: 0 },
    });
  }

  it('asks for 50 meters per call at most', async () => {
    const ids = Array.from({ length: 120 }, (_, i) => 20001 + i);
    const series = await bigClient().values('hourly', ids, new Date('2026-01-01T00:00:00Z'), new Date('2026-01-01T03:00:00Z'));
    expect(big.callCount('GET', '/api/v1/values/hourly')).toBe(3);
    // Unknown meters are left out of the answer.
    expect(series.map((s) => s.meterId)).toEqual([20001, 20002, 20003, 20011, 20012, 20021, 20022, 20031, 20032, 20033, 20034]);
    expect(series[0]!.values.map((v) => v.timestamp.toISOString())).toEqual([
      '2026-01-01T00:00:00.000Z',
      '2026-01-01T01:00:00.000Z',
      '2026-01-01T02:00:00.000Z',
    ]);
  });

  it('answers in the form asked: UTC or offset', async () => {
    const [offset] = await bigClient().rawValues('hourly', [OFFICE_ELECTRICITY], '2026-01-01T00:00:00+02:00', '2026-01-01T02:00:00+02:00');
    expect(offset!.values.map((v) => v.timestamp)).toEqual(['2026-01-01T00:00:00+02:00', '2026-01-01T01:00:00+02:00']);
    const [utc] = await bigClient().rawValues('hourly', [OFFICE_ELECTRICITY], '2025-12-31T22:00:00Z', '2026-01-01T00:00:00Z');
    expect(utc!.values.map((v) => v.timestamp)).toEqual(['2025-12-31T22:00:00Z', '2025-12-31T23:00:00Z']);
    expect(utc!.values.map((v) => v.value)).toEqual(offset!.values.map((v) => v.value));
  });

  it('monthly values are the sums of the hours; normalized ones are scaled per month', async () => {
    const c = bigClient();
    const from = new Date('2026-02-01T00:00:00Z');
    const to = new Date('2026-03-01T00:00:00Z');
    const [hourly] = await c.values('hourly', [OFFICE_ELECTRICITY], from, to);
    const [monthly] = await c.values('monthly', [OFFICE_ELECTRICITY], from, to);
    const [normalized] = await c.values('normalized', [OFFICE_ELECTRICITY], from, to);
    const sum = hourly!.values.reduce((total, v) => total + v.value, 0);
    expect(hourly!.values.length).toBe(28 * 24);
    expect(monthly!.values).toHaveLength(1);
    expect(monthly!.values[0]!.value).toBeCloseTo(sum, 3);
    expect(normalized!.values[0]!.value).not.toBe(monthly!.values[0]!.value);
  });
});

describe('push', () => {
  it('sums values within one hour and shows them in the values', async () => {
    const c = client([ENERKEY_SIMULATOR_KEYS.primary, ENERKEY_SIMULATOR_KEYS.secondary]);
    const result = await c.pushConsumptions(OFFICE_ELECTRICITY, [
      { timestamp: new Date('2020-05-01T10:00:00Z'), value: 1.5 },
      { timestamp: new Date('2020-05-01T10:00:00Z'), value: 2 },
      { timestamp: new Date('2020-05-01T11:00:00Z'), value: 4 },
    ]);
    expect(result.hoursWritten).toBe(2);
    const [series] = await c.values('hourly', [OFFICE_ELECTRICITY], new Date('2020-05-01T09:00:00Z'), new Date('2020-05-01T13:00:00Z'));
    expect(series!.values.map((v) => [v.timestamp.toISOString(), v.value])).toEqual([
      ['2020-05-01T10:00:00.000Z', 3.5],
      ['2020-05-01T11:00:00.000Z', 4],
    ]);
  });

  it('differences cumulative readings into hourly consumption', async () => {
    const c = client([ENERKEY_SIMULATOR_KEYS.primary, ENERKEY_SIMULATOR_KEYS.secondary]);
    await c.pushCumulativeReadings(OFFICE_HEAT, [
      { timestamp: new Date('2020-05-01T00:00:00Z'), value: 100 },
      { timestamp: new Date('2020-05-01T01:00:00Z'), value: 100.25 },
      { timestamp: new Date('2020-05-01T03:00:00Z'), value: 101.25 },
    ]);
    const [series] = await c.values('hourly', [OFFICE_HEAT], new Date('2020-05-01T00:00:00Z'), new Date('2020-05-01T04:00:00Z'));
    expect(series!.values.map((v) => v.value)).toEqual([0.25, 0.5, 0.5]);
  });

  it('refuses a bad push before sending it', () => {
    const at = (iso: string, value: number) => ({ timestamp: new Date(iso), value });
    expect(() => checkPush([at('2020-01-01T00:30:00Z', 1)], false)).not.toThrow();
    expect(() => checkPush([at('2020-01-01T00:00:00Z', Number.NaN)], false)).toThrow(/finite number/);
    expect(() => checkPush([at('2020-01-01T00:00:00Z', 1), at('2021-01-01T00:00:00Z', 1)], false)).toThrow(/at most 365 days/);
    expect(() => checkPush([at('2020-01-01T00:00:00Z', 1), at('2020-12-30T23:59:59Z', 1)], false)).not.toThrow();
    expect(() => checkPush([at('2020-01-01T00:59:00Z', 1), at('2020-12-31T00:00:00Z', 1)], false)).toThrow(/at most 365 days/);
    expect(() => checkPush([at('2020-01-01T00:00:00Z', 5), at('2020-01-01T01:00:00Z', 4)], true)).toThrow(/never runs backwards/);
    expect(() => checkPush([], true)).toThrow(/at least one/);
  });

  it('refuses a push beyond the physical bound: an hour’s value, or a register’s step per hour', () => {
    const at = (iso: string, value: number) => ({ timestamp: new Date(iso), value });
    const bounds = { maxKwhPerHour: 100 };
    expect(() => checkPush([at('2020-01-01T00:00:00Z', 100)], false, bounds)).not.toThrow();
    expect(() => checkPush([at('2020-01-01T00:00:00Z', -101)], false, bounds)).toThrow(/more than an hour can hold/);
    expect(() => checkPush([at('2020-01-01T00:00:00Z', 1.7e308)], false)).toThrow(/ENERKEY_MAX_KWH_PER_HOUR/);
    expect(() => checkPush([at('2020-01-01T00:00:00Z', 5e9), at('2020-01-01T03:00:00Z', 5e9 + 300)], true, bounds)).not.toThrow();
    expect(() => checkPush([at('2020-01-01T00:00:00Z', 5e9), at('2020-01-01T03:00:00Z', 5e9 + 301)], true, bounds)).toThrow(
      /than 3 hours can hold/,
    );
  });

  it('the simulator itself refuses what the connector would not send, writing nothing', async () => {
    const raw = await fetch(`${simulator.url}/api/v1/values/PushCumulativeReadingsForMeter`, {
      method: 'POST',
      headers: { authorization: ENERKEY_SIMULATOR_KEYS.secondary, 'content-type': 'application/json' },
      body: JSON.stringify({
        meterId: OFFICE_HEAT,
        readings: [
          { timestamp: '2020-05-01T00:00:00Z', value: 10 },
          { timestamp: '2020-05-01T01:00:00Z', value: 11 },
          { timestamp: '2020-05-01T02:00:00Z', value: 9 },
        ],
      }),
    });
    expect(raw.status).toBe(400);
    const [series] = await client([ENERKEY_SIMULATOR_KEYS.secondary]).values(
      'hourly',
      [OFFICE_HEAT],
      new Date('2020-05-01T00:00:00Z'),
      new Date('2020-05-01T03:00:00Z'),
    );
    expect(series!.values).toEqual([]);
  });
});

describe('actions, images, provisioning', () => {
  it('replaces an action as a whole', async () => {
    const c = client();
    const action = await c.action(501);
    const { modifiedAt: _at, ...rest } = action;
    const saved = await c.replaceAction({ ...rest, status: 'Completed', endDate: '2026-06-01' });
    expect(saved).toMatchObject({ id: 501, status: 'Completed', endDate: '2026-06-01', title: action.title });
    expect(saved.modifiedAt).toBe(NOW.toISOString());
  });

  it('renders a facility image as PNG or PDF', async () => {
    const c = client([ENERKEY_SIMULATOR_KEYS.primary, ENERKEY_SIMULATOR_KEYS.secondary]);
    const png = await c.facilityImage(1001, { format: 'png', layout: 'graph', colors: ['#ff0000', '00aa00'] });
    expect(png.mimeType).toBe('image/png');
    expect(png.bytes.subarray(1, 4).toString('latin1')).toBe('PNG');
    const pdf = await c.facilityImage(1001, { format: 'pdf', layout: 'report' });
    expect(pdf.bytes.subarray(0, 5).toString('latin1')).toBe('%PDF-');
  });

  it('provisioning: customer snapshots delete the missing, data answers 202 then 208', async () => {
    const c = client([ENERKEY_SIMULATOR_KEYS.primary, ENERKEY_SIMULATOR_KEYS.secondary]);
    const a = { productCode: 1000, externalCustomerName: 'A', externalCustomerId: 'a' };
    const b = { productCode: 1001, externalCustomerName: 'B', externalCustomerId: 'b' };
    expect(await c.upsertProvisioningCustomers([a, b])).toMatchObject({ created: 2, updated: 0, deleted: 0 });
    expect(await c.upsertProvisioningCustomers([a])).toMatchObject({ created: 0, updated: 1, deleted: 1, deletedCustomerIds: ['b'] });
    const data = {
      externalCustomerId: 'a',
      facilities: [{ externalFacilityId: 'f1', name: 'F1', meters: [{ externalMeterId: 'm1', name: 'M1', quantityId: 1 }] }],
    };
    const first = await c.upsertProvisioningData(data);
    const again = await c.upsertProvisioningData(data);
    expect(first.alreadyProcessed).toBe(false);
    expect(again).toEqual({ provisioningId: first.provisioningId, alreadyProcessed: true });
    expect(await c.provisioningStatus(first.provisioningId)).toMatchObject({ status: 'Completed', facilitiesCreated: 1, metersCreated: 1 });
  });
});

describe('keys with validity dates', () => {
  const DAY = 86_400_000;
  function ring(keys: Array<{ key: string; validFrom?: number; validUntil?: number }>, now: () => number, extra = {}) {
    return new EnerkeyClient({ baseUrl: simulator.url, keys, calls: { timeoutMs: 5_000, concurrency: 4, retries: 0 }, now, ...extra });
  }

  it('moves to the other key before the one in use expires', async () => {
    const at = NOW.getTime();
    const c = ring(
      [
        { key: ENERKEY_SIMULATOR_KEYS.primary, validUntil: at + 3 * DAY },
        { key: ENERKEY_SIMULATOR_KEYS.secondary, validUntil: at + 300 * DAY },
      ],
      () => at,
      { renewalMarginMs: 7 * DAY },
    );
    await c.quantities();
    expect(c.keys.activeKey).toBe(1);
    expect(simulator.remainingBudget(ENERKEY_SIMULATOR_KEYS.primary)).toBe(4); // never used
    expect(c.keys.validity()).toMatchObject({
      expiring: false,
      credentials: [{ name: 'primary', comfortable: false }, { comfortable: true }],
    });
  });

  it('uses neither key outside its dates; says so without sending', async () => {
    const at = NOW.getTime();
    const c = ring(
      [
        { key: ENERKEY_SIMULATOR_KEYS.primary, validUntil: at - DAY },
        { key: ENERKEY_SIMULATOR_KEYS.secondary, validFrom: at + DAY },
      ],
      () => at,
    );
    const error = await failure(c.quantities());
    expect(error.code).toBe('UPSTREAM_REJECTED');
    expect(error.message).toMatch(/primary expired at .*secondary is valid from/);
    expect(simulator.stats().total).toBe(0);
    expect(c.keys.validity().expiring).toBe(true);
  });

  it('when both keys are near their end it keeps serving, and tells the operator once (log)', async () => {
    const at = NOW.getTime();
    const c = ring(
      [
        { key: ENERKEY_SIMULATOR_KEYS.primary, validUntil: at + 2 * DAY },
        { key: ENERKEY_SIMULATOR_KEYS.secondary, validUntil: at + 3 * DAY },
      ],
      () => at,
      { renewalMarginMs: 7 * DAY },
    );
    const lines: string[] = [];
    vi.stubEnv('LOG_LEVEL', 'warn');
    vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => lines.push(String(chunk)) > 0);
    try {
      await c.quantities();
      await c.quantities();
    } finally {
      vi.restoreAllMocks();
      vi.unstubAllEnvs();
    }
    const warnings = lines.filter((line) => line.includes('near the end of its validity'));
    expect(warnings).toHaveLength(1);
    expect(JSON.parse(warnings[0]!)).toMatchObject({
      level: 'warn',
      keys: [{ name: 'primary', secondsLeft: 172_800 }, { name: 'secondary' }],
    });
    expect(warnings[0]).not.toContain(ENERKEY_SIMULATOR_KEYS.primary);
    expect(c.keys.validity().expiring).toBe(true);
    expect(simulator.callCount('GET', '/api/v1/quantities')).toBe(2);
  });

  it('a refused key rests for the pause (the error keeps EnerKey’s reason, nothing is sent), then is tried again', async () => {
    let at = NOW.getTime();
    const c = ring([{ key: ENERKEY_SIMULATOR_KEYS.expired }], () => at, { refusedKeyPauseMs: 60_000 });
    const first = await failure(c.quantities());
    expect(first.code).toBe('UPSTREAM_REJECTED');
    expect(first.message).toContain('expired on 2023-12-31');
    expect((await c.keys.budget(0)).refusedUntil).toBe(at + 60_000);
    const resting = await failure(c.quantities());
    expect(resting.message).toMatch(/primary was refused \(The API key expired on 2023-12-31\) and is tried again after/);
    expect(simulator.callCount('GET', '/api/v1/quantities')).toBe(1);
    at += 60_001;
    await failure(c.quantities());
    expect(simulator.callCount('GET', '/api/v1/quantities')).toBe(2);
  });

  it('while one key rests the other serves', async () => {
    const c = ring([{ key: ENERKEY_SIMULATOR_KEYS.expired }, { key: ENERKEY_SIMULATOR_KEYS.secondary }], () => NOW.getTime());
    await c.quantities(); // refused, then the second key
    await c.quantities(); // the second key only
    expect(simulator.callCount('GET', '/api/v1/quantities')).toBe(3);
  });
});

describe('burst limit', () => {
  let bursty: EnerkeySimulator;
  let simulatorNow = NOW.getTime();
  beforeAll(async () => {
    bursty = await startEnerkeySimulator({ port: 0, now: () => new Date(simulatorNow), burst: { limit: 3, windowMs: 10_000 } });
  });
  afterAll(async () => {
    await bursty.stop();
  });
  beforeEach(() => {
    bursty.reset();
    simulatorNow = NOW.getTime();
  });
  const LIMIT = { limit: 3, windowMs: 10_000 };
  function burstClient(now: () => number, options: { store?: MemoryStore; burst?: typeof LIMIT } = { burst: LIMIT }) {
    return new EnerkeyClient({
      baseUrl: bursty.url,
      keys: [{ key: ENERKEY_SIMULATOR_KEYS.primary }],
      calls: { timeoutMs: 5_000, concurrency: 4, retries: 0 },
      now,
      ...options,
    });
  }

  it('refuses the call over the limit before sending it, with retryAfter, and lets calls go once the window moves on', async () => {
    let at = NOW.getTime();
    const c = burstClient(() => at);
    for (let i = 0; i < 3; i++) await c.quantities();
    const refused = await failure(c.quantities());
    expect(refused.code).toBe('UPSTREAM_RATE_LIMITED');
    expect(refused.extensions.retryAfter).toBe(11);
    expect(refused.message).toContain('3 requests per 10 s');
    expect(bursty.callCount('GET', '/api/v1/quantities')).toBe(3);
    at += 11_000;
    simulatorNow += 11_000;
    await c.quantities();
    expect(bursty.callCount('GET', '/api/v1/quantities')).toBe(4);
  });

  it('replicas sharing a store share the burst count', async () => {
    const at = NOW.getTime();
    const store = new MemoryStore(() => at);
    const [one, two] = [burstClient(() => at, { store, burst: LIMIT }), burstClient(() => at, { store, burst: LIMIT })];
    await one.quantities();
    await two.quantities();
    await one.quantities();
    expect((await failure(two.quantities())).code).toBe('UPSTREAM_RATE_LIMITED');
    expect(bursty.callCount('GET', '/api/v1/quantities')).toBe(3);
  });

  it('the simulator enforces it too: a client without the limit gets 429 with Retry-After', async () => {
    const c = burstClient(() => NOW.getTime(), {});
    for (let i = 0; i < 3; i++) await c.quantities();
    const limited = await failure(c.quantities());
    expect(limited.code).toBe('UPSTREAM_RATE_LIMITED');
    expect(limited.extensions).toMatchObject({ upstreamStatus: 429, retryAfter: 10 });
  });
});

describe('live-ready details', () => {
  let big: EnerkeySimulator;
  beforeAll(async () => {
    big = await startEnerkeySimulator({ port: 0, now: () => NOW });
  });
  afterAll(async () => {
    await big.stop();
  });
  beforeEach(() => big.reset());
  const bigClient = () =>
    new EnerkeyClient({
      baseUrl: big.url,
      keys: [{ key: ENERKEY_SIMULATOR_KEYS.primary }],
      calls: { timeoutMs: 5_000, concurrency: 4, retries: 0 },
    });

  it('asks in the offset wanted: monthly values are cut and stamped at it', async () => {
    expect(stamp(new Date('2026-01-31T22:00:00Z'), 'UTC+02:00')).toBe('2026-02-01T00:00:00+02:00');
    expect(stamp(new Date('2026-07-01T10:00:00Z'), 'Europe/Amsterdam')).toBe('2026-07-01T12:00:00+02:00');
    expect(stamp(new Date('2026-07-01T10:00:00Z'), 'UTC')).toBe('2026-07-01T10:00:00Z');
    const [offset] = await bigClient().values(
      'monthly',
      [OFFICE_ELECTRICITY],
      new Date('2026-01-31T22:00:00Z'),
      new Date('2026-02-28T22:00:00Z'),
      'UTC+02:00',
    );
    const [hourly] = await bigClient().values(
      'hourly',
      [OFFICE_ELECTRICITY],
      new Date('2026-01-31T22:00:00Z'),
      new Date('2026-02-28T22:00:00Z'),
    );
    expect(offset!.values.map((v) => v.timestamp.toISOString())).toEqual(['2026-01-31T22:00:00.000Z']);
    expect(offset!.values[0]!.value).toBeCloseTo(
      hourly!.values.reduce((sum, v) => sum + v.value, 0),
      3,
    );
  });

  it('a push off the hour counts toward its hour, and adds to what the hour holds', async () => {
    const c = bigClient();
    const hour = new Date('2026-03-01T10:00:00Z');
    const [before] = await c.values('hourly', [OFFICE_ELECTRICITY], hour, new Date('2026-03-01T11:00:00Z'));
    const seeded = before!.values[0]!.value;
    await c.pushConsumptions(OFFICE_ELECTRICITY, [
      { timestamp: new Date('2026-03-01T10:15:00Z'), value: 1.5 },
      { timestamp: new Date('2026-03-01T10:45:30Z'), value: 2 },
    ]);
    await c.pushConsumptions(OFFICE_ELECTRICITY, [{ timestamp: hour, value: 1 }]);
    const [after] = await c.values('hourly', [OFFICE_ELECTRICITY], hour, new Date('2026-03-01T11:00:00Z'));
    expect(after!.values[0]!.value).toBeCloseTo(seeded + 4.5, 6);
  });

  it('a simulator in replace mode overwrites the hour instead', async () => {
    const replacing = await startEnerkeySimulator({ port: 0, now: () => NOW, pushMode: 'replace' });
    try {
      const c = new EnerkeyClient({
        baseUrl: replacing.url,
        keys: [{ key: ENERKEY_SIMULATOR_KEYS.primary }],
        calls: { timeoutMs: 5_000, concurrency: 4, retries: 0 },
      });
      await c.pushConsumptions(OFFICE_ELECTRICITY, [{ timestamp: new Date('2026-03-01T10:20:00Z'), value: 7 }]);
      await c.pushConsumptions(OFFICE_ELECTRICITY, [{ timestamp: new Date('2026-03-01T10:40:00Z'), value: 2 }]);
      const [series] = await c.values('hourly', [OFFICE_ELECTRICITY], new Date('2026-03-01T10:00:00Z'), new Date('2026-03-01T11:00:00Z'));
      expect(series!.values[0]!.value).toBe(2);
    } finally {
      await replacing.stop();
    }
  });

  it('lists come a page at a time with the whole count', async () => {
    const c = bigClient();
    const page = await c.facilityPage(undefined, { skip: 1, take: 2 });
    expect(page).toMatchObject({ totalCount: 4, items: [{ id: 1002 }, { id: 1003 }] });
    const meters = await c.meterPage({ facilityIds: [1004] }, { skip: 3, take: 10 });
    expect(meters.items.map((m) => m.id)).toEqual([20034]);
    expect(meters.totalCount).toBe(4);
    expect((await c.actionPage(undefined, { skip: 0, take: 1 })).totalCount).toBe(3);
  });

  it('provisioning data creates the facilities, meters and submeters it names', async () => {
    const c = bigClient();
    await c.upsertProvisioningCustomers([{ productCode: 1000, externalCustomerName: 'A', externalCustomerId: 'a' }]);
    const data = {
      externalCustomerId: 'a',
      facilities: [
        {
          externalFacilityId: 'f1',
          name: 'Depot',
          properties: [{ name: 'GrossArea', value: '800', unit: 'm2' }],
          meters: [
            {
              externalMeterId: 'm1',
              name: 'Main',
              quantityId: 1,
              meteringPointId: '871685900000000999',
              subMeters: [{ externalMeterId: 'm1a', name: 'Chargers', quantityId: 1 }],
            },
          ],
        },
      ],
    };
    const { provisioningId } = await c.upsertProvisioningData(data);
    const status = await c.provisioningStatus(provisioningId);
    expect(status).toMatchObject({ status: 'Completed', facilitiesCreated: 1, metersCreated: 2, alarmsCreated: 2 });
    const [facility] = await c.facilities(status.facilityIds);
    expect(facility).toMatchObject({ name: 'Depot', properties: [{ name: 'GrossArea', value: '800', unit: 'm2' }] });
    const meters = await c.meters({ facilityIds: status.facilityIds });
    expect(meters.map((m) => [m.name, m.parentMeterId ?? null])).toEqual([
      ['Main', null],
      ['Chargers', meters[0]!.id],
    ]);
    // A provisioned meter has no values until some are pushed.
    const [series] = await c.values('hourly', [meters[0]!.id], new Date('2026-03-01T00:00:00Z'), new Date('2026-03-02T00:00:00Z'));
    expect(series!.values).toEqual([]);
  });

  it('alarm logs: details by id and the alarm’s image', async () => {
    const c = bigClient();
    const alarm = await c.alarm(9001);
    expect(alarm).toMatchObject({
      id: 9001,
      meterId: OFFICE_ELECTRICITY,
      facilityId: 1001,
      alarmType: 'ConsumptionAboveLimit',
      unit: 'kWh',
    });
    const [hour] = await c.values('hourly', [OFFICE_ELECTRICITY], new Date(alarm.hour), new Date(Date.parse(alarm.hour) + 3_600_000));
    expect(alarm.value).toBe(hour!.values[0]!.value);
    const image = await c.alarmImage(9001, 'png');
    expect(image.bytes.subarray(1, 4).toString('latin1')).toBe('PNG');
    expect((await failure(c.alarm(1))).code).toBe('NOT_FOUND');
  });
});
