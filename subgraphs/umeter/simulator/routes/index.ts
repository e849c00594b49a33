import type { Express, RequestHandler } from 'express';
import type { TokenIssuer } from '../../../../shared/simulator/index.js';
import type { UmeterSimulatorStore } from '../store.js';
import { registerCustomerRoutes } from './customer.js';
import { registerMeasurementRoutes } from './measurements.js';
import { registerP4Routes } from './p4.js';
import { registerTokenRoutes } from './token.js';

/** What the route files need: the state, the clock, the login and the check every API route makes first. */
export interface UmeterRouteDeps {
  store: UmeterSimulatorStore;
  /** Measurements are served only for intervals that have ended by now(). */
  now: () => Date;
  /** The one account's login. */
  account: { username: string; password: string };
  tokens: TokenIssuer<string>;
  /** A live bearer token, or a 401. */
  requireToken: RequestHandler;
}

/** All three hosts on one app: their paths do not collide. */
export function registerUmeterRoutes(app: Express, deps: UmeterRouteDeps): void {
  registerTokenRoutes(app, deps);
  registerCustomerRoutes(app, deps);
  registerP4Routes(app, deps);
  registerMeasurementRoutes(app, deps);
}
