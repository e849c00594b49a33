import type { Express } from 'express';
import { HttpError } from '../../../../shared/simulator/index.js';
import { INTELLIMETER_PATHS } from '../../contract.js';
import { param, send } from '../http.js';
import { accountJson, userJson } from '../json.js';
import { sessionUser } from '../sessions.js';
import type { IntellimeterRouteDeps } from './index.js';

const EMAIL = /^[^@\s]+@[^@\s]+$/;

/**
 * `/user`: the users of the site (GET), changes to the own account (POST), a new user (PUT; 409 on a
 * taken username [C]), the own account deleted and logged out (DELETE).
 */
export function registerUserRoutes(app: Express, { store, clock, sessions }: IntellimeterRouteDeps): void {
  const path = `/${INTELLIMETER_PATHS.user}`;

  app.get(path, sessions.require, (req, res) => {
    const me = sessionUser(res);
    send(req, res, [...store.users.values()].filter((user) => user.project === me.project).map(userJson));
  });

  app.post(path, sessions.require, (req, res) => {
    const me = sessionUser(res);
    const username = param(req, 'username')?.trim();
    const password = param(req, 'password');
    const email = param(req, 'email')?.trim();
    if (username === '') throw new HttpError(400, 'username must not be empty');
    if (username !== undefined && store.usernameTaken(username, me.uuid)) throw new HttpError(409, `The username ${username} is taken`);
    if (email !== undefined && !EMAIL.test(email)) throw new HttpError(400, 'email is not an email address');
    if (username !== undefined) me.username = username;
    if (password !== undefined) me.password = password;
    if (email !== undefined) me.email = email;
    send(req, res, (type: string) => accountJson(me, type));
  });

  app.put(path, sessions.require, (req, res) => {
    const me = sessionUser(res);
    const username = param(req, 'username')?.trim();
    const password = param(req, 'password');
    const email = param(req, 'email')?.trim();
    if (!username || !password || !email) throw new HttpError(400, 'username, password and email are required');
    if (!EMAIL.test(email)) throw new HttpError(400, 'email is not an email address');
    if (store.usernameTaken(username)) throw new HttpError(409, `The username ${username} is taken`);
    const user = store.addUser({ project: me.project, username, email, password, joined: clock.stamp(clock.now().getTime(), 'json') });
    send(req, res, (type: string) => accountJson(user, type));
  });

  app.delete(path, sessions.require, (req, res) => {
    const me = sessionUser(res);
    store.users.delete(me.uuid);
    sessions.closeAllOf(me, res);
    send(req, res, {});
  });
}
