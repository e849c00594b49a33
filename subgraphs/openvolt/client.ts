import { createHttpClient, type HttpClient, type QueryValue, type UpstreamCallSettings } from '../../shared/connector/http-client.js';
import { UpstreamUnavailableError } from '../../shared/graph/errors.js';

/**
 * The Openvolt connector: typed calls to Openvolt's REST API (https://api.openvolt.com/v1, spec v1.0.1)
 * with the deviations the live API shows (CONTRACT.md). Records keep Openvolt's field names; the
 * GraphQL layer maps them.
 */

export type OpenvoltDataSource = 'electralink' | 'dcc' | 'anexo' | 'edsn' | 'joulz' | 'kenter' | 'meetbedrijf' | 'solaredge';
export type OpenvoltMeterStatus = 'active' | 'inactive' | 'pending';
export type OpenvoltUpdateFrequency = 'hourly' | 'daily' | 'weekly' | 'monthly';
export type OpenvoltGranularity = 'hh' | 'day' | 'week' | 'month' | 'year';

export interface OpenvoltNote {
  content?: string;
  author?: string;
}

export interface OpenvoltCustomerRecord {
  _id: string;
  object?: 'customer';
  account?: string;
  name: string;
  email: string;
  address?: string;
  metadata?: Record<string, string>;
  logo_url?: string;
  notes?: OpenvoltNote[];
  created_at?: string;
}

export interface OpenvoltValidityState {
  missing_consent?: boolean;
  expired_consent?: boolean;
  is_disabled_by_user?: boolean;
  has_invalid_meter_number?: boolean;
}

export interface OpenvoltMeterRecord {
  _id: string;
  object?: 'meter';
  account?: string;
  meter_number: string;
  customer_id?: string;
  /** GET /meters/{id} embeds the full customer ("Meter response now returns the full customer object"). */
  customer?: OpenvoltCustomerRecord;
  consent_id?: string | null;
  data_source: OpenvoltDataSource;
  status?: OpenvoltMeterStatus;
  description?: string;
  address?: string;
  update_frequency?: OpenvoltUpdateFrequency;
  metadata?: Record<string, string>;
  notes?: OpenvoltNote[];
  validity_state?: OpenvoltValidityState;
  last_data_pull_date?: string;
  last_data_pull_status?: 'success' | 'failure';
  created_at?: string;
}

export interface OpenvoltConsentRecord {
  _id: string;
  object?: 'consent';
  customer_id: string;
  type: 'interval';
  name?: string;
  start_date: string;
  end_date: string;
  evidence_document_id: string;
  metadata?: Record<string, string>;
  status?: string;
  archived_at?: string | null;
  created_at?: string;
}

/** What a write may send: the writable fields of each record. */
export type CustomerInput = Partial<Pick<OpenvoltCustomerRecord, 'name' | 'email' | 'address' | 'metadata' | 'logo_url' | 'notes'>>;

export type MeterInput = Partial<
  Pick<
    OpenvoltMeterRecord,
    'meter_number' | 'customer_id' | 'data_source' | 'description' | 'address' | 'update_frequency' | 'metadata' | 'notes'
  >
> & { consent_id?: string };

export type ConsentInput = Pick<OpenvoltConsentRecord, 'customer_id' | 'type' | 'start_date' | 'end_date' | 'evidence_document_id'> &
  Partial<Pick<OpenvoltConsentRecord, 'name' | 'metadata'>>;

/** The spec's filters of GET /meters. */
export interface MeterFilters {
  customer_id?: string;
  meter_number?: string;
  status?: OpenvoltMeterStatus;
  data_source?: OpenvoltDataSource;
  update_frequency?: OpenvoltUpdateFrequency;
  last_data_pull_status?: 'success' | 'failure';
  missing_consent?: boolean;
  expired_consent?: boolean;
  is_disabled_by_user?: boolean;
  has_invalid_meter_number?: boolean;
  sort_by?: 'last_data_pull_date';
}

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

export type MeterSelector = { meterId: string } | { meterNumber: string; customerId: string };

/** Exact instants [from, to), or Openvolt's `lookback` (e.g. "1d", "1w", "3m", "1y") back from `to` or now. */
export type IntervalWindow = { from: Date; to: Date } | { lookback: string; to?: Date };

export interface OpenvoltClientOptions {
  /** Timeouts, concurrency, retries and breaker of the calls to the provider (`<PROVIDER>_*` settings). */
  calls: UpstreamCallSettings;
  baseUrl: string;
  apiKey: string;
}

/** Openvolt's largest page (inferred; the spec gives only the default of 20). */
export const OPENVOLT_MAX_PAGE_SIZE = 100;

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

  // Customers

  async listCustomers(query: { email?: string; page: number; pageSize: number }): Promise<OpenvoltCustomerRecord[]> {
    const body = await this.http.get<{ data?: OpenvoltCustomerRecord[] }>('customers', {
      email: query.email,
      page: query.page,
      page_size: query.pageSize,
    });
    return listData(body, 'GET /customers');
  }

  getCustomer(id: string): Promise<OpenvoltCustomerRecord> {
    return this.http.get(`customers/${encodeURIComponent(id)}`);
  }

  /** Not retried: a repeated POST could create a second customer. */
  async createCustomer(input: CustomerInput): Promise<OpenvoltCustomerRecord> {
    const body = await this.http.post<OpenvoltCustomerRecord | undefined>('customers', input);
    return withId(body) ?? this.findCustomerByEmail(input.email!);
  }

  async updateCustomer(id: string, input: CustomerInput): Promise<OpenvoltCustomerRecord> {
    const body = await this.http.put<OpenvoltCustomerRecord | undefined>(`customers/${encodeURIComponent(id)}`, input);
    return withId(body) ?? this.getCustomer(id);
  }

  private async findCustomerByEmail(email: string): Promise<OpenvoltCustomerRecord> {
    const [customer] = await this.listCustomers({ email, page: 1, pageSize: 1 });
    if (!customer) throw new UpstreamUnavailableError('Openvolt accepted the customer but does not list it', { provider: 'OPENVOLT' });
    return customer;
  }

  async deleteCustomer(id: string): Promise<void> {
    await this.http.delete(`customers/${encodeURIComponent(id)}`);
  }

  // Meters

  async listMeters(filters: MeterFilters & { page: number; pageSize: number }): Promise<OpenvoltMeterRecord[]> {
    const { page, pageSize, ...rest } = filters;
    const query: Record<string, QueryValue> = { ...rest, page, page_size: pageSize };
    return listData(await this.http.get<{ data?: OpenvoltMeterRecord[] }>('meters', query), 'GET /meters');
  }

  /** Every meter matching the filters, following Openvolt's pages. */
  async listAllMeters(filters: MeterFilters): Promise<OpenvoltMeterRecord[]> {
    const all: OpenvoltMeterRecord[] = [];
    for (let page = 1; ; page += 1) {
      const batch = await this.listMeters({ ...filters, page, pageSize: OPENVOLT_MAX_PAGE_SIZE });
      all.push(...batch);
      if (batch.length < OPENVOLT_MAX_PAGE_SIZE) return all;
    }
  }

  /** The spec says an array; the live API answers one object. Both are accepted. */
  async getMeter(id: string): Promise<OpenvoltMeterRecord> {
    return singleObject(await this.http.get<OpenvoltMeterRecord | OpenvoltMeterRecord[]>(`meters/${encodeURIComponent(id)}`), id);
  }

  /** Not retried: a repeated POST could register the meter twice. */
  async createMeter(input: MeterInput): Promise<OpenvoltMeterRecord> {
    const body = await this.http.post<OpenvoltMeterRecord | undefined>('meters', input);
    if (withId(body)) return body!;
    // The spec documents no response body: find the meter by its unique (customer, meter number).
    const [meter] = await this.listMeters({ customer_id: input.customer_id, meter_number: input.meter_number, page: 1, pageSize: 1 });
    if (!meter) throw new UpstreamUnavailableError('Openvolt accepted the meter but does not list it', { provider: 'OPENVOLT' });
    return meter;
  }

  async updateMeter(id: string, input: MeterInput): Promise<OpenvoltMeterRecord> {
    const body = await this.http.put<OpenvoltMeterRecord | undefined>(`meters/${encodeURIComponent(id)}`, input);
    return withId(body) ?? this.getMeter(id);
  }

  async deleteMeter(id: string): Promise<void> {
    await this.http.delete(`meters/${encodeURIComponent(id)}`);
  }

  /** `consentId: null` removes the meter's consent (the meter becomes inactive). */
  async updateMeterConsent(id: string, consentId: string | null): Promise<OpenvoltMeterRecord> {
    const body = await this.http.put<OpenvoltMeterRecord | undefined>(`meters/${encodeURIComponent(id)}/update-consent`, {
      consent_id: consentId,
    });
    return withId(body) ?? this.getMeter(id);
  }

  // Consents

  async listConsents(query: { customerId?: string; page: number; pageSize: number }): Promise<OpenvoltConsentRecord[]> {
    const body = await this.http.get<{ data?: OpenvoltConsentRecord[] }>('consents', {
      customer_id: query.customerId,
      page: query.page,
      page_size: query.pageSize,
    });
    return listData(body, 'GET /consents');
  }

  async getConsent(id: string): Promise<OpenvoltConsentRecord> {
    return singleObject(await this.http.get<OpenvoltConsentRecord | OpenvoltConsentRecord[]>(`consents/${encodeURIComponent(id)}`), id);
  }

  /** Not retried: a repeated POST could create a second consent. */
  createConsent(input: ConsentInput): Promise<OpenvoltConsentRecord> {
    return this.http.post('consents', input);
  }

  async archiveConsent(id: string): Promise<OpenvoltConsentRecord> {
    const body = await this.http.post<OpenvoltConsentRecord | undefined>(`consents/${encodeURIComponent(id)}/archive`);
    return withId(body) ?? this.getConsent(id);
  }

  // Interval data

  /** One `/interval-data` call. With exact instants, rows outside [from, to) are dropped. */
  async intervalData(meter: MeterSelector, granularity: OpenvoltGranularity, window: IntervalWindow): Promise<IntervalData> {
    const selector = 'meterId' in meter ? { meter_id: meter.meterId } : { meter_number: meter.meterNumber, customer_id: meter.customerId };
    const span =
      'lookback' in window
        ? { lookback: window.lookback, end_date: window.to?.toISOString() }
        : { start_date: window.from.toISOString(), end_date: window.to.toISOString() };
    const parsed = parseIntervalData(await this.http.get<unknown>('interval-data', { ...selector, granularity, ...span }));
    if ('lookback' in window) return parsed;
    // Keep only what was asked, whatever the provider's end-bound convention turns out to be.
    return { ...parsed, rows: parsed.rows.filter((row) => row.start >= window.from && row.start < window.to) };
  }
}

/**
 * Parses `/interval-data` in both spellings: the spec's (snake_case top level, numeric consumption,
 * "kwh") and the live API's (camelCase top level, string consumption, "kWh").
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

function listData<T>(body: { data?: T[] } | undefined, where: string): T[] {
  if (!body || !Array.isArray(body.data)) {
    throw new UpstreamUnavailableError(`Openvolt answered ${where} without a data list`, { provider: 'OPENVOLT' });
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
