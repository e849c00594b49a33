import { createHash } from 'node:crypto';
import type { Express } from 'express';
import { bodyObject, HttpError, queryString, stringField } from '../../../../shared/simulator/index.js';
import {
  ENERKEY_METER_TYPES,
  ENERKEY_PATHS,
  type EnerkeyMeterType,
  type EnerkeyProvisioningAccepted,
  type EnerkeyProvisioningData,
  type EnerkeyProvisioningMeter,
  type EnerkeyProvisioningCustomer,
  type EnerkeyProvisioningCustomersResult,
} from '../../contract.js';
import { QUANTITIES } from '../seed.js';
import type { EnerkeySimulatorStore } from '../store.js';
import type { EnerkeyRouteDeps } from './index.js';

/**
 * Provisioning: UpsertProvisioningCustomer (a snapshot: customers left out are deleted),
 * UpsertProvisioningData (202 with an id; 208 when the same data set was already processed) and
 * ProvisioningStatus. The simulator processes data at once: it creates the facilities and meters the
 * data names (they show in the facilities and meters endpoints), or fails for a customer not provisioned.
 */
export function registerProvisioningRoutes(app: Express, { store, now, authorize }: EnerkeyRouteDeps): void {
  app.post(`/${ENERKEY_PATHS.provisioningCustomers}`, authorize, (req, res) => {
    res.json(replaceCustomers(store, req.body));
  });
  app.post(`/${ENERKEY_PATHS.provisioningData}`, authorize, (req, res) => {
    const { provisioningId, alreadyProcessed } = processDataSet(store, bodyObject(req), now);
    if (alreadyProcessed) {
      res.status(208).json({ provisioningId, message: 'The same data set was already processed' } satisfies EnerkeyProvisioningAccepted);
    } else {
      res.status(202).json({ provisioningId } satisfies EnerkeyProvisioningAccepted);
    }
  });
  app.get(`/${ENERKEY_PATHS.provisioningStatus}`, authorize, (req, res) => {
    const id = queryString(req, 'provisioningId');
    if (!id) throw new HttpError(400, 'provisioningId is required');
    const run = store.runs.get(id);
    if (!run) throw new HttpError(404, `No provisioning with id ${id}`);
    res.json(run);
  });
}

/** UpsertProvisioningCustomer: the body is the whole list of customers; those left out are deleted. */
function replaceCustomers(store: EnerkeySimulatorStore, body: unknown): EnerkeyProvisioningCustomersResult {
  if (!Array.isArray(body)) throw new HttpError(400, 'The body must be a JSON array of customers');
  const customers = body.map(provisioningCustomer);
  const ids = new Set(customers.map((c) => c.externalCustomerId));
  if (ids.size !== customers.length) throw new HttpError(400, 'externalCustomerId must be unique within the snapshot');
  const updated = customers.filter((c) => store.customers.has(c.externalCustomerId)).length;
  const deleted = [...store.customers.keys()].filter((id) => !ids.has(id));
  store.customers.clear();
  for (const customer of customers) store.customers.set(customer.externalCustomerId, customer);
  return { created: customers.length - updated, updated, deleted: deleted.length, deletedCustomerIds: deleted, customers };
}

/**
 * UpsertProvisioningData, processed at once: a data set is known by the hash of its content, so the
 * same one sent again is not processed twice; it fails for a customer that is not provisioned. For a
 * provisioned customer it creates (or, for an external id seen before, updates) the facilities with
 * their properties, the meters and submeters (reading configurations) and one default alarm per meter.
 */
function processDataSet(
  store: EnerkeySimulatorStore,
  body: Record<string, unknown>,
  now: () => Date,
): { provisioningId: string; alreadyProcessed: boolean } {
  const externalCustomerId = stringField(body, 'externalCustomerId', true)!;
  if (!Array.isArray(body.facilities) || body.facilities.length === 0) throw new HttpError(400, 'facilities must be a non-empty array');
  const facilities = body.facilities.map(provisionedFacility);
  const hash = createHash('sha256').update(canonicalJson(body)).digest('hex');
  const known = store.dataSets.get(hash);
  if (known) return { provisioningId: known, alreadyProcessed: true };
  const provisioningId = `prov-${hash.slice(0, 12)}`;
  const customerKnown = store.customers.has(externalCustomerId);
  const created = customerKnown ? createAll(store, externalCustomerId, facilities) : { facilityIds: [], meterIds: [] };
  store.dataSets.set(hash, provisioningId);
  store.runs.set(provisioningId, {
    provisioningId,
    status: customerKnown ? 'Completed' : 'Failed',
    externalCustomerId,
    facilitiesCreated: created.facilityIds.length,
    metersCreated: created.meterIds.length,
    facilityIds: created.facilityIds,
    meterIds: created.meterIds,
    alarmsCreated: created.meterIds.length,
    errors: customerKnown ? [] : [`Customer ${externalCustomerId} is not provisioned; upsert it with UpsertProvisioningCustomer first`],
    receivedAt: now().toISOString(),
  });
  return { provisioningId, alreadyProcessed: false };
}

type ProvisionedFacility = NonNullable<EnerkeyProvisioningData['facilities']>[number];

/** Creates or updates the facilities and their meters; returns EnerKey's ids of what it wrote. */
function createAll(store: EnerkeySimulatorStore, customerId: string, facilities: readonly ProvisionedFacility[]) {
  const facilityIds: number[] = [];
  const meterIds: number[] = [];
  for (const facility of facilities) {
    const key = `${customerId}/${facility.externalFacilityId}`;
    const id = store.provisionedFacilities.get(key) ?? store.nextId(store.facilities);
    store.provisionedFacilities.set(key, id);
    store.facilities.set(id, { id, name: facility.name, enegiaId: `EK-${id}`, properties: facility.properties ?? [] });
    facilityIds.push(id);
    const createMeter = (meter: EnerkeyProvisioningMeter, parentMeterId?: number): void => {
      const meterKey = `${key}/${meter.externalMeterId}`;
      const meterId = store.provisionedMeters.get(meterKey) ?? store.nextId(store.meters);
      store.provisionedMeters.set(meterKey, meterId);
      const quantity = QUANTITIES.find((q) => q.id === meter.quantityId)!;
      store.meters.set(meterId, {
        id: meterId,
        facilityId: id,
        ...(parentMeterId === undefined ? {} : { parentMeterId }),
        name: meter.name,
        quantityId: quantity.id,
        unit: quantity.unit,
        meterType: meter.meterType ?? 'consumption',
        ...(meter.meteringPointId ? { meteringPointId: meter.meteringPointId } : {}),
        peakKw: 0,
        provisioned: true,
      });
      store.alarmDefinitions.set(meterId, 'ConsumptionAboveLimit');
      meterIds.push(meterId);
      for (const sub of meter.subMeters ?? []) createMeter(sub, meterId);
    };
    for (const meter of facility.meters ?? []) createMeter(meter);
  }
  return { facilityIds, meterIds };
}

function provisioningCustomer(item: unknown, index: number): EnerkeyProvisioningCustomer {
  if (typeof item !== 'object' || item === null) throw new HttpError(400, `customer ${index} must be an object`);
  const record = item as Record<string, unknown>;
  if (typeof record.productCode !== 'number' || !Number.isInteger(record.productCode)) {
    throw new HttpError(400, `customer ${index}: productCode must be an integer`);
  }
  return {
    productCode: record.productCode,
    externalCustomerName: stringField(record, 'externalCustomerName', true)!,
    externalCustomerId: stringField(record, 'externalCustomerId', true)!,
  };
}

/** One facility of a provisioning data set, checked field by field. */
function provisionedFacility(item: unknown): ProvisionedFacility {
  if (typeof item !== 'object' || item === null) throw new HttpError(400, 'each facility must be an object');
  const facility = item as Record<string, unknown>;
  const properties = facility.properties ?? [];
  if (!Array.isArray(properties)) throw new HttpError(400, 'facility properties must be an array');
  const meters = facility.meters ?? [];
  if (!Array.isArray(meters)) throw new HttpError(400, 'facility meters must be an array');
  return {
    externalFacilityId: stringField(facility, 'externalFacilityId', true)!,
    name: stringField(facility, 'name', true)!,
    properties: properties.map((property: unknown) => {
      if (typeof property !== 'object' || property === null) throw new HttpError(400, 'each property must be an object');
      const record = property as Record<string, unknown>;
      const unit = stringField(record, 'unit', false);
      return { name: stringField(record, 'name', true)!, value: stringField(record, 'value', true)!, ...(unit ? { unit } : {}) };
    }),
    meters: meters.map(provisionedMeter),
  };
}

function provisionedMeter(item: unknown): EnerkeyProvisioningMeter {
  if (typeof item !== 'object' || item === null) throw new HttpError(400, 'each meter must be an object');
  const meter = item as Record<string, unknown>;
  const quantityId = meter.quantityId;
  if (!QUANTITIES.some((q) => q.id === quantityId)) throw new HttpError(400, `Unknown quantityId ${String(quantityId)}`);
  const meterType = meter.meterType ?? 'consumption';
  if (!ENERKEY_METER_TYPES.includes(meterType as EnerkeyMeterType)) {
    throw new HttpError(400, `meterType must be one of ${ENERKEY_METER_TYPES.join(', ')}`);
  }
  const subMeters = meter.subMeters ?? [];
  if (!Array.isArray(subMeters)) throw new HttpError(400, 'subMeters must be an array');
  const meteringPointId = stringField(meter, 'meteringPointId', false);
  return {
    externalMeterId: stringField(meter, 'externalMeterId', true)!,
    name: stringField(meter, 'name', true)!,
    quantityId: quantityId as number,
    meterType: meterType as EnerkeyMeterType,
    ...(meteringPointId ? { meteringPointId } : {}),
    subMeters: subMeters.map(provisionedMeter),
  };
}

/** JSON with object keys sorted, so that the same data set hashes the same whatever its key order. */
function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).sort(([a], [b]) => a.localeCompare(b));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}
