import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { VolueClient, differingFields, type VolueClientOptions } from './client.js';
import { VOLUE_SIMULATOR_CLIENT_ID, VOLUE_SIMULATOR_CLIENT_SECRET, startVolueSimulator, type VolueSimulator } from './simulator/index.js';
import { SEED_USER_IDS } from './simulator/seed.js';

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

describe('idempotent registration', () => {
  const vehicle = {
    vehicleId: 'ev-123',
    metadata: { resourceType: 'Vehicle' as const, brand: 'Tesla', model: 'Model 3', year: 2022, vin: '5YJ3E1EA7NF000123' },
  };

  it('counts a 409 for an identical payload as success and returns the stored object', async () => {
    const volue = client();
    const first = await volue.registerVehicle(SEED_USER_IDS.office, vehicle);
    const again = await volue.registerVehicle(SEED_USER_IDS.office, vehicle);
    expect(again).toEqual(first);
    expect(simulator.callCount('POST', '/energy-coordination/v1/users/:userId/vehicles')).toBe(2);
    expect(await volue.listVehicles(SEED_USER_IDS.office)).toHaveLength(1);
  });

  it('turns a 409 for a different payload into an error naming the differing fields', async () => {
    const volue = client();
    await volue.registerVehicle(SEED_USER_IDS.office, vehicle);
    const error = await volue
      .registerVehicle(SEED_USER_IDS.office, { ...vehicle, metadata: { ...vehicle.metadata, year: 2023 } })
      .catch((e: Error) => e);
    expect(error).toMatchObject({
      extensions: { code: 'UPSTREAM_REJECTED', upstreamStatus: 409, differingFields: ['metadata.year'] },
    });
    expect((error as Error).message).toMatch(/vehicle ev-123 registered with different data/);
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
