import type { Express } from 'express';
import { VOLUE_PATHS, type VolueUserPage, type VolueUserRecord } from '../../contract.js';
import { apiRoute, StringBodyError } from '../http.js';
import { isEligibleUser, type VolueSimulatorStore } from '../store.js';
import { stamp } from '../time.js';
import { addError, type FieldErrors, paginate, requestBody, requiredString, throwIfInvalid } from '../validation.js';
import type { VolueRouteDeps } from './index.js';

/** Users: list (paginated), create (one or a batch), read, delete, and the eligible ones. */
export function registerUserRoutes(app: Express, { store, now, requireBearer }: VolueRouteDeps): void {
  app.get(apiRoute(VOLUE_PATHS.users), requireBearer, (req, res) => {
    const { items, pagination } = paginate(req, [...store.users.values()], 'string');
    res.json({ pagination, users: items.map(userView) } satisfies VolueUserPage);
  });

  app.post(apiRoute(VOLUE_PATHS.users), requireBearer, (req, res) => {
    const [userId] = newUserIds(store, [requestBody(req, 'string')], '');
    store.addUser(userId!, stamp(now()));
    res.status(201).json({ userId: userId! } satisfies VolueUserRecord);
  });

  // All or nothing: one bad or existing user refuses the batch.
  app.post(apiRoute(VOLUE_PATHS.usersBatch), requireBearer, (req, res) => {
    const { users } = requestBody(req, 'string');
    if (!Array.isArray(users) || users.length === 0) throw new StringBodyError(400, 'users must be a non-empty list');
    const userIds = newUserIds(store, users, 'users');
    for (const userId of userIds) store.addUser(userId, stamp(now()));
    res.status(201).json({ users: userIds.map((userId) => ({ userId })) });
  });

  // Before `users/:userId`, which would take "eligible" for a user id.
  app.get(apiRoute(VOLUE_PATHS.eligibleUsers), requireBearer, (req, res) => {
    const { items, pagination } = paginate(req, [...store.users.values()].filter(isEligibleUser), 'problem');
    res.json({ pagination, users: items.map(userView) } satisfies VolueUserPage);
  });

  app.get(apiRoute(VOLUE_PATHS.user(':userId')), requireBearer, (req, res) => {
    res.json(userView(store.user(String(req.params.userId))));
  });

  app.delete(apiRoute(VOLUE_PATHS.user(':userId')), requireBearer, (req, res) => {
    store.deleteUser(store.user(String(req.params.userId)).userId);
    res.status(204).end();
  });
}

function userView({ userId }: { userId: string }): VolueUserRecord {
  return { userId };
}

/**
 * The user ids of PostUserRequest bodies, each required and new; otherwise a 400 string naming every
 * problem. [I] The spec declares no 409 for users: an existing id is a 400.
 */
function newUserIds(store: VolueSimulatorStore, bodies: unknown[], listName: string): string[] {
  const errors: FieldErrors = {};
  const seen = new Set<string>();
  const userIds = bodies.map((body, index) => {
    const prefix = listName ? `${listName}[${index}].` : '';
    const userId = requiredString((body ?? {}) as Record<string, unknown>, 'userId', errors, prefix);
    if (userId !== undefined && (store.users.has(userId) || seen.has(userId)))
      addError(errors, `${prefix}userId`, `A user with userId ${userId} already exists.`);
    if (userId !== undefined) seen.add(userId);
    return userId!;
  });
  throwIfInvalid(errors, 'string');
  return userIds;
}
