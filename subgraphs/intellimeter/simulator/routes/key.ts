import type { Express } from 'express';
import { INTELLIMETER_PATHS, type IntellimeterKeyJson } from '../../contract.js';
import { send } from '../http.js';
import { sessionUser } from '../sessions.js';
import { newApiKey } from '../store.js';
import type { IntellimeterRouteDeps } from './index.js';

/** `/key`: the account's API key (GET), a new one (POST: the old key stops logging in; open sessions stay [I]). */
export function registerKeyRoutes(app: Express, { sessions }: IntellimeterRouteDeps): void {
  const path = `/${INTELLIMETER_PATHS.key}`;

  app.get(path, sessions.require, (req, res) => {
    send(req, res, { key: sessionUser(res).key } satisfies IntellimeterKeyJson);
  });

  app.post(path, sessions.require, (req, res) => {
    const user = sessionUser(res);
    user.key = newApiKey();
    send(req, res, { key: user.key } satisfies IntellimeterKeyJson);
  });
}
