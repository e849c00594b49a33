import type { Express, RequestHandler } from 'express';
import type { OpenvoltSimulatorStore } from '../store.js';
import type { WebhookSender } from '../webhooks.js';
import { registerConsentRoutes } from './consents.js';
import { registerCustomerRoutes } from './customers.js';
import { registerDocumentRoutes } from './documents.js';
import { registerEventRoutes } from './events.js';
import { registerIntervalDataRoutes } from './interval-data.js';
import { registerMeterRoutes } from './meters.js';

/** What the route files need: the state, the clock, the key check every API route makes first, the webhooks. */
export interface OpenvoltRouteDeps {
  store: OpenvoltSimulatorStore;
  /** Only half hours ended by now() have data; new objects are stamped with it. */
  now: () => Date;
  /** The right `x-api-key`, or a 401. */
  requireApiKey: RequestHandler;
  webhooks: WebhookSender;
}

export function registerOpenvoltRoutes(app: Express, deps: OpenvoltRouteDeps): void {
  registerCustomerRoutes(app, deps);
  registerMeterRoutes(app, deps);
  registerConsentRoutes(app, deps);
  registerDocumentRoutes(app, deps);
  registerIntervalDataRoutes(app, deps);
  registerEventRoutes(app, deps);
}
