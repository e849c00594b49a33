import type { Express } from 'express';
import { ENERKEY_PATHS } from '../../contract.js';
import { QUANTITIES } from '../seed.js';
import type { EnerkeyRouteDeps } from './index.js';

/** The quantities meters measure: id, name and unit. */
export function registerQuantityRoutes(app: Express, { authorize }: EnerkeyRouteDeps): void {
  app.get(`/${ENERKEY_PATHS.quantities}`, authorize, (_req, res) => {
    res.json(QUANTITIES);
  });
}
