import { createHash } from 'node:crypto';
import type { Express } from 'express';
import { bodyObject, HttpError, queryString, stringField } from '../../../../shared/simulator/index.js';
import {
  ENERKEY_PATHS,
  type EnerkeyProvisioningAccepted,
  type EnerkeyProvisioningCustomer,
  type EnerkeyProvisioningCustomersResult,
} from '../../contract.js';
import { QUANTITIES } from '../seed.js';
import type { EnerkeySimulatorStore } from '../store.js';
import type { EnerkeyRouteDeps } from './index.js';

/**
 * Provisioning: UpsertProvisioningCustomer (a snapshot: customers left out are deleted),
 * UpsertProvisioningData (202 with an id; 208 when the same data set was already processed) and
 * ProvisioningStatus. The simulator processes data at once: it fails for a customer not provisioned.
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
 * same one sent again is not processed twice; it fails for a customer that is not provisioned.
 */
function processDataSet(
  store: EnerkeySimulatorStore,
  body: Record<string, unknown>,
  now: () => Date,
): { provisioningId: string; alreadyProcessed: boolean } {
  const externalCustomerId = stringField(body, 'externalCustomerId', true)!;
  const facilities = body.facilities;
  if (!Array.isArray(facilities) || facilities.length === 0) throw new HttpError(400, 'facilities must be a non-empty array');
  const hash = createHash('sha256').update(canonicalJson(body)).digest('hex');
  const known = store.dataSets.get(hash);
  if (known) return { provisioningId: known, alreadyProcessed: true };
  const metersCreated = facilities.reduce((sum: number, item: unknown) => sum + provisionedMeterCount(item), 0);
  const provisioningId = `prov-${hash.slice(0, 12)}`;
  const customerKnown = store.customers.has(externalCustomerId);
  store.dataSets.set(hash, provisioningId);
  store.runs.set(provisioningId, {
    provisioningId,
    status: customerKnown ? 'Completed' : 'Failed',
    externalCustomerId,
    facilitiesCreated: customerKnown ? facilities.length : 0,
    metersCreated: customerKnown ? metersCreated : 0,
    errors: customerKnown ? [] : [`Customer ${externalCustomerId} is not provisioned; upsert it with UpsertProvisioningCustomer first`],
    receivedAt: now().toISOString(),
  });
  return { provisioningId, alreadyProcessed: false };
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

/** Checks one facility of a provisioning data set and counts its meters (each of a known quantity). */
function provisionedMeterCount(item: unknown): number {
  if (typeof item !== 'object' || item === null) throw new HttpError(400, 'each facility must be an object');
  const facility = item as Record<string, unknown>;
  stringField(facility, 'externalFacilityId', true);
  stringField(facility, 'name', true);
  const meters = facility.meters ?? [];
  if (!Array.isArray(meters)) throw new HttpError(400, 'facility meters must be an array');
  for (const meter of meters) {
    if (typeof meter !== 'object' || meter === null) throw new HttpError(400, 'each meter must be an object');
    stringField(meter as Record<string, unknown>, 'externalMeterId', true);
    const quantityId = (meter as Record<string, unknown>).quantityId;
    if (!QUANTITIES.some((q) => q.id === quantityId)) throw new HttpError(400, `Unknown quantityId ${String(quantityId)}`);
  }
  return meters.length;
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
