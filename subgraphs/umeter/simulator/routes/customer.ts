import type { Express } from 'express';
import { UMETER_PATHS } from '../../contract.js';
import type { UmeterRouteDeps } from './index.js';

/** App host: the account's customer, its addresses and their EANs. */
export function registerCustomerRoutes(app: Express, { store, requireToken }: UmeterRouteDeps): void {
  app.get(`/${UMETER_PATHS.customer}`, requireToken, (_req, res) => {
    res.json(store.customer);
  });
}
