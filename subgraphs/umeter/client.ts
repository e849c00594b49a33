import { UpstreamRejectedError, UpstreamUnavailableError, type GridgraphError } from '../../shared/graph/errors.js';
import { createHttpClient, type HttpClient, type UpstreamCallSettings } from '../../shared/connector/http-client.js';
import { WallClockReader } from '../../shared/time/wall-clock.js';
import { bearerAuth, createCredentialCache, credentialKey, type CredentialCache } from '../../shared/connector/upstream-auth.js';
import {
  UMETER_PATHS,
  UMETER_TIME_ZONE,
  type MeasKey,
  type MeasurementRoute,
  type Registers,
  type UmeterAddressRecord,
  type UmeterCustomerRecord,
  type UmeterTokenRecord,
} from './contract.js';
import { parseMeasurements, type MeasurementSeries } from './measurements.js';
import type { Store } from '../../shared/store/index.js';

/**
 * The UMeter connector: a password-grant login on the auth host, the customer and P4 usage on the app
 * host, measurements on the measurement host (three base URLs; CONTRACT.md). Records keep UMeter's
 * field names; the GraphQL layer maps them.
 */

export interface P4Interval {
  start: Date;
  end: Date;
  usage: Registers;
  cost: Registers;
  totalCost: number;
  temperature: number | null;
}

export interface P4Usage {
  beginReadings: Registers;
  /** yyyyMMdd */
  beginReadingsDate: string | null;
  totalUsage: Registers;
  totalUsagePrev: Registers | null;
  totalCost: Registers;
  totalCostPrev: Registers | null;
  /** The period's cost in EUR (UMeter's `totalCost2`). */
  totalCostAmount: number | null;
  intervals: P4Interval[];
  dataSource: string | null;
}

export interface UmeterClientOptions {
  /** Timeouts, concurrency, retries and breaker of the calls to the provider (`<PROVIDER>_*` settings). */
  calls: UpstreamCallSettings;
  /** Shares the credential with other replicas through this store (README \"Scale-out\"). */
  store?: Store;
  /** Auth host, e.g. https://auth.umeter.nl (POST /token). */
  authUrl: string;
  /** App host, e.g. https://app.umeter.nl (/api/customer, /api/P4). */
  appUrl: string;
  /** Measurement host, e.g. https://meas.meterdata.io (/api/v2/measurements). */
  measurementsUrl: string;
  username: string;
  password: string;
  /** The clock the token cache renews by (tests move it). */
  now?: () => number;
}

export class UmeterClient {
  readonly tokens: CredentialCache<string>;
  private readonly app: HttpClient;
  private readonly meas: HttpClient;
  private readonly auth: HttpClient;

  constructor(private readonly options: UmeterClientOptions) {
    const secrets = [options.password];
    const common = {
      provider: 'UMETER' as const,
      ...options.calls,
      secrets,
    };
    this.auth = createHttpClient({ ...common, baseUrl: options.authUrl, retries: 0, headers: { accept: 'application/json' } });
    this.tokens = createCredentialCache({
      obtain: () => this.login(),
      now: options.now,
      shared: options.store && { store: options.store, key: credentialKey('UMETER', options.authUrl, options.username, options.password) },
    });
    const auth = bearerAuth(this.tokens);
    const headers = { accept: 'application/json' };
    this.app = createHttpClient({ ...common, baseUrl: options.appUrl, headers, auth });
    this.meas = createHttpClient({ ...common, baseUrl: options.measurementsUrl, headers, auth });
  }

  /** Password grant; never retried (a refused login is final until the settings change). */
  private async login(): Promise<{ value: string; expiresInSeconds?: number }> {
    let body: Partial<UmeterTokenRecord>;
    try {
      const response = await this.auth.request<Partial<UmeterTokenRecord>>({
        method: 'POST',
        path: UMETER_PATHS.token,
        form: { grant_type: 'password', username: this.options.username, password: this.options.password },
      });
      body = response.body ?? {};
    } catch (error) {
      const status = (error as GridgraphError).extensions?.upstreamStatus;
      if (status === 400 || status === 401) {
        throw new UpstreamRejectedError(
          'UMeter refused the login: check UMETER_USERNAME and UMETER_PASSWORD (the account’s email address and password).',
          { provider: 'UMETER', upstreamStatus: status as number },
        );
      }
      throw error;
    }
    const token = body.access_token;
    if (typeof token !== 'string' || !token) {
      throw new UpstreamUnavailableError('UMeter answered the login without an access_token', { provider: 'UMETER' });
    }
    const expiresIn = Number(body.expires_in);
    return { value: token, expiresInSeconds: Number.isFinite(expiresIn) && expiresIn > 0 ? expiresIn : undefined };
  }

  async getCustomer(): Promise<UmeterCustomerRecord> {
    return parseCustomer(await this.app.get<unknown>(UMETER_PATHS.customer));
  }

  /** One call on the measurement host for several EANs and keys. */
  async measurements(
    route: MeasurementRoute,
    period: string,
    eans: readonly string[],
    keys: readonly MeasKey[],
  ): Promise<MeasurementSeries[]> {
    const body = await this.meas.get<unknown>(UMETER_PATHS.measurements(route, period), {
      meteringPointIds: eans.join(','),
      measKeys: keys.join(','),
    });
    return parseMeasurements(body);
  }

  /** P4 usage and cost from the first day (inclusive) to the last (exclusive), both yyyyMMdd, Dutch days. */
  async p4(ean: string, fromDay: string, toDay: string): Promise<P4Usage> {
    const path = UMETER_PATHS.p4(encodeURIComponent(ean), fromDay, toDay);
    return parseP4(await this.app.get<unknown>(path, { explain: false }));
  }
}

/** Reads `GET /api/customer` (the shape of test/fixtures/umeter-customer.json). */
export function parseCustomer(body: unknown): UmeterCustomerRecord {
  if (!body || typeof body !== 'object') throw malformed('customer', 'the body is not a JSON object');
  const record = body as Record<string, unknown>;
  if (typeof record.id !== 'string') throw malformed('customer', '`id` is missing');
  const addresses = record.addresses ?? [];
  if (!Array.isArray(addresses)) throw malformed('customer', '`addresses` is not a list');
  for (const address of addresses) {
    if (!address || typeof address !== 'object' || typeof (address as Record<string, unknown>).id !== 'number') {
      throw malformed('customer', 'an address has no numeric `id`');
    }
  }
  return { ...(record as unknown as UmeterCustomerRecord), addresses: addresses as UmeterAddressRecord[] };
}

/** Reads `GET /api/P4/…` (the shape of test/fixtures/umeter-p4data.json), Dutch local times to instants. */
export function parseP4(body: unknown): P4Usage {
  if (!body || typeof body !== 'object') throw malformed('P4 usage', 'the body is not a JSON object');
  const record = body as Record<string, unknown>;
  if (!Array.isArray(record.aData)) throw malformed('P4 usage', '`aData` is not a list');
  const reader = new WallClockReader(UMETER_TIME_ZONE);
  const intervals = record.aData.map((item: unknown): P4Interval => {
    const row = (item ?? {}) as Record<string, unknown>;
    if (typeof row.dateFrom !== 'string' || typeof row.dateTo !== 'string')
      throw malformed('P4 usage', 'an interval lacks dateFrom/dateTo');
    let start: Date;
    let end: Date;
    try {
      start = new Date(reader.read(row.dateFrom));
      end = new Date(reader.readAfter(row.dateTo, start.getTime()));
    } catch {
      throw malformed('P4 usage', `unreadable interval ${JSON.stringify(row.dateFrom)}–${JSON.stringify(row.dateTo)}`);
    }
    return {
      start,
      end,
      usage: registers(row.usage),
      cost: registers(row.cost),
      totalCost: numberOr(row.totalCost, 0),
      temperature: typeof row.temperature === 'number' ? row.temperature : null,
    };
  });
  return {
    beginReadings: registers(record.beginReadings),
    beginReadingsDate: typeof record.beginReadingsDate === 'string' ? record.beginReadingsDate : null,
    totalUsage: registers(record.totalUsage),
    totalUsagePrev: record.totalUsagePrev ? registers(record.totalUsagePrev) : null,
    totalCost: registers(record.totalCost),
    totalCostPrev: record.totalCostPrev ? registers(record.totalCostPrev) : null,
    totalCostAmount: typeof record.totalCost2 === 'number' ? record.totalCost2 : null,
    intervals,
    dataSource: typeof record.dataSource === 'string' ? record.dataSource : null,
  };
}

function registers(value: unknown): Registers {
  const record = (value ?? {}) as Record<string, unknown>;
  return { r181: numberOr(record.r181, 0), r182: numberOr(record.r182, 0), r281: numberOr(record.r281, 0), r282: numberOr(record.r282, 0) };
}

function numberOr(value: unknown, fallback: number): number {
  return typeof value === 'number' && Number.isFinite(value) ? value : fallback;
}

function malformed(what: string, reason: string): UpstreamUnavailableError {
  return new UpstreamUnavailableError(`UMeter sent a ${what} answer this service cannot read: ${reason}`, { provider: 'UMETER' });
}
