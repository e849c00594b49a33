/**
 * What UMeter's connector and its simulator share (CONTRACT.md): the paths on its three hosts, the
 * measurement vocabulary, the limits, and the JSON shapes of its answers. The customer and P4 shapes are
 * UMeter's real ones (test/fixtures); the measurement body and every limit here are inferred.
 */

/** Dutch timestamps without an offset are wall-clock time here. */
export const UMETER_TIME_ZONE = 'Europe/Amsterdam';

export type MeasKey = 'import' | 'export';
export const MEAS_KEYS: readonly MeasKey[] = ['import', 'export'];

/** A route is addressed by one Dutch year (its months), month (its days) or day (its quarter hours). */
export type MeasurementRoute = 'year' | 'month' | 'date';
export const MEASUREMENT_ROUTES: readonly MeasurementRoute[] = ['year', 'month', 'date'];

/** How each route names its period in the path (Luxon formats): `2026`, `202603`, `20260329`. */
export const MEASUREMENT_PERIOD_FORMAT: Readonly<Record<MeasurementRoute, string>> = { year: 'yyyy', month: 'yyyyMM', date: 'yyyyMMdd' };

/** P4's first and last day in the path, and the customer's contract dates (Luxon format). */
export const UMETER_DAY_FORMAT = 'yyyyMMdd';

/** Paths below each host's base URL; the connector fills in the values, the simulator express parameters. */
export const UMETER_PATHS = {
  /** Auth host: the password grant. */
  token: 'token',
  /** App host. */
  customer: 'api/customer',
  p4: (ean: string, fromDay: string, toDay: string) => `api/P4/${ean}/${fromDay}/${toDay}`,
  /** Measurement host: `meteringPointIds` and `measKeys` in the query, comma-separated. */
  measurements: (route: MeasurementRoute, period: string) => `api/v2/measurements/${route}/${period}`,
} as const;

/** EANs one measurement call may name [I]: the connector splits larger batches, the simulator refuses them. */
export const UMETER_MAX_EANS_PER_CALL = 50;
/** Days one P4 call may span [I]: the subgraph refuses more before calling, the simulator answers 400. */
export const UMETER_MAX_P4_DAYS = 366;

/** `POST /token`: an ASP.NET OWIN password-grant answer. */
export interface UmeterTokenRecord {
  access_token: string;
  token_type: string;
  /** Seconds. */
  expires_in: number;
  refresh_token?: string;
  scope?: string;
  userName?: string;
  accountId?: string;
}

export interface UmeterEanRecord {
  ean: string;
  pricePeak?: number;
  priceOffPeak?: number;
  flatFee?: number;
  peakHourEndsOn?: number;
  status?: string;
}

export interface UmeterDeviceRecord {
  id: string;
  name?: string;
  type?: string;
}

export interface UmeterAddressRecord {
  id: number;
  gId?: string;
  title?: string;
  status?: string;
  elecMeterNumber?: string;
  street?: string;
  buildingNr?: number;
  buildingNrEx?: string;
  city?: string;
  zipCode?: string;
  yearBuilt?: number;
  sqMeters?: number;
  buildingType?: string;
  residents?: number;
  knmiStationId?: number;
  supplier?: string;
  /** yyyyMMdd */
  energyContractEndsOn?: string;
  energyContractStartsOn?: string;
  contractAlarm?: boolean;
  bba?: number;
  bbaGoal?: number;
  inclVAT?: boolean;
  shouldUseOnlyCommercialTariffs?: boolean;
  energyYearStartsOn?: number;
  eEan?: UmeterEanRecord | null;
  tussenMeters?: unknown[];
  inbetweenMeters?: unknown[];
  devices?: UmeterDeviceRecord[];
  /** ISO 8601 with Z. */
  createdAt?: string;
}

/** `GET /api/customer` (the shape of test/fixtures/umeter-customer.json). */
export interface UmeterCustomerRecord {
  id: string;
  surName?: string;
  email?: string;
  adviserCode?: string;
  hasAcceptedGDPR?: boolean;
  hasAcceptedNewsLetter?: boolean;
  emailSettings?: Record<string, boolean>;
  lang?: string;
  addresses: UmeterAddressRecord[];
  tussenMeters?: unknown[];
  p1Devices?: unknown[];
  isDemoCustomer?: boolean;
}

/** The four registers of a Dutch smart meter (OBIS 1.8.1/1.8.2 import, 2.8.1/2.8.2 export), in kWh or EUR. */
export interface Registers {
  r181: number;
  r182: number;
  r281: number;
  r282: number;
}

/** One interval of a P4 answer; `dateFrom`/`dateTo` are Dutch wall-clock time, `yyyy-MM-dd HH:mm:ss`. */
export interface UmeterP4IntervalRecord {
  dateFrom: string;
  dateTo: string;
  usage: Registers;
  cost: Registers;
  totalCost: number;
  /** On whole hours only. */
  temperature?: number;
}

/** One line of P4's cost explanation ("Normaaltarief", "Daltarief", taxes…). */
export interface UmeterP4SpecRecord {
  name: string;
  tType: string;
  specSlices: Array<{
    dateFrom: string;
    dateTo: string;
    sliceName: string;
    usageSlices: Array<{ quantity: number; tariff: number; amountToPay: number; sliceQuantityFrom?: number; sliceQuantityTo?: number }>;
  }>;
  totalQuantity: number;
  totalAmountToPay: number;
}

/** `GET /api/P4/…` (the shape of test/fixtures/umeter-p4data.json; its `explain` carries more totals, unread). */
export interface UmeterP4Record {
  beginReadings: Registers;
  /** yyyyMMdd */
  beginReadingsDate: string;
  totalUsage: Registers;
  totalUsagePrev: Registers;
  totalCost: Registers;
  /** The period's cost in EUR. */
  totalCost2: number;
  totalCostPrev: Registers;
  totalCostPrev2: number;
  aData: UmeterP4IntervalRecord[];
  sunInfo: { sunRise: string; sunSet: string };
  explain?: { specs: UmeterP4SpecRecord[]; excBtw: number; btw: number; incBtw: number };
  dataSource: string;
}

/**
 * `GET /api/v2/measurements/…`, inferred (CONTRACT.md): per metering point and key, values in time order,
 * each stamped by the start of its interval in Dutch wall-clock time without an offset (`2026-10-25T02:15:00`);
 * `value` in `unit` (kWh unless it says Wh), null for a gap.
 */
export interface UmeterMeasurementsRecord {
  meteringPoints: Array<{
    meteringPointId: string;
    measurements: Array<{ measKey: MeasKey; unit?: 'kWh' | 'Wh'; values: UmeterMeasurementValueRecord[] }>;
  }>;
}

export interface UmeterMeasurementValueRecord {
  timestamp: string;
  value: number | null;
}
