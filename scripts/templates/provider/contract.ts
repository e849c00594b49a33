/**
 * What __Label__'s connector and its simulator share (CONTRACT.md): the paths, the limits and the JSON
 * shapes of the answers, in one place. The scaffold's are placeholders: replace them with the real API's.
 */

/** Paths below the API's base URL; the connector fills in the values, the simulator express parameters (`:id`). */
export const __NAME___PATHS = {
  /** `?page=&pageSize=`, or `?meteringPointIds=a,b`: a page of meters. */
  meters: 'meters',
  meter: (id: string) => `meters/${id}`,
  /** `?from=&to=` (ISO 8601 instants): the meter's half-hourly readings in [from, to). */
  readings: (id: string) => `meters/${id}/readings`,
} as const;

/** The request header that carries the API key. */
export const __NAME___API_KEY_HEADER = 'x-api-key';

/** Meters on one page of `GET meters` when the caller asks for no other size; at most MAX_PAGE_SIZE. */
export const __NAME___PAGE_SIZE = 50;
export const __NAME___MAX_PAGE_SIZE = 100;
/** Metering point ids one `GET meters` may name. */
export const __NAME___MAX_METERING_POINTS_PER_CALL = 50;
/** Days one readings call may span. */
export const __NAME___MAX_READINGS_DAYS = 31;
/** The longest consumption request the subgraph serves, in days. */
export const __NAME___MAX_SPAN_DAYS = 366;
export const HALF_HOUR_MS = 30 * 60_000;
export const DAY_MS = 24 * 60 * 60_000;

export interface __Name__MeterRecord {
  id: string;
  name: string;
  /** The national metering point id (EAN, MPAN, …) of the connection the meter measures, if __Label__ knows it. */
  meteringPointId: string | null;
}

/** `GET meters`: one page, and how many meters there are in all. */
export interface __Name__MetersPage {
  meters: __Name__MeterRecord[];
  total: number;
}

/** One reading: the energy (kWh) of the half hour starting at `start`. A half hour without data has none. */
export interface __Name__ReadingRecord {
  start: string;
  kwh: number;
}

/** Every error answer. */
export interface __Name__ErrorRecord {
  status: number;
  message: string;
}
