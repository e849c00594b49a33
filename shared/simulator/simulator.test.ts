import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ConfigError } from '../subgraph/config.js';
import {
  createLoadProfile,
  faultsFromEnv,
  inWeeklyStretch,
  objectId,
  seededRandom,
  startSimulator,
  uuidFromSeed,
  type RunningSimulator,
} from './index.js';

const MINUTE = 60_000;
const HALF_HOUR = 30 * MINUTE;
const DAY = 24 * 60 * MINUTE;

describe('startSimulator', () => {
  let sim: RunningSimulator;
  let resets: number;

  beforeEach(async () => {
    resets = 0;
    sim = await startSimulator({
      name: 'toy',
      configure(app) {
        app.get('/meters/:id', (req, res) => {
          res.json({ id: req.params.id });
        });
        app.post('/token', (req, res) => {
          res.json({ received: req.body as unknown });
        });
      },
      onReset: () => {
        resets++;
      },
    });
  });

  afterEach(async () => {
    await sim.stop();
  });

  const get = (path: string) => fetch(`${sim.url}${path}`);

  it('serves on an ephemeral loopback port', () => {
    expect(sim.url).toBe(`http://127.0.0.1:${sim.port}`);
    expect(sim.port).toBeGreaterThan(0);
  });

  it('counts requests by route pattern, unmatched ones by literal path, control routes not at all', async () => {
    await get('/meters/1');
    await get('/meters/2');
    const missing = await get('/nope?x=1');
    expect(missing.status).toBe(404);
    expect(await missing.json()).toEqual({ statusCode: 404, error: 'Not Found', message: 'Cannot GET /nope' });
    await get('/_simulator/stats');
    await get('/_simulator/faults');
    await get('/health');

    expect(sim.callCount('GET', '/meters/:id')).toBe(2);
    expect(sim.callCount('get', '/meters/:id')).toBe(2);
    expect(sim.callCount('GET', '/meters/1')).toBe(0);
    const stats = (await (await get('/_simulator/stats')).json()) as unknown;
    expect(stats).toEqual({
      total: 3,
      requests: [
        { method: 'GET', path: '/meters/:id', count: 2 },
        { method: 'GET', path: '/nope', count: 1 },
      ],
    });
    expect(sim.stats()).toEqual(stats);
  });

  it('parses JSON and urlencoded bodies; a malformed body is a counted 400 in the error shape', async () => {
    const json = await fetch(`${sim.url}/token`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"a":1}' });
    expect(await json.json()).toEqual({ received: { a: 1 } });
    const form = await fetch(`${sim.url}/token`, { method: 'POST', body: new URLSearchParams({ grant_type: 'client_credentials' }) });
    expect(await form.json()).toEqual({ received: { grant_type: 'client_credentials' } });
    const broken = await fetch(`${sim.url}/token`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"a":' });
    expect(broken.status).toBe(400);
    expect(await broken.json()).toMatchObject({ statusCode: 400, error: 'Bad Request' });
    expect(sim.callCount('POST', '/token')).toBe(3);
  });

  it('resets counters and data, by method and by control route', async () => {
    await get('/meters/1');
    sim.reset();
    expect(sim.stats()).toEqual({ total: 0, requests: [] });
    await get('/meters/1');
    const reset = await fetch(`${sim.url}/_simulator/reset`, { method: 'POST' });
    expect(reset.status).toBe(204);
    expect(sim.stats().total).toBe(0);
    expect(resets).toBe(2);
  });

  it('adds latency', async () => {
    sim.setFaults({ latencyMs: 150 });
    const started = performance.now();
    expect((await get('/meters/1')).status).toBe(200);
    expect(performance.now() - started).toBeGreaterThanOrEqual(140);
  });

  it('answers a deterministic share of requests with the error status, counting them', async () => {
    sim.setFaults({ errorRate: 1, errorStatus: 502 });
    const failed = await get('/meters/1');
    expect(failed.status).toBe(502);
    expect(await failed.json()).toEqual({ statusCode: 502, error: 'Bad Gateway', message: 'Simulated upstream fault' });
    expect(sim.callCount('GET', '/meters/:id')).toBe(1);

    const run = async () => {
      const statuses: number[] = [];
      for (let i = 0; i < 100; i++) statuses.push((await get(`/meters/${i}`)).status);
      return statuses;
    };
    sim.setFaults({ errorRate: 0.3, errorStatus: 503 });
    const first = await run();
    const failures = first.filter((status) => status === 503).length;
    expect(failures).toBeGreaterThan(15);
    expect(failures).toBeLessThan(45);
    expect(first.every((status) => status === 200 || status === 503)).toBe(true);
    sim.reset(); // restarts the fault sequence: the same requests fail again
    expect(await run()).toEqual(first);
  });

  it('rate-limits with a fixed window, 429 + Retry-After, counting rejected requests', async () => {
    sim.setFaults({ rateLimit: { limit: 3, windowMs: 60_000 } });
    const statuses = [];
    for (let i = 0; i < 3; i++) statuses.push((await get('/meters/1')).status);
    expect(statuses).toEqual([200, 200, 200]);
    const limited = await get('/meters/1');
    expect(limited.status).toBe(429);
    const retryAfter = Number(limited.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(60);
    expect(await limited.json()).toMatchObject({ statusCode: 429, error: 'Too Many Requests' });
    expect((await get('/_simulator/stats')).status).toBe(200); // control routes are never limited
    expect(sim.callCount('GET', '/meters/:id')).toBe(4);

    sim.setFaults({ rateLimit: { limit: 1, windowMs: 100 } });
    expect((await get('/meters/1')).status).toBe(200);
    expect((await get('/meters/1')).status).toBe(429);
    await new Promise((resolve) => setTimeout(resolve, 120));
    expect((await get('/meters/1')).status).toBe(200);
  });

  it('answers a burst of the next N requests with the error status, then recovers', async () => {
    sim.setFaults({ errorBurst: 2, errorStatus: 500 });
    const statuses = [];
    for (let i = 0; i < 4; i++) statuses.push((await get('/meters/1')).status);
    expect(statuses).toEqual([500, 500, 200, 200]);
    expect(sim.callCount('GET', '/meters/:id')).toBe(4);
  });

  it('holds a share of requests for hangMs, counting them, so that a client times out', async () => {
    sim.setFaults({ hangRate: 1, hangMs: 60_000 });
    const hung = await fetch(`${sim.url}/meters/1`, { signal: AbortSignal.timeout(100) }).catch((error: unknown) => error);
    expect((hung as Error).name).toBe('TimeoutError');
    sim.setFaults({ hangMs: 20 }); // held briefly, then answered normally
    expect((await get('/meters/1')).status).toBe(200);
    expect(sim.callCount('GET', '/meters/:id')).toBe(2);
  });

  it('drops a share of connections without an answer, counting them', async () => {
    sim.setFaults({ dropRate: 1 });
    const dropped = await get('/meters/1').catch((error: unknown) => error);
    expect(dropped).toBeInstanceOf(TypeError); // fetch failed: socket closed
    sim.setFaults({ dropRate: 0 });
    expect((await get('/meters/1')).status).toBe(200);
    expect(sim.callCount('GET', '/meters/:id')).toBe(2);
  });

  it('reads and changes faults over the control routes, rejecting bad settings', async () => {
    const put = (body: unknown) =>
      fetch(`${sim.url}/_simulator/faults`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    const changed = await put({ latencyMs: 5, rateLimit: { limit: 10, windowMs: 1000 } });
    expect(changed.status).toBe(200);
    expect(await changed.json()).toEqual({
      latencyMs: 5,
      errorRate: 0,
      errorStatus: 503,
      rateLimit: { limit: 10, windowMs: 1000 },
      errorBurst: 0,
      hangRate: 0,
      hangMs: 60_000,
      dropRate: 0,
    });
    expect(await (await get('/_simulator/faults')).json()).toMatchObject({ latencyMs: 5 });

    const burst = await put({ errorBurst: 2, hangRate: 0.5, hangMs: 100, dropRate: 0.25 });
    expect(await burst.json()).toMatchObject({ errorBurst: 2, hangRate: 0.5, hangMs: 100, dropRate: 0.25 });
    await put({ errorBurst: 0, hangRate: 0, dropRate: 0 });

    const bads: unknown[] = [{ errorRate: 2 }, { errorStatus: 200 }, { latency: 5 }, { rateLimit: { limit: 0, windowMs: 10 } }, [1]];
    bads.push({ errorBurst: -1 }, { hangRate: 1.5 }, { dropRate: 'all' }, { hangMs: 1e9 });
    for (const bad of bads) {
      const rejected = await put(bad);
      expect(rejected.status).toBe(400);
      expect(await rejected.json()).toMatchObject({ statusCode: 400 });
    }
    expect(() => sim.setFaults({ errorRate: -1 })).toThrow(RangeError);
    expect(sim.stats().total).toBe(0);
  });

  it('stops promptly while a keep-alive connection and a delayed request are open', async () => {
    await get('/meters/1'); // fetch keeps the connection alive
    sim.setFaults({ latencyMs: 10_000 });
    const pending = get('/meters/2').catch((error: unknown) => error);
    await new Promise((resolve) => setTimeout(resolve, 50));
    const started = performance.now();
    await sim.stop();
    expect(performance.now() - started).toBeLessThan(1000);
    expect(await pending).toBeInstanceOf(Error);
    await sim.stop(); // idempotent
  });
});

describe('faultsFromEnv', () => {
  it('reads the prefixed variables', () => {
    expect(
      faultsFromEnv('ACME', {
        ACME_SIM_LATENCY_MS: '250',
        ACME_SIM_ERROR_RATE: '0.25',
        ACME_SIM_ERROR_STATUS: '502',
        ACME_SIM_RATE_LIMIT: '120',
        ACME_SIM_HANG_RATE: '0.1',
        ACME_SIM_HANG_MS: '30000',
        ACME_SIM_DROP_RATE: '0.05',
      }),
    ).toEqual({
      latencyMs: 250,
      errorRate: 0.25,
      errorStatus: 502,
      rateLimit: { limit: 120, windowMs: 60_000 },
      hangRate: 0.1,
      hangMs: 30_000,
      dropRate: 0.05,
    });
  });

  it('leaves unset and empty variables out; a rate limit of 0 means none', () => {
    expect(faultsFromEnv('ACME', {})).toEqual({});
    expect(faultsFromEnv('ACME', { ACME_SIM_LATENCY_MS: '', ACME_SIM_RATE_LIMIT: '0' })).toEqual({ rateLimit: null });
  });

  it('rejects malformed values with a message naming the variable', () => {
    expect(() => faultsFromEnv('ACME', { ACME_SIM_ERROR_RATE: '1.5' })).toThrow(ConfigError);
    expect(() => faultsFromEnv('ACME', { ACME_SIM_ERROR_RATE: '1.5' })).toThrow(/ACME_SIM_ERROR_RATE/);
    expect(() => faultsFromEnv('ACME', { ACME_SIM_LATENCY_MS: 'slow' })).toThrow(/ACME_SIM_LATENCY_MS/);
    expect(() => faultsFromEnv('ACME', { ACME_SIM_ERROR_STATUS: '503.5' })).toThrow(/ACME_SIM_ERROR_STATUS/);
    expect(() => faultsFromEnv('ACME', { ACME_SIM_RATE_LIMIT: '-1' })).toThrow(/ACME_SIM_RATE_LIMIT/);
    expect(() => faultsFromEnv('ACME', { ACME_SIM_DROP_RATE: '2' })).toThrow(/ACME_SIM_DROP_RATE/);
    expect(() => faultsFromEnv('ACME', { ACME_SIM_HANG_MS: 'long' })).toThrow(/ACME_SIM_HANG_MS/);
  });
});

describe('createLoadProfile', () => {
  const dayStart = Date.UTC(2024, 0, 15); // a Monday

  it('is a pure function of seed and time', () => {
    const a = createLoadProfile({ seed: '1200012345678' });
    const b = createLoadProfile({ seed: '1200012345678' });
    const c = createLoadProfile({ seed: '1200087654321' });
    const day = (profile: typeof a) => [...profile.slots(dayStart, dayStart + DAY, HALF_HOUR)].map((slot) => slot.kwh);
    expect(day(a)).toEqual(day(b));
    expect(day(a)).not.toEqual(day(c));
    expect(a.energyKwh(dayStart, HALF_HOUR)).toBe(b.energyKwh(dayStart, HALF_HOUR));
  });

  it('has realistic half hours with at most 3 decimals and a working-day shape', () => {
    const profile = createLoadProfile({ seed: 'building' });
    const week = [...profile.slots(dayStart, dayStart + 7 * DAY, HALF_HOUR)].map((slot) => slot.kwh!);
    expect(week).toHaveLength(7 * 48);
    for (const kwh of week) {
      expect(kwh).toBeGreaterThanOrEqual(0.2);
      expect(kwh).toBeLessThanOrEqual(5.5);
      expect(Math.round(kwh * 1000) / 1000).toBe(kwh);
    }
    const at = (dayIndex: number, hour: number) => week[dayIndex * 48 + hour * 2]!;
    expect(at(0, 12)).toBeGreaterThan(2 * at(0, 2)); // Monday noon vs 2 am
    expect(at(0, 12)).toBeGreaterThan(2 * at(6, 12)); // Monday noon vs Sunday noon
  });

  it('is additive: a day is exactly the sum of its half hours, a half hour of its 5-minute slots', () => {
    const profile = createLoadProfile({ seed: 'additive' });
    const halfHours = [...profile.slots(dayStart, dayStart + DAY, HALF_HOUR)];
    const sumWh = halfHours.reduce((sum, slot) => sum + Math.round(slot.kwh! * 1000), 0);
    expect(profile.energyKwh(dayStart, DAY)).toBe(sumWh / 1000);
    const fiveMinutes = [...profile.slots(dayStart, dayStart + HALF_HOUR, 5 * MINUTE)];
    expect(fiveMinutes).toHaveLength(6);
    expect(fiveMinutes.reduce((sum, slot) => sum + Math.round(slot.kwh! * 1000), 0)).toBe(Math.round(halfHours[0]!.kwh! * 1000));
  });

  it('iterates five years of 5-minute slots lazily', () => {
    const profile = createLoadProfile({ seed: 'long' });
    const from = Date.UTC(2020, 0, 1);
    const to = Date.UTC(2025, 0, 1);
    let count = 0;
    for (const slot of profile.slots(from, to, 5 * MINUTE)) {
      if (slot.kwh !== null) count++;
    }
    expect(count).toBe(((to - from) / DAY) * 288);
  });

  it('leaves a share of half hours empty, and any interval touching a gap is null', () => {
    const complete = createLoadProfile({ seed: 'gaps', gapShare: 0 });
    const gappy = createLoadProfile({ seed: 'gaps', gapShare: 0.05 });
    const from = Date.UTC(2024, 0, 1);
    const month = [...gappy.slots(from, from + 31 * DAY, HALF_HOUR)];
    const gaps = month.filter((slot) => slot.kwh === null);
    expect(gaps.length).toBeGreaterThan(0.02 * month.length);
    expect(gaps.length).toBeLessThan(0.08 * month.length);
    expect([...complete.slots(from, from + 31 * DAY, HALF_HOUR)].every((slot) => slot.kwh !== null)).toBe(true);

    const gap = gaps[0]!.startMs;
    expect(gappy.energyKwh(gap + 10 * MINUTE, 5 * MINUTE)).toBeNull();
    expect(gappy.energyKwh(gap - (gap % DAY), DAY)).toBeNull();
    // Outside gaps, gaps do not change the values.
    const present = month.find((slot) => slot.kwh !== null)!;
    expect(present.kwh).toBe(complete.energyKwh(present.startMs, HALF_HOUR));
  });

  it('has no data in its weekly outages, every week, and the same values elsewhere', () => {
    const tuesdayMornings = { weekday: 2, fromHour: 8, toHour: 12 };
    const complete = createLoadProfile({ seed: 'outages' });
    const withOutages = createLoadProfile({ seed: 'outages', outages: [tuesdayMornings] });
    const from = Date.UTC(2026, 10, 2); // a Monday
    const fourWeeks = [...withOutages.slots(from, from + 28 * DAY, HALF_HOUR)];
    const empty = fourWeeks.filter((slot) => slot.kwh === null).map((slot) => new Date(slot.startMs));
    expect(empty).toHaveLength(4 * 8);
    for (const at of empty) expect([at.getUTCDay(), at.getUTCHours() >= 8 && at.getUTCHours() < 12]).toEqual([2, true]);
    for (const slot of fourWeeks.filter((slot) => slot.kwh !== null)) expect(slot.kwh).toBe(complete.energyKwh(slot.startMs, HALF_HOUR));
    expect(inWeeklyStretch(tuesdayMornings, Date.UTC(2026, 10, 10, 11, 59))).toBe(true);
    expect(inWeeklyStretch(tuesdayMornings, Date.UTC(2026, 10, 10, 12))).toBe(false);
  });

  it('rejects intervals off the 5-minute grid and bad options', () => {
    const profile = createLoadProfile({ seed: 'grid' });
    expect(() => profile.energyKwh(dayStart + 1, HALF_HOUR)).toThrow(RangeError);
    expect(() => profile.slots(dayStart, dayStart + DAY, 7 * MINUTE)).toThrow(RangeError);
    expect(() => createLoadProfile({ seed: 'x', gapShare: 2 })).toThrow(RangeError);
  });
});

describe('ids', () => {
  it('derives stable MongoDB-style ids and UUIDs from a seed', () => {
    expect(objectId('a')).toMatch(/^[0-9a-f]{24}$/);
    expect(objectId('a')).toBe(objectId('a'));
    expect(objectId('a')).not.toBe(objectId('b'));
    expect(objectId('a', new Date('2023-09-27T11:42:52.845Z')).slice(0, 8)).toBe('6514153c');
    expect(uuidFromSeed('a')).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });

  it('seededRandom repeats its sequence for a seed', () => {
    const a = seededRandom('seed');
    const b = seededRandom('seed');
    const values = Array.from({ length: 5 }, () => a());
    expect(Array.from({ length: 5 }, () => b())).toEqual(values);
    expect(values.every((value) => value >= 0 && value < 1)).toBe(true);
  });
});
