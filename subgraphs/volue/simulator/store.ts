import { HttpError, uuidFromSeed } from '../../../shared/simulator/index.js';
import type {
  VolueEventRecord,
  VolueMeterRecord,
  VolueReportPayload,
  VolueReportRecord,
  VolueResourceRecord,
  VolueVehicleRecord,
  VolueWebhookRecord,
} from '../contract.js';
import { seedInto } from './seed.js';

/** What the simulator keeps of each record: the contract's shape with every field filled (null where none was sent). */
export type StoredMeter = Required<VolueMeterRecord>;
export type StoredVehicle = Required<VolueVehicleRecord>;
export type StoredResource = Required<VolueResourceRecord>;
/** A webhook keeps its secret, which is never answered. */
export type StoredWebhook = Required<VolueWebhookRecord> & { webhookSecret: string | null };
export type StoredReport = Required<VolueReportRecord> & { payloads: VolueReportPayload[] };

export interface StoredUser {
  userId: string;
  createdAt: string;
  /** By meterPointId (unique per user). */
  meters: Map<string, StoredMeter>;
  /** By vehicleId. */
  vehicles: Map<string, StoredVehicle>;
  /** By resourceId. */
  resources: Map<string, StoredResource>;
}

/** A webhook delivery the simulator attempted (what tests inspect). */
export interface VolueNotificationDelivery {
  webhookId: string;
  notificationId: string;
  url: string;
  signature: string | null;
  responseStatusCode: number | null;
}

/** The simulator's in-memory state: the seed until changed, the seed again after `reset()`. */
export class VolueSimulatorStore {
  users = new Map<string, StoredUser>();
  /** Newest first, as `GET /events` lists them. */
  events: VolueEventRecord[] = [];
  webhooks = new Map<string, StoredWebhook>();
  /** Oldest first. */
  reports: StoredReport[] = [];
  /** Oldest first. */
  deliveries: VolueNotificationDelivery[] = [];
  /** Objects created since the seed: numbers their ids, so that a run is repeatable. */
  private created = 0;

  constructor() {
    this.reset();
  }

  reset(): void {
    this.users = new Map();
    this.events = [];
    this.webhooks = new Map();
    this.reports = [];
    this.deliveries = [];
    this.created = 0;
    seedInto(this);
  }

  addUser(userId: string, createdAt: string): StoredUser {
    const user: StoredUser = { userId, createdAt, meters: new Map(), vehicles: new Map(), resources: new Map() };
    this.users.set(userId, user);
    return user;
  }

  /** A new object's id, deterministic in the order objects are created. */
  nextId(kind: string): string {
    this.created += 1;
    return uuidFromSeed(`volue:created:${kind}:${this.created}`);
  }

  user(userId: string): StoredUser {
    const found = this.users.get(userId);
    if (!found) throw new HttpError(404, `User ${userId} not found`);
    return found;
  }

  webhook(webhookId: string): StoredWebhook {
    const found = this.webhooks.get(webhookId);
    if (!found) throw new HttpError(404, `Webhook ${webhookId} not found`);
    return found;
  }
}
