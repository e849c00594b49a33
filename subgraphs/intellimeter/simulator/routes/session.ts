import type { Express } from 'express';
import { HttpError } from '../../../../shared/simulator/index.js';
import { INTELLIMETER_PATHS, type IntellimeterLoginJson } from '../../contract.js';
import { param, send } from '../http.js';
import { accountJson } from '../json.js';
import { sessionUser } from '../sessions.js';
import type { IntellimeterRouteDeps } from './index.js';

/** `/session`: the logged-in account (GET), log in by key or username and password (PUT), log out (DELETE). */
export function registerSessionRoutes(app: Express, { store, sessions }: IntellimeterRouteDeps): void {
  const path = `/${INTELLIMETER_PATHS.session}`;

  app.get(path, sessions.require, (req, res) => {
    const user = sessionUser(res);
    send(req, res, (type: string) => accountJson(user, type));
  });

  app.put(path, (req, res) => {
    const user = store.userByLogin({ key: param(req, 'key'), username: param(req, 'username'), password: param(req, 'password') });
    if (!user) throw new HttpError(401, 'Could not log you in');
    sessions.open(res, user);
    send(req, res, { uuid: user.uuid } satisfies IntellimeterLoginJson);
  });

  app.delete(path, sessions.require, (req, res) => {
    sessions.close(req, res);
    send(req, res, {});
  });
}
