import { createHmac } from 'node:crypto';

/**
 * The Volue Energy Coordination contract (CONTRACT.md) that the connector calls and the simulator
 * serves: the current partner OpenAPI (2026-01; a copy in test/fixtures/volue-partner-openapi-2026-01.json).
 * Paths, allowed values, page sizes, limits, the webhook signature and the JSON shapes, named after the
 * spec's schemas (`GetLocationResponse` → `VolueLocationRecord`, …). test/volue-contract.test.ts checks
 * that what the simulator answers and what the connector sends validate against the spec's schemas.
 */

export const VOLUE_API_BASE_PATH = '/energy-coordination/v1';
/** The identity server's client-credentials endpoint. */
export const VOLUE_TOKEN_PATH = '/connect/token';

/** API paths below VOLUE_API_BASE_PATH; ids are given encoded (the connector) or as `:name` (the simulator's routes). */
export const VOLUE_PATHS = {
  users: 'users',
  usersBatch: 'users/batch',
  eligibleUsers: 'users/eligible',
  user: (userId: string) => `users/${userId}`,
  locations: (userId: string) => `users/${userId}/locations`,
  location: (userId: string, locationId: string) => `users/${userId}/locations/${locationId}`,
  locationsBatch: 'users/locations/batch',
  locationResources: (userId: string, locationId: string) => `users/${userId}/locations/${locationId}/resources`,
  vehicles: (userId: string) => `users/${userId}/vehicles`,
  userResources: (userId: string) => `users/${userId}/resources`,
  resource: (resourceId: string) => `resources/${resourceId}`,
  enrollment: (userId: string) => `users/${userId}/enrollment`,
  eligibility: (userId: string) => `users/${userId}/eligibility`,
  compensation: (userId: string) => `users/${userId}/compensation`,
  meterPointEligibility: (meterPointId: string) => `meters/${meterPointId}/eligible`,
  events: 'events',
  event: (eventId: string) => `events/${eventId}`,
  reports: 'reports',
  webhooks: 'webhooks',
  webhook: (webhookId: string) => `webhooks/${webhookId}`,
  webhookEnabled: (webhookId: string) => `webhooks/${webhookId}/enabled`,
  webhookLogs: 'webhooks/logs',
  webhookLog: (notificationId: string) => `webhooks/logs/${notificationId}`,
  simulatePriceCurve: 'simulation/events/pricecurve',
  simulateUserEligibility: 'simulation/events/usereligibility',
  simulateLocationLpc: 'simulation/events/lpc/locations',
  simulateResourceLpc: 'simulation/events/lpc/resources',
  simulatePartnerData: 'simulation/partner',
} as const;

/** Volue's largest page (partner OpenAPI: "Maximum pageSize is 1000"). */
export const VOLUE_MAX_PAGE_SIZE = 1000;
/** [I] The page size when a request names none. */
export const VOLUE_DEFAULT_PAGE_SIZE = 100;

/** Volue's docs say tokens live an hour (the seed said 30 minutes). */
export const VOLUE_DEFAULT_TOKEN_LIFETIME_SECONDS = 3600;

export const VOLUE_RESOURCE_TYPES = ['Generic', 'Vehicle', 'Charger', 'HotWaterTank', 'HVAC', 'SolarInverter'] as const;
export type VolueResourceTypeName = (typeof VOLUE_RESOURCE_TYPES)[number];

export const VOLUE_LOCATION_TYPES = ['Unknown', 'Residential', 'Commercial', 'Other'] as const;
export type VolueLocationTypeName = (typeof VOLUE_LOCATION_TYPES)[number];

export const VOLUE_CURRENCIES = ['NOK', 'EUR', 'SEK', 'DKK'] as const;
export type VolueCurrencyName = (typeof VOLUE_CURRENCIES)[number];

export const VOLUE_ENERGY_UNITS = ['kWh', 'MWh'] as const;

export const VOLUE_PRICE_AREAS = ['Unknown', 'NO1', 'NO2', 'NO3', 'NO4', 'NO5', 'FI', 'DK1', 'DK2', 'SE1', 'SE2', 'SE3', 'SE4'] as const;
export type VoluePriceAreaName = (typeof VOLUE_PRICE_AREAS)[number];

export const VOLUE_COMPENSATION_PROBLEM_TYPES = ['MissingMpidOnLocation', 'CompensationMpidDoesNotMatchLocation'] as const;

export const VOLUE_NOTIFICATION_TYPES = [
  'Unknown',
  'PriceCurveCreated',
  'UserEligibilityUpdated',
  'LocationLPCRequested',
  'ResourceLPCRequested',
  'LPCReservationCreated',
] as const;
export type VolueNotificationTypeName = (typeof VOLUE_NOTIFICATION_TYPES)[number];

/** Spellings Volue's docs use for a notification type, read as the spec's (`LocationLPCCreated` in the webhook docs). */
export const VOLUE_NOTIFICATION_TYPE_ALIASES: Readonly<Record<string, VolueNotificationTypeName>> = {
  LocationLPCCreated: 'LocationLPCRequested',
};

export const VOLUE_EVENT_PAYLOAD_TYPES = ['PriceCurve', 'UserEligibility', 'LocationLPC', 'ResourceLPC', 'LPCReservation'] as const;
export type VolueEventPayloadType = (typeof VOLUE_EVENT_PAYLOAD_TYPES)[number];

/** The notification type a webhook receives for an event of each payload type. */
export const VOLUE_NOTIFICATION_TYPE_OF_PAYLOAD: Readonly<Record<VolueEventPayloadType, VolueNotificationTypeName>> = {
  PriceCurve: 'PriceCurveCreated',
  UserEligibility: 'UserEligibilityUpdated',
  LocationLPC: 'LocationLPCRequested',
  ResourceLPC: 'ResourceLPCRequested',
  LPCReservation: 'LPCReservationCreated',
};

export const VOLUE_WEBHOOK_STATUSES = ['New', 'Healthy', 'Unhealthy', 'TimeOut'] as const;
export type VolueWebhookStatusName = (typeof VOLUE_WEBHOOK_STATUSES)[number];

/** SparkReportPayloadType: every payload a report may carry. */
export const VOLUE_REPORT_PAYLOAD_TYPES = [
  'EnergyUsage',
  'LocationEnergyUsage',
  'LocationEnergyUsagePlan',
  'ResourceLPCAcknowledgement',
  'LocationLPCAcknowledgement',
] as const;
/** The only resolution Volue accepts in energy-usage reports (.NET TimeSpan: one hour). */
export const VOLUE_REPORT_RESOLUTION = '01:00:00';

/** The header a webhook delivery is signed in. */
export const VOLUE_SIGNATURE_HEADER = 'x-payload-signature';

/** `X-Payload-Signature` as Volue computes it: Base64(HMAC-SHA256(raw body, webhookSecret)). */
export function signPayload(rawBody: string | Buffer, secret: string): string {
  return createHmac('sha256', secret).update(rawBody).digest('base64');
}

// The JSON shapes of the API, named after the spec's schemas.

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

/** GetUserResponse / PostUserRequest. */
export interface VolueUserRecord {
  userId: string;
}

/** GetUsersResponse and GetEligibleUsersResponse. */
export interface VolueUserPage {
  pagination: VoluePagination;
  users?: VolueUserRecord[];
}

/** Coordinate. */
export interface VolueCoordinates {
  latitude: number;
  longitude: number;
}

/** PostLocationRequest / PutLocationRequest (`meterPointId` is deprecated in the spec: this project sends `meterPointIds`). */
export interface VolueLocationInput {
  locationId: string;
  locationType?: VolueLocationTypeName;
  coordinates?: VolueCoordinates;
  meterPointIds?: string[] | null;
}

/** PatchLocationRequest: any subset. */
export type VolueLocationPatch = Partial<Pick<VolueLocationInput, 'locationType' | 'coordinates' | 'meterPointIds'>>;

/** GetLocationResponse. */
export interface VolueLocationRecord {
  locationId: string;
  locationType?: VolueLocationTypeName;
  coordinates?: VolueCoordinates;
  /** Deprecated by Volue: the first of meterPointIds. */
  meterPointId?: string | null;
  meterPointIds?: string[];
  userId?: string | null;
}

/** PostVehicleResourceRequest. */
export interface VolueVehicleInput {
  resourceId: string;
  resourceType: 'Vehicle';
}

/** PostLocationBoundResourceRequest. */
export interface VolueLocationResourceInput {
  resourceId: string;
  resourceType: VolueResourceTypeName;
  meterPointId?: string | null;
}

/** GetResourceResponse (GetLocationBoundResourceResponse is the same with `locationId` required). */
export interface VolueResourceRecord {
  resourceId: string;
  resourceType: VolueResourceTypeName;
  userId: string;
  locationId?: string | null;
  meterPointId?: string | null;
}

/** GetUserEnrollmentResponse. */
export interface VolueEnrollmentRecord {
  userId: string;
  isEnrolled?: boolean;
  enrollmentId?: string | null;
  enrollmentDate?: string | null;
}

/** GetUserEligibilityResponse. */
export interface VolueUserEligibilityRecord {
  userId: string;
  isEligible: boolean;
}

/** GetMpidEligibilityResponse. */
export interface VolueMeterPointEligibilityRecord {
  meterPointId: string;
  isEligible: boolean;
}

/** Problem. */
export interface VolueCompensationProblem {
  problemType?: (typeof VOLUE_COMPENSATION_PROBLEM_TYPES)[number];
  message: string;
}

/** LocationCompensation. */
export interface VolueLocationCompensation {
  locationId?: string;
  meterPointIds?: string[];
  activeAmount?: number;
  blockedAmount?: number;
  currency?: VolueCurrencyName;
  problems?: VolueCompensationProblem[];
}

/** GetUserCompensationForCurrentMonthResponse; `period` dates are `yyyy-MM-dd`. */
export interface VolueCompensationRecord {
  userId?: string;
  period: { from?: string; to?: string };
  locationCompensations?: VolueLocationCompensation[];
}

/** LPCDataPoint. */
export interface VolueLpcPoint {
  maxPowerInKiloWatts?: number;
  timestamp?: string;
}

/** PriceCurvePoint / PriceCurve. */
export interface VoluePriceCurve {
  points?: Array<{ price?: number; timestamp?: string }>;
  energyUnit?: (typeof VOLUE_ENERGY_UNITS)[number];
  currency?: VolueCurrencyName;
  resolution?: string;
}

/** LocationLPCTarget (also the targets of an LPCReservation). */
export interface VolueLocationLpcTarget {
  locationId: string;
  meterPointId: string;
  resolution: string;
  points: VolueLpcPoint[];
}

/** ResourceLPCTarget. */
export interface VolueResourceLpcTarget extends VolueLocationLpcTarget {
  resourceId: string;
}

/** SparkEventPayload: polymorphic on `payloadType`. */
export type VolueEventPayload =
  | {
      payloadType: 'PriceCurve';
      targets: Array<{ resourceId: string; locationId: string }>;
      priceCurveDelta: VoluePriceCurve;
      priceArea: VoluePriceAreaName;
    }
  | { payloadType: 'UserEligibility'; lastUpdated: string; addedUsers: string[]; removedUsers: string[] }
  | { payloadType: 'LocationLPC'; targets: VolueLocationLpcTarget[] }
  | { payloadType: 'ResourceLPC'; targets: VolueResourceLpcTarget[] }
  | { payloadType: 'LPCReservation'; targets: VolueLocationLpcTarget[] };

/** GetEventResponse. */
export interface VolueEventRecord {
  id: string;
  createdAt: string;
  payload: VolueEventPayload;
}

/** GetEventsResponse. */
export interface VolueEventPage {
  pagination: VoluePagination;
  events?: VolueEventRecord[];
}

/** SimulateEventResponse. */
export interface VolueSimulatedEvent {
  simulatedEvent?: VolueEventRecord;
}

/** SimulatePriceCurveEventRequest: every field optional (Volue picks random values for what is missing). */
export interface VolueSimulatePriceCurveRequest {
  targets?: Array<{ resourceId: string; locationId: string }> | null;
  priceCurveDelta?: VoluePriceCurve;
  priceArea?: VoluePriceAreaName;
}

/** SimulateLocationLPCEventRequest. */
export interface VolueSimulateLocationLpcRequest {
  locations?: Array<{ location?: { locationId?: string; meterPointId?: string }; points?: VolueLpcPoint[] | null }> | null;
}

/** SimulateResourceLPCEventRequest. */
export interface VolueSimulateResourceLpcRequest {
  resources?: Array<{
    resource?: { locationId?: string; resourceId?: string; meterPointId?: string };
    points?: VolueLpcPoint[] | null;
  }> | null;
}

/** EventNotification: the body of a webhook delivery. */
export interface VolueEventNotification {
  notificationId: string;
  eventId: string;
  eventCreatedAtUtc: string;
  notificationSentUtc: string;
  notificationType: VolueNotificationTypeName;
  payload: VolueEventPayload;
}

/** GetWebhookResponse (the secret is never answered). */
export interface VolueWebhookRecord {
  webhookId: string;
  webhookUrl: string;
  name?: string | null;
  notificationTypes?: VolueNotificationTypeName[];
  enabled?: boolean;
  status?: VolueWebhookStatusName;
  createdDate?: string;
  modifiedDate?: string;
  lastAnalyzedTimestamp?: string;
}

/** PostWebhookRequest / PatchWebhookRequest. */
export interface VolueWebhookInput {
  webhookUrl?: string;
  name?: string | null;
  webhookSecret?: string | null;
  notificationTypes?: VolueNotificationTypeName[];
  enabled?: boolean;
}

/** WebhookNotificationLog: one delivery attempt of a notification to a webhook. */
export interface VolueWebhookLogRecord {
  webhookId: string;
  tenantId: string;
  webhookUrl: string;
  partnerEventId?: string;
  notificationId?: string;
  notificationType?: VolueNotificationTypeName;
  notificationSent?: string;
  sparkSignature?: string | null;
  requestTimeout?: boolean;
  responseStatusCode?: number | null;
  requestDurationMs?: number | null;
}

/** GetWebhookNotificationLogsResponse. */
export interface VolueWebhookLogPage {
  webhookNotificationLogs?: VolueWebhookLogRecord[];
  pagination?: VoluePagination;
}

/** GetWebhookNotificationLogByIdResponse: the log and the body that was sent. */
export interface VolueWebhookLogDetail {
  webhookNotificationLog?: VolueWebhookLogRecord;
  notificationContent?: string;
}

/** EnergyCurvePoint. */
export interface VolueEnergyPoint {
  /** UTC, at the start of the hour the energy was used in. */
  timestamp: string;
  kiloWattHours: number;
}

/** LPCLocation. */
export interface VolueLpcLocation {
  locationId: string;
  meterPointId: string;
}

/** LPCResource. */
export interface VolueLpcResource extends VolueLpcLocation {
  resourceId: string;
}

/** SparkReportPayload: polymorphic on `payloadType`. */
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
    }
  | {
      payloadType: 'LocationEnergyUsagePlan';
      locationId: string;
      meterPointId: string;
      resolution: typeof VOLUE_REPORT_RESOLUTION;
      baseline: VolueEnergyPoint[];
      flexibility: VolueEnergyPoint[];
    }
  | { payloadType: 'ResourceLPCAcknowledgement'; acknowledgedTargets: VolueLpcResource[]; declinedTargets: VolueLpcResource[] }
  | { payloadType: 'LocationLPCAcknowledgement'; acknowledgedTargets: VolueLpcLocation[]; declinedTargets: VolueLpcLocation[] };

/** PostReportRequest. */
export interface VolueReportRequest {
  eventId?: string | null;
  payloads: VolueReportPayload[];
}

/** GetReportResponse. */
export interface VolueReportRecord {
  id: string;
  eventId?: string | null;
  createdAt?: string;
}
