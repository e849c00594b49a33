import type { Express } from 'express';
import { deliverMeterDataReceived } from '../webhooks.js';
import type { OpenvoltRouteDeps } from './index.js';

/** Control route (not an Openvolt route, not counted): trigger a `meter_data.received` delivery. */
export function registerEventRoutes(app: Express, { store, webhooks }: OpenvoltRouteDeps): void {
  app.post('/_simulator/events/meter-data-received', async (req, res) => {
    await deliverMeterDataReceived(store, webhooks, req.body);
    res.status(204).end();
  });
}
