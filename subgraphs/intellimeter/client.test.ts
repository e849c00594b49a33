import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ConfigError } from '../../shared/subgraph/config.js';
import { credentialFingerprint } from '../../shared/connector/upstream-auth.js';
import { MemoryStore } from '../../shared/store/index.js';
import {
  IntellimeterClient,
  type IntellimeterClientOptions,
  parseAccount,
  parseHistoryFile,
  parseKey,
  parsePoint,
  parseReadings,
  parseUser,
} from './client.js';
import { readProviderConfig } from '../../shared/subgraph/provider.js';
import { intellimeter } from './provider.js';
import {
  INTELLIMETER_SIMULATOR_API_KEY,
  INTELLIMETER_SIMULATOR_PASSWORD,
  INTELLIMETER_SIMULATOR_USERNAME,
  startIntellimeterSimulator,
  type IntellimeterSimulator,
} from './simulator/index.js';
import { RESPONSE_TYPES, type ResponseType } from './contract.js';
import { decode } from './wire.js';

const FIXTURES = new URL('../../test/fixtures/intellimeter/', import.meta.url);
const fixture = (name: string) => readFileSync(new URL(name, FIXTURES), 'utf8');
const TORONTO = 'America/Toronto';

describe('the seed’s examples in every format parse to the same typed records', () => {
  for (const type of RESPONSE_TYPES) {
    it(`reads ${type}`, () => {
      const read = (route: string) => decode(type as ResponseType, fixture(`${route}.${type}`));
      // 2019-10-29 16:07:17 in Toronto is EDT (UTC-4).
      expect(parseAccount(read('session'), TORONTO)).toEqual({
        uuid: 1,
        project: 1,
        projectName: 'myProject',
        username: 'test',
        email: 'test@example.com',
        joined: new Date('2019-10-29T20:07:17Z'),
      });
      expect(parseAccount(read('account'), TORONTO).projectName).toBe('myProject');
      expect(read('login')).toEqual({ uuid: 1 });
      expect(read('logout')).toEqual({});
      expect(parseKey(read('key'), 'GET /key')).toBe('5a683c7dd6-c73b2a4313-f0fb321137-9123b7cec0');
      expect(parseReadings(read('data'), TORONTO, 'GET /data')).toEqual([
        { meter: 'meter1', at: new Date('2019-10-30T17:15:00Z'), value: 28540.24 },
        { meter: 'meter2', at: new Date('2019-10-30T17:15:00Z'), value: 35757.359 },
      ]);
      expect(parseReadings(read('interval'), TORONTO, 'GET /interval')).toEqual([
        { meter: 'meter1', at: new Date('2019-10-30T18:10:00Z'), value: 0.5 },
        { meter: 'meter2', at: new Date('2019-10-30T18:10:00Z'), value: 0.08 },
      ]);
      const users = (read('users') as unknown[]).map((user) => parseUser(user, TORONTO));
      expect(users.map((user) => [user.uuid, user.username, user.joined.toISOString()])).toEqual([
        [1, 'test', '2019-10-29T20:07:17.000Z'],
        [2, 'test2', '2019-10-31T18:45:12.000Z'],
      ]);
      expect(parsePoint(read('point'), 'GET /point')).toEqual({
        id: 1,
        name: 'meter1',
        modbusId: 1,
        port: 'USB0',
        phases: 3,
        meterType: 'I-45/MFX/636',
        modbusMap: 'Priority.ici',
        saveEveryMinutes: 5,
        startAddress: 1100,
      });
    });
  }

  it('reads zone-less timestamps in the configured site zone', () => {
    const body = decode('json', fixture('data.json'));
    // 30 October 2019: Amsterdam is already on winter time (UTC+1), Toronto still on summer time (UTC-4).
    expect(parseReadings(body, 'Europe/Amsterdam', 'GET /data')[0]!.at).toEqual(new Date('2019-10-30T12:15:00Z'));
    expect(parseReadings(body, TORONTO, 'GET /data')[0]!.at).toEqual(new Date('2019-10-30T17:15:00Z'));
  });

  it('reads each point’s history in order: the repeated fall-back hour is two hours of distinct instants', () => {
    // America/Toronto, 2026-11-01: the wall clock runs 00:55 … 01:55 twice, then 02:00; every stamp lists both points.
    const walls = ['00:55', ...Array.from({ length: 12 }, (_, i) => `01:${String(i * 5).padStart(2, '0')}`)];
    const stamps = [...walls, ...walls.slice(1), '02:00'].map((wall) => `2026-11-01 ${wall}:00`);
    const rows = stamps.flatMap((stamp) => ['meter1', 'meter2'].map((meter) => ({ MeterParam: meter, TimeStamping: stamp, value: 1 })));
    const csv = ['MeterParam,TimeStamping,value', ...rows.map((row) => `${row.MeterParam},${row.TimeStamping},${row.value}`)].join('\n');
    for (const meter of ['meter1', 'meter2']) {
      const instants = parseHistoryFile('csv', csv, TORONTO)
        .filter((reading) => reading.meter === meter)
        .map((reading) => reading.at.getTime());
      expect(instants[0]).toBe(Date.parse('2026-11-01T04:55:00Z'));
      expect(instants.at(-1)).toBe(Date.parse('2026-11-01T07:00:00Z'));
      expect(instants.every((ms, i) => i === 0 || ms - instants[i - 1]! === 5 * 60_000)).toBe(true);
    }
  });

  it('reads a latest reading in the repeated hour as the pass that has happened', () => {
    const body = [{ MeterParam: 'meter1', TimeStamping: '2026-11-01 01:30:00', value: 1 }];
    // 01:30 is 05:30Z (EDT) and 06:30Z (EST): asked at 06:32Z the newest reading is the second pass.
    expect(parseReadings(body, TORONTO, 'GET /data', Date.parse('2026-11-01T06:32:00Z'))[0]!.at).toEqual(new Date('2026-11-01T06:30:00Z'));
    expect(parseReadings(body, TORONTO, 'GET /data', Date.parse('2026-11-01T05:32:00Z'))[0]!.at).toEqual(new Date('2026-11-01T05:30:00Z'));
  });

  it('refuses a body it cannot read with UPSTREAM_UNAVAILABLE, not a crash', () => {
    expect(() => parseHistoryFile('xml', '<Response><item type="dict"><value type="float">x</value>', TORONTO)).toThrowError(
      expect.objectContaining({ extensions: expect.objectContaining({ code: 'UPSTREAM_UNAVAILABLE', provider: 'INTELLIMETER' }) }),
    );
    expect(() => parseReadings([{ MeterParam: 'm', TimeStamping: 'yesterday', value: 1 }], TORONTO, 'GET /data')).toThrowError(
      /TimeStamping "yesterday" is not a date-time/,
    );
  });
});

const readIntellimeterConfig = (env: NodeJS.ProcessEnv) => readProviderConfig(intellimeter, env);

describe('configuration', () => {
  it('never lets an unknown responseType or file type through, and checks the site zone', () => {
    expect(() => readIntellimeterConfig({ INTELLIMETER_RESPONSE_TYPE: 'toml' })).toThrow(ConfigError);
    expect(() => readIntellimeterConfig({ INTELLIMETER_FILE_TYPE: 'xlsx' })).toThrow(ConfigError);
    expect(() => readIntellimeterConfig({ INTELLIMETER_TIME_ZONE: 'Mars/Olympus' })).toThrow(/INTELLIMETER_TIME_ZONE/);
    expect(() => readIntellimeterConfig({ INTELLIMETER_API_URL: 'https://api.intellimeter.ca' })).toThrow(/INTELLIMETER_API_KEY/);
    expect(readIntellimeterConfig({ INTELLIMETER_RESPONSE_TYPE: 'yaml' })).toMatchObject({ responseType: 'yaml', timeZone: TORONTO });
    const real = { INTELLIMETER_API_URL: 'https://api.intellimeter.ca', INTELLIMETER_LOGIN: 'password' };
    expect(() => readIntellimeterConfig({ ...real, INTELLIMETER_USERNAME: 'api' })).toThrow(
      /INTELLIMETER_USERNAME and INTELLIMETER_PASSWORD/,
    );
    expect(() => readIntellimeterConfig({ INTELLIMETER_LOGIN: 'token' })).toThrow(ConfigError);
    expect(readIntellimeterConfig({ ...real, INTELLIMETER_USERNAME: 'api', INTELLIMETER_PASSWORD: 'pw' })).toMatchObject({
      loginMethod: 'password',
      username: 'api',
      apiKey: '',
    });
  });
});

describe('the connector against the simulator', () => {
  let simulator: IntellimeterSimulator;
  let clock = new Date('2026-11-10T15:02:00Z');

  beforeAll(async () => {
    simulator = await startIntellimeterSimulator({ now: () => clock });
  });
  afterAll(async () => {
    await simulator?.stop();
  });
  beforeEach(() => {
    simulator.reset();
    clock = new Date('2026-11-10T15:02:00Z');
  });

  function client(options: Partial<IntellimeterClientOptions> = {}): IntellimeterClient {
    return new IntellimeterClient({
      baseUrl: simulator.url,
      apiKey: INTELLIMETER_SIMULATOR_API_KEY,
      timeZone: TORONTO,
      responseType: 'json',
      fileType: 'json',
      calls: { timeoutMs: 5000, concurrency: 4, retries: 0 },
      ...options,
    });
  }

  async function raw(method: string, path: string, cookie?: string): Promise<Response> {
    return fetch(`${simulator.url}${path}`, { method, headers: cookie ? { cookie } : {} });
  }

  it('logs in once with the key, keeps the cookie, and logs in again once when the session expired', async () => {
    const connector = client();
    await connector.account();
    await connector.latestRegisters();
    await connector.users();
    expect(simulator.callCount('PUT', '/session')).toBe(1);

    simulator.expireSessions();
    expect((await connector.account()).username).toBe(INTELLIMETER_SIMULATOR_USERNAME);
    expect(simulator.callCount('PUT', '/session')).toBe(2);
    expect(simulator.callCount('GET', '/session')).toBe(3); // the refused call, its retry, and the first one
    expect(connector.logins).toBe(2);
  });

  it('gives up with UPSTREAM_REJECTED, naming no key, when the key itself is refused', async () => {
    const connector = client({ apiKey: 'aaaaaaaaaa-bbbbbbbbbb-cccccccccc-dddddddddd' });
    const error = await connector.account().catch((caught: unknown) => caught);
    expect(error).toMatchObject({ extensions: { code: 'UPSTREAM_REJECTED', provider: 'INTELLIMETER', upstreamStatus: 401 } });
    expect(String((error as Error).message)).not.toContain('aaaaaaaaaa');
    expect(simulator.callCount('GET', '/session')).toBe(0);
  });

  it('logs in by username and password when configured so, in a form body, and renews that session on 401', async () => {
    const connector = client({
      apiKey: '',
      loginMethod: 'password',
      username: INTELLIMETER_SIMULATOR_USERNAME,
      password: INTELLIMETER_SIMULATOR_PASSWORD,
    });
    expect((await connector.account()).username).toBe(INTELLIMETER_SIMULATOR_USERNAME);
    simulator.expireSessions();
    await connector.users();
    expect(connector.logins).toBe(2);
    expect(simulator.callCount('PUT', '/session')).toBe(2);
    // The key is told only by its fingerprint, and this connector does not log in with it.
    expect(await connector.apiKeyInfo()).toEqual({ fingerprint: credentialFingerprint(INTELLIMETER_SIMULATOR_API_KEY), inUse: false });
  });

  it('refuses a wrong password with UPSTREAM_REJECTED that names no password', async () => {
    const wrong = 'wrong-intellimeter-password-51c2';
    const connector = client({ apiKey: '', loginMethod: 'password', username: INTELLIMETER_SIMULATOR_USERNAME, password: wrong });
    const error = await connector.account().catch((caught: unknown) => caught);
    expect(error).toMatchObject({ extensions: { code: 'UPSTREAM_REJECTED', provider: 'INTELLIMETER', upstreamStatus: 401 } });
    expect(JSON.stringify({ message: (error as Error).message, extensions: (error as { extensions: unknown }).extensions })).not.toContain(
      wrong,
    );
  });

  it('tells the key it logs in with by fingerprint, never the key', async () => {
    const info = await client().apiKeyInfo();
    expect(info).toEqual({ fingerprint: credentialFingerprint(INTELLIMETER_SIMULATOR_API_KEY), inUse: true });
    expect(info.fingerprint).not.toContain(INTELLIMETER_SIMULATOR_API_KEY.slice(0, 10));
  });

  it('answers 401 without a session, and logs in by username and password too', async () => {
    expect((await raw('GET', '/data')).status).toBe(401);
    expect((await raw('PUT', '/session?username=gridgraph&password=wrong')).status).toBe(401);
    const login = await raw('PUT', `/session?username=${INTELLIMETER_SIMULATOR_USERNAME}&password=${INTELLIMETER_SIMULATOR_PASSWORD}`);
    expect(login.status).toBe(200);
    expect(await login.json()).toEqual({ uuid: 1 });
    const cookie = login.headers.get('set-cookie')!.split(';')[0]!;
    expect((await raw('GET', '/data', cookie)).status).toBe(200);
    // Logging out ends the session.
    expect(await (await raw('DELETE', '/session', cookie)).json()).toEqual({});
    expect((await raw('GET', '/data', cookie)).status).toBe(401);
  });

  it('rotates the key: the old key stops working and the connector logs in with the new one', async () => {
    const connector = client();
    const before = await connector.currentKey();
    const rotation = await connector.rotateKey();
    const rotated = simulator.currentKey();
    expect(rotated).not.toBe(before);
    // The caller learns the new key's fingerprint, not the key; without a store, no replica shares it.
    expect(rotation).toEqual({ fingerprint: credentialFingerprint(rotated), keptInStore: false });
    expect((await raw('PUT', `/session?key=${before}`)).status).toBe(401);

    simulator.expireSessions();
    expect((await connector.latestRegisters()).length).toBe(4);
    expect(await connector.currentKey()).toBe(rotated);
  });

  it('keeps a rotated key in the store: another replica, or the process restarted, logs in with it', async () => {
    const store = new MemoryStore();
    expect((await client({ store }).rotateKey()).keptInStore).toBe(true);
    const rotated = simulator.currentKey();
    simulator.expireSessions();
    const restarted = client({ store }); // configured with the old key, which no longer works
    expect(await restarted.currentKey()).toBe(rotated);
    expect((await raw('PUT', `/session?key=${INTELLIMETER_SIMULATOR_API_KEY}`)).status).toBe(401);
  });

  it('says so when the store cannot keep the rotated key, and this process goes on with it', async () => {
    const store = new MemoryStore();
    const set = store.set.bind(store);
    // The session is stored; the rotated key's write fails.
    store.set = (key, ...rest) => (key.includes('ROTATED') ? Promise.reject(new Error('store away')) : set(key, ...rest));
    const connector = client({ store });
    const rotation = await connector.rotateKey();
    expect(rotation).toEqual({ fingerprint: credentialFingerprint(simulator.currentKey()), keptInStore: false });
    simulator.expireSessions();
    expect(await connector.currentKey()).toBe(simulator.currentKey());
  });

  it('logs in with the configured key when the stored rotated key is refused (the key was reset since)', async () => {
    const store = new MemoryStore();
    await client({ store }).rotateKey();
    simulator.reset(); // Intellimeter's key is the configured one again
    expect(simulator.currentKey()).toBe(INTELLIMETER_SIMULATOR_API_KEY);
    const connector = client({ store });
    expect(await connector.currentKey()).toBe(INTELLIMETER_SIMULATOR_API_KEY);
    expect(simulator.callCount('PUT', '/session')).toBe(2); // the stale key, then the configured one
  });

  it('executes a request with an unknown responseType, then answers 400', async () => {
    const login = await raw('PUT', `/session?key=${INTELLIMETER_SIMULATOR_API_KEY}`);
    const cookie = login.headers.get('set-cookie')!.split(';')[0]!;
    const refused = await raw('POST', '/point?id=4&new=lighting-west&responseType=toml', cookie);
    expect(refused.status).toBe(400);
    expect(await refused.text()).toMatch(/responseType must be one of json, xml, yaml/);
    expect((await client().point({ id: 4 })).name).toBe('lighting-west');
  });

  it('advances /data and /interval every five minutes of simulated time', async () => {
    const connector = client();
    const first = await connector.latestRegisters();
    expect(first[0]!.at).toEqual(new Date('2026-11-10T15:00:00Z'));
    clock = new Date('2026-11-10T15:04:59Z');
    expect((await client().latestRegisters())[0]).toEqual(first[0]);
    clock = new Date('2026-11-10T15:05:00Z');
    const [next] = await client().latestRegisters();
    const [interval] = await client().latestIntervals();
    expect(next!.at).toEqual(new Date('2026-11-10T15:05:00Z'));
    expect(next!.value).toBeGreaterThan(first[0]!.value);
    // The interval is the register's growth over those five minutes.
    expect(interval!.value).toBeCloseTo(next!.value - first[0]!.value, 3);
  });

  it('serves history between two days in either order, in csv, json, xml and yaml alike', async () => {
    const json = await client().history('2026-11-03', '2026-11-02');
    expect(json).toEqual(await client().history('2026-11-02', '2026-11-03'));
    // Two site-local days of 288 readings for each of the 4 points.
    expect(json).toHaveLength(2 * 288 * 4);
    expect(json[0]).toMatchObject({ meter: 'meter1', at: new Date('2026-11-02T05:00:00Z') });
    for (const fileType of ['csv', 'xml', 'yaml'] as const) {
      expect(await client({ fileType }).history('2026-11-02', '2026-11-03')).toEqual(json);
    }
    const one = await client().history('2026-11-02', '2026-11-02', 'chiller');
    expect(one.every((row) => row.meter === 'chiller')).toBe(true);
    expect(one).toHaveLength(288);
    // Nothing the meters have not recorded yet: the clock stands at 2026-11-10 15:02 UTC.
    const today = await client().history('2026-11-10', '2026-11-10', 'chiller');
    expect(today.at(-1)!.at).toEqual(new Date('2026-11-10T15:00:00Z'));
  });

  it('answers every JSON route in xml and yaml with the same records as in json', async () => {
    for (const responseType of ['xml', 'yaml'] as const) {
      const other = client({ responseType });
      expect(await other.account()).toEqual(await client().account());
      expect(await other.latestRegisters()).toEqual(await client().latestRegisters());
      expect(await other.latestIntervals()).toEqual(await client().latestIntervals());
      expect(await other.users()).toEqual(await client().users());
      expect(await other.point({ name: 'meter2' })).toEqual(await client().point({ name: 'meter2' }));
    }
  });

  it('finds a point by id or name (id wins), renames it, and refuses a taken name with 409', async () => {
    const connector = client();
    expect((await connector.point({ name: 'chiller' })).id).toBe(3);
    const both = await raw('GET', '/point?id=1&name=chiller', await loginCookie());
    expect(((await both.json()) as { MeterId: string }).MeterId).toBe('meter1');
    expect(await connector.point({ id: 99 }).catch((error: unknown) => error)).toMatchObject({ extensions: { code: 'NOT_FOUND' } });
    expect((await connector.renamePoint({ id: 3 }, 'chiller-north')).name).toBe('chiller-north');
    expect(await connector.renamePoint({ name: 'chiller-north' }, 'meter1').catch((error: unknown) => error)).toMatchObject({
      extensions: { code: 'UPSTREAM_REJECTED', upstreamStatus: 409 },
    });
  });

  it('creates users (409 on a taken username), updates and deletes the own account', async () => {
    const connector = client();
    const created = await connector.createUser({ username: 'operator', password: 'secret-1', email: 'operator@site.example' });
    expect(created).toMatchObject({ uuid: 3, username: 'operator', project: 1 });
    expect((await connector.users()).map((user) => user.username)).toContain('operator');
    expect(
      await connector.createUser({ username: 'operator', password: 'x', email: 'o@site.example' }).catch((e: unknown) => e),
    ).toMatchObject({
      extensions: { code: 'UPSTREAM_REJECTED', upstreamStatus: 409 },
    });
    expect((await connector.updateAccount({ email: 'new@gridgraph.example' })).email).toBe('new@gridgraph.example');
    expect(await connector.updateAccount({ username: 'facilities' }).catch((e: unknown) => e)).toMatchObject({
      extensions: { upstreamStatus: 409 },
    });
    await connector.deleteAccount();
    expect((await raw('PUT', `/session?key=${INTELLIMETER_SIMULATOR_API_KEY}`)).status).toBe(401);
  });

  it('draws real PNG charts: pie, bar or line, one meter or all, at the asked size', async () => {
    const connector = client();
    const size = (png: Buffer) => [png.readUInt32BE(16), png.readUInt32BE(20)];
    for (const type of ['pie', 'bar', 'line'] as const) {
      const png = await connector.chart({ type, width: 640, height: 360 });
      expect(png.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
      expect(size(png)).toEqual([640, 360]);
    }
    expect(size(await connector.chart({ type: 'pie', meter: 'meter1', width: 850, height: 400 }))).toEqual([850, 400]);
    const defaults = await raw('GET', '/graphics', await loginCookie());
    expect(defaults.headers.get('content-type')).toBe('image/png');
    expect(size(Buffer.from(await defaults.arrayBuffer()))).toEqual([1600, 900]);
    expect((await raw('GET', '/graphics?width=0', await loginCookie())).status).toBe(400);
  });

  async function loginCookie(): Promise<string> {
    const login = await raw('PUT', `/session?key=${simulator.currentKey()}`);
    return login.headers.get('set-cookie')!.split(';')[0]!;
  }
});
