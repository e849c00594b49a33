import { SHARED_METERING_POINTS, seededRandom, uuidFromSeed } from '../../../shared/simulator/index.js';
import type { VolueEventPayload } from '../contract.js';
import type { StoredMeter, StoredUser, VolueSimulatorStore } from './store.js';
import { HOUR_MS, stamp } from './time.js';

/**
 * The seed: three users, whose meters include the shared metering points Volue knows (an office, a home
 * with an EV and a hot water tank, Openvolt's test MPAN), a Norwegian cabin, and three past events. The
 * event payloads the simulation routes create are seeded too, so that a run is repeatable.
 */

export const SEED_USER_IDS = {
  home: '3880a832-64c2-4b6f-9f0e-0c7a7f1d5a01',
  office: '3880a832-64c2-4b6f-9f0e-0c7a7f1d5a02',
  cabin: '3880a832-64c2-4b6f-9f0e-0c7a7f1d5a03',
} as const;
export const SEED_NORWEGIAN_MPID = '707057500012345678';
const SEED_RESOURCE_ID = 'oso-supertank-0001';
/** Price areas a simulated price curve is for. */
const PRICE_AREAS = ['NO1', 'NO2', 'NO3', 'NO4', 'NO5', 'SE3', 'FI', 'DK1'] as const;

/** Fills an empty store with the seed. */
export function seedInto(store: VolueSimulatorStore): void {
  const created = '2023-11-16T09:00:00.000+00:00';
  const home = store.addUser(SEED_USER_IDS.home, created);
  const office = store.addUser(SEED_USER_IDS.office, created);
  const cabin = store.addUser(SEED_USER_IDS.cabin, created);

  const meter = (owner: StoredUser, key: string, fields: Omit<StoredMeter, 'meterId' | 'userId'>) =>
    owner.meters.set(fields.meterPointId, { meterId: uuidFromSeed(`volue:seed:meter:${key}`), userId: owner.userId, ...fields });
  meter(home, 'home', {
    address: { street: 'Keizersgracht 123', city: 'Amsterdam', zipCode: '1015 CJ' },
    location: { latitude: 52.3731, longitude: 4.8862 },
    meterPointId: SHARED_METERING_POINTS.homeEan,
    meterNumber: 'E0051000012345678',
    locationType: 'Residential',
  });
  meter(office, 'office', {
    // The office UMeter and Openvolt know by the same EAN.
    address: { street: 'Catharijnesingel 47', city: 'Utrecht', zipCode: '3511 GC' },
    location: { latitude: 52.0893, longitude: 5.1107 },
    meterPointId: SHARED_METERING_POINTS.officeEan,
    meterNumber: 'E0053000098765432',
    locationType: 'Commercial',
  });
  meter(office, 'london', {
    address: { street: '1 Test Street', city: 'London', zipCode: 'EC1A 1BB' },
    location: { latitude: 51.5202, longitude: -0.0979 },
    meterPointId: SHARED_METERING_POINTS.testMpan,
    meterNumber: 'S95A123456',
    locationType: 'Commercial',
  });
  meter(cabin, 'cabin', {
    address: { street: 'Fjellveien 7', city: 'Sotra', zipCode: '5363' },
    location: { latitude: 60.52485052347296, longitude: 5.060012082871939 },
    meterPointId: SEED_NORWEGIAN_MPID,
    meterNumber: '6970631401234567',
    locationType: 'Residential',
  });
  home.vehicles.set('tesla-model-3-0001', {
    id: uuidFromSeed('volue:seed:vehicle:1'),
    userId: home.userId,
    vehicleId: 'tesla-model-3-0001',
    metadata: { resourceType: 'Vehicle', brand: 'Tesla', model: 'Model 3', year: 2022, vin: '5YJ3E1EA7NF000001' },
  });
  home.resources.set(SEED_RESOURCE_ID, {
    id: uuidFromSeed('volue:seed:resource:1'),
    userId: home.userId,
    resourceId: SEED_RESOURCE_ID,
    metadata: { resourceType: 'HotWaterTank', brand: 'Oso', model: 'SuperTank', capacity: 500, heatingElements: [1750, 1250] },
  });

  const day = (n: number) => new Date(Date.UTC(2026, 0, n, 12));
  store.events = [
    { id: uuidFromSeed('volue:seed:event:3'), createdAt: stamp(day(20)), payload: priceCurvePayload('seed-3', day(20)) },
    { id: uuidFromSeed('volue:seed:event:2'), createdAt: stamp(day(19)), payload: userEligibilityPayload(store.users, day(19)) },
    { id: uuidFromSeed('volue:seed:event:1'), createdAt: stamp(day(18)), payload: priceCurvePayload('seed-1', day(18)) },
  ];
}

/** A day-ahead price curve for the seeded hot water tank: 24 hourly prices from the next whole hour. */
export function priceCurvePayload(seed: string, at: Date): VolueEventPayload {
  const random = seededRandom(`volue:price:${seed}`);
  const start = Math.ceil(at.getTime() / HOUR_MS) * HOUR_MS;
  return {
    targets: [{ resourceId: SEED_RESOURCE_ID, locationId: uuidFromSeed('volue:location:home') }],
    priceCurveDelta: {
      points: Array.from({ length: 24 }, (_, hour) => ({
        price: Math.round(random() * 10_000) / 10_000,
        timestamp: stamp(new Date(start + hour * HOUR_MS)),
      })),
      energyUnit: 'kWh',
      currency: 'NOK',
      resolution: '01:00:00',
    },
    priceArea: PRICE_AREAS[Math.floor(random() * PRICE_AREAS.length)],
    payloadType: 'PriceCurve',
  };
}

/** The first user became eligible. */
export function userEligibilityPayload(users: Map<string, StoredUser>, at: Date): VolueEventPayload {
  return { lastUpdated: stamp(at), addedUsers: [...users.keys()].slice(0, 1), removedUsers: [], payloadType: 'UserEligibility' };
}
