import type { Express, Request } from 'express';
import { bodyObject, enumField, HttpError, queryBoolean, queryEnum, queryString, stringField } from '../../../../shared/simulator/index.js';
import {
  OPENVOLT_DATA_SOURCES,
  OPENVOLT_METER_SORT_ORDERS,
  OPENVOLT_METER_STATUSES,
  OPENVOLT_PATHS,
  OPENVOLT_PULL_STATUSES,
  OPENVOLT_UPDATE_FREQUENCIES,
  OPENVOLT_VALIDITY_FLAGS,
} from '../../contract.js';
import { apiRoute, baseMeterFields, calendarDate, ID_PARAM, matchesMetadata, metadataFilter, paginate, pathId } from '../request.js';
import { SEED_ACCOUNT_ID } from '../seed.js';
import { optional, type SimulatedMeter } from '../store.js';
import type { OpenvoltRouteDeps } from './index.js';

/** `/meters`: list (the spec's filters), read (customer embedded), register, update, delete, change consent. */
export function registerMeterRoutes(app: Express, { store, now, requireApiKey, webhooks }: OpenvoltRouteDeps): void {
  app.get(apiRoute(OPENVOLT_PATHS.meters), requireApiKey, (req, res) => {
    const matches = meterFilter(req);
    const meters = [...store.meters.values()]
      .map((meter) => store.meterView(meter))
      .filter(matches)
      // Most recently pulled first; never-pulled meters last; ties in creation order.
      .sort((a, b) => (b.last_data_pull_date ?? '').localeCompare(a.last_data_pull_date ?? ''));
    res.json({ data: paginate(req, meters) });
  });

  app.get(apiRoute(OPENVOLT_PATHS.meter(ID_PARAM)), requireApiKey, (req, res) => {
    res.json(store.meterDetail(store.meter(pathId(req))));
  });

  app.post(apiRoute(OPENVOLT_PATHS.meters), requireApiKey, (req, res) => {
    const meter = newMeter(bodyObject(req), { store, now });
    store.meters.set(meter._id, meter);
    const view = store.meterDetail(meter);
    res.json(view);
    void webhooks.send('meter.created', view);
  });

  app.put(apiRoute(OPENVOLT_PATHS.meter(ID_PARAM)), requireApiKey, (req, res) => {
    const meter = store.meter(pathId(req));
    Object.assign(meter, baseMeterFields(bodyObject(req)));
    res.status(201).json(store.meterDetail(meter));
  });

  app.delete(apiRoute(OPENVOLT_PATHS.meter(ID_PARAM)), requireApiKey, (req, res) => {
    store.meters.delete(store.meter(pathId(req))._id);
    res.status(204).end();
  });

  app.put(apiRoute(OPENVOLT_PATHS.meterConsent(ID_PARAM)), requireApiKey, (req, res) => {
    const meter = store.meter(pathId(req));
    const consentId = bodyObject(req).consent_id;
    if (consentId === null) {
      delete meter.consent_id;
      meter.status = 'inactive';
    } else if (typeof consentId === 'string' && consentId !== '') {
      store.usableConsent(consentId, meter.customer_id);
      meter.consent_id = consentId;
      meter.status = 'active';
    } else {
      throw new HttpError(400, 'consent_id must be a consent _id, or null to remove the consent');
    }
    res.status(201).json(store.meterDetail(meter));
  });
}

/** The filters of `GET /meters` (each validated for a clear 400), as a test of a meter as lists show it. */
function meterFilter(req: Request): (meter: SimulatedMeter) => boolean {
  const filters = {
    customer_id: queryString(req, 'customer_id'),
    _id: queryString(req, 'meter_id'),
    meter_number: queryString(req, 'meter_number'),
    status: queryEnum(req, 'status', OPENVOLT_METER_STATUSES),
    data_source: queryEnum(req, 'data_source', OPENVOLT_DATA_SOURCES),
    update_frequency: queryEnum(req, 'update_frequency', OPENVOLT_UPDATE_FREQUENCIES),
    last_data_pull_status: queryEnum(req, 'last_data_pull_status', OPENVOLT_PULL_STATUSES),
  };
  const pullDate = queryString(req, 'last_data_pull_date');
  const pullDay = pullDate === undefined ? undefined : calendarDate(pullDate, 'last_data_pull_date').toISODate()!;
  const validity = OPENVOLT_VALIDITY_FLAGS.map((flag) => [flag, queryBoolean(req, flag)] as const);
  queryEnum(req, 'sort_by', OPENVOLT_METER_SORT_ORDERS); // the only (and default) order
  const metadata = metadataFilter(req);
  return (meter) =>
    Object.entries(filters).every(([field, value]) => value === undefined || meter[field as keyof typeof filters] === value) &&
    (pullDay === undefined || meter.last_data_pull_date?.slice(0, 10) === pullDay) &&
    validity.every(([flag, value]) => value === undefined || meter.validity_state[flag] === value) &&
    matchesMetadata(meter.metadata, metadata);
}

/** The meter a `POST /meters` body registers: unique per (customer, number), active once it has a consent. */
function newMeter(body: Record<string, unknown>, { store, now }: Pick<OpenvoltRouteDeps, 'store' | 'now'>): SimulatedMeter {
  const meterNumber = stringField(body, 'meter_number', true)!;
  const customerId = stringField(body, 'customer_id', true)!;
  const dataSource = enumField(body, 'data_source', OPENVOLT_DATA_SOURCES, true)!;
  const consentId = stringField(body, 'consent_id');
  const fields = baseMeterFields(body);
  if (!store.customers.has(customerId)) throw new HttpError(400, `No customer with _id ${customerId}`);
  if (consentId !== undefined) store.usableConsent(consentId, customerId);
  const duplicate = [...store.meters.values()].some((m) => m.customer_id === customerId && m.meter_number === meterNumber);
  if (duplicate) throw new HttpError(409, `Meter ${meterNumber} already exists for customer ${customerId}`);
  return {
    _id: store.nextId('meter'),
    object: 'meter',
    account: SEED_ACCOUNT_ID,
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
}
