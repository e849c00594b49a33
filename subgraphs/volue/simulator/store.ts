import { uuidFromSeed } from '../../../shared/simulator/index.js';
import type {
  VolueCoordinates,
  VolueEventRecord,
  VolueLocationRecord,
  VolueLocationTypeName,
  VolueReportPayload,
  VolueReportRecord,
  VolueResourceRecord,
  VolueWebhookLogRecord,
  VolueWebhookRecord,
} from '../contract.js';
import { emptyResponse, StringBodyError } from './http.js';
import { seedInto } from './seed.js';

export interface StoredLocation {
  locationId: string;
  userId: string;
  locationType: VolueLocationTypeName;
  coordinates: VolueCoordinates | undefined;
  meterPointIds: string[];
}

export interface StoredUser {
  userId: string;
  createdAt: string;
  /** Created by `POST /simulation/partner` (and removed by its DELETE). */
  simulated: boolean;
  enrollment: { enrollmentId: string; enrollmentDate: string } | null;
  /** By locationId (unique per user). */
  locations: Map<string, StoredLocation>;
}

/** A resource with both optional links filled (null when unbound). */
export type StoredResource = Required<VolueResourceRecord>;
/** A webhook keeps its secret, which is never answered. */
export type StoredWebhook = Required<VolueWebhookRecord> & { webhookSecret: string | null };
export type StoredReport = Required<VolueReportRecord> & { payloads: VolueReportPayload[] };
/** A delivery attempt as `GET /webhooks/logs` lists it, with the body that was sent. */
export interface StoredWebhookLog {
  log: Required<VolueWebhookLogRecord>;
  content: string;
}

/** [I] The tenant every log names (Volue's id of the partner; one partner per simulator). */
export const SIMULATOR_TENANT_ID = uuidFromSeed('volue:tenant');

/** The simulator's in-memory state: the seed until changed, the seed again after `reset()`. */
export class VolueSimulatorStore {
  users = new Map<string, StoredUser>();
  /** By resourceId: Volue reads and deletes resources by id alone, so ids are unique across users. */
  resources = new Map<string, StoredResource>();
  /** Newest first, as `GET /events` lists them. */
  events: VolueEventRecord[] = [];
  webhooks = new Map<string, StoredWebhook>();
  /** Newest first. */
  webhookLogs: StoredWebhookLog[] = [];
  /** Oldest first. */
  reports: StoredReport[] = [];
  /** The users eligible when the last UserEligibility event was made: the next one names the changes. */
  eligibleAtLastEvent = new Set<string>();
  /** How many times `POST /simulation/partner` ran: seeds the next run's random data. */
  partnerRuns = 0;
  /** Objects created since the seed: numbers their ids, so that a run is repeatable. */
  private created = 0;

  constructor() {
    this.reset();
  }

  reset(): void {
    this.users = new Map();
    this.resources = new Map();
    this.events = [];
    this.webhooks = new Map();
    this.webhookLogs = [];
    this.reports = [];
    this.partnerRuns = 0;
    this.created = 0;
    seedInto(this);
    this.eligibleAtLastEvent = new Set(this.eligibleUserIds());
  }

  addUser(userId: string, createdAt: string, simulated = false): StoredUser {
    const user: StoredUser = { userId, createdAt, simulated, enrollment: null, locations: new Map() };
    this.users.set(userId, user);
    return user;
  }

  addLocation(location: StoredLocation): StoredLocation {
    this.user(location.userId).locations.set(location.locationId, location);
    return location;
  }

  addResource(resource: StoredResource): StoredResource {
    this.resources.set(resource.resourceId, resource);
    return resource;
  }

  /** Removes a user with its locations and resources. */
  deleteUser(userId: string): void {
    this.users.delete(userId);
    for (const resource of [...this.resources.values()]) if (resource.userId === userId) this.resources.delete(resource.resourceId);
  }

  /** Removes a location with the resources bound to it. */
  deleteLocation(user: StoredUser, locationId: string): void {
    user.locations.delete(locationId);
    for (const resource of [...this.resources.values()]) {
      if (resource.userId === user.userId && resource.locationId === locationId) this.resources.delete(resource.resourceId);
    }
  }

  /** A new object's id, deterministic in the order objects are created. */
  nextId(kind: string): string {
    this.created += 1;
    return uuidFromSeed(`volue:created:${kind}:${this.created}`);
  }

  /** The user, or 404 (bodiless, as the spec declares for most user routes). */
  user(userId: string): StoredUser {
    const found = this.users.get(userId);
    if (!found) throw emptyResponse(404);
    return found;
  }

  /** The user, or 400 with a string body: the routes whose spec declares no 404 answer an unknown user so. */
  userOr400(userId: string): StoredUser {
    const found = this.users.get(userId);
    if (!found) throw new StringBodyError(400, `User ${userId} does not exist`);
    return found;
  }

  location(user: StoredUser, locationId: string): StoredLocation {
    const found = user.locations.get(locationId);
    if (!found) throw emptyResponse(404);
    return found;
  }

  webhook(webhookId: string): StoredWebhook {
    const found = this.webhooks.get(webhookId);
    if (!found) throw emptyResponse(404);
    return found;
  }

  userResources(userId: string): StoredResource[] {
    return [...this.resources.values()].filter((resource) => resource.userId === userId);
  }

  /** The user whose location lists `meterPointId` other than `exceptLocationId`, if any (a meter point belongs to one location). */
  locationWithMeterPoint(meterPointId: string, exceptLocationId?: string): StoredLocation | undefined {
    for (const user of this.users.values()) {
      for (const location of user.locations.values()) {
        if (location.locationId !== exceptLocationId && location.meterPointIds.includes(meterPointId)) return location;
      }
    }
    return undefined;
  }

  eligibleUserIds(): string[] {
    return [...this.users.values()].filter(isEligibleUser).map((user) => user.userId);
  }
}

/** GetLocationResponse of a stored location (`meterPointId`, deprecated by Volue, is the first of meterPointIds). */
export function locationView(location: StoredLocation): VolueLocationRecord {
  return {
    locationId: location.locationId,
    locationType: location.locationType,
    ...(location.coordinates ? { coordinates: location.coordinates } : {}),
    meterPointId: location.meterPointIds[0] ?? null,
    meterPointIds: location.meterPointIds,
    userId: location.userId,
  };
}

/**
 * [I] Which meter points the simulated flexibility market covers: Norwegian ones (GS1 prefix 707057, as
 * the sandbox's "7070575000XXXXXXXX"). Volue publishes no rule; the simulator needs a deterministic one.
 */
export function isEligibleMeterPoint(meterPointId: string): boolean {
  return /^707057\d{12}$/.test(meterPointId);
}

/** [I] A user is eligible when one of their locations has an eligible meter point. */
export function isEligibleUser(user: StoredUser): boolean {
  return [...user.locations.values()].some((location) => location.meterPointIds.some(isEligibleMeterPoint));
}
