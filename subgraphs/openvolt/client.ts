import { createHttpClient, type HttpClient, type QueryValue, type UpstreamCallSettings } from '../../shared/connector/http-client.js';
import { UpstreamUnavailableError } from '../../shared/graph/errors.js';
import {
  OPENVOLT_MAX_PAGE_SIZE,
  OPENVOLT_PATHS,
  OPENVOLT_PROVIDER_INFO_SECRETS,
  type OpenvoltConsentFilters,
  type OpenvoltConsentInput,
  type OpenvoltConsentRecord,
  type OpenvoltCustomerFilters,
  type OpenvoltCustomerInput,
  type OpenvoltCustomerRecord,
  type OpenvoltDocumentFilters,
  type OpenvoltDocumentInput,
  type OpenvoltDocumentRecord,
  type OpenvoltGranularity,
  type OpenvoltMeterFilters,
  type OpenvoltMeterInput,
  type OpenvoltMeterRecord,
} from './contract.js';

/**
 * The Openvolt connector: typed calls to Openvolt's REST API (https://api.openvolt.com/v1, spec v1.0.1)
 * with the deviations the live API shows (CONTRACT.md). Records keep Openvolt's field names; the
 * GraphQL layer maps them; their shapes, the paths and the limits are in contract.ts.
 */

export interface IntervalRow {
  start: Date;
  /** Energy in kWh (Openvolt reports kWh; a row in Wh is converted when parsed). */
  kwh: number;
  meterId?: string;
  meterNumber?: string;
}

export interface IntervalData {
  granularity: OpenvoltGranularity;
  rows: IntervalRow[];
}

/** Which page of a list: Openvolt's `page` (from 1) and `page_size`. */
export type Paging = {
  page: number;
  pageSize: number;
};

export type MeterSelector = { meterId: string } | { meterNumber: string; customerId: string };

/** Exact instants [from, to), or Openvolt's `lookback` (e.g. "1d", "1w", "3m", "1y") back from `to` or now. */
export type IntervalWindow = { from: Date; to: Date } | { lookback: string; to?: Date };

export interface OpenvoltClientOptions {
  /** Timeouts, concurrency, retries and breaker of the calls to the provider (`<PROVIDER>_*` settings). */
  calls: UpstreamCallSettings;
  baseUrl: string;
  apiKey: string;
}

export class OpenvoltClient {
  private readonly http: HttpClient;

  constructor(options: OpenvoltClientOptions) {
    this.http = createHttpClient({
      provider: 'OPENVOLT',
      baseUrl: options.baseUrl,
      ...options.calls,
      headers: { 'x-api-key': options.apiKey, accept: 'application/json' },
      secrets: [options.apiKey],
    });
  }

  /** One page of a list route: `{data: [...]}` is the whole envelope (the spec's; no total comes back). */
  private async list<T>(path: ListPath, query: ListQuery): Promise<T[]> {
    return listData(await this.http.get<{ data?: T[] }>(path, listQuery(query)), path);
  }

  // Customers

  listCustomers(query: OpenvoltCustomerFilters & Paging): Promise<OpenvoltCustomerRecord[]> {
    return this.list(OPENVOLT_PATHS.customers, query);
  }

  getCustomer(id: string): Promise<OpenvoltCustomerRecord> {
    return this.http.get(OPENVOLT_PATHS.customer(encodeURIComponent(id)));
  }

  /** Not retried: a repeated POST could create a second customer. */
  async createCustomer(input: OpenvoltCustomerInput): Promise<OpenvoltCustomerRecord> {
    const body = await this.http.post<OpenvoltCustomerRecord | undefined>(OPENVOLT_PATHS.customers, input);
    return withId(body) ?? this.findCustomerByEmail(input.email!);
  }

  async updateCustomer(id: string, input: OpenvoltCustomerInput): Promise<OpenvoltCustomerRecord> {
    const body = await this.http.put<OpenvoltCustomerRecord | undefined>(OPENVOLT_PATHS.customer(encodeURIComponent(id)), input);
    return withId(body) ?? this.getCustomer(id);
  }

  private async findCustomerByEmail(email: string): Promise<OpenvoltCustomerRecord> {
    const [customer] = await this.listCustomers({ email, page: 1, pageSize: 1 });
    if (!customer) throw new UpstreamUnavailableError('Openvolt accepted the customer but does not list it', { provider: 'OPENVOLT' });
    return customer;
  }

  async deleteCustomer(id: string): Promise<void> {
    await this.http.delete(OPENVOLT_PATHS.customer(encodeURIComponent(id)));
  }

  // Meters

  async listMeters(query: OpenvoltMeterFilters & Paging): Promise<OpenvoltMeterRecord[]> {
    return (await this.list<OpenvoltMeterRecord>(OPENVOLT_PATHS.meters, query)).map(withoutProviderSecrets);
  }

  /** Every meter matching the filters, following Openvolt's pages. */
  async listAllMeters(filters: OpenvoltMeterFilters): Promise<OpenvoltMeterRecord[]> {
    const all: OpenvoltMeterRecord[] = [];
    for (let page = 1; ; page += 1) {
      const batch = await this.listMeters({ ...filters, page, pageSize: OPENVOLT_MAX_PAGE_SIZE });
      all.push(...batch);
      if (batch.length < OPENVOLT_MAX_PAGE_SIZE) return all;
    }
  }

  /** The spec says an array; the live API answers one object. Both are accepted. */
  async getMeter(id: string): Promise<OpenvoltMeterRecord> {
    const body = await this.http.get<OpenvoltMeterRecord | OpenvoltMeterRecord[]>(OPENVOLT_PATHS.meter(encodeURIComponent(id)));
    return withoutProviderSecrets(singleObject(body, id));
  }

  /**
   * Not retried: a repeated POST could register the meter twice. `provider_info` may carry the Dutch
   * provider's credentials: they go to Openvolt and are dropped from every meter read back.
   */
  async createMeter(input: OpenvoltMeterInput): Promise<OpenvoltMeterRecord> {
    const body = await this.http.post<OpenvoltMeterRecord | undefined>(OPENVOLT_PATHS.meters, input);
    if (withId(body)) return withoutProviderSecrets(body!);
    // The spec documents no response body: find the meter by its unique (customer, meter number).
    const [meter] = await this.listMeters({ customer_id: input.customer_id, meter_number: input.meter_number, page: 1, pageSize: 1 });
    if (!meter) throw new UpstreamUnavailableError('Openvolt accepted the meter but does not list it', { provider: 'OPENVOLT' });
    return meter;
  }

  async updateMeter(id: string, input: OpenvoltMeterInput): Promise<OpenvoltMeterRecord> {
    const body = await this.http.put<OpenvoltMeterRecord | undefined>(OPENVOLT_PATHS.meter(encodeURIComponent(id)), input);
    const updated = withId(body);
    return updated ? withoutProviderSecrets(updated) : this.getMeter(id);
  }

  async deleteMeter(id: string): Promise<void> {
    await this.http.delete(OPENVOLT_PATHS.meter(encodeURIComponent(id)));
  }

  /** `consentId: null` removes the meter's consent (the meter becomes inactive). */
  async updateMeterConsent(id: string, consentId: string | null): Promise<OpenvoltMeterRecord> {
    const body = await this.http.put<OpenvoltMeterRecord | undefined>(OPENVOLT_PATHS.meterConsent(encodeURIComponent(id)), {
      consent_id: consentId,
    });
    const updated = withId(body);
    return updated ? withoutProviderSecrets(updated) : this.getMeter(id);
  }

  // Consents

  listConsents(query: OpenvoltConsentFilters & Paging): Promise<OpenvoltConsentRecord[]> {
    return this.list(OPENVOLT_PATHS.consents, query);
  }

  async getConsent(id: string): Promise<OpenvoltConsentRecord> {
    return singleObject(
      await this.http.get<OpenvoltConsentRecord | OpenvoltConsentRecord[]>(OPENVOLT_PATHS.consent(encodeURIComponent(id))),
      id,
    );
  }

  /** Not retried: a repeated POST could create a second consent. */
  createConsent(input: OpenvoltConsentInput): Promise<OpenvoltConsentRecord> {
    return this.http.post(OPENVOLT_PATHS.consents, input);
  }

  async archiveConsent(id: string): Promise<OpenvoltConsentRecord> {
    const body = await this.http.post<OpenvoltConsentRecord | undefined>(OPENVOLT_PATHS.consentArchive(encodeURIComponent(id)));
    return withId(body) ?? this.getConsent(id);
  }

  // Documents

  listDocuments(query: OpenvoltDocumentFilters & Paging): Promise<OpenvoltDocumentRecord[]> {
    return this.list(OPENVOLT_PATHS.documents, query);
  }

  async getDocument(id: string): Promise<OpenvoltDocumentRecord> {
    return singleObject(
      await this.http.get<OpenvoltDocumentRecord | OpenvoltDocumentRecord[]>(OPENVOLT_PATHS.document(encodeURIComponent(id))),
      id,
    );
  }

  /**
   * Uploads a document as the spec's multipart form (`name`, `purpose`, `metadata`, `file`). Metadata goes
   * as `metadata[key]` parts, the form encoding of Openvolt's deepObject style (inferred, CONTRACT.md).
   * Not retried: a repeated POST could store the document twice.
   */
  async uploadDocument(input: OpenvoltDocumentInput): Promise<OpenvoltDocumentRecord> {
    const form = new FormData();
    form.set('name', input.name);
    form.set('purpose', input.purpose);
    for (const [key, value] of Object.entries(input.metadata ?? {})) form.set(`metadata[${key}]`, value);
    form.set('file', new Blob([input.file.bytes], { type: input.file.contentType }), input.file.fileName);
    const { body } = await this.http.request<OpenvoltDocumentRecord | undefined>({
      method: 'POST',
      path: OPENVOLT_PATHS.documents,
      body: form,
    });
    const created = withId(body);
    if (created) return created;
    // The spec documents no response body: the newest document of that name is the one just stored.
    const named = await this.listDocuments({ name: input.name, page: 1, pageSize: OPENVOLT_MAX_PAGE_SIZE });
    const newest = named.at(-1);
    if (!newest) throw new UpstreamUnavailableError('Openvolt accepted the document but does not list it', { provider: 'OPENVOLT' });
    return newest;
  }

  // Interval data

  /** One `/interval-data` call. With exact instants, rows outside [from, to) are dropped. */
  async intervalData(meter: MeterSelector, granularity: OpenvoltGranularity, window: IntervalWindow): Promise<IntervalData> {
    const selector = 'meterId' in meter ? { meter_id: meter.meterId } : { meter_number: meter.meterNumber, customer_id: meter.customerId };
    const span =
      'lookback' in window
        ? { lookback: window.lookback, end_date: window.to?.toISOString() }
        : { start_date: window.from.toISOString(), end_date: window.to.toISOString() };
    const parsed = parseIntervalData(await this.http.get<unknown>(OPENVOLT_PATHS.intervalData, { ...selector, granularity, ...span }));
    if ('lookback' in window) return parsed;
    // Keep only what was asked, whatever the provider's end-bound convention turns out to be.
    return { ...parsed, rows: parsed.rows.filter((row) => row.start >= window.from && row.start < window.to) };
  }
}

/** A list call's filters (Openvolt's names) and page. */
type ListQuery = Paging & { metadata?: Record<string, string> } & { [filter: string]: QueryValue | Record<string, string> };

/** Which list route answered: in the message of a malformed answer. */
type ListPath =
  | typeof OPENVOLT_PATHS.customers
  | typeof OPENVOLT_PATHS.meters
  | typeof OPENVOLT_PATHS.consents
  | typeof OPENVOLT_PATHS.documents;

/**
 * The query string of a list call: the filters as they are, `metadata` in the spec's deepObject style
 * (`metadata[key]=value`), and the page.
 */
export function listQuery(query: ListQuery): Record<string, QueryValue> {
  const { metadata, page, pageSize, ...filters } = query;
  const params = { ...filters } as Record<string, QueryValue>;
  for (const [key, value] of Object.entries(metadata ?? {})) params[`metadata[${key}]`] = value;
  return { ...params, page, page_size: pageSize };
}

/** A meter as Gridgraph keeps and shows it: without the Dutch provider's credentials in `provider_info`. */
function withoutProviderSecrets(meter: OpenvoltMeterRecord): OpenvoltMeterRecord {
  if (!meter.provider_info) return meter;
  const info = { ...meter.provider_info };
  for (const secret of OPENVOLT_PROVIDER_INFO_SECRETS) delete info[secret];
  return { ...meter, provider_info: info };
}

/**
 * Parses `/interval-data` in both spellings: the spec's (snake_case top level, numeric consumption,
 * "kwh") and the live API's (camelCase top level, string consumption, "kWh": `OpenvoltIntervalDataBody`).
 */
export function parseIntervalData(body: unknown): IntervalData {
  if (!body || typeof body !== 'object') throw malformed('the body is not a JSON object');
  const record = body as Record<string, unknown>;
  const data = record.data;
  if (!Array.isArray(data)) throw malformed('`data` is not a list');
  const granularity = (record.granularity ?? 'hh') as OpenvoltGranularity;
  const rows: IntervalRow[] = [];
  for (const item of data) {
    if (!item || typeof item !== 'object') throw malformed('a data item is not an object');
    const row = item as Record<string, unknown>;
    const startText = row.start_interval ?? row.startInterval;
    const start = typeof startText === 'string' ? new Date(startText) : undefined;
    if (!start || Number.isNaN(start.getTime())) throw malformed(`bad start_interval ${JSON.stringify(startText)}`);
    // Number('') is 0: an empty string must stay "no value", not become a zero reading.
    const text = typeof row.consumption === 'string' ? row.consumption.trim() : undefined;
    const consumption = text === undefined ? row.consumption : text === '' ? undefined : Number(text);
    // A row with no usable number is a gap, not a zero: skip it so it shows as MISSING.
    if (typeof consumption !== 'number' || !Number.isFinite(consumption)) continue;
    const units = String(row.consumption_units ?? row.consumptionUnits ?? 'kwh').toLowerCase();
    const kwh = units === 'wh' ? consumption / 1000 : units === 'mwh' ? consumption * 1000 : consumption;
    rows.push({
      start,
      kwh,
      meterId: (row.meter_id ?? row.meterId) as string | undefined,
      meterNumber: (row.meter_number ?? row.meterNumber) as string | undefined,
    });
  }
  return { granularity, rows };
}

function malformed(reason: string) {
  return new UpstreamUnavailableError(`Openvolt sent interval data this service cannot read: ${reason}`, {
    provider: 'OPENVOLT',
  });
}

function listData<T>(body: { data?: T[] } | undefined, path: ListPath): T[] {
  if (!body || !Array.isArray(body.data)) {
    throw new UpstreamUnavailableError(`Openvolt answered GET /${path} without a data list`, { provider: 'OPENVOLT' });
  }
  return body.data;
}

/** The record in a write's answer, or undefined when the provider sent none (the spec promises none). */
function withId<T extends { _id?: string }>(body: T | undefined | ''): T | undefined {
  return body && typeof body === 'object' && typeof body._id === 'string' ? body : undefined;
}

function singleObject<T>(body: T | T[], id: string): T {
  if (!Array.isArray(body)) return body;
  if (body.length === 0) throw new UpstreamUnavailableError(`Openvolt answered an empty list for ${id}`, { provider: 'OPENVOLT' });
  return body[0]!;
}
