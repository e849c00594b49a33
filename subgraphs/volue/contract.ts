import { createHmac } from 'node:crypto';

/**
 * The Volue Energy Coordination contract (CONTRACT.md) that the connector calls and the simulator
 * serves: paths, allowed values, page sizes, limits, the webhook signature and the JSON shapes of the
 * API. Registration follows the seed's Quickstart generation (late 2023); events, webhooks, reports and
 * pagination follow the current partner OpenAPI (2026-01). Records keep Volue's field names.
 */

export const VOLUE_API_BASE_PATH = '/energy-coordination/v1';
/** The identity server's client-credentials endpoint. */
export const VOLUE_TOKEN_PATH = '/connect/token';

/** API paths below VOLUE_API_BASE_PATH; ids are given encoded (the connector) or as `:name` (the simulator's routes). */
export const VOLUE_PATHS = {
  users: 'users',
  user: (userId: string) => `users/${userId}`,
  meters: (userId: string) => `users/${userId}/meters`,
  meter: (userId: string, meterId: string) => `users/${userId}/meters/${meterId}`,
  vehicles: (userId: string) => `users/${userId}/vehicles`,
  vehicle: (userId: string, vehicleId: string) => `users/${userId}/vehicles/${vehicleId}`,
  resources: (userId: string) => `users/${userId}/resources`,
  resource: (userId: string, resourceId: string) => `users/${userId}/resources/${resourceId}`,
  events: 'events',
  event: (eventId: string) => `events/${eventId}`,
  simulatePriceCurve: 'simulation/events/pricecurve',
  simulateUserEligibility: 'simulation/events/usereligibility',
  webhooks: 'webhooks',
  webhook: (webhookId: string) => `webhooks/${webhookId}`,
  webhookTest: (webhookId: string) => `webhooks/${webhookId}/test`,
  reports: 'reports',
} as const;

/** Volue's largest page (partner OpenAPI: "Maximum pageSize is 1000"). */
export const VOLUE_MAX_PAGE_SIZE = 1000;
/** [I] The page size when a request names none. */
export const VOLUE_DEFAULT_PAGE_SIZE = 100;

/** Volue's docs say tokens live an hour (the seed said 30 minutes). */
export const VOLUE_DEFAULT_TOKEN_LIFETIME_SECONDS = 3600;

export const VOLUE_RESOURCE_TYPES = ['Generic', 'Vehicle', 'Charger', 'HotWaterTank', 'HVAC', 'SolarInverter'] as const;

export const VOLUE_LOCATION_TYPES = ['Unknown', 'Residential', 'Commercial', 'Other'] as const;
export type VolueLocationType = (typeof VOLUE_LOCATION_TYPES)[number];

export const VOLUE_NOTIFICATION_TYPES = [
  'Unknown',
  'PriceCurveCreated',
  'UserEligibilityUpdated',
  'LocationLPCRequested',
  'ResourceLPCRequested',
  'LPCReservationCreated',
] as const;
export type VolueNotificationType = (typeof VOLUE_NOTIFICATION_TYPES)[number];

/** The notification type a webhook receives for an event of each payload type. */
export const VOLUE_NOTIFICATION_TYPE_OF_PAYLOAD: Readonly<Record<string, VolueNotificationType>> = {
  PriceCurve: 'PriceCurveCreated',
  UserEligibility: 'UserEligibilityUpdated',
  LocationLPC: 'LocationLPCRequested',
  ResourceLPC: 'ResourceLPCRequested',
  LPCReservation: 'LPCReservationCreated',
};

export const VOLUE_WEBHOOK_STATUSES = ['New', 'Healthy', 'Unhealthy', 'TimeOut'] as const;
export type VolueWebhookStatus = (typeof VOLUE_WEBHOOK_STATUSES)[number];

/** The report payload types built here (the docs call EnergyUsage the official one). */
export const VOLUE_REPORT_PAYLOAD_TYPES = ['EnergyUsage', 'LocationEnergyUsage'] as const;
/** The only resolution Volue accepts in energy-usage reports (.NET TimeSpan: one hour). */
export const VOLUE_REPORT_RESOLUTION = '01:00:00';

/** [I] The model years a vehicle may state. */
export const VOLUE_VEHICLE_YEARS = { min: 1900, max: 2100 } as const;

/** The header a webhook delivery is signed in. */
export const VOLUE_SIGNATURE_HEADER = 'x-payload-signature';

/** `X-Payload-Signature` as Volue computes it: Base64(HMAC-SHA256(raw body, webhookSecret)). */
export function signPayload(rawBody: string | Buffer, secret: string): string {
  return createHmac('sha256', secret).update(rawBody).digest('base64');
}

// The JSON shapes of the API

/** The identity server's answer to a client-credentials request. */
export interface VolueTokenResponse {
  access_token: string;
  expires_in: number;
  token_type: 'Bearer';
  scope?: string;
}

/** ApiPagination. */
export interface VoluePagination {
  totalRecords: number;
  pageSize: number;
  currentPage: number;
  totalPages?: number;
  nextPage?: number | null;
  previousPage?: number | null;
}

export interface VolueUserRecord {
  userId: string;
}

export interface VolueUserPage {
  pagination: VoluePagination;
  users: VolueUserRecord[];
}

export interface VolueAddress {
  street?: string;
  city?: string;
  zipCode?: string;
}

export interface VolueCoordinates {
  latitude: number;
  longitude: number;
}

export interface VolueMeterInput {
  address?: VolueAddress;
  location?: VolueCoordinates;
  meterPointId: string;
  meterNumber?: string;
  locationType?: VolueLocationType;
}

/** [I] A registered meter: the fields sent (null where none was sent), plus `meterId` and its `userId`. */
export interface VolueMeterRecord {
  meterId: string;
  userId?: string;
  address?: VolueAddress;
  location?: VolueCoordinates | null;
  meterPointId: string;
  meterNumber?: string | null;
  locationType?: VolueLocationType;
}

export interface VolueVehicleMetadata {
  resourceType: 'Vehicle';
  brand?: string;
  model?: string;
  year?: number;
  vin?: string;
}

/** [I] A registered vehicle: the fields sent, plus Volue's `id` and the `userId`. */
export interface VolueVehicleRecord {
  id?: string;
  userId?: string;
  vehicleId: string;
  metadata: VolueVehicleMetadata;
}

export interface VolueResourceMetadata {
  resourceType: string;
  [field: string]: unknown;
}

/** [I] A registered resource: the fields sent, plus Volue's `id` and the `userId`. */
export interface VolueResourceRecord {
  id?: string;
  userId?: string;
  resourceId: string;
  metadata: VolueResourceMetadata;
}

/** SparkEventPayload: polymorphic on `payloadType`. */
export interface VolueEventPayload {
  payloadType: string;
  [field: string]: unknown;
}

/** GetEventResponse. */
export interface VolueEventRecord {
  id: string;
  createdAt: string;
  payload: VolueEventPayload;
}

export interface VolueEventPage {
  pagination: VoluePagination;
  events: VolueEventRecord[];
}

/** EventNotification: the body of a webhook delivery. */
export interface VolueEventNotification {
  notificationId: string;
  eventId: string;
  eventCreatedAtUtc: string;
  notificationSentUtc: string;
  notificationType: VolueNotificationType;
  payload: VolueEventPayload;
}

/** GetWebhookResponse (the secret is never answered). */
export interface VolueWebhookRecord {
  webhookId: string;
  webhookUrl: string;
  name?: string | null;
  notificationTypes?: VolueNotificationType[];
  enabled?: boolean;
  status?: VolueWebhookStatus;
  createdDate?: string;
  modifiedDate?: string;
  lastAnalyzedTimestamp?: string;
}

export interface VolueWebhookInput {
  webhookUrl?: string;
  name?: string | null;
  webhookSecret?: string | null;
  notificationTypes?: VolueNotificationType[];
  enabled?: boolean;
}

/** [I] The answer to `POST /webhooks/:id/test` (Volue documents none). */
export interface VolueWebhookTestRecord {
  webhookId: string;
  notificationId?: string;
  eventId?: string;
  responseStatusCode?: number | null;
}

export interface VolueEnergyPoint {
  /** UTC, at the start of the hour the energy was used in. */
  timestamp: string;
  kiloWattHours: number;
}

export type VolueReportPayload =
  | {
      payloadType: 'EnergyUsage';
      resourceId: string;
      locationId?: string;
      meterPointId?: string;
      points: VolueEnergyPoint[];
      resolution: typeof VOLUE_REPORT_RESOLUTION;
    }
  | {
      payloadType: 'LocationEnergyUsage';
      locationId: string;
      meterPointId: string;
      points: VolueEnergyPoint[];
      resolution: typeof VOLUE_REPORT_RESOLUTION;
    };

export interface VolueReportRequest {
  eventId?: string | null;
  payloads: VolueReportPayload[];
}

export interface VolueReportRecord {
  id: string;
  eventId?: string | null;
  createdAt?: string;
}
