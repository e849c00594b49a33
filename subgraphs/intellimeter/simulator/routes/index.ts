import type { Express } from 'express';
import type { SiteClock } from '../clock.js';
import type { Registers } from '../registers.js';
import type { Sessions } from '../sessions.js';
import type { IntellimeterSimulatorStore } from '../store.js';
import { registerFileRoutes } from './files.js';
import { registerGraphicsRoutes } from './graphics.js';
import { registerKeyRoutes } from './key.js';
import { registerLatestReadingRoutes } from './latest-readings.js';
import { registerPointRoutes } from './points.js';
import { registerSessionRoutes } from './session.js';
import { registerUserRoutes } from './users.js';

/** What every resource's routes are given: the state, the registers, the site's clock and the sessions. */
export interface IntellimeterRouteDeps {
  store: IntellimeterSimulatorStore;
  registers: Registers;
  clock: SiteClock;
  /** `sessions.require` runs first on every route but the login. */
  sessions: Sessions;
}

/** Every route of the classic API, as the seed lists them (CONTRACT.md), one resource a file. */
export function registerIntellimeterRoutes(app: Express, deps: IntellimeterRouteDeps): void {
  registerSessionRoutes(app, deps);
  registerKeyRoutes(app, deps);
  registerLatestReadingRoutes(app, deps);
  registerUserRoutes(app, deps);
  registerGraphicsRoutes(app, deps);
  registerPointRoutes(app, deps);
  registerFileRoutes(app, deps);
}
