import { readFileSync } from 'node:fs';
import { gql } from 'graphql-request';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { SHARED_METERING_POINTS } from '../shared/simulator/index.js';
import type { VolueSimulator } from '../subgraphs/volue/simulator/index.js';
import { SEED_NORWEGIAN_MPID, SEED_USER_IDS } from '../subgraphs/volue/simulator/seed.js';
import { readmeOperations } from './support/readme.js';
import { OPEN_WITH_ADMIN, startStack, type TestStack } from './support/stack.js';

/** The Volue subgraph as a user sees it: through the gateway, against the simulator. */

let stack: TestStack;
const sim = () => stack.simulator<VolueSimulator>('volue');

beforeAll(async () => {
  stack = await startStack(OPEN_WITH_ADMIN);
});
afterAll(async () => {
  await stack?.stop();
});
beforeEach(() => {
  sim().reset();
});

function query<T = Record<string, any>>(document: string, variables?: Record<string, unknown>) {
  return stack.query<T>(document, variables);
}

const API = '/energy-coordination/v1';
const calls = (method: string, route: string) => sim().callCount(method, `${API}${route}`);
const writes = () =>
  ['/users', '/users/:userId/meters', '/users/:userId/vehicles', '/users/:userId/resources', '/reports', '/webhooks'].reduce(
    (sum, route) => sum + calls('POST', route),
    0,
  );

const USER = gql`
  query User($id: ID!) {
    volueUser(id: $id) {
      id
      meters {
        id
        provider
        meterPointId
        name
        userId
        meterNumber
        locationType
        address {
          street
          city
          zipCode
        }
        location {
          latitude
          longitude
        }
        meteringPoint {
          id
        }
      }
      vehicles {
        id
        userId
        brand
        model
        year
        vin
      }
      resources {
        id
        userId
        resourceType
        brand
        model
        capacity
        heatingElements
        metadata
      }
    }
  }
`;

const REGISTER = gql`
  mutation Register(
    $user: RegisterVolueUserInput!
    $meter: RegisterVolueMeterInput!
    $vehicle: RegisterVolueVehicleInput!
    $resource: RegisterVolueResourceInput!
  ) {
    registerVolueUser(input: $user) {
      id
    }
    registerVolueMeter(input: $meter) {
      id
      meterPointId
    }
    registerVolueVehicle(input: $vehicle) {
      id
      vin
    }
    registerVolueResource(input: $resource) {
      id
      resourceType
      heatingElements
    }
  }
`;

// The seed's payloads, field for field.
const userId = 'c0ffee00-1111-4222-8333-444455556666';
const registration = {
  user: { userId },
  meter: {
    userId,
    address: { street: 'Kongens gate 1', city: 'Trondheim', zipCode: '7011' },
    location: { latitude: 63.1, longitude: 10.7 },
    meterPointId: '707057500099887766',
    meterNumber: '6970631409876543',
    locationType: 'RESIDENTIAL',
  },
  vehicle: { userId, vehicleId: 'ev-0042', brand: 'Tesla', model: 'Model 3', year: 2022, vin: '5YJ3E1EA7NF004242' },
  resource: {
    userId,
    resourceId: 'tank-0042',
    resourceType: 'HOT_WATER_TANK',
    brand: 'Oso',
    model: 'SuperTank',
    capacity: 500,
    heatingElements: [1750, 1250],
  },
};

describe('users, meters, vehicles and resources', () => {
  it('reads a seeded user with its meters, vehicles and resources', async () => {
    const { data, errors } = await query(USER, { id: SEED_USER_IDS.home });
    expect(errors).toEqual([]);
    const user = data.volueUser;
    expect(user.meters).toEqual([
      expect.objectContaining({
        provider: 'VOLUE',
        meterPointId: SHARED_METERING_POINTS.homeEan,
        locationType: 'RESIDENTIAL',
        address: { street: 'Keizersgracht 123', city: 'Amsterdam', zipCode: '1015 CJ' },
        meteringPoint: { id: SHARED_METERING_POINTS.homeEan },
      }),
    ]);
    expect(user.vehicles).toEqual([
      { id: 'tesla-model-3-0001', userId: SEED_USER_IDS.home, brand: 'Tesla', model: 'Model 3', year: 2022, vin: '5YJ3E1EA7NF000001' },
    ]);
    expect(user.resources[0]).toMatchObject({ resourceType: 'HOT_WATER_TANK', capacity: 500, heatingElements: [1750, 1250] });
  });

  it('registers a user, meter, vehicle and resource with the seed payloads, and reads every field back', async () => {
    const { data, errors } = await query(REGISTER, registration);
    expect(errors).toEqual([]);
    expect(data.registerVolueUser.id).toBe(userId);
    const stored = sim()
      .stats()
      .requests.filter((r) => r.method === 'POST');
    expect(stored.length).toBe(4);

    const { data: read } = await query(USER, { id: userId });
    const { userId: _u, ...meterFields } = registration.meter;
    expect(read.volueUser.meters).toEqual([
      expect.objectContaining({ ...meterFields, id: data.registerVolueMeter.id, meteringPoint: { id: meterFields.meterPointId } }),
    ]);
    const { vehicleId, ...vehicleFields } = registration.vehicle;
    expect(read.volueUser.vehicles).toEqual([{ id: vehicleId, ...vehicleFields }]);
    const { resourceId, ...resourceFields } = registration.resource;
    expect(read.volueUser.resources).toEqual([
      {
        id: resourceId,
        ...resourceFields,
        metadata: { resourceType: 'HotWaterTank', brand: 'Oso', model: 'SuperTank', capacity: 500, heatingElements: [1750, 1250] },
      },
    ]);
  });

  it('is idempotent: the same registration twice succeeds and stores each object once', async () => {
    const first = await query(REGISTER, registration);
    const second = await query(REGISTER, registration);
    expect(second.errors).toEqual([]);
    expect(second.data).toEqual(first.data);
    expect(calls('POST', '/users/:userId/vehicles')).toBe(2); // sent twice, answered 409 once, no retry
    const { data } = await query(USER, { id: userId });
    expect(data.volueUser.meters).toHaveLength(1);
    expect(data.volueUser.vehicles).toHaveLength(1);
    expect(data.volueUser.resources).toHaveLength(1);
  });

  it('refuses to re-register an id with different data, naming the fields', async () => {
    await query(REGISTER, registration);
    const { data, errors } = await query(
      gql`
        mutation ($input: RegisterVolueVehicleInput!) {
          registerVolueVehicle(input: $input) {
            id
          }
        }
      `,
      { input: { ...registration.vehicle, model: 'Model Y' } },
    );
    expect(data?.registerVolueVehicle ?? null).toBeNull();
    expect(errors[0]?.extensions).toMatchObject({ code: 'UPSTREAM_REJECTED', provider: 'VOLUE', differingFields: ['metadata.model'] });
    expect(errors[0]?.message).toMatch(/different data/);
  });

  it('lists users as a connection with totalCount and cursors', async () => {
    const page1 = await query(gql`
      {
        volueUsers(first: 2) {
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
    `);
    expect(page1.data.volueUsers.totalCount).toBe(3);
    expect(page1.data.volueUsers.nodes.map((n: { id: string }) => n.id)).toEqual([SEED_USER_IDS.home, SEED_USER_IDS.office]);
    expect(page1.data.volueUsers.pageInfo.hasNextPage).toBe(true);
    const page2 = await query(
      gql`
        query ($after: String) {
          volueUsers(first: 2, after: $after) {
            nodes {
              id
            }
            pageInfo {
              hasNextPage
            }
          }
        }
      `,
      { after: page1.data.volueUsers.pageInfo.endCursor },
    );
    expect(page2.data.volueUsers.nodes).toEqual([{ id: SEED_USER_IDS.cabin }]);
    expect(page2.data.volueUsers.pageInfo.hasNextPage).toBe(false);
  });

  it('answers NOT_FOUND for an unknown user', async () => {
    const { errors } = await query(USER, { id: 'no-such-user' });
    expect(errors[0]?.extensions).toMatchObject({ code: 'NOT_FOUND', provider: 'VOLUE' });
  });
});

describe('MeteringPoint.volueMeters', () => {
  it('finds the Volue meters registered with a metering point id, across users', async () => {
    const { data, errors } = await query(
      gql`
        query ($id: ID!, $none: ID!) {
          meteringPoint(id: $id) {
            volueMeters {
              userId
              meterPointId
              user {
                id
              }
            }
          }
          other: meteringPoint(id: $none) {
            volueMeters {
              id
            }
          }
        }
      `,
      { id: SHARED_METERING_POINTS.officeEan, none: '000000000000000000' },
    );
    expect(errors).toEqual([]);
    expect(data.meteringPoint.volueMeters).toEqual([
      { userId: SEED_USER_IDS.office, meterPointId: SHARED_METERING_POINTS.officeEan, user: { id: SEED_USER_IDS.office } },
    ]);
    expect(data.other.volueMeters).toEqual([]);
    expect(calls('GET', '/users')).toBe(1); // one user listing for both metering points
    expect(calls('GET', '/users/:userId/meters')).toBe(3);
  });

  it('knows the shared metering points it seeds', async () => {
    for (const id of [SHARED_METERING_POINTS.homeEan, SHARED_METERING_POINTS.testMpan, SEED_NORWEGIAN_MPID]) {
      const { data } = await query(
        gql`
          query ($id: ID!) {
            meteringPoint(id: $id) {
              volueMeters {
                meterPointId
              }
            }
          }
        `,
        { id },
      );
      expect(data.meteringPoint.volueMeters).toEqual([{ meterPointId: id }]);
    }
  });
});

describe('bad input', () => {
  const registerMeter = gql`
    mutation ($input: RegisterVolueMeterInput!) {
      registerVolueMeter(input: $input) {
        id
      }
    }
  `;

  it('refuses invalid coordinates, and the simulator saw no write', async () => {
    const { errors } = await query(registerMeter, {
      input: { ...registration.meter, userId: SEED_USER_IDS.home, location: { latitude: 95, longitude: 10.7 } },
    });
    expect(errors[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(errors[0]?.message).toMatch(/latitude must be from -90 to 90/);
    expect(writes()).toBe(0);
  });

  it('refuses an unknown resource type, and the simulator saw no write', async () => {
    const { errors } = await query(
      gql`
        mutation ($input: RegisterVolueResourceInput!) {
          registerVolueResource(input: $input) {
            id
          }
        }
      `,
      { input: { ...registration.resource, userId: SEED_USER_IDS.home, resourceType: 'SPACESHIP' } },
    );
    expect(errors[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(errors[0]?.message).toMatch(/SPACESHIP/);
    expect(writes()).toBe(0);
  });

  it('refuses a report point not on the hour, and the simulator saw no write', async () => {
    const { errors } = await query(SEND_REPORT, {
      input: { energyUsage: [{ resourceId: 'tank', points: [{ timestamp: '2026-01-20T11:30:00Z', kiloWattHours: 1.5 }] }] },
    });
    expect(errors[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'energyUsage[0].points[0].timestamp' });
    expect(errors[0]?.message).toMatch(/not on the hour/);
    expect(writes()).toBe(0);
  });

  it('refuses a registration for an unknown user with NOT_FOUND, and the simulator saw no write', async () => {
    const { errors } = await query(registerMeter, { input: { ...registration.meter, userId: 'ghost-user' } });
    expect(errors[0]?.extensions).toMatchObject({ code: 'NOT_FOUND', provider: 'VOLUE' });
    expect(errors[0]?.message).toMatch(/registerVolueUser first/);
    expect(writes()).toBe(0);
  });
});

const SEND_REPORT = gql`
  mutation ($input: SendVolueReportInput!) {
    sendVolueReport(input: $input) {
      id
      eventId
      createdAt
    }
  }
`;

describe('events and reports', () => {
  it('lists events newest first, pages through them, and reads one', async () => {
    const { data, errors } = await query(gql`
      {
        volueEvents(first: 2) {
          totalCount
          nodes {
            id
            createdAt
            payloadType
            payload
          }
          pageInfo {
            hasNextPage
          }
        }
      }
    `);
    expect(errors).toEqual([]);
    const { nodes } = data.volueEvents;
    expect(data.volueEvents.totalCount).toBe(3);
    expect(data.volueEvents.pageInfo.hasNextPage).toBe(true);
    expect(nodes.map((n: { payloadType: string }) => n.payloadType)).toEqual(['PriceCurve', 'UserEligibility']);
    expect(Date.parse(nodes[0].createdAt)).toBeGreaterThan(Date.parse(nodes[1].createdAt));
    expect(nodes[0].payload.priceCurveDelta.points).toHaveLength(24);

    const one = await query(
      gql`
        query ($id: ID!) {
          volueEvent(id: $id) {
            id
            payloadType
          }
        }
      `,
      { id: nodes[1].id },
    );
    expect(one.data.volueEvent).toEqual({ id: nodes[1].id, payloadType: 'UserEligibility' });
    const missing = await query(
      gql`
        query ($id: ID!) {
          volueEvent(id: $id) {
            id
          }
        }
      `,
      { id: 'no-such-event' },
    );
    expect(missing.errors[0]?.extensions).toMatchObject({ code: 'NOT_FOUND', provider: 'VOLUE' });
  });

  it('sends EnergyUsage and LocationEnergyUsage payloads as hourly UTC points stamped at the start of the hour', async () => {
    const { data: events } = await query(gql`
      {
        volueEvents(first: 1) {
          nodes {
            id
          }
        }
      }
    `);
    const eventId = events.volueEvents.nodes[0].id;
    const { data, errors } = await query(SEND_REPORT, {
      input: {
        eventId,
        energyUsage: [
          {
            resourceId: 'oso-supertank-0001',
            points: [
              { timestamp: '2026-01-20T11:00:00Z', kiloWattHours: 1.75 },
              { timestamp: '2026-01-20T13:00:00+01:00', kiloWattHours: 2.5 },
            ],
          },
        ],
        locationEnergyUsage: [
          { locationId: 'loc-1', meterPointId: SEED_NORWEGIAN_MPID, points: [{ timestamp: '2026-01-20T11:00:00Z', kiloWattHours: 72 }] },
        ],
      },
    });
    expect(errors).toEqual([]);
    expect(data.sendVolueReport).toMatchObject({ eventId });
    expect(calls('POST', '/reports')).toBe(1);
    expect(sim().reports()[0]?.payloads).toEqual([
      {
        payloadType: 'EnergyUsage',
        resourceId: 'oso-supertank-0001',
        resolution: '01:00:00',
        points: [
          { timestamp: '2026-01-20T11:00:00.000Z', kiloWattHours: 1.75 },
          { timestamp: '2026-01-20T12:00:00.000Z', kiloWattHours: 2.5 },
        ],
      },
      {
        payloadType: 'LocationEnergyUsage',
        locationId: 'loc-1',
        meterPointId: SEED_NORWEGIAN_MPID,
        resolution: '01:00:00',
        points: [{ timestamp: '2026-01-20T11:00:00.000Z', kiloWattHours: 72 }],
      },
    ]);
  });
});

describe('webhooks', () => {
  const WEBHOOK_FIELDS = 'id url name notificationTypes enabled status';

  it('subscribes this server to events; a new event arrives signed and shows in volueNotifications', async () => {
    const { data, errors } = await query(
      gql`
        mutation ($input: SubscribeVolueEventsInput!) {
          subscribeVolueEvents(input: $input) { ${WEBHOOK_FIELDS} }
        }
      `,
      { input: { name: 'gridgraph', notificationTypes: ['PRICE_CURVE_CREATED'] } },
    );
    expect(errors).toEqual([]);
    const webhook = data.subscribeVolueEvents;
    expect(webhook).toMatchObject({ name: 'gridgraph', notificationTypes: ['PRICE_CURVE_CREATED'], enabled: true, status: 'NEW' });
    expect(webhook.url).toBe(`${stack.subgraphs.volue!.subgraph.url}/webhooks/volue`);

    const event = await sim().createEvent('PriceCurve');
    await sim().createEvent('UserEligibility'); // not subscribed: not delivered
    expect(sim().deliveries()).toHaveLength(1);
    expect(sim().deliveries()[0]).toMatchObject({ responseStatusCode: 200, signature: expect.stringMatching(/^[A-Za-z0-9+/]{43}=$/) });

    const { data: received } = await query(gql`
      {
        volueNotifications {
          totalCount
          nodes {
            eventId
            notificationType
            payload
          }
        }
      }
    `);
    expect(received.volueNotifications.totalCount).toBeGreaterThanOrEqual(1);
    expect(received.volueNotifications.nodes[0]).toMatchObject({
      eventId: event.id,
      notificationType: 'PRICE_CURVE_CREATED',
      payload: event.payload,
    });

    const { data: listed } = await query(gql`{ volueWebhooks { ${WEBHOOK_FIELDS} } }`);
    expect(listed.volueWebhooks).toEqual([{ ...webhook, status: 'HEALTHY' }]);
  });

  it('updates, tests and deletes a webhook', async () => {
    const { data } = await query(
      gql`
        mutation ($input: SubscribeVolueEventsInput!) {
          subscribeVolueEvents(input: $input) {
            id
          }
        }
      `,
      { input: { name: 'to-change' } },
    );
    const id = data.subscribeVolueEvents.id;

    const updated = await query(
      gql`
        mutation ($id: ID!, $input: UpdateVolueWebhookInput!) {
          updateVolueWebhook(id: $id, input: $input) { ${WEBHOOK_FIELDS} }
        }
      `,
      { id, input: { name: 'renamed', enabled: false, notificationTypes: ['USER_ELIGIBILITY_UPDATED'] } },
    );
    expect(updated.errors).toEqual([]);
    expect(updated.data.updateVolueWebhook).toMatchObject({
      name: 'renamed',
      enabled: false,
      notificationTypes: ['USER_ELIGIBILITY_UPDATED'],
    });
    expect(calls('PATCH', '/webhooks/:webhookId')).toBe(1);

    const tested = await query(
      gql`
        mutation ($id: ID!) {
          testVolueWebhook(id: $id) {
            webhookId
            notificationId
            responseStatusCode
            delivered
          }
        }
      `,
      { id },
    );
    expect(tested.errors).toEqual([]);
    expect(tested.data.testVolueWebhook).toMatchObject({ webhookId: id, responseStatusCode: 200, delivered: true });
    const { data: received } = await query(gql`
      {
        volueNotifications(first: 1) {
          nodes {
            id
          }
        }
      }
    `);
    expect(received.volueNotifications.nodes[0].id).toBe(tested.data.testVolueWebhook.notificationId);

    const deleted = await query(
      gql`
        mutation ($id: ID!) {
          deleteVolueWebhook(id: $id) {
            id
            provider
            deleted
          }
        }
      `,
      { id },
    );
    expect(deleted.data.deleteVolueWebhook).toEqual({ id, provider: 'VOLUE', deleted: true });
    const again = await query(
      gql`
        mutation ($id: ID!) {
          deleteVolueWebhook(id: $id) {
            id
          }
        }
      `,
      { id },
    );
    expect(again.errors[0]?.extensions).toMatchObject({ code: 'NOT_FOUND', provider: 'VOLUE' });
  });
});

describe('examples', () => {
  /** Runs a file of gateway/playground/examples: line 2 may hold `# variables: {…}`. */
  async function runExample(name: string) {
    const text = readFileSync(new URL(`../gateway/playground/examples/${name}`, import.meta.url), 'utf8');
    const variables = /^# variables: (.*)$/m.exec(text)?.[1];
    return query(text, variables ? JSON.parse(variables) : undefined);
  }

  it('the playground registration runs twice without errors (registration is idempotent)', async () => {
    const first = await runExample('volue-register-user.graphql');
    expect(first.errors).toEqual([]);
    const second = await runExample('volue-register-user.graphql');
    expect(second.errors).toEqual([]);
    expect(second.data).toEqual(first.data);
  });

  it('the README’s Volue blocks run without errors, the registration twice', async () => {
    const blocks = readmeOperations().filter((operation) => /[Vv]olue/.test(operation.query));
    expect(blocks.length).toBeGreaterThanOrEqual(2);
    for (const { label, query: document, variables } of [...blocks, ...blocks]) {
      const { errors } = await query(document, variables);
      expect(errors, label).toEqual([]);
    }
  });
});
