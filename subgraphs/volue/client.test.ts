import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { VolueClient, differingFields, type VolueClientOptions } from './client.js';
import { VOLUE_SIMULATOR_CLIENT_ID, VOLUE_SIMULATOR_CLIENT_SECRET, startVolueSimulator, type VolueSimulator } from './simulator/index.js';
import { SEED_LOCATION_IDS, SEED_USER_IDS } from './simulator/seed.js';

/** The connector against the simulator: token handling, registration idempotency, no blind POST retries. */

let clock = Date.parse('2026-02-01T08:00:00Z');
let simulator: VolueSimulator;

beforeAll(async () => {
  simulator = await startVolueSimulator({ now: () => new Date(clock), tokenLifetimeSeconds: 3600 });
});
afterAll(async () => {
  await simulator?.stop();
});
beforeEach(() => {
  simulator.reset();
  simulator.setFaults({ errorRate: 0 });
});

function client(overrides: Partial<VolueClientOptions> = {}): VolueClient {
  return new VolueClient({
    baseUrl: simulator.apiUrl,
    tokenUrl: simulator.tokenUrl,
    clientId: VOLUE_SIMULATOR_CLIENT_ID,
    clientSecret: VOLUE_SIMULATOR_CLIENT_SECRET,
    calls: { timeoutMs: 5_000, concurrency: 8, retries: 2 },
    now: () => clock,
    ...overrides,
  });
}

const tokenRequests = () => simulator.callCount('POST', '/connect/token');

describe('OAuth2 client credentials', () => {
  it('fetches a token on first use and shares one fetch among concurrent calls', async () => {
    const volue = client();
    expect(tokenRequests()).toBe(0);
    await Promise.all(Array.from({ length: 10 }, () => volue.getUser(SEED_USER_IDS.home)));
    expect(tokenRequests()).toBe(1);
    expect(simulator.callCount('GET', '/energy-coordination/v1/users/:userId')).toBe(10);
  });

  it('renews the token shortly before it expires, so no call is refused', async () => {
    const volue = client();
    await volue.getUser(SEED_USER_IDS.home);
    clock += 3_550_000; // 50 s before expiry: inside the 60 s refresh margin
    await volue.getUser(SEED_USER_IDS.home);
    expect(tokenRequests()).toBe(2);
    expect(simulator.callCount('GET', '/energy-coordination/v1/users/:userId')).toBe(2); // no 401 and retry
  });

  it('after a 401 (token revoked or expired early) renews once and retries, also a POST', async () => {
    const volue = client();
    await volue.getUser(SEED_USER_IDS.home);
    simulator.tokens.expireAll();
    await volue.registerUser('user-after-401');
    expect(tokenRequests()).toBe(2);
    expect(simulator.callCount('POST', '/energy-coordination/v1/users')).toBe(2); // refused, then accepted
    expect(await volue.getUser('user-after-401')).toEqual({ userId: 'user-after-401' });
  });

  it('refuses wrong client credentials with UPSTREAM_REJECTED and never shows the secret', async () => {
    const secret = 'not-the-right-secret-42';
    const error = await client({ clientSecret: secret })
      .getUser(SEED_USER_IDS.home)
      .catch((e: Error) => e);
    expect(error).toMatchObject({ extensions: { code: 'UPSTREAM_REJECTED', provider: 'VOLUE', upstreamStatus: 400 } });
    expect((error as Error).message).toContain('VOLUE_CLIENT_SECRET');
    expect((error as Error).message).toContain('invalid_client');
    expect(JSON.stringify(error)).not.toContain(secret);
    expect(simulator.callCount('GET', '/energy-coordination/v1/users/:userId')).toBe(0);
  });
});

describe('idempotent registration: 409 where the spec declares it, read-back by id where it does not', () => {
  const location = { locationId: 'loc-123', locationType: 'Residential' as const, meterPointIds: ['707057500011112222'] };

  it('a location answered 409 with the same fields is success, and returns the stored location', async () => {
    const volue = client();
    const first = await volue.registerLocation(SEED_USER_IDS.office, location);
    const again = await volue.registerLocation(SEED_USER_IDS.office, location);
    expect(again).toEqual(first);
    expect(simulator.callCount('POST', '/energy-coordination/v1/users/:userId/locations')).toBe(2);
    expect(simulator.callCount('GET', '/energy-coordination/v1/users/:userId/locations/:locationId')).toBe(1);
  });

  it('a location answered 409 with different fields is an error naming them', async () => {
    const volue = client();
    await volue.registerLocation(SEED_USER_IDS.office, location);
    const error = await volue.registerLocation(SEED_USER_IDS.office, { ...location, locationType: 'Commercial' }).catch((e: Error) => e);
    expect(error).toMatchObject({ extensions: { code: 'UPSTREAM_REJECTED', upstreamStatus: 409, differingFields: ['locationType'] } });
    expect((error as Error).message).toMatch(/location loc-123 registered with different data/);
  });

  it('a vehicle refused with 400 (no 409 in the spec) is read back by id: the same user’s vehicle is success', async () => {
    const volue = client();
    const first = await volue.registerVehicle(SEED_USER_IDS.office, 'ev-123');
    expect(first).toEqual({
      resourceId: 'ev-123',
      resourceType: 'Vehicle',
      userId: SEED_USER_IDS.office,
      locationId: null,
      meterPointId: null,
    });
    expect(await volue.registerVehicle(SEED_USER_IDS.office, 'ev-123')).toEqual(first);
    expect(simulator.callCount('GET', '/energy-coordination/v1/resources/:resourceId')).toBe(1);
    const error = await volue.registerVehicle(SEED_USER_IDS.cabin, 'ev-123').catch((e: Error) => e);
    expect(error).toMatchObject({ extensions: { code: 'UPSTREAM_REJECTED', upstreamStatus: 400, differingFields: ['userId'] } });
  });

  it('a 400 that is not a duplicate stands: nothing to read back', async () => {
    const error = await client()
      .registerLocationResource(SEED_USER_IDS.home, SEED_LOCATION_IDS.home, {
        resourceId: 'x',
        resourceType: 'HotWaterTank',
        meterPointId: 'not-its-meter',
      })
      .catch((e: Error) => e);
    expect(error).toMatchObject({ extensions: { code: 'UPSTREAM_REJECTED', upstreamStatus: 400 } });
    expect((error as Error).message).toMatch(/meterPointId must be one of the location/);
  });

  it('a user refused with 400 because it exists is read back and returned', async () => {
    const volue = client();
    expect(await volue.registerUser(SEED_USER_IDS.home)).toEqual({ userId: SEED_USER_IDS.home });
    expect(simulator.callCount('POST', '/energy-coordination/v1/users')).toBe(1);
    expect(simulator.callCount('GET', '/energy-coordination/v1/users/:userId')).toBe(1);
  });

  it('never retries a registration POST that failed upstream', async () => {
    const volue = client();
    await volue.getUser(SEED_USER_IDS.home); // token first, so the fault hits only the POST
    simulator.setFaults({ errorRate: 1, errorStatus: 503 });
    const error = await volue.registerUser('user-503').catch((e: Error) => e);
    expect(error).toMatchObject({ extensions: { code: 'UPSTREAM_UNAVAILABLE' } });
    expect(simulator.callCount('POST', '/energy-coordination/v1/users')).toBe(1);
  });

  it('compares nested fields', () => {
    expect(differingFields({ a: 1, m: { x: [1, 2], y: 'b' } }, { a: 1, m: { x: [1, 2], y: 'c' } })).toEqual(['m.y']);
    expect(differingFields({ a: 1 }, { a: 1 })).toEqual([]);
  });
});
