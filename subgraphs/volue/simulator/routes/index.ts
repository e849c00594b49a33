import type { Express, RequestHandler } from 'express';
import { renderVolueError } from '../http.js';
import type { VolueNotifier } from '../notifier.js';
import type { VolueSimulatorStore } from '../store.js';
import { registerEnrollmentRoutes } from './enrollment.js';
import { registerEventRoutes } from './events.js';
import { registerLocationRoutes } from './locations.js';
import { registerReportRoutes } from './reports.js';
import { registerResourceRoutes } from './resources.js';
import { registerSimulationRoutes } from './simulation.js';
import { registerTokenRoute, type VolueIdentity } from './token.js';
import { registerUserRoutes } from './users.js';
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
  registerLocationRoutes(app, deps);
  registerResourceRoutes(app, deps);
  registerEnrollmentRoutes(app, deps);
  registerEventRoutes(app, deps);
  registerSimulationRoutes(app, deps);
  registerWebhookRoutes(app, deps);
  registerReportRoutes(app, deps);
  app.use(renderVolueError);
}
