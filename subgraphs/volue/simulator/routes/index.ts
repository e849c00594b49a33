import type { Express, RequestHandler } from 'express';
import { renderVolueError } from '../http.js';
import type { VolueNotifier } from '../notifier.js';
import type { VolueSimulatorStore } from '../store.js';
import { registerEventRoutes } from './events.js';
import { registerMeterRoutes } from './meters.js';
import { registerReportRoutes } from './reports.js';
import { registerResourceRoutes } from './resources.js';
import { registerTokenRoute, type VolueIdentity } from './token.js';
import { registerUserRoutes } from './users.js';
import { registerVehicleRoutes } from './vehicles.js';
import { registerWebhookRoutes } from './webhooks.js';

/** What every resource's routes are given: the state, the simulator's clock, the token check and the webhook sender. */
export interface VolueRouteDeps {
  store: VolueSimulatorStore;
  now: () => Date;
  /** Runs first on every API route: a valid Bearer token from the identity server. */
  requireBearer: RequestHandler;
  notifier: VolueNotifier;
}

/** The identity server and every resource of the API (CONTRACT.md), one file each; then Volue's error shapes. */
export function registerVolueRoutes(app: Express, identity: VolueIdentity, deps: VolueRouteDeps): void {
  registerTokenRoute(app, identity);
  registerUserRoutes(app, deps);
  registerVehicleRoutes(app, deps);
  registerMeterRoutes(app, deps);
  registerResourceRoutes(app, deps);
  registerEventRoutes(app, deps);
  registerWebhookRoutes(app, deps);
  registerReportRoutes(app, deps);
  app.use(renderVolueError);
}
