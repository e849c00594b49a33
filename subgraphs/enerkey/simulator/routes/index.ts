import type { Express, RequestHandler } from 'express';
import type { EnerkeySimulatorStore } from '../store.js';
import { registerActionRoutes } from './actions.js';
import { registerFacilityRoutes } from './facilities.js';
import { registerImageRoutes } from './images.js';
import { registerLogRoutes } from './logs.js';
import { registerMeterRoutes } from './meters.js';
import { registerProvisioningRoutes } from './provisioning.js';
import { registerPushRoutes } from './push.js';
import { registerQuantityRoutes } from './quantities.js';
import { registerValueRoutes } from './values.js';

/** What every resource's routes are given: the state, the simulator's clock and EnerKey's key check. */
export interface EnerkeyRouteDeps {
  store: EnerkeySimulatorStore;
  now: () => Date;
  /** Runs first on every API route: the raw key in `Authorization`, its validity and its budget. */
  authorize: RequestHandler;
}

/** Every EnerKey resource of the inferred contract (CONTRACT.md), one file each. */
export function registerEnerkeyRoutes(app: Express, deps: EnerkeyRouteDeps): void {
  registerFacilityRoutes(app, deps);
  registerMeterRoutes(app, deps);
  registerQuantityRoutes(app, deps);
  registerValueRoutes(app, deps);
  registerPushRoutes(app, deps);
  registerActionRoutes(app, deps);
  registerImageRoutes(app, deps);
  registerProvisioningRoutes(app, deps);
  registerLogRoutes(app, deps);
}
