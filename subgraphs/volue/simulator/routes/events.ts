import type { Express } from 'express';
import { VOLUE_PATHS, type VolueEventPage } from '../../contract.js';
import { apiRoute } from '../http.js';
import { paginate } from '../validation.js';
import type { VolueRouteDeps } from './index.js';

/** Events (current API: paginated, newest first) and the simulation routes that create them. */
export function registerEventRoutes(app: Express, { store, requireBearer, notifier }: VolueRouteDeps): void {
  app.get(apiRoute(VOLUE_PATHS.events), requireBearer, (req, res) => {
    const { items, pagination } = paginate(req, store.events);
    res.json({ pagination, events: items } satisfies VolueEventPage);
  });

  app.get(apiRoute(VOLUE_PATHS.event(':eventId')), requireBearer, (req, res) => {
    const event = store.events.find((e) => e.id === req.params.eventId);
    if (!event) {
      res.status(404).end(); // the spec declares a bodiless 404
      return;
    }
    res.json(event);
  });

  app.post(apiRoute(VOLUE_PATHS.simulatePriceCurve), requireBearer, async (_req, res) => {
    res.json({ simulatedEvent: await notifier.createEvent('PriceCurve') });
  });

  app.post(apiRoute(VOLUE_PATHS.simulateUserEligibility), requireBearer, async (_req, res) => {
    res.json({ simulatedEvent: await notifier.createEvent('UserEligibility') });
  });
}
