import type { Express } from 'express';
import { bodyObject, HttpError, queryString, stringField } from '../../../../shared/simulator/index.js';
import { OPENVOLT_PATHS } from '../../contract.js';
import {
  apiRoute,
  emailField,
  ID_PARAM,
  matchesMetadata,
  metadataField,
  metadataFilter,
  notesField,
  paginate,
  pathId,
} from '../request.js';
import { SEED_ACCOUNT_ID } from '../seed.js';
import { optional, type SimulatedCustomer } from '../store.js';
import type { OpenvoltRouteDeps } from './index.js';

/** `/customers`: list (by email, metadata), read, create (emails unique), update, delete (once it has no meters). */
export function registerCustomerRoutes(app: Express, { store, now, requireApiKey, webhooks }: OpenvoltRouteDeps): void {
  app.get(apiRoute(OPENVOLT_PATHS.customers), requireApiKey, (req, res) => {
    const email = queryString(req, 'email')?.toLowerCase();
    const metadata = metadataFilter(req);
    const customers = [...store.customers.values()].filter(
      (customer) => (email === undefined || customer.email.toLowerCase() === email) && matchesMetadata(customer.metadata, metadata),
    );
    res.json({ data: paginate(req, customers) });
  });

  app.get(apiRoute(OPENVOLT_PATHS.customer(ID_PARAM)), requireApiKey, (req, res) => {
    res.json(store.customer(pathId(req)));
  });

  app.post(apiRoute(OPENVOLT_PATHS.customers), requireApiKey, (req, res) => {
    const body = bodyObject(req);
    const name = stringField(body, 'name', true)!;
    const email = emailField(body, true)!;
    const fields = {
      ...optional('address', stringField(body, 'address')),
      metadata: metadataField(body) ?? {},
      ...optional('logo_url', stringField(body, 'logo_url')),
      notes: notesField(body) ?? [],
    };
    store.assertUniqueEmail(email);
    const customer: SimulatedCustomer = {
      _id: store.nextId('customer'),
      object: 'customer',
      account: SEED_ACCOUNT_ID,
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

  app.put(apiRoute(OPENVOLT_PATHS.customer(ID_PARAM)), requireApiKey, (req, res) => {
    const customer = store.customer(pathId(req));
    const body = bodyObject(req);
    const name = stringField(body, 'name');
    if (name === '') throw new HttpError(400, 'name must not be empty');
    const changes: Partial<SimulatedCustomer> = {
      ...optional('name', name),
      ...optional('email', emailField(body, false)),
      ...optional('address', stringField(body, 'address')),
      ...optional('metadata', metadataField(body)),
      ...optional('logo_url', stringField(body, 'logo_url')),
      ...optional('notes', notesField(body)),
    };
    if (changes.email !== undefined) store.assertUniqueEmail(changes.email, customer._id);
    Object.assign(customer, changes);
    res.status(201).json(customer);
  });

  app.delete(apiRoute(OPENVOLT_PATHS.customer(ID_PARAM)), requireApiKey, (req, res) => {
    const customer = store.customer(pathId(req));
    const meters = [...store.meters.values()].filter((meter) => meter.customer_id === customer._id).length;
    if (meters > 0) throw new HttpError(409, `Customer ${customer._id} still has ${meters} meter(s); delete them first`);
    store.customers.delete(customer._id);
    for (const consent of [...store.consents.values()]) {
      if (consent.customer_id === customer._id) store.consents.delete(consent._id);
    }
    res.json({ deleted: true, _id: customer._id });
  });
}
