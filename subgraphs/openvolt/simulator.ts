import { randomUUID } from 'node:crypto';
import type { Express, Request, RequestHandler } from 'express';
import { DateTime, type DurationLikeObject } from 'luxon';
import { createLogger } from '../../shared/observability/logger.js';
import {
  bodyObject,
  createLoadProfile,
  enumField,
  type FaultSettings,
  fnv1a,
  HttpError,
  type LoadProfile,
  objectId,
  queryBoolean,
  queryEnum,
  queryPositiveInteger,
  queryString,
  type RunningSimulator,
  SHARED_LOAD_PROFILES,
  SHARED_METERING_POINTS,
  seededRandom,
  startSimulator,
  stringField,
  uuidFromSeed,
  faultsFromEnv,
} from '../../shared/simulator/index.js';
import type { SimulatorForSubgraph, SimulatorPlacement } from '../../shared/subgraph/provider.js';

/**
 * A faithful local Openvolt API (spec v1.0.1, https://api.openvolt.com/v1) served under `/v1`, answering
 * the way the live API does where it deviates from the spec. What is confirmed, observed and inferred is
 * listed in CONTRACT.md next to this file; keep the two in step.
 */

export const OPENVOLT_SIMULATOR_API_KEY = 'test-gridgraph-simulator-key';

export interface OpenvoltSimulatorOptions {
  port?: number;
  host?: string;
  apiKey?: string;
  faults?: Partial<FaultSettings>;
  /** Where webhook deliveries are POSTed; none are sent while unset. */
  webhookUrl?: string;
  /** The simulator's clock: only half hours ended by now() have data. */
  now?: () => Date;
}

export interface OpenvoltSimulator extends RunningSimulator {
  /** POSTs a `meter_data.received` delivery; rejects with HttpError 404 for an unknown meter_id. */
  deliverMeterDataReceived(items: Array<{ meter_id: string; start_interval: string; end_interval: string }>): Promise<void>;
  /** Sets (or clears) the webhook URL, e.g. once the receiving subgraph knows its own port. */
  setWebhookUrl(url: string | undefined): void;
}

const DATA_SOURCES = ['electralink', 'dcc', 'anexo', 'edsn', 'joulz', 'kenter', 'meetbedrijf', 'solaredge'] as const;
const METER_STATUSES = ['active', 'inactive', 'pending'] as const;
const UPDATE_FREQUENCIES = ['hourly', 'daily', 'weekly', 'monthly'] as const;
const PULL_STATUSES = ['success', 'failure'] as const;
const GRANULARITIES = ['hh', 'day', 'week', 'month', 'year'] as const;
const UK_DATA_SOURCES: ReadonlySet<string> = new Set(['electralink', 'dcc']);

type DataSource = (typeof DATA_SOURCES)[number];
type MeterStatus = (typeof METER_STATUSES)[number];
type UpdateFrequency = (typeof UPDATE_FREQUENCIES)[number];
type Granularity = (typeof GRANULARITIES)[number];

/** The account every object belongs to (Openvolt has no account endpoint; the id is only a field). */
const ACCOUNT_ID = '6514150e23e3d1424bf82731';
/** Openvolt's test meter numbers, which "simulate successful meters": always complete data. */
const TEST_METER_NUMBERS: readonly string[] = ['9999999999999', '9999999999998', '9999999999997', '9999999999996', '9999999999995'];
const MAX_PAGE_SIZE = 100;
const HALF_HOUR_MS = 30 * 60_000;
const DAY_MS = 86_400_000;
const WEBHOOK_TIMEOUT_MS = 5_000;

interface Note {
  content?: string;
  author?: string;
}

interface Customer {
  _id: string;
  object: 'customer';
  account: string;
  name: string;
  email: string;
  address?: string;
  metadata: Record<string, string>;
  logo_url?: string;
  notes: Note[];
  created_at: string;
  __v: 0;
}

interface ValidityState {
  missing_consent: boolean;
  expired_consent: boolean;
  is_disabled_by_user: boolean;
  has_invalid_meter_number: boolean;
}

interface Meter {
  _id: string;
  object: 'meter';
  account: string;
  meter_number: string;
  customer_id: string;
  /** Absent rather than null when there is none: the spec types it as a plain string. */
  consent_id?: string;
  description?: string;
  address?: string;
  data_source: DataSource;
  update_frequency: UpdateFrequency;
  status: MeterStatus;
  metadata: Record<string, string>;
  notes: Note[];
  provider_info?: Record<string, unknown>;
  /** Stored for `is_disabled_by_user`; the other flags are recomputed on every read. */
  validity_state: ValidityState;
  last_data_pull_date?: string;
  last_data_pull_status?: (typeof PULL_STATUSES)[number];
  created_at: string;
  __v: 0;
}

interface Consent {
  _id: string;
  object: 'consent';
  account: string;
  customer_id: string;
  type: 'interval';
  name?: string;
  start_date: string;
  end_date: string;
  metadata: Record<string, string>;
  evidence_document_id: string;
  status: 'active' | 'archived';
  archived_at: string | null;
  created_at: string;
  __v: 0;
}

interface Store {
  customers: Map<string, Customer>;
  meters: Map<string, Meter>;
  consents: Map<string, Consent>;
  /** Objects created since the seed; numbers their ids so a run is reproducible. */
  created: number;
}

export async function startOpenvoltSimulator(options: OpenvoltSimulatorOptions = {}): Promise<OpenvoltSimulator> {
  const apiKey = options.apiKey ?? OPENVOLT_SIMULATOR_API_KEY;
  const now = options.now ?? (() => new Date());
  const webhooks = new WebhookSender(options.webhookUrl, now);
  const profiles = new Map<string, LoadProfile>();
  let store = seedStore(now());

  const requireApiKey: RequestHandler = (req, _res, next) => {
    if (req.get('x-api-key') !== apiKey) throw new HttpError(401, 'Missing or invalid API key (x-api-key header)');
    next();
  };

  function nextId(kind: string): string {
    store.created += 1;
    return objectId(`openvolt:created:${kind}:${store.created}`, now());
  }

  /** A meter as lists answer it: `customer_id` only, validity recomputed for the current clock and consent. */
  function meterView(meter: Meter): Meter {
    const consent = meter.consent_id ? store.consents.get(meter.consent_id) : undefined;
    return {
      ...meter,
      validity_state: {
        missing_consent: !consent || consent.status === 'archived',
        expired_consent: consent !== undefined && consent.end_date < utcDate(now()),
        is_disabled_by_user: meter.validity_state.is_disabled_by_user,
        has_invalid_meter_number: hasInvalidMeterNumber(meter.meter_number, meter.data_source),
      },
    };
  }

  /** One meter as GET /meters/{_id} answers it: with the full customer embedded. */
  function meterDetail(meter: Meter) {
    return { ...meterView(meter), customer: store.customers.get(meter.customer_id) };
  }

  function profileFor(meterNumber: string): LoadProfile {
    let profile = profiles.get(meterNumber);
    if (!profile) {
      // Keyed by meter number only, so one MPAN under two customers reports the same consumption. A
      // connection other simulators also seed gets the building's shared load, as the grid measures it.
      const shared = SHARED_LOAD_PROFILES[meterNumber];
      const gappy = !TEST_METER_NUMBERS.includes(meterNumber) && !shared && fnv1a(`gaps:${meterNumber}`) % 4 === 0;
      profile = createLoadProfile(shared ?? { seed: meterNumber, gapShare: gappy ? 0.01 : 0 });
      profiles.set(meterNumber, profile);
    }
    return profile;
  }

  function usableConsent(consentId: string, customerId: string): Consent {
    const consent = store.consents.get(consentId);
    if (!consent) throw new HttpError(400, `No consent with _id ${consentId}`);
    if (consent.customer_id !== customerId) throw new HttpError(400, `Consent ${consentId} belongs to another customer`);
    if (consent.status === 'archived') throw new HttpError(400, `Consent ${consentId} is archived`);
    return consent;
  }

  async function deliverMeterDataReceived(items: unknown): Promise<void> {
    if (!Array.isArray(items) || items.length === 0)
      throw new HttpError(400, 'Expected a non-empty array of { meter_id, start_interval, end_interval }');
    const payload = items.map((item: unknown, index) => {
      const fields = (item ?? {}) as Record<string, unknown>;
      const meterId = fields.meter_id;
      if (typeof meterId !== 'string') throw new HttpError(400, `Item ${index}: meter_id must be a string`);
      if (!store.meters.has(meterId)) throw new HttpError(404, `No meter with _id ${meterId}`);
      const start = DateTime.fromISO(String(fields.start_interval), { zone: 'utc' });
      const end = DateTime.fromISO(String(fields.end_interval), { zone: 'utc' });
      if (!start.isValid || !end.isValid || start >= end) {
        throw new HttpError(400, `Item ${index}: start_interval and end_interval must be ISO 8601 times, start before end`);
      }
      return { meter_id: meterId, start_interval: start.toJSDate().toISOString(), end_interval: end.toJSDate().toISOString() };
    });
    if (!webhooks.url) throw new HttpError(409, 'No webhook URL is configured');
    await webhooks.send('meter_data.received', payload);
  }

  function configure(app: Express): void {
    // Customers

    app.get('/v1/customers', requireApiKey, (req, res) => {
      const email = queryString(req, 'email')?.toLowerCase();
      const metadata = metadataFilter(req);
      const customers = [...store.customers.values()].filter(
        (customer) => (email === undefined || customer.email.toLowerCase() === email) && matchesMetadata(customer.metadata, metadata),
      );
      res.json({ data: paginate(req, customers) });
    });

    app.get('/v1/customers/:_id', requireApiKey, (req, res) => {
      res.json(found(store.customers, pathId(req), 'customer'));
    });

    app.post('/v1/customers', requireApiKey, (req, res) => {
      const body = bodyObject(req);
      const name = stringField(body, 'name', true)!;
      const email = emailField(body, true)!;
      const fields = {
        ...optional('address', stringField(body, 'address')),
        metadata: metadataField(body) ?? {},
        ...optional('logo_url', stringField(body, 'logo_url')),
        notes: notesField(body) ?? [],
      };
      assertUniqueEmail(email);
      const customer: Customer = {
        _id: nextId('customer'),
        object: 'customer',
        account: ACCOUNT_ID,
        name,
        email,
        ...fields,
        created_at: now().toISOString(),
        __v: 0,
      };
      store.customers.set(customer._id, customer);
      res.json(customer);
      void webhooks.send('customer.created', customer);
    });

    app.put('/v1/customers/:_id', requireApiKey, (req, res) => {
      const customer = found(store.customers, pathId(req), 'customer');
      const body = bodyObject(req);
      const name = stringField(body, 'name');
      if (name === '') throw new HttpError(400, 'name must not be empty');
      const changes: Partial<Customer> = {
        ...optional('name', name),
        ...optional('email', emailField(body, false)),
        ...optional('address', stringField(body, 'address')),
        ...optional('metadata', metadataField(body)),
        ...optional('logo_url', stringField(body, 'logo_url')),
        ...optional('notes', notesField(body)),
      };
      if (changes.email !== undefined) assertUniqueEmail(changes.email, customer._id);
      Object.assign(customer, changes);
      res.status(201).json(customer);
    });

    app.delete('/v1/customers/:_id', requireApiKey, (req, res) => {
      const customer = found(store.customers, pathId(req), 'customer');
      const meters = [...store.meters.values()].filter((meter) => meter.customer_id === customer._id).length;
      if (meters > 0) throw new HttpError(409, `Customer ${customer._id} still has ${meters} meter(s); delete them first`);
      store.customers.delete(customer._id);
      for (const consent of [...store.consents.values()]) {
        if (consent.customer_id === customer._id) store.consents.delete(consent._id);
      }
      res.json({ deleted: true, _id: customer._id });
    });

    // Meters

    app.get('/v1/meters', requireApiKey, (req, res) => {
      const filters = {
        customer_id: queryString(req, 'customer_id'),
        _id: queryString(req, 'meter_id'),
        meter_number: queryString(req, 'meter_number'),
        status: queryEnum(req, 'status', METER_STATUSES),
        data_source: queryEnum(req, 'data_source', DATA_SOURCES),
        update_frequency: queryEnum(req, 'update_frequency', UPDATE_FREQUENCIES),
        last_data_pull_status: queryEnum(req, 'last_data_pull_status', PULL_STATUSES),
      };
      const pullDate = queryString(req, 'last_data_pull_date');
      const pullDay = pullDate === undefined ? undefined : calendarDate(pullDate, 'last_data_pull_date').toISODate()!;
      const validity = (['missing_consent', 'expired_consent', 'is_disabled_by_user', 'has_invalid_meter_number'] as const).map(
        (flag) => [flag, queryBoolean(req, flag)] as const,
      );
      queryEnum(req, 'sort_by', ['last_data_pull_date']); // the only (and default) order; validated for a clear 400
      const metadata = metadataFilter(req);

      const meters = [...store.meters.values()]
        .map(meterView)
        .filter(
          (meter) =>
            Object.entries(filters).every(([field, value]) => value === undefined || meter[field as keyof typeof filters] === value) &&
            (pullDay === undefined || meter.last_data_pull_date?.slice(0, 10) === pullDay) &&
            validity.every(([flag, value]) => value === undefined || meter.validity_state[flag] === value) &&
            matchesMetadata(meter.metadata, metadata),
        )
        // Most recently pulled first; never-pulled meters last; ties in creation order.
        .sort((a, b) => (b.last_data_pull_date ?? '').localeCompare(a.last_data_pull_date ?? ''));
      res.json({ data: paginate(req, meters) });
    });

    app.get('/v1/meters/:_id', requireApiKey, (req, res) => {
      res.json(meterDetail(found(store.meters, pathId(req), 'meter')));
    });

    app.post('/v1/meters', requireApiKey, (req, res) => {
      const body = bodyObject(req);
      const meterNumber = stringField(body, 'meter_number', true)!;
      const customerId = stringField(body, 'customer_id', true)!;
      const dataSource = enumField(body, 'data_source', DATA_SOURCES, true)!;
      const consentId = stringField(body, 'consent_id');
      const fields = baseMeterFields(body);
      if (!store.customers.has(customerId)) throw new HttpError(400, `No customer with _id ${customerId}`);
      if (consentId !== undefined) usableConsent(consentId, customerId);
      const duplicate = [...store.meters.values()].some((m) => m.customer_id === customerId && m.meter_number === meterNumber);
      if (duplicate) throw new HttpError(409, `Meter ${meterNumber} already exists for customer ${customerId}`);

      const meter: Meter = {
        _id: nextId('meter'),
        object: 'meter',
        account: ACCOUNT_ID,
        meter_number: meterNumber,
        customer_id: customerId,
        ...optional('consent_id', consentId),
        data_source: dataSource,
        update_frequency: dataSource === 'electralink' ? 'weekly' : 'daily',
        status: consentId === undefined ? 'inactive' : 'active',
        metadata: {},
        notes: [],
        validity_state: { missing_consent: false, expired_consent: false, is_disabled_by_user: false, has_invalid_meter_number: false },
        created_at: now().toISOString(),
        __v: 0,
        ...fields,
      };
      store.meters.set(meter._id, meter);
      const view = meterDetail(meter);
      res.json(view);
      void webhooks.send('meter.created', view);
    });

    app.put('/v1/meters/:_id', requireApiKey, (req, res) => {
      const meter = found(store.meters, pathId(req), 'meter');
      Object.assign(meter, baseMeterFields(bodyObject(req)));
      res.status(201).json(meterDetail(meter));
    });

    app.delete('/v1/meters/:_id', requireApiKey, (req, res) => {
      const meter = found(store.meters, pathId(req), 'meter');
      store.meters.delete(meter._id);
      res.status(204).end();
    });

    app.put('/v1/meters/:_id/update-consent', requireApiKey, (req, res) => {
      const meter = found(store.meters, pathId(req), 'meter');
      const body = bodyObject(req);
      const consentId = body.consent_id;
      if (consentId === null) {
        delete meter.consent_id;
        meter.status = 'inactive';
      } else if (typeof consentId === 'string' && consentId !== '') {
        usableConsent(consentId, meter.customer_id);
        meter.consent_id = consentId;
        meter.status = 'active';
      } else {
        throw new HttpError(400, 'consent_id must be a consent _id, or null to remove the consent');
      }
      res.status(201).json(meterDetail(meter));
    });

    // Consents

    app.get('/v1/consents', requireApiKey, (req, res) => {
      const customerId = queryString(req, 'customer_id');
      const name = queryString(req, 'name');
      const startParam = queryString(req, 'start_date');
      const endParam = queryString(req, 'end_date');
      const startsFrom = startParam === undefined ? undefined : calendarDate(startParam, 'start_date').toISODate()!;
      const endsBy = endParam === undefined ? undefined : calendarDate(endParam, 'end_date').toISODate()!;
      const sortBy = queryEnum(req, 'sort_by', ['end_date', 'start_date', 'end_date, start_date']);
      const metadata = metadataFilter(req);
      const consents = [...store.consents.values()].filter(
        (consent) =>
          (customerId === undefined || consent.customer_id === customerId) &&
          (name === undefined || consent.name === name) &&
          (startsFrom === undefined || consent.start_date >= startsFrom) &&
          (endsBy === undefined || consent.end_date <= endsBy) &&
          matchesMetadata(consent.metadata, metadata),
      );
      if (sortBy === 'start_date') consents.sort((a, b) => a.start_date.localeCompare(b.start_date));
      if (sortBy?.startsWith('end_date')) {
        consents.sort((a, b) => a.end_date.localeCompare(b.end_date) || a.start_date.localeCompare(b.start_date));
      }
      res.json({ data: paginate(req, consents) });
    });

    app.get('/v1/consents/:_id', requireApiKey, (req, res) => {
      res.json(found(store.consents, pathId(req), 'consent'));
    });

    app.post('/v1/consents', requireApiKey, (req, res) => {
      const body = bodyObject(req);
      const customerId = stringField(body, 'customer_id', true)!;
      const type = enumField(body, 'type', ['interval'], true)!;
      const name = stringField(body, 'name');
      const start = calendarDate(stringField(body, 'start_date', true)!, 'start_date');
      const end = calendarDate(stringField(body, 'end_date', true)!, 'end_date');
      const evidenceDocumentId = stringField(body, 'evidence_document_id', true)!;
      const metadata = metadataField(body) ?? {};
      if (start > end) throw new HttpError(400, 'start_date must not be after end_date');
      if (!store.customers.has(customerId)) throw new HttpError(400, `No customer with _id ${customerId}`);
      const consent: Consent = {
        _id: nextId('consent'),
        object: 'consent',
        account: ACCOUNT_ID,
        customer_id: customerId,
        type,
        ...optional('name', name),
        start_date: start.toISODate()!,
        end_date: end.toISODate()!,
        metadata,
        evidence_document_id: evidenceDocumentId,
        status: 'active',
        archived_at: null,
        created_at: now().toISOString(),
        __v: 0,
      };
      store.consents.set(consent._id, consent);
      res.json(consent);
    });

    app.post('/v1/consents/:_id/archive', requireApiKey, (req, res) => {
      const consent = found(store.consents, pathId(req), 'consent');
      if (consent.status !== 'archived') {
        consent.status = 'archived';
        consent.archived_at = now().toISOString();
        // Meters lose the consent's authority to pull data.
        for (const meter of store.meters.values()) {
          if (meter.consent_id === consent._id) meter.status = 'inactive';
        }
      }
      res.json(consent);
    });

    // Interval data

    app.get('/v1/interval-data', requireApiKey, (req, res) => {
      const meter = meterForIntervalData(req);
      const granularity = queryEnum(req, 'granularity', GRANULARITIES) ?? 'hh';
      const at = now(); // one clock reading, so the default end and the "no future data" cut agree
      const { startMs, endMs } = intervalRange(req, at);
      checkRangeLimit(granularity, startMs, endMs);
      // A pending meter has no data pulled yet.
      const rows = meter.status === 'pending' ? [] : bucketRows(profileFor(meter.meter_number), granularity, startMs, endMs, at.getTime());
      res.json({
        startInterval: new Date(startMs).toISOString(),
        endInterval: new Date(endMs - 1000).toISOString(),
        granularity,
        data: rows.map((row) => ({
          start_interval: new Date(row.startMs).toISOString(),
          meter_id: meter._id,
          meter_number: meter.meter_number,
          customer_id: meter.customer_id,
          account_id: ACCOUNT_ID,
          consumption: (row.wh / 1000).toFixed(3),
          consumption_units: 'kWh',
        })),
      });
    });

    // Control route (not counted): trigger a meter_data.received delivery.
    app.post('/_simulator/events/meter-data-received', async (req, res) => {
      await deliverMeterDataReceived(req.body);
      res.status(204).end();
    });
  }

  function meterForIntervalData(req: Request): Meter {
    const meterId = queryString(req, 'meter_id');
    if (meterId !== undefined) return found(store.meters, meterId, 'meter');
    const meterNumber = queryString(req, 'meter_number');
    const customerId = queryString(req, 'customer_id');
    if (meterNumber === undefined || customerId === undefined) {
      throw new HttpError(400, 'Provide meter_id, or meter_number together with customer_id');
    }
    const meter = [...store.meters.values()].find((m) => m.meter_number === meterNumber && m.customer_id === customerId);
    if (!meter) throw new HttpError(404, `No meter with meter_number ${meterNumber} for customer ${customerId}`);
    return meter;
  }

  function assertUniqueEmail(email: string, exceptId?: string): void {
    const lower = email.toLowerCase();
    const taken = [...store.customers.values()].some((c) => c._id !== exceptId && c.email.toLowerCase() === lower);
    if (taken) throw new HttpError(409, `A customer with email ${email} already exists`);
  }

  const simulator = await startSimulator({
    name: 'openvolt',
    port: options.port,
    host: options.host,
    faults: options.faults,
    configure,
    onReset: () => {
      store = seedStore(now());
    },
  });

  return {
    ...simulator,
    deliverMeterDataReceived,
    setWebhookUrl: (url) => {
      webhooks.url = url;
    },
    // Lets deliveries in flight finish (they are bounded by a timeout) so tests see them before teardown.
    stop: async () => {
      await simulator.stop();
      await webhooks.drain();
    },
  };
}

// ---------------------------------------------------------------------------------------------------
// Interval data

/**
 * [start, end) of an interval-data request. A `YYYY-MM-DD` start is the start of that UTC day and a
 * `YYYY-MM-DD` end includes that whole day; a full ISO timestamp is an exact instant (end exclusive).
 * Without start_date the range is `lookback` (default 1d) before the end, which defaults to now.
 */
function intervalRange(req: Request, now: Date): { startMs: number; endMs: number } {
  const startParam = queryString(req, 'start_date');
  const endParam = queryString(req, 'end_date');
  const end = endParam === undefined ? DateTime.fromJSDate(now, { zone: 'utc' }) : rangeBound(endParam, 'end_date', true);
  const start =
    startParam === undefined ? end.minus(lookback(queryString(req, 'lookback') ?? '1d')) : rangeBound(startParam, 'start_date', false);
  if (start >= end) throw new HttpError(400, 'start_date must be before end_date');
  return { startMs: start.toMillis(), endMs: end.toMillis() };
}

function rangeBound(value: string, name: string, isEnd: boolean): DateTime {
  if (!value.includes('T')) {
    const day = calendarDate(value, name);
    return isEnd ? day.plus({ days: 1 }) : day;
  }
  // Zone-less timestamps are read as UTC, the API's only zone.
  const instant = DateTime.fromISO(value, { zone: 'utc' });
  if (!instant.isValid) throw new HttpError(400, `${name} must be YYYY-MM-DD or an ISO 8601 timestamp`);
  return instant;
}

function lookback(value: string): DurationLikeObject {
  const match = /^(\d+)([dwmy])$/.exec(value);
  const amount = match ? Number(match[1]) : 0;
  if (!match || amount < 1) throw new HttpError(400, 'lookback must be a positive number followed by d, w, m or y, e.g. 1d or 3m');
  const unit = { d: 'days', w: 'weeks', m: 'months', y: 'years' }[match[2] as 'd' | 'w' | 'm' | 'y'];
  return { [unit]: amount };
}

/** Limits per call (from one third-party connector's notes; unverified, see CONTRACT.md). */
function checkRangeLimit(granularity: Granularity, startMs: number, endMs: number): void {
  if (granularity === 'hh' && endMs - startMs > 62 * DAY_MS) {
    throw new HttpError(400, 'Half-hourly (hh) data is limited to 62 days per request');
  }
  if (granularity === 'day' && endMs - startMs > 366 * DAY_MS) {
    throw new HttpError(400, 'Daily data is limited to 366 days per request');
  }
  if (DateTime.fromMillis(startMs, { zone: 'utc' }).plus({ years: 5 }).toMillis() < endMs) {
    throw new HttpError(400, 'Interval data is limited to 5 years per request');
  }
}

/**
 * The half hours that start in [startMs, endMs), summed into UTC calendar buckets stamped with the
 * bucket start (a bucket cut by the window sums the part inside it). Sums are in whole Wh, so they are
 * exact. A gap half hour is left out, and so is a bucket that has a gap in it (inferred: Openvolt does
 * not say whether a day with a missing half hour is a partial sum; CONTRACT.md) or that has not ended
 * by `nowMs`: no row stands for an interval that is not over.
 */
function bucketRows(profile: LoadProfile, granularity: Granularity, startMs: number, endMs: number, nowMs: number) {
  const fromMs = Math.ceil(startMs / HALF_HOUR_MS) * HALF_HOUR_MS;
  const toMs = Math.min(Math.ceil(endMs / HALF_HOUR_MS), Math.floor(nowMs / HALF_HOUR_MS)) * HALF_HOUR_MS;
  const rows: Array<{ startMs: number; wh: number }> = [];
  let bucket = { startMs: 0, endMs: -Infinity };
  let row: { startMs: number; wh: number } | undefined;
  for (const slot of profile.slots(fromMs, toMs, HALF_HOUR_MS)) {
    if (slot.startMs >= bucket.endMs) {
      bucket = bucketAround(slot.startMs, granularity);
      row = bucket.endMs <= nowMs ? { startMs: bucket.startMs, wh: 0 } : undefined;
      if (row) rows.push(row);
    }
    if (!row) continue;
    if (slot.kwh === null) {
      rows.pop();
      row = undefined;
      continue;
    }
    row.wh += Math.round(slot.kwh * 1000);
  }
  return rows;
}

function bucketAround(ms: number, granularity: Granularity): { startMs: number; endMs: number } {
  if (granularity === 'hh') return { startMs: ms, endMs: ms + HALF_HOUR_MS };
  const unit = ({ day: 'day', week: 'week', month: 'month', year: 'year' } as const)[granularity];
  const start = DateTime.fromMillis(ms, { zone: 'utc' }).startOf(unit); // luxon weeks start on ISO Monday
  return { startMs: start.toMillis(), endMs: start.plus({ [unit]: 1 }).toMillis() };
}

// ---------------------------------------------------------------------------------------------------
// Webhooks

class WebhookSender {
  private readonly inFlight = new Set<Promise<void>>();
  private readonly log = createLogger('openvolt-simulator');

  constructor(
    public url: string | undefined,
    private readonly now: () => Date,
  ) {}

  /** POSTs Openvolt's envelope; failures are logged, never thrown, so the API call that caused it succeeds. */
  send(eventId: string, payload: unknown): Promise<void> {
    if (!this.url) return Promise.resolve();
    const delivery = this.post(this.url, eventId, payload).finally(() => this.inFlight.delete(delivery));
    this.inFlight.add(delivery);
    return delivery;
  }

  async drain(): Promise<void> {
    await Promise.allSettled([...this.inFlight]);
  }

  private async post(url: string, eventId: string, payload: unknown): Promise<void> {
    const envelope = {
      subscription_id: uuidFromSeed(`openvolt:subscription:${eventId}`),
      event_id: eventId,
      event_timestamp: this.now().toISOString(),
      delivery_id: randomUUID(),
      payload,
    };
    // Origin and path only: a query string may carry the receiver's token.
    const { origin, pathname } = new URL(url);
    const target = `${origin}${pathname}`;
    try {
      const response = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(envelope),
        signal: AbortSignal.timeout(WEBHOOK_TIMEOUT_MS),
      });
      await response.body?.cancel();
      if (!response.ok) this.log.warn(`webhook ${eventId} to ${target} was answered ${response.status}`);
    } catch (error) {
      // fetch reports "fetch failed"; the reason (ECONNREFUSED, …) is in its cause.
      const cause = (error as { cause?: { code?: string; message?: string } }).cause;
      this.log.warn(`webhook ${eventId} to ${target} failed: ${cause?.code ?? cause?.message ?? (error as Error).message}`);
    }
  }
}

// ---------------------------------------------------------------------------------------------------
// Openvolt-specific request parsing (the generic helpers are in shared/simulator/request.ts)

function paginate<T>(req: Request, items: T[]): T[] {
  const page = queryPositiveInteger(req, 'page', 1);
  const pageSize = queryPositiveInteger(req, 'page_size', 20);
  if (pageSize > MAX_PAGE_SIZE) throw new HttpError(400, `page_size must be at most ${MAX_PAGE_SIZE}`);
  return items.slice((page - 1) * pageSize, page * pageSize);
}

/** `metadata[key]=value` query parameters (OpenAPI deepObject style). */
function metadataFilter(req: Request): Array<[string, string]> {
  const pairs: Array<[string, string]> = [];
  for (const key of Object.keys(req.query)) {
    const match = /^metadata\[(.+)\]$/.exec(key);
    if (match) pairs.push([match[1]!, queryString(req, key)!]);
  }
  return pairs;
}

function matchesMetadata(metadata: Record<string, string>, filter: Array<[string, string]>): boolean {
  return filter.every(([key, value]) => metadata[key] === value);
}

function emailField(body: Record<string, unknown>, required: boolean): string | undefined {
  const email = stringField(body, 'email', required);
  if (email !== undefined && !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email)) throw new HttpError(400, 'email must be a valid email address');
  return email;
}

function metadataField(body: Record<string, unknown>): Record<string, string> | undefined {
  const value = body.metadata;
  if (value === undefined) return undefined;
  const valid =
    typeof value === 'object' && value !== null && !Array.isArray(value) && Object.values(value).every((v) => typeof v === 'string');
  if (!valid) throw new HttpError(400, 'metadata must be an object of string values');
  return { ...(value as Record<string, string>) };
}

function notesField(body: Record<string, unknown>): Note[] | undefined {
  const value = body.notes;
  if (value === undefined) return undefined;
  const valid =
    Array.isArray(value) &&
    value.every(
      (note: unknown) =>
        typeof note === 'object' &&
        note !== null &&
        Object.entries(note).every(([key, text]) => (key === 'content' || key === 'author') && typeof text === 'string'),
    );
  if (!valid) throw new HttpError(400, 'notes must be a list of { content, author } strings');
  return (value as Note[]).map((note) => ({ ...note }));
}

/** The writable meter fields (the spec's BaseMeter, plus update_frequency which meters carry). */
function baseMeterFields(body: Record<string, unknown>): Partial<Meter> {
  return {
    ...optional('description', stringField(body, 'description')),
    ...optional('address', stringField(body, 'address')),
    ...optional('data_source', enumField(body, 'data_source', DATA_SOURCES)),
    ...optional('update_frequency', enumField(body, 'update_frequency', UPDATE_FREQUENCIES)),
    ...optional('metadata', metadataField(body)),
    ...optional('notes', notesField(body)),
    ...optional('provider_info', providerInfoField(body)),
  };
}

function providerInfoField(body: Record<string, unknown>): Record<string, unknown> | undefined {
  const value = body.provider_info;
  if (value === undefined) return undefined;
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new HttpError(400, 'provider_info must be an object');
  const info = value as Record<string, unknown>;
  if (info.postal_code !== undefined && !/^\d{4}[A-Z]{2}$/.test(String(info.postal_code))) {
    throw new HttpError(400, 'provider_info.postal_code must look like 1234AB');
  }
  if (info.meter_type !== undefined && info.meter_type !== 'electricity' && info.meter_type !== 'gas') {
    throw new HttpError(400, 'provider_info.meter_type must be electricity or gas');
  }
  return { ...info };
}

/** A calendar date, `YYYY-MM-DD` (the spec's own examples also drop leading zeros: `2022-11-1`). */
function calendarDate(value: string, name: string): DateTime {
  const match = /^(\d{4})-(\d{1,2})-(\d{1,2})$/.exec(value);
  const date = match ? DateTime.fromObject({ year: +match[1]!, month: +match[2]!, day: +match[3]! }, { zone: 'utc' }) : undefined;
  if (!date?.isValid) throw new HttpError(400, `${name} must be a date such as 2023-01-31`);
  return date;
}

/** The `:_id` route parameter (always a single segment in these routes). */
function pathId(req: Request): string {
  return String(req.params._id);
}

function found<T>(map: Map<string, T>, id: string | undefined, kind: string): T {
  const item = id === undefined ? undefined : map.get(id);
  if (item === undefined) throw new HttpError(404, `No ${kind} with _id ${id}`);
  return item;
}

/** `{ [key]: value }` when value is defined, else `{}`: keeps absent fields absent in JSON. */
function optional<K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: V };
}

function utcDate(date: Date): string {
  return date.toISOString().slice(0, 10);
}

// ---------------------------------------------------------------------------------------------------
// Meter numbers

const MPAN_WEIGHTS = [3, 5, 7, 13, 17, 19, 23, 29, 31, 37, 41, 43];

/** The check digit of a 13-digit MPAN core (the last digit), from its first 12. */
function mpanCheckDigit(first12: string): number {
  let sum = 0;
  for (let i = 0; i < 12; i++) sum += Number(first12[i]) * MPAN_WEIGHTS[i]!;
  return (sum % 11) % 10;
}

/** UK meters need a valid MPAN core; Openvolt's test numbers are exempt (they fail the check digit). */
function hasInvalidMeterNumber(meterNumber: string, dataSource: DataSource): boolean {
  if (!UK_DATA_SOURCES.has(dataSource) || TEST_METER_NUMBERS.includes(meterNumber)) return false;
  return !/^\d{13}$/.test(meterNumber) || mpanCheckDigit(meterNumber) !== Number(meterNumber[12]);
}

// ---------------------------------------------------------------------------------------------------
// Seed data: 4 customers, 52 meters, 6 consents, rebuilt identically on every reset

interface SeedCustomer {
  _id: string;
  name: string;
  email: string;
  address: string;
  created_at: string;
  metadata: Record<string, string>;
  logo_url?: string;
  /** Distributor id: the first two digits of the customer's MPANs (its region). */
  distributor: string;
  sites: Array<{ name: string; address: string }>;
  circuits: string[];
  /** Meter numbers the customer's first meters carry, before generated MPANs. */
  fixedNumbers: string[];
  meterCount: number;
  consent: string;
  /** The data source of each meter (by index) for a customer outside Great Britain; UK meters vary between electralink and dcc. */
  dataSources?: DataSource[];
  /** Per meter (by index), Openvolt's provider_info for a Dutch connection (postcode, meter type). */
  providerInfo?: Array<Record<string, string>>;
}

const SEED_CUSTOMERS: SeedCustomer[] = [
  {
    _id: '6514153c23e3d1424bf82738',
    name: 'Thameside Cold Storage Ltd',
    email: 'energy@thameside-coldstore.co.uk',
    address: 'Unit 4, Riverside Industrial Estate, London SE16 4DG, UK',
    created_at: '2023-09-27T11:42:52.845Z',
    metadata: { crm_ref: 'TCS-0042' },
    distributor: '12',
    sites: [
      { name: 'Bermondsey', address: 'Unit 4, Riverside Industrial Estate, London SE16 4DG, UK' },
      { name: 'Dartford', address: 'Bay 2, Crossways Business Park, Dartford DA2 6QG, UK' },
      { name: 'Purfleet', address: 'Purfleet Distribution Centre, London Road, Purfleet RM19 1QY, UK' },
    ],
    circuits: [
      'Main incomer',
      'Blast freezer hall',
      'Chilled store A',
      'Chilled store B',
      'Refrigeration plant',
      'Loading dock',
      'Forklift charging',
      'Offices',
    ],
    fixedNumbers: [...TEST_METER_NUMBERS],
    meterCount: 20,
    consent: 'thameside',
  },
  {
    _id: objectId('openvolt:seed:customer:meridian', new Date('2023-10-02T08:15:31.102Z')),
    name: 'Meridian Hotels Group',
    email: 'facilities@meridianhotels.co.uk',
    address: '12 Quay Street, Manchester M3 3HN, UK',
    created_at: '2023-10-02T08:15:31.102Z',
    metadata: { crm_ref: 'MHG-0117', segment: 'hospitality' },
    logo_url: 'https://meridianhotels.co.uk/assets/logo.svg',
    distributor: '16',
    sites: [
      { name: 'Quay Street', address: '12 Quay Street, Manchester M3 3HN, UK' },
      { name: 'Salford Quays', address: '4 The Quays, Salford M50 3SQ, UK' },
      { name: 'Chester', address: '21 Grosvenor Park Road, Chester CH1 1QQ, UK' },
    ],
    circuits: ['Main incomer', 'Kitchen', 'Laundry', 'HVAC plant', 'Guest floors', 'Spa and pool', 'Conference suite', 'EV chargers'],
    // One MPAN may be registered under several customers (a meter is unique per customer + number).
    fixedNumbers: ['9999999999999'],
    meterCount: 16,
    consent: 'meridian',
  },
  {
    _id: objectId('openvolt:seed:customer:pennine', new Date('2023-10-05T14:03:09.577Z')),
    name: 'Pennine Valley Schools Trust',
    email: 'estates@penninevalley.org.uk',
    address: 'Trust Office, 1 Mill Lane, Halifax HX1 2RT, UK',
    created_at: '2023-10-05T14:03:09.577Z',
    metadata: { crm_ref: 'PVS-0203', segment: 'education' },
    distributor: '23',
    sites: [
      { name: 'Calder High', address: 'Calder High School, Brier Lane, Mytholmroyd HX7 5QN, UK' },
      { name: 'Ryburn Primary', address: 'Ryburn Primary School, Stansfield Road, Sowerby Bridge HX6 3LN, UK' },
      { name: 'Todmorden Academy', address: 'Todmorden Academy, Burnley Road, Todmorden OL14 7DG, UK' },
    ],
    circuits: ['Main incomer', 'Sports hall', 'Kitchen', 'Science block', 'Boiler house', 'Library', 'Classrooms'],
    fixedNumbers: [],
    meterCount: 14,
    consent: 'pennine',
  },
  {
    // Dutch connections through Openvolt's Dutch data sources. Their EANs are UMeter's office and school
    // (and known to EnerKey and Intellimeter), so `meteringPoint(id)` finds them here too.
    _id: objectId('openvolt:seed:customer:hollandse', new Date('2023-10-09T10:21:44.318Z')),
    name: 'Hollandse Vastgoed Services B.V.',
    email: 'energie@hollandsevastgoed.nl',
    address: 'Catharijnesingel 47, 3511 GC Utrecht, NL',
    created_at: '2023-10-09T10:21:44.318Z',
    metadata: { crm_ref: 'HVS-0311', segment: 'property', country: 'NL' },
    distributor: '',
    sites: [
      { name: 'Kantoor Catharijnesingel', address: 'Catharijnesingel 47, 3511 GC Utrecht, NL' },
      { name: 'Basisschool De Zonnewijzer', address: 'Schoolstraat 12, 2801 HR Gouda, NL' },
    ],
    circuits: ['Hoofdaansluiting'],
    fixedNumbers: [SHARED_METERING_POINTS.officeEan, SHARED_METERING_POINTS.schoolEan],
    meterCount: 2,
    consent: 'hollandse',
    dataSources: ['edsn', 'kenter'],
    providerInfo: [
      { postal_code: '3511GC', meter_type: 'electricity' },
      { postal_code: '2801HR', meter_type: 'electricity' },
    ],
  },
];

const SEED_CONSENTS: Array<{
  key: string;
  customer: number;
  name: string;
  start_date: string;
  end_date: string;
  created_at: string;
  archived_at?: string;
}> = [
  {
    key: 'thameside',
    customer: 0,
    name: 'Thameside portfolio letter of authority',
    start_date: '2023-09-27',
    end_date: '2030-09-26',
    created_at: '2023-09-27T11:45:10.311Z',
  },
  {
    key: 'thameside-2022',
    customer: 0,
    name: 'Thameside Dartford LOA 2022',
    start_date: '2022-06-01',
    end_date: '2023-05-31',
    created_at: '2023-09-27T11:46:02.654Z',
  },
  {
    key: 'meridian',
    customer: 1,
    name: 'Meridian Hotels group LOA',
    start_date: '2023-10-02',
    end_date: '2030-10-01',
    created_at: '2023-10-02T08:20:47.930Z',
  },
  {
    key: 'pennine',
    customer: 2,
    name: 'Pennine Valley Trust LOA',
    start_date: '2023-10-10',
    end_date: '2031-08-31',
    created_at: '2023-10-10T09:05:18.447Z',
  },
  {
    key: 'pennine-pilot',
    customer: 2,
    name: 'Pennine Valley pilot consent',
    start_date: '2023-10-05',
    end_date: '2024-10-04',
    created_at: '2023-10-05T14:30:55.019Z',
    archived_at: '2023-10-10T09:12:44.210Z',
  },
  {
    key: 'hollandse',
    customer: 3,
    name: 'Machtiging Hollandse Vastgoed (EDSN en Kenter)',
    start_date: '2023-10-09',
    end_date: '2030-10-08',
    created_at: '2023-10-09T10:30:12.904Z',
  },
];

/** Meters that differ from "active with the customer's consent", by `customer index:meter index`. */
const SPECIAL_METERS: Record<string, { status: MeterStatus; consent?: string | null; disabled?: boolean; invalidNumber?: boolean }> = {
  '0:15': { status: 'inactive', consent: null },
  '0:16': { status: 'inactive', consent: null },
  '0:17': { status: 'inactive', consent: 'thameside-2022' }, // expired consent
  '1:12': { status: 'inactive', consent: null },
  '1:13': { status: 'inactive', consent: null },
  '1:14': { status: 'inactive', disabled: true },
  '2:10': { status: 'inactive', consent: null },
  '2:11': { status: 'inactive', invalidNumber: true },
  '2:12': { status: 'pending' },
};

/** The seed meter id public Openvolt examples use (meter 9999999999999 of customer 6514153c…). */
const EXAMPLE_METER_ID = '6514167223e3d1424bf82742';
/** Spacing of the seed meters' creation times (keeps the example meter's real created_at). */
const SEED_METER_SPACING_MS = 310_134;

function seedStore(now: Date): Store {
  const store: Store = { customers: new Map(), meters: new Map(), consents: new Map(), created: 0 };
  const customerIds = SEED_CUSTOMERS.map((seed) => seed._id);
  const consentIds = new Map<string, string>();

  for (const seed of SEED_CUSTOMERS) {
    store.customers.set(seed._id, {
      _id: seed._id,
      object: 'customer',
      account: ACCOUNT_ID,
      name: seed.name,
      email: seed.email,
      address: seed.address,
      metadata: { ...seed.metadata },
      ...optional('logo_url', seed.logo_url),
      notes: [],
      created_at: seed.created_at,
      __v: 0,
    });
  }

  for (const seed of SEED_CONSENTS) {
    const id = objectId(`openvolt:seed:consent:${seed.key}`, new Date(seed.created_at));
    consentIds.set(seed.key, id);
    store.consents.set(id, {
      _id: id,
      object: 'consent',
      account: ACCOUNT_ID,
      customer_id: customerIds[seed.customer]!,
      type: 'interval',
      name: seed.name,
      start_date: seed.start_date,
      end_date: seed.end_date,
      metadata: {},
      evidence_document_id: objectId(`openvolt:seed:document:${seed.key}`, new Date(seed.created_at)),
      status: seed.archived_at ? 'archived' : 'active',
      archived_at: seed.archived_at ?? null,
      created_at: seed.created_at,
      __v: 0,
    });
  }

  const random = seededRandom('openvolt:seed:mpan');
  const usedNumbers = new Set<string>(TEST_METER_NUMBERS);
  let index = 0; // across all customers: varies data sources and pull times
  SEED_CUSTOMERS.forEach((seed, c) => {
    for (let k = 0; k < seed.meterCount; k++, index++) {
      const special = SPECIAL_METERS[`${c}:${k}`];
      const fixedNumber = seed.fixedNumbers[k];
      let meterNumber = fixedNumber;
      while (meterNumber === undefined || (fixedNumber === undefined && usedNumbers.has(meterNumber))) {
        meterNumber = generateMpan(seed.distributor, random, special?.invalidNumber ?? false);
      }
      usedNumbers.add(meterNumber);
      const consentKey = special?.consent === undefined ? seed.consent : special.consent;
      const site = seed.sites[k % seed.sites.length]!;
      const dataSource: DataSource = seed.dataSources?.[k] ?? (fixedNumber !== undefined || index % 4 !== 2 ? 'electralink' : 'dcc');
      const testNumber = fixedNumber !== undefined && TEST_METER_NUMBERS.includes(fixedNumber);
      const status = special?.status ?? 'active';
      const createdAt = new Date(Date.parse(seed.created_at) + (k + 1) * SEED_METER_SPACING_MS);
      const id = c === 0 && k === 0 ? EXAMPLE_METER_ID : objectId(`openvolt:seed:meter:${index}`, createdAt);
      store.meters.set(id, {
        _id: id,
        object: 'meter',
        account: ACCOUNT_ID,
        meter_number: meterNumber,
        customer_id: seed._id,
        ...optional('consent_id', consentKey === null ? undefined : consentIds.get(consentKey)),
        description: testNumber
          ? `Openvolt test meter ${TEST_METER_NUMBERS.indexOf(fixedNumber) + 1}`
          : `${seed.circuits[k % seed.circuits.length]} – ${site.name}`,
        address: site.address,
        data_source: dataSource,
        ...optional('provider_info', seed.providerInfo?.[k] && { ...seed.providerInfo[k] }),
        update_frequency: dataSource === 'dcc' ? (index % 3 === 0 ? 'hourly' : 'daily') : index % 3 === 0 ? 'daily' : 'weekly',
        status,
        metadata: index % 5 === 0 ? { site: site.name, cost_centre: `CC-${100 + index}` } : { site: site.name },
        notes: c === 0 && k === 5 ? [{ content: 'CT ratio checked on site visit', author: seed.email }] : [],
        validity_state: {
          missing_consent: false,
          expired_consent: false,
          is_disabled_by_user: special?.disabled ?? false,
          has_invalid_meter_number: false,
        },
        // A pending meter has never been pulled; inactive ones last failed a few days ago.
        ...(status === 'pending'
          ? {}
          : {
              last_data_pull_date: new Date(
                Math.floor(now.getTime() / 1000) * 1000 -
                  (status === 'active' ? (90 + 23 * index) * 60_000 : 3 * DAY_MS + index * 3_600_000),
              ).toISOString(),
              last_data_pull_status: status === 'active' ? ('success' as const) : ('failure' as const),
            }),
        created_at: createdAt.toISOString(),
        __v: 0,
      });
    }
  });
  return store;
}

/** A 13-digit MPAN core for `distributor` with a valid check digit (or a wrong one, when asked). */
function generateMpan(distributor: string, random: () => number, invalid: boolean): string {
  let first12 = distributor;
  while (first12.length < 12) first12 += Math.floor(random() * 10);
  const check = mpanCheckDigit(first12);
  return first12 + (invalid ? (check + 1) % 10 : check);
}

/** For the kit (shared/subgraph/provider.ts): the simulator a subgraph without OPENVOLT_API_URL runs against. */
export async function startForSubgraph(env: NodeJS.ProcessEnv, { host, port, now }: SimulatorPlacement): Promise<SimulatorForSubgraph> {
  const apiKey = env.OPENVOLT_API_KEY || OPENVOLT_SIMULATOR_API_KEY;
  const simulator = await startOpenvoltSimulator({
    host,
    port,
    apiKey,
    now: now && (() => new Date(now())),
    faults: faultsFromEnv('OPENVOLT', env),
  });
  return {
    simulator,
    env: { OPENVOLT_API_URL: `${simulator.url}/v1`, OPENVOLT_API_KEY: apiKey },
    subgraphStarted: ({ webhookUrl }) => simulator.setWebhookUrl(webhookUrl),
  };
}
