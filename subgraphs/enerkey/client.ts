import { BadUserInputError, GridgraphError, UpstreamUnavailableError } from '../../shared/graph/errors.js';
import {
  createHttpClient,
  type HttpClient,
  type HttpRequest,
  type HttpResponse,
  type UpstreamCallSettings,
} from '../../shared/connector/http-client.js';
import { DateTime } from 'luxon';
import {
  DAY_MS,
  ENERKEY_MAX_METERS_PER_VALUES_CALL,
  ENERKEY_TOTAL_COUNT_HEADER,
  ENERKEY_MAX_PUSH_DAYS,
  ENERKEY_PATHS,
  ENERKEY_VALUES_PATHS,
  type EnerkeyActionRecord,
  type EnerkeyAlarmRecord,
  type EnerkeyFacilityRecord,
  type EnerkeyImageFormat,
  type EnerkeyImageLayout,
  type EnerkeyMeterRecord,
  type EnerkeyProvisioningAccepted,
  type EnerkeyProvisioningCustomer,
  type EnerkeyProvisioningCustomersResult,
  type EnerkeyProvisioningData,
  type EnerkeyProvisioningRecord,
  type EnerkeyPushConsumptionsBody,
  type EnerkeyPushCumulativeReadingsBody,
  type EnerkeyPushResult,
  type EnerkeyQuantityRecord,
  type EnerkeyRawSeries,
  type EnerkeyValuesKind,
  type EnerkeyWireValue,
  HOUR_MS,
} from './contract.js';
import { EnerkeyKeyRing, type EnerkeyKeyRingOptions } from './keys.js';
import type { Store } from '../../shared/store/index.js';
import { createLogger } from '../../shared/observability/logger.js';
import { DEFAULT_READING_BOUNDS, type ReadingBounds } from '../../shared/time/index.js';

const log = createLogger('enerkey');

/**
 * The EnerKey connector: typed calls to the inferred REST contract (CONTRACT.md, contract.ts). The API
 * key goes raw in `Authorization` through an EnerkeyKeyRing, which tracks each key's daily budget and
 * refuses early when it is spent. Records keep EnerKey's field names; the GraphQL layer maps them.
 */

/** A value as the connector hands it on: the start of the hour or month it covers, as a Date. */
export interface EnerkeyValue {
  timestamp: Date;
  value: number;
}

export interface EnerkeyValueSeriesRecord extends Omit<EnerkeyRawSeries, 'values' | 'normalization'> {
  values: EnerkeyValue[];
}

/** One page of a list EnerKey pages (`skip`, `take`), with the whole list's count. */
export interface EnerkeyPage<T> {
  items: T[];
  totalCount: number | null;
}

export interface EnerkeyPageRequest {
  skip: number;
  take: number;
}

/**
 * The key ring's options (keys with their dates, renewal margin, refused-key pause, burst limit) and
 * where its counts live: replicas sharing a store share budgets, burst counts and refusals.
 */
export interface EnerkeyClientOptions extends EnerkeyKeyRingOptions {
  /** Timeouts, concurrency, retries and breaker of the calls to the provider (`<PROVIDER>_*` settings). */
  calls: UpstreamCallSettings;
  baseUrl: string;
  store?: Store;
  /** The most energy an hour pushed may hold (ENERKEY_MAX_KWH_PER_HOUR; default DEFAULT_READING_BOUNDS). */
  readingBounds?: ReadingBounds;
}

export class EnerkeyClient {
  private readonly http: HttpClient;
  readonly keys: EnerkeyKeyRing;
  private readonly readingBounds: ReadingBounds;

  constructor(options: EnerkeyClientOptions) {
    this.readingBounds = options.readingBounds ?? DEFAULT_READING_BOUNDS;
    this.keys = new EnerkeyKeyRing(options);
    this.http = createHttpClient({
      provider: 'ENERKEY',
      baseUrl: options.baseUrl,
      ...options.calls,
      headers: { accept: 'application/json' },
      auth: this.keys,
      rateLimitHeader: 'x-rate-limit',
      secrets: options.keys.map(({ key }) => key),
    });
  }

  /** Every call goes through here: the budget is read from each answer, a 429 spends the key. */
  private async call<T>(request: HttpRequest): Promise<HttpResponse<T>> {
    try {
      const response = await this.http.request<T>(request);
      await this.keys.observe(response.headers);
      return response;
    } catch (error) {
      if (error instanceof GridgraphError && error.code === 'UPSTREAM_RATE_LIMITED' && error.extensions.upstreamStatus === 429) {
        await this.keys.exhausted((error.extensions.retryAfter as number | null) ?? null);
      }
      throw error;
    }
  }

  private async get<T>(path: string, searchParams?: Record<string, string | undefined>): Promise<T> {
    return (await this.call<T>({ method: 'GET', path, searchParams })).body;
  }

  /** One page of a list: `take` items from `skip`, and the count EnerKey tells in X-Total-Count. */
  private async page<T>(path: string, searchParams: Record<string, string | undefined>, page: EnerkeyPageRequest): Promise<EnerkeyPage<T>> {
    const response = await this.call<T[]>({
      method: 'GET',
      path,
      searchParams: { ...searchParams, skip: String(page.skip), take: String(page.take) },
    });
    const total = Number(response.headers[ENERKEY_TOTAL_COUNT_HEADER]);
    return { items: response.body, totalCount: Number.isInteger(total) && total >= 0 ? total : null };
  }

  // Facilities, meters, quantities

  /** All facilities of the profile, or only those with `ids`, in one answer. */
  facilities(ids?: readonly number[]): Promise<EnerkeyFacilityRecord[]> {
    return this.get(ENERKEY_PATHS.facilities, { ids: ids?.length ? ids.join(',') : undefined });
  }

  /** One page of the profile's facilities (or of those with `ids`). */
  facilityPage(ids: readonly number[] | undefined, page: EnerkeyPageRequest): Promise<EnerkeyPage<EnerkeyFacilityRecord>> {
    return this.page(ENERKEY_PATHS.facilities, { ids: ids?.length ? ids.join(',') : undefined }, page);
  }

  facility(id: number): Promise<EnerkeyFacilityRecord> {
    return this.get(ENERKEY_PATHS.facility(id));
  }

  /** Meters matching every filter given; `meteringPointIds` at most ENERKEY_MAX_METERING_POINTS_PER_CALL. */
  meters(filter: {
    facilityIds?: readonly number[];
    meterIds?: readonly number[];
    meteringPointIds?: readonly string[];
  }): Promise<EnerkeyMeterRecord[]> {
    return this.get(ENERKEY_PATHS.meters, meterFilter(filter));
  }

  /** One page of the meters matching `filter`. */
  meterPage(filter: { facilityIds?: readonly number[]; meteringPointIds?: readonly string[] }, page: EnerkeyPageRequest) {
    return this.page<EnerkeyMeterRecord>(ENERKEY_PATHS.meters, meterFilter(filter), page);
  }

  quantities(): Promise<EnerkeyQuantityRecord[]> {
    return this.get(ENERKEY_PATHS.quantities);
  }

  // Values

  /**
   * One values call as EnerKey answers it. `start` and `end` are sent as given (UTC `…Z` or offset
   * `…+02:00`); EnerKey answers in the same form (and cuts months in the offset of `start`). At most 50 meters.
   */
  rawValues(kind: EnerkeyValuesKind, meterIds: readonly number[], start: string, end: string): Promise<EnerkeyRawSeries[]> {
    return this.get(ENERKEY_VALUES_PATHS[kind], { meterIds: meterIds.join(','), start, end });
  }

  /**
   * Values of many meters over [from, to), in as few calls as EnerKey allows (50 meters per call). The
   * stamps go out in `timeZone`'s offset at each instant (UTC: `…Z`), so that EnerKey answers in it.
   */
  async values(
    kind: EnerkeyValuesKind,
    meterIds: readonly number[],
    from: Date,
    to: Date,
    timeZone = 'UTC',
  ): Promise<EnerkeyValueSeriesRecord[]> {
    const unique = [...new Set(meterIds)];
    const chunks: number[][] = [];
    for (let i = 0; i < unique.length; i += ENERKEY_MAX_METERS_PER_VALUES_CALL)
      chunks.push(unique.slice(i, i + ENERKEY_MAX_METERS_PER_VALUES_CALL));
    const start = stamp(from, timeZone);
    const end = stamp(to, timeZone);
    const parts = await Promise.all(chunks.map((chunk) => this.rawValues(kind, chunk, start, end)));
    return parts.flat().map((series) => ({
      meterId: series.meterId,
      quantityId: series.quantityId,
      unit: series.unit,
      // A malformed value (a stored Infinity arrives as null) is left out, so it is MISSING in the
      // series; it never fails the call, which carries up to 50 other meters' values.
      values: series.values.flatMap((v) => {
        const timestamp = new Date(v.timestamp);
        if (Number.isNaN(timestamp.getTime()) || typeof v.value !== 'number' || !Number.isFinite(v.value)) {
          log.warn(`EnerKey sent a malformed value for meter ${series.meterId}; it is read as missing`);
          return [];
        }
        return [{ timestamp, value: v.value }];
      }),
    }));
  }

  // Push

  /** Refuses a push EnerKey would refuse or that no meter can have measured (see checkPush), before any call. */
  checkPush(points: readonly EnerkeyValue[], cumulative: boolean): void {
    checkPush(points, cumulative, this.readingBounds);
  }

  /** PushConsumptionsForMeter: values EnerKey sums per hour, checked first (see checkPush); never retried. */
  pushConsumptions(meterId: number, values: readonly EnerkeyValue[]): Promise<EnerkeyPushResult> {
    this.checkPush(values, false);
    return this.post(ENERKEY_PATHS.pushConsumptions, { meterId, values: values.map(wire) } satisfies EnerkeyPushConsumptionsBody);
  }

  /** PushCumulativeReadingsForMeter: register readings (the last in an hour stands for it), checked first (see checkPush). */
  pushCumulativeReadings(meterId: number, readings: readonly EnerkeyValue[]): Promise<EnerkeyPushResult> {
    this.checkPush(readings, true);
    return this.post(ENERKEY_PATHS.pushCumulativeReadings, {
      meterId,
      readings: readings.map(wire),
    } satisfies EnerkeyPushCumulativeReadingsBody);
  }

  private async post<T>(path: string, json: unknown): Promise<T> {
    return (await this.call<T>({ method: 'POST', path, json })).body;
  }

  // Actions

  actions(facilityIds?: readonly number[]): Promise<EnerkeyActionRecord[]> {
    return this.get(ENERKEY_PATHS.actions, { facilityIds: facilityIds?.length ? facilityIds.join(',') : undefined });
  }

  /** One page of the actions (of some facilities only). */
  actionPage(facilityIds: readonly number[] | undefined, page: EnerkeyPageRequest): Promise<EnerkeyPage<EnerkeyActionRecord>> {
    return this.page(ENERKEY_PATHS.actions, { facilityIds: facilityIds?.length ? facilityIds.join(',') : undefined }, page);
  }

  action(id: number): Promise<EnerkeyActionRecord> {
    return this.get(ENERKEY_PATHS.action(id));
  }

  /** Replaces the whole action (EnerKey saves the object as sent); read it first and send it back changed. */
  async replaceAction(action: Omit<EnerkeyActionRecord, 'modifiedAt'>): Promise<EnerkeyActionRecord> {
    return (await this.call<EnerkeyActionRecord>({ method: 'PUT', path: ENERKEY_PATHS.action(action.id), json: action })).body;
  }

  // Images

  facilityImage(
    facilityId: number,
    options: { format: EnerkeyImageFormat; layout: EnerkeyImageLayout; colors?: readonly string[]; from?: Date; to?: Date },
  ): Promise<EnerkeyFile> {
    return this.file(ENERKEY_PATHS.facilityImage(facilityId), options.format, {
      layout: options.layout,
      colors: options.colors?.length ? options.colors.join(',') : undefined,
      start: options.from ? utc(options.from) : undefined,
      end: options.to ? utc(options.to) : undefined,
    });
  }

  /** A PNG or PDF, checked to be what was asked for. */
  private async file(path: string, format: EnerkeyImageFormat, searchParams: Record<string, string | undefined>): Promise<EnerkeyFile> {
    const response = await this.call<Buffer>({ method: 'GET', path, searchParams: { format, ...searchParams }, responseType: 'buffer' });
    const mimeType = String(response.headers['content-type'] ?? '')
      .split(';')[0]!
      .trim();
    const expected = format === 'pdf' ? 'application/pdf' : 'image/png';
    if (mimeType !== expected) {
      throw new UpstreamUnavailableError(`EnerKey sent ${mimeType || 'no content type'} instead of ${expected}`, { provider: 'ENERKEY' });
    }
    return { mimeType, bytes: response.body };
  }

  // Logs (partners only)

  alarm(id: number): Promise<EnerkeyAlarmRecord> {
    return this.get(ENERKEY_PATHS.alarm(id));
  }

  /** The alarm's picture: the meter's hours around the alarm against its limit. */
  alarmImage(id: number, format: EnerkeyImageFormat): Promise<EnerkeyFile> {
    return this.file(ENERKEY_PATHS.alarmImage(id), format, {});
  }

  // Provisioning

  /** A snapshot: customers missing from `customers` are deleted by EnerKey. */
  upsertProvisioningCustomers(customers: readonly EnerkeyProvisioningCustomer[]): Promise<EnerkeyProvisioningCustomersResult> {
    return this.post(ENERKEY_PATHS.provisioningCustomers, customers);
  }

  /** 202 with a new provisioning id, or 208 with the id of the identical data set processed before. */
  async upsertProvisioningData(data: EnerkeyProvisioningData): Promise<{ provisioningId: string; alreadyProcessed: boolean }> {
    const response = await this.call<Partial<EnerkeyProvisioningAccepted>>({
      method: 'POST',
      path: ENERKEY_PATHS.provisioningData,
      json: data,
    });
    if (!response.body?.provisioningId) {
      throw new UpstreamUnavailableError('EnerKey accepted the provisioning data but sent no provisioning id', { provider: 'ENERKEY' });
    }
    return { provisioningId: response.body.provisioningId, alreadyProcessed: response.status === 208 };
  }

  provisioningStatus(provisioningId: string): Promise<EnerkeyProvisioningRecord> {
    return this.get(ENERKEY_PATHS.provisioningStatus, { provisioningId });
  }
}

export interface EnerkeyFile {
  mimeType: string;
  bytes: Buffer;
}

function meterFilter(filter: { facilityIds?: readonly number[]; meterIds?: readonly number[]; meteringPointIds?: readonly string[] }) {
  const list = (ids: readonly (number | string)[] | undefined) => (ids?.length ? ids.join(',') : undefined);
  return { facilityIds: list(filter.facilityIds), meterIds: list(filter.meterIds), meteringPointIds: list(filter.meteringPointIds) };
}

/** `2024-01-01T00:00:00Z`: EnerKey's UTC form (no milliseconds). */
export function utc(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** `date` in EnerKey's form for `timeZone`: `…Z` for UTC, else the zone's offset at that instant (`…+02:00`). */
export function stamp(date: Date, timeZone: string): string {
  const local = DateTime.fromJSDate(date, { zone: timeZone });
  if (!local.isValid) throw new BadUserInputError(`"${timeZone}" is not an IANA time zone.`, { provider: 'ENERKEY', field: 'timeZone' });
  return local.offset === 0 ? utc(date) : local.toISO({ suppressMilliseconds: true })!;
}

function wire(point: EnerkeyValue): EnerkeyWireValue {
  return { timestamp: utc(point.timestamp), value: point.value };
}

/**
 * What EnerKey's push accepts, checked before sending so that a bad push writes nothing: at least one
 * value, finite numbers, at most 365 days from the first value's hour to the end of the last's, and for
 * cumulative readings no step down in time order. Stamps need not be on the hour: EnerKey sums
 * consumption values within an hour (and a cumulative reading is the register at its instant). On top, the physical bound:
 * a consumption value, or a register's step per hour between two readings, at most
 * `bounds.maxKwhPerHour` (taken as kWh whatever the meter's unit: the unit is not known without a call),
 * so that no absurd value is stored and EnerKey's sums of pushes cannot overflow.
 */
export function checkPush(points: readonly EnerkeyValue[], cumulative: boolean, bounds: ReadingBounds = DEFAULT_READING_BOUNDS): void {
  const fail = (message: string, field: string): never => {
    throw new BadUserInputError(message, { provider: 'ENERKEY', field });
  };
  const name = cumulative ? 'readings' : 'values';
  if (points.length === 0) fail(`Give at least one ${cumulative ? 'reading' : 'value'} to push.`, name);
  points.forEach((point, index) => {
    if (Number.isNaN(point.timestamp.getTime()))
      fail(`${name}[${index}].timestamp is not a valid date-time.`, `${name}[${index}].timestamp`);
    if (!Number.isFinite(point.value)) fail(`${name}[${index}].value must be a finite number.`, `${name}[${index}].value`);
    if (!cumulative && Math.abs(point.value) > bounds.maxKwhPerHour) {
      fail(
        `${name}[${index}].value ${point.value} is more than an hour can hold (at most ${bounds.maxKwhPerHour}, ENERKEY_MAX_KWH_PER_HOUR).`,
        `${name}[${index}].value`,
      );
    }
  });
  const hours = points.map((point) => Math.floor(point.timestamp.getTime() / HOUR_MS) * HOUR_MS);
  const first = Math.min(...hours);
  const last = Math.max(...hours);
  if (last + HOUR_MS - first > ENERKEY_MAX_PUSH_DAYS * DAY_MS) {
    fail(
      `The push spans ${((last + HOUR_MS - first) / DAY_MS).toFixed(2)} days (${new Date(first).toISOString()} to ${new Date(last + HOUR_MS).toISOString()}); EnerKey accepts at most ${ENERKEY_MAX_PUSH_DAYS} days per push. Split it into several pushes.`,
      name,
    );
  }
  if (cumulative) {
    const sorted = [...points].sort((a, b) => a.timestamp.getTime() - b.timestamp.getTime());
    for (let i = 1; i < sorted.length; i++) {
      const elapsedHours = (sorted[i]!.timestamp.getTime() - sorted[i - 1]!.timestamp.getTime()) / HOUR_MS;
      if (elapsedHours > 0 && sorted[i]!.value - sorted[i - 1]!.value > bounds.maxKwhPerHour * elapsedHours) {
        fail(
          `The cumulative reading ${sorted[i]!.value} at ${sorted[i]!.timestamp.toISOString()} is more above the reading before it than ${elapsedHours} hours can hold (at most ${bounds.maxKwhPerHour} an hour, ENERKEY_MAX_KWH_PER_HOUR).`,
          name,
        );
      }
      if (sorted[i]!.value < sorted[i - 1]!.value) {
        fail(
          `The cumulative reading ${sorted[i]!.value} at ${sorted[i]!.timestamp.toISOString()} is below the earlier reading ${sorted[i - 1]!.value}; a register never runs backwards. Check for a meter exchange or a typo.`,
          name,
        );
      }
    }
  }
}
