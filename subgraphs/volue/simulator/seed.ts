import { SHARED_METERING_POINTS, seededRandom, uuidFromSeed } from '../../../shared/simulator/index.js';
import {
  VOLUE_PRICE_AREAS,
  VOLUE_RESOURCE_TYPES,
  type VolueEventPayload,
  type VolueLocationLpcTarget,
  type VolueLpcPoint,
  type VoluePriceAreaName,
  type VoluePriceCurve,
  type VolueResourceLpcTarget,
} from '../contract.js';
import type { StoredLocation, StoredUser, VolueSimulatorStore } from './store.js';
import { HOUR_MS, stamp } from './time.js';

/**
 * The seed: three users whose locations carry the shared metering points Volue knows (a home with an EV
 * and a hot water tank, an office, Openvolt's test MPAN) and a Norwegian cabin (enrolled, eligible), and
 * three past events. The random parts of simulated events and partner data are seeded too, so that a
 * run is repeatable.
 */

export const SEED_USER_IDS = {
  home: '3880a832-64c2-4b6f-9f0e-0c7a7f1d5a01',
  office: '3880a832-64c2-4b6f-9f0e-0c7a7f1d5a02',
  cabin: '3880a832-64c2-4b6f-9f0e-0c7a7f1d5a03',
} as const;
export const SEED_LOCATION_IDS = {
  home: uuidFromSeed('volue:location:home'),
  office: uuidFromSeed('volue:location:office'),
  london: uuidFromSeed('volue:location:london'),
  cabin: uuidFromSeed('volue:location:cabin'),
} as const;
export const SEED_NORWEGIAN_MPID = '707057500012345678';
export const SEED_VEHICLE_ID = 'tesla-model-3-0001';
export const SEED_RESOURCE_ID = 'oso-supertank-0001';
export const SEED_HEAT_PUMP_ID = 'cabin-heat-pump-0001';
/** A point inside the sandbox's eligible neighbourhood (Volue's docs). */
const SANDBOX_COORDINATES = { latitude: 60.52485052347296, longitude: 5.060012082871939 };
const HOURS_PER_DAY = 24;
/** Users `POST /simulation/partner` creates per run. */
const PARTNER_USERS_PER_RUN = 3;

/** Fills an empty store with the seed. */
export function seedInto(store: VolueSimulatorStore): void {
  const created = '2023-11-16T09:00:00.000+00:00';
  const home = store.addUser(SEED_USER_IDS.home, created);
  const office = store.addUser(SEED_USER_IDS.office, created);
  const cabin = store.addUser(SEED_USER_IDS.cabin, created);
  const location = (owner: StoredUser, key: keyof typeof SEED_LOCATION_IDS, fields: Omit<StoredLocation, 'locationId' | 'userId'>) =>
    store.addLocation({ locationId: SEED_LOCATION_IDS[key], userId: owner.userId, ...fields });

  location(home, 'home', {
    locationType: 'Residential',
    coordinates: { latitude: 52.3731, longitude: 4.8862 },
    meterPointIds: [SHARED_METERING_POINTS.homeEan],
  });
  // The office UMeter and Openvolt know by the same EAN, and Openvolt's test MPAN.
  location(office, 'office', {
    locationType: 'Commercial',
    coordinates: { latitude: 52.0893, longitude: 5.1107 },
    meterPointIds: [SHARED_METERING_POINTS.officeEan],
  });
  location(office, 'london', {
    locationType: 'Commercial',
    coordinates: { latitude: 51.5202, longitude: -0.0979 },
    meterPointIds: [SHARED_METERING_POINTS.testMpan],
  });
  location(cabin, 'cabin', { locationType: 'Residential', coordinates: SANDBOX_COORDINATES, meterPointIds: [SEED_NORWEGIAN_MPID] });
  cabin.enrollment = { enrollmentId: uuidFromSeed('volue:enrollment:cabin'), enrollmentDate: '2025-12-01T10:00:00.000+00:00' };

  const resource = (owner: StoredUser, resourceId: string, resourceType: (typeof VOLUE_RESOURCE_TYPES)[number], at?: StoredLocation) =>
    store.addResource({
      resourceId,
      resourceType,
      userId: owner.userId,
      locationId: at?.locationId ?? null,
      meterPointId: at?.meterPointIds[0] ?? null,
    });
  resource(home, SEED_VEHICLE_ID, 'Vehicle');
  resource(home, SEED_RESOURCE_ID, 'HotWaterTank', home.locations.get(SEED_LOCATION_IDS.home));
  resource(cabin, SEED_HEAT_PUMP_ID, 'HVAC', cabin.locations.get(SEED_LOCATION_IDS.cabin));

  const day = (n: number) => new Date(Date.UTC(2026, 0, n, 12));
  store.events = [
    { id: uuidFromSeed('volue:seed:event:3'), createdAt: stamp(day(20)), payload: priceCurvePayload('seed-3', day(20), {}) },
    {
      id: uuidFromSeed('volue:seed:event:2'),
      createdAt: stamp(day(19)),
      payload: { payloadType: 'UserEligibility', lastUpdated: stamp(day(19)), addedUsers: [SEED_USER_IDS.cabin], removedUsers: [] },
    },
    { id: uuidFromSeed('volue:seed:event:1'), createdAt: stamp(day(18)), payload: priceCurvePayload('seed-1', day(18), {}) },
  ];
}

/** `count` hourly instants from the next whole hour after `at`. */
function nextHours(at: Date, count: number): string[] {
  const start = Math.ceil(at.getTime() / HOUR_MS) * HOUR_MS;
  return Array.from({ length: count }, (_, hour) => stamp(new Date(start + hour * HOUR_MS)));
}

/**
 * A PriceCurve payload: what the request gives, the rest random (seeded): by default a day-ahead curve
 * of 24 hourly prices for the seeded hot water tank.
 */
export function priceCurvePayload(
  seed: string,
  at: Date,
  given: { targets?: Array<{ resourceId: string; locationId: string }> | null; priceCurveDelta?: VoluePriceCurve; priceArea?: string },
): VolueEventPayload {
  const random = seededRandom(`volue:price:${seed}`);
  const randomCurve = {
    points: nextHours(at, HOURS_PER_DAY).map((timestamp) => ({ price: Math.round(random() * 10_000) / 10_000, timestamp })),
    energyUnit: 'kWh' as const,
    currency: 'NOK' as const,
    resolution: '01:00:00',
  };
  const areas = VOLUE_PRICE_AREAS.filter((area) => area !== 'Unknown');
  return {
    targets: given.targets ?? [{ resourceId: SEED_RESOURCE_ID, locationId: SEED_LOCATION_IDS.home }],
    priceCurveDelta: { ...randomCurve, ...given.priceCurveDelta },
    priceArea: (given.priceArea as VoluePriceAreaName | undefined) ?? areas[Math.floor(random() * areas.length)]!,
    payloadType: 'PriceCurve',
  };
}

/** 24 hourly power limits of 2–11 kW from the next whole hour (seeded). */
function randomLimits(seed: string, at: Date): VolueLpcPoint[] {
  const random = seededRandom(`volue:lpc:${seed}`);
  return nextHours(at, HOURS_PER_DAY).map((timestamp) => ({ maxPowerInKiloWatts: 2 + Math.round(random() * 90) / 10, timestamp }));
}

/** LocationLPC targets: those asked for, or by default the seeded cabin; points default to random limits. */
export function locationLpcTargets(
  seed: string,
  at: Date,
  asked: Array<{ location?: { locationId?: string; meterPointId?: string }; points?: VolueLpcPoint[] | null }> | null | undefined,
): VolueLocationLpcTarget[] {
  const wanted = asked?.length ? asked : [{ location: { locationId: SEED_LOCATION_IDS.cabin, meterPointId: SEED_NORWEGIAN_MPID } }];
  return wanted.map((target, index) => ({
    locationId: target.location?.locationId ?? SEED_LOCATION_IDS.cabin,
    meterPointId: target.location?.meterPointId ?? SEED_NORWEGIAN_MPID,
    resolution: '01:00:00',
    points: target.points ?? randomLimits(`${seed}:${index}`, at),
  }));
}

/** ResourceLPC targets: those asked for, or by default the seeded heat pump; points default to random limits. */
export function resourceLpcTargets(
  seed: string,
  at: Date,
  asked:
    | Array<{ resource?: { locationId?: string; resourceId?: string; meterPointId?: string }; points?: VolueLpcPoint[] | null }>
    | null
    | undefined,
): VolueResourceLpcTarget[] {
  const wanted = asked?.length ? asked : [{ resource: { resourceId: SEED_HEAT_PUMP_ID } }];
  return wanted.map((target, index) => ({
    resourceId: target.resource?.resourceId ?? SEED_HEAT_PUMP_ID,
    locationId: target.resource?.locationId ?? SEED_LOCATION_IDS.cabin,
    meterPointId: target.resource?.meterPointId ?? SEED_NORWEGIAN_MPID,
    resolution: '01:00:00',
    points: target.points ?? randomLimits(`${seed}:${index}`, at),
  }));
}

/**
 * `POST /simulation/partner`: a few random users (seeded by the run number), each with a location in the
 * sandbox neighbourhood with a Norwegian meter point, a vehicle and a resource bound to the location.
 */
export function addSimulatedPartnerData(store: VolueSimulatorStore, createdAt: string): void {
  const run = ++store.partnerRuns;
  for (let n = 1; n <= PARTNER_USERS_PER_RUN; n++) {
    const seed = `volue:partner:${run}:${n}`;
    const random = seededRandom(seed);
    const user = store.addUser(uuidFromSeed(`${seed}:user`), createdAt, true);
    const meterPointId = `7070575000${String(Math.floor(random() * 1e8)).padStart(8, '0')}`;
    const location = store.addLocation({
      locationId: uuidFromSeed(`${seed}:location`),
      userId: user.userId,
      locationType: 'Residential',
      coordinates: {
        latitude: SANDBOX_COORDINATES.latitude + (random() - 0.5) / 100,
        longitude: SANDBOX_COORDINATES.longitude + (random() - 0.5) / 100,
      },
      meterPointIds: [meterPointId],
    });
    store.addResource({
      resourceId: uuidFromSeed(`${seed}:vehicle`),
      resourceType: 'Vehicle',
      userId: user.userId,
      locationId: null,
      meterPointId: null,
    });
    const bound = VOLUE_RESOURCE_TYPES.filter((type) => type !== 'Vehicle');
    store.addResource({
      resourceId: uuidFromSeed(`${seed}:resource`),
      resourceType: bound[Math.floor(random() * bound.length)]!,
      userId: user.userId,
      locationId: location.locationId,
      meterPointId,
    });
  }
}

/** `DELETE /simulation/partner`: every user the partner simulation created, with their locations and resources. */
export function deleteSimulatedPartnerData(store: VolueSimulatorStore): void {
  for (const user of [...store.users.values()]) if (user.simulated) store.deleteUser(user.userId);
}
