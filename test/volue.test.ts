import { readFileSync } from 'node:fs';
import { gql } from 'graphql-request';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { SHARED_METERING_POINTS } from '../shared/simulator/index.js';
import type { VolueSimulator } from '../subgraphs/volue/simulator/index.js';
import {
  SEED_HEAT_PUMP_ID,
  SEED_LOCATION_IDS,
  SEED_NORWEGIAN_MPID,
  SEED_RESOURCE_ID,
  SEED_USER_IDS,
  SEED_VEHICLE_ID,
} from '../subgraphs/volue/simulator/seed.js';
import { readmeOperations } from './support/readme.js';
import { OPEN_WITH_ADMIN, startStack, type TestStack } from './support/stack.js';

/** The Volue subgraph as a user sees it: through the gateway, against the simulator of the current partner API. */

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

/** Runs `document` and expects no errors. */
async function ok<T = Record<string, any>>(document: string, variables?: Record<string, unknown>): Promise<T> {
  const { data, errors } = await query<T>(document, variables);
  expect(errors).toEqual([]);
  return data;
}

const API = '/energy-coordination/v1';
const calls = (method: string, route: string) => sim().callCount(method, `${API}${route}`);
const writes = () =>
  sim()
    .stats()
    .requests.filter((request) => request.method !== 'GET' && request.path.startsWith(API))
    .reduce((sum, request) => sum + request.count, 0);

const LOCATION_FIELDS = `id userId locationType coordinates { latitude longitude } meterPointIds address { street city zipCode } meterNumber`;
const RESOURCE_FIELDS = `id userId resourceType locationId meterPointId brand model year vin capacity heatingElements`;

describe('the seed’s flow (deprecated, seed-shaped) on the current API', () => {
  const SEED_REGISTER = gql`
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
        meterNumber
        address {
          street
        }
      }
      registerVolueVehicle(input: $vehicle) {
        id
        vin
      }
      registerVolueResource(input: $resource) {
        id
        resourceType
        locationId
        heatingElements
      }
    }
  `;
  const SEED_READ = gql`
    query ($id: ID!) {
      volueUser(id: $id) {
        meters { id meterPointId name userId meterNumber locationType address { street city zipCode } location { latitude longitude } meteringPoint { id } }
        vehicles { id userId brand model year vin }
        resources { id resourceType brand model capacity heatingElements metadata }
        locations { ${LOCATION_FIELDS} }
      }
    }
  `;

  // The seed's payloads, field for field.
  const userId = 'c0ffee00-1111-4222-8333-444455556666';
  const seed = {
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

  it('registers a user, a meter, a vehicle and a hot water tank with the seed’s payloads; every field reads back', async () => {
    const registered = await ok(SEED_REGISTER, seed);
    expect(registered.registerVolueMeter).toEqual({
      id: seed.meter.meterPointId,
      meterPointId: seed.meter.meterPointId,
      meterNumber: seed.meter.meterNumber,
      address: { street: 'Kongens gate 1' },
    });
    expect(registered.registerVolueResource).toEqual({
      id: 'tank-0042',
      resourceType: 'HOT_WATER_TANK',
      locationId: seed.meter.meterPointId,
      heatingElements: [1750, 1250],
    });
    // What Volue was sent: the current API's shapes only.
    expect(calls('POST', '/users/:userId/locations')).toBe(1);
    expect(calls('POST', '/users/:userId/vehicles')).toBe(1);
    expect(calls('POST', '/users/:userId/locations/:locationId/resources')).toBe(1);

    const { volueUser } = await ok(SEED_READ, { id: userId });
    const { userId: _u, location, ...meterFields } = seed.meter;
    expect(volueUser.meters).toEqual([
      {
        ...meterFields,
        id: seed.meter.meterPointId,
        name: 'Kongens gate 1, Trondheim',
        userId,
        location,
        meteringPoint: { id: seed.meter.meterPointId },
      },
    ]);
    expect(volueUser.locations).toEqual([
      {
        id: seed.meter.meterPointId,
        userId,
        locationType: 'RESIDENTIAL',
        coordinates: location,
        meterPointIds: [seed.meter.meterPointId],
        address: seed.meter.address,
        meterNumber: seed.meter.meterNumber,
      },
    ]);
    const { vehicleId, ...vehicleFields } = seed.vehicle;
    expect(volueUser.vehicles).toEqual([{ id: vehicleId, ...vehicleFields }]);
    const { resourceId, userId: _r, ...resourceFields } = seed.resource;
    expect(volueUser.resources).toEqual([
      {
        id: 'ev-0042',
        resourceType: 'VEHICLE',
        brand: 'Tesla',
        model: 'Model 3',
        capacity: null,
        heatingElements: null,
        metadata: { resourceType: 'Vehicle', brand: 'Tesla', model: 'Model 3', year: 2022, vin: '5YJ3E1EA7NF004242' },
      },
      {
        id: resourceId,
        ...resourceFields,
        metadata: { resourceType: 'HotWaterTank', brand: 'Oso', model: 'SuperTank', capacity: 500, heatingElements: [1750, 1250] },
      },
    ]);
  });

  it('is idempotent: the same registration twice succeeds and stores each object once', async () => {
    const first = await ok(SEED_REGISTER, seed);
    const second = await ok(SEED_REGISTER, seed);
    expect(second).toEqual(first);
    expect(calls('POST', '/users/:userId/vehicles')).toBe(2); // sent twice, refused once (400), read back, no retry
    const { volueUser } = await ok(SEED_READ, { id: userId });
    expect(volueUser.locations).toHaveLength(1);
    expect(volueUser.resources).toHaveLength(2);
  });

  it('refuses to re-register a vehicle with other details, naming them', async () => {
    await ok(SEED_REGISTER, seed);
    const { data, errors } = await query(
      gql`
        mutation ($input: RegisterVolueVehicleInput!) {
          registerVolueVehicle(input: $input) {
            id
          }
        }
      `,
      { input: { ...seed.vehicle, model: 'Model Y' } },
    );
    expect(data?.registerVolueVehicle ?? null).toBeNull();
    expect(errors[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', provider: 'VOLUE', differingFields: ['model'] });
    expect(errors[0]?.message).toMatch(/registered already with other details/);
  });

  it('a resource for a user with several locations needs a locationId; without a location it says to register one', async () => {
    const register = gql`
      mutation ($input: RegisterVolueResourceInput!) {
        registerVolueResource(input: $input) {
          id
          locationId
        }
      }
    `;
    const office = await query(register, { input: { userId: SEED_USER_IDS.office, resourceId: 'office-hvac', resourceType: 'HVAC' } });
    expect(office.errors[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'locationId' });
    const placed = await ok(register, {
      input: { userId: SEED_USER_IDS.office, resourceId: 'office-hvac', resourceType: 'HVAC', locationId: SEED_LOCATION_IDS.london },
    });
    expect(placed.registerVolueResource).toEqual({ id: 'office-hvac', locationId: SEED_LOCATION_IDS.london });
    await ok(gql`
      mutation {
        registerVolueUser(input: { userId: "no-locations" }) {
          id
        }
      }
    `);
    const homeless = await query(register, { input: { userId: 'no-locations', resourceId: 'r', resourceType: 'CHARGER' } });
    expect(homeless.errors[0]?.message).toMatch(/register one first/);
  });
});

describe('users, locations and resources', () => {
  it('reads a seeded user: locations with their resources and metering points, and every resource', async () => {
    const { volueUser } = await ok(
      gql`
        query ($id: ID!) {
          volueUser(id: $id) {
            locations { id locationType meterPointIds meteringPoints { id } resources { id resourceType } user { id } }
            resources { ${RESOURCE_FIELDS} location { id } meteringPoint { id } user { id } }
          }
        }
      `,
      { id: SEED_USER_IDS.home },
    );
    expect(volueUser.locations).toEqual([
      {
        id: SEED_LOCATION_IDS.home,
        locationType: 'RESIDENTIAL',
        meterPointIds: [SHARED_METERING_POINTS.homeEan],
        meteringPoints: [{ id: SHARED_METERING_POINTS.homeEan }],
        resources: [{ id: SEED_RESOURCE_ID, resourceType: 'HOT_WATER_TANK' }],
        user: { id: SEED_USER_IDS.home },
      },
    ]);
    expect(volueUser.resources).toMatchObject([
      { id: SEED_VEHICLE_ID, resourceType: 'VEHICLE', locationId: null, location: null, meteringPoint: null },
      {
        id: SEED_RESOURCE_ID,
        resourceType: 'HOT_WATER_TANK',
        locationId: SEED_LOCATION_IDS.home,
        meterPointId: SHARED_METERING_POINTS.homeEan,
        location: { id: SEED_LOCATION_IDS.home },
        meteringPoint: { id: SHARED_METERING_POINTS.homeEan },
        user: { id: SEED_USER_IDS.home },
      },
    ]);
  });

  it('registers, updates and deletes a location; the kept address and meter number follow it', async () => {
    const location = {
      userId: SEED_USER_IDS.cabin,
      locationId: 'boathouse',
      locationType: 'OTHER',
      coordinates: { latitude: 60.52, longitude: 5.06 },
      meterPointIds: ['707057500011110000'],
      address: { street: 'Sjøveien 2', city: 'Sotra' },
      meterNumber: 'BH-1',
    };
    const registered = await ok(
      gql`mutation ($input: RegisterVolueLocationInput!) { registerVolueLocation(input: $input) { ${LOCATION_FIELDS} } }`,
      { input: location },
    );
    expect(registered.registerVolueLocation).toEqual({
      id: 'boathouse',
      userId: SEED_USER_IDS.cabin,
      locationType: 'OTHER',
      coordinates: location.coordinates,
      meterPointIds: location.meterPointIds,
      address: { street: 'Sjøveien 2', city: 'Sotra', zipCode: null },
      meterNumber: 'BH-1',
    });
    const updated = await ok(
      gql`mutation ($input: UpdateVolueLocationInput!) { updateVolueLocation(input: $input) { ${LOCATION_FIELDS} } }`,
      { input: { userId: SEED_USER_IDS.cabin, locationId: 'boathouse', locationType: 'RESIDENTIAL', meterNumber: 'BH-2' } },
    );
    expect(updated.updateVolueLocation).toMatchObject({
      locationType: 'RESIDENTIAL',
      meterNumber: 'BH-2',
      address: { street: 'Sjøveien 2' },
    });
    expect(calls('PATCH', '/users/:userId/locations/:locationId')).toBe(1);

    const conflict = await query(
      gql`
        mutation ($input: UpdateVolueLocationInput!) {
          updateVolueLocation(input: $input) {
            id
          }
        }
      `,
      { input: { userId: SEED_USER_IDS.cabin, locationId: 'boathouse', meterPointIds: [SEED_NORWEGIAN_MPID] } },
    );
    expect(conflict.errors[0]?.extensions).toMatchObject({ code: 'UPSTREAM_REJECTED', upstreamStatus: 409 });

    const deleted = await ok(gql`
      mutation { deleteVolueLocation(userId: "${SEED_USER_IDS.cabin}", locationId: "boathouse") { id provider deleted } }
    `);
    expect(deleted.deleteVolueLocation).toEqual({ id: 'boathouse', provider: 'VOLUE', deleted: true });
    const again = await query(gql`mutation { deleteVolueLocation(userId: "${SEED_USER_IDS.cabin}", locationId: "boathouse") { id } }`);
    expect(again.errors[0]?.extensions).toMatchObject({ code: 'NOT_FOUND', provider: 'VOLUE' });
  });

  it('registers a vehicle and a location-bound resource, reads one by id, deletes them', async () => {
    const data = await ok(
      gql`
        mutation ($vehicle: RegisterVolueVehicleResourceInput!, $tank: RegisterVolueLocationResourceInput!) {
          registerVolueVehicleResource(input: $vehicle) { ${RESOURCE_FIELDS} }
          registerVolueLocationResource(input: $tank) { ${RESOURCE_FIELDS} }
        }
      `,
      {
        vehicle: { userId: SEED_USER_IDS.cabin, resourceId: 'cabin-ev', brand: 'Polestar', year: 2024 },
        tank: {
          userId: SEED_USER_IDS.cabin,
          locationId: SEED_LOCATION_IDS.cabin,
          resourceId: 'cabin-tank',
          resourceType: 'HOT_WATER_TANK',
          meterPointId: SEED_NORWEGIAN_MPID,
          capacity: 200,
        },
      },
    );
    expect(data.registerVolueVehicleResource).toMatchObject({ resourceType: 'VEHICLE', locationId: null, brand: 'Polestar', year: 2024 });
    expect(data.registerVolueLocationResource).toMatchObject({
      resourceType: 'HOT_WATER_TANK',
      locationId: SEED_LOCATION_IDS.cabin,
      meterPointId: SEED_NORWEGIAN_MPID,
      capacity: 200,
    });
    const read = await ok(gql`
      {
        volueResource(id: "cabin-tank") {
          id
          capacity
          location {
            id
          }
        }
      }
    `);
    expect(read.volueResource).toEqual({ id: 'cabin-tank', capacity: 200, location: { id: SEED_LOCATION_IDS.cabin } });

    await ok(gql`
      mutation {
        deleteVolueResource(id: "cabin-tank") {
          deleted
        }
      }
    `);
    const gone = await query(gql`
      {
        volueResource(id: "cabin-tank") {
          id
        }
      }
    `);
    expect(gone.errors[0]?.extensions).toMatchObject({ code: 'NOT_FOUND', provider: 'VOLUE' });
  });

  it('registers users and locations in batches, and deletes a user', async () => {
    const data = await ok(
      gql`
        mutation ($users: RegisterVolueUsersInput!, $locations: RegisterVolueLocationsInput!) {
          registerVolueUsers(input: $users) {
            id
          }
          registerVolueLocations(input: $locations) {
            id
            userId
            meterPointIds
            meterNumber
          }
        }
      `,
      {
        users: { users: [{ userId: 'batch-a' }, { userId: 'batch-b' }] },
        locations: {
          locations: [
            { userId: 'batch-a', locationId: 'a-home', meterPointIds: ['707057500000000001'], meterNumber: 'A-1' },
            { userId: 'batch-b', locationId: 'b-home' },
          ],
        },
      },
    );
    expect(data.registerVolueUsers).toEqual([{ id: 'batch-a' }, { id: 'batch-b' }]);
    expect(data.registerVolueLocations).toEqual([
      { id: 'a-home', userId: 'batch-a', meterPointIds: ['707057500000000001'], meterNumber: 'A-1' },
      { id: 'b-home', userId: 'batch-b', meterPointIds: [], meterNumber: null },
    ]);
    expect(calls('POST', '/users/batch')).toBe(1);
    expect(calls('POST', '/users/locations/batch')).toBe(1);

    const refused = await query(gql`
      mutation {
        registerVolueUsers(input: { users: [{ userId: "batch-c" }, { userId: "batch-a" }] }) {
          id
        }
      }
    `);
    expect(refused.errors[0]?.extensions).toMatchObject({ code: 'UPSTREAM_REJECTED', upstreamStatus: 400 });
    expect(refused.errors[0]?.message).toMatch(/batch-a already exists/);

    await ok(gql`
      mutation {
        deleteVolueUser(id: "batch-a") {
          deleted
        }
      }
    `);
    const gone = await query(gql`
      {
        volueUser(id: "batch-a") {
          id
        }
      }
    `);
    expect(gone.errors[0]?.extensions).toMatchObject({ code: 'NOT_FOUND' });
  });

  it('lists users as a connection with totalCount and cursors', async () => {
    const page1 = await ok(gql`
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
    expect(page1.volueUsers.totalCount).toBe(3);
    expect(page1.volueUsers.nodes.map((n: { id: string }) => n.id)).toEqual([SEED_USER_IDS.home, SEED_USER_IDS.office]);
    const page2 = await ok(
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
      {
        after: page1.volueUsers.pageInfo.endCursor,
      },
    );
    expect(page2.volueUsers).toEqual({ nodes: [{ id: SEED_USER_IDS.cabin }], pageInfo: { hasNextPage: false } });
  });

  it('answers NOT_FOUND for an unknown user', async () => {
    const { errors } = await query(gql`
      {
        volueUser(id: "no-such-user") {
          id
          locations {
            id
          }
        }
      }
    `);
    expect(errors[0]?.extensions).toMatchObject({ code: 'NOT_FOUND', provider: 'VOLUE' });
  });
});

describe('enrollment, eligibility and compensation', () => {
  const STATUS = gql`
    query ($id: ID!) {
      volueUser(id: $id) {
        isEligible
        enrollment {
          isEnrolled
          enrollmentId
          enrolledAt
        }
        compensation {
          periodFrom
          periodTo
          locations {
            locationId
            meterPointIds
            activeAmount
            blockedAmount
            currency
            problems {
              problemType
              message
            }
          }
        }
      }
    }
  `;

  it('the enrolled Norwegian cabin: eligible, compensated in NOK per location', async () => {
    const { volueUser } = await ok(STATUS, { id: SEED_USER_IDS.cabin });
    expect(volueUser.isEligible).toBe(true);
    expect(volueUser.enrollment).toMatchObject({ isEnrolled: true, enrolledAt: '2025-12-01T10:00:00.000Z' });
    expect(volueUser.compensation.periodFrom).toMatch(/^\d{4}-\d{2}-01$/);
    expect(volueUser.compensation.locations).toEqual([
      expect.objectContaining({ locationId: SEED_LOCATION_IDS.cabin, meterPointIds: [SEED_NORWEGIAN_MPID], currency: 'NOK', problems: [] }),
    ]);
  });

  it('enrolls and unenrolls a user; a location without a metering point shows as a compensation problem', async () => {
    const enrolled = await ok(gql`mutation { enrollVolueUser(userId: "${SEED_USER_IDS.home}") { userId isEnrolled enrollmentId } }`);
    expect(enrolled.enrollVolueUser).toMatchObject({ userId: SEED_USER_IDS.home, isEnrolled: true, enrollmentId: expect.any(String) });
    await ok(gql`mutation { registerVolueLocation(input: { userId: "${SEED_USER_IDS.home}", locationId: "garden" }) { id } }`);
    const { volueUser } = await ok(STATUS, { id: SEED_USER_IDS.home });
    expect(volueUser.isEligible).toBe(false); // a Dutch EAN: outside the simulated market
    expect(volueUser.compensation.locations[1]).toMatchObject({
      locationId: 'garden',
      problems: [{ problemType: 'MISSING_MPID_ON_LOCATION' }],
    });
    const unenrolled = await ok(gql`mutation { unenrollVolueUser(userId: "${SEED_USER_IDS.home}") { isEnrolled enrollmentId } }`);
    expect(unenrolled.unenrollVolueUser).toEqual({ isEnrolled: false, enrollmentId: null });
  });

  it('enrolling a user without a metering point is refused with Volue’s reason', async () => {
    await ok(gql`
      mutation {
        registerVolueUser(input: { userId: "bare-user" }) {
          id
        }
      }
    `);
    const { errors } = await query(gql`
      mutation {
        enrollVolueUser(userId: "bare-user") {
          isEnrolled
        }
      }
    `);
    expect(errors[0]?.extensions).toMatchObject({ code: 'UPSTREAM_REJECTED', upstreamStatus: 400 });
    expect(errors[0]?.message).toMatch(/at least one is required to enroll/);
  });

  it('lists the eligible users, and a metering point’s eligibility', async () => {
    const data = await ok(gql`
      {
        volueEligibleUsers(first: 10) { totalCount nodes { id } }
        no: volueMeterPointEligibility(meterPointId: "${SHARED_METERING_POINTS.officeEan}") { isEligible }
        nordic: volueMeterPointEligibility(meterPointId: "${SEED_NORWEGIAN_MPID}") { meterPointId isEligible meteringPoint { id } }
      }
    `);
    expect(data.volueEligibleUsers).toEqual({ totalCount: 1, nodes: [{ id: SEED_USER_IDS.cabin }] });
    expect(data.no.isEligible).toBe(false);
    expect(data.nordic).toEqual({ meterPointId: SEED_NORWEGIAN_MPID, isEligible: true, meteringPoint: { id: SEED_NORWEGIAN_MPID } });
  });
});

describe('MeteringPoint.volueLocations and batching', () => {
  it('finds the Volue locations that list a metering point id, across users, with one user listing', async () => {
    const data = await ok(
      gql`
        query ($id: ID!, $none: ID!) {
          meteringPoint(id: $id) {
            volueLocations {
              id
              userId
              user {
                id
              }
            }
            volueMeters {
              id
              userId
              meterPointId
            }
          }
          other: meteringPoint(id: $none) {
            volueLocations {
              id
            }
          }
        }
      `,
      { id: SHARED_METERING_POINTS.officeEan, none: '000000000000000000' },
    );
    expect(data.meteringPoint.volueLocations).toEqual([
      { id: SEED_LOCATION_IDS.office, userId: SEED_USER_IDS.office, user: { id: SEED_USER_IDS.office } },
    ]);
    expect(data.meteringPoint.volueMeters).toEqual([
      { id: SEED_LOCATION_IDS.office, userId: SEED_USER_IDS.office, meterPointId: SHARED_METERING_POINTS.officeEan },
    ]);
    expect(data.other.volueLocations).toEqual([]);
    expect(calls('GET', '/users')).toBe(1); // one user listing for both metering points and both fields
    expect(calls('GET', '/users/:userId/locations')).toBe(3);
  });

  it('reads the locations and resources of many users with one call per user for each', async () => {
    await ok(
      gql`mutation { registerVolueUsers(input: { users: [${Array.from({ length: 12 }, (_, n) => `{ userId: "many-${n}" }`).join(', ')}] }) { id } }`,
    );
    await ok(gql`mutation {
      registerVolueLocations(input: { locations: [${Array.from({ length: 12 }, (_, n) => `{ userId: "many-${n}", locationId: "l-${n}" }, { userId: "many-${n}", locationId: "m-${n}" }`).join(', ')}] }) { id }
    }`);
    const before = { locations: calls('GET', '/users/:userId/locations'), resources: calls('GET', '/users/:userId/resources') };
    const { volueUsers } = await ok(gql`
      {
        volueUsers(first: 15) {
          nodes {
            id
            locations {
              id
              resources {
                id
              }
              user {
                id
              }
            }
            resources {
              id
              location {
                id
              }
            }
            meters {
              id
            }
            vehicles {
              id
            }
          }
        }
      }
    `);
    expect(volueUsers.nodes).toHaveLength(15);
    expect(calls('GET', '/users/:userId/locations') - before.locations).toBe(15);
    expect(calls('GET', '/users/:userId/resources') - before.resources).toBe(15);
    expect(calls('GET', '/users/:userId/locations/:locationId/resources')).toBe(0);
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
  const TYPED = gql`
    {
      volueEvents(first: 5) {
        totalCount
        nodes {
          id
          payloadType
          typedPayload {
            __typename
            ... on VoluePriceCurvePayload {
              priceArea
              targets {
                resourceId
                locationId
              }
              priceCurveDelta {
                currency
                energyUnit
                resolution
                points {
                  timestamp
                  price
                }
              }
            }
            ... on VolueUserEligibilityPayload {
              lastUpdated
              addedUserIds
              removedUserIds
            }
            ... on VolueLocationLpcPayload {
              targets {
                locationId
                meterPointId
                resolution
                points {
                  timestamp
                  maxPowerInKiloWatts
                }
              }
            }
            ... on VolueResourceLpcPayload {
              targets {
                resourceId
                locationId
                meterPointId
                points {
                  maxPowerInKiloWatts
                }
              }
            }
            ... on VolueLpcReservationPayload {
              targets {
                locationId
                points {
                  maxPowerInKiloWatts
                }
              }
            }
          }
        }
      }
    }
  `;

  it('every event payload type of the spec arrives typed', async () => {
    for (const type of ['PriceCurve', 'UserEligibility', 'LocationLPC', 'ResourceLPC', 'LPCReservation'] as const)
      await sim().createEvent(type);
    const { volueEvents } = await ok(TYPED);
    expect(volueEvents.totalCount).toBe(8);
    const [reservation, resourceLpc, locationLpc, eligibility, price] = volueEvents.nodes;
    expect(price.typedPayload).toMatchObject({
      __typename: 'VoluePriceCurvePayload',
      targets: [{ resourceId: SEED_RESOURCE_ID }],
      priceCurveDelta: { currency: 'NOK', energyUnit: 'KWH', resolution: '01:00:00' },
    });
    expect(price.typedPayload.priceCurveDelta.points).toHaveLength(24);
    expect(eligibility.typedPayload).toMatchObject({
      __typename: 'VolueUserEligibilityPayload',
      addedUserIds: [SEED_USER_IDS.cabin],
      removedUserIds: [],
    });
    expect(locationLpc.typedPayload).toMatchObject({
      __typename: 'VolueLocationLpcPayload',
      targets: [{ locationId: SEED_LOCATION_IDS.cabin, meterPointId: SEED_NORWEGIAN_MPID, resolution: '01:00:00' }],
    });
    expect(locationLpc.typedPayload.targets[0].points[0].maxPowerInKiloWatts).toEqual(expect.any(Number));
    expect(resourceLpc.typedPayload).toMatchObject({ __typename: 'VolueResourceLpcPayload', targets: [{ resourceId: SEED_HEAT_PUMP_ID }] });
    expect(reservation.typedPayload).toMatchObject({
      __typename: 'VolueLpcReservationPayload',
      targets: [{ locationId: SEED_LOCATION_IDS.cabin }],
    });
  });

  it('reads one event; NOT_FOUND for an unknown one', async () => {
    const event = await sim().createEvent('UserEligibility');
    const one = await ok(
      gql`
        query ($id: ID!) {
          volueEvent(id: $id) {
            id
            payloadType
          }
        }
      `,
      { id: event.id },
    );
    expect(one.volueEvent).toEqual({ id: event.id, payloadType: 'UserEligibility' });
    const missing = await query(gql`
      {
        volueEvent(id: "no-such-event") {
          id
        }
      }
    `);
    expect(missing.errors[0]?.extensions).toMatchObject({ code: 'NOT_FOUND', provider: 'VOLUE' });
  });

  it('sends a report with every payload type, energy points hourly in UTC at the start of the hour', async () => {
    const event = await sim().createEvent('LocationLPC');
    const hour = (at: string, kiloWattHours: number) => ({ timestamp: at, kiloWattHours });
    const location = { locationId: SEED_LOCATION_IDS.cabin, meterPointId: SEED_NORWEGIAN_MPID };
    const data = await ok(SEND_REPORT, {
      input: {
        eventId: event.id,
        energyUsage: [
          { resourceId: SEED_HEAT_PUMP_ID, points: [hour('2026-01-20T11:00:00Z', 1.75), hour('2026-01-20T13:00:00+01:00', 2.5)] },
        ],
        locationEnergyUsage: [{ ...location, points: [hour('2026-01-20T11:00:00Z', 72)] }],
        locationEnergyUsagePlan: [
          { ...location, baseline: [hour('2026-01-21T11:00:00Z', 3)], flexibility: [hour('2026-01-21T11:00:00Z', -1.5)] },
        ],
        locationLpcAcknowledgements: [{ acknowledged: [location], declined: [] }],
        resourceLpcAcknowledgements: [{ acknowledged: [], declined: [{ ...location, resourceId: SEED_HEAT_PUMP_ID }] }],
      },
    });
    expect(data.sendVolueReport).toMatchObject({ eventId: event.id });
    expect(sim().reports()[0]?.payloads).toEqual([
      {
        payloadType: 'EnergyUsage',
        resourceId: SEED_HEAT_PUMP_ID,
        resolution: '01:00:00',
        points: [hour('2026-01-20T11:00:00.000Z', 1.75), hour('2026-01-20T12:00:00.000Z', 2.5)],
      },
      { payloadType: 'LocationEnergyUsage', ...location, resolution: '01:00:00', points: [hour('2026-01-20T11:00:00.000Z', 72)] },
      {
        payloadType: 'LocationEnergyUsagePlan',
        ...location,
        resolution: '01:00:00',
        baseline: [hour('2026-01-21T11:00:00.000Z', 3)],
        flexibility: [hour('2026-01-21T11:00:00.000Z', -1.5)],
      },
      { payloadType: 'LocationLPCAcknowledgement', acknowledgedTargets: [location], declinedTargets: [] },
      {
        payloadType: 'ResourceLPCAcknowledgement',
        acknowledgedTargets: [],
        declinedTargets: [{ ...location, resourceId: SEED_HEAT_PUMP_ID }],
      },
    ]);
  });
});

describe('bad input is refused before any write', () => {
  it('invalid coordinates', async () => {
    const { errors } = await query(
      gql`
        mutation ($input: RegisterVolueLocationInput!) {
          registerVolueLocation(input: $input) {
            id
          }
        }
      `,
      { input: { userId: SEED_USER_IDS.home, locationId: 'x', coordinates: { latitude: 95, longitude: 10.7 } } },
    );
    expect(errors[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(errors[0]?.message).toMatch(/latitude must be from -90 to 90/);
    expect(writes()).toBe(0);
  });

  it('an unknown resource type', async () => {
    const { errors } = await query(
      gql`
        mutation ($input: RegisterVolueLocationResourceInput!) {
          registerVolueLocationResource(input: $input) {
            id
          }
        }
      `,
      { input: { userId: SEED_USER_IDS.home, locationId: SEED_LOCATION_IDS.home, resourceId: 'r', resourceType: 'SPACESHIP' } },
    );
    expect(errors[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(errors[0]?.message).toMatch(/SPACESHIP/);
    expect(writes()).toBe(0);
  });

  it('a report point not on the hour', async () => {
    const { errors } = await query(SEND_REPORT, {
      input: { energyUsage: [{ resourceId: 'tank', points: [{ timestamp: '2026-01-20T11:30:00Z', kiloWattHours: 1.5 }] }] },
    });
    expect(errors[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'energyUsage[0].points[0].timestamp' });
    expect(errors[0]?.message).toMatch(/not on the hour/);
    expect(writes()).toBe(0);
  });

  it('a registration for an unknown user is NOT_FOUND', async () => {
    const { errors } = await query(gql`
      mutation {
        registerVolueVehicleResource(input: { userId: "ghost-user", resourceId: "ev" }) {
          id
        }
      }
    `);
    expect(errors[0]?.extensions).toMatchObject({ code: 'NOT_FOUND', provider: 'VOLUE' });
    expect(errors[0]?.message).toMatch(/registerVolueUser first/);
    expect(writes()).toBe(0);
  });

  it('an update without a field to change', async () => {
    const { errors } = await query(gql`
      mutation {
        updateVolueLocation(input: { userId: "u", locationId: "l" }) {
          id
        }
      }
    `);
    expect(errors[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input' });
    expect(sim().stats().total).toBe(0);
  });
});

describe('webhooks', () => {
  const WEBHOOK_FIELDS = 'id url name notificationTypes enabled status';

  async function subscribe(input: Record<string, unknown>): Promise<Record<string, any>> {
    const data = await ok(
      gql`mutation ($input: SubscribeVolueEventsInput!) { subscribeVolueEvents(input: $input) { ${WEBHOOK_FIELDS} } }`,
      { input },
    );
    return data.subscribeVolueEvents;
  }

  it('subscribes this server to events; a new event arrives signed, typed, and in Volue’s delivery log', async () => {
    const webhook = await subscribe({ name: 'gridgraph', notificationTypes: ['LOCATION_LPC_REQUESTED'] });
    expect(webhook).toMatchObject({ name: 'gridgraph', notificationTypes: ['LOCATION_LPC_REQUESTED'], enabled: true, status: 'NEW' });
    expect(webhook.url).toBe(`${stack.subgraphs.volue!.webhooks!.url}/webhooks/volue`);

    const event = await sim().createEvent('LocationLPC');
    await sim().createEvent('UserEligibility'); // not subscribed: not delivered
    expect(sim().deliveries()).toHaveLength(1);

    const { volueNotifications } = await ok(gql`
      {
        volueNotifications(first: 1) {
          nodes {
            id
            eventId
            notificationType
            typedPayload {
              ... on VolueLocationLpcPayload {
                targets {
                  locationId
                }
              }
            }
          }
        }
      }
    `);
    const [notification] = volueNotifications.nodes;
    expect(notification).toMatchObject({
      eventId: event.id,
      notificationType: 'LOCATION_LPC_REQUESTED',
      typedPayload: { targets: [{ locationId: SEED_LOCATION_IDS.cabin }] },
    });

    const logs = await ok(
      gql`
        query ($id: ID!) {
          volueWebhooks {
            id
            status
            deliveries(first: 5) {
              totalCount
              nodes {
                notificationId
                eventId
                notificationType
                responseStatusCode
                delivered
                timedOut
                signature
              }
            }
          }
          volueWebhookDelivery(notificationId: $id) {
            notificationId
            webhookId
            content
          }
          volueWebhookDeliveries(first: 5) {
            totalCount
          }
        }
      `,
      { id: notification.id },
    );
    expect(logs.volueWebhooks).toEqual([
      {
        id: webhook.id,
        status: 'HEALTHY',
        deliveries: {
          totalCount: 1,
          nodes: [
            {
              notificationId: notification.id,
              eventId: event.id,
              notificationType: 'LOCATION_LPC_REQUESTED',
              responseStatusCode: 200,
              delivered: true,
              timedOut: false,
              signature: expect.stringMatching(/^[A-Za-z0-9+/]{43}=$/),
            },
          ],
        },
      },
    ]);
    expect(logs.volueWebhookDelivery).toMatchObject({ notificationId: notification.id, webhookId: webhook.id });
    expect(JSON.parse(logs.volueWebhookDelivery.content)).toMatchObject({ eventId: event.id, notificationType: 'LocationLPCRequested' });
    expect(logs.volueWebhookDeliveries.totalCount).toBe(1);
  });

  it('pauses and resumes a webhook: a paused one gets nothing', async () => {
    const { id } = await subscribe({ name: 'pausable' });
    const paused = await ok(
      gql`
        mutation ($id: ID!) {
          setVolueWebhookEnabled(id: $id, enabled: false) {
            id
            enabled
          }
        }
      `,
      { id },
    );
    expect(paused.setVolueWebhookEnabled).toEqual({ id, enabled: false });
    expect(calls('PUT', '/webhooks/:webhookId/enabled')).toBe(1);
    await sim().createEvent('PriceCurve');
    expect(sim().deliveries()).toHaveLength(0);
    await ok(
      gql`
        mutation ($id: ID!) {
          setVolueWebhookEnabled(id: $id, enabled: true) {
            enabled
          }
        }
      `,
      { id },
    );
    await sim().createEvent('PriceCurve');
    expect(sim().deliveries()).toHaveLength(1);
  });

  it('updates, tests (deprecated) and deletes a webhook', async () => {
    const { id } = await subscribe({ name: 'to-change' });
    const updated = await ok(
      gql`mutation ($id: ID!, $input: UpdateVolueWebhookInput!) { updateVolueWebhook(id: $id, input: $input) { ${WEBHOOK_FIELDS} } }`,
      {
        id,
        input: { name: 'renamed', notificationTypes: ['USER_ELIGIBILITY_UPDATED'] },
      },
    );
    expect(updated.updateVolueWebhook).toMatchObject({ name: 'renamed', notificationTypes: ['USER_ELIGIBILITY_UPDATED'] });
    expect(calls('PATCH', '/webhooks/:webhookId')).toBe(1);

    const tested = await ok(
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
    expect(tested.testVolueWebhook).toMatchObject({ webhookId: id, responseStatusCode: 200, delivered: true });
    expect(calls('POST', '/simulation/events/usereligibility')).toBe(1);
    const { volueNotifications } = await ok(gql`
      {
        volueNotifications(first: 1) {
          nodes {
            id
          }
        }
      }
    `);
    expect(volueNotifications.nodes[0].id).toBe(tested.testVolueWebhook.notificationId);

    const deleted = await ok(
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
    expect(deleted.deleteVolueWebhook).toEqual({ id, provider: 'VOLUE', deleted: true });
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

  it('the playground registration runs twice without errors (registration is idempotent) and uses no deprecated field', async () => {
    const first = await runExample('volue-register-user.graphql');
    expect(first.errors).toEqual([]);
    const second = await runExample('volue-register-user.graphql');
    expect(second.errors).toEqual([]);
    expect(second.data).toEqual(first.data);
    const text = readFileSync(new URL('../gateway/playground/examples/volue-register-user.graphql', import.meta.url), 'utf8');
    expect(text).not.toMatch(/registerVolue(Meter|Vehicle|Resource)\b|\bmeters\b|\bvehicles\b/);
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
