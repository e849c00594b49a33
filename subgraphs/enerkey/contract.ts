/**
 * The inferred EnerKey REST contract (CONTRACT.md): paths and limits that the simulator serves and the
 * connector calls. EnerKey publishes no path list; these are designed from the operation names of its
 * API overview and kept in this one place so that both sides agree.
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
  provisioningCustomers: 'api/v2/Provisioning/UpsertProvisioningCustomer',
  provisioningData: 'api/v2/Provisioning/UpsertProvisioningData',
  provisioningStatus: 'api/v2/Provisioning/ProvisioningStatus',
} as const;

/** Requests per key per 24 hours (EnerKey's published limit). */
export const ENERKEY_DAILY_LIMIT = 40_000;
export const ENERKEY_BUDGET_WINDOW_MS = 24 * 3_600_000;
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

export type EnerkeyMeterType = 'consumption' | 'cumulative';
export type EnerkeyImageFormat = 'png' | 'pdf';
export type EnerkeyImageLayout = 'report' | 'graph';
