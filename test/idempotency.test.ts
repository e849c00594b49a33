import { gql } from 'graphql-request';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningSimulator } from '../shared/simulator/server.js';
import { VOLUE_API_BASE_PATH } from '../subgraphs/volue/contract.js';
import { VOLUE_SIMULATOR_CLIENT_ID, VOLUE_SIMULATOR_CLIENT_SECRET, startVolueSimulator } from '../subgraphs/volue/simulator/index.js';
import { SEED_USER_IDS } from '../subgraphs/volue/simulator/seed.js';
import { startSlowAnswerProxy, type SlowAnswerProxy } from './support/slow-proxy.js';
import { OPEN_WITH_ADMIN, startStack, type TestStack } from './support/stack.js';

/**
 * "Nothing lost": every registration mutation takes an idempotencyKey. A retry with the same key returns
 * the first result and the provider sees no second write (simulator write counts); the same key with
 * other arguments is BAD_USER_INPUT; and a retry after a timeout that the provider had committed finds
 * the committed object instead of writing again.
 */

let stack: TestStack;
beforeAll(async () => {
  stack = await startStack(OPEN_WITH_ADMIN);
});
afterAll(async () => {
  await stack?.stop();
});

// Writes the provider stored: every non-GET request except logging in (a token or a session).
const writes = (simulator: RunningSimulator) =>
  simulator
    .stats()
    .requests.filter((r) => r.method !== 'GET' && !['/connect/token', '/session'].includes(r.path))
    .reduce((sum, r) => sum + r.count, 0);

const cases: Array<{
  name: string;
  provider: string;
  document: string;
  variables: Record<string, unknown>;
  other: Record<string, unknown>;
}> = [
  {
    name: 'registerVolueUser',
    provider: 'volue',
    document: gql`
      mutation ($input: RegisterVolueUserInput!, $key: String) {
        registerVolueUser(input: $input, idempotencyKey: $key) {
          id
        }
      }
    `,
    variables: { input: { userId: 'idem-user-1' } },
    other: { input: { userId: 'idem-user-2' } },
  },
  {
    name: 'registerVolueMeter',
    provider: 'volue',
    document: gql`
      mutation ($input: RegisterVolueMeterInput!, $key: String) {
        registerVolueMeter(input: $input, idempotencyKey: $key) {
          id
          meterPointId
        }
      }
    `,
    variables: { input: { userId: SEED_USER_IDS.home, meterPointId: '707057500011112222', locationType: 'RESIDENTIAL' } },
    other: { input: { userId: SEED_USER_IDS.home, meterPointId: '707057500011113333', locationType: 'RESIDENTIAL' } },
  },
  {
    name: 'registerVolueVehicle',
    provider: 'volue',
    document: gql`
      mutation ($input: RegisterVolueVehicleInput!, $key: String) {
        registerVolueVehicle(input: $input, idempotencyKey: $key) {
          id
        }
      }
    `,
    variables: { input: { userId: SEED_USER_IDS.home, vehicleId: 'idem-ev-1', brand: 'Kia', model: 'EV6', year: 2023 } },
    other: { input: { userId: SEED_USER_IDS.home, vehicleId: 'idem-ev-1', brand: 'Kia', model: 'EV9', year: 2023 } },
  },
  {
    name: 'registerVolueResource',
    provider: 'volue',
    document: gql`
      mutation ($input: RegisterVolueResourceInput!, $key: String) {
        registerVolueResource(input: $input, idempotencyKey: $key) {
          id
        }
      }
    `,
    variables: { input: { userId: SEED_USER_IDS.cabin, resourceId: 'idem-tank-1', resourceType: 'HOT_WATER_TANK', capacity: 200 } },
    other: { input: { userId: SEED_USER_IDS.cabin, resourceId: 'idem-tank-1', resourceType: 'HOT_WATER_TANK', capacity: 300 } },
  },
  {
    name: 'subscribeVolueEvents',
    provider: 'volue',
    document: gql`
      mutation ($input: SubscribeVolueEventsInput!, $key: String) {
        subscribeVolueEvents(input: $input, idempotencyKey: $key) {
          id
        }
      }
    `,
    variables: { input: { webhookUrl: 'https://hooks.example/idem', name: 'idem' } },
    other: { input: { webhookUrl: 'https://hooks.example/idem-2', name: 'idem' } },
  },
  {
    name: 'createOpenvoltCustomer',
    provider: 'openvolt',
    document: gql`
      mutation ($input: CreateOpenvoltCustomerInput!, $key: String) {
        createOpenvoltCustomer(input: $input, idempotencyKey: $key) {
          id
        }
      }
    `,
    variables: { input: { name: 'Idem Ltd', email: 'idem@customer.example' } },
    other: { input: { name: 'Idem Ltd (renamed)', email: 'idem@customer.example' } },
  },
  {
    name: 'registerOpenvoltMeter',
    provider: 'openvolt',
    document: gql`
      mutation ($input: RegisterOpenvoltMeterInput!, $key: String) {
        registerOpenvoltMeter(input: $input, idempotencyKey: $key) {
          id
        }
      }
    `,
    variables: { input: { customerId: '6514153c23e3d1424bf82738', meterNumber: '1900000000017', dataSource: 'ELECTRALINK' } },
    other: { input: { customerId: '6514153c23e3d1424bf82738', meterNumber: '1900000000024', dataSource: 'ELECTRALINK' } },
  },
  {
    name: 'createOpenvoltConsent',
    provider: 'openvolt',
    document: gql`
      mutation ($input: CreateOpenvoltConsentInput!, $key: String) {
        createOpenvoltConsent(input: $input, idempotencyKey: $key) {
          id
        }
      }
    `,
    variables: {
      input: {
        customerId: '6514153c23e3d1424bf82738',
        startDate: '2026-01-01',
        endDate: '2026-12-31',
        evidenceDocumentId: '651415c69ffaad98b811ba57',
      },
    },
    other: {
      input: {
        customerId: '6514153c23e3d1424bf82738',
        startDate: '2026-02-01',
        endDate: '2026-12-31',
        evidenceDocumentId: '651415c69ffaad98b811ba57',
      },
    },
  },
  {
    name: 'createIntellimeterUser',
    provider: 'intellimeter',
    document: gql`
      mutation ($input: CreateIntellimeterUserInput!, $key: String) {
        createIntellimeterUser(input: $input, idempotencyKey: $key) {
          id
          joined
        }
      }
    `,
    variables: { input: { username: 'idem-operator', password: 'pw-idem', email: 'idem@site.example' } },
    other: { input: { username: 'idem-operator-2', password: 'pw-idem', email: 'idem@site.example' } },
  },
  {
    name: 'pushEnerkeyConsumptions',
    provider: 'enerkey',
    document: gql`
      mutation ($meterId: ID!, $values: [EnerkeyHourlyValueInput!]!, $key: String) {
        pushEnerkeyConsumptions(meterId: $meterId, values: $values, idempotencyKey: $key) {
          hoursWritten
        }
      }
    `,
    variables: { meterId: '20001', values: [{ timestamp: '2020-07-01T08:00:00Z', value: 5 }] },
    other: { meterId: '20001', values: [{ timestamp: '2020-07-01T08:00:00Z', value: 6 }] },
  },
];

describe.each(cases)('$name with an idempotency key', ({ name, provider, document, variables, other }) => {
  it('returns the first result on a retry and writes once; other arguments under the same key are refused', async () => {
    const simulator = stack.simulator(provider);
    const before = writes(simulator);
    const key = `key-${name}`;
    const first = await stack.query(document, { ...variables, key });
    expect(first.errors).toEqual([]);
    expect(first.data[name]).toBeTruthy();
    expect(writes(simulator)).toBe(before + 1);

    const retry = await stack.query(document, { ...variables, key });
    expect(retry.errors).toEqual([]);
    expect(retry.data).toEqual(first.data);
    expect(writes(simulator)).toBe(before + 1);

    const misuse = await stack.query(document, { ...other, key });
    expect(misuse.data?.[name] ?? null).toBeNull();
    expect(misuse.errors[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'idempotencyKey' });
    expect(misuse.errors[0]?.message).toMatch(/different arguments/);
    expect(writes(simulator)).toBe(before + 1);
  });
});

describe('a retry after the provider committed but the answer was lost', () => {
  let lossy: TestStack;
  let volue: RunningSimulator;
  let proxy: SlowAnswerProxy;
  beforeAll(async () => {
    volue = await startVolueSimulator({ host: '127.0.0.1', port: 0 });
    proxy = await startSlowAnswerProxy(volue.url);
    lossy = await startStack({
      VOLUE_API_URL: `${proxy.url}${VOLUE_API_BASE_PATH}`,
      VOLUE_TOKEN_URL: (volue as RunningSimulator & { tokenUrl: string }).tokenUrl,
      VOLUE_CLIENT_ID: VOLUE_SIMULATOR_CLIENT_ID,
      VOLUE_CLIENT_SECRET: VOLUE_SIMULATOR_CLIENT_SECRET,
      VOLUE_WEBHOOK_SECRET: 'idempotency-test-webhook-secret',
      VOLUE_TIMEOUT_MS: '300',
    });
  });
  afterAll(async () => {
    await lossy?.stop();
    await proxy?.stop();
    await volue?.stop();
  });

  const REGISTER = gql`
    mutation ($input: RegisterVolueMeterInput!, $key: String) {
      registerVolueMeter(input: $input, idempotencyKey: $key) {
        id
        meterPointId
      }
    }
  `;
  const input = { userId: SEED_USER_IDS.home, meterPointId: '707057500077778888', locationType: 'RESIDENTIAL' };

  it('times out, then the retry with the same key returns the committed meter without a second write', async () => {
    proxy.delayNextWrites(1, 1_000);
    const first = await lossy.query(REGISTER, { input, key: 'lost-answer' });
    expect(first.errors[0]?.extensions).toMatchObject({ code: 'UPSTREAM_TIMEOUT', provider: 'VOLUE' });
    await proxy.committed();
    expect(volue.callCount('POST', '/energy-coordination/v1/users/:userId/locations')).toBe(1);

    const retry = await lossy.query(REGISTER, { input, key: 'lost-answer' });
    expect(retry.errors).toEqual([]);
    expect(retry.data.registerVolueMeter).toMatchObject({ meterPointId: '707057500077778888' });
    expect(volue.callCount('POST', '/energy-coordination/v1/users/:userId/locations')).toBe(1);
  });

  it('without a key the same retry writes again (and Volue refuses the duplicate as a conflict it resolves)', async () => {
    proxy.delayNextWrites(1, 1_000);
    const other = { ...input, meterPointId: '707057500077779999' };
    const first = await lossy.query(REGISTER, { input: other });
    expect(first.errors[0]?.extensions?.code).toBe('UPSTREAM_TIMEOUT');
    await proxy.committed();
    const before = volue.callCount('POST', '/energy-coordination/v1/users/:userId/locations');
    await lossy.query(REGISTER, { input: other });
    expect(volue.callCount('POST', '/energy-coordination/v1/users/:userId/locations')).toBe(before + 1);
  });
});
