import type { Express, RequestHandler } from 'express';
import { HttpError } from '../../../../shared/simulator/index.js';
import { __NAME___API_KEY_HEADER } from '../../contract.js';
import type { __Name__SimulatorStore } from '../store.js';
import { registerMeterRoutes } from './meters.js';
import { registerReadingRoutes } from './readings.js';

/** What every resource's routes are given: the state and the key check. */
export interface __Name__RouteDeps {
  store: __Name__SimulatorStore;
  /** Runs first on every API route: the API key in its header. */
  authorize: RequestHandler;
}

/** The check of the key the simulator accepts: a missing or other key is 401. */
export function apiKeyAuthorization(apiKey: string): RequestHandler {
  return (req, _res, next) => {
    if (req.get(__NAME___API_KEY_HEADER) !== apiKey) throw new HttpError(401, `Missing or unknown API key in ${__NAME___API_KEY_HEADER}`);
    next();
  };
}

/** Every resource of the contract (CONTRACT.md), one file each. */
export function register__Name__Routes(app: Express, deps: __Name__RouteDeps): void {
  registerMeterRoutes(app, deps);
  registerReadingRoutes(app, deps);
}
