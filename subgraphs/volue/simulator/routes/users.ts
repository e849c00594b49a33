import type { Express } from 'express';
import { bodyObject, HttpError } from '../../../../shared/simulator/index.js';
import { VOLUE_PATHS, type VolueUserPage, type VolueUserRecord } from '../../contract.js';
import { apiRoute, StringBodyError } from '../http.js';
import { stamp } from '../time.js';
import { paginate } from '../validation.js';
import type { VolueRouteDeps } from './index.js';

/** Users: the seed's `POST /users {userId}`; listing (paginated) and reading one are the current API's. */
export function registerUserRoutes(app: Express, { store, now, requireBearer }: VolueRouteDeps): void {
  app.get(apiRoute(VOLUE_PATHS.users), requireBearer, (req, res) => {
    const { items, pagination } = paginate(req, [...store.users.values()]);
    res.json({ pagination, users: items.map((u) => ({ userId: u.userId })) } satisfies VolueUserPage);
  });

  app.post(apiRoute(VOLUE_PATHS.users), requireBearer, (req, res) => {
    const { userId } = bodyObject(req);
    if (typeof userId !== 'string' || !userId.trim()) throw new StringBodyError(400, 'userId is required');
    if (store.users.has(userId)) throw new HttpError(409, `A user with userId ${userId} already exists`);
    store.addUser(userId, stamp(now()));
    res.status(201).json({ userId } satisfies VolueUserRecord);
  });

  app.get(apiRoute(VOLUE_PATHS.user(':userId')), requireBearer, (req, res) => {
    res.json({ userId: store.user(String(req.params.userId)).userId } satisfies VolueUserRecord);
  });
}
