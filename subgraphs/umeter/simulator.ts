import type { Express, Request } from 'express';
import { DateTime } from 'luxon';
import { ZoneRules } from '../../shared/time/zone-rules.js';
import {
  createLoadProfile,
  type FaultSettings,
  fnv1a,
  HttpError,
  type LoadProfile,
  type RunningSimulator,
  SHARED_LOAD_PROFILES,
  SHARED_METERING_POINTS,
  startSimulator,
  TokenIssuer,
  uuidFromSeed,
  faultsFromEnv,
} from '../../shared/simulator/index.js';
import type { SimulatorForSubgraph, SimulatorPlacement } from '../../shared/subgraph/provider.js';
import { numberInRange, readConfig } from '../../shared/subgraph/config.js';
import { MEAS_KEYS, UMETER_TIME_ZONE, type MeasKey, type MeasurementRoute } from './measurements.js';

/** Dutch wall-clock time for the thousands of stamps a measurement answer carries (Luxon once per hour). */
const DUTCH_CLOCK = ZoneRules.of(UMETER_TIME_ZONE);

/**
 * A local UMeter serving all three of its hosts on one port: the auth host (`POST /token`), the app host
 * (`GET /api/customer`, `GET /api/P4/…`) and the measurement host (`GET /api/v2/measurements/…`). The
 * customer and P4 answers have the shape of UMeter's real responses; the measurement body is the inferred
 * one in CONTRACT.md. Energy is a deterministic function of (EAN, quarter hour), so every route agrees:
 * a day from `/month` is the sum of its quarter hours from `/date`.
 */

export const UMETER_SIMULATOR_USERNAME = 'facilities@gridgraph.example';
export const UMETER_SIMULATOR_PASSWORD = 'test-gridgraph-umeter-password';

export interface UmeterSimulatorOptions {
  port?: number;
  host?: string;
  username?: string;
  password?: string;
  /** Seconds an access token lives (default 3600). */
  tokenLifetimeSeconds?: number;
  faults?: Partial<FaultSettings>;
  /** The simulator's clock: measurements are served only for intervals that have ended by now(). */
  now?: () => Date;
}

export interface UmeterSimulator extends RunningSimulator {
  /** Every issued token stops working at once (a token expiring mid-run). */
  expireTokens(): void;
}

const QUARTER_MS = 15 * 60_000;
const MAX_P4_DAYS = 366;
const MAX_EANS_PER_CALL = 50;

interface Site {
  ean: string;
  addressId: number;
  title: string;
  street: string;
  buildingNr: number;
  city: string;
  zipCode: string;
  yearBuilt: number;
  sqMeters: number;
  buildingType: string;
  residents: number;
  supplier: string;
  pricePeak: number;
  priceOffPeak: number;
  flatFee: number;
  /** Peak solar output (kW); 0 = no panels, never exports. */
  solarKw: number;
  load: LoadProfile;
}

const SITES: Site[] = [
  {
    ean: SHARED_METERING_POINTS.officeEan,
    addressId: 71001,
    title: 'Kantoor Catharijnesingel',
    street: 'Catharijnesingel',
    buildingNr: 47,
    city: 'Utrecht',
    zipCode: '3511gc',
    yearBuilt: 1998,
    sqMeters: 2400,
    buildingType: 'Office',
    residents: 0,
    supplier: 'Eneco',
    pricePeak: 0.26119,
    priceOffPeak: 0.20976,
    flatFee: 64.8,
    solarKw: 0,
    load: createLoadProfile(SHARED_LOAD_PROFILES[SHARED_METERING_POINTS.officeEan]!),
  },
  {
    ean: SHARED_METERING_POINTS.schoolEan,
    addressId: 71002,
    title: 'Basisschool De Zonnewijzer',
    street: 'Schoolstraat',
    buildingNr: 12,
    city: 'Gouda',
    zipCode: '2801hr',
    yearBuilt: 2011,
    sqMeters: 1800,
    buildingType: 'School',
    residents: 0,
    supplier: 'Vattenfall',
    pricePeak: 0.24503,
    priceOffPeak: 0.21877,
    flatFee: 71.4,
    solarKw: 40,
    load: createLoadProfile(SHARED_LOAD_PROFILES[SHARED_METERING_POINTS.schoolEan]!),
  },
  {
    ean: SHARED_METERING_POINTS.homeEan,
    addressId: 71003,
    title: 'Heuvellaan',
    street: 'Heuvellaan',
    buildingNr: 8,
    city: 'Gouda',
    zipCode: '2803dn',
    yearBuilt: 2001,
    sqMeters: 110,
    buildingType: 'Row',
    residents: 4,
    supplier: 'Greenchoice',
    pricePeak: 0.27311,
    priceOffPeak: 0.22004,
    flatFee: 59.4,
    solarKw: 0,
    load: createLoadProfile(SHARED_LOAD_PROFILES[SHARED_METERING_POINTS.homeEan]!),
  },
];

const SITE_BY_EAN = new Map(SITES.map((site) => [site.ean, site]));

export async function startUmeterSimulator(options: UmeterSimulatorOptions = {}): Promise<UmeterSimulator> {
  const username = options.username ?? UMETER_SIMULATOR_USERNAME;
  const password = options.password ?? UMETER_SIMULATOR_PASSWORD;
  const tokens = new TokenIssuer<string>(options.tokenLifetimeSeconds ?? 3600);
  const now = options.now ?? (() => new Date());

  function configure(app: Express): void {
    // Auth host: OAuth2 password grant, form body, ASP.NET OWIN-style answers.
    app.post('/token', (req, res) => {
      const body = (req.body ?? {}) as Record<string, unknown>;
      if (body.grant_type !== 'password') {
        res.status(400).json({ error: 'unsupported_grant_type' });
        return;
      }
      if (body.username !== username || body.password !== password) {
        res.status(400).json({ error: 'invalid_grant', error_description: 'The user name or password is incorrect.' });
        return;
      }
      const issued = tokens.issue(username);
      res.json({
        access_token: issued.token,
        token_type: 'bearer',
        expires_in: issued.expiresInSeconds,
        refresh_token: uuidFromSeed(`umeter:refresh:${issued.token}`),
        scope: 'api',
        userName: username,
        accountId: CUSTOMER_ID,
      });
    });

    // App host.
    app.get('/api/customer', (req, res) => {
      tokens.requireBearer(req);
      res.json(customerBody(username));
    });

    app.get('/api/P4/:ean/:from/:to', (req, res) => {
      tokens.requireBearer(req);
      const site = siteOf(String(req.params.ean));
      const from = dayParam(String(req.params.from), 'from');
      const to = dayParam(String(req.params.to), 'to');
      const days = to.diff(from, 'days').days;
      if (days < 1) throw new HttpError(400, 'to must be at least one day after from');
      if (days > MAX_P4_DAYS) throw new HttpError(400, `At most ${MAX_P4_DAYS} days per request`);
      res.json(p4Body(site, from, to));
    });

    // Measurement host: one call serves several metering points and keys.
    for (const route of ['year', 'month', 'date'] as const) {
      app.get(`/api/v2/measurements/${route}/:period`, (req, res) => {
        tokens.requireBearer(req);
        const { from, to } = periodOf(route, String(req.params.period));
        const eans = listParam(req, 'meteringPointIds');
        if (eans.length === 0) throw new HttpError(400, 'meteringPointIds is required');
        if (eans.length > MAX_EANS_PER_CALL) throw new HttpError(400, `At most ${MAX_EANS_PER_CALL} meteringPointIds per call`);
        const keys = listParam(req, 'measKeys');
        if (keys.length === 0) keys.push('import');
        for (const key of keys) {
          if (!MEAS_KEYS.includes(key as MeasKey)) throw new HttpError(400, `measKeys must be among ${MEAS_KEYS.join(', ')}`);
        }
        const sites = eans.map(siteOf);
        const nowMs = now().getTime();
        res.json({
          meteringPoints: sites.map((site) => ({
            meteringPointId: site.ean,
            measurements: keys.map((key) => ({
              measKey: key,
              unit: 'kWh',
              values: measurementValues(site, key as MeasKey, route, from, to, nowMs),
            })),
          })),
        });
      });
    }
  }

  const simulator = await startSimulator({
    name: 'umeter',
    port: options.port,
    host: options.host,
    faults: options.faults,
    configure,
    errorBody: (status, message) => ({ message, statusCode: status }),
  });
  return Object.assign(simulator, { expireTokens: () => tokens.expireAll() });
}

const CUSTOMER_ID = uuidFromSeed('umeter:customer');

/** `GET /api/customer`, field for field the shape of UMeter's real answer. */
function customerBody(email: string) {
  return {
    id: CUSTOMER_ID,
    surName: 'Gridgraph Facilities',
    email,
    adviserCode: 'umeter',
    hasAcceptedGDPR: true,
    hasAcceptedNewsLetter: false,
    emailSettings: {
      newFeatures: false,
      usageNotificationDaily: false,
      usageNotificationWeekly: true,
      usageNotificationMonthly: true,
      energyContractAlarm: true,
    },
    lang: 'NL',
    addresses: SITES.map((site) => ({
      id: site.addressId,
      gId: uuidFromSeed(`umeter:address:${site.addressId}`),
      title: site.title,
      status: 'Ok',
      elecMeterNumber: `E00${site.addressId}`,
      street: site.street,
      buildingNr: site.buildingNr,
      buildingNrEx: '',
      city: site.city,
      zipCode: site.zipCode,
      yearBuilt: site.yearBuilt,
      sqMeters: site.sqMeters,
      buildingType: site.buildingType,
      residents: site.residents,
      knmiStationId: 260,
      supplier: site.supplier,
      energyContractEndsOn: '20271231',
      contractAlarm: true,
      bba: 25.0,
      bbaGoal: 25.0,
      inclVAT: true,
      shouldUseOnlyCommercialTariffs: false,
      energyYearStartsOn: 1,
      energyContractStartsOn: '20250101',
      eEan: {
        ean: site.ean,
        pricePeak: site.pricePeak,
        priceOffPeak: site.priceOffPeak,
        flatFee: site.flatFee,
        peakHourEndsOn: 23,
        status: 'Ok',
      },
      tussenMeters: [],
      inbetweenMeters: [],
      devices: [{ id: site.ean, name: 'Main elec meter', type: 'mainelec' }],
      createdAt: '2025-01-06T09:12:40.113Z',
    })),
    tussenMeters: [],
    p1Devices: [],
    isDemoCustomer: false,
  };
}

// Energy per quarter hour, in whole Wh so that every sum is exact.

function consumedWh(site: Site, startMs: number): number {
  return Math.round((site.load.energyKwh(startMs, QUARTER_MS) ?? 0) * 1000);
}

/** Solar output: a daylight arch around 11:40 UTC (solar noon in the Netherlands), longer and higher in summer, with clouds. */
function solarWh(site: Site, startMs: number): number {
  if (site.solarKw === 0) return 0;
  const day = DateTime.fromMillis(startMs, { zone: 'utc' });
  const summer = Math.cos((2 * Math.PI * (day.ordinal - 172)) / 365.25); // 1 at midsummer, -1 at midwinter
  const halfDayHours = 6 + 2.3 * summer;
  const hour = day.hour + (day.minute + 7.5) / 60;
  const x = (hour - (11.67 - halfDayHours)) / (2 * halfDayHours);
  if (x <= 0 || x >= 1) return 0;
  const clouds = 0.45 + 0.55 * ((fnv1a(`${site.ean}:sun:${Math.floor(startMs / 86_400_000)}`) % 1000) / 1000);
  const kw = site.solarKw * (0.6 + 0.4 * summer) * Math.sin(Math.PI * x) * clouds;
  return Math.round(kw * 250); // a quarter hour is 1/4 hour
}

/** Net of the building's load and its panels: what the meter records as import and as export. */
function quarterWh(site: Site, key: MeasKey, startMs: number): number {
  const net = consumedWh(site, startMs) - solarWh(site, startMs);
  return key === 'import' ? Math.max(net, 0) : Math.max(-net, 0);
}

function sumWh(site: Site, key: MeasKey, fromMs: number, toMs: number): number {
  let wh = 0;
  for (let t = fromMs; t < toMs; t += QUARTER_MS) wh += quarterWh(site, key, t);
  return wh;
}

/** The values of one period, each stamped by its start; an interval that has not ended by `nowMs` has none yet. */
function measurementValues(site: Site, key: MeasKey, route: MeasurementRoute, from: DateTime, to: DateTime, nowMs: number) {
  const values: Array<{ timestamp: string; value: number }> = [];
  if (route === 'date') {
    for (let t = from.toMillis(); t < to.toMillis() && t + QUARTER_MS <= nowMs; t += QUARTER_MS) {
      values.push({ timestamp: localText(t), value: quarterWh(site, key, t) / 1000 });
    }
    return values;
  }
  const unit = route === 'year' ? 'month' : 'day';
  for (let start = from; start < to; start = start.plus({ [unit]: 1 })) {
    const end = start.plus({ [unit]: 1 });
    if (end.toMillis() > nowMs) break;
    values.push({ timestamp: localText(start.toMillis()), value: sumWh(site, key, start.toMillis(), end.toMillis()) / 1000 });
  }
  return values;
}

/** Zone-less Dutch wall-clock time, as UMeter writes it ("T" in measurements, a space in P4). */
function localText(ms: number, separator: 'T' | ' ' = 'T'): string {
  return DUTCH_CLOCK.wallClock(ms, separator);
}

// P4: usage per register and its cost, at a resolution that depends on the span (CONTRACT.md).

interface Tally {
  usage: { r181: number; r182: number; r281: number; r282: number };
  cost: { r181: number; r182: number; r281: number; r282: number };
}

/** Low tariff ("dal") from 23:00 to 07:00 and all weekend, Dutch time. */
function isLowTariff(ms: number): boolean {
  const local = DateTime.fromMillis(ms, { zone: UMETER_TIME_ZONE });
  return local.weekday >= 6 || local.hour >= 23 || local.hour < 7;
}

function tally(site: Site, fromMs: number, toMs: number): Tally {
  const wh = { r181: 0, r182: 0, r281: 0, r282: 0 };
  for (let t = fromMs; t < toMs; t += QUARTER_MS) {
    const low = isLowTariff(t);
    wh[low ? 'r181' : 'r182'] += quarterWh(site, 'import', t);
    wh[low ? 'r281' : 'r282'] += quarterWh(site, 'export', t);
  }
  const usage = { r181: wh.r181 / 1000, r182: wh.r182 / 1000, r281: wh.r281 / 1000, r282: wh.r282 / 1000 };
  return {
    usage,
    cost: {
      r181: usage.r181 * site.priceOffPeak,
      r182: usage.r182 * site.pricePeak,
      r281: -usage.r281 * site.priceOffPeak,
      r282: -usage.r282 * site.pricePeak,
    },
  };
}

function costSum(cost: Tally['cost']): number {
  return cost.r181 + cost.r182 + cost.r281 + cost.r282;
}

function p4Body(site: Site, from: DateTime, to: DateTime) {
  const days = Math.round(to.diff(from, 'days').days);
  // 1 day: quarter hours; 2–4 days: hours; longer: days. Fixed steps advance in absolute time (a
  // fall-back day has 100 quarter hours), days by the Dutch calendar.
  const stepMs = days === 1 ? QUARTER_MS : days <= 4 ? 4 * QUARTER_MS : undefined;
  const aData = [];
  for (let start = from; start < to; ) {
    const end = stepMs ? DateTime.fromMillis(start.toMillis() + stepMs, { zone: UMETER_TIME_ZONE }) : start.plus({ days: 1 });
    const { usage, cost } = tally(site, start.toMillis(), end.toMillis());
    const row: Record<string, unknown> = {
      dateFrom: localText(start.toMillis(), ' '),
      dateTo: localText(end.toMillis(), ' '),
      usage,
      cost,
      totalCost: costSum(cost),
    };
    if (start.minute === 0) row.temperature = 2 + (fnv1a(`${site.ean}:temp:${start.toMillis()}`) % 200) / 10;
    aData.push(row);
    start = end;
  }
  const total = tally(site, from.toMillis(), to.toMillis());
  const previous = tally(site, from.minus({ days }).toMillis(), from.toMillis());
  const round2 = (value: number) => Math.round(value * 100) / 100;
  const rounded = (registers: Tally['usage']) => ({
    r181: round2(registers.r181),
    r182: round2(registers.r182),
    r281: round2(registers.r281),
    r282: round2(registers.r282),
  });
  // Cumulative counters at the start: a per-EAN base plus a steady yearly usage since 2025.
  const daysSince = from.diff(DateTime.fromISO('2025-01-01', { zone: UMETER_TIME_ZONE }), 'days').days;
  const base = 1000 + (fnv1a(site.ean) % 9000);
  return {
    beginReadings: {
      r182: Math.round(base + daysSince * 20),
      r181: Math.round(base * 1.3 + daysSince * 14),
      r282: site.solarKw > 0 ? Math.round(daysSince * 30) : 0.0,
      r281: site.solarKw > 0 ? Math.round(daysSince * 6) : 0.0,
    },
    beginReadingsDate: from.toFormat('yyyyMMdd'),
    totalUsage: rounded(total.usage),
    totalUsagePrev: rounded(previous.usage),
    totalCost: rounded(total.cost),
    totalCost2: round2(costSum(total.cost)),
    totalCostPrev: rounded(previous.cost),
    totalCostPrev2: round2(costSum(previous.cost)),
    aData,
    sunInfo: { sunRise: `${from.toFormat('yyyy-MM-dd')} 07:37:20`, sunSet: `${from.toFormat('yyyy-MM-dd')} 19:24:25` },
    explain: {
      specs: [
        spec('Normaaltarief', 'HighUsage', from, to, total.usage.r182, site.pricePeak),
        spec('Daltarief', 'LowUsage', from, to, total.usage.r181, site.priceOffPeak),
      ],
      excBtw: round2(costSum(total.cost) / 1.21),
      btw: round2(costSum(total.cost) - costSum(total.cost) / 1.21),
      incBtw: round2(costSum(total.cost)),
    },
    dataSource: 'Netbeheerder',
  };
}

function spec(name: string, tType: string, from: DateTime, to: DateTime, quantity: number, tariff: number) {
  const amount = Math.round(quantity * tariff * 100) / 100;
  return {
    name,
    tType,
    specSlices: [
      {
        dateFrom: from.toFormat('yyyy-MM-dd HH:mm:ss'),
        dateTo: to.toFormat('yyyy-MM-dd HH:mm:ss'),
        sliceName: '',
        usageSlices: [{ quantity: Math.round(quantity * 100) / 100, tariff, amountToPay: amount }],
      },
    ],
    totalQuantity: Math.round(quantity * 100) / 100,
    totalAmountToPay: amount,
  };
}

// Request parsing.

function siteOf(ean: string): Site {
  const site = SITE_BY_EAN.get(ean);
  if (!site) throw new HttpError(404, `Metering point ${ean} is not connected to this account`);
  return site;
}

function dayParam(value: string, name: string): DateTime {
  const day = /^\d{8}$/.test(value) ? DateTime.fromFormat(value, 'yyyyMMdd', { zone: UMETER_TIME_ZONE }) : undefined;
  if (!day?.isValid) throw new HttpError(400, `${name} must be a date as YYYYMMDD`);
  return day;
}

function periodOf(route: MeasurementRoute, value: string): { from: DateTime; to: DateTime } {
  const formats = {
    year: ['yyyy', 'year', /^\d{4}$/],
    month: ['yyyyMM', 'month', /^\d{6}$/],
    date: ['yyyyMMdd', 'day', /^\d{8}$/],
  } as const;
  const [format, unit, pattern] = formats[route];
  const from = pattern.test(value) ? DateTime.fromFormat(value, format, { zone: UMETER_TIME_ZONE }) : undefined;
  if (!from?.isValid) throw new HttpError(400, `The ${route} must be written ${format.toUpperCase()}`);
  return { from, to: from.plus({ [unit]: 1 }) };
}

/** A list parameter, given comma-separated or repeated. */
function listParam(req: Request, name: string): string[] {
  const raw = req.query[name];
  if (raw === undefined) return [];
  const parts = Array.isArray(raw) ? raw : [raw];
  return parts
    .flatMap((part) => String(part).split(','))
    .map((part) => part.trim())
    .filter(Boolean);
}

/** The simulator's own settings. */
export const settings = {
  UMETER_SIM_TOKEN_LIFETIME_S: numberInRange(1, 86_400)({ default: 3600, desc: 'Lifetime of the simulator’s access tokens' }),
};

/** For the kit (shared/subgraph/provider.ts): the simulator a subgraph without UMETER_API_URL runs against. */
export async function startForSubgraph(env: NodeJS.ProcessEnv, { host, port, now }: SimulatorPlacement): Promise<SimulatorForSubgraph> {
  const username = env.UMETER_USERNAME || UMETER_SIMULATOR_USERNAME;
  const password = env.UMETER_PASSWORD || UMETER_SIMULATOR_PASSWORD;
  const simulator = await startUmeterSimulator({
    host,
    port,
    username,
    password,
    tokenLifetimeSeconds: readConfig(settings, env).UMETER_SIM_TOKEN_LIFETIME_S,
    now: now && (() => new Date(now())),
    faults: faultsFromEnv('UMETER', env),
  });
  // The simulator serves all three hosts.
  const url = simulator.url;
  return {
    simulator,
    env: { UMETER_API_URL: url, UMETER_AUTH_URL: url, UMETER_MEASUREMENTS_URL: url, UMETER_USERNAME: username, UMETER_PASSWORD: password },
  };
}
