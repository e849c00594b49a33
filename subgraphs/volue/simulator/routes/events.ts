import type { Express } from 'express';
import { VOLUE_PATHS, type VolueEventPage } from '../../contract.js';
import { apiRoute, emptyResponse } from '../http.js';
import { paginate } from '../validation.js';
import type { VolueRouteDeps } from './index.js';

/** Events: paginated, newest first, and one by id. The simulation routes (simulation.ts) create them. */
export function registerEventRoutes(app: Express, { store, requireBearer }: VolueRouteDeps): void {
  app.get(apiRoute(VOLUE_PATHS.events), requireBearer, (req, res) => {
    const { items, pagination } = paginate(req, store.events, 'problem');
    res.json({ pagination, events: items } satisfies VolueEventPage);
  });

  app.get(apiRoute(VOLUE_PATHS.event(':eventId')), requireBearer, (req, res) => {
    const event = store.events.find((e) => e.id === req.params.eventId);
    if (!event) throw emptyResponse(404);
    res.json(event);
  });
}
