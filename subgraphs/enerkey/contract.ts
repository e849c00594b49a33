/**
 * The inferred EnerKey REST contract (CONTRACT.md): the paths, allowed values, limits and JSON shapes that
 * the simulator serves and the connector calls. EnerKey publishes no path list; these are designed from
 * the operation names of its API overview and kept in this one place so that both sides agree.
 */

export const ENERKEY_PATHS = {
  facilities: 'api/v1/facilities',
  facility: (id: number | string) => `api/v1/facilities/${id}`,
  meters: 'api/v1/meters',
  quantities: 'api/v1/quantities',
  hourlyValues: 'api/v1/values/hourly',
  monthlyValues: 'api/v1/values/monthly',
  normalizedMonthlyValues: 'api/v1/values/monthly/normalized',
  pushConsumptions: 'api/v1/values/PushConsumptionsForMeter',
  pushCumulativeReadings: 'api/v1/values/PushCumulativeReadingsForMeter',
  actions: 'api/v1/actions',
  action: (id: number | string) => `api/v1/actions/${id}`,
  facilityImage: (id: number | string) => `api/v1/images/facilities/${id}/consumption`,
  alarm: (id: number | string) => `api/v1/logs/alarms/${id}`,
  alarmImage: (id: number | string) => `api/v1/logs/alarms/${id}/image`,
  provisioningCustomers: 'api/v2/Provisioning/UpsertProvisioningCustomer',
  provisioningData: 'api/v2/Provisioning/UpsertProvisioningData',
  provisioningStatus: 'api/v2/Provisioning/ProvisioningStatus',
} as const;

/** Requests per key per 24 hours (EnerKey's published limit). */
export const ENERKEY_DAILY_LIMIT = 40_000;
export const ENERKEY_BUDGET_WINDOW_MS = 24 * 3_600_000;
/**
 * The burst limit EnerKey's development portal states: 20 requests per 10 seconds (not on the production
 * page, whose only limit is the 24-hour budget). Off unless configured; this is the documented value.
 */
export const ENERKEY_DOCUMENTED_BURST = { limit: 20, windowMs: 10_000 } as const;
/** List endpoints page with `skip` and `take` and tell the whole count in this header (inferred). */
export const ENERKEY_TOTAL_COUNT_HEADER = 'x-total-count';
/** Most items one list page may hold (inferred). */
export const ENERKEY_MAX_PAGE_SIZE = 100;
/** Meters one values request may name (inferred). */
export const ENERKEY_MAX_METERS_PER_VALUES_CALL = 50;
/** Metering point ids one meters request may name (inferred, as for values: keeps the URL short). */
export const ENERKEY_MAX_METERING_POINTS_PER_CALL = 50;
/** Longest window of one hourly values request, in days (inferred). */
export const ENERKEY_MAX_HOURLY_DAYS = 366;
/** Longest window of one monthly values request, in days (inferred: five years). */
export const ENERKEY_MAX_MONTHLY_DAYS = 1830;
/** A push may span at most this many days (EnerKey: "API accepts data for 365 days at a time"). */
export const ENERKEY_MAX_PUSH_DAYS = 365;
export const HOUR_MS = 3_600_000;
export const DAY_MS = 86_400_000;

// Allowed values

export const ENERKEY_METER_TYPES = ['consumption', 'cumulative'] as const;
export type EnerkeyMeterType = (typeof ENERKEY_METER_TYPES)[number];
export const ENERKEY_IMAGE_FORMATS = ['png', 'pdf'] as const;
export type EnerkeyImageFormat = (typeof ENERKEY_IMAGE_FORMATS)[number];
export const ENERKEY_IMAGE_LAYOUTS = ['report', 'graph'] as const;
export type EnerkeyImageLayout = (typeof ENERKEY_IMAGE_LAYOUTS)[number];
/** What a push does to an hour that already has a value: EnerKey's text says values add up (the default). */
export const ENERKEY_PUSH_MODES = ['add', 'replace'] as const;
export type EnerkeyPushMode = (typeof ENERKEY_PUSH_MODES)[number];
export const ENERKEY_ACTION_STATUSES = ['Planned', 'InProgress', 'Completed', 'Cancelled'] as const;

/** The three values operations: hourly, monthly and weather-normalized monthly. */
export type EnerkeyValuesKind = 'hourly' | 'monthly' | 'normalized';

export const ENERKEY_VALUES_PATHS: Record<EnerkeyValuesKind, string> = {
  hourly: ENERKEY_PATHS.hourlyValues,
  monthly: ENERKEY_PATHS.monthlyValues,
  normalized: ENERKEY_PATHS.normalizedMonthlyValues,
};

/** Longest window of one values request of each kind, in days. */
export const ENERKEY_MAX_VALUES_DAYS: Record<EnerkeyValuesKind, number> = {
  hourly: ENERKEY_MAX_HOURLY_DAYS,
  monthly: ENERKEY_MAX_MONTHLY_DAYS,
  normalized: ENERKEY_MAX_MONTHLY_DAYS,
};

// Records: the JSON shapes of the API. Fields the connector cannot count on are optional.

export interface EnerkeyFacilityRecord {
  id: number;
  name: string;
  enegiaId?: string;
  address?: { streetAddress?: string; postalCode?: string; city?: string; country?: string };
  timeZone?: string;
  properties?: Array<{ name: string; value: string; unit?: string }>;
}

export interface EnerkeyMeterRecord {
  id: number;
  facilityId: number;
  /** The meter this one is a submeter of, if any. */
  parentMeterId?: number;
  name: string;
  quantityId: number;
  unit: string;
  meterType: EnerkeyMeterType;
  meteringPointId?: string;
}

export interface EnerkeyQuantityRecord {
  id: number;
  name: string;
  unit: string;
}

/** One value on the wire: the hour or month starting at `timestamp`, in one of EnerKey's two forms. */
export interface EnerkeyWireValue {
  timestamp: string;
  value: number;
}

/** The answer of a values call, per meter: timestamps in the form that was asked. */
export interface EnerkeyRawSeries {
  meterId: number;
  quantityId: number;
  unit: string;
  /** Normalized monthly values only: what they are normalized by. */
  normalization?: string;
  values: EnerkeyWireValue[];
}

/** The bodies of PushConsumptionsForMeter (`values`) and PushCumulativeReadingsForMeter (`readings`). */
export interface EnerkeyPushConsumptionsBody {
  meterId: number;
  values: EnerkeyWireValue[];
}
export interface EnerkeyPushCumulativeReadingsBody {
  meterId: number;
  readings: EnerkeyWireValue[];
}

export interface EnerkeyPushResult {
  meterId: number;
  unit: string;
  hoursWritten: number;
  start: string;
  end: string;
}

export interface EnerkeyActionRecord {
  id: number;
  facilityId: number;
  meterIds: number[];
  type: string;
  status: string;
  title: string;
  description: string;
  startDate: string;
  endDate: string | null;
  investment: number | null;
  expectedSavingsKwh: number | null;
  modifiedAt: string;
}

export interface EnerkeyProvisioningCustomer {
  productCode: number;
  externalCustomerName: string;
  externalCustomerId: string;
}

export interface EnerkeyProvisioningCustomersResult {
  created: number;
  updated: number;
  deleted: number;
  deletedCustomerIds: string[];
  customers: EnerkeyProvisioningCustomer[];
}

export interface EnerkeyProvisioningData {
  externalCustomerId: string;
  facilities: Array<{
    externalFacilityId: string;
    name: string;
    properties?: Array<{ name: string; value: string; unit?: string }>;
    meters?: EnerkeyProvisioningMeter[];
  }>;
}

export interface EnerkeyProvisioningMeter {
  externalMeterId: string;
  name: string;
  quantityId: number;
  meterType?: EnerkeyMeterType;
  meteringPointId?: string;
  /** Submeters, created under this meter (inferred shape). */
  subMeters?: EnerkeyProvisioningMeter[];
}

/** UpsertProvisioningData's answer: 202 with a new id, 208 (with a message) with the id of the same data set. */
export interface EnerkeyProvisioningAccepted {
  provisioningId: string;
  message?: string;
}

export interface EnerkeyProvisioningRecord {
  provisioningId: string;
  /** "Completed" or "Failed" (the simulator processes at once). */
  status: string;
  externalCustomerId: string;
  facilitiesCreated: number;
  metersCreated: number;
  /** EnerKey's ids of the facilities and meters the data set created or updated (inferred). */
  facilityIds: number[];
  meterIds: number[];
  /** Default alarms created for the new meters (one per meter, inferred). */
  alarmsCreated: number;
  errors: string[];
  receivedAt: string;
}

/** An alarm log entry (Logs: "alarm details and images by id", partners only); the fields are inferred. */
export interface EnerkeyAlarmRecord {
  id: number;
  facilityId: number;
  meterId: number;
  /** e.g. "ConsumptionAboveLimit", "ConsumptionBelowLimit", "MissingData". */
  alarmType: string;
  message: string;
  /** Start of the hour the alarm is about, and when it was raised. */
  hour: string;
  triggeredAt: string;
  /** The hour's value and the limit it crossed, in the meter's unit (null for MissingData). */
  value: number | null;
  limit: number | null;
  unit: string;
}
